//! How well an album finds a class from a few examples (`iris eval-albums`): precision at k
//! of the album's ranking against the class, next to the simpler baseline, ranking by cosine
//! with the mean of the examples' embeddings. With negatives, the album is also given the
//! baseline's first wrong photos as "not this", as a person correcting the first suggestions
//! would, and those photos leave its ranking, as they leave the album a person sees
//! (`Library::view` never lists a refused photo).

use super::{rank, Album};
use crate::error::Result;
use crate::library::Library;
use serde::Serialize;
use std::collections::HashSet;

/// One class: its example photos and every photo of it, by content id.
pub struct LabelledClass {
    pub name: String,
    pub examples: Vec<String>,
    pub relevant: HashSet<String>,
}

/// Mean precision at `k` over the classes, for each way of ranking.
#[derive(Debug, Clone, Serialize)]
pub struct AlbumFigures {
    pub classes: usize,
    pub k: usize,
    /// Cosine with the mean of the examples' embeddings.
    pub mean_embedding: f32,
    /// The same ranking with the `negatives` photos taken out: what the negatives give a
    /// ranker that cannot learn from them.
    pub mean_without_negatives: f32,
    /// The album's classifier from the examples alone.
    pub album: f32,
    /// The album's classifier with `negatives` of the baseline's first wrong photos marked
    /// "not this" (and so out of its ranking).
    pub album_with_negatives: f32,
    pub negatives: usize,
}

fn precision_at(order: &[usize], ids: &[&str], relevant: &HashSet<String>, k: usize) -> f32 {
    let hits = order
        .iter()
        .take(k)
        .filter(|&&i| relevant.contains(ids[i]))
        .count();
    hits as f32 / k.max(1) as f32
}

/// The indices of `scores`, best first (ties by index).
fn ranked(scores: &[f32]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..scores.len()).collect();
    order.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]).then(a.cmp(&b)));
    order
}

/// `scores` with the `refused` photos put last, as the album leaves them out.
fn without(mut scores: Vec<f32>, ids: &[&str], refused: &[String]) -> Vec<f32> {
    for (score, id) in scores.iter_mut().zip(ids) {
        if refused.iter().any(|r| r == id) {
            *score = f32::NEG_INFINITY;
        }
    }
    scores
}

/// Measures each class at `k`, the album trained on its examples, and again with
/// `negatives` hard negatives. The examples themselves count as found (they are in both
/// rankings' lists alike).
pub fn evaluate(
    library: &Library,
    classes: &[LabelledClass],
    k: usize,
    negatives: usize,
) -> Result<AlbumFigures> {
    let sums = library.with_photos(|photos| {
        let ids: Vec<&str> = photos.iter().map(|(row, _)| row.id.as_str()).collect();
        let dim = library.clip().dim();
        let mut sums = [0f32; 4];
        for class in classes {
            let precision =
                |scores: &[f32]| precision_at(&ranked(scores), &ids, &class.relevant, k);
            let mut mean = vec![0f32; dim];
            for (_, v) in photos
                .iter()
                .filter(|(row, _)| class.examples.contains(&row.id))
            {
                mean.iter_mut().zip(v.iter()).for_each(|(m, x)| *m += x);
            }
            let baseline: Vec<f32> = photos
                .iter()
                .map(|(_, v)| v.iter().zip(&mean).map(|(a, b)| a * b).sum())
                .collect();
            let mut album = Album {
                name: class.name.clone(),
                positives: class.examples.clone(),
                negatives: Vec::new(),
            };
            let alone = precision(&rank(&album, photos, dim));
            album.negatives = ranked(&baseline)
                .iter()
                .map(|&i| ids[i])
                .filter(|id| !class.relevant.contains(*id))
                .take(negatives)
                .map(str::to_string)
                .collect();
            let with_negatives = without(rank(&album, photos, dim), &ids, &album.negatives);
            let figures = [
                precision(&baseline),
                precision(&without(baseline.clone(), &ids, &album.negatives)),
                alone,
                precision(&with_negatives),
            ];
            sums.iter_mut().zip(figures).for_each(|(s, f)| *s += f);
        }
        sums
    })?;
    let n = classes.len().max(1) as f32;
    Ok(AlbumFigures {
        classes: classes.len(),
        k,
        mean_embedding: sums[0] / n,
        mean_without_negatives: sums[1] / n,
        album: sums[2] / n,
        album_with_negatives: sums[3] / n,
        negatives,
    })
}
