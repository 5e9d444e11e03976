//! `iris index`, `search`, `status` and `failures`: each opens the library and prints what
//! iris-core returns, as text or, with `--json`, as JSON.

use crate::embed::download_progress;
use crate::{Cli, UsageError};
use anyhow::{Context, Result};
use clap::Args;
use iris_core::{IndexControl, IndexReport, Library, Query, Retrieval};
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
    /// Text to search for: words, "quoted phrases", negatives (-people, -"busy street") and
    /// filters (in:Lisbon, -in:trash, after:2019, before:2020-07, camera:canon, place:kyoto,
    /// type:heic).
    text: Option<String>,
    /// An image file to search with (repeatable).
    #[arg(long = "image", value_name = "PATH")]
    images: Vec<PathBuf>,
    /// The id of an indexed photo, for "more like this" (repeatable).
    #[arg(long = "like", value_name = "ID")]
    like: Vec<String>,
    /// An image file to search away from, "not like this" (repeatable).
    #[arg(long = "not-image", value_name = "PATH")]
    not_images: Vec<PathBuf>,
    /// The id of an indexed photo to search away from (repeatable).
    #[arg(long = "not-like", value_name = "ID")]
    not_like: Vec<String>,
    /// How words and images combine: early (one weighted vector) or late (a search for
    /// each, their lists fused by rank).
    #[arg(long, default_value = "early", value_parser = ["early", "late"])]
    fusion: String,
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
    /// Only photos in a folder of this name, or this path below a root, or this absolute
    /// path (repeatable: any of them), as `in:` does.
    #[arg(long = "in", value_name = "FOLDER")]
    in_folders: Vec<String>,
    /// Only photos dated on or after the start of DATE (2019, 2019-07, 2019-07-14).
    #[arg(long, value_name = "DATE")]
    after: Option<String>,
    /// Only photos dated before the start of DATE.
    #[arg(long, value_name = "DATE")]
    before: Option<String>,
    /// Only photos whose camera or lens has these words (repeatable: any of them).
    #[arg(long = "camera", value_name = "WORDS")]
    cameras: Vec<String>,
    /// Only photos whose city, region or country has these words (repeatable).
    #[arg(long = "place", value_name = "WORDS")]
    places: Vec<String>,
    /// Only these types: jpeg, png, heic, heif, avif, webp, gif, bmp, tiff, raw or a RAW's
    /// extension (comma-separated; `--format` is the same).
    #[arg(
        long = "type",
        alias = "format",
        value_delimiter = ',',
        value_name = "TYPE"
    )]
    types: Vec<String>,
    /// Which first-stage searches to run: hybrid (vector and keyword, fused), vector or
    /// keyword.
    #[arg(long, default_value = "hybrid", value_parser = ["hybrid", "vector", "keyword"])]
    retrieval: String,
    /// Reorder the first results for variety (MMR): near-identical shots spread out.
    #[arg(long)]
    diverse: bool,
    /// Save the search under NAME (its words, filters, --folder, --like and --diverse),
    /// replacing one of that name; `iris saved` lists them.
    #[arg(long, value_name = "NAME")]
    save: Option<String>,
}

/// A filter value as the grammar writes it: quoted when it has spaces.
fn grammar_value(value: &str) -> String {
    if value.contains(char::is_whitespace) {
        format!("\"{}\"", value.replace('"', ""))
    } else {
        value.to_string()
    }
}

impl SearchArgs {
    /// The text and the filter flags as one search box text: what is searched and what a
    /// saved search keeps.
    fn grammar_text(&self) -> String {
        let mut parts: Vec<String> = self.text.iter().cloned().collect();
        let flags = [
            ("in", &self.in_folders),
            ("camera", &self.cameras),
            ("place", &self.places),
        ];
        for (key, values) in flags {
            parts.extend(values.iter().map(|v| format!("{key}:{}", grammar_value(v))));
        }
        parts.extend(
            self.after
                .iter()
                .map(|d| format!("after:{}", grammar_value(d))),
        );
        parts.extend(
            self.before
                .iter()
                .map(|d| format!("before:{}", grammar_value(d))),
        );
        if !self.types.is_empty() {
            parts.push(format!("type:{}", self.types.join(",")));
        }
        parts.join(" ")
    }
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
    // The new photos get their tags now, as in the app, so that searches use them; the
    // photos are indexed whatever happens here.
    if let Err(e) = library.tags() {
        eprintln!("warning: the photos are indexed but could not be tagged: {e}");
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
    // The flags are written as the grammar and parsed with the text: one path for both.
    let mut query = Query::from_text(&args.grammar_text())?;
    query.images = args.images.clone();
    query.like = args.like.clone();
    query.k = args.k;
    query.text_weight = args.text_weight;
    query.image_weight = args.image_weight;
    query.filter.folder = args
        .folder
        .as_ref()
        .map(|f| iris_core::paths::to_text(&std::path::absolute(f).unwrap_or_else(|_| f.clone())));
    if !query.has_positive() && query.filter.is_empty() {
        return Err(UsageError(
            "nothing to search for: give TEXT, --image PATH, --like ID or a filter".into(),
        )
        .into());
    }
    query.diverse = args.diverse;
    query.negative_images = args.not_images.clone();
    query.negative_like = args.not_like.clone();
    query.fusion = match args.fusion.as_str() {
        "late" => iris_core::Fusion::Late,
        _ => iris_core::Fusion::Early,
    };
    query.retrieval = match args.retrieval.as_str() {
        "vector" => Retrieval::Vector,
        "keyword" => Retrieval::Keyword,
        _ => Retrieval::Hybrid,
    };
    let library = open(cli)?;
    if let Some(name) = &args.save {
        if !query.images.is_empty() {
            return Err(UsageError(
                "a saved search keeps words, filters and --like ids, not --image files".into(),
            )
            .into());
        }
        library.save_search(iris_core::SavedSearch {
            name: name.clone(),
            text: args.grammar_text(),
            folder: query.filter.folder.clone(),
            like: query.like.clone(),
            diverse: query.diverse,
            cutoff: None,
        })?;
    }
    let hits = library.search(&query)?;
    if let Some(hint) = library.language_hint(&query) {
        eprintln!("note: {hint}");
    }
    if cli.json {
        return print_json(&hits);
    }
    for hit in &hits {
        let offline = if hit.online { "" } else { "  (offline)" };
        println!("{:.4}  {}{offline}", hit.score, hit.path);
    }
    // The default cut-off: where the app's gallery opens.
    let scores: Vec<f32> = hits.iter().map(|h| h.score).collect();
    if let Some(c) = iris_core::default_cutoff(&scores).filter(|_| query.has_positive()) {
        let above = scores.iter().filter(|s| **s >= c).count();
        println!(
            "default cut-off {c:.4}: {above} of {} at or above it",
            hits.len()
        );
    }
    Ok(())
}

/// `iris saved`: the saved searches with the photos each finds now.
pub fn saved(cli: &Cli) -> Result<()> {
    let saved = open(cli)?.saved_searches()?;
    if cli.json {
        return print_json(&saved);
    }
    for s in saved {
        match s.problem {
            Some(problem) => println!("{}  ({problem})  {}", s.search.name, s.search.text),
            None => println!("{}  {} photos  {}", s.search.name, s.photos, s.search.text),
        }
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
