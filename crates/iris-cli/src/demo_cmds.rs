//! `iris demo` (write a synthetic captioned library) and `iris eval` (retrieval figures of
//! the model on a captioned JSONL file).

use crate::embed::load_model;
use crate::Cli;
use anyhow::{Context, Result};
use clap::Args;
use std::path::PathBuf;

#[derive(Args)]
pub struct DemoArgs {
    /// Folder to write the images and captions.jsonl into.
    dir: PathBuf,
    /// Number of images.
    #[arg(long, default_value_t = 200)]
    count: usize,
    /// Random seed: the same seed gives the same library.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Lay the images out as a person's photos: JPEGs in trip folders with camera file
    /// names and EXIF dates, cameras and places, labelled in trips.jsonl (for
    /// `iris eval-search`).
    #[arg(long)]
    trips: bool,
}

#[derive(Args)]
pub struct EvalArgs {
    /// JSONL file of {"image": PATH, "caption": TEXT} lines (paths relative to the file).
    file: PathBuf,
}

pub fn demo(cli: &Cli, args: &DemoArgs) -> Result<()> {
    if args.trips {
        let photos =
            iris_demo::generate_trips(&args.dir, args.count, args.seed).with_context(|| {
                format!(
                    "cannot write the trips library into \"{}\"",
                    args.dir.display()
                )
            })?;
        let labels = args.dir.join(iris_demo::LABELS_FILE);
        if cli.json {
            println!(
                "{}",
                serde_json::json!({"images": photos.len(), "labels": labels})
            );
        } else {
            println!(
                "wrote {} photos and {} to {}",
                photos.len(),
                iris_demo::LABELS_FILE,
                args.dir.display()
            );
        }
        return Ok(());
    }
    let samples = iris_demo::generate(&args.dir, args.count, args.seed).with_context(|| {
        format!(
            "cannot write the demo library into \"{}\"",
            args.dir.display()
        )
    })?;
    if cli.json {
        println!(
            "{}",
            serde_json::json!({"images": samples.len(), "captions": args.dir.join("captions.jsonl")})
        );
    } else {
        println!(
            "wrote {} images and captions.jsonl to {}",
            samples.len(),
            args.dir.display()
        );
    }
    Ok(())
}

pub fn eval(cli: &Cli, args: &EvalArgs) -> Result<()> {
    let data = iris_core::eval::read_pairs(&args.file)?;
    let report = iris_core::eval::evaluate(&load_model(&cli.model)?.clip, &data)?;
    if cli.json {
        println!("{}", serde_json::to_string(&report)?);
        return Ok(());
    }
    println!(
        "{} images, {} captions",
        data.images.len(),
        data.captions.len()
    );
    for (name, r) in [
        ("text to image", report.text_to_image),
        ("image to text", report.image_to_text),
    ] {
        println!(
            "{name}: R@1 {:.3}  R@5 {:.3}  R@10 {:.3}  MRR {:.3}",
            r.r1, r.r5, r.r10, r.mrr
        );
    }
    Ok(())
}

/// The scene lines of a folder written by `iris demo` (its `scenes.jsonl`: per image its
/// objects, relation and background), for the commands that measure against them.
pub(crate) fn scene_lines(dir: &std::path::Path) -> Result<Vec<serde_json::Value>> {
    let file = dir.join(iris_demo::SCENES_FILE);
    let text = std::fs::read_to_string(&file).with_context(|| {
        format!(
            "cannot read \"{}\" (write it with `iris demo`)",
            file.display()
        )
    })?;
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .enumerate()
        .map(|(n, line)| {
            serde_json::from_str(line)
                .with_context(|| format!("\"{}\" line {}", file.display(), n + 1))
        })
        .collect()
}
