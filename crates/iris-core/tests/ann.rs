//! The approximate index of large libraries against exact search, on a real LanceDB catalog
//! of 20,000 clustered synthetic embeddings with the index's threshold lowered to 10,000.

use iris_core::synthetic::SyntheticCatalog;
use iris_core::{Query, Retrieval};
use std::collections::HashSet;
use std::time::{Duration, Instant};

const DIM: usize = 128;

fn indexed_catalog(dir: &std::path::Path) -> SyntheticCatalog {
    let catalog = SyntheticCatalog::create_clustered(dir, 20_000, DIM, 40, 3).unwrap();
    catalog.set_ann_above_rows(10_000);
    let deadline = Instant::now() + Duration::from_secs(120);
    while !catalog.vector_index_ready().unwrap() {
        assert!(
            Instant::now() < deadline,
            "the index was not built in 120 s"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    catalog
}

fn vector_query(text: &str, k: usize) -> Query {
    Query {
        k,
        retrieval: Retrieval::Vector,
        ..Query::from_text(text).unwrap()
    }
}

#[test]
fn the_index_finds_at_least_95_percent_of_the_exact_ten_nearest_with_and_without_a_filter() {
    let dir = tempfile::tempdir().unwrap();
    let mut catalog = indexed_catalog(dir.path());
    // No filter, a wide one (the probed lists judged), a narrow one (its rows searched exactly).
    for filter in [
        "",
        "after:2019 camera:canon",
        "place:lisbon camera:canon after:2024",
    ] {
        let query = vector_query(filter, 10);
        let (mut found, mut wanted) = (0, 0);
        for _ in 0..50 {
            let vector = catalog.query_vector();
            let truth = catalog.exact_search(&query, &vector).unwrap();
            let truth: HashSet<String> = truth.into_iter().map(|r| r.path).collect();
            let hits = catalog.search(&query, &vector).unwrap();
            assert_eq!(hits.len(), 10, "{filter:?}: k results");
            found += hits.iter().filter(|h| truth.contains(&h.path)).count();
            wanted += truth.len();
        }
        let recall = found as f64 / wanted as f64;
        println!("{filter:?}: recall@10 {recall:.3}");
        assert!(recall >= 0.95, "{filter:?}: recall@10 {recall:.3}");
    }
}

#[test]
fn a_photo_searched_by_itself_comes_first_through_the_index_as_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let catalog = indexed_catalog(dir.path());
    let query = vector_query("", 5);
    for row in catalog.rows_with_vectors(200).unwrap() {
        let vector = row.vector.clone().unwrap();
        let ann = catalog.search(&query, &vector).unwrap();
        let exact = catalog.exact_search(&query, &vector).unwrap();
        assert_eq!(ann[0].path, row.path, "through the index");
        assert_eq!(exact[0].path, row.path, "exactly");
    }
}

#[test]
fn below_the_threshold_no_index_is_built() {
    let dir = tempfile::tempdir().unwrap();
    let catalog = SyntheticCatalog::create_clustered(dir.path(), 2_000, DIM, 10, 4).unwrap();
    catalog.set_ann_above_rows(10_000);
    assert!(!catalog.vector_index_ready().unwrap());
    std::thread::sleep(Duration::from_millis(500));
    assert!(
        !catalog.vector_index_ready().unwrap(),
        "an index below the threshold"
    );
}
