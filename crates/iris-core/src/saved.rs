//! Saved searches: a query's words and filters (its search box text in the grammar), the
//! sidebar folder, "more like this" ids, the Diverse toggle and the cut-off, kept under a
//! name in the library's `saved.json` and run again live (photos indexed since that match
//! are in it). Image files are not kept: a saved search must mean the same later.

use crate::error::{CoreError, Result};
use crate::search::{default_cutoff, Hit, Query};
use serde::{Deserialize, Serialize};
use std::path::Path;

/// Results a saved search is counted over.
pub const COUNT_DEPTH: usize = 1000;

/// A search kept under a name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct SavedSearch {
    pub name: String,
    /// The search box text, in the grammar: words, negatives and filters.
    pub text: String,
    /// The sidebar folder it searches in.
    #[serde(default)]
    pub folder: Option<String>,
    /// Ids of photos it searches like.
    #[serde(default)]
    pub like: Vec<String>,
    #[serde(default)]
    pub diverse: bool,
    /// The cut-off it was saved with; none: each run's default cut-off.
    #[serde(default)]
    pub cutoff: Option<f32>,
}

/// A saved search with the number of photos it finds now.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct SavedCount {
    pub search: SavedSearch,
    /// Photos at or above its cut-off (every photo its filters admit for filters alone).
    pub photos: usize,
    /// Why it cannot run now (a "more like this" photo gone from the library), if it cannot.
    pub problem: Option<String>,
}

impl SavedSearch {
    /// The query it runs, of up to `k` results.
    pub fn query(&self, k: usize) -> Result<Query> {
        let mut q = Query::from_text(&self.text)?;
        q.filter.folder.clone_from(&self.folder);
        q.like.clone_from(&self.like);
        q.diverse = self.diverse;
        q.k = k;
        Ok(q)
    }

    /// How many of `hits` (its results, in order) it shows: those at or above its cut-off, and
    /// the matches of its words.
    pub fn shown(&self, hits: &[Hit]) -> usize {
        let scores: Vec<f32> = hits.iter().map(|h| h.score).collect();
        match self.cutoff.or_else(|| default_cutoff(&scores)) {
            Some(c) if hits.iter().any(|h| h.score != 0.0) => {
                hits.iter().filter(|h| h.score >= c || h.matched).count()
            }
            _ => hits.len(),
        }
    }
}

fn file(dir: &Path) -> std::path::PathBuf {
    dir.join("saved.json")
}

/// The saved searches of the library in `dir`, in the order they were saved.
pub(crate) fn read(dir: &Path) -> Result<Vec<SavedSearch>> {
    let path = file(dir);
    match std::fs::read_to_string(&path) {
        Ok(text) => serde_json::from_str(&text).map_err(|e| {
            CoreError::Invalid(format!(
                "\"{}\" is not a saved-search list: {e}",
                path.display()
            ))
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
        Err(e) => Err(CoreError::io(&path, e)),
    }
}

fn write(dir: &Path, saved: &[SavedSearch]) -> Result<()> {
    let json =
        serde_json::to_string_pretty(saved).map_err(|e| CoreError::Invalid(e.to_string()))?;
    crate::atomic::write(&file(dir), json.as_bytes())
}

/// Saves `search` (replacing one of the same name), once its name and text are good.
pub(crate) fn save(dir: &Path, search: SavedSearch) -> Result<()> {
    let name = search.name.trim();
    if name.is_empty() {
        return Err(CoreError::Invalid("a saved search needs a name".into()));
    }
    let q = search.query(1)?;
    if !q.has_positive() && q.filter.is_empty() {
        return Err(CoreError::Invalid(format!(
            "\"{name}\" has nothing to search for: give words, a filter or a photo"
        )));
    }
    let search = SavedSearch {
        name: name.to_string(),
        ..search
    };
    let mut saved = read(dir)?;
    match saved.iter_mut().find(|s| s.name == search.name) {
        Some(old) => *old = search,
        None => saved.push(search),
    }
    write(dir, &saved)
}

/// Deletes the saved search of this name; whether there was one.
pub(crate) fn delete(dir: &Path, name: &str) -> Result<bool> {
    let mut saved = read(dir)?;
    let before = saved.len();
    saved.retain(|s| s.name != name);
    if saved.len() == before {
        return Ok(false);
    }
    write(dir, &saved)?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn search(name: &str, text: &str) -> SavedSearch {
        SavedSearch {
            name: name.into(),
            text: text.into(),
            folder: None,
            like: vec![],
            diverse: false,
            cutoff: None,
        }
    }

    #[test]
    fn searches_are_kept_by_name_replaced_and_deleted() {
        let dir = tempfile::tempdir().unwrap();
        assert!(read(dir.path()).unwrap().is_empty());
        save(dir.path(), search(" beach ", "beach -people after:2019")).unwrap();
        save(dir.path(), search("lisbon", "in:\"2019 Lisbon\"")).unwrap();
        save(dir.path(), search("beach", "beach at sunset")).unwrap();
        let saved = read(dir.path()).unwrap();
        let names: Vec<&str> = saved.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["beach", "lisbon"], "trimmed, replaced in place");
        assert_eq!(saved[0].text, "beach at sunset");
        assert!(delete(dir.path(), "beach").unwrap());
        assert!(!delete(dir.path(), "beach").unwrap());
        assert_eq!(read(dir.path()).unwrap().len(), 1);
    }

    #[test]
    fn a_bad_search_is_not_saved_and_says_why() {
        let dir = tempfile::tempdir().unwrap();
        let e = save(dir.path(), search("", "beach")).unwrap_err();
        assert!(e.to_string().contains("needs a name"), "{e}");
        let e = save(dir.path(), search("x", "beach after:soon")).unwrap_err();
        assert!(e.to_string().contains("after:soon is not a date"), "{e}");
        let e = save(dir.path(), search("x", "-people")).unwrap_err();
        assert!(e.to_string().contains("nothing to search for"), "{e}");
        assert!(read(dir.path()).unwrap().is_empty());
        std::fs::write(dir.path().join("saved.json"), "{oops").unwrap();
        assert!(read(dir.path())
            .unwrap_err()
            .to_string()
            .contains("saved-search list"));
    }
}
