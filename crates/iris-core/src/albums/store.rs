//! The albums of a library, in `albums.json`: each album's name and its examples (content
//! ids: the photos it was made from and accepted suggestions, and the photos marked "not
//! this"). The members are not stored: they are ranked anew from the examples, so an album
//! follows newly indexed photos and any model. Changes are made under `albums.lock`.

use crate::error::{CoreError, Result};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// Longest album name accepted, in characters.
const MAX_NAME: usize = 80;

/// An album's definition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct Album {
    pub name: String,
    /// Photos that belong (chosen or accepted), by content id.
    pub positives: Vec<String>,
    /// Photos marked "not this", by content id.
    pub negatives: Vec<String>,
}

fn file(library: &Path) -> PathBuf {
    library.join("albums.json")
}

/// The albums, in the order they were made.
pub(crate) fn read(library: &Path) -> Result<Vec<Album>> {
    let path = file(library);
    match std::fs::read(&path) {
        Ok(bytes) => serde_json::from_slice(&bytes)
            .map_err(|e| CoreError::Invalid(format!("{} is corrupt: {e}", path.display()))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
        Err(e) => Err(CoreError::io(&path, e)),
    }
}

/// An album name as stored: trimmed; empty, too long or with control characters refused.
pub(crate) fn checked_name(name: &str) -> Result<String> {
    let name = name.trim();
    if name.is_empty() {
        return Err(CoreError::Invalid("an album needs a name".into()));
    }
    if name.chars().count() > MAX_NAME || name.chars().any(char::is_control) {
        return Err(CoreError::Invalid(format!(
            "an album name is at most {MAX_NAME} characters without line breaks: \"{name}\""
        )));
    }
    Ok(name.to_string())
}

/// Reads the albums, lets `change` edit them under the lock, and writes them back when it
/// returns true.
pub(crate) fn update<T>(
    library: &Path,
    change: impl FnOnce(&mut Vec<Album>) -> Result<(bool, T)>,
) -> Result<T> {
    let _lock = crate::lock::exclusive(&library.join("albums.lock"))?;
    let mut albums = read(library)?;
    let (changed, out) = change(&mut albums)?;
    if changed {
        crate::atomic::write_json(&file(library), &albums)?;
    }
    Ok(out)
}

/// The index of the album named `name`, or an error naming it.
pub(crate) fn position(albums: &[Album], name: &str) -> Result<usize> {
    albums
        .iter()
        .position(|a| a.name == name.trim())
        .ok_or_else(|| CoreError::Invalid(format!("there is no album named \"{}\"", name.trim())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn albums_are_written_under_the_lock_and_read_back_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let album = |name: &str| Album {
            name: name.into(),
            positives: vec!["a".into()],
            negatives: vec![],
        };
        update(dir.path(), |albums| {
            albums.push(album("b"));
            albums.push(album("a"));
            Ok((true, ()))
        })
        .unwrap();
        let names: Vec<String> = read(dir.path())
            .unwrap()
            .into_iter()
            .map(|a| a.name)
            .collect();
        assert_eq!(names, ["b", "a"]);
        assert_eq!(position(&read(dir.path()).unwrap(), " a ").unwrap(), 1);
        assert!(position(&[], "x")
            .unwrap_err()
            .to_string()
            .contains("no album named \"x\""));
        std::fs::write(dir.path().join("albums.json"), "[").unwrap();
        assert!(read(dir.path())
            .unwrap_err()
            .to_string()
            .contains("corrupt"));
    }

    #[test]
    fn a_name_is_trimmed_and_must_be_short_and_one_line() {
        assert_eq!(checked_name("  Beach days ").unwrap(), "Beach days");
        assert!(checked_name(" ").is_err());
        assert!(checked_name("a\nb").is_err());
        assert!(checked_name(&"x".repeat(81)).is_err());
    }
}
