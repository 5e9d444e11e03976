//! LanceDB's own flat vector search with a prefilter: what the catalog's search was before it
//! held the vectors in memory ([`super::resident`]), kept as the baseline that
//! `iris bench-search` measures the resident search against in the same run, and as the
//! reference its results are checked against in tests.

use super::{Catalog, Condition, RowFilter};
use crate::arrow_rows::from_batch;
use crate::error::Result;
use crate::row::PhotoRow;
use arrow_array::{Float32Array, RecordBatch};
use futures::TryStreamExt;
use lancedb::query::{ExecutableQuery, QueryBase, Select};
use lancedb::DistanceType;

fn similarities(batch: &RecordBatch) -> Vec<f32> {
    batch
        .column_by_name("_distance")
        .and_then(|c| c.as_any().downcast_ref::<Float32Array>())
        .map(|d| d.values().iter().map(|d| 1.0 - d).collect())
        .unwrap_or_default()
}

impl Catalog {
    /// The `k` nearest embedded rows matching `filter` by LanceDB's flat cosine search (the
    /// table's vectors read and decoded for the query), best first, with their similarity.
    pub fn lancedb_nearest(
        &self,
        query: &[f32],
        k: usize,
        filter: &RowFilter,
    ) -> Result<Vec<(PhotoRow, f32)>> {
        let predicate = self
            .sql(&filter.clone().and(Condition::Embedded))
            .unwrap_or_default();
        let search = self
            .table
            .vector_search(query.to_vec())?
            .column(&self.vector_column)
            .distance_type(DistanceType::Cosine)
            .only_if(predicate)
            .select(Select::columns(&self.metadata_columns()))
            .limit(k.max(1));
        let batches = self
            .runtime
            .block_on(async { search.execute().await?.try_collect::<Vec<_>>().await })?;
        let mut out: Vec<(PhotoRow, f32)> = batches
            .iter()
            .flat_map(|b| {
                from_batch(b, &self.vector_column)
                    .into_iter()
                    .zip(similarities(b))
            })
            .collect();
        out.sort_by(|a, b| b.1.total_cmp(&a.1));
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::row::Status;

    /// Row `i` in folder a or b, with a vector spread around the circle in 4-D.
    fn photo(i: usize) -> PhotoRow {
        let folder = if i.is_multiple_of(3) { "a" } else { "b" };
        let mut row = PhotoRow::failed(
            format!("/r/{folder}/{i}.jpg"),
            "/r".into(),
            format!("id{i}"),
            1,
            2,
            String::new(),
        );
        row.status = Status::Ok;
        row.mtime_ns = i as i64 * 1_500_000_000;
        row.taken = (!i.is_multiple_of(4)).then_some(i as i64 * 10);
        row.format = Some(if i.is_multiple_of(5) { "png" } else { "jpeg" }.into());
        row.camera = i.is_multiple_of(2).then(|| "Canon EOS R5".into());
        row.lens = i.is_multiple_of(7).then(|| "RF24-105mm".into());
        row.city = (i % 3 == 1).then(|| "Lisbon".into());
        row.country = (!i.is_multiple_of(3)).then(|| "Portugal".into());
        let t = i as f32 * 0.7;
        row.vector = Some(vec![t.cos() * 3.0, t.sin(), (t * 0.3).cos(), 0.5]);
        row
    }

    fn paths(found: &[(PhotoRow, f32)]) -> Vec<(String, i32)> {
        let round = |s: f32| (s * 1e4).round() as i32;
        found
            .iter()
            .map(|(r, s)| (r.path.clone(), round(*s)))
            .collect()
    }

    #[test]
    fn the_resident_search_finds_what_lancedb_finds_across_commits_filters_and_deletes() {
        let dir = tempfile::tempdir().unwrap();
        let catalog = Catalog::open(dir.path(), "vec_t_4", 4).unwrap();
        let rows: Vec<PhotoRow> = (0..60).map(photo).collect();
        catalog.upsert(&rows).unwrap();
        let query = [0.9, 0.4, -0.2, 0.1];
        let in_a = RowFilter::only(Condition::InFolder("/r/a".into()));
        for filter in [RowFilter::all(), in_a.clone()] {
            let resident = catalog.nearest(&query, 7, &filter).unwrap();
            assert_eq!(resident.len(), 7);
            assert_eq!(
                paths(&resident),
                paths(&catalog.lancedb_nearest(&query, 7, &filter).unwrap())
            );
        }
        // A new commit (rows added, one deleted, one failed) is seen by the next search.
        let mut failed = photo(3);
        failed.status = Status::Failed;
        failed.vector = None;
        catalog
            .upsert(&(60..90).map(photo).chain([failed]).collect::<Vec<_>>())
            .unwrap();
        catalog.delete_paths(&["/r/b/1.jpg".into()]).unwrap();
        for filter in [RowFilter::all(), in_a] {
            let resident = catalog.nearest_with_vectors(&query, 12, &filter).unwrap();
            let lance = catalog.lancedb_nearest(&query, 12, &filter).unwrap();
            assert_eq!(paths(&resident), paths(&lance));
            assert!(resident
                .iter()
                .all(|(r, _)| r.path != "/r/b/1.jpg" && r.path != "/r/a/3.jpg"));
        }
    }

    #[test]
    fn every_condition_judged_in_memory_admits_what_its_sql_admits() {
        use super::super::TextField::{Camera, Place};
        let dir = tempfile::tempdir().unwrap();
        let catalog = Catalog::open(dir.path(), "vec_t_4", 4).unwrap();
        catalog
            .upsert(&(0..80).map(photo).collect::<Vec<_>>())
            .unwrap();
        let text = |f, w: &str| Condition::TextHas(f, w.into());
        let not = |c| Condition::Not(Box::new(c));
        let conditions = [
            Condition::Status(Status::Ok),
            Condition::Root("/r".into()),
            Condition::Paths(vec!["/r/b/5.jpg".into(), "/r/a/9.jpg".into()]),
            Condition::Ids(vec!["id7".into(), "id70".into()]),
            Condition::Formats(vec!["png".into()]),
            Condition::InFolder("/r/a/".into()),
            Condition::InFolder("/r/".into()),
            Condition::FolderNamed("/B/".into()),
            Condition::DatedFrom(300),
            Condition::DatedBefore(40),
            text(Camera, "EOS"),
            text(Camera, "rf24"),
            text(Place, "lisbon portugal"),
            not(text(Place, "portugal")),
            not(Condition::DatedFrom(300)),
            Condition::Any(vec![
                text(Camera, "canon"),
                Condition::Formats(vec!["png".into()]),
            ]),
            Condition::All(vec![
                text(Place, "lis"),
                not(Condition::InFolder("/r/a".into())),
            ]),
            Condition::Any(vec![]),
            not(Condition::NoKeywords),
        ];
        let query = [0.2, -0.9, 0.3, 0.1];
        for condition in conditions {
            let filter = RowFilter::only(condition.clone());
            let held = catalog.nearest(&query, 20, &filter).unwrap();
            let lance = catalog.lancedb_nearest(&query, 20, &filter).unwrap();
            assert_eq!(paths(&held), paths(&lance), "{condition:?}");
        }
    }
}
