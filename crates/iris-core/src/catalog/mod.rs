//! The catalog: one LanceDB table, `photos`, holding a row per file with one vector column per
//! model. Writes are batched and each is one atomic LanceDB commit, so a crash (even kill -9)
//! leaves the last committed version: no half-written batch is ever visible, and the next run
//! resumes from what was committed. The API is synchronous over a private tokio runtime.
//! Which rows a call touches is a typed [`RowFilter`]; SQL is made only in [`filter`].

mod columns;
pub(crate) mod dot;
mod filter;
mod flat;
mod ivf;
mod judge;
mod keyword;
mod resident;

pub(crate) use columns::NewVector;
pub use columns::VectorColumn;
pub(crate) use filter::{Condition, RowFilter, TextField};
pub(crate) use resident::Resident;
pub use resident::ANN_ABOVE_ROWS;

use crate::arrow_rows::{from_batch, is_vector_field, schema as table_schema, to_batch};
use crate::error::{CoreError, Result};
use crate::row::{PhotoRow, Status};
use arrow_array::{RecordBatch, RecordBatchIterator};
use arrow_schema::{Field, Schema, SchemaRef};
use futures::TryStreamExt;
use lancedb::query::{ExecutableQuery, QueryBase, Select};
use lancedb::table::NewColumnTransform;
use lancedb::table::{CompactionOptions, OptimizeAction};
use lancedb::Table;
use std::path::Path;
use std::sync::Arc;

const TABLE: &str = "photos";

/// Fragments (data files) a table may have before an index run compacts it.
pub(crate) const COMPACT_ABOVE_FRAGMENTS: usize = 8;

/// Rows deleted per commit: a longer IN list makes a slow plan.
const DELETE_CHUNK: usize = 500;

/// An open catalog bound to one model's vector column.
pub struct Catalog {
    runtime: tokio::runtime::Runtime,
    table: Table,
    schema: SchemaRef,
    vector_column: String,
    dim: usize,
    /// The embedded rows in memory for search ([`resident`]).
    resident: resident::ResidentCache,
    /// Set once the keyword index is seen (an index, once made, stays): searches then skip
    /// asking the table for its indices.
    keyword_indexed: std::sync::atomic::AtomicBool,
    /// Held rows from which search builds and uses an approximate index.
    ann_above_rows: std::sync::atomic::AtomicUsize,
}

impl Catalog {
    /// Opens (creating if needed) the catalog in `dir`, with a vector column for the model.
    pub fn open(dir: &Path, vector_column: &str, dim: usize) -> Result<Self> {
        std::fs::create_dir_all(dir).map_err(|e| CoreError::io(dir, e))?;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .map_err(|e| CoreError::io(dir, e))?;
        let uri = dir.join("catalog");
        let uri = uri
            .to_str()
            .ok_or_else(|| CoreError::Invalid(format!("library path {dir:?} is not utf-8")))?
            .to_string();
        let (table, schema) = runtime.block_on(async {
            // Every read sees the latest commit, also one made by another process (the app
            // and `iris watch` on one library): one manifest check per read, microseconds
            // on a local disk.
            let db = lancedb::connect(&uri)
                .read_consistency_interval(std::time::Duration::ZERO)
                .execute()
                .await?;
            let names = db.table_names().execute().await?;
            let table = if names.iter().any(|n| n == TABLE) {
                db.open_table(TABLE).execute().await?
            } else {
                db.create_empty_table(TABLE, table_schema(vector_column, dim))
                    .execute()
                    .await?
            };
            // A catalog written by an older Iris, or for another model, lacks some columns:
            // they are added empty (one commit), and rows fill them as they are re-read.
            let mut schema = table.schema().await?;
            let missing: Vec<Field> = table_schema(vector_column, dim)
                .fields()
                .iter()
                .filter(|f| schema.field_with_name(f.name()).is_err())
                .map(|f| f.as_ref().clone())
                .collect();
            if !missing.is_empty() {
                let added = Arc::new(Schema::new(missing));
                table
                    .add_columns()
                    .transform(NewColumnTransform::AllNulls(added))
                    .execute()
                    .await?;
                schema = table.schema().await?;
            }
            Ok::<_, CoreError>((table, schema))
        })?;
        Ok(Self {
            runtime,
            table,
            schema,
            vector_column: vector_column.to_string(),
            dim,
            resident: resident::ResidentCache::default(),
            keyword_indexed: std::sync::atomic::AtomicBool::new(false),
            ann_above_rows: std::sync::atomic::AtomicUsize::new(ANN_ABOVE_ROWS),
        })
    }

    /// Whether the library in `dir` holds a committed catalog table (a Lance dataset with at
    /// least one version): one another process is not still creating.
    pub fn exists(dir: &Path) -> bool {
        let versions = dir
            .join("catalog")
            .join(format!("{TABLE}.lance"))
            .join("_versions");
        std::fs::read_dir(versions).is_ok_and(|mut entries| entries.next().is_some())
    }

    /// Every column of the table but the vectors (of any model) and the keyword text, from
    /// its schema.
    fn metadata_columns(&self) -> Vec<String> {
        self.schema
            .fields()
            .iter()
            .filter(|f| !is_vector_field(f) && f.name() != crate::keywords::COLUMN)
            .map(|f| f.name().clone())
            .collect()
    }

    fn sql(&self, filter: &RowFilter) -> Option<String> {
        filter.sql(&self.vector_column)
    }

    /// Inserts or replaces rows by path, in one commit. A replaced row's vectors of other
    /// models are cleared (its content may have changed); the table's schema is read anew
    /// for that, since a model switch may have added a column since this handle opened.
    pub fn upsert(&self, rows: &[PhotoRow]) -> Result<()> {
        if rows.is_empty() {
            return Ok(());
        }
        self.runtime.block_on(async {
            let schema = self.table.schema().await?;
            let batch = to_batch(rows, &schema, &self.vector_column)?;
            let reader = RecordBatchIterator::new(vec![Ok(batch)], schema);
            let mut merge = self.table.merge_insert(&["path"]);
            merge
                .when_matched_update_all(None)
                .when_not_matched_insert_all();
            merge.execute(Box::new(reader)).await?;
            Ok(())
        })
    }

    /// Deletes the rows of these paths, one commit per chunk of [`DELETE_CHUNK`] paths (an
    /// interrupted delete leaves whole chunks deleted and the rest for the next run).
    pub fn delete_paths(&self, paths: &[String]) -> Result<()> {
        for chunk in paths.chunks(DELETE_CHUNK) {
            let filter = RowFilter::only(Condition::Paths(chunk.to_vec()));
            if let Some(predicate) = self.sql(&filter) {
                self.runtime
                    .block_on(self.table.delete(predicate.as_str()))?;
            }
        }
        Ok(())
    }

    /// Merges the small files that batched commits leave behind into large ones (LanceDB
    /// compaction, one atomic commit) once there are more than [`COMPACT_ABOVE_FRAGMENTS`]:
    /// every query opens every file (10,000 photos indexed in 64-row commits are 157 files),
    /// but compaction rewrites the small files with their neighbours, so a live-folder
    /// reconcile that adds one photo to a compact 50,000-photo table must not trigger it.
    /// Returns whether it compacted.
    pub fn compact_if_fragmented(&self) -> Result<bool> {
        let fragments = self
            .runtime
            .block_on(self.table.stats())?
            .fragment_stats
            .num_fragments;
        if fragments <= COMPACT_ABOVE_FRAGMENTS {
            return Ok(false);
        }
        let action = OptimizeAction::Compact {
            options: CompactionOptions::default(),
            remap_options: None,
        };
        self.runtime.block_on(self.table.optimize(action))?;
        Ok(true)
    }

    /// Sets the status of every row under `root` that has status `from`.
    pub fn set_root_status(&self, root: &str, from: Status, to: Status) -> Result<usize> {
        let rows = RowFilter::only(Condition::Root(root.to_string())).and(Condition::Status(from));
        let filter = self.sql(&rows).unwrap_or_default();
        let new_status = filter::status_value(to);
        self.runtime.block_on(async {
            let n = self.table.count_rows(Some(filter.clone())).await?;
            if n > 0 {
                self.table
                    .update()
                    .only_if(filter)
                    .column("status", new_status)
                    .execute()
                    .await?;
            }
            Ok(n)
        })
    }

    /// The name of this model's vector column.
    pub(crate) fn vector_column(&self) -> &str {
        &self.vector_column
    }

    /// Number of rows matching `filter`.
    pub fn count(&self, filter: &RowFilter) -> Result<usize> {
        Ok(self
            .runtime
            .block_on(self.table.count_rows(self.sql(filter)))?)
    }

    fn collect(&self, batches: Vec<RecordBatch>) -> Vec<PhotoRow> {
        batches
            .iter()
            .flat_map(|b| from_batch(b, &self.vector_column))
            .collect()
    }

    /// Rows matching `filter`, without vectors unless `with_vectors`, at most `limit`.
    pub fn rows(
        &self,
        filter: &RowFilter,
        with_vectors: bool,
        limit: usize,
    ) -> Result<Vec<PhotoRow>> {
        let mut columns = self.metadata_columns();
        if with_vectors {
            columns.push(self.vector_column.clone());
        }
        let predicate = self.sql(filter);
        let batches = self.runtime.block_on(async {
            let mut query = self
                .table
                .query()
                .select(Select::columns(&columns))
                .limit(limit.max(1));
            if let Some(p) = predicate {
                query = query.only_if(p);
            }
            query.execute().await?.try_collect::<Vec<_>>().await
        })?;
        Ok(self.collect(batches))
    }

    /// Every row, without vectors; `embedded` tells which have this model's vector.
    pub fn all_rows(&self) -> Result<Vec<(PhotoRow, bool)>> {
        let n = self.count(&RowFilter::all())?;
        let mut columns: Vec<(String, String)> = self
            .metadata_columns()
            .into_iter()
            .map(|c| (c.clone(), c))
            .collect();
        columns.push((
            "embedded".into(),
            format!("{} IS NOT NULL", self.vector_column),
        ));
        let batches = self.runtime.block_on(async {
            self.table
                .query()
                .select(Select::dynamic(&columns))
                .limit(n.max(1))
                .execute()
                .await?
                .try_collect::<Vec<_>>()
                .await
        })?;
        let mut out = Vec::with_capacity(n);
        for batch in &batches {
            let flags = batch.column_by_name("embedded").and_then(|c| {
                c.as_any()
                    .downcast_ref::<arrow_array::BooleanArray>()
                    .cloned()
            });
            for (i, row) in from_batch(batch, &self.vector_column)
                .into_iter()
                .enumerate()
            {
                out.push((row, flags.as_ref().is_some_and(|f| f.value(i))));
            }
        }
        Ok(out)
    }

    /// The `k` nearest rows to `query` by cosine similarity among rows matching `filter`, best
    /// first, with their similarity (1 - cosine distance).
    pub fn nearest(
        &self,
        query: &[f32],
        k: usize,
        filter: &RowFilter,
    ) -> Result<Vec<(PhotoRow, f32)>> {
        self.nearest_rows(query, k, filter, false)
    }

    /// [`Catalog::nearest`] with each row's vector.
    pub fn nearest_with_vectors(
        &self,
        query: &[f32],
        k: usize,
        filter: &RowFilter,
    ) -> Result<Vec<(PhotoRow, f32)>> {
        self.nearest_rows(query, k, filter, true)
    }

    fn nearest_rows(
        &self,
        query: &[f32],
        k: usize,
        filter: &RowFilter,
        with_vectors: bool,
    ) -> Result<Vec<(PhotoRow, f32)>> {
        let (table, resident) = self.pinned()?;
        if let Some(nearest) = resident.nearest_indexed(query, k, filter) {
            return Ok(resident.rows_at(&nearest, with_vectors));
        }
        let admitted = self.admitted(&table, &resident, filter)?;
        let nearest = resident.nearest(query, k, admitted.as_deref());
        Ok(resident.rows_at(&nearest, with_vectors))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ADDED_LATER: [&str; 8] = [
        "keywords",
        "taken_offset",
        "lens",
        "lat",
        "lon",
        "city",
        "region",
        "country",
    ];

    fn photo(path: &str) -> PhotoRow {
        let mut row = PhotoRow::failed(path.into(), "/r".into(), "id".into(), 1, 2, String::new());
        row.status = Status::Ok;
        row.vector = Some(vec![1.0, 0.0, 0.0, 0.0]);
        row
    }

    #[test]
    fn a_catalog_of_an_older_iris_gains_the_new_columns_and_keeps_its_rows() {
        let dir = tempfile::tempdir().unwrap();
        let full = table_schema("vec_m_4", 4);
        let old: Vec<Field> = full
            .fields()
            .iter()
            .filter(|f| !ADDED_LATER.contains(&f.name().as_str()))
            .map(|f| f.as_ref().clone())
            .collect();
        let old = Arc::new(Schema::new(old));
        let uri = dir.path().join("catalog").to_string_lossy().into_owned();
        tokio::runtime::Runtime::new().unwrap().block_on(async {
            let db = lancedb::connect(&uri).execute().await.unwrap();
            let batch = to_batch(&[photo("/r/old.jpg")], &old, "vec_m_4").unwrap();
            let reader = RecordBatchIterator::new(vec![Ok(batch)], old.clone());
            let reader: Box<dyn arrow_array::RecordBatchReader + Send> = Box::new(reader);
            db.create_table(TABLE, reader).execute().await.unwrap();
        });

        let catalog = Catalog::open(dir.path(), "vec_m_4", 4).unwrap();
        for name in ADDED_LATER {
            assert!(catalog.schema.field_with_name(name).is_ok(), "{name} added");
        }
        let rows = catalog.rows(&RowFilter::all(), false, 10).unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(
            (rows[0].path.as_str(), rows[0].lens.as_deref()),
            ("/r/old.jpg", None)
        );
        let mut new = photo("/r/new.jpg");
        new.lens = Some("EF24-105mm f/4L".into());
        new.country = Some("Japan".into());
        catalog.upsert(&[new]).unwrap();
        let found = catalog
            .rows(
                &RowFilter::only(Condition::Paths(vec!["/r/new.jpg".into()])),
                false,
                1,
            )
            .unwrap();
        assert_eq!(found[0].lens.as_deref(), Some("EF24-105mm f/4L"));
        assert_eq!(found[0].country.as_deref(), Some("Japan"));
    }

    fn keyword_paths(catalog: &Catalog, text: &str) -> Vec<String> {
        let found = catalog.keyword_search(text, 10, &RowFilter::all()).unwrap();
        found.into_iter().map(|(r, _)| r.path).collect()
    }

    #[test]
    fn a_narrow_filter_still_gets_k_keyword_results_and_failed_rows_never_come_back() {
        let dir = tempfile::tempdir().unwrap();
        let catalog = Catalog::open(dir.path(), "vec_m_4", 4).unwrap();
        let mut rows: Vec<PhotoRow> = (0..120)
            .map(|i| photo(&format!("/r/beach/beach {i}.jpg")))
            .collect();
        // Longer texts score lower by BM25: the unfiltered top rows are all in /r/beach.
        rows.extend((0..3).map(|i| {
            photo(&format!(
                "/r/rare/beach at dusk with friends and a kite, day {i}.jpg"
            ))
        }));
        let mut failed = photo("/r/beach/beach beach.jpg");
        failed.status = Status::Failed;
        failed.vector = None;
        rows.push(failed);
        catalog.upsert(&rows).unwrap();
        catalog.update_keyword_index().unwrap();
        let rare = RowFilter::only(Condition::InFolder("/r/rare".into()));
        let found = catalog.keyword_search("beach", 2, &rare).unwrap();
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(found.iter().all(|(r, _)| r.path.starts_with("/r/rare/")));
        let all = catalog
            .keyword_search("beach", 500, &RowFilter::all())
            .unwrap();
        assert_eq!(all.len(), 123, "every held row, the failed one not");
        assert!(all.windows(2).all(|w| w[0].1 >= w[1].1), "best first");
        let wide = RowFilter::only(Condition::InFolder("/r/beach".into()));
        let top = catalog.keyword_search("beach", 5, &wide).unwrap();
        // Equal scores tie in any order: the scores are those of the best five overall.
        let expected = all.iter().filter(|(r, _)| r.path.starts_with("/r/beach/"));
        let scores = |v: Vec<f32>| {
            v.into_iter()
                .map(|s| (s * 1e6).round() as i64)
                .collect::<Vec<_>>()
        };
        assert_eq!(
            scores(top.iter().map(|t| t.1).collect()),
            scores(expected.take(5).map(|e| e.1).collect())
        );
        assert!(top.iter().all(|(r, _)| r.path.starts_with("/r/beach/")));
    }

    #[test]
    fn the_keyword_index_fills_old_rows_and_finds_new_ones_before_they_are_folded_in() {
        let dir = tempfile::tempdir().unwrap();
        let catalog = Catalog::open(dir.path(), "vec_m_4", 4).unwrap();
        catalog.upsert(&[photo("/r/IMG_0042.JPG")]).unwrap();
        assert!(keyword_paths(&catalog, "0042").is_empty(), "no index yet");
        // Emptied as an older Iris would have left it: one commit clearing the column.
        catalog
            .runtime
            .block_on(
                catalog
                    .table
                    .update()
                    .column(crate::keywords::COLUMN, "CAST(NULL AS STRING)")
                    .execute(),
            )
            .unwrap();
        assert_eq!(catalog.update_keyword_index().unwrap(), 1, "one row filled");
        assert_eq!(keyword_paths(&catalog, "IMG_0042"), ["/r/IMG_0042.JPG"]);
        let mut kyoto = photo("/r/trip/kyoto-temple.jpg");
        kyoto.id = "k".into();
        kyoto.city = Some("Kyoto".into());
        catalog.upsert(&[kyoto]).unwrap();
        assert_eq!(
            keyword_paths(&catalog, "kyoto"),
            ["/r/trip/kyoto-temple.jpg"]
        );
        assert_eq!(
            keyword_paths(&catalog, "temples"),
            ["/r/trip/kyoto-temple.jpg"],
            "stemmed"
        );
        assert_eq!(catalog.update_keyword_index().unwrap(), 0);
        let name = catalog.keyword_index().unwrap().unwrap();
        let stats = catalog.runtime.block_on(catalog.table.index_stats(&name));
        assert_eq!(stats.unwrap().unwrap().num_unindexed_rows, 0, "folded in");
        assert_eq!(
            keyword_paths(&catalog, "kyoto"),
            ["/r/trip/kyoto-temple.jpg"]
        );
        assert!(keyword_paths(&catalog, "lisbon").is_empty());
    }

    #[test]
    fn a_few_commits_are_left_alone_and_many_are_compacted_into_one_file() {
        let dir = tempfile::tempdir().unwrap();
        let catalog = Catalog::open(dir.path(), "vec_m_4", 4).unwrap();
        for i in 0..3 {
            catalog.upsert(&[photo(&format!("/r/{i}.jpg"))]).unwrap();
        }
        assert!(
            !catalog.compact_if_fragmented().unwrap(),
            "3 files: a reconcile's worth"
        );
        for i in 3..(COMPACT_ABOVE_FRAGMENTS + 2) {
            catalog.upsert(&[photo(&format!("/r/{i}.jpg"))]).unwrap();
        }
        assert!(catalog.compact_if_fragmented().unwrap());
        assert!(
            !catalog.compact_if_fragmented().unwrap(),
            "one file after compaction"
        );
        assert_eq!(
            catalog.count(&RowFilter::all()).unwrap(),
            COMPACT_ABOVE_FRAGMENTS + 2
        );
    }
}
