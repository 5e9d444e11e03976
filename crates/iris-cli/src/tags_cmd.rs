//! `iris tags`: the library's tags with their photo counts, or one photo's tags with scores
//! (`iris tags ID`); `--add` and `--remove` change the user's own tags. `iris eval-tags DIR`
//! measures the demo model's tags on an indexed `iris demo` folder against its scenes.

use crate::library_cmds::open;
use crate::{Cli, UsageError};
use anyhow::Result;
use clap::Args;
use iris_core::tags::TagCount;
use serde::Serialize;
use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

#[derive(Args)]
pub struct TagsArgs {
    /// A photo's content id: its tags with scores instead of the library's.
    id: Option<String>,
    /// Add a tag of your own (a word or phrase); repeatable.
    #[arg(long, value_name = "PHRASE")]
    add: Vec<String>,
    /// Remove a tag of your own; repeatable.
    #[arg(long, value_name = "PHRASE")]
    remove: Vec<String>,
}

pub fn tags(cli: &Cli, args: &TagsArgs) -> Result<()> {
    let library = open(cli)?;
    for name in &args.add {
        if !library.add_tag(name)? {
            eprintln!("\"{}\" is a tag already", name.trim());
        }
    }
    for name in &args.remove {
        if !library.remove_tag(name)? {
            return Err(UsageError(format!(
                "there is no tag of yours named \"{}\"",
                name.trim()
            ))
            .into());
        }
    }
    if let Some(id) = &args.id {
        if library.photo_by_id(id)?.is_none() {
            return Err(UsageError(format!("no indexed photo has the id \"{id}\"")).into());
        }
        let given = library.photo_tags(id)?;
        if cli.json {
            println!("{}", serde_json::to_string(&given)?);
        } else {
            for t in &given {
                println!(
                    "{:5.1}%  {:.3}  {}",
                    t.probability * 100.0,
                    t.cosine,
                    t.tag.name
                );
            }
        }
        return Ok(());
    }
    let counts: Vec<TagCount> = library.tags()?;
    if cli.json {
        println!("{}", serde_json::to_string(&counts)?);
    } else {
        for t in &counts {
            println!("{:6}  {}  {}", t.photos, t.tag.name, t.tag.chinese);
        }
    }
    Ok(())
}

#[derive(Args)]
pub struct EvalTagsArgs {
    /// A folder written by `iris demo DIR` and indexed with `--model demo`.
    dir: PathBuf,
}

/// The figures of `iris eval-tags`.
#[derive(Debug, Serialize)]
struct TagFigures {
    photos: usize,
    /// Photos of one object whose most probable colour-shape tag is that object.
    single_object_top1: f32,
    single_objects: usize,
    /// Photos (one or two objects) whose most probable colour-shape tag is one of theirs.
    any_object_top1: f32,
    /// Of the tags given, the share that are true (object, background or size).
    precision: f32,
    /// Of the true tags, the share given.
    recall: f32,
}

/// An image's colour-shape names, and every tag true of it (those, its background and its
/// objects' sizes).
type Truth = (Vec<String>, HashSet<String>);

/// The [`Truth`] of each image of a demo folder, by file name, from `scenes.jsonl`.
fn truths(dir: &std::path::Path) -> Result<HashMap<String, Truth>> {
    let mut out = HashMap::new();
    for v in crate::demo_cmds::scene_lines(dir)? {
        let field = |o: &serde_json::Value, k: &str| o[k].as_str().unwrap_or_default().to_string();
        let objects: Vec<String> = v["objects"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|o| format!("{} {}", field(o, "colour"), field(o, "shape")))
            .collect();
        let mut all: HashSet<String> = objects.iter().cloned().collect();
        all.insert(format!("{} background", field(&v, "background")));
        for o in v["objects"].as_array().into_iter().flatten() {
            all.insert(format!("{} shape", field(o, "size")));
        }
        out.insert(field(&v, "image"), (objects, all));
    }
    Ok(out)
}

pub fn eval_tags(cli: &Cli, args: &EvalTagsArgs) -> Result<()> {
    let dir = std::path::absolute(&args.dir)?;
    let truth = truths(&dir)?;
    let library = open(cli)?;
    let (mut single, mut single_ok, mut any_ok, mut photos) = (0usize, 0usize, 0usize, 0usize);
    let (mut given_n, mut true_given, mut true_n) = (0usize, 0usize, 0usize);
    for row in library.rows()? {
        let path = iris_core::paths::to_path(&row.path);
        let Some(name) = path.file_name().map(|n| n.to_string_lossy().into_owned()) else {
            continue;
        };
        let Some((objects, all)) = truth.get(&name) else {
            continue;
        };
        if !path.starts_with(&dir) {
            continue;
        }
        photos += 1;
        let given = library.photo_tags(&row.id)?;
        let top_object = given.iter().find(|t| t.tag.category == "object");
        let top_ok = top_object.is_some_and(|t| objects.contains(&t.tag.name));
        any_ok += usize::from(top_ok);
        if objects.len() == 1 {
            single += 1;
            single_ok += usize::from(top_ok);
        }
        given_n += given.len();
        true_given += given.iter().filter(|t| all.contains(&t.tag.name)).count();
        true_n += all.len();
    }
    if photos == 0 {
        return Err(UsageError(format!(
            "no indexed photo of \"{}\": index it first (`iris --model demo index DIR`)",
            dir.display()
        ))
        .into());
    }
    let ratio = |a: usize, b: usize| a as f32 / b.max(1) as f32;
    let figures = TagFigures {
        photos,
        single_object_top1: ratio(single_ok, single),
        single_objects: single,
        any_object_top1: ratio(any_ok, photos),
        precision: ratio(true_given, given_n),
        recall: ratio(true_given, true_n),
    };
    if cli.json {
        println!("{}", serde_json::to_string(&figures)?);
    } else {
        println!(
            "{} photos: top-1 colour-shape {:.3} on {} of one object, {:.3} on all; tags given: precision {:.3}, recall {:.3}",
            figures.photos,
            figures.single_object_top1,
            figures.single_objects,
            figures.any_object_top1,
            figures.precision,
            figures.recall
        );
    }
    Ok(())
}
