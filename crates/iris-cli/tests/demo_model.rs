//! The built-in demo model end to end through the `iris` binary: a demo library of a seed the
//! model never saw is indexed with `--model demo`, then searched by text, by image and with a
//! negative term, and `iris eval` measures it against the quality targets of the demo model's
//! card (assets/demo-model/README.md); a trips library scores hybrid search (`iris
//! eval-search`).

use serde_json::Value;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// Seeds never used in training (1) or in the training script's evaluation (2).
const LIBRARY_SEED: &str = "7";
const EVAL_SEED: &str = "8";

/// (shape, colour) of each object of an image.
type Objects = Vec<(String, String)>;

fn iris() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_iris"));
    cmd.env_remove("IRIS_MODEL").env_remove("IRIS_LIBRARY");
    cmd.args(["--model", "demo", "--json"]);
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

/// The objects drawn in each image of a demo folder, by file name (from scenes.jsonl).
fn scenes(dir: &Path) -> HashMap<String, Objects> {
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
                    let field = |k: &str| o[k].as_str().unwrap().to_string();
                    (field("shape"), field("colour"))
                })
                .collect();
            (v["image"].as_str().unwrap().to_string(), objects)
        })
        .collect()
}

/// A demo library of 300 images indexed with the demo model, made once for all tests.
struct Indexed {
    library: PathBuf,
    scenes: HashMap<String, Objects>,
}

fn indexed() -> &'static Indexed {
    static INDEXED: OnceLock<Indexed> = OnceLock::new();
    INDEXED.get_or_init(|| {
        let root = Path::new(env!("CARGO_TARGET_TMPDIR")).join("demo-model-test");
        let _ = std::fs::remove_dir_all(&root);
        let (images, library) = (root.join("photos"), root.join("library"));
        run_json(
            iris()
                .arg("demo")
                .arg(&images)
                .args(["--count", "300", "--seed", LIBRARY_SEED]),
        );
        let report = run_json(
            iris()
                .arg("--library")
                .arg(&library)
                .arg("index")
                .arg(&images),
        );
        assert_eq!(report["embedded"], 300, "{report}");
        Indexed {
            scenes: scenes(&images),
            library,
        }
    })
}

/// The objects of the top `k` results of a search.
fn search(args: &[&str], k: usize) -> Vec<Objects> {
    let lib = indexed();
    let hits = run_json(
        iris()
            .arg("--library")
            .arg(&lib.library)
            .arg("search")
            .args(args)
            .args(["-k", &k.to_string()]),
    );
    let hits = hits.as_array().unwrap();
    assert_eq!(hits.len(), k);
    hits.iter()
        .map(|h| {
            let path = Path::new(h["path"].as_str().unwrap());
            let name = path.file_name().unwrap().to_str().unwrap();
            lib.scenes[name].clone()
        })
        .collect()
}

fn has(objects: &Objects, shape: &str, colour: Option<&str>) -> bool {
    objects
        .iter()
        .any(|(s, c)| s == shape && colour.is_none_or(|colour| c == colour))
}

#[test]
fn a_red_circle_puts_red_circles_on_top() {
    let lib = indexed();
    let available = lib
        .scenes
        .values()
        .filter(|o| has(o, "circle", Some("red")))
        .count();
    assert!(available >= 3, "the library has {available} red circles");
    let top = search(&["a red circle"], 3);
    for (rank, objects) in top.iter().enumerate() {
        assert!(
            has(objects, "circle", Some("red")),
            "result {rank} is {objects:?}"
        );
    }
}

#[test]
fn an_image_of_a_blue_square_finds_blue_squares() {
    // The query image comes from another seed: it is not in the library.
    let (query, _, captions) = (0..)
        .map(|i| iris_demo_sample(99, i))
        .find(|(_, objects, _)| objects.len() == 1 && has(objects, "square", Some("blue")))
        .unwrap();
    assert!(captions.iter().any(|c| c.contains("blue square")));
    let file = Path::new(env!("CARGO_TARGET_TMPDIR")).join("blue-square-query.png");
    query.save(&file).unwrap();
    let top = search(&["--image", file.to_str().unwrap()], 5);
    let hits = top
        .iter()
        .filter(|o| has(o, "square", Some("blue")))
        .count();
    assert!(
        has(&top[0], "square", Some("blue")),
        "first is {:?}",
        top[0]
    );
    assert!(hits >= 4, "{hits} of the top 5 are blue squares: {top:?}");
}

#[test]
fn circle_minus_red_has_no_red_circles_in_its_top_10() {
    let top = search(&["circle -red"], 10);
    let circles = top.iter().filter(|o| has(o, "circle", None)).count();
    for objects in &top {
        assert!(!has(objects, "circle", Some("red")), "{top:?}");
    }
    assert!(circles >= 8, "only {circles} of the top 10 hold a circle");
}

/// A demo image of `seed`, with its objects and captions, rendered in memory.
fn iris_demo_sample(seed: u64, index: usize) -> (image::RgbImage, Objects, Vec<String>) {
    let (image, scene, captions) = iris_demo::sample_image(seed, index, iris_demo::IMAGE_SIDE);
    let objects = scene
        .objects
        .iter()
        .map(|p| {
            (
                p.object.shape.name().to_string(),
                p.object.colour.name().to_string(),
            )
        })
        .collect();
    (image, objects, captions)
}

/// Writes the captions of the images whose object count is `count` as an eval file.
fn eval_file(dir: &Path, scenes: &HashMap<String, Objects>, count: usize, name: &str) -> PathBuf {
    let lines: String = std::fs::read_to_string(dir.join("captions.jsonl"))
        .unwrap()
        .lines()
        .filter(|line| {
            let v: Value = serde_json::from_str(line).unwrap();
            scenes[v["image"].as_str().unwrap()].len() == count
        })
        .map(|line| format!("{line}\n"))
        .collect();
    let file = dir.join(name);
    std::fs::write(&file, lines).unwrap();
    file
}

/// 1000 held-out demo images with their scenes and eval files of the one-object and the
/// two-object images' captions, made once for all tests.
struct EvalSet {
    dir: PathBuf,
    scenes: HashMap<String, Objects>,
    single: PathBuf,
    pairs: PathBuf,
}

fn eval_set() -> &'static EvalSet {
    static SET: OnceLock<EvalSet> = OnceLock::new();
    SET.get_or_init(|| {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("demo-model-eval");
        let _ = std::fs::remove_dir_all(&dir);
        run_json(
            iris()
                .arg("demo")
                .arg(&dir)
                .args(["--count", "1000", "--seed", EVAL_SEED]),
        );
        let scenes = scenes(&dir);
        EvalSet {
            single: eval_file(&dir, &scenes, 1, "single.jsonl"),
            pairs: eval_file(&dir, &scenes, 2, "pairs.jsonl"),
            dir,
            scenes,
        }
    })
}

/// The int8 path (the default where the CPU has AVX2) keeps the demo model's R@1 and R@5, both
/// ways, within 0.005 of f32 on the held-out images. (bf16, an opt-in, moves the two-object
/// image-to-text R@1 by 0.006: two of 311 images.)
#[test]
fn int8_keeps_the_demo_models_retrieval_within_0_005_of_f32() {
    let set = eval_set();
    let figures = |precision: &str, file: &Path| {
        let report = run_json(
            iris()
                .env("IRIS_PRECISION", precision)
                .arg("eval")
                .arg(file),
        );
        let mut figures = Vec::new();
        for direction in ["text_to_image", "image_to_text"] {
            for metric in ["r1", "r5"] {
                let value = report[direction][metric].as_f64().unwrap();
                figures.push((format!("{direction} {metric}"), value));
            }
        }
        figures
    };
    for file in [&set.single, &set.pairs] {
        let exact = figures("f32", file);
        let reduced = figures("int8", file);
        eprintln!("{}: f32 {exact:?}\nint8 {reduced:?}", file.display());
        for ((name, want), (_, got)) in exact.iter().zip(&reduced) {
            assert!(
                (got - want).abs() <= 0.005,
                "{}: int8 {name} {got} against f32 {want}",
                file.display()
            );
        }
    }
}

/// Quality targets of the demo model, on 1000 held-out images: captions of one-object images
/// ranked against the one-object images, captions of two-object scenes against the two-object
/// images, and "more like this" among the one-object images.
#[test]
fn eval_figures_meet_the_demo_models_targets() {
    let EvalSet {
        dir,
        scenes,
        single,
        pairs,
    } = eval_set();
    let single = run_json(iris().arg("eval").arg(single));
    let t2i = &single["text_to_image"];
    assert!(t2i["r1"].as_f64().unwrap() >= 0.9, "one object: {single}");
    assert!(t2i["r5"].as_f64().unwrap() >= 0.98, "one object: {single}");
    let pairs = run_json(iris().arg("eval").arg(pairs));
    assert!(
        pairs["text_to_image"]["r1"].as_f64().unwrap() >= 0.7,
        "two objects: {pairs}"
    );

    // Image to image: the 5 nearest other one-object images share shape and colour.
    let mut names: Vec<&String> = scenes.keys().filter(|n| scenes[*n].len() == 1).collect();
    names.sort();
    let mut embed = iris();
    embed.arg("embed");
    for name in &names {
        embed.arg("--image").arg(dir.join(name));
    }
    let embedded = run_json(&mut embed);
    let vectors: Vec<Vec<f64>> = names
        .iter()
        .map(|n| {
            embedded["images"][dir.join(n).to_str().unwrap()]
                .as_array()
                .unwrap()
                .iter()
                .map(|x| x.as_f64().unwrap())
                .collect()
        })
        .collect();
    let dot = |a: &[f64], b: &[f64]| a.iter().zip(b).map(|(x, y)| x * y).sum::<f64>();
    let mut precision = 0.0;
    for (i, v) in vectors.iter().enumerate() {
        let mut others: Vec<(f64, usize)> = (0..vectors.len())
            .filter(|&j| j != i)
            .map(|j| (dot(v, &vectors[j]), j))
            .collect();
        others.sort_by(|a, b| b.0.total_cmp(&a.0));
        let same = others[..5]
            .iter()
            .filter(|(_, j)| scenes[names[*j]] == scenes[names[i]])
            .count();
        precision += same as f64 / 5.0;
    }
    precision /= vectors.len() as f64;
    eprintln!(
        "one object: {single}\ntwo objects: {pairs}\nimage to image top-5 precision {precision:.4}"
    );
    assert!(
        precision >= 0.95,
        "image to image top-5 precision {precision:.4}"
    );
}

/// `iris --model demo --json --library LIB`.
fn iris_in(library: &Path) -> Command {
    let mut cmd = iris();
    cmd.arg("--library").arg(library);
    cmd
}

/// The search evaluation of "Search as people search": a trips library (demo photos in trip
/// folders, with camera file names and EXIF dates, cameras and GPS that Iris reads back)
/// indexed with the demo model, and its labelled queries scored under vector, keyword and
/// hybrid retrieval. Hybrid must be at least as good as the better of the other two on every
/// kind (within 0.01) and better than both on mixed queries.
#[test]
fn hybrid_search_is_as_good_as_the_better_of_vector_and_keyword_and_better_on_mixed() {
    let tmp = tempfile::tempdir().unwrap();
    let (photos, lib) = (tmp.path().join("photos"), tmp.path().join("lib"));
    run_json(
        iris_in(&lib)
            .args(["demo", "--trips", "--count", "240", "--seed", "7"])
            .arg(&photos),
    );
    let report = run_json(iris_in(&lib).arg("index").arg(&photos));
    assert_eq!(report["embedded"], 240, "{report}");
    // The EXIF the generator wrote reads back: the filter menus know the places and years.
    let lisbon = run_json(iris_in(&lib).args(["search", "-k", "300", "--place", "lisbon"]));
    assert_eq!(
        lisbon.as_array().unwrap().len(),
        80,
        "2019 Lisbon and the Camera Roll"
    );
    let y2019 = run_json(iris_in(&lib).args(["search", "-k", "300", "after:2019 before:2020"]));
    assert_eq!(y2019.as_array().unwrap().len(), 40);

    let figures = run_json(iris_in(&lib).arg("eval-search").arg(&photos));
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
    // Tags put the visual words ("white heart") in the keyword list too, so the keyword list
    // can answer mixed queries perfectly; hybrid must then match it, and beat it otherwise.
    assert!(
        h > v && (h > k || h == 1.0),
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
