//! Retrieval evaluation as in the CLIP papers: from a JSONL file of `{"image", "caption"}`
//! pairs (an image is relevant to every caption listed for it; several images may share a
//! caption), text-to-image and image-to-text recall at 1, 5 and 10 and mean reciprocal rank.

use crate::error::{CoreError, Result};
use iris_clip::Clip;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Recall at 1, 5 and 10 and mean reciprocal rank of the first relevant item.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Retrieval {
    pub r1: f64,
    pub r5: f64,
    pub r10: f64,
    pub mrr: f64,
}

/// Both directions.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct EvalReport {
    pub text_to_image: Retrieval,
    pub image_to_text: Retrieval,
}

#[derive(Deserialize)]
struct Pair {
    image: String,
    caption: String,
}

/// Image paths (resolved against the file's folder), captions, and relevant pairs.
pub struct Dataset {
    pub images: Vec<PathBuf>,
    pub captions: Vec<String>,
    /// `(image index, caption index)` pairs.
    pub relevant: BTreeSet<(usize, usize)>,
}

/// Reads a JSONL file of pairs.
pub fn read_pairs(file: &Path) -> Result<Dataset> {
    let text = std::fs::read_to_string(file).map_err(|e| CoreError::io(file, e))?;
    let base = file.parent().unwrap_or(Path::new("."));
    let mut images: BTreeMap<PathBuf, usize> = BTreeMap::new();
    let mut captions: BTreeMap<String, usize> = BTreeMap::new();
    let mut relevant = BTreeSet::new();
    for (n, line) in text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        let pair: Pair = serde_json::from_str(line)
            .map_err(|e| CoreError::Invalid(format!("{} line {}: {e}", file.display(), n + 1)))?;
        let path = base.join(&pair.image);
        let next = images.len();
        let i = *images.entry(path).or_insert(next);
        let next = captions.len();
        let c = *captions.entry(pair.caption).or_insert(next);
        relevant.insert((i, c));
    }
    if relevant.is_empty() {
        return Err(CoreError::Invalid(format!(
            "{} holds no pairs",
            file.display()
        )));
    }
    let mut image_list = vec![PathBuf::new(); images.len()];
    for (p, i) in images {
        image_list[i] = p;
    }
    let mut caption_list = vec![String::new(); captions.len()];
    for (c, i) in captions {
        caption_list[i] = c;
    }
    Ok(Dataset {
        images: image_list,
        captions: caption_list,
        relevant,
    })
}

fn dot(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// Rank (1-based) of the first relevant candidate when `candidates` are sorted by similarity
/// to `query`, best first; ties count against the relevant item.
fn first_relevant_rank(
    query: &[f32],
    candidates: &[Vec<f32>],
    is_relevant: impl Fn(usize) -> bool,
) -> usize {
    let best = (0..candidates.len())
        .filter(|&c| is_relevant(c))
        .map(|c| dot(query, &candidates[c]))
        .fold(f32::NEG_INFINITY, f32::max);
    1 + (0..candidates.len())
        .filter(|&c| !is_relevant(c) && dot(query, &candidates[c]) >= best)
        .count()
}

/// Recall at 1, 5 and 10 and MRR of first-relevant ranks (1-based; `usize::MAX` for never found).
pub(crate) fn summarize(ranks: &[usize]) -> Retrieval {
    let n = ranks.len().max(1) as f64;
    let recall = |k: usize| ranks.iter().filter(|&&r| r <= k).count() as f64 / n;
    Retrieval {
        r1: recall(1),
        r5: recall(5),
        r10: recall(10),
        mrr: ranks.iter().map(|&r| 1.0 / r as f64).sum::<f64>() / n,
    }
}

/// Retrieval figures of precomputed, L2-normalised embeddings.
pub fn evaluate_embeddings(
    image_vectors: &[Vec<f32>],
    text_vectors: &[Vec<f32>],
    relevant: &BTreeSet<(usize, usize)>,
) -> EvalReport {
    let t2i: Vec<usize> = (0..text_vectors.len())
        .map(|c| {
            first_relevant_rank(&text_vectors[c], image_vectors, |i| {
                relevant.contains(&(i, c))
            })
        })
        .collect();
    let i2t: Vec<usize> = (0..image_vectors.len())
        .map(|i| {
            first_relevant_rank(&image_vectors[i], text_vectors, |c| {
                relevant.contains(&(i, c))
            })
        })
        .collect();
    EvalReport {
        text_to_image: summarize(&t2i),
        image_to_text: summarize(&i2t),
    }
}

/// Embeds a dataset with `clip` and evaluates it.
pub fn evaluate(clip: &Clip, data: &Dataset) -> Result<EvalReport> {
    let images = clip.embed_image_files(&data.images)?;
    let texts = clip.embed_texts(&data.captions)?;
    Ok(evaluate_embeddings(&images, &texts, &data.relevant))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranks_and_recalls_follow_the_definitions() {
        let images = vec![vec![1.0, 0.0], vec![0.0, 1.0], vec![0.6, 0.8]];
        let texts = vec![vec![1.0, 0.0], vec![0.0, 1.0]];
        // caption 0 is relevant to image 2 only (ranked 2nd by caption 0), caption 1 to image 1.
        let relevant = BTreeSet::from([(2, 0), (1, 1)]);
        let r = evaluate_embeddings(&images, &texts, &relevant);
        assert_eq!(r.text_to_image.r1, 0.5);
        assert_eq!(r.text_to_image.r5, 1.0);
        assert!((r.text_to_image.mrr - 0.75).abs() < 1e-12);
        // image 0 has no relevant caption: it counts as never found within the candidates.
        assert!(r.image_to_text.r1 < 1.0);
    }
}
