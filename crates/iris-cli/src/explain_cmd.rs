//! `iris explain`: where in a photo a query matches, as the patch grid of cosines (the viewer's
//! heatmap) and, with `--png`, the photo with the heat laid over it.

use crate::library_cmds::open;
use crate::Cli;
use anyhow::{Context, Result};
use iris_core::Query;
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct ExplainArgs {
    /// An indexed photo's id, or an image file.
    photo: String,
    /// The query: words, with `-word` negatives as in `iris search`.
    query: String,
    /// Also write the photo with the heatmap over it to this PNG file.
    #[arg(long)]
    png: Option<PathBuf>,
}

pub fn explain(cli: &Cli, args: &ExplainArgs) -> Result<()> {
    let library = open(cli)?;
    let query = Query::from_text(&args.query)?;
    let patches = library.photo_patches(&args.photo)?;
    let explanation = library.explain_patches(&patches, &query)?;
    if let Some(png) = &args.png {
        iris_core::explain::overlay(&patches, &explanation)
            .save(png)
            .with_context(|| format!("cannot write \"{}\"", png.display()))?;
    }
    if cli.json {
        println!("{}", serde_json::to_string(&explanation)?);
        return Ok(());
    }
    println!(
        "score {:.3}; cosine of each patch ({} x {}), top row first:",
        explanation.score, explanation.rows, explanation.cols
    );
    for row in &explanation.grid {
        let cells: Vec<String> = row.iter().map(|v| format!("{v:6.3}")).collect();
        println!("{}", cells.join(" "));
    }
    Ok(())
}
