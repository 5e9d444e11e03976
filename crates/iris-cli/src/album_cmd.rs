//! `iris album`: few-shot smart albums (create from photo ids, list, show with scores,
//! accept or reject suggestions, rename, delete), and `iris eval-albums DIR`: how well an
//! album finds a colour-shape class of an indexed `iris demo` folder from five examples.

use crate::library_cmds::open;
use crate::Cli;
use anyhow::Result;
use clap::{Args, Subcommand};
use iris_core::albums::eval::{evaluate, LabelledClass};
use iris_core::albums::AlbumView;
use std::collections::{BTreeMap, HashSet};
use std::path::PathBuf;

#[derive(Subcommand)]
pub enum AlbumCommand {
    /// Make an album from photos (content ids), with photos it must not hold.
    Create {
        name: String,
        #[arg(long = "from", value_name = "ID", required = true, num_args = 1..)]
        from: Vec<String>,
        #[arg(long = "not", value_name = "ID", num_args = 1..)]
        not: Vec<String>,
    },
    /// The albums with their photo counts.
    List,
    /// An album's photos, most probable first (--json: {"name", "positives", "negatives",
    /// "photos": [hit with "score" = probability, "example"]}).
    Show {
        name: String,
    },
    /// Accept suggestions as members or reject them ("not this"); the album learns from them.
    Feedback {
        name: String,
        #[arg(long = "accept", value_name = "ID", num_args = 1..)]
        accept: Vec<String>,
        #[arg(long = "reject", value_name = "ID", num_args = 1..)]
        reject: Vec<String>,
    },
    Rename {
        name: String,
        new_name: String,
    },
    Delete {
        name: String,
    },
}

fn print_view(cli: &Cli, view: &AlbumView) -> Result<()> {
    if cli.json {
        println!("{}", serde_json::to_string(view)?);
        return Ok(());
    }
    for p in &view.photos {
        let mark = if p.example { "example" } else { "" };
        println!("{:5.3}  {:7}  {}", p.hit.score, mark, p.hit.path);
    }
    eprintln!("{}: {} photos", view.album.name, view.photos.len());
    Ok(())
}

pub fn album(cli: &Cli, command: &AlbumCommand) -> Result<()> {
    let library = open(cli)?;
    match command {
        AlbumCommand::Create { name, from, not } => {
            print_view(cli, &library.create_album(name, from, not)?)
        }
        AlbumCommand::List => {
            let albums = library.albums()?;
            if cli.json {
                println!("{}", serde_json::to_string(&albums)?);
            } else {
                for a in &albums {
                    println!("{:6}  {}  ({} examples)", a.photos, a.name, a.examples);
                }
            }
            Ok(())
        }
        AlbumCommand::Show { name } => print_view(cli, &library.album(name)?),
        AlbumCommand::Feedback {
            name,
            accept,
            reject,
        } => print_view(cli, &library.album_feedback(name, accept, reject)?),
        AlbumCommand::Rename { name, new_name } => Ok(library.rename_album(name, new_name)?),
        AlbumCommand::Delete { name } => {
            if !library.delete_album(name)? {
                return Err(
                    crate::UsageError(format!("there is no album named \"{name}\"")).into(),
                );
            }
            Ok(())
        }
    }
}

#[derive(Args)]
pub struct EvalAlbumsArgs {
    /// A folder written by `iris demo DIR` and indexed with `--model demo`.
    dir: PathBuf,
    /// Classes measured: the colour-shapes with the most one-object images.
    #[arg(long, default_value_t = 8)]
    classes: usize,
    /// Examples per album (one-object images of the class, in file order).
    #[arg(long, default_value_t = 5)]
    examples: usize,
    /// Photos marked "not this" in the second measurement.
    #[arg(long, default_value_t = 2)]
    negatives: usize,
    /// Precision at this rank.
    #[arg(long, default_value_t = 50)]
    k: usize,
}

/// A colour-shape's photos: every one holding it, and its one-object photos as (file name,
/// id).
#[derive(Default)]
struct ClassPhotos {
    all: HashSet<String>,
    singles: Vec<(String, String)>,
}

pub fn eval_albums(cli: &Cli, args: &EvalAlbumsArgs) -> Result<()> {
    let dir = std::path::absolute(&args.dir)?;
    let scenes = crate::demo_cmds::scene_lines(&dir)?;
    let library = open(cli)?;
    let id_of: BTreeMap<String, String> = library
        .rows()?
        .into_iter()
        .filter_map(|r| {
            let path = iris_core::paths::to_path(&r.path);
            let name = path.file_name()?.to_string_lossy().into_owned();
            path.starts_with(&dir).then_some((name, r.id))
        })
        .collect();
    // Per colour-shape: every photo holding it, and its one-object photos in file order.
    let mut classes: BTreeMap<String, ClassPhotos> = BTreeMap::new();
    for v in scenes {
        let Some(id) = v["image"].as_str().and_then(|n| id_of.get(n)) else {
            continue;
        };
        let objects = v["objects"].as_array().cloned().unwrap_or_default();
        for o in &objects {
            let class = format!(
                "{} {}",
                o["colour"].as_str().unwrap_or(""),
                o["shape"].as_str().unwrap_or("")
            );
            let entry = classes.entry(class).or_default();
            entry.all.insert(id.clone());
            if objects.len() == 1 {
                let name = v["image"].as_str().unwrap_or("").to_string();
                entry.singles.push((name, id.clone()));
            }
        }
    }
    let mut by_size: Vec<(String, ClassPhotos)> = classes.into_iter().collect();
    by_size.sort_by(|a, b| {
        b.1.singles
            .len()
            .cmp(&a.1.singles.len())
            .then(a.0.cmp(&b.0))
    });
    let labelled: Vec<LabelledClass> = by_size
        .into_iter()
        .filter(|(_, photos)| photos.singles.len() >= args.examples)
        .take(args.classes)
        .map(|(name, mut photos)| {
            photos.singles.sort();
            LabelledClass {
                name,
                examples: photos
                    .singles
                    .into_iter()
                    .take(args.examples)
                    .map(|(_, id)| id)
                    .collect(),
                relevant: photos.all,
            }
        })
        .collect();
    let figures = evaluate(&library, &labelled, args.k, args.negatives)?;
    if cli.json {
        println!("{}", serde_json::to_string(&figures)?);
    } else {
        println!(
            "{} classes, {} examples each, precision at {}: mean embedding {:.3} ({:.3} without the {} negatives), album {:.3}, album with the negatives {:.3}",
            figures.classes, args.examples, figures.k, figures.mean_embedding, figures.mean_without_negatives, figures.negatives, figures.album, figures.album_with_negatives
        );
    }
    Ok(())
}
