//! Conversion between [`PhotoRow`]s and Arrow record batches for the catalog table. Arrow
//! types stay inside the catalog: nothing outside iris-core's catalog modules sees them.

use crate::error::{CoreError, Result};
use crate::row::{PhotoRow, Status};
use arrow_array::types::Float32Type;
use arrow_array::{
    Array, ArrayRef, FixedSizeListArray, Float32Array, Float64Array, Int32Array, Int64Array,
    RecordBatch, StringArray, UInt32Array, UInt64Array,
};
use arrow_schema::{DataType, Field, Schema, SchemaRef};
use std::sync::Arc;

/// The table schema with one vector column, `vector_column`, of `dim` floats.
pub(crate) fn schema(vector_column: &str, dim: usize) -> SchemaRef {
    Arc::new(Schema::new(vec![
        Field::new("path", DataType::Utf8, false),
        Field::new("root", DataType::Utf8, false),
        Field::new("id", DataType::Utf8, false),
        Field::new("size", DataType::UInt64, false),
        Field::new("mtime_ns", DataType::Int64, false),
        Field::new("width", DataType::UInt32, true),
        Field::new("height", DataType::UInt32, true),
        Field::new("format", DataType::Utf8, true),
        Field::new("taken", DataType::Int64, true),
        Field::new("taken_offset", DataType::Int32, true),
        Field::new("camera", DataType::Utf8, true),
        Field::new("lens", DataType::Utf8, true),
        Field::new("lat", DataType::Float64, true),
        Field::new("lon", DataType::Float64, true),
        Field::new("city", DataType::Utf8, true),
        Field::new("region", DataType::Utf8, true),
        Field::new("country", DataType::Utf8, true),
        Field::new("thumb", DataType::Utf8, true),
        Field::new("status", DataType::Utf8, false),
        Field::new("reason", DataType::Utf8, true),
        Field::new(crate::keywords::COLUMN, DataType::Utf8, true),
        vector_field(vector_column, dim),
    ]))
}

/// The nullable fixed-size vector column of one model.
fn vector_field(name: &str, dim: usize) -> Field {
    let item = Arc::new(Field::new("item", DataType::Float32, true));
    Field::new(name, DataType::FixedSizeList(item, dim as i32), true)
}

/// Whether a field is a model's vector column.
pub(crate) fn is_vector_field(field: &Field) -> bool {
    matches!(field.data_type(), DataType::FixedSizeList(..))
}

/// Rows to a batch of `schema` (the full table schema, whatever vector columns it holds;
/// only `vector_column` is filled, other models' columns are null).
pub(crate) fn to_batch(
    rows: &[PhotoRow],
    schema: &SchemaRef,
    vector_column: &str,
) -> Result<RecordBatch> {
    let strings = |f: &dyn Fn(&PhotoRow) -> Option<&str>| -> ArrayRef {
        Arc::new(rows.iter().map(f).collect::<StringArray>())
    };
    let mut columns: Vec<ArrayRef> = Vec::with_capacity(schema.fields().len());
    for field in schema.fields() {
        let column: ArrayRef = match field.name().as_str() {
            "path" => strings(&|r| Some(r.path.as_str())),
            "root" => strings(&|r| Some(r.root.as_str())),
            "id" => strings(&|r| Some(r.id.as_str())),
            "size" => Arc::new(rows.iter().map(|r| r.size).collect::<UInt64Array>()),
            "mtime_ns" => Arc::new(rows.iter().map(|r| r.mtime_ns).collect::<Int64Array>()),
            "width" => Arc::new(rows.iter().map(|r| r.width).collect::<UInt32Array>()),
            "height" => Arc::new(rows.iter().map(|r| r.height).collect::<UInt32Array>()),
            "format" => strings(&|r| r.format.as_deref()),
            "taken" => Arc::new(rows.iter().map(|r| r.taken).collect::<Int64Array>()),
            "taken_offset" => Arc::new(rows.iter().map(|r| r.taken_offset).collect::<Int32Array>()),
            "camera" => strings(&|r| r.camera.as_deref()),
            "lens" => strings(&|r| r.lens.as_deref()),
            "lat" => Arc::new(rows.iter().map(|r| r.lat).collect::<Float64Array>()),
            "lon" => Arc::new(rows.iter().map(|r| r.lon).collect::<Float64Array>()),
            "city" => strings(&|r| r.city.as_deref()),
            "region" => strings(&|r| r.region.as_deref()),
            "country" => strings(&|r| r.country.as_deref()),
            "thumb" => strings(&|r| r.thumb.as_deref()),
            "status" => strings(&|r| Some(r.status.as_str())),
            "reason" => strings(&|r| r.reason.as_deref()),
            crate::keywords::COLUMN => Arc::new(
                rows.iter()
                    .map(|r| Some(crate::keywords::keywords(r)))
                    .collect::<StringArray>(),
            ),
            name => {
                let DataType::FixedSizeList(_, dim) = field.data_type() else {
                    return Err(CoreError::catalog(format!("unexpected column \"{name}\"")));
                };
                let own = name == vector_column;
                let values = rows.iter().map(|r| {
                    r.vector
                        .as_ref()
                        .filter(|_| own)
                        .map(|v| v.iter().map(|x| Some(*x)).collect::<Vec<_>>())
                });
                Arc::new(FixedSizeListArray::from_iter_primitive::<Float32Type, _, _>(values, *dim))
            }
        };
        columns.push(column);
    }
    Ok(RecordBatch::try_new(schema.clone(), columns)?)
}

fn column<'a, T: 'static>(batch: &'a RecordBatch, name: &str) -> Option<&'a T> {
    batch.column_by_name(name)?.as_any().downcast_ref::<T>()
}

fn string_at(batch: &RecordBatch, name: &str, i: usize) -> Option<String> {
    column::<StringArray>(batch, name)
        .filter(|a| a.is_valid(i))
        .map(|a| a.value(i).to_string())
}

/// Rows from a query result; absent columns read as empty or null.
pub(crate) fn from_batch(batch: &RecordBatch, vector_column: &str) -> Vec<PhotoRow> {
    rows_of(batch, column::<FixedSizeListArray>(batch, vector_column))
}

/// Rows from a query result without their vectors (see [`append_vectors`]).
pub(crate) fn metadata_from_batch(batch: &RecordBatch) -> Vec<PhotoRow> {
    rows_of(batch, None)
}

/// Appends the `vector_column` of a query result to `out`, `dim` floats a row, in the rows'
/// order: a row without a vector, or with one of another length, as zeros.
pub(crate) fn append_vectors(
    batch: &RecordBatch,
    vector_column: &str,
    dim: usize,
    out: &mut Vec<f32>,
) {
    let vectors = column::<FixedSizeListArray>(batch, vector_column)
        .filter(|a| usize::try_from(a.value_length()).is_ok_and(|length| length == dim));
    let values = vectors.and_then(|a| a.values().as_any().downcast_ref::<Float32Array>());
    for i in 0..batch.num_rows() {
        let vector = match (vectors, values) {
            (Some(list), Some(values)) if list.is_valid(i) => {
                let start = list.value_offset(i) as usize;
                values.values().get(start..start + dim)
            }
            _ => None,
        };
        match vector {
            Some(vector) => out.extend_from_slice(vector),
            None => out.resize(out.len() + dim, 0.0),
        }
    }
}

fn rows_of(batch: &RecordBatch, vectors: Option<&FixedSizeListArray>) -> Vec<PhotoRow> {
    let u64s = column::<UInt64Array>(batch, "size");
    let i64s = |name| column::<Int64Array>(batch, name);
    let u32s = |name| column::<UInt32Array>(batch, name);
    let f64s = |name| column::<Float64Array>(batch, name);
    (0..batch.num_rows())
        .map(|i| PhotoRow {
            path: string_at(batch, "path", i).unwrap_or_default(),
            root: string_at(batch, "root", i).unwrap_or_default(),
            id: string_at(batch, "id", i).unwrap_or_default(),
            size: u64s.map_or(0, |a| a.value(i)),
            mtime_ns: i64s("mtime_ns").map_or(0, |a| a.value(i)),
            width: u32s("width").filter(|a| a.is_valid(i)).map(|a| a.value(i)),
            height: u32s("height").filter(|a| a.is_valid(i)).map(|a| a.value(i)),
            format: string_at(batch, "format", i),
            taken: i64s("taken").filter(|a| a.is_valid(i)).map(|a| a.value(i)),
            taken_offset: column::<Int32Array>(batch, "taken_offset")
                .filter(|a| a.is_valid(i))
                .map(|a| a.value(i)),
            camera: string_at(batch, "camera", i),
            lens: string_at(batch, "lens", i),
            lat: f64s("lat").filter(|a| a.is_valid(i)).map(|a| a.value(i)),
            lon: f64s("lon").filter(|a| a.is_valid(i)).map(|a| a.value(i)),
            city: string_at(batch, "city", i),
            region: string_at(batch, "region", i),
            country: string_at(batch, "country", i),
            thumb: string_at(batch, "thumb", i),
            status: Status::parse(&string_at(batch, "status", i).unwrap_or_default()),
            reason: string_at(batch, "reason", i),
            vector: vectors.filter(|a| a.is_valid(i)).and_then(|a| {
                a.value(i)
                    .as_any()
                    .downcast_ref::<Float32Array>()
                    .map(|v| v.values().to_vec())
            }),
        })
        .collect()
}

/// The `_score` column (BM25) of a keyword search result.
pub(crate) fn bm25_scores(batch: &RecordBatch) -> Vec<f32> {
    column::<Float32Array>(batch, "_score")
        .map(|a| a.values().to_vec())
        .unwrap_or_default()
}

/// The `_rowid` column of a query made `with_row_id`.
pub(crate) fn row_ids(batch: &RecordBatch) -> Vec<u64> {
    column::<UInt64Array>(batch, "_rowid")
        .map(|a| a.values().to_vec())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vectors_append_in_row_order_and_a_missing_one_as_zeros() {
        let row = |i: usize, vector: Option<Vec<f32>>| PhotoRow {
            vector,
            ..PhotoRow::indexed_for_test(&i.to_string())
        };
        let rows = [
            row(0, Some(vec![1.0, 2.0, 3.0])),
            row(1, None),
            row(2, Some(vec![4.0, 5.0, 6.0])),
        ];
        let batch = to_batch(&rows, &schema("v", 3), "v").unwrap();
        // A slice, as a stream's batches can be: its vectors start past the first row's.
        let tail = batch.slice(1, 2);
        let mut out = vec![9.0];
        append_vectors(&tail, "v", 3, &mut out);
        assert_eq!(out, [9.0, 0.0, 0.0, 0.0, 4.0, 5.0, 6.0]);
        let mut wrong_length = Vec::new();
        append_vectors(&batch, "v", 4, &mut wrong_length);
        assert_eq!(
            wrong_length, [0.0; 12],
            "vectors of another length read as zeros"
        );
        let metadata = metadata_from_batch(&batch);
        assert_eq!(metadata.len(), 3);
        assert!(metadata.iter().all(|r| r.vector.is_none()));
        assert_eq!(metadata[2].id, "2");
        assert_eq!(from_batch(&batch, "v")[2].vector, Some(vec![4.0, 5.0, 6.0]));
    }
}
