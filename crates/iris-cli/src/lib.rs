//! `iris`: the command-line front of Iris, a thin layer over iris-core. A library so that one
//! binary can serve both roles: the `iris` binary (src/main.rs) calls [`run`], and so does the
//! desktop app when it is started under the name `iris` (the installed package ships one
//! engine, with `iris` a link to `iris-desktop`).
//!
//! Exit codes: 0 success, 1 failure, 2 usage error. Errors are printed in lower case and
//! quote the offending value.

mod album_cmd;
mod bench_ann_cmd;
mod bench_cmd;
mod bench_explain_cmd;
mod bench_map_cmd;
mod bench_switch_cmd;
mod demo_cmds;
mod duplicates_cmd;
mod embed;
mod explain_cmd;
mod library_cmds;
mod map_cmd;
mod models_cmd;
mod search_eval_cmd;
mod switch_cmd;
mod tags_cmd;
mod watch_cmd;

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "iris", version, about = "Search a photo library by meaning")]
pub struct Cli {
    /// Model: a Hugging Face repo id or a local folder in the Hugging Face layout.
    #[arg(long, global = true, env = "IRIS_MODEL", default_value = iris_core::models::DEFAULT_MODEL)]
    model: String,
    /// Library folder (catalog, thumbnails, roots).
    #[arg(long, global = true, env = "IRIS_LIBRARY")]
    library: Option<PathBuf>,
    /// CPU threads for the model (default: all cores).
    #[arg(long, global = true, env = "IRIS_THREADS")]
    threads: Option<usize>,
    /// Print machine-readable JSON.
    #[arg(long, global = true)]
    json: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// The models Iris knows by name and which are on this machine; --json: [{"id", "family",
    /// "architecture", "dim", "languages", "download_bytes", "zero_shot", "downloaded",
    /// "disk_bytes", "current"}].
    Models,
    /// Print the embeddings of images and texts as JSON.
    Embed(embed::EmbedArgs),
    /// Add folders as roots and index them; with no folder, re-scan all roots.
    Index(library_cmds::IndexArgs),
    /// Keep the library in step with its roots: index, then reconcile every change until
    /// stopped (Ctrl-C).
    Watch(watch_cmd::WatchArgs),
    /// Search the library by text, image, photo id or a mix.
    Search(Box<library_cmds::SearchArgs>),
    /// Where in a photo a query matches: the patch grid of cosines (--json: {"grid", "rows",
    /// "cols", "score", "window"}), and with --png the photo with the heatmap over it.
    Explain(explain_cmd::ExplainArgs),
    /// Every photo's place on the library map, laid out by embedding (computed or brought up
    /// to date first); --json: [{"id", "path", "x", "y"}, ...].
    Map,
    /// Saved searches (`iris search --save NAME ...`) with the photos each finds now.
    Saved,
    /// The library's tags with photo counts, or one photo's tags with scores (`iris tags ID`);
    /// --add / --remove change your own tags. --json: [{"name", "chinese", "category",
    /// "photos"}] or [{"name", "chinese", "category", "probability", "cosine"}].
    Tags(tags_cmd::TagsArgs),
    /// Few-shot smart albums: made from a few photos, ranked over the whole library.
    #[command(subcommand)]
    Album(album_cmd::AlbumCommand),
    /// Near-duplicate groups (copies, edits, bursts), best photo first; --json: [{"photos":
    /// [hit, ...], "pairs": [{"a", "b", "cosine", "hash_distance", "burst"}]}].
    Duplicates(duplicates_cmd::DuplicatesArgs),
    /// Move photos to the desktop's trash (restorable from there); the catalog drops them.
    Trash(duplicates_cmd::TrashArgs),
    /// Move the library to another model: re-embed into its own column while searches keep
    /// using the current one (--model), then switch; run again to resume an interrupted one.
    /// --json: {"to", "embedded", "from_thumbnails", "from_originals",
    /// "from_small_thumbnails", "waiting", "complete", "cancelled", "seconds"}.
    Switch(switch_cmd::SwitchArgs),
    /// Counts of photos, failures, offline photos and roots.
    Status,
    /// Files that could not be indexed, and why.
    Failures,
    /// Write a synthetic demo library of captioned images.
    Demo(demo_cmds::DemoArgs),
    /// Retrieval figures (R@1/5/10, MRR) of the model on a captioned JSONL file.
    Eval(demo_cmds::EvalArgs),
    /// Search figures (R@1/5/10, MRR) of vector, keyword and hybrid retrieval on an indexed
    /// `iris demo --trips` library.
    EvalSearch(search_eval_cmd::EvalSearchArgs),
    /// Tag figures of the demo model on an indexed `iris demo` folder: top-1 colour-shape
    /// accuracy, and the precision and recall of the tags given.
    EvalTags(tags_cmd::EvalTagsArgs),
    /// Album figures of the demo model on an indexed `iris demo` folder: precision at 50 of an
    /// album made from 5 examples of a colour-shape, with and without 2 negatives, next to
    /// ranking by the mean of the examples' embeddings.
    EvalAlbums(album_cmd::EvalAlbumsArgs),
    /// Search latency on a synthetic catalog (scripts/bench-hybrid.sh).
    #[command(hide = true)]
    BenchSearch(bench_cmd::BenchSearchArgs),
    /// Vector search at scale, the approximate index against exact search
    /// (scripts/bench-search.sh).
    #[command(hide = true)]
    BenchAnn(bench_ann_cmd::BenchAnnArgs),
    /// The viewer heatmap's latency on a ViT-B/32-shaped model (scripts/bench-explain.sh).
    #[command(hide = true)]
    BenchExplain(bench_explain_cmd::BenchExplainArgs),
    /// The library map's layout time on synthetic embeddings (scripts/bench-map.sh).
    #[command(hide = true)]
    BenchMap(bench_map_cmd::BenchMapArgs),
    /// A model switch from thumbnails against indexing from the originals: time and the
    /// vectors' agreement (scripts/bench-switch.sh).
    #[command(hide = true)]
    BenchSwitch(bench_switch_cmd::BenchSwitchArgs),
}

/// An error in how the command was called (exit code 2).
#[derive(Debug)]
pub struct UsageError(pub String);

impl std::fmt::Display for UsageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UsageError {}

/// Runs the command line `args` (the program name first, as `std::env::args_os` gives it).
pub fn run(args: impl IntoIterator<Item = std::ffi::OsString>) -> ExitCode {
    let cli = Cli::parse_from(args);
    if let Some(threads) = cli.threads {
        iris_core::models::set_threads(threads);
    }
    let result = match &cli.command {
        Command::Models => models_cmd::models(&cli),
        Command::Embed(args) => embed::run(&cli.model, args),
        Command::Index(args) => library_cmds::index(&cli, args),
        Command::Watch(args) => watch_cmd::watch(&cli, args),
        Command::Search(args) => library_cmds::search(&cli, args),
        Command::Explain(args) => explain_cmd::explain(&cli, args),
        Command::Map => map_cmd::map(&cli),
        Command::Saved => library_cmds::saved(&cli),
        Command::Tags(args) => tags_cmd::tags(&cli, args),
        Command::EvalTags(args) => tags_cmd::eval_tags(&cli, args),
        Command::Album(command) => album_cmd::album(&cli, command),
        Command::EvalAlbums(args) => album_cmd::eval_albums(&cli, args),
        Command::Duplicates(args) => duplicates_cmd::duplicates(&cli, args),
        Command::Trash(args) => duplicates_cmd::trash(&cli, args),
        Command::Switch(args) => switch_cmd::switch(&cli, args),
        Command::Status => library_cmds::status(&cli),
        Command::Failures => library_cmds::failures(&cli),
        Command::Demo(args) => demo_cmds::demo(&cli, args),
        Command::Eval(args) => demo_cmds::eval(&cli, args),
        Command::EvalSearch(args) => search_eval_cmd::eval_search(&cli, args),
        Command::BenchSearch(args) => bench_cmd::bench_search(args),
        Command::BenchAnn(args) => bench_ann_cmd::bench_ann(args),
        Command::BenchExplain(args) => bench_explain_cmd::bench_explain(args),
        Command::BenchMap(args) => bench_map_cmd::bench_map(&cli, args),
        Command::BenchSwitch(args) => bench_switch_cmd::bench_switch(&cli, args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            if e.downcast_ref::<UsageError>().is_some() {
                ExitCode::from(2)
            } else {
                ExitCode::FAILURE
            }
        }
    }
}
