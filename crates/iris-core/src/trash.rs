//! Moving photos to the desktop's trash, never deleting them: the freedesktop.org trash
//! specification, which GNOME, KDE and the other Linux desktops follow. A file goes to the home
//! trash (`$XDG_DATA_HOME/Trash`, else `~/.local/share/Trash`) when it is on the same file
//! system, else to `.Trash-UID` at the top of its own mount; it is only ever renamed there,
//! never copied and deleted, so a failure leaves it where it was. Its `.trashinfo` (original
//! path, deletion time) is written first, so the desktop can restore it. (The `trash` crate
//! does the same, but adding it changed the build's shared dependencies' features; this is
//! the spec's few steps.)

use crate::error::{CoreError, Result};
use std::io::Write;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

/// The home trash folder.
pub(crate) fn home_trash() -> PathBuf {
    std::env::var_os("XDG_DATA_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| dirs::home_dir().map(|h| h.join(".local/share")))
        .unwrap_or_else(std::env::temp_dir)
        .join("Trash")
}

/// The path as the spec writes it: percent-encoded bytes, `/` and unreserved ones kept.
fn encoded(path: &Path) -> String {
    path.as_os_str()
        .as_bytes()
        .iter()
        .map(|&b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Now as the spec's `DeletionDate` (YYYY-MM-DDThh:mm:ss; UTC, the clock the catalog keeps).
fn deletion_date() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    let (y, m, d) = crate::calendar::civil_from_days(secs.div_euclid(86_400));
    let t = secs.rem_euclid(86_400);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}",
        t / 3600,
        t % 3600 / 60,
        t % 60
    )
}

/// The trash folder for `file`: the home trash on the same file system, else the mount's own.
fn trash_for(file: &Path, home: &Path) -> Result<PathBuf> {
    let device = |p: &Path| std::fs::metadata(p).map(|m| m.dev());
    let file_dev = device(file).map_err(|e| CoreError::io(file, e))?;
    std::fs::create_dir_all(home).map_err(|e| CoreError::io(home, e))?;
    if device(home).is_ok_and(|d| d == file_dev) {
        return Ok(home.to_path_buf());
    }
    // The top of the file's mount: the last folder up its path on the same device.
    let mut top = file.parent().unwrap_or(file).to_path_buf();
    while let Some(up) = top.parent() {
        if device(up).map_or(true, |d| d != file_dev) {
            break;
        }
        top = up.to_path_buf();
    }
    // The user's id: the owner of the home trash, which this user just made or owns.
    let uid = std::fs::metadata(home)
        .map_err(|e| CoreError::io(home, e))?
        .uid();
    Ok(top.join(format!(".Trash-{uid}")))
}

/// Moves `file` (absolute) into the trash `home` or its mount's; where it went.
pub(crate) fn move_to_trash(file: &Path, home: &Path) -> Result<PathBuf> {
    let trash = trash_for(file, home)?;
    let (files, info) = (trash.join("files"), trash.join("info"));
    for dir in [&files, &info] {
        std::fs::create_dir_all(dir).map_err(|e| CoreError::io(dir, e))?;
    }
    let name = file
        .file_name()
        .ok_or_else(|| CoreError::Invalid(format!("\"{}\" names no file", file.display())))?;
    for n in 1..10_000 {
        let mut candidate = name.to_os_string();
        if n > 1 {
            candidate.push(format!(".{n}"));
        }
        let mut info_name = candidate.clone();
        info_name.push(".trashinfo");
        let info_path = info.join(&info_name);
        // Claiming the info file's name first makes the name ours (the spec's way).
        let mut claimed = match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&info_path)
        {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(CoreError::io(&info_path, e)),
        };
        let text = format!(
            "[Trash Info]\nPath={}\nDeletionDate={}\n",
            encoded(file),
            deletion_date()
        );
        let target = files.join(&candidate);
        let moved = claimed
            .write_all(text.as_bytes())
            .map_err(|e| CoreError::io(&info_path, e))
            .and_then(|()| {
                if target.exists() {
                    return Err(CoreError::Invalid(format!(
                        "\"{}\" exists",
                        target.display()
                    )));
                }
                std::fs::rename(file, &target).map_err(|e| CoreError::io(file, e))
            });
        if let Err(e) = moved {
            let _ = std::fs::remove_file(&info_path);
            return Err(e);
        }
        return Ok(target);
    }
    Err(CoreError::Invalid(format!(
        "the trash holds too many files named \"{}\"",
        name.to_string_lossy()
    )))
}

/// What [`Library::trash`] did: the paths moved to the trash, and those it could not move.
#[derive(Debug, Clone, PartialEq, serde::Serialize, ts_rs::TS)]
pub struct TrashReport {
    pub moved: Vec<String>,
    pub failed: Vec<crate::Failure>,
}

impl crate::Library {
    /// Moves photos (catalog paths) to the trash and drops their rows from the catalog; a path
    /// the catalog does not hold, or one that cannot be moved, is reported and stays.
    pub fn trash(&self, paths: &[String]) -> Result<TrashReport> {
        self.trash_into(paths, &home_trash())
    }

    pub(crate) fn trash_into(&self, paths: &[String], home: &Path) -> Result<TrashReport> {
        self.writable()?;
        // Only the rows of the paths asked for, not the whole catalog.
        let asked =
            crate::catalog::RowFilter::only(crate::catalog::Condition::Paths(paths.to_vec()));
        let known: std::collections::HashSet<String> = self
            .catalog()
            .rows(&asked, false, paths.len() + 1)?
            .into_iter()
            .map(|r| r.path)
            .collect();
        let mut report = TrashReport {
            moved: Vec::new(),
            failed: Vec::new(),
        };
        for path in paths {
            let result = if known.contains(path) {
                move_to_trash(&crate::paths::to_path(path), home).map(|_| ())
            } else {
                Err(CoreError::Invalid("is not a photo of this library".into()))
            };
            match result {
                Ok(()) => report.moved.push(path.clone()),
                Err(e) => report.failed.push(crate::Failure {
                    path: path.clone(),
                    reason: e.to_string(),
                }),
            }
        }
        if !report.moved.is_empty() {
            let _writer = crate::WriterLock::acquire(self.dir(), &mut |_| {})?;
            self.catalog().delete_paths(&report.moved)?;
        }
        Ok(report)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_moves_into_the_trash_with_its_info_and_a_second_of_that_name_gets_its_own() {
        let dir = tempfile::tempdir().unwrap();
        let home = dir.path().join("share/Trash");
        let photos = dir.path().join("my photos");
        std::fs::create_dir_all(&photos).unwrap();
        for round in 0..2 {
            let file = photos.join("IMG 1%.jpg");
            std::fs::write(&file, [round]).unwrap();
            let moved = move_to_trash(&file, &home).unwrap();
            assert!(!file.exists());
            assert_eq!(std::fs::read(&moved).unwrap(), [round]);
            let info_name = format!("{}.trashinfo", moved.file_name().unwrap().to_string_lossy());
            let info = std::fs::read_to_string(home.join("info").join(info_name)).unwrap();
            assert!(info.starts_with("[Trash Info]\nPath="));
            assert!(info.contains("my%20photos/IMG%201%25.jpg"), "{info}");
            assert!(info.contains("DeletionDate=20"));
        }
        assert!(home.join("files/IMG 1%.jpg").is_file());
        assert!(home.join("files/IMG 1%.jpg.2").is_file());
    }

    #[test]
    fn a_missing_file_is_an_error_and_leaves_no_info_behind() {
        let dir = tempfile::tempdir().unwrap();
        let home = dir.path().join("Trash");
        assert!(move_to_trash(&dir.path().join("gone.jpg"), &home).is_err());
        let infos = std::fs::read_dir(home.join("info")).map_or(0, |d| d.count());
        assert_eq!(infos, 0);
    }
}
