//! `iris index`, `search`, `status` and `failures`: each opens the library and prints what
//! iris-core returns, as text or, with `--json`, as JSON.

use crate::embed::download_progress;
use crate::{Cli, UsageError};
use anyhow::{Context, Result};
use clap::Args;
use iris_core::{IndexControl, IndexReport, Library, Query};
use std::io::IsTerminal;
use std::path::PathBuf;

#[derive(Args)]
pub struct IndexArgs {
    /// Folders to add as roots before indexing.
    folders: Vec<PathBuf>,
    /// Decoding threads (default: all cores).
    #[arg(long)]
    workers: Option<usize>,
}

#[derive(Args)]
pub struct SearchArgs {
    /// Text to search for: words, "quoted phrases", and negatives (-people, -"busy street").
    text: Option<String>,
    /// An image file to search with (repeatable).
    #[arg(long = "image", value_name = "PATH")]
    images: Vec<PathBuf>,
    /// The id of an indexed photo, for "more like this" (repeatable).
    #[arg(long = "like", value_name = "ID")]
    like: Vec<String>,
    /// Number of results.
    #[arg(short, long, default_value_t = 20)]
    k: usize,
    /// Weight of the text part.
    #[arg(long, default_value_t = 1.0)]
    text_weight: f32,
    /// Weight of the image parts.
    #[arg(long, default_value_t = 1.0)]
    image_weight: f32,
    /// Only photos in this folder or below it.
    #[arg(long)]
    folder: Option<PathBuf>,
    /// Only these formats (jpeg, png, webp, gif, bmp, tiff), comma-separated.
    #[arg(long, value_delimiter = ',')]
    format: Vec<String>,
}

pub fn open(cli: &Cli) -> Result<Library> {
    let dir = cli
        .library
        .clone()
        .unwrap_or_else(iris_core::default_library_dir);
    Library::open_model(&dir, &cli.model, download_progress())
        .with_context(|| format!("cannot open the library with model \"{}\"", cli.model))
}

fn print_json(value: &impl serde::Serialize) -> Result<()> {
    println!("{}", serde_json::to_string(value)?);
    Ok(())
}

pub fn index(cli: &Cli, args: &IndexArgs) -> Result<()> {
    let library = open(cli)?;
    if !args.folders.is_empty() {
        library.add_roots(&args.folders)?;
    } else if library.roots()?.is_empty() {
        return Err(UsageError(
            "no roots yet: give a folder to index, e.g. `iris index ~/Pictures`".into(),
        )
        .into());
    }
    let bar = (!cli.json && std::io::stderr().is_terminal()).then(|| {
        let bar = indicatif::ProgressBar::new(0);
        bar.set_style(
            indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} {msg}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar
    });
    let workers = workers(args.workers);
    say_if_waiting(&library);
    let report = library.index(workers, &IndexControl::new(), &mut |p| {
        if let Some(bar) = &bar {
            bar.set_length(p.total as u64);
            bar.set_position(p.done as u64);
            let eta = p
                .eta_seconds
                .map_or(String::new(), |s| format!(", {s:.0} s left"));
            bar.set_message(format!("{:.1} photos/s{eta}", p.rate));
        }
    })?;
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    print_report(cli, &report)
}

/// Decoding threads: as asked, else all cores.
pub fn workers(asked: Option<usize>) -> usize {
    asked.unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get()))
}

/// Tells the user when another Iris process is writing the library, before waiting for it.
pub fn say_if_waiting(library: &Library) {
    if let Some(pid) = library.writer() {
        let who = if pid == 0 {
            String::new()
        } else {
            format!(" (pid {pid})")
        };
        eprintln!("waiting for another Iris process{who} to finish writing this library");
    }
}

/// One index report, as a line of text or JSON.
pub fn print_report(cli: &Cli, report: &IndexReport) -> Result<()> {
    if cli.json {
        return print_json(report);
    }
    println!(
        "{} files: {} embedded, {} unchanged, {} moved, {} removed, {} failed, {} offline in {:.1} s",
        report.scanned, report.embedded, report.unchanged, report.moved, report.removed,
        report.failed, report.offline, report.seconds
    );
    Ok(())
}

pub fn search(cli: &Cli, args: &SearchArgs) -> Result<()> {
    let mut query = args
        .text
        .as_deref()
        .map(Query::from_text)
        .unwrap_or_default();
    if query.text.is_none() && args.images.is_empty() && args.like.is_empty() {
        return Err(UsageError(
            "nothing to search for: give TEXT, --image PATH or --like ID".into(),
        )
        .into());
    }
    query.images = args.images.clone();
    query.like = args.like.clone();
    query.k = args.k;
    query.text_weight = args.text_weight;
    query.image_weight = args.image_weight;
    query.filter.folder = args.folder.as_ref().map(|f| {
        std::path::absolute(f)
            .unwrap_or_else(|_| f.clone())
            .to_string_lossy()
            .into_owned()
    });
    query.filter.formats = args.format.clone();
    let hits = open(cli)?.search(&query)?;
    if cli.json {
        return print_json(&hits);
    }
    for hit in hits {
        let offline = if hit.online { "" } else { "  (offline)" };
        println!("{:.4}  {}{offline}", hit.score, hit.path);
    }
    Ok(())
}

pub fn status(cli: &Cli) -> Result<()> {
    let status = open(cli)?.status()?;
    if cli.json {
        return print_json(&status);
    }
    println!(
        "{} photos, {} failed, {} offline",
        status.photos, status.failed, status.offline
    );
    for root in status.roots {
        let state = if root.online { "online" } else { "offline" };
        println!("  {}  {} photos, {state}", root.path, root.photos);
    }
    Ok(())
}

pub fn failures(cli: &Cli) -> Result<()> {
    let failures = open(cli)?.failures()?;
    if cli.json {
        return print_json(&failures);
    }
    for f in failures {
        println!("{}: {}", f.path, f.reason);
    }
    Ok(())
}
