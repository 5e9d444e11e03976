//! The promise every torture case checks afterwards: no panic on user data, the catalog opens,
//! every file on disk has exactly one row (no duplicate paths), a decodable file is an indexed
//! row holding its own content's id, an undecodable one a failed row with a reason, and
//! nothing indexed before is lost. "Decodable" is asked of the engine's own decode of a single
//! file (`photo::decode_query`), so the check is that indexing (walk, worker threads, batches,
//! commits) keeps the promise for every file, not that a decoder is right.

use crate::Problems;
use iris_core::{photo, IndexControl, IndexReport, Library, PhotoRow, Status};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

static PANICS: AtomicUsize = AtomicUsize::new(0);
static PANIC_MESSAGES: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// Counts every panic of this process, caught or not (a decoder panic that the engine catches
/// still breaks the promise: it is a bug to fix), keeping the first messages.
pub fn count_panics() {
    std::panic::set_hook(Box::new(|info| {
        PANICS.fetch_add(1, Ordering::SeqCst);
        let mut messages = PANIC_MESSAGES.lock().unwrap_or_else(|e| e.into_inner());
        if messages.len() < 20 {
            messages.push(info.to_string());
        }
    }));
}

/// Panics so far; compare two readings to see what a stretch of work did.
pub fn panic_count() -> usize {
    PANICS.load(Ordering::SeqCst)
}

/// The messages of the first panics, for a report.
pub fn panic_messages() -> Vec<String> {
    PANIC_MESSAGES
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .clone()
}

/// A problem naming the panics since `mark` (a [`panic_count`] reading), if there were any.
pub fn panics_since(mark: usize) -> Option<String> {
    let count = panic_count();
    (count > mark).then(|| {
        format!(
            "{} panics on user data: {:?}",
            count - mark,
            panic_messages()
        )
    })
}

/// Opens (or creates) a library with the demo model, which is built into the engine.
pub fn open_library(dir: &Path) -> Result<Library, String> {
    Library::open_model(dir, "demo", iris_core::models::DownloadProgress::Silent)
        .map_err(|e| format!("the catalog in {} does not open: {e}", dir.display()))
}

/// Every row of the library in `dir`, reopened: the catalog must open to be read.
pub fn rows_of(dir: &Path) -> Result<Vec<PhotoRow>, String> {
    open_library(dir)?
        .rows()
        .map_err(|e| format!("reading the catalog: {e}"))
}

/// Adds `root` to a new library in `dir` and indexes it with two workers.
pub fn index_root(dir: &Path, root: &Path) -> Result<IndexReport, String> {
    let library = open_library(dir)?;
    library
        .add_roots(&[root.to_path_buf()])
        .map_err(|e| e.to_string())?;
    library
        .index(2, &IndexControl::new(), &mut |_| {})
        .map_err(|e| format!("indexing failed: {e}"))
}

/// One file on disk and what the engine makes of it alone.
pub struct OnDisk {
    pub path: String,
    pub id: String,
    pub decodable: bool,
}

/// Every file under `root` (recursively, dot-files skipped as the walk skips them), with its
/// content id and whether it decodes on its own.
pub fn files_on_disk(root: &Path, library: &Library) -> Result<Vec<OnDisk>, String> {
    let mut found = Vec::new();
    let mut folders = vec![root.to_path_buf()];
    while let Some(folder) = folders.pop() {
        let entries =
            std::fs::read_dir(&folder).map_err(|e| format!("{}: {e}", folder.display()))?;
        for entry in entries.flatten() {
            let path = entry.path();
            if entry.file_name().to_string_lossy().starts_with('.') {
                continue;
            }
            // As the engine's walk: links are followed to files; a link to a folder is not
            // descended here (the only ones in these cases are loops, which the walk refuses).
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            if kind.is_dir() {
                folders.push(path);
            } else if kind.is_file() || (kind.is_symlink() && path.is_file()) {
                found.push(on_disk(&path, library)?);
            }
        }
    }
    Ok(found)
}

fn on_disk(path: &PathBuf, library: &Library) -> Result<OnDisk, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let decodable = photo::decode_query(&bytes, path, library.clip().preprocessor()).is_ok();
    Ok(OnDisk {
        path: iris_core::paths::to_text(path),
        id: photo::content_id(&bytes),
        decodable,
    })
}

/// Reopens the library in `dir` and checks the promise for the files under `root`; `before`
/// holds the rows the catalog had before the case broke something.
pub fn check(dir: &Path, root: &Path, before: &[PhotoRow]) -> Result<Problems, String> {
    let library = open_library(dir)?;
    let rows = library
        .rows()
        .map_err(|e| format!("reading the catalog: {e}"))?;
    let disk = files_on_disk(root, &library)?;
    Ok(judge(&rows, &disk, before))
}

/// The promise on the rows a catalog holds against the files on disk.
pub fn judge(rows: &[PhotoRow], disk: &[OnDisk], before: &[PhotoRow]) -> Problems {
    let mut problems = Vec::new();
    let mut by_path: HashMap<&str, Vec<&PhotoRow>> = HashMap::new();
    for row in rows {
        by_path.entry(row.path.as_str()).or_default().push(row);
    }
    for (path, found) in &by_path {
        if found.len() > 1 {
            problems.push(format!("{path}: {} rows for one path", found.len()));
        }
    }
    let mut disk_paths: HashMap<&str, usize> = HashMap::new();
    for file in disk {
        *disk_paths.entry(file.path.as_str()).or_default() += 1;
    }
    for (path, count) in disk_paths.iter().filter(|(_, n)| **n > 1) {
        problems.push(format!(
            "{path}: {count} files on disk share this catalog path (names that differ only in bytes that are not UTF-8)"
        ));
    }
    for file in disk {
        let Some(row) = by_path.get(file.path.as_str()).and_then(|r| r.first()) else {
            problems.push(format!("{}: on disk but not in the catalog", file.path));
            continue;
        };
        match (file.decodable, row.status) {
            (true, Status::Ok) if row.id == file.id => {}
            (true, Status::Ok) => problems.push(format!(
                "{}: indexed with id {} but its content is {}",
                file.path, row.id, file.id
            )),
            (true, status) => problems.push(format!(
                "{}: decodes alone but its row is {} ({})",
                file.path,
                status.as_str(),
                row.reason.as_deref().unwrap_or("no reason")
            )),
            (false, Status::Failed) => {}
            (false, status) => problems.push(format!(
                "{}: does not decode but its row is {}",
                file.path,
                status.as_str()
            )),
        }
    }
    for row in rows {
        if row.status == Status::Failed && row.reason.as_deref().unwrap_or("").trim().is_empty() {
            problems.push(format!("{}: a failed row without a reason", row.path));
        }
        if !disk_paths.contains_key(row.path.as_str()) && row.status != Status::Offline {
            problems.push(format!(
                "{}: a row for a file that is not on disk",
                row.path
            ));
        }
    }
    let disk_files: HashSet<(&str, &str)> = disk
        .iter()
        .map(|f| (f.path.as_str(), f.id.as_str()))
        .collect();
    for old in before.iter().filter(|r| r.status == Status::Ok) {
        let still_on_disk = disk_files.contains(&(old.path.as_str(), old.id.as_str()));
        let kept = by_path.get(old.path.as_str()).is_some_and(|found| {
            found
                .iter()
                .any(|r| r.id == old.id && r.status == Status::Ok)
        });
        if still_on_disk && !kept {
            problems.push(format!("{}: was indexed and is lost", old.path));
        }
    }
    problems
}

/// The promise for a run that was cut short: one row per path, an indexed row holds the
/// content of the file at its path (when that file is still there), failures have reasons.
pub fn consistent_so_far(rows: &[PhotoRow], root: &Path) -> Problems {
    let mut problems = Vec::new();
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for row in rows {
        *seen.entry(row.path.as_str()).or_default() += 1;
        if row.status == Status::Failed && row.reason.as_deref().unwrap_or("").is_empty() {
            problems.push(format!("{}: a failed row without a reason", row.path));
        }
        let path = iris_core::paths::to_path(&row.path);
        if row.status == Status::Ok && path.starts_with(root) {
            if let Ok(bytes) = std::fs::read(&path) {
                let id = iris_core::photo::content_id(&bytes);
                let changed_since = row.mtime_ns != mtime_ns(&path);
                if id != row.id && !changed_since {
                    problems.push(format!("{}: its row holds other content", row.path));
                }
            }
        }
    }
    for (path, count) in seen {
        if count > 1 {
            problems.push(format!("{path}: {count} rows"));
        }
    }
    problems
}

fn mtime_ns(path: &Path) -> i64 {
    std::fs::metadata(path)
        .map(|m| iris_core::scan::mtime_ns(&m))
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(path: &str, id: &str, status: Status, reason: Option<&str>) -> PhotoRow {
        let mut row = PhotoRow::failed(path.into(), "/r".into(), id.into(), 1, 1, String::new());
        row.status = status;
        row.reason = reason.map(str::to_string);
        row
    }

    fn file(path: &str, id: &str, decodable: bool) -> OnDisk {
        OnDisk {
            path: path.into(),
            id: id.into(),
            decodable,
        }
    }

    #[test]
    fn a_consistent_catalog_keeps_the_promise() {
        let rows = [
            row("/r/a.jpg", "a", Status::Ok, None),
            row("/r/b.jpg", "b", Status::Failed, Some("truncated")),
        ];
        let disk = [file("/r/a.jpg", "a", true), file("/r/b.jpg", "b", false)];
        assert_eq!(judge(&rows, &disk, &rows), Vec::<String>::new());
    }

    #[test]
    fn each_broken_promise_is_reported() {
        let disk = [
            file("/r/a.jpg", "a", true),
            file("/r/b.jpg", "b", false),
            file("/r/c.jpg", "c", true),
            file("/r/d.jpg", "d", true),
        ];
        let rows = [
            row("/r/a.jpg", "a", Status::Ok, None),
            row("/r/a.jpg", "a", Status::Ok, None),
            row("/r/b.jpg", "b", Status::Failed, Some(" ")),
            row("/r/c.jpg", "c", Status::Failed, Some("bad")),
            row("/r/gone.jpg", "g", Status::Ok, None),
        ];
        let before = [row("/r/d.jpg", "d", Status::Ok, None)];
        let problems = judge(&rows, &disk, &before);
        let has = |text: &str| problems.iter().any(|p| p.contains(text));
        assert!(has("/r/a.jpg: 2 rows for one path"), "{problems:?}");
        assert!(
            has("/r/b.jpg: a failed row without a reason"),
            "{problems:?}"
        );
        assert!(
            has("/r/c.jpg: decodes alone but its row is failed"),
            "{problems:?}"
        );
        assert!(
            has("/r/d.jpg: on disk but not in the catalog"),
            "{problems:?}"
        );
        assert!(has("/r/d.jpg: was indexed and is lost"), "{problems:?}");
        assert!(
            has("/r/gone.jpg: a row for a file that is not on disk"),
            "{problems:?}"
        );
        assert_eq!(problems.len(), 6, "{problems:?}");
        let shared = [file("/r/�.jpg", "e", true), file("/r/�.jpg", "f", true)];
        let problems = judge(&[row("/r/�.jpg", "e", Status::Ok, None)], &shared, &[]);
        assert!(
            problems[0].contains("2 files on disk share"),
            "{problems:?}"
        );
        let wrong_id = [row("/r/a.jpg", "x", Status::Ok, None)];
        let problems = judge(&wrong_id, &disk[..1], &[]);
        assert!(problems[0].contains("content is a"), "{problems:?}");
    }
}
