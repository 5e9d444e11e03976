//! `iris map`: every photo's place on the library map (computed or brought up to date first,
//! with the stages on stderr); `--json` prints `[{"id", "path", "x", "y"}, ...]`.

use crate::library_cmds::open;
use crate::Cli;
use anyhow::Result;
use iris_core::map::{MapProgress, MapStage};
use serde::Serialize;

#[derive(Serialize)]
struct Point<'a> {
    id: &'a str,
    path: &'a str,
    x: f32,
    y: f32,
}

fn stage_name(stage: MapStage) -> &'static str {
    match stage {
        MapStage::Reading => "reading the embeddings",
        MapStage::Neighbours => "finding neighbours",
        MapStage::Layout => "laying out",
        MapStage::Placing => "placing the photos",
    }
}

pub fn map(cli: &Cli) -> Result<()> {
    let library = open(cli)?;
    let mut last = None;
    let points = library
        .map(&mut |p: MapProgress| {
            if last != Some(p.stage) {
                eprintln!("map: {}", stage_name(p.stage));
                last = Some(p.stage);
            }
        })?
        .points;
    if cli.json {
        let out: Vec<Point> = points
            .iter()
            .map(|p| Point {
                id: &p.id,
                path: &p.path,
                x: p.x,
                y: p.y,
            })
            .collect();
        println!("{}", serde_json::to_string(&out)?);
        return Ok(());
    }
    for p in &points {
        println!("{:9.3} {:9.3}  {}", p.x, p.y, p.path);
    }
    eprintln!("{} photos on the map", points.len());
    Ok(())
}
