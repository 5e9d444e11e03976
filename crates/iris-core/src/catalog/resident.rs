//! The catalog held in memory for search. LanceDB's flat vector search reads and decodes
//! every vector of the table for each query, its prefilter scans the filter's columns and
//! the results' metadata is read again (40-60 ms at 10,000 rows of 512 floats, 220-260 ms
//! at 100,000; the baseline in [`super::flat`]). A library fits in memory (2 KiB a photo of
//! ViT-B/32 vectors and a few hundred bytes of metadata: 120 MB for 50,000 photos), so each
//! table version's embedded rows are read once: their unit vectors in one run of floats,
//! their metadata beside them. A query is then a filter judged on the held rows, one pass of
//! dot products ([`super::dot`], split over the cores) and the best rows copied out.
//!
//! A query reads one pinned version of the table throughout (the held rows and, for a
//! keyword search, the full-text index), so a commit by another process between the steps
//! (`iris watch` beside the app) cannot mix row ids of two versions. A new version is read in
//! full on the next query (a live folder's commit costs one reload, not one per query).

use super::dot::DotPath;
use super::ivf::Ivf;
use super::judge::{HeldRow, HeldTexts, Judge};
use super::{Catalog, Condition, RowFilter};
use crate::arrow_rows::{append_vectors, metadata_from_batch, row_ids};
use crate::error::Result;
use crate::row::{PhotoRow, Status};
use crate::search::vector::normalize;
use futures::TryStreamExt;
use lancedb::query::{ExecutableQuery, QueryBase, Select};
use lancedb::Table;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

/// The rows held in memory: every embedded photo that did not fail.
fn resident_conditions() -> [Condition; 2] {
    [Condition::NotStatus(Status::Failed), Condition::Embedded]
}

/// Rows a filter is judged on to tell whether it is narrow (see [`Resident::nearest_indexed`]).
const FILTER_SAMPLE: usize = 2_000;

/// A filtered search probes at most one list in this many (judging the rows of more costs as
/// much as the exact search).
const FILTERED_PROBE_SHARE: usize = 4;

/// Rows per thread below which a query's dot products stay on one thread.
const ROWS_PER_THREAD: usize = 16_384;

/// The cores a query may use, found once (reading the cgroup's quota takes a while).
fn cores() -> usize {
    static CORES: OnceLock<usize> = OnceLock::new();
    *CORES.get_or_init(|| std::thread::available_parallelism().map_or(1, usize::from))
}

/// One table version's embedded rows in memory.
pub(crate) struct Resident {
    version: u64,
    dim: usize,
    /// The rows' metadata (no vector), by position.
    rows: Vec<HeldRow>,
    /// The distinct camera and place texts the rows are numbered in.
    texts: HeldTexts,
    /// Unit vectors, `dim` floats per row, by position.
    vectors: Vec<f32>,
    /// Position of each LanceDB row id of this version.
    positions: HashMap<u64, usize>,
    /// Rows of the table version, held or not.
    table_rows: usize,
    /// The approximate index of a large library's vectors, once built ([`super::ivf`]):
    /// searched exactly until then.
    ivf: OnceLock<Ivf>,
}

/// Held rows from which search goes through an [`Ivf`] (exact below): where one exact pass
/// of 512-float vectors takes about 15 ms on two cores.
pub const ANN_ABOVE_ROWS: usize = 100_000;

/// The held rows of the latest version read, if any.
#[derive(Default)]
pub(crate) struct ResidentCache(Mutex<Option<Arc<Resident>>>);

/// The best `k` of (position, score) pairs, best first.
fn best(mut scored: Vec<(usize, f32)>, k: usize) -> Vec<(usize, f32)> {
    let by_score = |a: &(usize, f32), b: &(usize, f32)| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0));
    if k == 0 {
        return Vec::new();
    }
    if scored.len() > k {
        scored.select_nth_unstable_by(k - 1, by_score);
        scored.truncate(k);
    }
    scored.sort_unstable_by(by_score);
    scored
}

impl Resident {
    /// From the held rows and their vectors, `dim` floats a row in the rows' order, made unit
    /// length here.
    fn new(
        version: u64,
        dim: usize,
        ids: Vec<u64>,
        (rows, texts): (Vec<HeldRow>, HeldTexts),
        mut vectors: Vec<f32>,
        table_rows: usize,
    ) -> Self {
        debug_assert_eq!(vectors.len(), rows.len() * dim);
        vectors.chunks_exact_mut(dim.max(1)).for_each(|v| {
            normalize(v);
        });
        let positions = ids.iter().enumerate().map(|(p, &id)| (id, p)).collect();
        Self {
            version,
            dim,
            table_rows: table_rows.max(rows.len()),
            rows,
            texts,
            vectors,
            positions,
            ivf: OnceLock::new(),
        }
    }

    /// Builds the approximate index on a thread of its own below normal priority, its matrix
    /// products on a pool of lowered threads (not the shared pool, whose threads run at the
    /// searches' priority): over the centroids of the version before when they still fit
    /// (`previous`), else trained anew.
    fn index_in_background(self: &Arc<Self>, previous: Option<(Vec<f32>, usize)>) {
        let held = self.clone();
        let _ = std::thread::Builder::new()
            .name("iris-ann".into())
            .spawn(move || {
                use crate::index::priority::{lower_this_thread, lowered_pool};
                lower_this_thread();
                let build = || match previous {
                    Some((centroids, trained_for)) => {
                        Ivf::with_centroids(&held.vectors, held.dim, centroids, trained_for)
                    }
                    None => Ivf::build(&held.vectors, held.dim, held.version),
                };
                let ivf = match lowered_pool(cores(), "iris-ann") {
                    Some(pool) => pool.install(build),
                    None => build(),
                };
                let _ = held.ivf.set(ivf);
            });
    }

    /// Whether the approximate index is built.
    pub(crate) fn indexed(&self) -> bool {
        self.ivf.get().is_some()
    }

    pub(crate) fn len(&self) -> usize {
        self.rows.len()
    }

    fn vector(&self, position: usize) -> &[f32] {
        &self.vectors[position * self.dim..(position + 1) * self.dim]
    }

    /// The position of a row id, if the row is held.
    pub(crate) fn position_of(&self, row_id: u64) -> Option<usize> {
        self.positions.get(&row_id).copied()
    }

    /// Rows of the table version not held (failed, or without a vector).
    pub(crate) fn not_held(&self) -> usize {
        self.table_rows - self.rows.len()
    }

    /// The catalog version these rows are of.
    pub(crate) fn version(&self) -> u64 {
        self.version
    }

    /// Each held row (without its vector) with its unit vector, by position.
    pub(crate) fn each(&self) -> impl Iterator<Item = (&PhotoRow, &[f32])> {
        self.rows
            .iter()
            .enumerate()
            .map(|(p, held)| (&held.row, self.vector(p)))
    }

    /// Rows of the table version, held or not.
    pub(crate) fn table_rows(&self) -> usize {
        self.table_rows
    }

    /// These (row id, score) pairs as (position, score), in their order; rows not held are
    /// dropped.
    pub(crate) fn held_of(&self, found: Vec<(u64, f32)>) -> Vec<(usize, f32)> {
        let held = found.into_iter();
        held.filter_map(|(id, s)| Some((self.position_of(id)?, s)))
            .collect()
    }

    /// `filter` prepared for judging the held rows.
    pub(crate) fn judge(&self, filter: &RowFilter) -> Judge {
        Judge::new(filter, &self.texts)
    }

    /// Whether `judge`'s filter admits the held row at `position`.
    pub(crate) fn admits(&self, position: usize, judge: &Judge) -> bool {
        judge.admits(&self.rows[position])
    }

    /// The positions of the rows `filter` admits, None when it admits every row; Err(()) when
    /// it needs a column not held (the caller asks the table).
    fn admitted(&self, filter: &RowFilter) -> std::result::Result<Option<Vec<usize>>, ()> {
        if filter.is_implied_by(&resident_conditions()) {
            return Ok(None);
        }
        let judge = self.judge(filter);
        if !judge.can_judge() {
            return Err(());
        }
        let admitted = self
            .rows
            .iter()
            .enumerate()
            .filter(|(_, row)| judge.admits(row));
        Ok(Some(admitted.map(|(p, _)| p).collect()))
    }

    /// The `k` rows matching `filter` nearest to `query` by cosine through the approximate
    /// index, best first, as (position, cosine): the rows of the probed lists are judged and
    /// scored. None when there is no index yet, when the filter needs a column not held,
    /// when it admits fewer rows than the probed lists hold (judged on a sample: those are
    /// searched exactly), or when the probed lists hold fewer than `k` of its rows: the
    /// caller searches exactly then.
    pub(crate) fn nearest_indexed(
        &self,
        query: &[f32],
        k: usize,
        filter: &RowFilter,
    ) -> Option<Vec<(usize, f32)>> {
        let ivf = self.ivf.get().filter(|_| query.len() == self.dim)?;
        let mut probes = ivf.probes();
        let probed_rows = self.len() * probes / ivf.lists().max(1);
        let judge = if filter.is_implied_by(&resident_conditions()) {
            None
        } else {
            Some(self.judge(filter)).filter(Judge::can_judge)
        };
        if let Some(judge) = &judge {
            let step = (self.len() / FILTER_SAMPLE).max(1);
            let sampled = self.rows.iter().step_by(step);
            let (count, admitted) = sampled.fold((0, 0), |(n, a), row| {
                (n + 1, a + usize::from(judge.admits(row)))
            });
            if admitted * step <= probed_rows {
                return None;
            }
            // As many of the filter's rows as an unfiltered search scores, within a share of
            // the lists: the filter's nearest rows lie further out.
            let widened = probes * count / admitted.max(1);
            probes = widened.clamp(probes, (ivf.lists() / FILTERED_PROBE_SHARE).max(probes));
        } else if !filter.is_implied_by(&resident_conditions()) {
            return None;
        }
        let mut unit = query.to_vec();
        normalize(&mut unit);
        let probed = ivf.candidates(&unit, probes);
        let found = self.nearest_admitted(&unit, k, Some(&probed), judge.as_ref());
        (found.len() >= k.min(self.len())).then_some(found)
    }

    /// The `k` rows nearest to `query` by cosine among `candidates` (every row when None),
    /// best first, as (position, cosine), by one exact pass.
    pub(crate) fn nearest(
        &self,
        query: &[f32],
        k: usize,
        candidates: Option<&[usize]>,
    ) -> Vec<(usize, f32)> {
        self.nearest_admitted(query, k, candidates, None)
    }

    /// [`Resident::nearest`] among the candidates `judge` admits (judged in the same
    /// parallel pass as the scoring).
    fn nearest_admitted(
        &self,
        query: &[f32],
        k: usize,
        candidates: Option<&[usize]>,
        judge: Option<&Judge>,
    ) -> Vec<(usize, f32)> {
        if query.len() != self.dim {
            return Vec::new();
        }
        let mut unit = query.to_vec();
        normalize(&mut unit);
        let path = DotPath::best();
        let n = candidates.map_or(self.len(), <[usize]>::len);
        let position = |i: usize| candidates.map_or(i, |c| c[i]);
        let score = |range: std::ops::Range<usize>| -> Vec<(usize, f32)> {
            let scored = range
                .map(position)
                .filter(|&p| judge.is_none_or(|j| j.admits(&self.rows[p])))
                .map(|p| (p, path.dot(&unit, self.vector(p))))
                .collect();
            best(scored, k)
        };
        let threads = cores().min(n / ROWS_PER_THREAD).max(1);
        if threads == 1 {
            return score(0..n);
        }
        let per = n.div_ceil(threads);
        let scored = std::thread::scope(|s| {
            let parts: Vec<_> = (0..threads)
                .map(|t| s.spawn(move || score(t * per..n.min((t + 1) * per))))
                .collect();
            parts
                .into_iter()
                .flat_map(|h| h.join().unwrap_or_default())
                .collect()
        });
        best(scored, k)
    }

    /// The rows at these (position, score) pairs, in their order, with their unit vectors
    /// if `with_vectors`.
    pub(crate) fn rows_at(
        &self,
        scored: &[(usize, f32)],
        with_vectors: bool,
    ) -> Vec<(PhotoRow, f32)> {
        scored
            .iter()
            .map(|&(p, score)| {
                let mut row = self.rows[p].row.clone();
                if with_vectors {
                    row.vector = Some(self.vector(p).to_vec());
                }
                (row, score)
            })
            .collect()
    }
}

impl Catalog {
    /// Held rows from which search builds and uses an approximate index (default
    /// [`ANN_ABOVE_ROWS`]); applies from the next table version read.
    pub fn set_ann_above_rows(&self, rows: usize) {
        self.ann_above_rows
            .store(rows, std::sync::atomic::Ordering::SeqCst);
    }

    fn ann_above_rows(&self) -> usize {
        self.ann_above_rows
            .load(std::sync::atomic::Ordering::SeqCst)
    }

    /// Whether the latest version's approximate index is built (false below the threshold):
    /// for benchmarks and tests, which wait for it.
    pub fn vector_index_ready(&self) -> Result<bool> {
        Ok(self.pinned()?.1.indexed())
    }

    /// The `k` nearest embedded rows matching `filter` by one exact pass, whatever the
    /// library's size: what the approximate index is measured against.
    pub fn exact_nearest(
        &self,
        query: &[f32],
        k: usize,
        filter: &RowFilter,
    ) -> Result<Vec<(PhotoRow, f32)>> {
        let (table, resident) = self.pinned()?;
        let admitted = self.admitted(&table, &resident, filter)?;
        let nearest = resident.nearest(query, k, admitted.as_deref());
        Ok(resident.rows_at(&nearest, false))
    }

    /// The table pinned at its latest version, with that version's rows in memory.
    pub(crate) fn pinned(&self) -> Result<(Table, Arc<Resident>)> {
        let (table, version) = self.runtime.block_on(async {
            let table = self.table.checkout_current().await?;
            let version = table.version().await?;
            Ok::<_, crate::error::CoreError>((table, version))
        })?;
        let mut cache = self.resident.0.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(held) = cache.as_ref().filter(|r| r.version == version) {
            return Ok((table, held.clone()));
        }
        // The old version's rows go before the new ones are read: one copy at a time. Its
        // index's centroids are kept for the new version's.
        let previous = cache.take().and_then(|old| {
            let ivf = old.ivf.get()?;
            Some((ivf.centroids().to_vec(), ivf.trained_for()))
        });
        let loaded = Arc::new(self.read_resident(&table, version)?);
        if loaded.len() >= self.ann_above_rows() {
            let previous = previous.filter(|(_, trained_for)| loaded.len() < 2 * trained_for);
            loaded.index_in_background(previous);
        }
        *cache = Some(loaded.clone());
        Ok((table, loaded))
    }

    fn read_resident(&self, table: &Table, version: u64) -> Result<Resident> {
        let mut columns = self.metadata_columns();
        columns.push(self.vector_column.clone());
        let predicate = self.sql(&RowFilter::from_conditions(resident_conditions()));
        let table_rows = self.runtime.block_on(table.count_rows(None))?;
        let (ids, rows, vectors) = self.runtime.block_on(async {
            let mut query = table
                .query()
                .select(Select::columns(&columns))
                .with_row_id();
            if let Some(p) = predicate {
                query = query.only_if(p);
            }
            let mut batches = query.execute().await?;
            let (mut ids, mut rows, mut texts) = (Vec::new(), Vec::new(), HeldTexts::default());
            let mut vectors = Vec::with_capacity(table_rows * self.dim);
            // Batch by batch, each vector straight into the one run of floats: collecting the
            // batches first, then rows with a vector each, held the vectors three times over
            // at the peak (at 100,000 rows the load's peak RSS was 1,085 MiB, now 760).
            while let Some(batch) = batches.try_next().await? {
                ids.extend(row_ids(&batch));
                append_vectors(&batch, &self.vector_column, self.dim, &mut vectors);
                let batch_rows = metadata_from_batch(&batch).into_iter();
                rows.extend(batch_rows.map(|row| HeldRow::new(row, &mut texts)));
            }
            Ok::<_, lancedb::Error>((ids, (rows, texts), vectors))
        })?;
        Ok(Resident::new(
            version, self.dim, ids, rows, vectors, table_rows,
        ))
    }

    /// The held positions of the rows `filter` admits (None: every held row), judged in
    /// memory, or by a scan of the pinned table when the filter needs a column not held.
    pub(crate) fn admitted(
        &self,
        table: &Table,
        resident: &Resident,
        filter: &RowFilter,
    ) -> Result<Option<Vec<usize>>> {
        if let Ok(admitted) = resident.admitted(filter) {
            return Ok(admitted);
        }
        let predicate = self.sql(&filter.clone().and(Condition::Embedded));
        let batches = self.runtime.block_on(async {
            let mut query = table.query().select(Select::columns(&["id"])).with_row_id();
            if let Some(p) = predicate {
                query = query.only_if(p);
            }
            query.execute().await?.try_collect::<Vec<_>>().await
        })?;
        let ids = batches.iter().flat_map(row_ids);
        Ok(Some(
            ids.filter_map(|id| resident.position_of(id)).collect(),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_best_k_come_best_first_and_ties_by_position() {
        let scored = vec![(0, 0.1), (1, 0.9), (2, 0.5), (3, 0.9), (4, -1.0)];
        assert_eq!(best(scored.clone(), 3), [(1, 0.9), (3, 0.9), (2, 0.5)]);
        assert_eq!(best(scored.clone(), 10).len(), 5);
        assert!(best(scored, 0).is_empty());
    }

    fn resident(n: usize, dim: usize) -> Resident {
        let mut texts = HeldTexts::default();
        let rows = (0..n)
            .map(|i| HeldRow::new(PhotoRow::indexed_for_test(&i.to_string()), &mut texts))
            .collect();
        let vectors = (0..n * dim)
            .map(|k| ((k * 7919) % 1000) as f32 / 500.0 - 1.0)
            .collect();
        let ids = (0..n as u64).map(|i| i * 3 + 1).collect();
        Resident::new(1, dim, ids, (rows, texts), vectors, n + 2)
    }

    #[test]
    fn split_over_threads_the_nearest_are_those_of_one_pass() {
        let held = resident(ROWS_PER_THREAD * 2 + 5, 8);
        let query = [0.3, -0.2, 0.9, 0.1, 0.0, 0.4, -0.7, 0.2];
        let mut unit = query.to_vec();
        normalize(&mut unit);
        let mut all: Vec<(usize, f32)> = (0..held.len())
            .map(|p| (p, DotPath::Portable.dot(&unit, held.vector(p))))
            .collect();
        all.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        all.truncate(25);
        let found = held.nearest(&query, 25, None);
        assert_eq!(
            found.iter().map(|f| f.0).collect::<Vec<_>>(),
            all.iter().map(|f| f.0).collect::<Vec<_>>()
        );
        assert!(found
            .iter()
            .zip(&all)
            .all(|(f, a)| (f.1 - a.1).abs() < 1e-5));
        let some: Vec<usize> = (0..held.len()).step_by(2).collect();
        let found = held.nearest(&query, 5, Some(&some));
        assert!(found.iter().all(|(p, _)| p % 2 == 0), "{found:?}");
        assert_eq!(held.position_of(7), Some(2), "row ids 3p + 1");
        assert_eq!(held.position_of(8), None);
        assert!(held.nearest(&[1.0], 5, None).is_empty(), "wrong dimension");
    }

    #[test]
    fn held_rows_come_out_with_their_unit_vectors_and_filters_are_judged_in_memory() {
        let held = resident(10, 4);
        let out = held.rows_at(&[(3, 0.5)], true);
        assert_eq!(out[0].0.path, "/r/3");
        let norm: f32 = out[0]
            .0
            .vector
            .as_ref()
            .unwrap()
            .iter()
            .map(|x| x * x)
            .sum();
        assert!((norm - 1.0).abs() < 1e-5);
        assert!(held.rows_at(&[(3, 0.5)], false)[0].0.vector.is_none());
        assert_eq!(held.not_held(), 2);
        assert_eq!(held.admitted(&RowFilter::all()), Ok(None));
        let two = RowFilter::only(Condition::Paths(vec!["/r/2".into(), "/r/9".into()]));
        assert_eq!(held.admitted(&two), Ok(Some(vec![2, 9])));
        assert_eq!(
            held.admitted(&RowFilter::only(Condition::NoKeywords)),
            Err(())
        );
    }

    #[test]
    fn once_indexed_a_search_scans_only_the_probed_lists() {
        let (dim, rows) = (32, 4_000);
        let mut held = resident(rows, dim);
        // Random directions: the helper's rows repeat every few hundred.
        let mut random = crate::random::Random::new(8);
        held.vectors = (0..rows).flat_map(|_| random.unit_vector(dim)).collect();
        let ivf = Ivf::build(&held.vectors, dim, 1);
        let probes = ivf.probes();
        assert!(held.ivf.set(ivf).is_ok());
        let ivf = held.ivf.get().unwrap();
        let everything = RowFilter::from_conditions(resident_conditions());
        let mut outside = 0;
        for q in 0..40 {
            let query: Vec<f32> = (0..dim)
                .map(|j| ((q * dim + j) as f32 * 0.37).sin())
                .collect();
            let mut unit = query.clone();
            normalize(&mut unit);
            let probed: std::collections::HashSet<usize> =
                ivf.candidates(&unit, probes).into_iter().collect();
            let found = held.nearest_indexed(&query, 10, &everything).unwrap();
            assert_eq!(found.len(), 10);
            assert!(found.iter().all(|(p, _)| probed.contains(p)), "query {q}");
            let exact = held.nearest(&query, 10, None);
            outside += exact.iter().filter(|(p, _)| !probed.contains(p)).count();
        }
        assert!(outside > 0, "exact search never went past the probed lists");
    }
}
