//! The search evaluation of issue "Search as people search" through the `iris` binary: a
//! trips library (demo photos in trip folders, with camera file names and EXIF dates, cameras
//! and GPS that Iris reads back) indexed with the demo model, and its labelled queries of
//! three kinds scored under vector, keyword and hybrid retrieval. Hybrid must be at least as
//! good as the better of the other two on every kind (within 0.01) and better than both on
//! mixed queries.

use serde_json::Value;
use std::collections::HashMap;
use std::process::Command;

fn iris(library: &std::path::Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_iris"));
    cmd.env_remove("IRIS_MODEL").env_remove("IRIS_LIBRARY");
    cmd.args(["--model", "demo", "--json", "--library"])
        .arg(library);
    cmd
}

fn run_json(cmd: &mut Command) -> Value {
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn hybrid_search_is_as_good_as_the_better_of_vector_and_keyword_and_better_on_mixed() {
    let tmp = tempfile::tempdir().unwrap();
    let (photos, lib) = (tmp.path().join("photos"), tmp.path().join("lib"));
    run_json(
        iris(&lib)
            .args(["demo", "--trips", "--count", "240", "--seed", "7"])
            .arg(&photos),
    );
    let report = run_json(iris(&lib).arg("index").arg(&photos));
    assert_eq!(report["embedded"], 240, "{report}");
    // The EXIF the generator wrote reads back: the filter menus know the places and years.
    let lisbon = run_json(iris(&lib).args(["search", "-k", "300", "--place", "lisbon"]));
    assert_eq!(
        lisbon.as_array().unwrap().len(),
        80,
        "2019 Lisbon and the Camera Roll"
    );
    let y2019 = run_json(iris(&lib).args(["search", "-k", "300", "after:2019 before:2020"]));
    assert_eq!(y2019.as_array().unwrap().len(), 40);

    let figures = run_json(iris(&lib).arg("eval-search").arg(&photos));
    let mut by: HashMap<(String, String), Value> = HashMap::new();
    for f in figures.as_array().unwrap() {
        let key = (
            f["kind"].as_str().unwrap().to_string(),
            f["retrieval"].as_str().unwrap().to_string(),
        );
        by.insert(key, f["figures"].clone());
    }
    let get = |kind: &str, retrieval: &str, metric: &str| -> f64 {
        by[&(kind.to_string(), retrieval.to_string())][metric]
            .as_f64()
            .unwrap()
    };
    for kind in ["visual", "keyword", "mixed"] {
        for metric in ["r1", "r5", "r10", "mrr"] {
            let (v, k, h) = (
                get(kind, "vector", metric),
                get(kind, "keyword", metric),
                get(kind, "hybrid", metric),
            );
            assert!(
                h >= v.max(k) - 0.01,
                "{kind} {metric}: hybrid {h} < vector {v} / keyword {k}"
            );
        }
    }
    let (v, k, h) = (
        get("mixed", "vector", "mrr"),
        get("mixed", "keyword", "mrr"),
        get("mixed", "hybrid", "mrr"),
    );
    assert!(
        h > v && h > k,
        "mixed MRR: hybrid {h}, vector {v}, keyword {k}"
    );
    assert!(
        get("keyword", "hybrid", "r1") >= 0.9,
        "names, places, years, cameras found first"
    );
    // Words with a photo of them: both fusions are scored (the README gives the figures).
    for fusion in ["early", "late"] {
        assert!(get("combined", fusion, "r10") > 0.0, "{fusion}");
    }
}
