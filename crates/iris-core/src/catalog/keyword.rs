//! The catalog's keyword index: LanceDB's native full-text index (BM25) over the `keywords`
//! column ([`crate::keywords`]). Every write fills the column; an index run folds the rows
//! written since into the index (rows not folded in yet are still searched, by a flat scan),
//! fills the column of rows an older Iris wrote, and creates the index the first time.

use super::{Catalog, Condition, RowFilter};
use crate::arrow_rows::{bm25_scores, row_ids};
use crate::error::Result;
use crate::keywords::COLUMN;
use crate::row::PhotoRow;
use futures::TryStreamExt;
use lancedb::index::scalar::{FtsIndexBuilder, FullTextSearchQuery};
use lancedb::index::Index;
use lancedb::query::{ExecutableQuery, QueryBase, Select};
use lancedb::table::{OptimizeAction, OptimizeOptions};

/// How many times `k` rows the unfiltered keyword search brings for the filter to choose from.
const OVERFETCH: usize = 4;

/// Rows re-written per commit when the keyword column of an older catalog is filled.
const FILL_CHUNK: usize = 500;

impl Catalog {
    /// The name of the keyword index, if the table has one.
    pub(super) fn keyword_index(&self) -> Result<Option<String>> {
        let indices = self.runtime.block_on(self.table.list_indices())?;
        Ok(indices
            .into_iter()
            .find(|i| i.columns.iter().any(|c| c == COLUMN))
            .map(|i| i.name))
    }

    /// Whether the table has its keyword index, asked of the table until it has one.
    fn has_keyword_index(&self) -> Result<bool> {
        use std::sync::atomic::Ordering;
        if self.keyword_indexed.load(Ordering::Relaxed) {
            return Ok(true);
        }
        let found = self.keyword_index()?.is_some();
        self.keyword_indexed.store(found, Ordering::Relaxed);
        Ok(found)
    }

    /// Brings the keyword index up to date: fills the column where an older Iris left it
    /// empty, creates the index on the first rows, folds in rows written since. Returns the
    /// number of rows whose column it filled.
    pub(crate) fn update_keyword_index(&self) -> Result<usize> {
        let filled = self.fill_keywords()?;
        if self.count(&RowFilter::all())? == 0 {
            return Ok(filled);
        }
        match self.keyword_index()? {
            None => {
                let params = FtsIndexBuilder::default();
                self.runtime.block_on(
                    self.table
                        .create_index(&[COLUMN], Index::FTS(params))
                        .execute(),
                )?;
            }
            Some(name) => {
                let stats = self.runtime.block_on(self.table.index_stats(&name))?;
                if stats.is_some_and(|s| s.num_unindexed_rows > 0) {
                    let action = OptimizeAction::Index(OptimizeOptions::default());
                    self.runtime.block_on(self.table.optimize(action))?;
                }
            }
        }
        Ok(filled)
    }

    /// Re-writes the rows an older Iris wrote without keywords (each write fills the
    /// column), in chunks.
    fn fill_keywords(&self) -> Result<usize> {
        let missing = RowFilter::only(Condition::NoKeywords);
        let n = self.count(&missing)?;
        let mut filled = 0;
        while filled < n {
            let rows = self.rows(&missing, true, FILL_CHUNK)?;
            if rows.is_empty() {
                break;
            }
            self.upsert(&rows)?;
            filled += rows.len();
        }
        Ok(filled)
    }

    /// The best `k` rows matching `filter` for the words of `text` by BM25, best first, with
    /// their unit vectors and BM25 scores; nothing when the table has no keyword index yet
    /// or no word of `text` is indexed.
    ///
    /// A row's BM25 score does not depend on the filter, so the index is asked without one
    /// (a prefilter makes LanceDB scan the filter's columns: 20-35 ms at 10,000 rows) for
    /// [`OVERFETCH`] times `k` rows plus every row not held (failed or not embedded), which
    /// are judged in memory; the best `k` admitted among them are the best `k` overall. When
    /// fewer than `k` are admitted and the index had more, it is asked once more for every
    /// match (18 ms for the 10,000 matches of a word in a tenth of 100,000 rows, where the
    /// prefiltered search took about 220 ms). A filter that needs a column not held goes to LanceDB
    /// as SQL.
    pub fn keyword_search(
        &self,
        text: &str,
        k: usize,
        filter: &RowFilter,
    ) -> Result<Vec<(PhotoRow, f32)>> {
        if text.trim().is_empty() || !self.has_keyword_index()? {
            return Ok(Vec::new());
        }
        let (table, resident) = self.pinned()?;
        let k = k.max(1);
        let judge = resident.judge(filter);
        if judge.can_judge() {
            // First the best few, then, if the filter left fewer than k, every match.
            for limit in [
                k * OVERFETCH + resident.not_held(),
                resident.table_rows() + 1,
            ] {
                let found = self.bm25(&table, text, None, limit)?;
                let complete = found.len() < limit;
                let mut scored = resident.held_of(found);
                scored.retain(|&(p, _)| resident.admits(p, &judge));
                if scored.len() >= k || complete {
                    scored.truncate(k);
                    return Ok(resident.rows_at(&scored, true));
                }
            }
        }
        let predicate = self.sql(&filter.clone().and(Condition::Embedded));
        let found = self.bm25(&table, text, predicate, k)?;
        Ok(resident.rows_at(&resident.held_of(found), true))
    }

    /// The best `limit` (row id, BM25 score) of the pinned table for `text`, best first,
    /// among the rows of `predicate` if given.
    fn bm25(
        &self,
        table: &lancedb::Table,
        text: &str,
        predicate: Option<String>,
        limit: usize,
    ) -> Result<Vec<(u64, f32)>> {
        let mut search = table
            .query()
            .full_text_search(FullTextSearchQuery::new(text.to_string()))
            .select(Select::columns(&["id"]))
            .with_row_id()
            .limit(limit);
        if let Some(p) = predicate {
            search = search.only_if(p);
        }
        let batches = self
            .runtime
            .block_on(async { search.execute().await?.try_collect::<Vec<_>>().await })?;
        let mut found: Vec<(u64, f32)> = batches
            .iter()
            .flat_map(|b| row_ids(b).into_iter().zip(bm25_scores(b)))
            .collect();
        found.sort_by(|a, b| b.1.total_cmp(&a.1));
        Ok(found)
    }
}
