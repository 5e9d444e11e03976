//! `iris embed`: embeddings of images and texts, as JSON keyed exactly by the arguments.

use anyhow::{Context, Result};
use clap::Args;
use iris_core::models::{self, DownloadProgress};
use serde_json::{json, Map, Value};
use std::path::PathBuf;

#[derive(Args)]
pub struct EmbedArgs {
    /// An image file to embed (repeatable).
    #[arg(long = "image", value_name = "PATH")]
    images: Vec<PathBuf>,
    /// A text to embed (repeatable).
    #[arg(long = "text", value_name = "STR")]
    texts: Vec<String>,
}

/// How downloads report on this terminal: a progress bar when stderr is one.
pub fn download_progress() -> DownloadProgress<'static> {
    use std::io::IsTerminal;
    if std::io::stderr().is_terminal() {
        DownloadProgress::Terminal
    } else {
        DownloadProgress::Silent
    }
}

/// Loads the model named by `spec` through iris-core, with a download progress bar on a
/// terminal.
pub fn load_model(spec: &str) -> Result<models::Model> {
    models::load(spec, download_progress()).with_context(|| format!("cannot load model \"{spec}\""))
}

fn keyed(keys: impl Iterator<Item = String>, vectors: Vec<Vec<f32>>) -> Value {
    let map: Map<String, Value> = keys.zip(vectors).map(|(k, v)| (k, json!(v))).collect();
    Value::Object(map)
}

pub fn run(model: &str, args: &EmbedArgs) -> Result<()> {
    let clip = load_model(model)?.clip;
    let image_vectors = clip.embed_image_files(&args.images)?;
    let text_vectors = clip.embed_texts(&args.texts)?;
    let out = json!({
        "images": keyed(args.images.iter().map(|p| p.display().to_string()), image_vectors),
        "texts": keyed(args.texts.iter().cloned(), text_vectors),
    });
    println!("{out}");
    Ok(())
}
