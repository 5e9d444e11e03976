//! The map's layout: embeddings to 2-D positions. The embeddings are reduced to their top
//! principal subspace ([`super::reduce`]); up to [`LANDMARKS`] of them (all, in a smaller
//! library) are laid out by UMAP ([`super::umap`]) from their principal-component positions;
//! every other photo, and every photo indexed later, is placed among its nearest landmarks,
//! at their positions averaged with its UMAP memberships to them. So a new photo lands where
//! its neighbours are without moving anything already on the map, and 100,000 photos cost a
//! 4,096-point UMAP plus one nearest-landmark search each.

use super::reduce::{covariance, leading_directions, mean, Projection};
use super::umap::{memberships, nearest, optimise, Graph};
use crate::random::Random;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

/// Photos laid out by UMAP itself; the rest are placed among them.
pub const LANDMARKS: usize = 4096;
/// Width of the principal subspace distances are measured in.
const REDUCED: usize = 48;
/// Neighbours of each landmark in its fuzzy graph (the reference's default).
const NEIGHBOURS: usize = 15;
/// Landmarks a placed photo is averaged over.
const PLACE_AMONG: usize = 10;
/// Half the width of the initial (principal-component) layout.
const INIT_SPREAD: f32 = 10.0;

/// A stage of the computation, for a progress bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "kebab-case")]
#[ts(rename = "MapStage")]
pub enum Stage {
    Reading,
    Neighbours,
    Layout,
    Placing,
}

/// Where a computation is: `done` of `total` in `stage`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, ts_rs::TS)]
#[ts(rename = "MapProgress")]
pub struct Progress {
    pub stage: Stage,
    pub done: usize,
    pub total: usize,
}

/// The part of a layout that places new embeddings: the projection, the landmarks' reduced
/// embeddings and their positions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Anchors {
    pub(crate) projection: Projection,
    /// Landmarks' reduced embeddings, `projection.out` floats each.
    reduced: Vec<f32>,
    positions: Vec<[f32; 2]>,
}

/// A layout: a position for each input row, and what places new ones.
pub(crate) struct Layout {
    pub(crate) positions: Vec<[f32; 2]>,
    pub(crate) anchors: Anchors,
}

/// Epochs of gradient descent for `n` landmarks (the reference: 500 for small sets, 200
/// above 10,000 points).
fn epochs(n: usize) -> usize {
    if n <= 2_000 {
        500
    } else {
        300
    }
}

/// The first two principal components of `reduced` (rows of `width`), scaled to
/// +-[`INIT_SPREAD`]: where UMAP starts.
fn initial_positions(reduced: &[f32], width: usize, random: &mut Random) -> Vec<[f32; 2]> {
    let rows: Vec<&[f32]> = reduced.chunks_exact(width).collect();
    let centre = mean(&rows, width);
    let directions = if width >= 2 {
        leading_directions(&covariance(&rows, &centre), width, 2, 100, random)
    } else {
        vec![1.0, 0.0]
    };
    let along = |row: &[f32], d: usize| -> f32 {
        let direction = &directions[d * width..(d + 1) * width];
        row.iter()
            .zip(&centre)
            .zip(direction)
            .map(|((x, c), u)| (x - c) * u)
            .sum()
    };
    let mut positions: Vec<[f32; 2]> = rows
        .iter()
        .map(|row| [along(row, 0), if width >= 2 { along(row, 1) } else { 0.0 }])
        .collect();
    let extent = positions
        .iter()
        .flat_map(|p| p.iter().map(|x| x.abs()))
        .fold(0.0f32, f32::max);
    let scale = if extent > 0.0 {
        INIT_SPREAD / extent
    } else {
        1.0
    };
    // A little noise parts identical embeddings, which would otherwise never separate.
    for p in &mut positions {
        p[0] = p[0] * scale + (random.unit() - 0.5) * 1e-3;
        p[1] = p[1] * scale + (random.unit() - 0.5) * 1e-3;
    }
    positions
}

impl Anchors {
    /// The positions of embeddings (rows of the projection's input width), each averaged
    /// over its nearest landmarks.
    pub(crate) fn place(&self, vectors: &[f32]) -> Vec<[f32; 2]> {
        let width = self.projection.out;
        let reduced = self.projection.apply_all(vectors);
        let among = PLACE_AMONG.min(self.positions.len());
        nearest(&reduced, &self.reduced, width, among, false)
            .into_par_iter()
            .map(|found| {
                let distances: Vec<f32> = found.iter().map(|(_, d)| *d).collect();
                let weights = memberships(&distances);
                let total: f32 = weights.iter().sum::<f32>().max(1e-12);
                let mut at = [0.0f32; 2];
                for ((landmark, _), w) in found.iter().zip(weights) {
                    let p = self.positions[*landmark as usize];
                    at[0] += p[0] * w / total;
                    at[1] += p[1] * w / total;
                }
                at
            })
            .collect()
    }
}

/// Lays out `vectors` (rows of `dim`) with the generator seeded by `seed`, UMAP running on
/// at most `landmarks` of them.
pub(crate) fn lay_out(
    vectors: &[f32],
    dim: usize,
    seed: u64,
    landmarks: usize,
    progress: &mut dyn FnMut(Progress),
) -> Layout {
    let n = vectors.len() / dim.max(1);
    let mut random = Random::new(seed);
    let projection = Projection::fit(vectors, dim, REDUCED, &mut random);
    let width = projection.out;
    let landmarks = random.sample(n, landmarks);
    let chosen: Vec<f32> = landmarks
        .iter()
        .flat_map(|&i| vectors[i * dim..(i + 1) * dim].iter().copied())
        .collect();
    let reduced = projection.apply_all(&chosen);
    progress(Progress {
        stage: Stage::Neighbours,
        done: 0,
        total: landmarks.len(),
    });
    let neighbours = nearest(&reduced, &reduced, width, NEIGHBOURS, true);
    let graph = Graph::from_neighbours(&neighbours);
    let mut positions = initial_positions(&reduced, width, &mut random);
    let epochs = epochs(landmarks.len());
    if graph.len() > 0 {
        optimise(
            &graph,
            &mut positions,
            epochs,
            &mut random,
            &mut |done, total| {
                progress(Progress {
                    stage: Stage::Layout,
                    done,
                    total,
                })
            },
        );
    }
    let anchors = Anchors {
        projection,
        reduced,
        positions,
    };
    progress(Progress {
        stage: Stage::Placing,
        done: 0,
        total: n,
    });
    let mut all = vec![[0.0f32; 2]; n];
    let mut is_landmark = vec![false; n];
    for (&i, p) in landmarks.iter().zip(&anchors.positions) {
        all[i] = *p;
        is_landmark[i] = true;
    }
    let others: Vec<usize> = (0..n).filter(|&i| !is_landmark[i]).collect();
    let other_vectors: Vec<f32> = others
        .iter()
        .flat_map(|&i| vectors[i * dim..(i + 1) * dim].iter().copied())
        .collect();
    for (&i, p) in others.iter().zip(anchors.place(&other_vectors)) {
        all[i] = p;
    }
    progress(Progress {
        stage: Stage::Placing,
        done: n,
        total: n,
    });
    Layout {
        positions: all,
        anchors,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `per` unit vectors around each of `clusters` random centres in `dim` dimensions.
    fn clustered(clusters: usize, per: usize, dim: usize, spread: f32) -> Vec<f32> {
        let mut random = Random::new(42);
        let centres: Vec<Vec<f32>> = (0..clusters).map(|_| random.unit_vector(dim)).collect();
        let mut out = Vec::new();
        for i in 0..clusters * per {
            let c = &centres[i % clusters];
            let mut v: Vec<f32> = c.iter().map(|x| x + spread * random.normal()).collect();
            let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
            v.iter_mut().for_each(|x| *x /= norm);
            out.extend(v);
        }
        out
    }

    /// Share of each point's 10 nearest positions that belong to its own cluster.
    fn purity(positions: &[[f32; 2]], clusters: usize) -> f32 {
        let flat: Vec<f32> = positions.iter().flat_map(|p| p.iter().copied()).collect();
        let labels: Vec<usize> = (0..positions.len()).map(|i| i % clusters).collect();
        super::super::same_label_share(&flat, 2, &labels, 10)
    }

    #[test]
    fn a_seed_gives_the_same_map_and_another_seed_another() {
        let vectors = clustered(4, 60, 64, 0.03);
        let a = lay_out(&vectors, 64, 5, LANDMARKS, &mut |_| {}).positions;
        let b = lay_out(&vectors, 64, 5, LANDMARKS, &mut |_| {}).positions;
        let c = lay_out(&vectors, 64, 6, LANDMARKS, &mut |_| {}).positions;
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert!(a.iter().all(|p| p[0].is_finite() && p[1].is_finite()));
    }

    #[test]
    fn clusters_of_the_embedding_space_are_clusters_of_the_map() {
        let vectors = clustered(6, 80, 96, 0.03);
        let layout = lay_out(&vectors, 96, 1, LANDMARKS, &mut |_| {});
        let share = purity(&layout.positions, 6);
        assert!(share > 0.95, "10-NN share of the own cluster {share}");
    }

    #[test]
    fn new_photos_land_beside_their_cluster_and_move_nothing() {
        let vectors = clustered(3, 100, 64, 0.02);
        let layout = lay_out(&vectors, 64, 2, LANDMARKS, &mut |_| {});
        let before = layout.positions.clone();
        // Fresh members of cluster 1 (rows 1, 4, 7, ... are cluster 1).
        let more = clustered(3, 110, 64, 0.02);
        let fresh: Vec<f32> = (300..330)
            .filter(|i| i % 3 == 1)
            .flat_map(|i| more[i * 64..(i + 1) * 64].to_vec())
            .collect();
        let placed = layout.anchors.place(&fresh);
        assert_eq!(layout.positions, before);
        let centre = |c: usize| -> [f32; 2] {
            let members: Vec<&[f32; 2]> = before.iter().skip(c).step_by(3).collect();
            let n = members.len() as f32;
            [
                members.iter().map(|p| p[0]).sum::<f32>() / n,
                members.iter().map(|p| p[1]).sum::<f32>() / n,
            ]
        };
        for p in placed {
            let nearest_centre = (0..3)
                .min_by(|&a, &b| {
                    let da = (p[0] - centre(a)[0]).powi(2) + (p[1] - centre(a)[1]).powi(2);
                    let db = (p[0] - centre(b)[0]).powi(2) + (p[1] - centre(b)[1]).powi(2);
                    da.total_cmp(&db)
                })
                .unwrap();
            assert_eq!(nearest_centre, 1, "{p:?}");
        }
    }

    #[test]
    fn more_photos_than_landmarks_are_placed_among_them() {
        let vectors = clustered(5, 1000, 32, 0.03);
        let layout = lay_out(&vectors, 32, 3, LANDMARKS, &mut |_| {});
        assert_eq!(layout.positions.len(), 5000);
        assert_eq!(layout.anchors.positions.len(), LANDMARKS);
        let share = purity(&layout.positions, 5);
        assert!(share > 0.9, "10-NN share of the own cluster {share}");
    }

    #[test]
    fn tiny_libraries_get_a_map_too() {
        for n in [0usize, 1, 2, 3] {
            let vectors = clustered(1, n, 8, 0.1);
            let layout = lay_out(&vectors, 8, 1, LANDMARKS, &mut |_| {});
            assert_eq!(layout.positions.len(), n);
            assert!(layout
                .positions
                .iter()
                .all(|p| p[0].is_finite() && p[1].is_finite()));
        }
    }
}
