//! Helpers shared by the CLI tests that run the `iris` binary with a model folder: the
//! parity fixtures' folder, the command with the model and library set (and the user's
//! environment left out), and its JSON output.

#![allow(dead_code)]

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// iris-clip's test fixtures (the tiny parity models of each family).
pub fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../iris-clip/tests/fixtures")
}

/// `iris --model MODEL --library LIBRARY ARGS...`, not yet run.
pub fn iris_command(model: &Path, library: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_iris"));
    command
        .arg("--model")
        .arg(model)
        .arg("--library")
        .arg(library)
        .args(args)
        .env_remove("IRIS_MODEL")
        .env_remove("IRIS_LIBRARY");
    command
}

/// Runs [`iris_command`] to its end.
pub fn iris(model: &Path, library: &Path, args: &[&str]) -> Output {
    iris_command(model, library, args).output().unwrap()
}

/// The JSON a successful run printed (its stderr shown when it failed).
pub fn stdout_json(out: &Output) -> Value {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "stderr: {stderr}");
    serde_json::from_slice(&out.stdout).unwrap()
}
