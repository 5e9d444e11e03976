//! Parity with the `transformers` reference on the committed tiny random-weight model:
//! token ids, preprocessed pixels, text and image embeddings, each checked on its own
//! (fixtures made by fixtures/make_fixtures.py). Set IRIS_PARITY_DIR to a folder made by
//! `make_fixtures.py --model-dir MODEL --out DIR` to run the same checks on another model.

use iris_clip::Clip;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn fixtures() -> PathBuf {
    match std::env::var_os("IRIS_PARITY_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => manifest_dir().join("tests/fixtures"),
    }
}

fn reference() -> Value {
    let text = std::fs::read_to_string(fixtures().join("reference.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn model() -> Clip {
    let dir = fixtures().join(reference()["model_dir"].as_str().unwrap());
    Clip::load_dir(&dir).unwrap()
}

fn floats(v: &Value) -> Vec<f32> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap() as f32)
        .collect()
}

fn cosine(a: &[f32], b: &[f32]) -> f32 {
    let dot: f32 = a.iter().zip(b).map(|(x, y)| x * y).sum();
    let na: f32 = a.iter().map(|x| x * x).sum::<f32>().sqrt();
    let nb: f32 = b.iter().map(|x| x * x).sum::<f32>().sqrt();
    dot / (na * nb)
}

#[test]
fn token_ids_equal_the_reference() {
    let clip = model();
    let reference = reference();
    let expected = reference["token_ids"].as_object().unwrap();
    assert!(expected.len() >= 7);
    for (text, ids) in expected {
        let ids: Vec<u32> = ids
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i.as_u64().unwrap() as u32)
            .collect();
        assert_eq!(clip.tokenizer().encode(text).unwrap(), ids, "text {text:?}");
    }
}

#[test]
fn preprocessed_pixels_are_within_0_02_of_the_reference() {
    let clip = model();
    let reference = reference();
    let mut worst = (0f32, String::new());
    for path in reference["images"].as_object().unwrap().keys() {
        let name = Path::new(path).file_name().unwrap().to_str().unwrap();
        let bytes = std::fs::read(fixtures().join("pixels").join(format!("{name}.f32"))).unwrap();
        let expected: Vec<f32> = bytes
            .chunks_exact(4)
            .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .collect();
        let image = iris_clip::decode_file(&fixtures().join(path)).unwrap();
        let got = clip.preprocess(&image);
        assert_eq!(got.len(), expected.len(), "{name}");
        let max = got
            .iter()
            .zip(&expected)
            .map(|(a, b)| (a - b).abs())
            .fold(0f32, f32::max);
        eprintln!("{name}: max abs pixel difference {max:.5}");
        if max > worst.0 {
            worst = (max, name.to_string());
        }
    }
    assert!(
        worst.0 <= 0.02,
        "worst pixel difference {} in {}",
        worst.0,
        worst.1
    );
}

#[test]
fn text_embeddings_match_with_cosine_0_9999() {
    let clip = model();
    let reference = reference();
    let texts: Vec<&String> = reference["texts"].as_object().unwrap().keys().collect();
    let got = clip.embed_texts(&texts).unwrap();
    for (text, v) in texts.iter().zip(&got) {
        let c = cosine(v, &floats(&reference["texts"][text.as_str()]));
        eprintln!("text {text:.30?}: cosine {c:.6}");
        assert!(c >= 0.9999, "text {text:?}: cosine {c}");
        let norm: f32 = v.iter().map(|x| x * x).sum::<f32>().sqrt();
        assert!((norm - 1.0).abs() < 1e-4, "not normalised: {norm}");
    }
}

#[test]
fn image_embeddings_from_files_match_with_cosine_0_999() {
    let clip = model();
    let reference = reference();
    let paths: Vec<&String> = reference["images"].as_object().unwrap().keys().collect();
    let files: Vec<PathBuf> = paths.iter().map(|p| fixtures().join(p)).collect();
    let got = clip.embed_image_files(&files).unwrap();
    for (path, v) in paths.iter().zip(&got) {
        let c = cosine(v, &floats(&reference["images"][path.as_str()]));
        eprintln!("image {path}: cosine {c:.6}");
        assert!(c >= 0.999, "image {path}: cosine {c}");
    }
}

#[test]
fn a_text_embedding_does_not_depend_on_its_batch() {
    let clip = model();
    let alone = clip.embed_texts(&["a photo of a dog"]).unwrap();
    let long = "a long caption about a sunny beach with children playing near the water ".repeat(3);
    let batch = clip
        .embed_texts(&["", long.as_str(), "a photo of a dog", "x"])
        .unwrap();
    let c = cosine(&alone[0], &batch[2]);
    assert!(c > 0.99999, "cosine {c}");
    let max = alone[0]
        .iter()
        .zip(&batch[2])
        .map(|(a, b)| (a - b).abs())
        .fold(0f32, f32::max);
    assert!(max < 1e-5, "max difference {max}");
}

/// The package folder, read when the test runs (not when it was compiled), so that a test
/// binary reused from a build in another checkout still finds this checkout's fixtures.
fn manifest_dir() -> std::path::PathBuf {
    std::path::PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("tests run under cargo"))
}
