//! `iris embed`: embeddings of images and texts, as JSON keyed exactly by the arguments.

use anyhow::{Context, Result};
use clap::Args;
use iris_clip::Clip;
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

/// Loads the model named by `spec` with a download progress bar on a terminal.
pub fn load_model(spec: &str) -> Result<Clip> {
    use std::io::IsTerminal;
    let files = iris_clip::resolve(spec, std::io::stderr().is_terminal())?;
    Clip::load(&files).with_context(|| format!("cannot load model \"{spec}\""))
}

fn keyed(keys: impl Iterator<Item = String>, vectors: Vec<Vec<f32>>) -> Value {
    let map: Map<String, Value> = keys.zip(vectors).map(|(k, v)| (k, json!(v))).collect();
    Value::Object(map)
}

pub fn run(model: &str, args: &EmbedArgs) -> Result<()> {
    let clip = load_model(model)?;
    let image_vectors = clip.embed_image_files(&args.images)?;
    let text_vectors = clip.embed_texts(&args.texts)?;
    let out = json!({
        "images": keyed(args.images.iter().map(|p| p.display().to_string()), image_vectors),
        "texts": keyed(args.texts.iter().cloned(), text_vectors),
    });
    println!("{out}");
    Ok(())
}
