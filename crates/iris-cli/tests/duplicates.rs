//! Near-duplicate groups through the `iris` binary with the demo model, measured on a
//! generated set: 20 demo pictures each with four edited copies (50% size, JPEG quality 60, a
//! 10% crop, +20% brightness) among 20 unrelated demo pictures of the same kinds of shapes.
//! The pairs the groups imply are compared with the true pairs.

use image::{imageops, RgbImage};
use serde_json::Value;
use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::process::Command;

const SIDE: u32 = 256;

fn copies(original: &RgbImage) -> Vec<(&'static str, Vec<u8>)> {
    let encode = |img: &RgbImage, jpeg_quality: Option<u8>| {
        let mut out = std::io::Cursor::new(Vec::new());
        match jpeg_quality {
            Some(q) => image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, q)
                .encode_image(img)
                .unwrap(),
            None => img.write_to(&mut out, image::ImageFormat::Png).unwrap(),
        }
        out.into_inner()
    };
    let half = imageops::resize(original, SIDE / 2, SIDE / 2, imageops::FilterType::Triangle);
    let margin = SIDE / 20; // 5% off each side: a 10% crop
    let cropped = imageops::crop_imm(
        original,
        margin,
        margin,
        SIDE - 2 * margin,
        SIDE - 2 * margin,
    )
    .to_image();
    let mut brighter = original.clone();
    brighter
        .pixels_mut()
        .for_each(|p| p.0 = p.0.map(|c| (f32::from(c) * 1.2).min(255.0) as u8));
    vec![
        ("half.png", encode(&half, None)),
        ("q60.jpg", encode(original, Some(60))),
        ("crop.png", encode(&cropped, None)),
        ("bright.png", encode(&brighter, None)),
    ]
}

#[test]
fn the_groups_find_edited_copies_and_leave_similar_pictures_apart() {
    let root = Path::new(env!("CARGO_TARGET_TMPDIR")).join("duplicates-set");
    let _ = std::fs::remove_dir_all(&root);
    let photos = root.join("photos");
    std::fs::create_dir_all(&photos).unwrap();
    let mut family_of: HashMap<String, usize> = HashMap::new();
    for i in 0..40 {
        let (image, ..) = iris_demo::sample_image(21, i, SIDE);
        let name = format!("{i:02}-original.png");
        image.save(photos.join(&name)).unwrap();
        family_of.insert(name, i);
        if i < 20 {
            for (suffix, bytes) in copies(&image) {
                let name = format!("{i:02}-{suffix}");
                std::fs::write(photos.join(&name), bytes).unwrap();
                family_of.insert(name, i);
            }
        }
    }
    let library = root.join("library");
    let iris = || {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_iris"));
        cmd.env_remove("IRIS_MODEL").env_remove("IRIS_LIBRARY");
        cmd.args(["--model", "demo", "--json", "--library"])
            .arg(&library);
        cmd
    };
    assert!(iris()
        .arg("index")
        .arg(&photos)
        .output()
        .unwrap()
        .status
        .success());
    let out = iris().arg("duplicates").output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let groups: Value = serde_json::from_slice(&out.stdout).unwrap();
    let name = |p: &Value| {
        Path::new(p["path"].as_str().unwrap())
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned()
    };
    let mut found: HashSet<(String, String)> = HashSet::new();
    for g in groups.as_array().unwrap() {
        let names: Vec<String> = g["photos"].as_array().unwrap().iter().map(name).collect();
        for (i, a) in names.iter().enumerate() {
            for b in &names[i + 1..] {
                found.insert(if a < b {
                    (a.clone(), b.clone())
                } else {
                    (b.clone(), a.clone())
                });
            }
        }
    }
    let names: Vec<&String> = family_of.keys().collect();
    let mut truth: HashSet<(String, String)> = HashSet::new();
    for a in &names {
        for b in &names {
            if a < b && family_of[*a] == family_of[*b] {
                truth.insert(((*a).clone(), (*b).clone()));
            }
        }
    }
    let right = found.intersection(&truth).count();
    let precision = right as f32 / found.len().max(1) as f32;
    let recall = right as f32 / truth.len() as f32;
    eprintln!("duplicate pairs: {} found, {right} right, {} true: precision {precision:.3}, recall {recall:.3}", found.len(), truth.len());
    assert_eq!(truth.len(), 200);
    assert!(
        precision >= 0.95 && recall >= 0.95,
        "precision {precision}, recall {recall}"
    );
    // The best photo of a family leads its group: the full-size original or its brighter copy.
    let first = name(&groups[0]["photos"][0]);
    assert!(
        !first.ends_with("half.png") && !first.ends_with("crop.png"),
        "{first}"
    );

    // Moving a copy to the trash (a temporary home trash) takes it out of the catalog and the
    // group; a rescan does not bring it back; a second move of it is reported, not a crash.
    let half_id = groups
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|g| g["photos"].as_array().unwrap().iter())
        .find(|p| name(p) == "00-half.png")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let trash_home = root.join("data");
    let copy = photos.join("00-half.png");
    let json = |cmd: &mut Command| -> Value {
        serde_json::from_slice(&cmd.output().unwrap().stdout).unwrap()
    };
    let before = json(iris().arg("status"))["photos"].as_u64().unwrap();
    let out = iris()
        .env("XDG_DATA_HOME", &trash_home)
        .arg("trash")
        .arg(&copy)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!copy.exists() && trash_home.join("Trash/files/00-half.png").is_file());
    assert!(trash_home
        .join("Trash/info/00-half.png.trashinfo")
        .is_file());
    assert_eq!(
        json(iris().arg("status"))["photos"].as_u64().unwrap(),
        before - 1
    );
    assert!(iris().arg("index").output().unwrap().status.success());
    assert_eq!(
        json(iris().arg("status"))["photos"].as_u64().unwrap(),
        before - 1
    );
    let groups = json(iris().arg("duplicates"));
    let all: Vec<String> = groups
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|g| g["photos"].as_array().unwrap().iter().map(name))
        .collect();
    assert!(!all.contains(&"00-half.png".to_string()) && all.contains(&"00-q60.jpg".to_string()));
    let hashes = std::fs::read_to_string(library.join("duplicates/hashes.json")).unwrap();
    assert!(
        !hashes.contains(&half_id),
        "a trashed photo's hash leaves the cache"
    );
    let again = iris()
        .env("XDG_DATA_HOME", &trash_home)
        .arg("trash")
        .arg(&copy)
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&again.stderr).contains("is not a photo of this library"));
}

/// Callers that ask at once (the galleries, the Duplicates view and the background after an
/// indexing run) share one search: each gets the very same answer, not a search of its own.
#[test]
fn callers_asking_at_once_share_one_search() {
    let tmp = tempfile::tempdir().unwrap();
    let photos = tmp.path().join("photos");
    std::fs::create_dir_all(&photos).unwrap();
    for i in 0..12 {
        let (image, ..) = iris_demo::sample_image(22, i, SIDE);
        image.save(photos.join(format!("{i:02}.png"))).unwrap();
        for (suffix, bytes) in copies(&image) {
            std::fs::write(photos.join(format!("{i:02}-{suffix}")), bytes).unwrap();
        }
    }
    let library = iris_core::Library::open_model(
        &tmp.path().join("library"),
        "demo",
        iris_core::models::DownloadProgress::Silent,
    )
    .unwrap();
    library.add_roots(std::slice::from_ref(&photos)).unwrap();
    let report = library
        .index(2, &iris_core::IndexControl::new(), &mut |_| {})
        .unwrap();
    assert_eq!(report.failed, 0);
    let callers = 4;
    let start = std::sync::Barrier::new(callers);
    let answers: Vec<_> = std::thread::scope(|s| {
        let asking: Vec<_> = (0..callers)
            .map(|_| {
                s.spawn(|| {
                    start.wait();
                    library.duplicates(&Default::default()).unwrap()
                })
            })
            .collect();
        asking.into_iter().map(|a| a.join().unwrap()).collect()
    });
    assert!(!answers[0].is_empty(), "the copies are found");
    for answer in &answers[1..] {
        assert!(
            std::sync::Arc::ptr_eq(answer, &answers[0]),
            "a caller searched again instead of sharing the answer"
        );
    }
}
