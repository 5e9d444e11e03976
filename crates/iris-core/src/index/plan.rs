//! Planning an index run from the catalog's rows and the walk of the roots, before any file
//! is read: which files are unchanged (skipped), which must be read, which rows lost their
//! file (deleted at the end, unless their content turns up elsewhere: a move), which content
//! is already embedded (reused, never encoded again), and which roots are offline.

use crate::paths::to_text;
use crate::row::{PhotoRow, Status};
use crate::scan::FileEntry;
use std::collections::{HashMap, HashSet};
use std::path::Path;

/// One registered root and what its walk found; `None` when the root is not there now
/// (missing, unreadable, or an empty mount point: `scan::is_present`).
pub(crate) struct RootWalk {
    pub root: String,
    pub files: Option<Vec<FileEntry>>,
}

/// What a run will do.
#[derive(Debug, Default)]
pub(crate) struct Plan {
    pub online_roots: Vec<String>,
    pub offline_roots: Vec<String>,
    /// Candidate files seen by the walk.
    pub scanned: usize,
    /// Files whose row is current: same size and mtime, and embedded (or failed).
    pub unchanged: usize,
    pub to_read: Vec<FileEntry>,
    /// Rows under an online root whose file is gone, sorted.
    pub vanished: Vec<String>,
    /// Embedded content by id, with the path of a row holding its vector; a vanished path is
    /// preferred, so that finding the content elsewhere counts as a move.
    pub known: HashMap<String, String>,
}

impl Plan {
    /// The online root a path lies in (the longest that contains it).
    pub fn root_of(&self, path: &Path) -> String {
        self.online_roots
            .iter()
            .filter(|r| path.starts_with(r.as_str()))
            .max_by_key(|r| r.len())
            .cloned()
            .unwrap_or_default()
    }

    pub fn is_vanished(&self, path: &str) -> bool {
        self.vanished
            .binary_search_by(|p| p.as_str().cmp(path))
            .is_ok()
    }
}

/// Plans a run: `existing` is every catalog row with whether it has this model's vector.
pub(crate) fn plan(existing: Vec<(PhotoRow, bool)>, walks: Vec<RootWalk>) -> Plan {
    let mut plan = Plan::default();
    let mut files = Vec::new();
    for walk in walks {
        match walk.files {
            Some(found) => {
                files.extend(found);
                plan.online_roots.push(walk.root);
            }
            None => plan.offline_roots.push(walk.root),
        }
    }
    plan.scanned = files.len();
    let by_path: HashMap<&str, &(PhotoRow, bool)> =
        existing.iter().map(|e| (e.0.path.as_str(), e)).collect();
    let seen: HashSet<String> = files.iter().map(|f| to_text(&f.path)).collect();
    for f in files {
        let current = by_path
            .get(to_text(&f.path).as_str())
            .is_some_and(|(row, embedded)| {
                row.size == f.size
                    && row.mtime_ns == f.mtime_ns
                    && (row.status == Status::Failed || *embedded)
            });
        if current {
            plan.unchanged += 1;
        } else {
            plan.to_read.push(f);
        }
    }
    plan.vanished = existing
        .iter()
        .filter(|(r, _)| plan.online_roots.contains(&r.root) && !seen.contains(&r.path))
        .map(|(r, _)| r.path.clone())
        .collect();
    plan.vanished.sort();
    for (row, embedded) in &existing {
        if *embedded && row.status != Status::Failed {
            let vanished = plan.is_vanished(&row.path);
            let source = plan
                .known
                .entry(row.id.clone())
                .or_insert_with(|| row.path.clone());
            if vanished {
                *source = row.path.clone();
            }
        }
    }
    plan
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn row(path: &str, root: &str, id: &str, status: Status) -> PhotoRow {
        let mut r = PhotoRow::failed(path.into(), root.into(), id.into(), 10, 1, String::new());
        r.status = status;
        r
    }

    fn file(path: &str, size: u64, mtime_ns: i64) -> FileEntry {
        FileEntry {
            path: PathBuf::from(path),
            size,
            mtime_ns,
        }
    }

    fn online(root: &str, files: Vec<FileEntry>) -> RootWalk {
        RootWalk {
            root: root.into(),
            files: Some(files),
        }
    }

    #[test]
    fn unchanged_files_are_skipped_and_changed_or_unembedded_ones_read() {
        let existing = vec![
            (row("/r/same.jpg", "/r", "a", Status::Ok), true),
            (row("/r/touched.jpg", "/r", "b", Status::Ok), true),
            (row("/r/other-model.jpg", "/r", "c", Status::Ok), false),
            (row("/r/broken.jpg", "/r", "", Status::Failed), false),
        ];
        let walks = vec![online(
            "/r",
            vec![
                file("/r/same.jpg", 10, 1),
                file("/r/touched.jpg", 10, 2),
                file("/r/other-model.jpg", 10, 1),
                file("/r/broken.jpg", 10, 1),
                file("/r/new.jpg", 5, 1),
            ],
        )];
        let plan = plan(existing, walks);
        assert_eq!(plan.scanned, 5);
        assert_eq!(plan.unchanged, 2, "same.jpg and the unchanged failure");
        let read: Vec<String> = plan.to_read.iter().map(|f| to_text(&f.path)).collect();
        assert_eq!(read, ["/r/touched.jpg", "/r/other-model.jpg", "/r/new.jpg"]);
        assert!(plan.vanished.is_empty());
    }

    #[test]
    fn gone_files_vanish_only_under_online_roots() {
        let existing = vec![
            (row("/r/gone.jpg", "/r", "a", Status::Ok), true),
            (row("/drive/away.jpg", "/drive", "b", Status::Offline), true),
        ];
        let walks = vec![
            online("/r", vec![]),
            RootWalk {
                root: "/drive".into(),
                files: None,
            },
        ];
        let plan = plan(existing, walks);
        assert_eq!(plan.vanished, ["/r/gone.jpg"]);
        assert_eq!(plan.offline_roots, ["/drive"]);
        assert_eq!(plan.online_roots, ["/r"]);
    }

    #[test]
    fn known_content_prefers_a_vanished_path_as_its_source() {
        let existing = vec![
            (row("/r/copy.jpg", "/r", "same", Status::Ok), true),
            (row("/r/old-name.jpg", "/r", "same", Status::Ok), true),
            (row("/r/failed.jpg", "/r", "bad", Status::Failed), false),
        ];
        let walks = vec![online(
            "/r",
            vec![file("/r/copy.jpg", 10, 1), file("/r/failed.jpg", 10, 1)],
        )];
        let plan = plan(existing, walks);
        assert_eq!(plan.known["same"], "/r/old-name.jpg");
        assert!(
            !plan.known.contains_key("bad"),
            "failed content is not known"
        );
        assert!(plan.is_vanished("/r/old-name.jpg") && !plan.is_vanished("/r/copy.jpg"));
    }

    #[test]
    fn a_path_belongs_to_its_longest_root_and_roots_are_folders() {
        let plan = plan(
            vec![],
            vec![online("/p", vec![]), online("/p/nested", vec![])],
        );
        assert_eq!(plan.root_of(Path::new("/p/nested/x.jpg")), "/p/nested");
        assert_eq!(plan.root_of(Path::new("/p/nestedx/y.jpg")), "/p");
        assert_eq!(plan.root_of(Path::new("/q/z.jpg")), "");
    }
}
