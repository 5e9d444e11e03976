//! The catalog's keyword index: LanceDB's native full-text index (BM25) over the `keywords`
//! column ([`crate::keywords`]). Every write fills the column; an index run folds the rows
//! written since into the index (rows not folded in yet are still searched, by a flat scan),
//! fills the column of rows an older Iris wrote, and creates the index the first time.

use super::{Catalog, Condition, RowFilter};
use crate::arrow_rows::bm25_scores;
use crate::error::Result;
use crate::keywords::COLUMN;
use crate::row::PhotoRow;
use lancedb::index::scalar::{FtsIndexBuilder, FullTextSearchQuery};
use lancedb::index::Index;
use lancedb::query::QueryBase;
use lancedb::table::{OptimizeAction, OptimizeOptions};

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
    /// their vectors and BM25 scores; nothing when the table has no keyword index yet or no
    /// word of `text` is indexed.
    pub fn keyword_search(
        &self,
        text: &str,
        k: usize,
        filter: &RowFilter,
    ) -> Result<Vec<(PhotoRow, f32)>> {
        if text.trim().is_empty() || !self.has_keyword_index()? {
            return Ok(Vec::new());
        }
        let search = self
            .table
            .query()
            .full_text_search(FullTextSearchQuery::new(text.to_string()));
        self.scored_rows(search, filter, true, k, bm25_scores)
    }
}
