//! Speed figures of iris-clip, printed as one JSON line (scripts/bench-clip.sh compares them
//! with the PyTorch baseline measured in the same run):
//!
//!     cargo run --release --example bench -- MODEL_DIR IMAGE_DIR [THREADS] [BATCH]
//!
//! - load_to_first_embedding_ms: model load plus one text embedding, files in the page cache;
//! - text_latency_ms: median of warm single-query embeddings of a 5-word query;
//! - decode_preprocess_s, encode_s, encode/end_to_end images per second over every image in
//!   IMAGE_DIR (jpg, jpeg, png, webp), in batches of BATCH like the reference.

use iris_clip::Clip;
use std::path::{Path, PathBuf};
use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 3 {
        eprintln!("usage: bench MODEL_DIR IMAGE_DIR [THREADS] [BATCH]");
        std::process::exit(2);
    }
    let threads: usize = args.get(3).map_or(Ok(2), |s| s.parse())?;
    let batch: usize = args.get(4).map_or(Ok(16), |s| s.parse())?;
    iris_clip::set_threads(threads);

    let t = Instant::now();
    let clip = Clip::load_dir(Path::new(&args[1]))?;
    clip.embed_texts(&["a photo of a dog"])?;
    let load_ms = t.elapsed().as_secs_f64() * 1e3;

    // Distinct 5-word queries: the model answers a text it embedded recently from its cache,
    // which would time a lookup, not the text tower.
    let subjects = [
        "dog", "cat", "man", "boy", "girl", "woman", "child", "horse",
    ];
    let places = ["sofa", "bed", "beach", "bench", "chair", "floor"];
    let queries: Vec<String> = subjects
        .iter()
        .flat_map(|s| places.iter().map(move |p| format!("a {s} asleep on a {p}")))
        .collect();
    for query in &queries[..3] {
        clip.embed_texts(&[query])?;
    }
    let mut times: Vec<f64> = queries[3..24]
        .iter()
        .map(|query| {
            let t = Instant::now();
            clip.embed_texts(&[query])
                .map(|_| t.elapsed().as_secs_f64() * 1e3)
        })
        .collect::<Result<_, _>>()?;
    times.sort_by(f64::total_cmp);

    let mut paths: Vec<PathBuf> = std::fs::read_dir(&args[2])?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            let ext = p.extension().and_then(|e| e.to_str()).unwrap_or("");
            ["jpg", "jpeg", "png", "webp"].contains(&ext.to_ascii_lowercase().as_str())
        })
        .collect();
    paths.sort();
    let t = Instant::now();
    let mut pixel_batches = Vec::new();
    for chunk in paths.chunks(batch) {
        let pixels = chunk
            .iter()
            .map(|p| iris_clip::decode_file(p).map(|img| clip.preprocess(&img)))
            .collect::<Result<Vec<_>, _>>()?;
        pixel_batches.push(pixels);
    }
    let decode_s = t.elapsed().as_secs_f64();
    let t = Instant::now();
    for pixels in &pixel_batches {
        clip.embed_pixels(pixels)?;
    }
    let encode_s = t.elapsed().as_secs_f64();
    let n = paths.len() as f64;
    println!(
        "{}",
        serde_json::json!({
            "images": paths.len(), "threads": threads, "batch": batch,
            "load_to_first_embedding_ms": (load_ms * 10.0).round() / 10.0,
            "text_latency_ms": (times[times.len() / 2] * 100.0).round() / 100.0,
            "decode_preprocess_s": (decode_s * 1000.0).round() / 1000.0,
            "encode_s": (encode_s * 1000.0).round() / 1000.0,
            "end_to_end_images_per_s": (n / (decode_s + encode_s) * 100.0).round() / 100.0,
            "encode_images_per_s": (n / encode_s * 100.0).round() / 100.0,
        })
    );
    Ok(())
}
