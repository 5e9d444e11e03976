//! How well an album finds a class from a few examples (`iris eval-albums`): precision at k
//! of the album's ranking against the class, next to the simpler baseline, ranking by cosine
//! with the mean of the examples' embeddings. With negatives, the album is also given the
//! baseline's first wrong photos as "not this", as a person correcting the first suggestions
//! would.

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
    /// The album's classifier from the examples alone.
    pub album: f32,
    /// The album's classifier with `negatives` of the baseline's first wrong photos marked
    /// "not this".
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

/// Measures each class at `k`, the album trained on its examples, and again with
/// `negatives` hard negatives. The examples themselves count as found (they are in both
/// rankings' lists alike).
pub fn evaluate(
    library: &Library,
    classes: &[LabelledClass],
    k: usize,
    negatives: usize,
) -> Result<AlbumFigures> {
    let (base, album_p, with_p) = library.with_photos(|photos| {
        let ids: Vec<&str> = photos.iter().map(|(row, _)| row.id.as_str()).collect();
        let dim = library.clip().dim();
        let (mut base, mut album_p, mut with_p) = (0f32, 0f32, 0f32);
        for class in classes {
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
            let baseline_order = ranked(&baseline);
            base += precision_at(&baseline_order, &ids, &class.relevant, k);
            let mut album = Album {
                name: class.name.clone(),
                positives: class.examples.clone(),
                negatives: Vec::new(),
            };
            album_p += precision_at(
                &ranked(&rank(&album, photos, dim)),
                &ids,
                &class.relevant,
                k,
            );
            album.negatives = baseline_order
                .iter()
                .map(|&i| ids[i])
                .filter(|id| !class.relevant.contains(*id))
                .take(negatives)
                .map(str::to_string)
                .collect();
            with_p += precision_at(
                &ranked(&rank(&album, photos, dim)),
                &ids,
                &class.relevant,
                k,
            );
        }
        (base, album_p, with_p)
    })?;
    let n = classes.len().max(1) as f32;
    Ok(AlbumFigures {
        classes: classes.len(),
        k,
        mean_embedding: base / n,
        album: album_p / n,
        album_with_negatives: with_p / n,
        negatives,
    })
}
