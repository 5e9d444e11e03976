//! The catalog's model columns as such: every model's vector column with how many photos it
//! covers, writing one model's vectors without touching any other column (a model switch
//! fills its column while the old one serves search), and dropping a model's column.

use super::{Catalog, Condition, RowFilter};
use crate::arrow_rows::is_vector_field;
use crate::error::{CoreError, Result};
use arrow_array::types::Float32Type;
use arrow_array::{FixedSizeListArray, RecordBatch, RecordBatchIterator, StringArray};
use arrow_schema::{DataType, Field, Schema};
use std::sync::Arc;

/// One model's vector column.
#[derive(Debug, Clone, PartialEq, serde::Serialize, ts_rs::TS)]
pub struct VectorColumn {
    pub column: String,
    pub dim: usize,
    /// Rows holding a vector in it.
    pub photos: usize,
    /// Bytes its vectors take (4 a float).
    pub bytes: u64,
}

/// A vector for the row at `path`, written only while that row still holds content `id`.
pub(crate) struct NewVector {
    pub path: String,
    pub id: String,
    pub vector: Vec<f32>,
}

impl Catalog {
    /// Every model's vector column in the table as it is now (also ones another handle or
    /// process added since this one opened), with its coverage.
    pub(crate) fn vector_columns(&self) -> Result<Vec<VectorColumn>> {
        let schema = self.runtime.block_on(self.table.schema())?;
        let mut out = Vec::new();
        for field in schema.fields().iter().filter(|f| is_vector_field(f)) {
            let DataType::FixedSizeList(_, dim) = field.data_type() else {
                continue;
            };
            let filled = format!("{} IS NOT NULL", field.name());
            let photos = self.runtime.block_on(self.table.count_rows(Some(filled)))?;
            out.push(VectorColumn {
                column: field.name().clone(),
                dim: *dim as usize,
                photos,
                bytes: photos as u64 * *dim as u64 * 4,
            });
        }
        Ok(out)
    }

    /// Writes this catalog's model vectors into existing rows, one commit, leaving every other
    /// column as it is. A vector lands only where the row still has the path and the content
    /// id it was computed for: a row rewritten meanwhile (the file edited) keeps no stale one.
    pub(crate) fn set_vectors(&self, vectors: &[NewVector]) -> Result<()> {
        if vectors.is_empty() {
            return Ok(());
        }
        let item = Arc::new(Field::new("item", DataType::Float32, true));
        let schema = Arc::new(Schema::new(vec![
            Field::new("path", DataType::Utf8, false),
            Field::new("id", DataType::Utf8, false),
            Field::new(
                &self.vector_column,
                DataType::FixedSizeList(item, self.dim as i32),
                true,
            ),
        ]));
        let paths: StringArray = vectors.iter().map(|v| Some(v.path.as_str())).collect();
        let ids: StringArray = vectors.iter().map(|v| Some(v.id.as_str())).collect();
        let values = vectors
            .iter()
            .map(|v| Some(v.vector.iter().map(|x| Some(*x)).collect::<Vec<_>>()));
        let list =
            FixedSizeListArray::from_iter_primitive::<Float32Type, _, _>(values, self.dim as i32);
        let batch = RecordBatch::try_new(
            schema.clone(),
            vec![Arc::new(paths), Arc::new(ids), Arc::new(list)],
        )?;
        let reader = RecordBatchIterator::new(vec![Ok(batch)], schema);
        self.runtime.block_on(async {
            let mut merge = self.table.merge_insert(&["path", "id"]);
            merge.when_matched_update_all(None);
            merge.execute(Box::new(reader)).await?;
            Ok(())
        })
    }

    /// Rows (not failed) that lack this catalog's model vector, at most `limit`.
    pub(crate) fn unembedded_rows(&self, limit: usize) -> Result<Vec<crate::row::PhotoRow>> {
        let filter = RowFilter::only(Condition::NotStatus(crate::row::Status::Failed))
            .and(Condition::Not(Box::new(Condition::Embedded)));
        self.rows(&filter, false, limit)
    }

    /// Removes a model's vector column (one commit). Refuses this catalog's own column and a
    /// column that is not a model's.
    pub(crate) fn drop_vector_column(&self, column: &str) -> Result<()> {
        if column == self.vector_column {
            return Err(CoreError::Invalid(format!(
                "\"{column}\" holds the vectors of the model in use; switch to another model \
                 before dropping it"
            )));
        }
        if !self.vector_columns()?.iter().any(|c| c.column == column) {
            return Err(CoreError::Invalid(format!(
                "the library has no model column \"{column}\""
            )));
        }
        self.runtime.block_on(self.table.drop_columns(&[column]))?;
        Ok(())
    }
}
