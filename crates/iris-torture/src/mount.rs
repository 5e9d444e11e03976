//! File systems mounted for a case and unmounted when it ends (root only): a small tmpfs to
//! fill, a folder bound read-only over itself.

use std::path::{Path, PathBuf};
use std::process::Command;

/// Whether this process runs as root (mounting needs it).
pub fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|out| String::from_utf8_lossy(&out.stdout).trim() == "0")
}

fn mount(args: &[&str], at: &Path) -> Result<(), String> {
    let out = Command::new("mount")
        .args(args)
        .arg(at)
        .output()
        .map_err(|e| format!("mount: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "mount {args:?}: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}

/// A mount made for the case, unmounted when dropped.
pub struct Mount(pub PathBuf);

impl Mount {
    /// A tmpfs of `size` ("24m") at `at`.
    pub fn tmpfs(at: &Path, size: &str) -> Result<Self, String> {
        std::fs::create_dir_all(at).map_err(|e| e.to_string())?;
        mount(&["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"], at)?;
        Ok(Self(at.to_path_buf()))
    }

    /// The folder `at` bound over itself, read-only.
    pub fn read_only(at: &Path) -> Result<Self, String> {
        let source = at.to_str().ok_or("the folder's path is not UTF-8")?;
        mount(&["--bind", source], at)?;
        let bound = Self(at.to_path_buf());
        mount(&["-o", "remount,bind,ro"], at)?;
        Ok(bound)
    }
}

impl Drop for Mount {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.0).status();
    }
}
