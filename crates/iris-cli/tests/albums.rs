//! Few-shot smart albums end to end through the `iris` binary with the demo model: an album
//! made from 5 examples and 2 negatives ranks the library, persists across processes, takes
//! in a photo indexed later, learns from accepted and rejected suggestions, is renamed and
//! deleted; `iris eval-albums` compares it with ranking by the examples' mean.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A seed never used in training (1): the library of the album's life.
const SEED: u64 = 12;

/// The libraries the album figures are pooled over (seeds never used in training). One
/// library's figure moves by 1/600 per photo and its sign between two rankers this close
/// depends on the seed (from -0.002 to +0.017 on seeds 12-16): five of them, 3,000 ranked
/// places, measure the difference.
const EVAL_SEEDS: [u64; 5] = [12, 13, 14, 15, 16];

/// `iris --model demo --json --library LIB`, at the precision the app picks by default.
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
    let text = String::from_utf8_lossy(&out.stdout);
    if text.trim().is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).unwrap()
    }
}

fn demo_library(name: &str, count: usize, seed: u64) -> (PathBuf, PathBuf) {
    let root = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&root);
    let (photos, library) = (root.join("photos"), root.join("library"));
    ok(iris(&library)
        .arg("demo")
        .arg(&photos)
        .args(["--count", &count.to_string(), "--seed", &seed.to_string()])
        .output()
        .unwrap());
    let report = ok(iris(&library).arg("index").arg(&photos).output().unwrap());
    assert_eq!(report["embedded"], count, "{report}");
    (photos, library)
}

/// The single-object images of `class` ("red circle") in a demo folder, by file name.
fn singles(photos: &Path, class: &str) -> Vec<String> {
    std::fs::read_to_string(photos.join("scenes.jsonl"))
        .unwrap()
        .lines()
        .filter_map(|line| {
            let v: Value = serde_json::from_str(line).unwrap();
            let objects = v["objects"].as_array().unwrap();
            let o = &objects[0];
            let name = format!(
                "{} {}",
                o["colour"].as_str().unwrap(),
                o["shape"].as_str().unwrap()
            );
            (objects.len() == 1 && name == class).then(|| v["image"].as_str().unwrap().to_string())
        })
        .collect()
}

/// The content id of each photo, by file name.
fn ids(library: &Path) -> std::collections::HashMap<String, String> {
    let hits = ok(iris(library)
        .args(["search", "-k", "10000", "type:png"])
        .output()
        .unwrap());
    hits.as_array()
        .unwrap()
        .iter()
        .map(|h| {
            let path = Path::new(h["path"].as_str().unwrap());
            (
                path.file_name().unwrap().to_string_lossy().into_owned(),
                h["id"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn member_ids(view: &Value) -> Vec<String> {
    view["photos"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap().to_string())
        .collect()
}

/// Issue 13, item 7: from 5 examples the album ranks as well as the examples' mean, and with
/// 2 photos marked "not this" it ranks better, pooled over five demo libraries.
#[test]
fn albums_from_five_examples_beat_the_examples_mean_once_negatives_are_given() {
    let figures: Vec<Value> = EVAL_SEEDS
        .iter()
        .map(|&seed| {
            let (photos, library) = demo_library(&format!("albums-eval-{seed}"), 1500, seed);
            let f = ok(iris(&library)
                .args(["eval-albums", "--classes", "12"])
                .arg(&photos)
                .output()
                .unwrap());
            eprintln!("seed {seed}, 1,500 demo images, 12 classes: {f}");
            assert_eq!(f["classes"], 12);
            f
        })
        .collect();
    let pooled = |k: &str| {
        figures.iter().map(|f| f[k].as_f64().unwrap()).sum::<f64>() / figures.len() as f64
    };
    let (mean, mean_without, album, with_negatives) = (
        pooled("mean_embedding"),
        pooled("mean_without_negatives"),
        pooled("album"),
        pooled("album_with_negatives"),
    );
    eprintln!(
        "pooled precision at 50: mean {mean:.4} ({mean_without:.4} without the negatives), album {album:.4}, with 2 negatives {with_negatives:.4}"
    );
    assert!(album >= 0.55, "{album}");
    assert!(
        album >= mean - 0.005,
        "album {album} against the mean's {mean}"
    );
    // Beats the mean: by more than 15 of the 3,000 ranked places. And learns from the
    // negatives more than leaving them out of the mean's ranking gives.
    assert!(
        with_negatives >= mean + 0.005,
        "album with negatives {with_negatives} against the mean's {mean}"
    );
    assert!(
        with_negatives > mean_without,
        "album with negatives {with_negatives} against the mean's {mean_without} without them"
    );
}

#[test]
fn an_album_persists_follows_new_photos_and_learns_from_feedback() {
    let (photos, library) = demo_library("albums-life", 1200, SEED);
    let id_of = ids(&library);
    let class = "red circle";
    let examples: Vec<&String> = singles(&photos, class)
        .iter()
        .take(5)
        .map(|n| &id_of[n])
        .collect::<Vec<_>>();
    assert_eq!(examples.len(), 5);
    let not: Vec<&String> = singles(&photos, "red square")
        .iter()
        .take(2)
        .map(|n| &id_of[n])
        .collect();
    let mut create = iris(&library);
    create.args(["album", "create", "Red circles", "--from"]);
    create.args(&examples);
    create.arg("--not").args(&not);
    let made = ok(create.output().unwrap());
    let members = member_ids(&made);
    assert!(
        examples.iter().all(|e| members.contains(e)),
        "the examples are members"
    );
    assert!(
        not.iter().all(|n| !members.contains(n)),
        "negatives are not"
    );
    // The other one-object red circles are found (the demo model binds colour to shape too
    // loosely in two-object images for those to be asked for here).
    let reds: Vec<String> = singles(&photos, class)
        .iter()
        .skip(5)
        .map(|n| id_of[n].clone())
        .collect();
    let found = reds.iter().filter(|r| members.contains(r)).count();
    eprintln!(
        "album of 5 + 2: {} members, {found} of the {} other single red circles",
        members.len(),
        reds.len()
    );
    assert!(
        reds.len() >= 7,
        "the library has a dozen single red circles"
    );
    assert!(found as f32 >= 0.8 * reds.len() as f32);

    // Another process sees the same album.
    let shown = ok(iris(&library)
        .args(["album", "show", "Red circles"])
        .output()
        .unwrap());
    assert_eq!(member_ids(&shown), members);
    let list = ok(iris(&library).args(["album", "list"]).output().unwrap());
    assert_eq!(list[0]["name"], "Red circles");
    assert_eq!(list[0]["photos"], members.len());
    assert_eq!(list[0]["examples"], 7);

    // A red circle indexed later joins it.
    let later = photos.join("later");
    std::fs::create_dir_all(&later).unwrap();
    let (image, ..) = (0..)
        .map(|i| iris_demo::sample_image(99, i, 128))
        .find(|(_, scene, _)| {
            scene.objects.len() == 1
                && scene.objects[0].object.colour.name() == "red"
                && scene.objects[0].object.shape.name() == "circle"
        })
        .unwrap();
    image.save(later.join("new red circle.png")).unwrap();
    ok(iris(&library).arg("index").output().unwrap());
    let new_id = ids(&library)["new red circle.png"].clone();
    let shown = ok(iris(&library)
        .args(["album", "show", "Red circles"])
        .output()
        .unwrap());
    assert!(
        member_ids(&shown).contains(&new_id),
        "the new red circle is in the album"
    );

    // Feedback: a rejected suggestion leaves and becomes a negative; an accepted one an example.
    let suggestion = shown["photos"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["example"] == false)
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let after = ok(iris(&library)
        .args([
            "album",
            "feedback",
            "Red circles",
            "--reject",
            &suggestion,
            "--accept",
            &new_id,
        ])
        .output()
        .unwrap());
    assert!(!member_ids(&after).contains(&suggestion));
    assert!(after["negatives"]
        .as_array()
        .unwrap()
        .iter()
        .any(|n| n == suggestion.as_str()));
    let new = after["photos"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == new_id.as_str())
        .unwrap();
    assert_eq!(new["example"], true);

    // Rename and delete; mistakes are errors that name the value.
    ok(iris(&library)
        .args(["album", "rename", "Red circles", "Circles, red"])
        .output()
        .unwrap());
    let unknown = iris(&library)
        .args(["album", "show", "Red circles"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("no album named \"Red circles\""));
    let mut twice = iris(&library);
    twice
        .args(["album", "create", "Circles, red", "--from"])
        .arg(examples[0]);
    assert!(String::from_utf8_lossy(&twice.output().unwrap().stderr).contains("exists already"));
    let bad = iris(&library)
        .args(["album", "create", "x", "--from", "nope"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&bad.stderr).contains("no indexed photo has the id \"nope\""));
    ok(iris(&library)
        .args(["album", "delete", "Circles, red"])
        .output()
        .unwrap());
    let list = ok(iris(&library).args(["album", "list"]).output().unwrap());
    assert_eq!(list.as_array().unwrap().len(), 0);
}
