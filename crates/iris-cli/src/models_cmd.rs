//! `iris models`: the models Iris knows by name (family, architecture, embedding width,
//! languages, size, a published zero-shot figure), which are on this machine, and which is in
//! use (`--model`, or a folder or repo id not in the list, described from its config.json).

use crate::Cli;
use anyhow::Result;

/// Sizes as people read them.
fn megabytes(bytes: u64) -> String {
    match bytes {
        0 => "-".to_string(),
        b if b >= 1_000_000_000 => format!("{:.2} GB", b as f64 / 1e9),
        b if b >= 1_000_000 => format!("{:.0} MB", b as f64 / 1e6),
        b => format!("{:.0} kB", b as f64 / 1e3),
    }
}

pub fn models(cli: &Cli) -> Result<()> {
    let rows = iris_core::models::list(&cli.model);
    if cli.json {
        println!("{}", serde_json::to_string(&rows)?);
        return Ok(());
    }
    for row in &rows {
        let state = match (row.current, row.downloaded) {
            (true, _) => "in use",
            (false, true) => "here",
            (false, false) => "",
        };
        let size = row.disk_bytes.unwrap_or(row.download_bytes);
        let figure = row
            .zero_shot
            .as_ref()
            .map_or(String::new(), |z| format!("{:.1} {}", z.value, z.benchmark));
        println!(
            "{:<6} {:<40} {:<12} {:<28} {:>4}  {:<3} {:>8}  {figure}",
            state,
            row.id,
            row.family,
            row.architecture,
            row.dim,
            row.languages.join(","),
            megabytes(size),
        );
    }
    Ok(())
}
