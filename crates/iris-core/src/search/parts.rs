//! What a hit's score is made of: the cosine of the photo with each part of the query on its
//! own (the words, each image, each negative word or image), for the viewer, beside the
//! score (its cosine with the whole query vector, [`super::vector`]).

use super::vector::{cosine, image_parts, stored_vector};
use super::Query;
use crate::catalog::Catalog;
use crate::error::{CoreError, Result};
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

fn file_name(path: &Path) -> String {
    path.file_name().map_or(path.display().to_string(), |n| {
        n.to_string_lossy().into_owned()
    })
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
    let mut parts: Vec<(&str, String, Vec<f32>)> = Vec::new();
    if let Some(text) = &q.text {
        parts.push(("words", text.clone(), clip.embed_texts(&[text])?.remove(0)));
    }
    let images = [
        ("image", &q.images, &q.image_bytes, &q.like),
        (
            "not-image",
            &q.negative_images,
            &q.negative_image_bytes,
            &q.negative_like,
        ),
    ];
    for (part, files, encoded, ids) in images {
        let labels = files
            .iter()
            .map(|p| file_name(p))
            .chain(encoded.iter().map(|_| "pasted image".to_string()))
            .chain(
                ids.iter()
                    .map(|i| format!("photo {}", i.chars().take(8).collect::<String>())),
            );
        let vectors = image_parts(catalog, clip, files, encoded, ids)?;
        parts.extend(labels.zip(vectors).map(|(label, v)| (part, label, v)));
    }
    if !q.negatives.is_empty() {
        let vectors = clip.embed_texts(&q.negatives)?;
        parts.extend(
            q.negatives
                .iter()
                .zip(vectors)
                .map(|(w, v)| ("not", w.clone(), v)),
        );
    }
    Ok(parts
        .into_iter()
        .map(|(part, label, v)| ScorePart {
            part: part.to_string(),
            label,
            // The stored vector is a unit vector; cosine() normalises the part's.
            cosine: cosine(&photo, &v),
        })
        .collect())
}
