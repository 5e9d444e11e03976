//! The linear step before the layout: embeddings are centred and projected onto their top
//! principal subspace (48 dimensions of ViT-B/32's 512), found by subspace iteration on the
//! covariance of a sample. Distances there keep the neighbourhoods that the layout needs and
//! cost a tenth of the full width, which is what makes placing 100,000 photos take seconds.

use crate::catalog::dot::DotPath;
use crate::random::Random;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

/// Rows of the sample the covariance is estimated from.
const SAMPLE: usize = 4096;
/// Rounds of subspace iteration.
const ROUNDS: usize = 24;

/// Centring and projection onto `out` orthonormal directions of the input space.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Projection {
    pub(crate) dim: usize,
    pub(crate) out: usize,
    mean: Vec<f32>,
    /// `out` rows of `dim` floats.
    basis: Vec<f32>,
}

/// Makes the rows of `rows` (`count` rows of `dim`) orthonormal in order (modified
/// Gram-Schmidt); a row that falls into the span of the earlier ones becomes a fresh random
/// direction made orthogonal to them.
fn orthonormalise(rows: &mut [f32], dim: usize, random: &mut Random) {
    let count = rows.len() / dim;
    for r in 0..count {
        for attempt in 0..4 {
            let (done, rest) = rows.split_at_mut(r * dim);
            let row = &mut rest[..dim];
            for earlier in done.chunks_exact(dim) {
                let along: f32 = earlier.iter().zip(row.iter()).map(|(a, b)| a * b).sum();
                row.iter_mut()
                    .zip(earlier)
                    .for_each(|(x, e)| *x -= along * e);
            }
            let norm = row.iter().map(|x| x * x).sum::<f32>().sqrt();
            if norm > 1e-6 || attempt == 3 {
                row.iter_mut().for_each(|x| *x /= norm.max(1e-12));
                break;
            }
            row.copy_from_slice(&random.unit_vector(dim));
        }
    }
}

/// The `count` leading eigenvectors of the symmetric `dim` x `dim` matrix `matrix`, as rows,
/// in order of their eigenvalues (simultaneous iteration: each round multiplies and
/// orthonormalises in order, so the first row converges to the first eigenvector, the second
/// to the second, ...).
pub(crate) fn leading_directions(
    matrix: &[f32],
    dim: usize,
    count: usize,
    rounds: usize,
    random: &mut Random,
) -> Vec<f32> {
    let mut rows: Vec<f32> = (0..count).flat_map(|_| random.unit_vector(dim)).collect();
    orthonormalise(&mut rows, dim, random);
    let path = DotPath::best();
    for _ in 0..rounds {
        let mut next: Vec<f32> = rows
            .par_chunks_exact(dim)
            .flat_map_iter(|row| {
                matrix
                    .chunks_exact(dim)
                    .map(|m| path.dot(m, row))
                    .collect::<Vec<_>>()
            })
            .collect();
        orthonormalise(&mut next, dim, random);
        rows = next;
    }
    rows
}

/// The covariance (`dim` x `dim`, row-major) of `rows` about `mean`.
pub(crate) fn covariance(rows: &[&[f32]], mean: &[f32]) -> Vec<f32> {
    let dim = mean.len();
    let per_thread = rows
        .len()
        .div_ceil(rayon::current_num_threads().max(1))
        .max(1);
    let mut sum = rows
        .par_chunks(per_thread)
        .map(|chunk| {
            let mut part = vec![0f32; dim * dim];
            let mut centred = vec![0f32; dim];
            for row in chunk {
                centred
                    .iter_mut()
                    .zip(row.iter().zip(mean))
                    .for_each(|(c, (x, m))| *c = x - m);
                for (i, &xi) in centred.iter().enumerate() {
                    let line = &mut part[i * dim..(i + 1) * dim];
                    line.iter_mut()
                        .zip(&centred)
                        .for_each(|(p, &xj)| *p += xi * xj);
                }
            }
            part
        })
        .reduce(
            || vec![0f32; dim * dim],
            |mut a, b| {
                a.iter_mut().zip(b).for_each(|(x, y)| *x += y);
                a
            },
        );
    let scale = 1.0 / rows.len().max(1) as f32;
    sum.iter_mut().for_each(|x| *x *= scale);
    sum
}

/// The mean of `rows`.
pub(crate) fn mean(rows: &[&[f32]], dim: usize) -> Vec<f32> {
    let mut mean = vec![0f32; dim];
    for row in rows {
        mean.iter_mut().zip(row.iter()).for_each(|(m, x)| *m += x);
    }
    let scale = 1.0 / rows.len().max(1) as f32;
    mean.iter_mut().for_each(|m| *m *= scale);
    mean
}

impl Projection {
    /// Fits the projection of `vectors` (rows of `dim`) onto at most `out` dimensions; inputs
    /// no wider than `out` are only centred.
    pub(crate) fn fit(vectors: &[f32], dim: usize, out: usize, random: &mut Random) -> Self {
        let n = vectors.len() / dim.max(1);
        let sample: Vec<&[f32]> = random
            .sample(n, SAMPLE)
            .into_iter()
            .map(|i| &vectors[i * dim..(i + 1) * dim])
            .collect();
        let mean = mean(&sample, dim);
        if dim <= out {
            let mut basis = vec![0f32; dim * dim];
            (0..dim).for_each(|i| basis[i * dim + i] = 1.0);
            return Self {
                dim,
                out: dim,
                mean,
                basis,
            };
        }
        let covariance = covariance(&sample, &mean);
        let basis = leading_directions(&covariance, dim, out, ROUNDS, random);
        Self {
            dim,
            out,
            mean,
            basis,
        }
    }

    /// One vector projected into `into` (`out` floats).
    pub(crate) fn apply(&self, vector: &[f32], into: &mut [f32]) {
        let path = DotPath::best();
        let centred: Vec<f32> = vector.iter().zip(&self.mean).map(|(x, m)| x - m).collect();
        for (o, direction) in into.iter_mut().zip(self.basis.chunks_exact(self.dim)) {
            *o = path.dot(direction, &centred);
        }
    }

    /// Every row of `vectors` projected: `out` floats a row.
    pub(crate) fn apply_all(&self, vectors: &[f32]) -> Vec<f32> {
        let mut projected = vec![0f32; vectors.len() / self.dim.max(1) * self.out];
        projected
            .par_chunks_exact_mut(self.out.max(1))
            .zip(vectors.par_chunks_exact(self.dim.max(1)))
            .for_each(|(into, vector)| self.apply(vector, into));
        projected
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leading_directions_are_the_eigenvectors_in_order() {
        // diag(5, 3, 1, 0.5) rotated by 45 degrees in the first two axes.
        let s = std::f32::consts::FRAC_1_SQRT_2;
        let q = [
            [s, s, 0., 0.],
            [-s, s, 0., 0.],
            [0., 0., 1., 0.],
            [0., 0., 0., 1.],
        ];
        let eig = [5.0f32, 3.0, 1.0, 0.5];
        let mut m = vec![0f32; 16];
        for i in 0..4 {
            for j in 0..4 {
                m[i * 4 + j] = (0..4).map(|k| q[k][i] * eig[k] * q[k][j]).sum();
            }
        }
        let rows = leading_directions(&m, 4, 2, 60, &mut Random::new(7));
        for (r, expected) in rows.chunks_exact(4).zip(&q) {
            let along: f32 = r.iter().zip(expected).map(|(a, b)| a * b).sum();
            assert!(along.abs() > 0.999, "{r:?} against {expected:?}");
        }
    }

    #[test]
    fn the_projection_keeps_distances_within_the_data_subspace() {
        // 300 points in a 3-dimensional subspace of 16 dimensions: projecting onto 3
        // directions keeps every pairwise distance.
        let mut random = Random::new(3);
        let axes: Vec<Vec<f32>> = (0..3).map(|_| random.unit_vector(16)).collect();
        let vectors: Vec<f32> = (0..300)
            .flat_map(|_| {
                let c: Vec<f32> = (0..3).map(|_| random.normal()).collect();
                (0..16)
                    .map(|d| (0..3).map(|a| c[a] * axes[a][d]).sum::<f32>() + 0.5)
                    .collect::<Vec<_>>()
            })
            .collect();
        let projection = Projection::fit(&vectors, 16, 3, &mut Random::new(1));
        let projected = projection.apply_all(&vectors);
        let distance = |v: &[f32], w: usize, i: usize, j: usize| -> f32 {
            (0..w)
                .map(|d| (v[i * w + d] - v[j * w + d]).powi(2))
                .sum::<f32>()
                .sqrt()
        };
        for (i, j) in [(0, 1), (5, 200), (17, 299), (100, 101)] {
            let full = distance(&vectors, 16, i, j);
            let reduced = distance(&projected, 3, i, j);
            assert!(
                (full - reduced).abs() < 1e-3 * full.max(1.0),
                "{full} vs {reduced}"
            );
        }
    }

    #[test]
    fn narrow_inputs_are_only_centred() {
        let vectors = [1.0, 2.0, 3.0, 4.0];
        let projection = Projection::fit(&vectors, 2, 48, &mut Random::new(1));
        assert_eq!(projection.out, 2);
        assert_eq!(projection.apply_all(&vectors), vec![-1.0, -1.0, 1.0, 1.0]);
    }
}
