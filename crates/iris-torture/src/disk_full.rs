//! Case 5, disk full: the library lives on a 24 MiB tmpfs mounted for the case (root only);
//! after a first run, a filler file takes every byte left and a run with 300 new photos must
//! end in a clear error ("No space left on device"), the catalog must still open and be
//! consistent, and once the filler is gone the next run must index everything.

use crate::formats::write_photos;
use crate::mount::{is_root, Mount};
use crate::promise::{check, consistent_so_far, index_root, panic_count, panics_since, rows_of};
use crate::Problems;
use std::io::Write;
use std::path::Path;

/// Writes zeros into `path` until the file system says it is full; the bytes written.
fn fill(path: &Path) -> Result<u64, String> {
    let mut file = std::fs::File::create(path).map_err(|e| e.to_string())?;
    let block = vec![0u8; 64 << 10];
    let mut written = 0u64;
    loop {
        match file.write(&block) {
            Ok(0) => return Ok(written),
            Ok(n) => written += n as u64,
            Err(e) if e.raw_os_error() == Some(28) => return Ok(written),
            Err(e) => return Err(format!("filling {}: {e}", path.display())),
        }
    }
}

pub fn run(work: &Path) -> Result<Problems, String> {
    if !is_root() {
        return Err(format!("{}mounting its tmpfs needs root", crate::NOT_RUN));
    }
    let mount = Mount::tmpfs(&work.join("small-disk"), "24m")?;
    let lib = mount.0.join("library");
    let root = work.join("photos");
    write_photos(&root, 0, 100, 64, 48)?;
    index_root(&lib, &root)?;
    let before = rows_of(&lib)?;
    let filler = mount.0.join("filler");
    let filled = fill(&filler)?;
    write_photos(&root, 100, 300, 160, 120)?;
    let panics = panic_count();
    let mut problems = Vec::new();
    match index_root(&lib, &root) {
        Ok(report) => println!(
            "  with the disk full ({:.1} MiB of filler): the run ended without an error, {} embedded",
            filled as f64 / 1048576.0,
            report.embedded
        ),
        Err(e) if e.contains("No space left") || e.contains("os error 28") => {
            println!("  with the disk full: {e}")
        }
        Err(e) => problems.push(format!("the disk-full error does not say so: {e}")),
    }
    let rows = rows_of(&lib)?;
    problems.extend(consistent_so_far(&rows, &root));
    std::fs::remove_file(&filler).map_err(|e| e.to_string())?;
    let after = index_root(&lib, &root)?;
    println!(
        "  space freed: {} embedded, {} unchanged",
        after.embedded, after.unchanged
    );
    problems.extend(check(&lib, &root, &before)?);
    problems.extend(panics_since(panics));
    drop(mount);
    Ok(problems)
}
