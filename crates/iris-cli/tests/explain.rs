//! Where a query matches, on the demo model: the heatmap grid against a direct computation
//! with the model, `iris explain --json` and `--png` as the CLI writes them, and how often the
//! heat's peak lies on the object a caption names in held-out two-object demo images (the
//! figure in the README, "Where a query matches").

use iris_core::models::DownloadProgress;
use iris_core::{Library, Query};
use std::path::{Path, PathBuf};
use std::process::Command;

/// A seed the demo model never saw (trained on 1, evaluated on 2).
const HELD_OUT: u64 = 3;
/// What the peak test reaches with the demo model's 8 x 8 grid: 0.827 of 168 (README); chance is
/// 0.5 (the nearer of two objects).
const PEAK_ON_NAMED_OBJECT: f64 = 0.8;

fn demo_library(dir: &Path) -> Library {
    Library::open_model(&dir.join("library"), "demo", DownloadProgress::Silent).unwrap()
}

fn dot(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// Writes demo image `index` of the held-out seed; returns its path and scene.
fn demo_photo(dir: &Path, index: usize) -> (PathBuf, iris_demo::Scene) {
    let (image, scene, _) = iris_demo::sample_image(HELD_OUT, index, iris_demo::IMAGE_SIDE);
    let path = dir.join(iris_demo::file_name(index));
    image.save(&path).unwrap();
    (path, scene)
}

fn caption(object: &iris_demo::Object) -> String {
    format!("a {} {}", object.colour.name(), object.shape.name())
}

#[test]
fn the_grid_is_each_patch_cosine_with_the_query_and_the_score_the_photos() {
    let tmp = tempfile::tempdir().unwrap();
    let library = demo_library(tmp.path());
    let (path, scene) = demo_photo(tmp.path(), 0);
    let text = caption(&scene.objects[0].object);
    let explained = library
        .explain(path.to_str().unwrap(), &Query::from_text(&text).unwrap())
        .unwrap();
    assert_eq!((explained.rows, explained.cols), (8, 8));
    assert_eq!(explained.grid.len(), 8);
    assert!(explained.grid.iter().all(|row| row.len() == 8));
    let window = explained.window;
    assert_eq!(
        (window.x, window.y, window.width, window.height),
        (0.0, 0.0, 1.0, 1.0)
    );

    // Directly: the model's own embeddings of the text and the decoded pixels.
    let clip = library.clip();
    let query = clip.embed_texts(&[&text]).unwrap().remove(0);
    let pixels = clip.preprocess(&image::open(&path).unwrap().to_rgb8());
    let direct = clip.embed_patches(&pixels).unwrap();
    assert_eq!(direct.patches.len(), 64);
    for (r, row) in explained.grid.iter().enumerate() {
        for (c, value) in row.iter().enumerate() {
            let expected = dot(&direct.patches[r * 8 + c], &query);
            assert!(
                (value - expected).abs() < 1e-5,
                "cell {r},{c}: {value} vs {expected}"
            );
        }
    }
    // The class token through the same head is the image's embedding, and the score its cosine.
    let whole = clip.embed_pixels(&[pixels]).unwrap().remove(0);
    assert!(dot(&whole, &direct.image) > 0.99999);
    assert!((explained.score - dot(&whole, &query)).abs() < 1e-5);
    // The patches are not all the same vector: the grid has structure.
    let flat: Vec<f32> = explained.grid.iter().flatten().copied().collect();
    let spread = flat.iter().cloned().fold(f32::MIN, f32::max)
        - flat.iter().cloned().fold(f32::MAX, f32::min);
    assert!(spread > 0.05, "grid spread {spread}");
}

#[test]
fn the_cli_prints_the_grid_as_json_and_writes_the_overlay() {
    let tmp = tempfile::tempdir().unwrap();
    let (path, scene) = demo_photo(tmp.path(), 1);
    let png = tmp.path().join("heat.png");
    let out = Command::new(env!("CARGO_BIN_EXE_iris"))
        .args(["--model", "demo", "--json", "--library"])
        .arg(tmp.path().join("library"))
        .arg("explain")
        .arg(&path)
        .arg(caption(&scene.objects[0].object))
        .arg("--png")
        .arg(&png)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["rows"], 8);
    assert_eq!(json["cols"], 8);
    assert_eq!(json["grid"].as_array().unwrap().len(), 8);
    assert!(json["score"].as_f64().unwrap().abs() <= 1.0);
    let overlay = image::open(&png).unwrap().to_rgb8();
    let original = image::open(&path).unwrap().to_rgb8();
    assert_eq!(overlay.dimensions(), original.dimensions());
    assert_ne!(
        overlay.as_raw(),
        original.as_raw(),
        "the overlay changed nothing"
    );

    let bad = Command::new(env!("CARGO_BIN_EXE_iris"))
        .args(["--model", "demo", "--library"])
        .arg(tmp.path().join("library"))
        .args(["explain", "no-such-photo", "a red circle"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(1));
    let said = String::from_utf8_lossy(&bad.stderr);
    assert!(
        said.contains("neither an indexed photo's id nor an image file"),
        "{said}"
    );
}

#[test]
fn the_heat_peaks_on_the_object_the_caption_names() {
    let tmp = tempfile::tempdir().unwrap();
    let library = demo_library(tmp.path());
    let (mut nearer, mut inside, mut trials) = (0usize, 0usize, 0usize);
    for index in 0..300 {
        let (_, scene, _) = iris_demo::sample_image(HELD_OUT, index, iris_demo::IMAGE_SIDE);
        if scene.objects.len() != 2 {
            continue;
        }
        let (path, _) = demo_photo(tmp.path(), index);
        let patches = library.photo_patches(path.to_str().unwrap()).unwrap();
        for (named, other) in [(0, 1), (1, 0)] {
            let (named, other) = (&scene.objects[named], &scene.objects[other]);
            let query = Query::from_text(&caption(&named.object)).unwrap();
            let e = library.explain_patches(&patches, &query).unwrap();
            let (mut best, mut at) = (f32::MIN, (0, 0));
            for (r, row) in e.grid.iter().enumerate() {
                for (c, &v) in row.iter().enumerate() {
                    if v > best {
                        (best, at) = (v, (r, c));
                    }
                }
            }
            let peak = ((at.1 as f32 + 0.5) / 8.0, (at.0 as f32 + 0.5) / 8.0);
            let distance = |o: &iris_demo::Placed| {
                ((peak.0 - o.centre.0).powi(2) + (peak.1 - o.centre.1).powi(2)).sqrt()
            };
            trials += 1;
            nearer += usize::from(distance(named) < distance(other));
            // Within the object's bounding circle, give or take half a cell's diagonal.
            inside +=
                usize::from(distance(named) <= named.radius + 0.5 * std::f32::consts::SQRT_2 / 8.0);
        }
    }
    let rate = nearer as f64 / trials as f64;
    println!(
        "peak nearer the named object: {nearer}/{trials} = {rate:.3} (chance 0.5); \
         inside its bounding circle: {inside}/{trials} = {:.3}",
        inside as f64 / trials as f64
    );
    assert!(trials >= 100, "only {trials} trials");
    assert!(
        rate >= PEAK_ON_NAMED_OBJECT,
        "peak on the named object in {rate:.3} of {trials}"
    );
}
