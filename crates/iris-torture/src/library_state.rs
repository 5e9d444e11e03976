//! Case 6, the library folder itself in trouble: a library on a read-only file system (bound
//! read-only for the case, root only) must still open and search, and an index run must fail
//! with a clear error and change nothing; a library stamped by a newer Iris (schema.json)
//! must open and search while every write fails saying so, its stamp and rows untouched; a
//! library folder deleted while a process has it open must give clear errors from then on,
//! never a crash.

use crate::formats::write_photos;
use crate::mount::{is_root, Mount};
use crate::promise::{index_root, open_library, panic_count, panics_since, rows_of};
use crate::Problems;
use iris_core::{IndexControl, Query};
use std::path::Path;

fn search(library: &iris_core::Library) -> Result<usize, String> {
    let query = Query {
        text: Some("a red circle".into()),
        k: 5,
        ..Query::default()
    };
    library
        .search(&query)
        .map(|hits| hits.len())
        .map_err(|e| e.to_string())
}

pub fn read_only(work: &Path) -> Result<Problems, String> {
    if !is_root() {
        return Err(format!(
            "{}binding a folder read-only needs root",
            crate::NOT_RUN
        ));
    }
    let root = work.join("photos");
    let lib = work.join("library");
    write_photos(&root, 0, 30, 64, 48)?;
    index_root(&lib, &root)?;
    write_photos(&root, 30, 10, 64, 48)?;
    let before = rows_of(&lib)?;
    let panics = panic_count();
    let mut problems = Vec::new();
    {
        let _read_only = Mount::read_only(&lib)?;
        match open_library(&lib) {
            Err(e) => problems.push(format!("a read-only library does not open: {e}")),
            Ok(library) => {
                match search(&library) {
                    Ok(5) => println!("  read-only library: opened, a search found 5 photos"),
                    Ok(n) => problems.push(format!("a search of the read-only library found {n}")),
                    Err(e) => problems.push(format!("a search of the read-only library: {e}")),
                }
                match library.index(2, &IndexControl::new(), &mut |_| {}) {
                    Ok(report) => problems.push(format!(
                        "indexing a read-only library reported success ({} embedded)",
                        report.embedded
                    )),
                    Err(e) if e.to_string().contains("Read-only") => {
                        println!("  indexing it: {e}")
                    }
                    Err(e) => problems.push(format!("the read-only error does not say so: {e}")),
                }
            }
        }
    }
    let after = rows_of(&lib)?;
    if after != before {
        problems.push("the read-only library's rows changed".into());
    }
    problems.extend(panics_since(panics));
    Ok(problems)
}

pub fn deleted(work: &Path) -> Result<Problems, String> {
    let root = work.join("photos");
    let lib = work.join("library");
    write_photos(&root, 0, 30, 64, 48)?;
    index_root(&lib, &root)?;
    let library = open_library(&lib)?;
    std::fs::remove_dir_all(&lib).map_err(|e| e.to_string())?;
    write_photos(&root, 30, 10, 64, 48)?;
    let panics = panic_count();
    let mut problems = Vec::new();
    let index = library.index(2, &IndexControl::new(), &mut |_| {});
    println!(
        "  index after the folder was deleted: {:?}",
        index
            .as_ref()
            .map(|r| r.embedded)
            .map_err(|e| e.to_string())
    );
    match &index {
        Ok(_) => problems.push("indexing into a deleted library reported success".into()),
        Err(e) if !e.to_string().contains("is gone") => problems.push(format!(
            "indexing into a deleted library: the error does not say why: {e}"
        )),
        Err(_) => {}
    }
    let searched = search(&library);
    println!("  search after the folder was deleted: {searched:?}");
    let rows = library.rows().map(|r| r.len()).map_err(|e| e.to_string());
    println!("  rows after the folder was deleted: {rows:?}");
    for (what, error) in [
        ("index", index.err().map(|e| e.to_string())),
        ("search", searched.err()),
        ("rows", rows.err()),
    ] {
        if let Some(error) = error.filter(|e| e.trim().is_empty()) {
            problems.push(format!("{what}: an error without words: {error:?}"));
        }
    }
    // Nothing wrote into the deleted folder (a write would have made it again).
    if lib.exists() {
        problems.push(format!("{} was made again by a write", lib.display()));
    }
    drop(library);
    let fresh = open_library(&lib)?;
    println!(
        "  reopened: a new library with {} rows",
        fresh.rows().map_err(|e| e.to_string())?.len()
    );
    problems.extend(panics_since(panics));
    Ok(problems)
}

pub fn future_schema(work: &Path) -> Result<Problems, String> {
    let root = work.join("photos");
    let lib = work.join("library");
    write_photos(&root, 0, 30, 64, 48)?;
    index_root(&lib, &root)?;
    write_photos(&root, 30, 10, 64, 48)?;
    let stamp = lib.join("schema.json");
    let future = format!(
        r#"{{"schema": {}, "written_by": "iris 99.0.0"}}"#,
        iris_core::schema::SCHEMA + 1
    );
    std::fs::write(&stamp, &future).map_err(|e| e.to_string())?;
    let before = rows_of(&lib)?;
    let panics = panic_count();
    let mut problems = Vec::new();
    let library = open_library(&lib)?;
    match search(&library) {
        Ok(5) => println!("  a newer Iris's library: opened, a search found 5 photos"),
        other => problems.push(format!("a search of a newer Iris's library: {other:?}")),
    }
    let index = library.index(2, &IndexControl::new(), &mut |_| {});
    let add = library.add_roots(&[work.to_path_buf()]);
    for (what, outcome) in [
        ("indexing", index.map(|_| ())),
        ("adding a root", add.map(|_| ())),
    ] {
        match outcome {
            Err(e) if e.to_string().contains("newer Iris") => println!("  {what}: {e}"),
            Err(e) => problems.push(format!("{what}: the error does not say why: {e}")),
            Ok(()) => problems.push(format!("{what} a newer Iris's library succeeded")),
        }
    }
    drop(library);
    if rows_of(&lib)? != before {
        problems.push("the newer Iris's rows changed".into());
    }
    if std::fs::read_to_string(&stamp).map_err(|e| e.to_string())? != future {
        problems.push("the newer Iris's schema.json was overwritten".into());
    }
    problems.extend(panics_since(panics));
    Ok(problems)
}
