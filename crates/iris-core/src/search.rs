//! Search: a query of text, images, indexed photos ("more like this") and negative terms,
//! each with a weight, becomes one unit vector; the catalog returns the nearest photos by
//! cosine similarity, identical copies collapsed, with filters by folder, date and format.
//!
//! The query vector is `normalize(sum of weighted positive parts) - 0.5 * mean(negative
//! parts)`, normalised again; a hit's score is its cosine with that vector, which for a plain
//! text query is exactly the photo's cosine with the text.

use crate::catalog::{Catalog, Condition, RowFilter};
use crate::error::{CoreError, Result};
use crate::grammar::{self, TermKind};
use crate::photo;
use crate::row::{PhotoRow, Status};
use iris_clip::Clip;
use serde::Serialize;
use std::collections::HashSet;
use std::path::{Path, PathBuf};

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
    /// A query from search box text in the [`grammar`]: positive terms search together as one
    /// text, negative ones push away ("beach -people", `-"busy street"`).
    pub fn from_text(s: &str) -> Self {
        let mut positive = Vec::new();
        let mut negatives: Vec<String> = Vec::new();
        for term in grammar::parse(s) {
            match term.kind {
                TermKind::Word => positive.push(term.text),
                TermKind::Not if !negatives.contains(&term.text) => negatives.push(term.text),
                TermKind::Not => {}
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
    /// Only photos in this folder or below it.
    pub folder: Option<String>,
    /// Only photos taken at or after this time (seconds since the epoch).
    pub taken_after: Option<i64>,
    /// Only photos taken before this time.
    pub taken_before: Option<i64>,
    /// Only these formats ("jpeg", "png", ...).
    pub formats: Vec<String>,
}

impl Filter {
    /// The catalog rows a search may return: indexed photos matching every restriction.
    pub(crate) fn rows(&self) -> RowFilter {
        let mut rows = RowFilter::only(Condition::NotStatus(Status::Failed));
        if let Some(folder) = &self.folder {
            rows = rows.and(Condition::InFolder(folder.clone()));
        }
        if let Some(t) = self.taken_after {
            rows = rows.and(Condition::TakenFrom(t));
        }
        if let Some(t) = self.taken_before {
            rows = rows.and(Condition::TakenBefore(t));
        }
        if !self.formats.is_empty() {
            rows = rows.and(Condition::Formats(self.formats.clone()));
        }
        rows
    }
}

/// One search result.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct Hit {
    pub path: String,
    /// Cosine similarity with the query vector (0 when browsing: there is no query).
    pub score: f32,
    pub id: String,
    pub size: u64,
    pub taken: Option<i64>,
    /// File modification time, seconds since the epoch (what browsing sorts undated photos by).
    pub modified: i64,
    pub width: Option<u32>,
    pub height: Option<u32>,
    pub format: Option<String>,
    pub camera: Option<String>,
    pub lens: Option<String>,
    /// Where it was taken: "Honolulu, Hawaii, United States".
    pub place: Option<String>,
    /// The RAW file shot with this photo (IMG_0001.CR2 beside IMG_0001.JPG), shown as one.
    pub raw_sibling: Option<String>,
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

/// The model input of a query image, decoded as indexing decodes photos.
fn query_pixels(clip: &Clip, bytes: &[u8], path: &Path) -> Result<Vec<f32>> {
    photo::decode_query(bytes, path, clip.preprocessor()).map_err(|reason| {
        CoreError::Invalid(format!(
            "cannot use \"{}\" as a query image: {reason}",
            path.display()
        ))
    })
}

/// The vector the catalog holds for a photo's content id under this model, if any.
pub(crate) fn stored_vector(catalog: &Catalog, id: &str) -> Result<Option<Vec<f32>>> {
    let filter = RowFilter::only(Condition::Ids(vec![id.to_string()])).and(Condition::Embedded);
    let row = catalog.rows(&filter, true, 1)?.into_iter().next();
    Ok(row.and_then(|r| r.vector))
}

/// The query vector.
pub fn query_vector(catalog: &Catalog, clip: &Clip, q: &Query) -> Result<Vec<f32>> {
    let mut acc = vec![0f32; clip.dim()];
    if let Some(text) = &q.text {
        add_scaled(&mut acc, &clip.embed_texts(&[text])?[0], q.text_weight);
    }
    let mut pixels = Vec::with_capacity(q.images.len() + q.image_bytes.len());
    for path in &q.images {
        let bytes = std::fs::read(path).map_err(|e| CoreError::io(path, e))?;
        pixels.push(query_pixels(clip, &bytes, path)?);
    }
    for bytes in &q.image_bytes {
        pixels.push(query_pixels(clip, bytes, Path::new("pasted image"))?);
    }
    for v in clip.embed_pixels(&pixels)? {
        add_scaled(&mut acc, &v, q.image_weight);
    }
    for id in &q.like {
        let v = stored_vector(catalog, id)?
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
    let found = catalog.nearest(&vector, q.k * 2 + 8, &q.filter.rows())?;
    let mut seen = HashSet::new();
    let hits = found
        .into_iter()
        .filter(|(row, _)| seen.insert(row.id.clone()))
        .map(|(row, score)| hit(row, score))
        .collect();
    let mut hits = crate::pairs::collapse(hits);
    hits.truncate(q.k);
    Ok(hits)
}

pub(crate) fn hit(row: PhotoRow, score: f32) -> Hit {
    Hit {
        place: row.place_label(),
        raw_sibling: None,
        online: row.status == Status::Ok,
        path: row.path,
        score,
        id: row.id,
        size: row.size,
        taken: row.taken,
        modified: row.mtime_ns.div_euclid(1_000_000_000),
        width: row.width,
        height: row.height,
        format: row.format,
        camera: row.camera,
        lens: row.lens,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minus_words_become_negative_terms() {
        let q = Query::from_text("beach  -people at sunset -");
        assert_eq!(q.text.as_deref(), Some("beach at sunset"));
        assert_eq!(q.negatives, ["people"]);
        let q = Query::from_text("-red");
        assert_eq!(q.text, None);
    }

    #[test]
    fn quoted_negatives_follow_the_grammar() {
        let q = Query::from_text(r#"street -"busy street" -cars -cars"#);
        assert_eq!(q.text.as_deref(), Some("street"));
        assert_eq!(q.negatives, ["busy street", "cars"]);
    }

    #[test]
    fn filters_become_typed_row_conditions() {
        let f = Filter {
            folder: Some("/photos/a".into()),
            taken_after: Some(10),
            taken_before: None,
            formats: vec!["jpeg".into()],
        };
        assert_eq!(
            f.rows(),
            RowFilter::only(Condition::NotStatus(Status::Failed))
                .and(Condition::InFolder("/photos/a".into()))
                .and(Condition::TakenFrom(10))
                .and(Condition::Formats(vec!["jpeg".into()]))
        );
    }
}
