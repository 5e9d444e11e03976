//! The catalog: one LanceDB table, `photos`, holding a row per file with one vector column per
//! model. Writes are batched and each is one atomic LanceDB commit, so a crash (even kill -9)
//! leaves the last committed version: no half-written batch is ever visible, and the next run
//! resumes from what was committed. The API is synchronous over a private tokio runtime.
//! Which rows a call touches is a typed [`RowFilter`]; SQL is made only in [`filter`].

mod filter;

pub(crate) use filter::{Condition, RowFilter};

use crate::arrow_rows::{distances, from_batch, is_vector_field, schema, to_batch, vector_field};
use crate::error::{CoreError, Result};
use crate::row::{PhotoRow, Status};
use arrow_array::{RecordBatch, RecordBatchIterator};
use arrow_schema::{Schema, SchemaRef};
use futures::TryStreamExt;
use lancedb::query::{ExecutableQuery, QueryBase, Select};
use lancedb::table::NewColumnTransform;
use lancedb::table::{CompactionOptions, OptimizeAction};
use lancedb::{DistanceType, Table};
use std::path::Path;
use std::sync::Arc;

const TABLE: &str = "photos";

/// Rows deleted per commit: a longer IN list makes a slow plan.
const DELETE_CHUNK: usize = 500;

/// An open catalog bound to one model's vector column.
pub struct Catalog {
    runtime: tokio::runtime::Runtime,
    table: Table,
    schema: SchemaRef,
    vector_column: String,
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
            let db = lancedb::connect(&uri).execute().await?;
            let names = db.table_names().execute().await?;
            let table = if names.iter().any(|n| n == TABLE) {
                db.open_table(TABLE).execute().await?
            } else {
                db.create_empty_table(TABLE, schema(vector_column, dim))
                    .execute()
                    .await?
            };
            let mut schema = table.schema().await?;
            if schema.field_with_name(vector_column).is_err() {
                let added = Arc::new(Schema::new(vec![vector_field(vector_column, dim)]));
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
        })
    }

    /// Every column of the table but the vectors (of any model), from its schema.
    fn metadata_columns(&self) -> Vec<String> {
        self.schema
            .fields()
            .iter()
            .filter(|f| !is_vector_field(f))
            .map(|f| f.name().clone())
            .collect()
    }

    fn sql(&self, filter: &RowFilter) -> Option<String> {
        filter.sql(&self.vector_column)
    }

    /// Inserts or replaces rows by path, in one commit.
    pub fn upsert(&self, rows: &[PhotoRow]) -> Result<()> {
        if rows.is_empty() {
            return Ok(());
        }
        let batch = to_batch(rows, &self.schema, &self.vector_column)?;
        let reader = RecordBatchIterator::new(vec![Ok(batch)], self.schema.clone());
        self.runtime.block_on(async {
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
    /// compaction, one atomic commit): every query opens every file, and 10,000 photos
    /// indexed in 64-row commits are 157 files.
    pub fn compact(&self) -> Result<()> {
        let action = OptimizeAction::Compact {
            options: CompactionOptions::default(),
            remap_options: None,
        };
        self.runtime.block_on(self.table.optimize(action))?;
        Ok(())
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
        let columns = self.metadata_columns();
        let predicate = self
            .sql(&filter.clone().and(Condition::Embedded))
            .unwrap_or_default();
        let batches = self.runtime.block_on(async {
            self.table
                .vector_search(query.to_vec())?
                .column(&self.vector_column)
                .distance_type(DistanceType::Cosine)
                .only_if(predicate)
                .select(Select::columns(&columns))
                .limit(k.max(1))
                .execute()
                .await?
                .try_collect::<Vec<_>>()
                .await
        })?;
        let mut out = Vec::new();
        for batch in &batches {
            let rows = from_batch(batch, &self.vector_column);
            out.extend(
                rows.into_iter()
                    .zip(distances(batch))
                    .map(|(r, d)| (r, 1.0 - d)),
            );
        }
        out.sort_by(|a, b| b.1.total_cmp(&a.1));
        Ok(out)
    }
}
