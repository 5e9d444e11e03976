//! Case 12, moves at scale: 10,000 photos in ten folders are indexed, then every one of them is
//! renamed and moved into another folder at once; the next run must re-encode none of them,
//! count each as moved, and leave every row at its new path with its old content id.

use crate::formats::write_photos;
use crate::promise::{check, index_root, panic_count, panics_since, rows_of};
use crate::Problems;
use std::collections::BTreeSet;
use std::path::Path;
use std::time::Instant;

const PHOTOS: u32 = 10_000;
const FOLDERS: u32 = 10;

pub fn run(work: &Path) -> Result<Problems, String> {
    let root = work.join("photos");
    let lib = work.join("library");
    let per_folder = PHOTOS / FOLDERS;
    for folder in 0..FOLDERS {
        write_photos(
            &root.join(format!("before-{folder}")),
            folder * per_folder,
            per_folder,
            32,
            24,
        )?;
    }
    let started = Instant::now();
    let first = index_root(&lib, &root)?;
    println!(
        "  first run: {} photos embedded in {:.1} s",
        first.embedded,
        started.elapsed().as_secs_f64()
    );
    let ids_before = ids(&lib)?;
    for folder in 0..FOLDERS {
        let to = root.join(format!("after-{}", (folder * 7 + 3) % FOLDERS));
        std::fs::create_dir_all(&to).map_err(|e| e.to_string())?;
        let from = root.join(format!("before-{folder}"));
        for entry in std::fs::read_dir(&from)
            .map_err(|e| e.to_string())?
            .flatten()
        {
            let name = entry
                .file_name()
                .to_string_lossy()
                .replace("photo-", "moved-");
            std::fs::rename(entry.path(), to.join(format!("{folder}-{name}")))
                .map_err(|e| format!("moving {}: {e}", entry.path().display()))?;
        }
        std::fs::remove_dir(&from).map_err(|e| e.to_string())?;
    }
    let panics = panic_count();
    let started = Instant::now();
    let second = index_root(&lib, &root)?;
    println!(
        "  after moving all {PHOTOS}: {} re-encoded, {} moved, {} removed in {:.1} s",
        second.embedded,
        second.moved,
        second.removed,
        started.elapsed().as_secs_f64()
    );
    let mut problems = Vec::new();
    if first.embedded != PHOTOS as usize {
        problems.push(format!(
            "the first run embedded {} of {PHOTOS}",
            first.embedded
        ));
    }
    if second.embedded != 0 {
        problems.push(format!(
            "{} moved photos were encoded again",
            second.embedded
        ));
    }
    if second.moved != PHOTOS as usize {
        problems.push(format!(
            "{} of {PHOTOS} moves were seen as moves",
            second.moved
        ));
    }
    if ids(&lib)? != ids_before {
        problems.push("the set of content ids changed".into());
    }
    problems.extend(check(&lib, &root, &[])?);
    problems.extend(panics_since(panics));
    Ok(problems)
}

fn ids(lib: &Path) -> Result<BTreeSet<String>, String> {
    let rows = rows_of(lib)?;
    Ok(rows.into_iter().map(|r| r.id).collect())
}
