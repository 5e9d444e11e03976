//! The folder tree of the roots, for the sidebar: each root and every folder under it that
//! holds photos (itself or below), with the number of photos in it and below, in tree order
//! (a folder, then its subfolders by name). Failed files are not photos and do not count.

use crate::catalog::{Catalog, Condition, RowFilter};
use crate::error::Result;
use crate::row::Status;
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// One folder of the tree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct Folder {
    /// Absolute path: what a folder filter takes.
    pub path: String,
    /// The last path component (the whole path for a root).
    pub name: String,
    /// 0 for a root, 1 for a folder in it, and so on.
    pub depth: u32,
    /// Photos in this folder and below.
    pub photos: usize,
    /// Whether subfolders with photos follow it in the list.
    pub has_children: bool,
}

/// The tree of `roots` from the catalog's rows.
pub(crate) fn folders(catalog: &Catalog, roots: &[PathBuf]) -> Result<Vec<Folder>> {
    let photos = RowFilter::only(Condition::NotStatus(Status::Failed));
    let n = catalog.count(&photos)?;
    let mut counts: BTreeMap<PathBuf, usize> = roots.iter().map(|r| (r.clone(), 0)).collect();
    for row in catalog.rows(&photos, false, n)? {
        let path = crate::paths::to_path(&row.path);
        let Some(root) = roots
            .iter()
            .filter(|r| path.starts_with(r))
            .max_by_key(|r| r.as_os_str().len())
        else {
            continue;
        };
        let mut folder = path.parent();
        while let Some(f) = folder.filter(|f| f.starts_with(root)) {
            *counts.entry(f.to_path_buf()).or_default() += 1;
            folder = f.parent();
        }
    }
    let mut out = Vec::with_capacity(counts.len());
    for root in roots {
        // BTreeMap order of paths is tree order: a folder sorts before everything below it.
        let under: Vec<(&PathBuf, &usize)> = counts
            .range(root.clone()..)
            .take_while(|(p, _)| p.starts_with(root))
            .collect();
        for (i, (path, photos)) in under.iter().enumerate() {
            let depth = path
                .strip_prefix(root)
                .map_or(0, |rel| rel.components().count()) as u32;
            let has_children = under
                .get(i + 1)
                .is_some_and(|(next, _)| next.starts_with(path));
            let name = if depth == 0 {
                path.to_string_lossy().into_owned()
            } else {
                path.file_name()
                    .map_or(String::new(), |n| n.to_string_lossy().into_owned())
            };
            out.push(Folder {
                path: crate::paths::to_text(path),
                name,
                depth,
                photos: **photos,
                has_children,
            });
        }
    }
    Ok(out)
}
