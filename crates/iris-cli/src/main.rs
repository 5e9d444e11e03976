//! `iris`: the command-line front of Iris, a thin layer over iris-clip and iris-core.
//!
//! Exit codes: 0 success, 1 failure, 2 usage error (clap's own).

mod embed;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "iris", version, about = "Search a photo library by meaning")]
struct Cli {
    /// Model: a Hugging Face repo id or a local folder in the Hugging Face layout.
    #[arg(long, global = true, env = "IRIS_MODEL", default_value = iris_clip::DEFAULT_MODEL)]
    model: String,
    /// CPU threads for the model (default: all cores).
    #[arg(long, global = true, env = "IRIS_THREADS")]
    threads: Option<usize>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Print the embeddings of images and texts as JSON.
    Embed(embed::EmbedArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Some(threads) = cli.threads {
        iris_clip::set_threads(threads);
    }
    let result = match &cli.command {
        Command::Embed(args) => embed::run(&cli.model, args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
