//! Writing a small file of the library (roots, saved searches, the map, a thumbnail) so that
//! a reader sees the old content or the new, never a part: the bytes go to a temporary file
//! beside it, named for this process and call, then a rename puts it in place. Two processes
//! (the app and `iris index`) writing the same file at once each rename their own temporary
//! file; with one shared name, one of them renamed the other's file away and failed.

use crate::error::{CoreError, Result};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

static CALLS: AtomicU64 = AtomicU64::new(0);

/// A temporary name beside `path` that no other process or call uses.
fn temporary(path: &Path) -> PathBuf {
    let call = CALLS.fetch_add(1, Ordering::Relaxed);
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(format!(".{}-{call}.tmp", std::process::id()));
    path.with_file_name(name)
}

/// Replaces `path` with `bytes` in one step; the temporary file is removed on failure.
pub(crate) fn write(path: &Path, bytes: &[u8]) -> Result<()> {
    let tmp = temporary(path);
    let written = std::fs::write(&tmp, bytes)
        .map_err(|e| CoreError::io(&tmp, e))
        .and_then(|()| std::fs::rename(&tmp, path).map_err(|e| CoreError::io(path, e)));
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written
}

/// Writes `value` as JSON to `path` with [`write`], creating its folder first: only that
/// folder, never the one above it, so that a library folder deleted while open is not made
/// again by a write into it (the write fails instead).
pub(crate) fn write_json(path: &Path, value: &impl serde::Serialize) -> Result<()> {
    if let Some(folder) = path.parent() {
        match std::fs::create_dir(folder) {
            Err(e) if e.kind() != std::io::ErrorKind::AlreadyExists => {
                return Err(CoreError::io(folder, e))
            }
            _ => {}
        }
    }
    let json = serde_json::to_vec(value).map_err(|e| CoreError::Invalid(e.to_string()))?;
    write(path, &json)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_json_write_makes_its_folder_but_not_a_missing_library() {
        let dir = tempfile::tempdir().unwrap();
        write_json(&dir.path().join("tags").join("a.json"), &1).unwrap();
        assert!(dir.path().join("tags").join("a.json").is_file());
        let gone = dir.path().join("deleted-library");
        assert!(write_json(&gone.join("tags").join("a.json"), &1).is_err());
        assert!(!gone.exists());
    }

    #[test]
    fn writers_on_many_threads_never_see_a_missing_or_partial_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("roots.json");
        std::thread::scope(|scope| {
            for t in 0..8u8 {
                let path = &path;
                scope.spawn(move || {
                    for _ in 0..50 {
                        write(path, &[t; 4096]).unwrap();
                    }
                });
            }
        });
        let bytes = std::fs::read(&path).unwrap();
        assert_eq!(bytes.len(), 4096);
        assert!(bytes.iter().all(|b| *b == bytes[0]));
        let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(left.len(), 1, "temporary files left behind");
    }

    #[test]
    fn a_failed_write_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("gone").join("x.json");
        assert!(write(&path, b"{}").is_err());
        assert!(!dir.path().join("gone").exists());
    }
}
