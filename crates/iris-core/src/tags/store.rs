//! The tags given to each photo, cached in the library per model (`tags/<vector column>.json`)
//! under a stamp of the vocabulary they were computed with: a photo indexed later is tagged
//! on its own, and a changed vocabulary (a user tag added or removed, a new Iris's list)
//! tags every photo again. A missing, unreadable or older file is no cache; writes go
//! through a temporary file and a rename.

use crate::error::Result;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Bumped when the stored layout or the calibration changes.
const FORMAT: u32 = 1;

/// One given tag as stored: the tag's index in the vocabulary, its probability within its
/// category and its cosine.
pub(crate) type StoredTag = (u32, f32, f32);

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(crate) struct StoredTags {
    format: u32,
    /// What the tags were computed with ([`stamp`]).
    pub(crate) stamp: String,
    /// The tags given, by content id, most probable first.
    pub(crate) photos: HashMap<String, Vec<StoredTag>>,
}

impl StoredTags {
    pub(crate) fn new(stamp: String) -> Self {
        Self {
            format: FORMAT,
            stamp,
            photos: HashMap::new(),
        }
    }
}

/// A stamp of the vocabulary (names, categories, order) and the calibration's settings.
pub(crate) fn stamp(names_and_groups: &[(&str, usize)], settings: &str) -> String {
    let mut hasher = blake3::Hasher::new();
    hasher.update(settings.as_bytes());
    for (name, group) in names_and_groups {
        hasher.update(name.as_bytes());
        hasher.update(&[0]);
        hasher.update(&(*group as u64).to_le_bytes());
    }
    hasher.finalize().to_hex()[..16].to_string()
}

fn file(library: &Path, column: &str) -> PathBuf {
    library.join("tags").join(format!("{column}.json"))
}

/// The stored tags of this model's column, if there is a usable file.
pub(crate) fn read(library: &Path, column: &str) -> Option<StoredTags> {
    let bytes = std::fs::read(file(library, column)).ok()?;
    serde_json::from_slice::<StoredTags>(&bytes)
        .ok()
        .filter(|t| t.format == FORMAT)
}

pub(crate) fn write(library: &Path, column: &str, tags: &StoredTags) -> Result<()> {
    crate::atomic::write_json(&file(library, column), tags)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stamp_follows_names_groups_order_and_settings() {
        let a = stamp(&[("dog", 0), ("cat", 0)], "s");
        assert_eq!(a, stamp(&[("dog", 0), ("cat", 0)], "s"));
        assert_ne!(a, stamp(&[("cat", 0), ("dog", 0)], "s"));
        assert_ne!(a, stamp(&[("dog", 0), ("cat", 1)], "s"));
        assert_ne!(a, stamp(&[("dog", 0), ("cat", 0)], "t"));
    }

    #[test]
    fn a_written_file_reads_back_and_a_corrupt_one_is_none() {
        let dir = tempfile::tempdir().unwrap();
        let mut t = StoredTags::new("x".into());
        t.photos.insert("id".into(), vec![(3, 0.5, 0.25)]);
        write(dir.path(), "vec_demo_64", &t).unwrap();
        let back = read(dir.path(), "vec_demo_64").unwrap();
        assert_eq!(back.photos["id"], [(3, 0.5, 0.25)]);
        std::fs::write(dir.path().join("tags/vec_demo_64.json"), b"{").unwrap();
        assert!(read(dir.path(), "vec_demo_64").is_none());
    }
}
