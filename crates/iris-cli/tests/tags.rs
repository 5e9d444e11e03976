//! Zero-shot tags end to end through the `iris` binary with the demo model: a demo library of
//! a seed the model never saw is indexed, `iris eval-tags` measures the calibrated tags
//! against the scenes, a user's tag lands on the photos it names, `tag:` filters and tag
//! names in a query (English or Chinese) find tagged photos, and a photo indexed later is
//! tagged too.

use serde_json::Value;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A seed never used in training (1) or evaluation (2, 7, 8).
const SEED: &str = "9";
const PHOTOS: usize = 600;

fn iris(library: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_iris"));
    cmd.env_remove("IRIS_MODEL").env_remove("IRIS_LIBRARY");
    cmd.args(["--model", "demo", "--json", "--library"])
        .arg(library);
    cmd
}

fn ok(out: Output) -> Value {
    assert!(
        out.status.success(),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// (colour, shape, size) of each object, by file name.
type Scenes = HashMap<String, Vec<(String, String, String)>>;

fn scenes(dir: &Path) -> Scenes {
    std::fs::read_to_string(dir.join("scenes.jsonl"))
        .unwrap()
        .lines()
        .map(|line| {
            let v: Value = serde_json::from_str(line).unwrap();
            let objects = v["objects"]
                .as_array()
                .unwrap()
                .iter()
                .map(|o| {
                    let f = |k: &str| o[k].as_str().unwrap().to_string();
                    (f("colour"), f("shape"), f("size"))
                })
                .collect();
            (v["image"].as_str().unwrap().to_string(), objects)
        })
        .collect()
}

/// A fresh demo library in `name` under the test's temp dir: (photos, library, scenes).
fn demo_library(name: &str, count: usize) -> (PathBuf, PathBuf, Scenes) {
    let root = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&root);
    let (photos, library) = (root.join("photos"), root.join("library"));
    ok(iris(&library)
        .arg("demo")
        .arg(&photos)
        .args(["--count", &count.to_string(), "--seed", SEED])
        .output()
        .unwrap());
    let report = ok(iris(&library).arg("index").arg(&photos).output().unwrap());
    assert_eq!(report["embedded"], count, "{report}");
    let scenes = scenes(&photos);
    (photos, library, scenes)
}

fn file_name(hit: &Value) -> String {
    let path = Path::new(hit["path"].as_str().unwrap());
    path.file_name().unwrap().to_string_lossy().into_owned()
}

#[test]
fn the_demo_models_tags_are_right_on_held_out_images() {
    let (photos, library, _) = demo_library("tags-eval", PHOTOS);
    let f = ok(iris(&library)
        .arg("eval-tags")
        .arg(&photos)
        .output()
        .unwrap());
    eprintln!("eval-tags on {PHOTOS} held-out demo images: {f}");
    assert_eq!(f["photos"], PHOTOS);
    let figure = |k: &str| f[k].as_f64().unwrap();
    assert!(figure("single_object_top1") >= 0.9, "{f}");
    assert!(figure("precision") >= 0.8, "{f}");
    assert!(figure("recall") >= 0.7, "{f}");
    // The library's list: every demo background is a tag with photos, counts add up.
    let tags = ok(iris(&library).arg("tags").output().unwrap());
    let tags = tags.as_array().unwrap();
    for background in ["plain", "gradient", "striped", "noisy"] {
        let name = format!("{background} background");
        let t = tags.iter().find(|t| t["name"] == name.as_str());
        assert!(
            t.is_some_and(|t| t["photos"].as_u64().unwrap() > 0),
            "{name}"
        );
    }
    assert!(tags
        .iter()
        .all(|t| !t["chinese"].as_str().unwrap().is_empty()));
}

#[test]
fn a_users_tag_a_tag_filter_and_tag_words_find_the_right_photos() {
    let (photos, library, scenes) = demo_library("tags-user", PHOTOS);
    let small_red_circle = |name: &str| {
        scenes[name]
            .iter()
            .any(|(c, s, z)| c == "red" && s == "circle" && z == "small")
    };
    let tag_filter = |tag: &str| {
        iris(&library)
            .args(["search", "-k", "1000", &format!("tag:\"{tag}\"")])
            .output()
            .unwrap()
    };
    let unknown = tag_filter("small red circle");
    assert!(!unknown.status.success());
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("unknown tag"));

    ok(iris(&library)
        .args(["tags", "--add", "  Small RED circle "])
        .output()
        .unwrap());
    let hits = ok(tag_filter("small red circle"));
    let hits = hits.as_array().unwrap();
    let right = hits
        .iter()
        .filter(|h| small_red_circle(&file_name(h)))
        .count();
    let truth = scenes.keys().filter(|n| small_red_circle(n)).count();
    eprintln!(
        "user tag \"small red circle\": given {}, right {right}, of {truth}",
        hits.len()
    );
    assert!(truth >= 4, "the library has {truth} small red circles");
    // The demo model binds colour, size and shape loosely in two-object images, so some
    // tagged photos hold a small circle and a red square; the tag must still pick small red
    // circles at ten times their share of the library, and find at least 40% of them.
    let precision = right as f32 / hits.len() as f32;
    let base_rate = truth as f32 / PHOTOS as f32;
    assert!(precision >= 10.0 * base_rate, "{right} of {}", hits.len());
    assert!(right as f32 >= 0.4 * truth as f32, "{right} of {truth}");
    // The photo's own tags show it with its score.
    let id = hits[0]["id"].as_str().unwrap();
    let own = ok(iris(&library).args(["tags", id]).output().unwrap());
    let mine = own
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "small red circle");
    let p = mine.expect("the photo's tags hold the user tag")["probability"]
        .as_f64()
        .unwrap();
    assert!(p >= f64::from(iris_core::tags::MIN_PROBABILITY), "{p}");

    // The model reads English only; the tags' Chinese names still find red circles, which
    // the vector search alone does not.
    let red_circles_in_top_10 = |retrieval: &str| {
        let hits = ok(iris(&library)
            .args(["search", "-k", "10", "--retrieval", retrieval, "红色圆形"])
            .output()
            .unwrap());
        let hits = hits.as_array().unwrap().clone();
        hits.iter()
            .filter(|h| {
                let objects = &scenes[&file_name(h)];
                objects.iter().any(|(c, s, _)| c == "red" && s == "circle")
            })
            .count()
    };
    let (hybrid, vector) = (
        red_circles_in_top_10("hybrid"),
        red_circles_in_top_10("vector"),
    );
    eprintln!("红色圆形: {hybrid} red circles in the top 10, vector search alone {vector}");
    assert!(hybrid >= 5 && hybrid > vector, "{hybrid} against {vector}");
    // The keyword side finds exactly the photos tagged "red circle".
    let ids = |args: &[&str]| -> Vec<String> {
        let hits = ok(iris(&library).arg("search").args(args).output().unwrap());
        let mut ids: Vec<String> = hits
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h["id"].as_str().unwrap().to_string())
            .collect();
        ids.sort();
        ids
    };
    // Matches of the words are marked, so that the gallery's cut-off never hides them.
    let matched = |retrieval: &str| -> Vec<bool> {
        let hits = ok(iris(&library)
            .args(["search", "-k", "600", "--retrieval", retrieval, "红色圆形"])
            .output()
            .unwrap());
        let hits = hits.as_array().unwrap().clone();
        hits.iter()
            .map(|h| h["matched"].as_bool().unwrap())
            .collect()
    };
    assert!(matched("keyword").iter().all(|m| *m));
    assert!(matched("vector").iter().all(|m| !*m));
    let by_words = ids(&["-k", "600", "--retrieval", "keyword", "红色圆形"]);
    assert!(!by_words.is_empty());
    assert_eq!(by_words, ids(&["-k", "600", "tag:\"red circle\""]));
    // Words naming two tags find the photos given both, as `tag:` filters joined do.
    let both = ids(&[
        "-k",
        "600",
        "--retrieval",
        "keyword",
        "红色圆形 and 纯色背景",
    ]);
    let filtered = ids(&["-k", "600", "tag:\"red circle\" tag:\"plain background\""]);
    assert!(
        !both.is_empty() && both.len() < by_words.len(),
        "{} of {}",
        both.len(),
        by_words.len()
    );
    assert_eq!(both, filtered);

    // Removing the tag takes it away; removing it twice is an error.
    ok(iris(&library)
        .args(["tags", "--remove", "small red circle"])
        .output()
        .unwrap());
    assert!(!tag_filter("small red circle").status.success());
    let again = iris(&library)
        .args(["tags", "--remove", "small red circle"])
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(2));

    // A photo indexed later is tagged without the others being tagged again.
    let later = photos.join("later");
    let (image, scene, _) = iris_demo::sample_image(77, 3, 128);
    std::fs::create_dir_all(&later).unwrap();
    image.save(later.join("later.png")).unwrap();
    ok(iris(&library).arg("index").output().unwrap());
    let found = ok(iris(&library)
        .args(["search", "-k", "1", "in:later"])
        .output()
        .unwrap());
    let id = found[0]["id"].as_str().unwrap();
    let own = ok(iris(&library).args(["tags", id]).output().unwrap());
    let names: Vec<&str> = own
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    let size = format!("{} shape", scene.objects[0].object.size.name());
    assert!(names.contains(&size.as_str()), "{names:?} for {scene:?}");
}
