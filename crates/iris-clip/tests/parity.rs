//! Parity with the `transformers` reference on committed tiny random-weight models: token ids,
//! preprocessed pixels, text and image embeddings, each checked on its own, for every fixture
//! set: the tiny CLIP (fixtures/make_fixtures.py), a `gelu` CLIP with ViT-L/14-336's 24x24
//! patch grid (fixtures/clip-gelu-336), a Chinese-CLIP with a WordPiece vocab.txt and PyTorch
//! weights beside its safetensors (fixtures/make_chinese_clip_fixtures.py) and a SigLIP with a
//! Unigram tokenizer.json (fixtures/make_siglip_fixtures.py). Set IRIS_PARITY_DIR to a folder
//! made by any of the three scripts with `--model-dir MODEL --out DIR` to run the same checks on
//! that model alone (scripts/parity-shapes.sh does so for the full-size shapes of each family).

use iris_clip::{Clip, ModelFiles, Precision};
use serde_json::Value;
use std::path::{Path, PathBuf};

/// One fixture set: a folder with reference.json, pixels/ and the model it names.
struct Set {
    dir: PathBuf,
    reference: Value,
}

impl Set {
    fn open(dir: PathBuf) -> Self {
        let text = std::fs::read_to_string(dir.join("reference.json")).unwrap();
        Self {
            reference: serde_json::from_str(&text).unwrap(),
            dir,
        }
    }

    fn model_dir(&self) -> PathBuf {
        self.dir.join(self.reference["model_dir"].as_str().unwrap())
    }

    /// The model in f32, what parity is checked on.
    fn model(&self) -> Clip {
        self.model_in(Precision::F32)
    }

    /// The model in `precision`; a CLIP fixture committed without its 3.6 MB tokenizer.json
    /// (identical for every CLIP) takes the tiny CLIP's.
    fn model_in(&self, precision: Precision) -> Clip {
        let mut files = ModelFiles::in_folder(&self.model_dir());
        if !files.tokenizer.is_file() {
            files.tokenizer = fixtures_root().join("tiny-clip/tokenizer.json");
        }
        Clip::load_with_precision(&files, precision).unwrap()
    }

    fn name(&self) -> String {
        self.dir.file_name().unwrap().to_string_lossy().into_owned()
    }
}

fn fixtures_root() -> PathBuf {
    manifest_dir().join("tests/fixtures")
}

/// The sets to check: IRIS_PARITY_DIR alone when set, else every committed set.
fn sets() -> Vec<Set> {
    if let Some(dir) = std::env::var_os("IRIS_PARITY_DIR") {
        return vec![Set::open(PathBuf::from(dir))];
    }
    let root = fixtures_root();
    vec![
        Set::open(root.clone()),
        Set::open(root.join("clip-gelu-336")),
        Set::open(root.join("chinese-clip")),
        Set::open(root.join("siglip")),
    ]
}

fn chinese() -> Set {
    Set::open(fixtures_root().join("chinese-clip"))
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
    for set in sets() {
        let clip = set.model();
        let expected = set.reference["token_ids"].as_object().unwrap();
        assert!(expected.len() >= 7, "{}", set.name());
        for (text, ids) in expected {
            let ids: Vec<u32> = ids
                .as_array()
                .unwrap()
                .iter()
                .map(|i| i.as_u64().unwrap() as u32)
                .collect();
            let got = clip.tokenizer().encode(text).unwrap();
            assert_eq!(got, ids, "{}: text {text:?}", set.name());
        }
    }
}

#[test]
fn preprocessed_pixels_are_within_0_02_of_the_reference() {
    for set in sets() {
        let clip = set.model();
        let mut worst = (0f32, String::new());
        for path in set.reference["images"].as_object().unwrap().keys() {
            let name = Path::new(path).file_name().unwrap().to_str().unwrap();
            let pixels = set.dir.join("pixels").join(format!("{name}.f32"));
            let expected: Vec<f32> = std::fs::read(pixels)
                .unwrap()
                .chunks_exact(4)
                .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
                .collect();
            let image = iris_clip::decode_file(&set.dir.join(path)).unwrap();
            let got = clip.preprocess(&image);
            assert_eq!(got.len(), expected.len(), "{}: {name}", set.name());
            let max = got
                .iter()
                .zip(&expected)
                .map(|(a, b)| (a - b).abs())
                .fold(0f32, f32::max);
            eprintln!("{}: {name}: max abs pixel difference {max:.5}", set.name());
            if max > worst.0 {
                worst = (max, name.to_string());
            }
        }
        assert!(
            worst.0 <= 0.02,
            "{}: worst pixel difference {} in {}",
            set.name(),
            worst.0,
            worst.1
        );
    }
}

#[test]
fn text_embeddings_match_with_cosine_0_9999() {
    for set in sets() {
        let clip = set.model();
        let reference = &set.reference["texts"];
        let texts: Vec<&String> = reference.as_object().unwrap().keys().collect();
        let got = clip.embed_texts(&texts).unwrap();
        for (text, v) in texts.iter().zip(&got) {
            let c = cosine(v, &floats(&reference[text.as_str()]));
            eprintln!("{}: text {text:.30?}: cosine {c:.6}", set.name());
            assert!(c >= 0.9999, "{}: text {text:?}: cosine {c}", set.name());
            let norm: f32 = v.iter().map(|x| x * x).sum::<f32>().sqrt();
            assert!((norm - 1.0).abs() < 1e-4, "not normalised: {norm}");
        }
    }
}

#[test]
fn image_embeddings_from_files_match_with_cosine_0_999() {
    for set in sets() {
        let clip = set.model();
        let reference = &set.reference["images"];
        let paths: Vec<&String> = reference.as_object().unwrap().keys().collect();
        let files: Vec<PathBuf> = paths.iter().map(|p| set.dir.join(p)).collect();
        let got = clip.embed_image_files(&files).unwrap();
        for (path, v) in paths.iter().zip(&got) {
            let c = cosine(v, &floats(&reference[path.as_str()]));
            eprintln!("{}: image {path}: cosine {c:.6}", set.name());
            assert!(c >= 0.999, "{}: image {path}: cosine {c}", set.name());
        }
    }
}

/// Every family's heatmap features: the first row of `embed_patches` is the image's own
/// embedding, then one unit vector a patch of the grid, and the patches differ (a query's
/// cosines with them have structure).
#[test]
fn patch_embeddings_share_the_image_embedding_space_in_every_family() {
    for set in sets() {
        let clip = set.model();
        let reference = set.reference["images"].as_object().unwrap();
        let path = set.dir.join(reference.keys().next().unwrap());
        let pixels = clip.preprocess(&iris_clip::decode::decode_file(&path).unwrap());
        let patches = clip.embed_patches(&pixels).unwrap();
        let whole = clip.embed_pixels(&[pixels]).unwrap().remove(0);
        let name = set.name();
        assert!(cosine(&whole, &patches.image) > 0.99999, "{name}");
        assert_eq!(patches.patches.len(), patches.side * patches.side, "{name}");
        assert!(patches.side >= 2, "{name}: side {}", patches.side);
        let query = clip.embed_texts(&["a photo of a dog"]).unwrap().remove(0);
        let cosines: Vec<f32> = patches.patches.iter().map(|p| cosine(p, &query)).collect();
        for p in &patches.patches {
            let norm = p.iter().map(|x| x * x).sum::<f32>().sqrt();
            assert!((norm - 1.0).abs() < 1e-4, "{name}: a patch of norm {norm}");
        }
        let spread = cosines.iter().cloned().fold(f32::MIN, f32::max)
            - cosines.iter().cloned().fold(f32::MAX, f32::min);
        eprintln!(
            "{name}: {} patches, cosine spread {spread:.4}",
            cosines.len()
        );
        assert!(spread > 1e-3, "{name}: every patch alike (spread {spread})");
    }
}

#[test]
fn a_text_embedding_does_not_depend_on_its_batch() {
    let long = "a long caption about a sunny beach with children playing near the water ".repeat(3);
    for (set, text) in [
        (Set::open(fixtures_root()), "a photo of a dog"),
        (chinese(), "海边的狗"),
    ] {
        // Texts of other lengths around it (a batch is ordered by length inside), each
        // answered in its place.
        let texts = ["", long.as_str(), text, "x", "红色的圆"];
        let batch = set.model().embed_texts(&texts).unwrap();
        for (text, batched) in texts.iter().zip(&batch) {
            // A fresh model: one that embedded the text would answer it from its cache.
            let alone = set.model().embed_texts(&[text]).unwrap().remove(0);
            let max = (alone.iter().zip(batched))
                .map(|(a, b)| (a - b).abs())
                .fold(0f32, f32::max);
            assert!(max < 1e-5, "{} {text:?}: max difference {max}", set.name());
        }
    }
}

/// SigLIP's own match probability: `sigmoid(cosine * exp(logit_scale) + logit_bias)` equals
/// transformers' logits for the same image and text.
#[test]
fn siglip_logits_match_the_reference() {
    let set = Set::open(fixtures_root().join("siglip"));
    let clip = set.model();
    let bias = clip.logit_bias().expect("a SigLIP model has a logit bias");
    let pairs = set.reference["pairs"].as_array().unwrap();
    assert!(!pairs.is_empty());
    for pair in pairs {
        let text = pair["text"].as_str().unwrap();
        let image = set.dir.join(pair["image"].as_str().unwrap());
        let t = &clip.embed_texts(&[text]).unwrap()[0];
        let i = &clip.embed_image_files(&[image]).unwrap()[0];
        let logit = cosine(t, i) * clip.logit_scale() + bias;
        let want = pair["logit"].as_f64().unwrap() as f32;
        assert!(
            (logit - want).abs() < 1e-3,
            "{text}: logit {logit}, want {want}"
        );
    }
}

/// The gelu fixture's outputs barely tell gelu from quick_gelu on random weights (cosine
/// 0.99995 with the wrong one), so what it runs is checked directly too.
#[test]
fn the_gelu_fixture_runs_gelu_on_a_24_by_24_grid() {
    use iris_clip::config::Activation;
    let clip = Set::open(fixtures_root().join("clip-gelu-336")).model();
    let config = clip.config();
    assert_eq!(config.text.tower.activation, Activation::Gelu);
    assert_eq!(config.vision.tower.activation, Activation::Gelu);
    assert_eq!((config.vision.grid(), config.vision.image_size), (24, 336));
}

#[test]
fn chinese_clip_reads_pytorch_weights_and_a_plain_vocabulary() {
    let set = chinese();
    let model_dir = set.model_dir();
    let files = ModelFiles::in_folder(&model_dir);
    assert!(files.tokenizer.ends_with("vocab.txt"), "{files:?}");
    let from_safetensors = set.model();
    let dir = tempfile::tempdir().unwrap();
    for name in [
        "config.json",
        "vocab.txt",
        "tokenizer_config.json",
        "preprocessor_config.json",
        "pytorch_model.bin",
    ] {
        std::fs::copy(model_dir.join(name), dir.path().join(name)).unwrap();
    }
    let from_pickle =
        Clip::load_with_precision(&ModelFiles::in_folder(dir.path()), Precision::F32).unwrap();
    assert_eq!(from_pickle.family(), iris_clip::Family::ChineseClip);
    let texts = ["海边的狗", "红色的圆"];
    let image = fixtures_root().join("images/photo.webp");
    let pairs = [
        (
            from_safetensors.embed_texts(&texts).unwrap(),
            from_pickle.embed_texts(&texts).unwrap(),
        ),
        (
            from_safetensors.embed_image_files(&[&image]).unwrap(),
            from_pickle.embed_image_files(&[&image]).unwrap(),
        ),
    ];
    for (a, b) in pairs {
        assert_eq!(a, b);
    }
}

#[test]
fn reduced_precision_keeps_every_family_within_cosine_0_995_of_f32() {
    for set in sets() {
        let f32_model = set.model();
        let texts: Vec<&String> = set.reference["texts"].as_object().unwrap().keys().collect();
        let images: Vec<PathBuf> = set.reference["images"]
            .as_object()
            .unwrap()
            .keys()
            .map(|p| set.dir.join(p))
            .collect();
        let image_refs: Vec<&Path> = images.iter().map(PathBuf::as_path).collect();
        let exact_texts = f32_model.embed_texts(&texts).unwrap();
        let exact_images = f32_model.embed_image_files(&image_refs).unwrap();
        for precision in [Precision::Bf16, Precision::Int8] {
            let reduced = set.model_in(precision);
            assert_eq!(reduced.precision(), precision);
            let pairs = [
                (&exact_texts, reduced.embed_texts(&texts).unwrap()),
                (
                    &exact_images,
                    reduced.embed_image_files(&image_refs).unwrap(),
                ),
            ];
            let mut worst = [1f32; 2];
            for (worst, (exact, reduced)) in worst.iter_mut().zip(&pairs) {
                for (a, b) in exact.iter().zip(reduced) {
                    *worst = worst.min(a.iter().zip(b).map(|(x, y)| x * y).sum());
                }
            }
            eprintln!(
                "{}: {}: worst cosine to f32: texts {:.6}, images {:.6}",
                set.name(),
                precision.describe(),
                worst[0],
                worst[1]
            );
            assert!(
                worst.iter().all(|&w| w >= 0.995),
                "{}: {precision:?}: cosines {worst:?}",
                set.name()
            );
        }
    }
}

/// The package folder, read when the test runs (not when it was compiled), so that a test
/// binary reused from a build in another checkout still finds this checkout's fixtures.
fn manifest_dir() -> std::path::PathBuf {
    std::path::PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("tests run under cargo"))
}
