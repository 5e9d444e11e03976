//! What a hit's score is made of: the cosine of the photo with each part of the query on its
//! own (the words, each image, each negative word or image), for the viewer, beside the
//! score (its cosine with the whole query vector, [`super::vector`]).

use super::vector::{cosine, stored_vector};
use super::Query;
use crate::catalog::Catalog;
use crate::error::{CoreError, Result};
use crate::photo;
use iris_clip::Clip;
use serde::Serialize;
use std::path::Path;

/// One part of a query and the photo's cosine with it.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct ScorePart {
    /// "words", "image", "not" (a negative word) or "not-image".
    pub part: String,
    /// The words, or the image's file name ("pasted image", a photo's id for "like").
    pub label: String,
    pub cosine: f32,
}

fn unit(mut v: Vec<f32>) -> Vec<f32> {
    let n = v.iter().map(|x| x * x).sum::<f32>().sqrt();
    if n > 0.0 {
        v.iter_mut().for_each(|x| *x /= n);
    }
    v
}

fn image(clip: &Clip, bytes: &[u8], path: &Path) -> Result<Vec<f32>> {
    let pixels = photo::decode_query(bytes, path, clip.preprocessor()).map_err(|reason| {
        CoreError::Invalid(format!(
            "cannot use \"{}\" as a query image: {reason}",
            path.display()
        ))
    })?;
    Ok(clip.embed_pixels(&[pixels])?.remove(0))
}

/// The parts of `q` with the cosine of photo `id` with each.
pub(crate) fn score_parts(
    catalog: &Catalog,
    clip: &Clip,
    q: &Query,
    id: &str,
) -> Result<Vec<ScorePart>> {
    let photo = stored_vector(catalog, id)?
        .ok_or_else(|| CoreError::Invalid(format!("no indexed photo has id \"{id}\"")))?;
    let mut parts: Vec<(String, String, Vec<f32>)> = Vec::new();
    if let Some(text) = &q.text {
        parts.push((
            "words".into(),
            text.clone(),
            clip.embed_texts(&[text])?.remove(0),
        ));
    }
    let name = |p: &Path| {
        p.file_name().map_or(p.display().to_string(), |n| {
            n.to_string_lossy().into_owned()
        })
    };
    let files = [(&q.images, "image"), (&q.negative_images, "not-image")];
    for (paths, part) in files {
        for path in paths {
            let bytes = std::fs::read(path).map_err(|e| CoreError::io(path, e))?;
            parts.push((part.into(), name(path), image(clip, &bytes, path)?));
        }
    }
    let pastes = [
        (&q.image_bytes, "image"),
        (&q.negative_image_bytes, "not-image"),
    ];
    for (pasted, part) in pastes {
        for bytes in pasted {
            parts.push((
                part.into(),
                "pasted image".into(),
                image(clip, bytes, Path::new("pasted image"))?,
            ));
        }
    }
    let likes = [(&q.like, "image"), (&q.negative_like, "not-image")];
    for (ids, part) in likes {
        for other in ids {
            let v = stored_vector(catalog, other)?.ok_or_else(|| {
                CoreError::Invalid(format!("no indexed photo has id \"{other}\""))
            })?;
            parts.push((
                part.into(),
                format!("photo {}", other.chars().take(8).collect::<String>()),
                v,
            ));
        }
    }
    if !q.negatives.is_empty() {
        for (word, v) in q.negatives.iter().zip(clip.embed_texts(&q.negatives)?) {
            parts.push(("not".into(), word.clone(), v));
        }
    }
    Ok(parts
        .into_iter()
        .map(|(part, label, v)| ScorePart {
            part,
            label,
            cosine: cosine(&unit(v), &photo),
        })
        .collect())
}
