//! Case 10, two processes: two `iris index` processes started together on one library, then
//! an `iris index` process beside this process indexing the same library through the engine
//! (what the app does), each time with new photos to add. Both must finish without an error,
//! one waiting for the other's writer lock where they overlap (and saying so), and the catalog
//! must hold every photo exactly once.

use crate::cli::{finish, start_index};
use crate::formats::write_photos;
use crate::promise::{check, index_root, panic_count, panics_since};
use crate::Problems;
use std::path::Path;
use std::process::Output;

pub fn run(work: &Path) -> Result<Problems, String> {
    let root = work.join("photos");
    let lib = work.join("library");
    let mut problems = Vec::new();
    let mut waits = 0;
    let panics = panic_count();
    let mut said = |what: &str, out: &Output, problems: &mut Problems| {
        let stderr = String::from_utf8_lossy(&out.stderr);
        if stderr.contains("waiting for another Iris process") {
            waits += 1;
        }
        if !out.status.success() {
            problems.push(format!("{what}: {} ({})", out.status, stderr.trim()));
        }
    };
    for round in 0..3u32 {
        write_photos(&root, round * 100, 100, 64, 48)?;
        let first = start_index(&lib, &root)?;
        if round < 2 {
            let second = start_index(&lib, &root)?;
            said(
                &format!("round {round}, first iris"),
                &finish(first)?,
                &mut problems,
            );
            said(
                &format!("round {round}, second iris"),
                &finish(second)?,
                &mut problems,
            );
        } else {
            let here = index_root(&lib, &root);
            said(
                &format!("round {round}, iris"),
                &finish(first)?,
                &mut problems,
            );
            if let Err(e) = here {
                problems.push(format!("round {round}, this process: {e}"));
            }
        }
        problems.extend(check(&lib, &root, &[])?);
    }
    println!("  3 rounds of two writers at once: {waits} said they waited for the other");
    problems.extend(panics_since(panics));
    Ok(problems)
}
