//! The `iris` command line as a separate process (the binary built beside this one), for the
//! cases that kill a process or run two at once: always the demo model, one library folder.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

/// The `iris` binary next to this one (cargo builds both into the same folder).
pub fn iris_binary() -> Result<PathBuf, String> {
    let me = std::env::current_exe().map_err(|e| e.to_string())?;
    let iris = me.with_file_name("iris");
    if iris.is_file() {
        Ok(iris)
    } else {
        Err(format!(
            "{} is missing: build the workspace (cargo build --release --all-targets)",
            iris.display()
        ))
    }
}

/// `iris --model demo --library LIBRARY ARGS...`, not yet started.
pub fn iris(library: &Path, args: &[&str]) -> Result<Command, String> {
    let mut command = Command::new(iris_binary()?);
    command
        .args(["--model", "demo", "--library"])
        .arg(library)
        .args(args)
        .stdin(Stdio::null());
    Ok(command)
}

/// Starts `iris ... index ROOT` with its output captured.
pub fn start_index(library: &Path, root: &Path) -> Result<Child, String> {
    let root = root.to_str().ok_or("the test root's path is not UTF-8")?;
    iris(library, &["index", "--workers", "2", root])?
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("starting iris: {e}"))
}

/// Waits for a started `iris` and returns what it said.
pub fn finish(child: Child) -> Result<Output, String> {
    child
        .wait_with_output()
        .map_err(|e| format!("waiting for iris: {e}"))
}
