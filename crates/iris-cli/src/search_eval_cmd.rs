//! `iris demo --trips` lays a demo library out as a person's photos (trip folders, camera
//! file names, EXIF dates, cameras and places); `iris eval-search DIR` runs the labelled
//! queries of such a library (visual, keyword, mixed) against the indexed library under
//! vector, keyword and hybrid retrieval and prints R@1, R@5, R@10 and MRR of each.

use crate::library_cmds::open;
use crate::Cli;
use anyhow::{Context, Result};
use clap::Args;
use iris_core::search_eval::{evaluate_search, LabelledQuery};
use iris_demo::{trip_queries, TripPhoto, LABELS_FILE};
use std::path::{Path, PathBuf};

#[derive(Args)]
pub struct EvalSearchArgs {
    /// A library written by `iris demo --trips DIR`, indexed (`iris index DIR`).
    dir: PathBuf,
    /// The keyword list's weight in the hybrid fusion (the vector list's is 1).
    #[arg(long, default_value_t = iris_core::KEYWORD_WEIGHT)]
    keyword_weight: f32,
}

/// The labels of a trips library.
fn read_labels(dir: &Path) -> Result<Vec<TripPhoto>> {
    let file = dir.join(LABELS_FILE);
    let text = std::fs::read_to_string(&file).with_context(|| {
        format!(
            "cannot read \"{}\" (write it with `iris demo --trips`)",
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

pub fn eval_search(cli: &Cli, args: &EvalSearchArgs) -> Result<()> {
    let dir = std::path::absolute(&args.dir)?;
    let labels = read_labels(&dir)?;
    let queries: Vec<LabelledQuery> = trip_queries(&labels)
        .into_iter()
        .map(|q| LabelledQuery {
            text: q.text,
            kind: q.kind.to_string(),
            relevant: q
                .relevant
                .iter()
                .map(|p| dir.join(p).to_string_lossy().into_owned())
                .collect(),
            images: q.images.iter().map(|p| dir.join(p)).collect(),
        })
        .collect();
    let figures = evaluate_search(&open(cli)?, &queries, args.keyword_weight)?;
    if cli.json {
        println!("{}", serde_json::to_string(&figures)?);
        return Ok(());
    }
    println!("kind     retrieval  queries   R@1    R@5    R@10   MRR    P@10   cut-off P  R");
    for f in figures {
        let r = f.figures;
        println!(
            "{:<8} {:<10} {:>7}   {:.3}  {:.3}  {:.3}  {:.3}  {:.3}  {:.3}  {:.3}",
            f.kind,
            f.retrieval,
            f.queries,
            r.r1,
            r.r5,
            r.r10,
            r.mrr,
            f.p10,
            f.cutoff_precision,
            f.cutoff_recall
        );
    }
    Ok(())
}
