//! The `iris` binary end to end: JSON shapes, exit codes, errors, and an index run killed
//! with SIGKILL mid-way and resumed.

use image::{Rgb, RgbImage};
use serde_json::Value;
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

fn tiny_model() -> PathBuf {
    manifest_dir().join("../iris-clip/tests/fixtures/tiny-clip")
}

fn fixture_image() -> PathBuf {
    manifest_dir().join("../iris-clip/tests/fixtures/images/tiny.png")
}

fn iris(library: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_iris"));
    cmd.arg("--model")
        .arg(tiny_model())
        .arg("--library")
        .arg(library);
    cmd.env_remove("IRIS_MODEL").env_remove("IRIS_LIBRARY");
    cmd
}

fn json(out: &Output) -> Value {
    assert!(
        out.status.success(),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// `iris --json index PHOTOS` on the library, its report.
fn index_json(library: &Path, photos: &Path) -> Value {
    json(
        &iris(library)
            .args(["--json", "index"])
            .arg(photos)
            .output()
            .unwrap(),
    )
}

fn write_photos(dir: &Path, count: u32) {
    std::fs::create_dir_all(dir).unwrap();
    for i in 0..count {
        let img = RgbImage::from_fn(160, 120, |x, y| {
            Rgb([
                (x * (i + 1) % 256) as u8,
                (y * 3 + i) as u8,
                ((x + y + i * 7) % 256) as u8,
            ])
        });
        img.save(dir.join(format!("p{i:04}.jpg"))).unwrap();
    }
}

#[test]
fn embed_prints_unit_vectors_keyed_exactly_as_given() {
    let tmp = tempfile::tempdir().unwrap();
    let image = fixture_image();
    let out = iris(tmp.path())
        .args(["embed", "--text", "A Dog!", "--text", "", "--image"])
        .arg(&image)
        .output()
        .unwrap();
    let v = json(&out);
    let texts = v["texts"].as_object().unwrap();
    assert_eq!(
        texts.keys().collect::<HashSet<_>>(),
        HashSet::from([&"A Dog!".to_string(), &String::new()])
    );
    let key = image.display().to_string();
    for vector in [&v["images"][&key], &texts["A Dog!"]] {
        let norm: f64 = vector
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_f64().unwrap().powi(2))
            .sum();
        assert!((norm.sqrt() - 1.0).abs() < 1e-4, "{norm}");
    }
}

#[test]
fn usage_errors_exit_2_and_failures_exit_1_quoting_the_value() {
    let tmp = tempfile::tempdir().unwrap();
    let out = iris(tmp.path())
        .args(["embed", "--bogus"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = iris(tmp.path()).arg("search").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = Command::new(env!("CARGO_BIN_EXE_iris"))
        .args(["--model", "/no/such/model", "embed", "--text", "x"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("\"/no/such/model\""), "{err}");
    let out = iris(tmp.path())
        .args(["embed", "--image", "/no/such.jpg"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/no/such.jpg"));
}

#[test]
fn a_missing_default_model_fails_fast_offline_and_says_what_to_do() {
    let tmp = tempfile::tempdir().unwrap();
    let started = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_iris"))
        .args(["embed", "--text", "x"])
        .env_remove("IRIS_MODEL")
        .env("HF_HOME", tmp.path())
        .env("HF_HUB_OFFLINE", "1")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(started.elapsed() < Duration::from_secs(10));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("openai/clip-vit-base-patch32") && err.contains("--model DIR"),
        "{err}"
    );
    assert!(
        err.contains("--model demo"),
        "the demo model is offered: {err}"
    );
}

#[test]
fn index_search_status_and_failures_speak_json() {
    let tmp = tempfile::tempdir().unwrap();
    let photos = tmp.path().join("photos");
    write_photos(&photos, 5);
    std::fs::write(photos.join("broken.jpg"), b"not a jpeg").unwrap();
    let lib = tmp.path().join("lib");
    let report = index_json(&lib, &photos);
    for key in [
        "scanned",
        "embedded",
        "unchanged",
        "moved",
        "removed",
        "failed",
        "offline",
        "seconds",
    ] {
        assert!(report.get(key).is_some(), "missing {key}: {report}");
    }
    assert_eq!(
        (
            report["scanned"].as_u64(),
            report["embedded"].as_u64(),
            report["failed"].as_u64()
        ),
        (Some(6), Some(5), Some(1))
    );
    let query = photos.join("p0002.jpg");
    let hits = json(
        &iris(&lib)
            .args(["--json", "search", "-k", "3", "--image"])
            .arg(&query)
            .output()
            .unwrap(),
    );
    let hits = hits.as_array().unwrap();
    assert_eq!(hits.len(), 3);
    assert_eq!(hits[0]["path"], query.display().to_string());
    assert!(hits[0]["score"].as_f64().unwrap() >= 0.99);
    let id = hits[0]["id"].as_str().unwrap();
    let like = json(
        &iris(&lib)
            .args(["--json", "search", "-k", "1", "--like", id])
            .output()
            .unwrap(),
    );
    assert_eq!(like[0]["id"], id);
    let status = json(&iris(&lib).args(["--json", "status"]).output().unwrap());
    assert_eq!(
        (
            status["photos"].as_u64(),
            status["failed"].as_u64(),
            status["offline"].as_u64()
        ),
        (Some(5), Some(1), Some(0))
    );
    assert_eq!(status["roots"].as_array().unwrap().len(), 1);
    let failures = json(&iris(&lib).args(["--json", "failures"]).output().unwrap());
    assert!(failures[0]["path"]
        .as_str()
        .unwrap()
        .ends_with("broken.jpg"));
    assert!(!failures[0]["reason"].as_str().unwrap().is_empty());
}

#[test]
fn an_index_killed_mid_way_resumes_without_duplicates() {
    let tmp = tempfile::tempdir().unwrap();
    let photos = tmp.path().join("photos");
    let count = 400;
    write_photos(&photos, count);
    let mut delay = Duration::from_millis(2500);
    let mut killed_with_rows = false;
    let mut lib = tmp.path().join("lib");
    for attempt in 0..12 {
        lib = tmp.path().join(format!("lib{attempt}"));
        let mut child = iris(&lib)
            .args(["--json", "index"])
            .arg(&photos)
            .spawn()
            .unwrap();
        std::thread::sleep(delay);
        if child.try_wait().unwrap().is_some() {
            delay /= 2; // finished before the kill: try again, sooner
            continue;
        }
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        let status = json(&iris(&lib).args(["--json", "status"]).output().unwrap());
        let photos_so_far = status["photos"].as_u64().unwrap();
        if photos_so_far > 0 && photos_so_far < count as u64 {
            killed_with_rows = true;
            break;
        }
        delay = if photos_so_far == 0 {
            delay * 3 / 2 // killed before the first commit: wait longer
        } else {
            delay * 2 / 3 // every photo committed, killed while tagging: sooner
        };
    }
    assert!(killed_with_rows, "could not kill the index run mid-way");
    let report = json(&iris(&lib).args(["--json", "index"]).output().unwrap());
    assert_eq!(report["scanned"].as_u64(), Some(count as u64));
    assert!(
        report["unchanged"].as_u64().unwrap() > 0,
        "the resumed run reused committed rows: {report}"
    );
    let status = json(&iris(&lib).args(["--json", "status"]).output().unwrap());
    assert_eq!(status["photos"].as_u64(), Some(count as u64));
    let library = iris_core::Library::open(
        &lib,
        iris_clip::Clip::load_dir(&tiny_model()).unwrap(),
        "tiny-clip",
    )
    .unwrap();
    let rows = library.rows().unwrap();
    let paths: HashSet<_> = rows.iter().map(|r| r.path.clone()).collect();
    assert_eq!(rows.len(), count as usize);
    assert_eq!(paths.len(), count as usize, "no duplicate rows");
}

/// The package folder, read when the test runs (not when it was compiled), so that a test
/// binary reused from a build in another checkout still finds this checkout's fixtures.
fn manifest_dir() -> std::path::PathBuf {
    std::path::PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("tests run under cargo"))
}

#[test]
fn two_writers_on_one_library_take_turns_and_duplicate_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let photos = tmp.path().join("photos");
    write_photos(&photos, 40);
    let lib = tmp.path().join("lib");
    let spawn = || {
        iris(&lib)
            .args(["--json", "index", "--workers", "1"])
            .arg(&photos)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    };
    let (a, b) = (spawn(), spawn());
    let reports: Vec<Value> = [a, b]
        .into_iter()
        .map(|c| json(&c.wait_with_output().unwrap()))
        .collect();
    let embedded: u64 = reports
        .iter()
        .map(|r| r["embedded"].as_u64().unwrap())
        .sum();
    assert_eq!(embedded, 40, "each photo embedded once: {reports:?}");
    let status = json(&iris(&lib).args(["--json", "status"]).output().unwrap());
    assert_eq!(status["photos"], 40);
}

#[test]
fn watch_indexes_a_photo_copied_in_while_it_runs() {
    let tmp = tempfile::tempdir().unwrap();
    let photos = tmp.path().join("photos");
    write_photos(&photos, 2);
    let lib = tmp.path().join("lib");
    index_json(&lib, &photos);
    let mut watch = iris(&lib)
        .args(["--json", "watch", "--reconciles", "1"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // The first line is the initial index; then a photo arrives.
    let mut stdout = std::io::BufReader::new(watch.stdout.take().unwrap());
    let mut first = String::new();
    std::io::BufRead::read_line(&mut stdout, &mut first).unwrap();
    let first: Value = serde_json::from_str(&first).unwrap();
    assert_eq!(first["embedded"], 0, "{first}");
    write_photos(&tmp.path().join("new"), 3);
    std::fs::rename(tmp.path().join("new/p0002.jpg"), photos.join("arrived.jpg")).unwrap();
    let mut second = String::new();
    std::io::BufRead::read_line(&mut stdout, &mut second).unwrap();
    let second: Value = serde_json::from_str(&second).unwrap();
    assert!(watch.wait().unwrap().success());
    assert_eq!(second["embedded"], 1, "{second}");
    let status = json(&iris(&lib).args(["--json", "status"]).output().unwrap());
    assert_eq!(status["photos"], 3);
}

#[test]
fn search_flags_filter_as_the_grammar_does_and_a_bad_date_says_so() {
    let tmp = tempfile::tempdir().unwrap();
    let photos = tmp.path().join("photos");
    // Distinct pictures in the two folders (write_photos draws picture i the same anywhere).
    write_photos(&photos.join("garden"), 4);
    write_photos(&photos.join("2019 Lisbon"), 7);
    for i in 0..4 {
        std::fs::remove_file(photos.join(format!("2019 Lisbon/p{i:04}.jpg"))).unwrap();
    }
    let lib = tmp.path().join("lib");
    index_json(&lib, &photos);
    let paths = |args: &[&str]| -> Vec<String> {
        let hits = json(
            &iris(&lib)
                .args(["--json", "search", "-k", "20"])
                .args(args)
                .output()
                .unwrap(),
        );
        hits.as_array()
            .unwrap()
            .iter()
            .map(|h| h["path"].as_str().unwrap().to_string())
            .collect()
    };
    let lisbon = paths(&["a photo", "--in", "2019 lisbon"]);
    assert_eq!(lisbon.len(), 3);
    assert!(lisbon.iter().all(|p| p.contains("/2019 Lisbon/")));
    assert_eq!(paths(&["a photo in:garden"]).len(), 4);
    assert_eq!(
        paths(&["a photo", "--in", "garden", "--type", "png"]).len(),
        0
    );
    // Undated photos are dated by their file time: written today, so after 2019 and not before.
    assert_eq!(paths(&["a photo", "--after", "2019"]).len(), 7);
    assert_eq!(paths(&["a photo", "--before", "2019-07-14"]).len(), 0);
    // Filters alone browse.
    assert_eq!(paths(&["--in", "garden"]).len(), 4);
    assert_eq!(paths(&["lisbon", "--retrieval", "keyword"]).len(), 3);
    // Saved searches keep the words and the flags, and count live.
    json(
        &iris(&lib)
            .args([
                "--json",
                "search",
                "a photo",
                "--in",
                "2019 lisbon",
                "--save",
                "trip",
            ])
            .output()
            .unwrap(),
    );
    json(
        &iris(&lib)
            .args([
                "--json",
                "search",
                "--in",
                "2019 lisbon",
                "--save",
                "all of it",
            ])
            .output()
            .unwrap(),
    );
    let saved = json(&iris(&lib).args(["--json", "saved"]).output().unwrap());
    assert_eq!(saved[0]["search"]["name"], "trip");
    assert_eq!(saved[0]["search"]["text"], "a photo in:\"2019 lisbon\"");
    assert!(
        (1..=3).contains(&saved[0]["photos"].as_u64().unwrap()),
        "{saved}"
    );
    assert_eq!(
        saved[1]["photos"], 3,
        "filters alone: every photo they admit"
    );
    // A photo copied into the trip later is in the saved search's count.
    write_photos(&photos.join("2019 Lisbon/more"), 8);
    for i in 0..7 {
        std::fs::remove_file(photos.join(format!("2019 Lisbon/more/p{i:04}.jpg"))).unwrap();
    }
    json(&iris(&lib).args(["--json", "index"]).output().unwrap());
    let saved = json(&iris(&lib).args(["--json", "saved"]).output().unwrap());
    assert_eq!(saved[1]["photos"], 4, "{saved}");
    let out = iris(&lib)
        .args(["search", "x", "--after", "last week"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("after:last week is not a date"), "{err}");
}
