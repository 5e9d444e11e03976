//! UMAP (McInnes, Healy and Melville, 2018) in the form the reference implementation runs:
//! exact nearest neighbours, each point's fuzzy neighbourhood (distance to its nearest
//! neighbour and a bandwidth making the memberships sum to log2 k), the union of the two
//! directions of every edge, and stochastic gradient descent on the 2-D positions with
//! negative sampling, the curve a, b of min_dist 0.1 and spread 1. One thread and one seeded
//! generator run the descent, so a seed always gives the same map.
//!
//! Written here rather than taken from a crate: the Rust UMAP crates found (fast-umap on
//! burn, annembed with its hnsw and ndarray-linalg/BLAS stack) each bring a large build for
//! ~250 lines, and neither promises a layout that depends on the seed alone.

use crate::random::Random;
use rayon::prelude::*;
use std::collections::HashMap;

/// The low-dimensional curve `1 / (1 + a d^(2b))` for min_dist 0.1, spread 1.0 (the values
/// the reference implementation fits for those defaults).
const A: f32 = 1.577;
const B: f32 = 0.8951;
/// Negative samples per positive one.
const NEGATIVE_RATE: usize = 5;
/// Gradients are clipped to this magnitude per coordinate.
const CLIP: f32 = 4.0;

/// Squared Euclidean distance of two rows.
pub(crate) fn distance2(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| (x - y) * (x - y)).sum()
}

/// For each row of `queries` (rows of `width`), its `k` nearest rows of `points` by
/// Euclidean distance, nearest first, as (index, distance); `skip_self` leaves out the row of
/// the same index (queries and points being one set).
pub(crate) fn nearest(
    queries: &[f32],
    points: &[f32],
    width: usize,
    k: usize,
    skip_self: bool,
) -> Vec<Vec<(u32, f32)>> {
    queries
        .par_chunks_exact(width)
        .enumerate()
        .map(|(q, query)| {
            let mut all: Vec<(u32, f32)> = points
                .chunks_exact(width)
                .enumerate()
                .filter(|(p, _)| !(skip_self && *p == q))
                .map(|(p, point)| (p as u32, distance2(query, point)))
                .collect();
            let by_distance =
                |a: &(u32, f32), b: &(u32, f32)| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0));
            let k = k.min(all.len());
            if k > 0 && all.len() > k {
                all.select_nth_unstable_by(k - 1, by_distance);
                all.truncate(k);
            }
            all.sort_unstable_by(by_distance);
            // A new vector of k (collecting in place would keep every point's capacity).
            let mut nearest = Vec::with_capacity(k);
            nearest.extend(all.into_iter().map(|(p, d2)| (p, d2.max(0.0).sqrt())));
            nearest
        })
        .collect()
}

/// A point's membership strengths to its neighbours at `distances` (ascending): 1 for the
/// nearest, then `exp(-(d - rho) / sigma)` with sigma found by bisection so that they sum to
/// log2 of their count.
pub(crate) fn memberships(distances: &[f32]) -> Vec<f32> {
    let Some(&rho) = distances.iter().find(|d| **d > 0.0) else {
        return vec![1.0; distances.len()];
    };
    let target = (distances.len() as f32).log2().max(1.0);
    let sum = |sigma: f32| -> f32 {
        distances
            .iter()
            .map(|d| (-(d - rho).max(0.0) / sigma).exp())
            .sum()
    };
    let (mut lo, mut hi, mut sigma) = (0.0f32, f32::INFINITY, 1.0f32);
    for _ in 0..64 {
        let s = sum(sigma);
        if (s - target).abs() < 1e-5 {
            break;
        }
        if s > target {
            hi = sigma;
            sigma = (lo + hi) / 2.0;
        } else {
            lo = sigma;
            sigma = if hi.is_finite() {
                (lo + hi) / 2.0
            } else {
                sigma * 2.0
            };
        }
    }
    let mean = distances.iter().sum::<f32>() / distances.len() as f32;
    let sigma = sigma.max(1e-3 * mean).max(1e-12);
    distances
        .iter()
        .map(|d| (-(d - rho).max(0.0) / sigma).exp())
        .collect()
}

/// The fuzzy neighbour graph: both directions of every edge, weights `a + b - ab`.
pub(crate) struct Graph {
    edges: Vec<(u32, u32, f32)>,
}

impl Graph {
    pub(crate) fn from_neighbours(neighbours: &[Vec<(u32, f32)>]) -> Self {
        let mut directed: HashMap<(u32, u32), f32> = HashMap::new();
        for (i, list) in neighbours.iter().enumerate() {
            let distances: Vec<f32> = list.iter().map(|(_, d)| *d).collect();
            for ((j, _), w) in list.iter().zip(memberships(&distances)) {
                directed.insert((i as u32, *j), w);
            }
        }
        let mut edges: Vec<(u32, u32, f32)> = directed
            .iter()
            .map(|(&(i, j), &w)| {
                let back = directed.get(&(j, i)).copied().unwrap_or(0.0);
                (i, j, w + back - w * back)
            })
            .collect();
        for &(i, j, w) in &edges.clone() {
            if !directed.contains_key(&(j, i)) {
                edges.push((j, i, w));
            }
        }
        edges.sort_unstable_by_key(|e| (e.0, e.1));
        Self { edges }
    }

    pub(crate) fn len(&self) -> usize {
        self.edges.len()
    }
}

fn clip(g: f32) -> f32 {
    g.clamp(-CLIP, CLIP)
}

/// Gradient descent on `positions` for `epochs` rounds: each edge is sampled in proportion to
/// its weight, pulling its ends together, and each sample pushes the head away from
/// `NEGATIVE_RATE` random points. `progress` gets (epochs done, epochs).
pub(crate) fn optimise(
    graph: &Graph,
    positions: &mut [[f32; 2]],
    epochs: usize,
    random: &mut Random,
    progress: &mut dyn FnMut(usize, usize),
) {
    let n = positions.len();
    let max_weight = graph.edges.iter().map(|e| e.2).fold(0.0f32, f32::max);
    if n < 2 || max_weight <= 0.0 || epochs == 0 {
        return;
    }
    // Edges too weak to be sampled once in the run are dropped, as the reference does.
    let edges: Vec<(usize, usize, f32)> = graph
        .edges
        .iter()
        .filter(|e| e.2 >= max_weight / epochs as f32)
        .map(|&(i, j, w)| (i as usize, j as usize, max_weight / w))
        .collect();
    let mut next_sample: Vec<f32> = edges.iter().map(|e| e.2).collect();
    let mut next_negative: Vec<f32> = edges.iter().map(|e| e.2 / NEGATIVE_RATE as f32).collect();
    for epoch in 0..epochs {
        let alpha = 1.0 - epoch as f32 / epochs as f32;
        let now = epoch as f32;
        for (e, &(head, tail, every)) in edges.iter().enumerate() {
            if next_sample[e] > now {
                continue;
            }
            let d2 = distance2(&positions[head], &positions[tail]);
            if d2 > 0.0 {
                let coeff = -2.0 * A * B * d2.powf(B - 1.0) / (A * d2.powf(B) + 1.0);
                let (h, t) = (positions[head], positions[tail]);
                let g = [0, 1].map(|d| clip(coeff * (h[d] - t[d])) * alpha);
                positions[head] = [h[0] + g[0], h[1] + g[1]];
                positions[tail] = [t[0] - g[0], t[1] - g[1]];
            }
            next_sample[e] += every;
            let every_negative = every / NEGATIVE_RATE as f32;
            let negatives = ((now - next_negative[e]) / every_negative).floor().max(0.0) as usize;
            for _ in 0..negatives {
                let other = random.below(n);
                if other == head {
                    continue;
                }
                let d2 = distance2(&positions[head], &positions[other]);
                let coeff = if d2 > 0.0 {
                    2.0 * B / ((0.001 + d2) * (A * d2.powf(B) + 1.0))
                } else {
                    0.0
                };
                let (h, o) = (positions[head], positions[other]);
                let g = [0, 1].map(|d| {
                    let g = if coeff > 0.0 {
                        clip(coeff * (h[d] - o[d]))
                    } else {
                        CLIP
                    };
                    g * alpha
                });
                positions[head] = [h[0] + g[0], h[1] + g[1]];
            }
            next_negative[e] += negatives as f32 * every_negative;
        }
        if epoch % 10 == 9 || epoch + 1 == epochs {
            progress(epoch + 1, epochs);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memberships_sum_to_log2_k_and_the_nearest_is_one() {
        let distances = [0.5, 0.6, 0.9, 1.2, 1.3, 2.0, 2.2, 3.0];
        let w = memberships(&distances);
        assert_eq!(w[0], 1.0);
        assert!((w.iter().sum::<f32>() - 3.0).abs() < 1e-3, "{w:?}");
        assert!(w.windows(2).all(|p| p[0] >= p[1]));
        assert_eq!(
            memberships(&[0.0, 0.0]),
            vec![1.0, 1.0],
            "identical neighbours"
        );
    }

    #[test]
    fn nearest_skips_the_point_itself_and_orders_by_distance() {
        let points = [0.0, 0.0, 1.0, 0.0, 3.0, 0.0, 0.5, 0.0];
        let found = nearest(&points, &points, 2, 2, true);
        assert_eq!(found[0], vec![(3, 0.5), (1, 1.0)]);
        assert_eq!(found[2], vec![(1, 2.0), (3, 2.5)]);
    }

    #[test]
    fn the_graph_holds_both_directions_with_the_fuzzy_union() {
        // 0 and 1 name each other; 2 names 0, which does not name it back.
        let neighbours = vec![vec![(1, 1.0)], vec![(0, 1.0)], vec![(0, 2.0)]];
        let graph = Graph::from_neighbours(&neighbours);
        let mut edges = graph.edges.clone();
        edges.sort_by_key(|e| (e.0, e.1));
        assert_eq!(
            edges,
            vec![(0, 1, 1.0), (0, 2, 1.0), (1, 0, 1.0), (2, 0, 1.0)]
        );
    }
}
