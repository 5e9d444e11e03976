//! The query vector: text, images and indexed photos ("more like this"), each with a weight,
//! summed into one unit vector, negatives subtracted: `normalize(sum of weighted positive
//! parts) - 0.5 * mean(negative parts)`, normalised again. A hit's cosine with it is its
//! score; for a plain text query that is exactly the photo's cosine with the text.

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
pub(crate) fn query_vector(catalog: &Catalog, clip: &Clip, q: &Query) -> Result<Vec<f32>> {
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
