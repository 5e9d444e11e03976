//! Parity where the library's vectors are made: two 12-megapixel JPEGs (a 4000x3000 landscape
//! and a portrait by EXIF orientation 6) are indexed, and each stored vector is compared with
//! `transformers` on the same file decoded as a person sees it (tests/fixtures/large, made by
//! its make_fixtures.py). The library decodes large JPEGs at a reduced DCT scale and orients
//! them itself, so this checks that path, where iris-clip's parity tests check the full-size
//! decode. Set IRIS_LIBRARY_PARITY_DIR to a folder made by `make_fixtures.py --model-dir MODEL
//! --out DIR` to check another model (scripts/parity-library.sh does, on the ViT-B/32 shape).

mod common;

use iris_clip::Clip;
use iris_core::Library;
use serde_json::Value;
use std::path::PathBuf;

/// The worst cosine the stored vectors may have against the reference.
const WORST_COSINE: f32 = 0.995;
/// Random-weight models put any two photos close together (cosine about 0.96 for these two),
/// so the distance to the reference is also held against the distance between the two photos:
/// at most this fraction of it.
const WORST_RELATIVE: f32 = 0.01;

fn fixtures() -> PathBuf {
    common::manifest_dir().join("tests/fixtures/large")
}

fn cosine(a: &[f32], b: &[f32]) -> f32 {
    let dot: f32 = a.iter().zip(b).map(|(x, y)| x * y).sum();
    let na: f32 = a.iter().map(|x| x * x).sum::<f32>().sqrt();
    let nb: f32 = b.iter().map(|x| x * x).sum::<f32>().sqrt();
    dot / (na * nb)
}

#[test]
fn stored_vectors_of_12_megapixel_photos_match_transformers() {
    let reference_dir = std::env::var_os("IRIS_LIBRARY_PARITY_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(fixtures);
    let reference: Value = serde_json::from_str(
        &std::fs::read_to_string(reference_dir.join("reference.json")).unwrap(),
    )
    .unwrap();
    let model_dir = reference_dir.join(reference["model_dir"].as_str().unwrap());
    let expected = reference["images"].as_object().unwrap();
    assert_eq!(expected.len(), 2);

    let tmp = tempfile::tempdir().unwrap();
    let photos = tmp.path().join("photos");
    std::fs::create_dir_all(&photos).unwrap();
    for name in expected.keys() {
        std::fs::copy(fixtures().join(name), photos.join(name)).unwrap();
    }
    let clip = Clip::load_dir(&model_dir).unwrap();
    let library = Library::open(&tmp.path().join("library"), clip, "parity").unwrap();
    library.add_roots(&[photos]).unwrap();
    assert_eq!(common::index(&library).failed, 0);

    let wanted: Vec<(&String, Vec<f32>)> = expected
        .iter()
        .map(|(name, v)| {
            let v = v
                .as_array()
                .unwrap()
                .iter()
                .map(|x| x.as_f64().unwrap() as f32);
            (name, v.collect())
        })
        .collect();
    let apart = 1.0 - cosine(&wanted[0].1, &wanted[1].1);
    let rows = library.rows().unwrap();
    let mut worst = f32::INFINITY;
    for (name, want) in &wanted {
        let row = rows
            .iter()
            .find(|r| r.path.ends_with(name.as_str()))
            .unwrap();
        let got = library
            .embedding(&row.id)
            .unwrap()
            .expect("an indexed photo has a vector");
        let c = cosine(&got, want);
        println!(
            "{name}: cosine {c:.6} against transformers (1 - cos = {:.1e}; the two photos: {apart:.1e})",
            1.0 - c
        );
        assert!(
            1.0 - c <= WORST_RELATIVE * apart,
            "{name}: 1 - cos {} is over {WORST_RELATIVE} of the photos' distance {apart}",
            1.0 - c
        );
        worst = worst.min(c);
        if name.contains("orientation6") {
            assert_eq!(
                (row.width, row.height),
                (Some(3000), Some(4000)),
                "stored upright"
            );
        }
    }
    println!("worst cosine {worst:.6} ({})", model_dir.display());
    assert!(
        worst >= WORST_COSINE,
        "worst cosine {worst} < {WORST_COSINE}"
    );
}
