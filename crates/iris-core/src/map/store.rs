//! The map cached in the library: `map/<vector column>.json` holds every photo's position
//! and the anchors that place new photos, for one model. A missing, unreadable or older-format
//! file is no map (it is computed again); writes go through a temporary file and a rename, so
//! a crash leaves the old map or the new one.

use super::layout::Anchors;
use crate::error::Result;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Bumped when the layout method changes: older maps are computed again.
const FORMAT: u32 = 1;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct StoredMap {
    format: u32,
    /// Photos in the last full layout (the rest were placed later).
    pub(crate) laid_out: usize,
    pub(crate) anchors: Anchors,
    /// Position by content id.
    pub(crate) points: HashMap<String, [f32; 2]>,
}

impl StoredMap {
    pub(crate) fn new(
        laid_out: usize,
        anchors: Anchors,
        points: HashMap<String, [f32; 2]>,
    ) -> Self {
        Self {
            format: FORMAT,
            laid_out,
            anchors,
            points,
        }
    }
}

fn file(library: &Path, column: &str) -> PathBuf {
    library.join("map").join(format!("{column}.json"))
}

/// The stored map of this model's column, if there is a usable one.
pub(crate) fn read(library: &Path, column: &str) -> Option<StoredMap> {
    let text = std::fs::read(file(library, column)).ok()?;
    serde_json::from_slice::<StoredMap>(&text)
        .ok()
        .filter(|m| m.format == FORMAT)
}

pub(crate) fn write(library: &Path, column: &str, map: &StoredMap) -> Result<()> {
    crate::atomic::write_json(&file(library, column), map)
}
