//! `iris bench-switch` (hidden, for scripts/bench-switch.sh): what switching a library to
//! `--model` from its cached thumbnails costs in quality and saves in time, against the
//! baseline a switch without thumbnails would be: indexing the folder with `--model` from the
//! originals (the index pipeline, reduced-scale JPEG decode, the same decoding threads, the
//! thumbnails already cached so that it writes none). Prints both times, the cosine of each
//! photo's two vectors, and, for an `iris demo` folder (captions.jsonl), text-to-image recall
//! with each set of vectors.

use anyhow::{Context, Result};
use clap::Args;
use iris_core::models::DownloadProgress;
use iris_core::{IndexControl, Library};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

#[derive(Args)]
pub struct BenchSwitchArgs {
    /// A folder of photos; with an `iris demo` captions.jsonl, recall is measured too.
    folder: PathBuf,
    /// The model the library is indexed with before it is switched to --model.
    #[arg(long)]
    from: String,
    /// Decoding threads for both runs (default: all cores).
    #[arg(long)]
    workers: Option<usize>,
}

fn cosine(a: &[f32], b: &[f32]) -> f32 {
    let dot: f32 = a.iter().zip(b).map(|(x, y)| x * y).sum();
    let norm = |v: &[f32]| v.iter().map(|x| x * x).sum::<f32>().sqrt().max(1e-12);
    dot / (norm(a) * norm(b))
}

fn copy_tree(from: &Path, to: &Path) -> Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_tree(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), target)?;
        }
    }
    Ok(())
}

/// Each photo's stored vector, by path.
fn vectors_by_path(library: &Library) -> Result<HashMap<String, Vec<f32>>> {
    let mut out = HashMap::new();
    for row in library.rows()? {
        if let Some(v) = library.embedding(&row.id)? {
            out.insert(row.path, v);
        }
    }
    Ok(out)
}

/// Text-to-image R@1 and R@5 of the captions in `folder`/captions.jsonl over these vectors.
fn recall(
    library: &Library,
    folder: &Path,
    vectors: &HashMap<String, Vec<f32>>,
) -> Result<Option<(f64, f64)>> {
    let file = folder.join("captions.jsonl");
    if !file.is_file() {
        return Ok(None);
    }
    let data = iris_core::eval::read_pairs(&file)?;
    let images = data
        .images
        .iter()
        .map(|p| {
            let path = std::path::absolute(p)?;
            vectors
                .get(&iris_core::paths::to_text(&path))
                .cloned()
                .with_context(|| format!("{} is not in the library", path.display()))
        })
        .collect::<Result<Vec<_>>>()?;
    let texts = library.clip().embed_texts(&data.captions)?;
    let report = iris_core::eval::evaluate_embeddings(&images, &texts, &data.relevant);
    Ok(Some((report.text_to_image.r1, report.text_to_image.r5)))
}

pub fn bench_switch(cli: &crate::Cli, args: &BenchSwitchArgs) -> Result<()> {
    let workers = args
        .workers
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get()));
    let folder = std::path::absolute(&args.folder)?;
    let work = tempfile::tempdir()?;
    let silent = || DownloadProgress::Silent;
    let control = IndexControl::new();

    let switched_dir = work.path().join("switched");
    let old = Library::open_model(&switched_dir, &args.from, silent())?;
    old.add_roots(std::slice::from_ref(&folder))?;
    let indexed = old.index(workers, &control, &mut |_| {})?;

    let direct_dir = work.path().join("direct");
    copy_tree(&old.thumbnails_dir(), &direct_dir.join("thumbnails"))?;
    let direct = Library::open_model(&direct_dir, &cli.model, silent())?;
    direct.add_roots(std::slice::from_ref(&folder))?;
    let baseline = direct.index(workers, &control, &mut |_| {})?;

    let mut switch = old.begin_switch(&cli.model, silent())?;
    let report = switch.run(workers, &control, &mut |_| {})?;
    let switched = switch.finish()?;

    let from_originals = vectors_by_path(&direct)?;
    let from_switch = vectors_by_path(&switched)?;
    let mut cosines: Vec<f32> = from_originals
        .iter()
        .filter_map(|(path, v)| from_switch.get(path).map(|w| cosine(v, w)))
        .collect();
    cosines.sort_by(f32::total_cmp);
    anyhow::ensure!(
        !cosines.is_empty(),
        "no photo was indexed in {}",
        folder.display()
    );
    let mean = cosines.iter().sum::<f32>() / cosines.len() as f32;
    println!(
        "{} photos ({} indexed with {}), {workers} decoding threads",
        cosines.len(),
        indexed.embedded,
        args.from
    );
    println!(
        "switch to {}: {:.2} s ({} from thumbnails, {} from originals); baseline, indexing \
         from the originals: {:.2} s; switch/baseline {:.2}x the time",
        cli.model,
        report.seconds,
        report.from_thumbnails,
        report.from_originals,
        baseline.seconds,
        report.seconds / baseline.seconds.max(1e-9)
    );
    println!(
        "cosine of each photo's switched vector with its vector from the original: mean \
         {mean:.5}, 5th percentile {:.5}, min {:.5}",
        cosines[cosines.len() / 20],
        cosines[0]
    );
    let recalls = (
        recall(&direct, &folder, &from_originals)?,
        recall(&switched, &folder, &from_switch)?,
    );
    if let (Some(original), Some(thumbs)) = recalls {
        println!(
            "text-to-image recall: from originals R@1 {:.4} R@5 {:.4}; switched from \
             thumbnails R@1 {:.4} R@5 {:.4}",
            original.0, original.1, thumbs.0, thumbs.1
        );
    }
    Ok(())
}
