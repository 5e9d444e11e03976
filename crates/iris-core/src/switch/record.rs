//! The switch a library is in the middle of, kept in `switch.json` in the library folder so
//! that a switch outlives the process that started it: the next start (after a quit, a crash
//! or kill -9) reads it and resumes the re-embedding where the catalog's commits left it.

use crate::error::{CoreError, Result};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

const FILE: &str = "switch.json";

/// A model switch under way.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(rename = "PendingSwitch")]
pub struct SwitchRecord {
    /// The name of the model that serves search until the switch completes.
    pub from: String,
    /// The spec of the model switched to ("demo", a repo id or a folder).
    pub to: String,
    /// The name its vectors are stored under.
    pub to_name: String,
    /// Its vector column, once the model has loaded (its width is known only then).
    pub to_column: Option<String>,
}

fn path(dir: &Path) -> PathBuf {
    dir.join(FILE)
}

/// The switch recorded in the library `dir`, if any.
pub(crate) fn read(dir: &Path) -> Result<Option<SwitchRecord>> {
    let file = path(dir);
    match std::fs::read(&file) {
        Ok(bytes) => serde_json::from_slice(&bytes)
            .map(Some)
            .map_err(|e| CoreError::Invalid(format!("{} is corrupt: {e}", file.display()))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(CoreError::io(&file, e)),
    }
}

/// Records a switch (replacing one recorded before), atomically.
pub(crate) fn write(dir: &Path, record: &SwitchRecord) -> Result<()> {
    crate::atomic::write_json(&path(dir), record)
}

/// Forgets the recorded switch (done or given up); no record is not an error.
pub(crate) fn clear(dir: &Path) -> Result<()> {
    match std::fs::remove_file(path(dir)) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(CoreError::io(path(dir), e)),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_round_trips_and_a_corrupt_one_is_named() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(read(dir.path()).unwrap(), None);
        let record = SwitchRecord {
            from: "demo".into(),
            to: "/models/siglip".into(),
            to_name: "siglip".into(),
            to_column: Some("vec_siglip_32".into()),
        };
        write(dir.path(), &record).unwrap();
        assert_eq!(read(dir.path()).unwrap(), Some(record));
        clear(dir.path()).unwrap();
        clear(dir.path()).unwrap();
        assert_eq!(read(dir.path()).unwrap(), None);
        std::fs::write(dir.path().join(FILE), "{").unwrap();
        let e = read(dir.path()).unwrap_err().to_string();
        assert!(e.contains("switch.json is corrupt"), "{e}");
    }
}
