//! Which version of the library's layout (catalog columns, roots, saved searches, caches) a
//! library was written with: `schema.json` in the library folder. A library written by a newer
//! Iris, whose layout this one does not know, is opened for reading only: search and browsing
//! work, and every write (indexing, adding roots, saved searches) fails with an error that
//! says so, so this Iris never writes rows without columns it does not know about. A library
//! from before the file existed is this layout; it gets the file when it is first opened.

use crate::error::{CoreError, Result};
use serde::{Deserialize, Serialize};
use std::path::Path;

/// The layout this Iris writes.
pub const SCHEMA: u32 = 1;

const FILE: &str = "schema.json";

#[derive(Serialize, Deserialize)]
struct Stamp {
    schema: u32,
    written_by: String,
}

/// The reason a library in `dir` must not be written by this Iris, if there is one. Records
/// this layout in a library that has no stamp yet (a new or older library; a read-only one
/// stays unstamped).
pub(crate) fn check(dir: &Path) -> Result<Option<String>> {
    let path = dir.join(FILE);
    match std::fs::read(&path) {
        Ok(bytes) => {
            let stamp: Stamp = serde_json::from_slice(&bytes)
                .map_err(|e| CoreError::Invalid(format!("{} is corrupt: {e}", path.display())))?;
            Ok((stamp.schema > SCHEMA).then(|| {
                format!(
                    "this library was written by a newer Iris ({}, library layout {}); this Iris \
                     (layout {SCHEMA}) can search it but not change it: update Iris to index it",
                    stamp.written_by, stamp.schema
                )
            }))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let stamp = Stamp {
                schema: SCHEMA,
                written_by: format!("iris {}", env!("CARGO_PKG_VERSION")),
            };
            let json =
                serde_json::to_vec_pretty(&stamp).map_err(|e| CoreError::Invalid(e.to_string()))?;
            match crate::atomic::write(&path, &json) {
                Err(e) if e.is_read_only() => Ok(None),
                written => written.map(|()| None),
            }
        }
        Err(e) => Err(CoreError::io(&path, e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_library_is_stamped_and_a_newer_one_refuses_writes() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(check(dir.path()).unwrap(), None);
        let text = std::fs::read_to_string(dir.path().join(FILE)).unwrap();
        assert!(text.contains("\"schema\": 1"), "{text}");
        assert_eq!(check(dir.path()).unwrap(), None);
        std::fs::write(
            dir.path().join(FILE),
            r#"{"schema": 7, "written_by": "iris 9.0.0"}"#,
        )
        .unwrap();
        let reason = check(dir.path()).unwrap().unwrap();
        assert!(
            reason.contains("newer Iris (iris 9.0.0, library layout 7)"),
            "{reason}"
        );
        std::fs::write(dir.path().join(FILE), "{").unwrap();
        assert!(check(dir.path())
            .unwrap_err()
            .to_string()
            .contains("corrupt"));
    }
}
