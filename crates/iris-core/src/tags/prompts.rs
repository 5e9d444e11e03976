//! A tag's text embedding: the normalised mean of the model's embeddings of the tag in
//! several sentences (a prompt ensemble, as CLIP's zero-shot classifiers do), computed once
//! per model and tag and cached in the library (`tags/<vector column>.prompts.json`), so a
//! new user tag costs its own sentences only.

use crate::error::Result;
use iris_clip::Clip;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// The "everyday photo" ensemble: the plain sentence CLIP's paper starts from and the
/// framings a personal photo of the concept takes (close, many, cropped, in a snapshot).
pub const TEMPLATES: [&str; 5] = [
    "a photo of a {}.",
    "a photo of the {}.",
    "a close-up photo of the {}.",
    "a photo of many {}.",
    "a cropped photo of the {}.",
];

/// Bumped when [`TEMPLATES`] or the averaging change: cached embeddings are made again.
const FORMAT: u32 = 1;

#[derive(Default, Serialize, Deserialize)]
struct Cached {
    format: u32,
    dim: usize,
    vectors: HashMap<String, Vec<f32>>,
}

fn file(library: &Path, column: &str) -> PathBuf {
    library.join("tags").join(format!("{column}.prompts.json"))
}

/// The sentences of one tag.
pub fn sentences(tag: &str) -> Vec<String> {
    TEMPLATES.iter().map(|t| t.replace("{}", tag)).collect()
}

/// The unit mean of `vectors`.
fn unit_mean(vectors: &[Vec<f32>], dim: usize) -> Vec<f32> {
    let mut mean = vec![0f32; dim];
    for v in vectors {
        mean.iter_mut().zip(v).for_each(|(m, x)| *m += x);
    }
    let norm = mean
        .iter()
        .map(|x| x * x)
        .sum::<f32>()
        .sqrt()
        .max(f32::MIN_POSITIVE);
    mean.iter_mut().for_each(|m| *m /= norm);
    mean
}

/// The ensemble embedding of each of `names`, in order: from the cache where it has them,
/// the rest embedded now (and cached, when `library` may be written). With `embed_missing`
/// false, a name the cache lacks gives `None` instead (a search does not wait for the
/// vocabulary to be embedded).
pub(crate) fn embeddings(
    library: &Path,
    column: &str,
    clip: &Clip,
    names: &[&str],
    writable: bool,
    embed_missing: bool,
) -> Result<Option<Vec<Vec<f32>>>> {
    let path = file(library, column);
    let mut cached = std::fs::read(&path)
        .ok()
        .and_then(|b| serde_json::from_slice::<Cached>(&b).ok())
        .filter(|c| c.format == FORMAT && c.dim == clip.dim())
        .unwrap_or(Cached {
            format: FORMAT,
            dim: clip.dim(),
            vectors: HashMap::new(),
        });
    let missing: Vec<&str> = names
        .iter()
        .copied()
        .filter(|n| !cached.vectors.contains_key(*n))
        .collect();
    if !missing.is_empty() && !embed_missing {
        return Ok(None);
    }
    if !missing.is_empty() {
        let texts: Vec<String> = missing.iter().flat_map(|n| sentences(n)).collect();
        let vectors = clip.embed_texts(&texts)?;
        for (name, group) in missing.iter().zip(vectors.chunks(TEMPLATES.len())) {
            cached
                .vectors
                .insert(name.to_string(), unit_mean(group, clip.dim()));
        }
        if writable {
            match crate::atomic::write_json(&path, &cached) {
                Err(e) if !e.is_read_only() => return Err(e),
                _ => {}
            }
        }
    }
    Ok(Some(
        names.iter().map(|n| cached.vectors[*n].clone()).collect(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_template_holds_the_tag_once() {
        let s = sentences("red circle");
        assert_eq!(s.len(), TEMPLATES.len());
        assert!(s.iter().all(|t| t.matches("red circle").count() == 1));
        assert_eq!(s[0], "a photo of a red circle.");
    }

    #[test]
    fn the_ensemble_is_the_unit_mean() {
        let m = unit_mean(&[vec![1.0, 0.0], vec![0.0, 1.0]], 2);
        assert!((m[0] - m[1]).abs() < 1e-6 && (m[0] - 0.70710677).abs() < 1e-6);
    }
}
