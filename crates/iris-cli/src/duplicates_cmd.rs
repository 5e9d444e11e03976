//! `iris duplicates`: the library's near-duplicate groups (copies, edits, bursts), each with
//! its photos best first and the pairs that join them; the thresholds are flags.

use crate::library_cmds::open;
use crate::Cli;
use anyhow::Result;
use clap::Args;
use iris_core::duplicates::DuplicateSettings;

#[derive(Args)]
pub struct DuplicatesArgs {
    /// The least cosine of two photos' embeddings.
    #[arg(long, default_value_t = DuplicateSettings::default().min_cosine)]
    min_cosine: f32,
    /// The most bits in which their perceptual hashes (64-bit dHash) may differ.
    #[arg(long, default_value_t = DuplicateSettings::default().max_hash_distance)]
    max_hash_distance: u32,
    /// Photos taken at most this many seconds apart pair as a burst whatever their hashes.
    #[arg(long, default_value_t = DuplicateSettings::default().burst_seconds)]
    burst_seconds: i64,
}

pub fn duplicates(cli: &Cli, args: &DuplicatesArgs) -> Result<()> {
    let settings = DuplicateSettings {
        min_cosine: args.min_cosine,
        max_hash_distance: args.max_hash_distance,
        burst_seconds: args.burst_seconds,
    };
    let groups = open(cli)?.duplicates(&settings)?;
    if cli.json {
        println!("{}", serde_json::to_string(&*groups)?);
        return Ok(());
    }
    for g in groups.iter() {
        for (i, p) in g.photos.iter().enumerate() {
            let size = match (p.width, p.height) {
                (Some(w), Some(h)) => format!("{w}x{h}"),
                _ => "?".into(),
            };
            println!(
                "{}{size:>11} {:>10} B  {}",
                if i == 0 { "* " } else { "  " },
                p.size,
                p.path
            );
        }
        println!();
    }
    eprintln!("{} groups", groups.len());
    Ok(())
}

#[derive(Args)]
pub struct TrashArgs {
    /// Photos of the library (their paths as the catalog holds them).
    #[arg(required = true)]
    paths: Vec<std::path::PathBuf>,
}

/// `iris trash PATH...`: moves photos to the desktop's trash (restorable from there) and drops
/// them from the catalog.
pub fn trash(cli: &Cli, args: &TrashArgs) -> Result<()> {
    let paths: Vec<String> = args
        .paths
        .iter()
        .map(|p| iris_core::paths::to_text(&std::path::absolute(p).unwrap_or_else(|_| p.clone())))
        .collect();
    let report = open(cli)?.trash(&paths)?;
    if cli.json {
        println!("{}", serde_json::to_string(&report)?);
    } else {
        for p in &report.moved {
            println!("moved to the trash: {p}");
        }
    }
    for f in &report.failed {
        eprintln!("not moved: {}: {}", f.path, f.reason);
    }
    if !report.failed.is_empty() {
        anyhow::bail!(
            "{} of {} photos not moved",
            report.failed.len(),
            paths.len()
        );
    }
    Ok(())
}
