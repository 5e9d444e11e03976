//! Search: a query of text, images, indexed photos ("more like this") and negative terms,
//! each with a weight, becomes one unit vector; the catalog returns the nearest photos by
//! cosine similarity, identical copies collapsed, with filters by folder, date and format.
//!
//! The query vector is `normalize(sum of weighted positive parts) - 0.5 * mean(negative
//! parts)`, normalised again; a hit's score is its cosine with that vector, which for a plain
//! text query is exactly the photo's cosine with the text.

use crate::catalog::{sql_string, Catalog};
use crate::error::{CoreError, Result};
use crate::row::{PhotoRow, Status};
use iris_clip::Clip;
use serde::Serialize;
use std::collections::HashSet;
use std::path::PathBuf;

/// How strongly negative terms push results away.
pub const NEGATIVE_WEIGHT: f32 = 0.5;

/// Everything a search can combine.
#[derive(Debug, Clone, PartialEq)]
pub struct Query {
    /// Positive text, e.g. "beach at sunset".
    pub text: Option<String>,
    /// Texts to move away from, e.g. "people".
    pub negatives: Vec<String>,
    /// Image files anywhere on disk.
    pub images: Vec<PathBuf>,
    /// Encoded images (a paste), in any supported format.
    pub image_bytes: Vec<Vec<u8>>,
    /// Ids of indexed photos.
    pub like: Vec<String>,
    pub text_weight: f32,
    pub image_weight: f32,
    pub k: usize,
    pub filter: Filter,
}

impl Default for Query {
    fn default() -> Self {
        Self {
            text: None,
            negatives: Vec::new(),
            images: Vec::new(),
            image_bytes: Vec::new(),
            like: Vec::new(),
            text_weight: 1.0,
            image_weight: 1.0,
            k: 20,
            filter: Filter::default(),
        }
    }
}

impl Query {
    /// A query from a search box string: words starting with `-` are negative terms
    /// ("beach -people" searches "beach" away from "people").
    pub fn from_text(s: &str) -> Self {
        let mut positive = Vec::new();
        let mut negatives = Vec::new();
        for word in s.split_whitespace() {
            match word.strip_prefix('-') {
                Some(neg) if !neg.is_empty() => negatives.push(neg.to_string()),
                _ => positive.push(word),
            }
        }
        Self {
            text: (!positive.is_empty()).then(|| positive.join(" ")),
            negatives,
            ..Self::default()
        }
    }
}

/// Restrictions on which photos may be returned.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Filter {
    /// Only photos whose path starts with this prefix.
    pub folder: Option<String>,
    /// Only photos taken at or after this time (seconds since the epoch).
    pub taken_after: Option<i64>,
    /// Only photos taken before this time.
    pub taken_before: Option<i64>,
    /// Only these formats ("jpeg", "png", ...).
    pub formats: Vec<String>,
}

impl Filter {
    fn sql(&self, vector_column: &str) -> String {
        let mut parts = vec![
            format!("status != '{}'", Status::Failed.as_str()),
            format!("{vector_column} IS NOT NULL"),
        ];
        if let Some(folder) = &self.folder {
            parts.push(format!("starts_with(path, {})", sql_string(folder)));
        }
        if let Some(t) = self.taken_after {
            parts.push(format!("taken >= {t}"));
        }
        if let Some(t) = self.taken_before {
            parts.push(format!("taken < {t}"));
        }
        if !self.formats.is_empty() {
            let list: Vec<String> = self.formats.iter().map(|f| sql_string(f)).collect();
            parts.push(format!("format IN ({})", list.join(", ")));
        }
        parts.join(" AND ")
    }
}

/// One search result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Hit {
    pub path: String,
    /// Cosine similarity with the query vector.
    pub score: f32,
    pub id: String,
    pub size: u64,
    pub taken: Option<i64>,
    pub width: Option<u32>,
    pub height: Option<u32>,
    pub format: Option<String>,
    pub camera: Option<String>,
    /// False when the photo's drive is not connected.
    pub online: bool,
}

fn add_scaled(acc: &mut [f32], v: &[f32], w: f32) {
    for (a, x) in acc.iter_mut().zip(v) {
        *a += w * x;
    }
}

fn normalize(v: &mut [f32]) -> bool {
    let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
    if norm > 0.0 && norm.is_finite() {
        v.iter_mut().for_each(|x| *x /= norm);
        true
    } else {
        false
    }
}

/// The query vector.
pub fn query_vector(catalog: &Catalog, clip: &Clip, q: &Query) -> Result<Vec<f32>> {
    let mut acc = vec![0f32; clip.dim()];
    if let Some(text) = &q.text {
        add_scaled(&mut acc, &clip.embed_texts(&[text])?[0], q.text_weight);
    }
    for v in clip.embed_image_files(&q.images)? {
        add_scaled(&mut acc, &v, q.image_weight);
    }
    let pasted = q
        .image_bytes
        .iter()
        .map(|b| iris_clip::decode_bytes(b, std::path::Path::new("pasted image"), None))
        .collect::<std::result::Result<Vec<_>, _>>()?;
    for v in clip.embed_images(&pasted)? {
        add_scaled(&mut acc, &v, q.image_weight);
    }
    for id in &q.like {
        let filter = format!(
            "id = {} AND {} IS NOT NULL",
            sql_string(id),
            catalog.vector_column()
        );
        let row = catalog.rows(Some(&filter), true, 1)?.into_iter().next();
        let v = row
            .and_then(|r| r.vector)
            .ok_or_else(|| CoreError::Invalid(format!("no indexed photo has id \"{id}\"")))?;
        add_scaled(&mut acc, &v, q.image_weight);
    }
    if !normalize(&mut acc) {
        return Err(CoreError::Invalid(
            "the query is empty: give text, an image or a photo id".into(),
        ));
    }
    if !q.negatives.is_empty() {
        let negatives = clip.embed_texts(&q.negatives)?;
        for v in &negatives {
            add_scaled(&mut acc, v, -NEGATIVE_WEIGHT / negatives.len() as f32);
        }
        normalize(&mut acc);
    }
    Ok(acc)
}

/// The best `q.k` photos for a query, best first, identical copies collapsed.
pub fn search(catalog: &Catalog, clip: &Clip, q: &Query) -> Result<Vec<Hit>> {
    let vector = query_vector(catalog, clip, q)?;
    let filter = q.filter.sql(catalog.vector_column());
    let found = catalog.nearest(&vector, q.k * 2 + 8, &filter)?;
    let mut seen = HashSet::new();
    Ok(found
        .into_iter()
        .filter(|(row, _)| seen.insert(row.id.clone()))
        .take(q.k)
        .map(|(row, score)| hit(row, score))
        .collect())
}

fn hit(row: PhotoRow, score: f32) -> Hit {
    Hit {
        online: row.status == Status::Ok,
        path: row.path,
        score,
        id: row.id,
        size: row.size,
        taken: row.taken,
        width: row.width,
        height: row.height,
        format: row.format,
        camera: row.camera,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minus_words_become_negative_terms() {
        let q = Query::from_text("beach  -people at sunset -");
        assert_eq!(q.text.as_deref(), Some("beach at sunset -"));
        assert_eq!(q.negatives, ["people"]);
        let q = Query::from_text("-red");
        assert_eq!(q.text, None);
    }

    #[test]
    fn filters_become_sql_with_quoted_values() {
        let f = Filter {
            folder: Some("/photos/it's".into()),
            taken_after: Some(10),
            taken_before: None,
            formats: vec!["jpeg".into()],
        };
        assert_eq!(
            f.sql("vec_m"),
            "status != 'failed' AND vec_m IS NOT NULL AND starts_with(path, '/photos/it''s') \
             AND taken >= 10 AND format IN ('jpeg')"
        );
    }
}
