//! Walking a root: every candidate photo file with its size and modification time. Hidden
//! files and folders and AppleDouble `._*` files are skipped; symlinks are followed with loop
//! detection; unreadable folders and files that vanish mid-walk are reported and skipped.
//!
//! Candidates are files with an image extension (any case) or with no extension at all; the
//! format itself is recognised from the content when the file is decoded, so a PNG named .jpg
//! works and a text file named .png becomes a failed row with its reason. Files with other
//! extensions (videos, documents, sidecars) are not photos and are ignored.

use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;
use walkdir::WalkDir;

/// The file extensions (lower case) that are photos to the walk and query images to a drop.
pub const IMAGE_EXTENSIONS: [&str; 13] = [
    "jpg", "jpeg", "jpe", "png", "webp", "gif", "bmp", "tif", "tiff", "heic", "heif", "hif", "avif",
];

/// A file found by the walk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileEntry {
    pub path: PathBuf,
    pub size: u64,
    pub mtime_ns: i64,
}

/// What a walk found.
#[derive(Debug, Default)]
pub struct Walk {
    pub files: Vec<FileEntry>,
    /// Folders or files that could not be read, with the reason (not fatal).
    pub problems: Vec<(PathBuf, String)>,
}

pub(crate) fn is_hidden(name: &std::ffi::OsStr) -> bool {
    name.to_str().is_some_and(|n| n.starts_with('.'))
}

pub(crate) fn is_candidate(path: &Path) -> bool {
    match path.extension().and_then(|e| e.to_str()) {
        None => true,
        Some(ext) => {
            IMAGE_EXTENSIONS.contains(&ext.to_ascii_lowercase().as_str())
                || crate::formats::is_extra_photo(path)
        }
    }
}

/// Whether a root is there to be walked: a readable folder with at least one visible entry.
/// An unmounted drive often leaves its mount point behind, empty; such a root is offline, not
/// emptied, so nothing of it is removed until it is readable and holds something again.
pub fn is_present(root: &Path) -> bool {
    std::fs::read_dir(root)
        .is_ok_and(|mut entries| entries.any(|e| e.is_ok_and(|e| !is_hidden(&e.file_name()))))
}

/// Modification time of a file in nanoseconds since the epoch (0 when unknown).
pub fn mtime_ns(meta: &std::fs::Metadata) -> i64 {
    meta.modified()
        .ok()
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos() as i64)
}

/// Walks one root.
pub fn walk(root: &Path) -> Walk {
    let mut out = Walk::default();
    let walker = WalkDir::new(root)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_hidden(e.file_name()));
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let path = e
                    .path()
                    .map(Path::to_path_buf)
                    .unwrap_or_else(|| root.to_path_buf());
                out.problems.push((path, e.to_string().to_lowercase()));
                continue;
            }
        };
        if !entry.file_type().is_file() || !is_candidate(entry.path()) {
            continue;
        }
        match entry.metadata() {
            Ok(meta) => out.files.push(FileEntry {
                path: entry.path().to_path_buf(),
                size: meta.len(),
                mtime_ns: mtime_ns(&meta),
            }),
            // Vanished between listing and stat: it is simply not there.
            Err(e)
                if e.io_error()
                    .is_some_and(|io| io.kind() == std::io::ErrorKind::NotFound) => {}
            Err(e) => out
                .problems
                .push((entry.path().to_path_buf(), e.to_string().to_lowercase())),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_root_is_present_when_readable_and_not_empty() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("mnt");
        assert!(!is_present(&root), "missing");
        std::fs::create_dir(&root).unwrap();
        assert!(!is_present(&root), "an empty mount point");
        std::fs::write(root.join(".DS_Store"), b"x").unwrap();
        assert!(!is_present(&root), "only hidden entries");
        std::fs::create_dir(root.join("2024")).unwrap();
        assert!(is_present(&root), "a folder in it");
        std::fs::write(dir.path().join("file"), b"x").unwrap();
        assert!(!is_present(&dir.path().join("file")), "a file is no root");
    }

    #[test]
    fn skips_hidden_appledouble_and_non_images_and_survives_symlink_loops() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::create_dir_all(d.join("a/.hidden")).unwrap();
        for f in [
            "a/x.JPG",
            "a/y.png",
            "a/noext",
            "a/._x.jpg",
            "a/.z.jpg",
            "a/.hidden/w.jpg",
            "a/notes.txt",
        ] {
            std::fs::write(d.join(f), b"data").unwrap();
        }
        #[cfg(unix)]
        std::os::unix::fs::symlink(d.join("a"), d.join("a/loop")).unwrap();
        let walk = walk(d);
        let names: Vec<String> = walk
            .files
            .iter()
            .map(|f| f.path.strip_prefix(d).unwrap().display().to_string())
            .collect();
        assert_eq!(names, ["a/noext", "a/x.JPG", "a/y.png"]);
        #[cfg(unix)]
        assert!(
            walk.problems.iter().any(|(_, why)| why.contains("loop")),
            "{:?}",
            walk.problems
        );
    }
}
