//! The query vector: text, images and indexed photos ("more like this"), each with a weight,
//! summed into one unit vector, negatives (words and images) subtracted: `normalize(sum of
//! weighted positive parts) - 0.5 * mean(negative parts)`, normalised again. A hit's cosine
//! with it is its score; for a plain text query that is exactly the photo's cosine with the
//! text. The text and the image parts also get vectors of their own, for late fusion.

use super::Query;
use crate::catalog::{Catalog, Condition, RowFilter};
use crate::error::{CoreError, Result};
use crate::photo;
use iris_clip::Clip;
use std::path::Path;

/// How strongly negative terms push results away.
pub(crate) const NEGATIVE_WEIGHT: f32 = 0.5;

/// The cosine of two vectors, the first a unit vector (0 for a zero or a mismatched one).
pub(crate) fn cosine(unit: &[f32], v: &[f32]) -> f32 {
    if unit.len() != v.len() {
        return 0.0;
    }
    let dot: f32 = unit.iter().zip(v).map(|(a, b)| a * b).sum();
    let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
    if norm > 0.0 {
        dot / norm
    } else {
        0.0
    }
}

fn add_scaled(acc: &mut [f32], v: &[f32], w: f32) {
    for (a, x) in acc.iter_mut().zip(v) {
        *a += w * x;
    }
}

/// Scales `v` to unit length; false (and `v` untouched) for a zero or non-finite norm.
pub(crate) fn normalize(v: &mut [f32]) -> bool {
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

/// A query's vectors: all its parts combined (a hit's score is its cosine with this), and
/// its text and its image parts alone, each with the negatives (for late fusion).
pub(crate) struct QueryVectors {
    pub combined: Vec<f32>,
    /// The text alone; none without text.
    pub text: Option<Vec<f32>>,
    /// The images, pastes and "more like this" photos alone; none without any.
    pub image: Option<Vec<f32>>,
}

impl QueryVectors {
    /// One vector for everything (a benchmark's random query).
    pub fn single(vector: Vec<f32>) -> Self {
        Self {
            combined: vector,
            text: None,
            image: None,
        }
    }
}

/// The embeddings of image parts: files, encoded bytes and indexed photos' stored vectors.
pub(crate) fn image_parts(
    catalog: &Catalog,
    clip: &Clip,
    files: &[std::path::PathBuf],
    encoded: &[Vec<u8>],
    ids: &[String],
) -> Result<Vec<Vec<f32>>> {
    let mut pixels = Vec::with_capacity(files.len() + encoded.len());
    for path in files {
        let bytes = std::fs::read(path).map_err(|e| CoreError::io(path, e))?;
        pixels.push(query_pixels(clip, &bytes, path)?);
    }
    for bytes in encoded {
        pixels.push(query_pixels(clip, bytes, Path::new("pasted image"))?);
    }
    let mut out = if pixels.is_empty() {
        Vec::new()
    } else {
        clip.embed_pixels(&pixels)?
    };
    for id in ids {
        let v = stored_vector(catalog, id)?
            .ok_or_else(|| CoreError::Invalid(format!("no indexed photo has id \"{id}\"")))?;
        out.push(v);
    }
    Ok(out)
}

/// `normalize(v) - NEGATIVE_WEIGHT * mean(negatives)`, normalised; none for a zero `v`.
fn with_negatives(mut v: Vec<f32>, negatives: &[Vec<f32>]) -> Option<Vec<f32>> {
    if !normalize(&mut v) {
        return None;
    }
    if !negatives.is_empty() {
        for n in negatives {
            add_scaled(&mut v, n, -NEGATIVE_WEIGHT / negatives.len() as f32);
        }
        normalize(&mut v);
    }
    Some(v)
}

/// The query's vectors. Negative parts are words ("-people") and images ("not like this").
pub(crate) fn query_vectors(catalog: &Catalog, clip: &Clip, q: &Query) -> Result<QueryVectors> {
    let dim = clip.dim();
    let text = match &q.text {
        Some(t) => clip.embed_texts(&[t])?.into_iter().next(),
        None => None,
    };
    let images = image_parts(catalog, clip, &q.images, &q.image_bytes, &q.like)?;
    let mut negatives = if q.negatives.is_empty() {
        Vec::new()
    } else {
        clip.embed_texts(&q.negatives)?
    };
    negatives.extend(image_parts(
        catalog,
        clip,
        &q.negative_images,
        &q.negative_image_bytes,
        &q.negative_like,
    )?);
    let mut all = vec![0f32; dim];
    let mut image_sum = vec![0f32; dim];
    if let Some(t) = &text {
        add_scaled(&mut all, t, q.text_weight);
    }
    for v in &images {
        add_scaled(&mut all, v, q.image_weight);
        add_scaled(&mut image_sum, v, 1.0);
    }
    let combined = with_negatives(all, &negatives).ok_or_else(|| {
        CoreError::Invalid("the query is empty: give text, an image or a photo id".into())
    })?;
    Ok(QueryVectors {
        combined,
        text: text.and_then(|t| with_negatives(t, &negatives)),
        image: (!images.is_empty())
            .then(|| with_negatives(image_sum, &negatives))
            .flatten(),
    })
}
