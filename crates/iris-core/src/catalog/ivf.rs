//! An inverted-file (IVF) index over the held vectors, for libraries where one exact pass
//! costs more than a search should (1,000,000 rows of 512 floats are 2 GB read per query).
//! Spherical k-means (unit centroids, cosine) on a sample splits the rows into about √n
//! lists; a query scores the centroids, then scans the rows of the best [`Ivf::probes`] lists
//! exactly, on the held f32 vectors: nothing is quantised, so the only error is a neighbour in
//! a list not probed.
//!
//! Why not LanceDB's own vector index (IVF_PQ, IVF_HNSW_SQ): Iris already holds the vectors
//! in memory for exact search ([`super::resident`]), and LanceDB's query path costs 30-60 ms
//! before it reads a vector (its flat search at 10,000 rows), more than the whole budget of a
//! million-row query here; an index over the held rows costs one centroid table (2 MB) and
//! one list entry per row, and is exact within the lists it probes.

use super::dot::DotPath;
use crate::random::Random;

/// Sample rows per list that k-means trains on.
const SAMPLE_PER_LIST: usize = 48;
/// k-means iterations on the sample.
const ITERATIONS: usize = 8;
/// Rows assigned per matrix product while building.
const ASSIGN_CHUNK: usize = 4096;

/// The index: `lists` unit centroids and each list's row positions.
pub(crate) struct Ivf {
    dim: usize,
    centroids: Vec<f32>,
    members: Vec<Vec<u32>>,
    /// Rows the centroids were trained for (kept by later versions' indexes).
    trained_for: usize,
}

/// Lists for `rows` rows: about √n, between 16 and 4,096.
pub(crate) fn lists_for(rows: usize) -> usize {
    ((rows as f64).sqrt().round() as usize).clamp(16, 4096)
}

impl Ivf {
    /// Trains centroids on a sample of `vectors` (unit vectors, `dim` floats each) and puts
    /// every row in the list of its nearest centroid; the same rows and `seed` give the same
    /// index.
    pub(crate) fn build(vectors: &[f32], dim: usize, seed: u64) -> Self {
        let rows = vectors.len() / dim.max(1);
        let lists = lists_for(rows).min(rows.max(1));
        let mut random = Random::new(seed);
        let sample: Vec<usize> = random.sample(rows, (lists * SAMPLE_PER_LIST).min(rows));
        let row = |p: usize| &vectors[p * dim..(p + 1) * dim];
        // Spread over the sample (it is in row order, and rows come folder by folder).
        let step = (sample.len() / lists).max(1);
        let mut centroids: Vec<f32> = sample
            .iter()
            .step_by(step)
            .take(lists)
            .flat_map(|&p| row(p).iter().copied())
            .collect();
        let sample_vectors: Vec<f32> = sample.iter().flat_map(|&p| row(p).to_vec()).collect();
        for _ in 0..ITERATIONS {
            let nearest = assign(&sample_vectors, &centroids, dim);
            let mut sums = vec![0f32; centroids.len()];
            let mut counts = vec![0usize; centroids.len() / dim.max(1)];
            for (i, &list) in nearest.iter().enumerate() {
                counts[list as usize] += 1;
                let sum = &mut sums[list as usize * dim..(list as usize + 1) * dim];
                sum.iter_mut()
                    .zip(&sample_vectors[i * dim..(i + 1) * dim])
                    .for_each(|(s, x)| *s += x);
            }
            for (list, count) in counts.iter().enumerate() {
                let centroid = &mut centroids[list * dim..(list + 1) * dim];
                if *count == 0 {
                    // An empty list restarts at a random sample row.
                    let p = sample[random.below(sample.len())];
                    centroid.copy_from_slice(row(p));
                } else {
                    centroid.copy_from_slice(&sums[list * dim..(list + 1) * dim]);
                    crate::search::vector::normalize(centroid);
                }
            }
        }
        Self::with_centroids(vectors, dim, centroids, rows)
    }

    /// The index of `vectors` over centroids trained before for `trained_for` rows (a later
    /// version of the same library: its rows are assigned, the centroids kept).
    pub(crate) fn with_centroids(
        vectors: &[f32],
        dim: usize,
        centroids: Vec<f32>,
        trained_for: usize,
    ) -> Self {
        let mut members = vec![Vec::new(); centroids.len() / dim.max(1)];
        for (p, list) in assign(vectors, &centroids, dim).into_iter().enumerate() {
            members[list as usize].push(p as u32);
        }
        Self {
            dim,
            centroids,
            members,
            trained_for,
        }
    }

    pub(crate) fn lists(&self) -> usize {
        self.members.len()
    }

    pub(crate) fn centroids(&self) -> &[f32] {
        &self.centroids
    }

    pub(crate) fn trained_for(&self) -> usize {
        self.trained_for
    }

    /// Lists a query scans: a sixteenth of them, at least 8 (measured with
    /// `iris bench-ann`: recall@10 >= 0.95 on clustered embeddings at 20,000 to 1,000,000
    /// rows).
    pub(crate) fn probes(&self) -> usize {
        (self.lists() / 16).max(8).min(self.lists())
    }

    /// The positions in the `probes` lists whose centroids are nearest to `unit_query`.
    pub(crate) fn candidates(&self, unit_query: &[f32], probes: usize) -> Vec<usize> {
        let path = DotPath::best();
        let mut scored: Vec<(usize, f32)> = self
            .centroids
            .chunks_exact(self.dim)
            .enumerate()
            .map(|(list, c)| (list, path.dot(unit_query, c)))
            .collect();
        let probes = probes.min(scored.len());
        if probes == 0 {
            return Vec::new();
        }
        scored.select_nth_unstable_by(probes - 1, |a, b| b.1.total_cmp(&a.1));
        let mut positions: Vec<usize> = scored[..probes]
            .iter()
            .flat_map(|&(list, _)| self.members[list].iter().map(|&p| p as usize))
            .collect();
        // In memory order: the scan reads the held vectors forwards.
        positions.sort_unstable();
        positions
    }
}

/// The nearest of `centroids` to each row of `vectors` (both unit vectors, `dim` floats
/// each), by one matrix product per chunk of rows.
fn assign(vectors: &[f32], centroids: &[f32], dim: usize) -> Vec<u32> {
    let lists = centroids.len() / dim.max(1);
    let rows = vectors.len() / dim.max(1);
    let mut nearest = Vec::with_capacity(rows);
    let mut scores = vec![0f32; ASSIGN_CHUNK.min(rows) * lists];
    for chunk in vectors.chunks(ASSIGN_CHUNK * dim) {
        let m = chunk.len() / dim;
        let dst = &mut scores[..m * lists];
        // SAFETY: `chunk` is m x dim and `centroids` lists x dim, both row-major; `dst` is
        // m x lists, row-major; every stride and extent is within those slices.
        #[allow(unsafe_code)]
        unsafe {
            gemm::gemm(
                m,
                lists,
                dim,
                dst.as_mut_ptr(),
                1,
                lists as isize,
                false,
                chunk.as_ptr(),
                1,
                dim as isize,
                centroids.as_ptr(),
                dim as isize,
                1,
                0.0,
                1.0,
                false,
                false,
                false,
                gemm::Parallelism::Rayon(0),
            );
        }
        nearest.extend(dst.chunks_exact(lists).map(|row| {
            let best = row
                .iter()
                .enumerate()
                .max_by(|a, b| a.1.total_cmp(b.1).then(b.0.cmp(&a.0)));
            best.map_or(0, |(list, _)| list as u32)
        }));
    }
    nearest
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `rows` unit vectors around `clusters` random directions, as the synthetic catalogs
    /// draw them.
    fn clustered(rows: usize, dim: usize, clusters: usize, seed: u64) -> Vec<f32> {
        use crate::synthetic::{near, CLUSTER_NOISE};
        let mut random = Random::new(seed);
        let centres: Vec<Vec<f32>> = (0..clusters).map(|_| random.unit_vector(dim)).collect();
        (0..rows)
            .flat_map(|_| near(&centres[random.below(clusters)], CLUSTER_NOISE, &mut random))
            .collect()
    }

    #[test]
    fn every_row_is_in_the_list_of_its_nearest_centroid() {
        let dim = 24;
        let vectors = clustered(3_000, dim, 20, 5);
        let ivf = Ivf::build(&vectors, dim, 1);
        assert_eq!(ivf.lists(), lists_for(3_000));
        let path = DotPath::best();
        let mut seen = 0;
        for (list, members) in ivf.members.iter().enumerate() {
            for &p in members {
                seen += 1;
                let v = &vectors[p as usize * dim..(p as usize + 1) * dim];
                let own = path.dot(v, &ivf.centroids[list * dim..(list + 1) * dim]);
                let best = ivf
                    .centroids
                    .chunks_exact(dim)
                    .map(|c| path.dot(v, c))
                    .fold(f32::MIN, f32::max);
                assert!(own >= best - 1e-5, "row {p}: {own} < {best}");
            }
        }
        assert_eq!(seen, 3_000, "every row in exactly one list");
        let norms: Vec<f32> = ivf
            .centroids()
            .chunks_exact(dim)
            .map(|c| path.dot(c, c))
            .collect();
        assert!(norms.iter().all(|n| (n - 1.0).abs() < 1e-4), "{norms:?}");
    }

    #[test]
    fn the_same_rows_and_seed_give_the_same_index_and_kept_centroids_assign_alike() {
        let dim = 16;
        let vectors = clustered(2_000, dim, 10, 9);
        let (a, b) = (Ivf::build(&vectors, dim, 3), Ivf::build(&vectors, dim, 3));
        assert_eq!(a.centroids, b.centroids);
        assert_eq!(a.members, b.members);
        let again = Ivf::with_centroids(&vectors, dim, a.centroids.clone(), 2_000);
        assert_eq!(again.members, a.members);
    }

    #[test]
    fn probing_every_list_gives_every_row_and_fewer_lists_fewer_rows() {
        let dim = 16;
        let vectors = clustered(1_000, dim, 8, 2);
        let ivf = Ivf::build(&vectors, dim, 4);
        let query = &vectors[..dim];
        let all = ivf.candidates(query, ivf.lists());
        assert_eq!(all, (0..1_000).collect::<Vec<_>>());
        let some = ivf.candidates(query, 2);
        assert!(some.len() < 1_000 && some.contains(&0), "{}", some.len());
        assert!(some.windows(2).all(|w| w[0] < w[1]), "in memory order");
    }
}
