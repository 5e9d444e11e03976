//! The demo model, a small CLIP trained by the project on synthetic shapes (assets/demo-model,
//! see its README), built into the binary so that `--model demo` works offline from anywhere.
//! It is written once into a cache folder and then loaded like any other model folder.

use crate::error::{ClipError, Result};
use crate::hub::{ModelFiles, MODEL_FILES};
use std::path::{Path, PathBuf};

/// The spec that selects the demo model.
pub const DEMO_MODEL: &str = "demo";

const FILES: [(&str, &[u8]); 4] = [
    (
        MODEL_FILES[0],
        include_bytes!("../../../assets/demo-model/config.json"),
    ),
    (
        MODEL_FILES[1],
        include_bytes!("../../../assets/demo-model/tokenizer.json"),
    ),
    (
        MODEL_FILES[2],
        include_bytes!("../../../assets/demo-model/preprocessor_config.json"),
    ),
    (
        MODEL_FILES[3],
        include_bytes!("../../../assets/demo-model/model.safetensors"),
    ),
];

/// A folder name that changes whenever the embedded files do.
fn folder_name() -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for (_, bytes) in FILES {
        for &b in bytes.iter().step_by(97) {
            hash = (hash ^ b as u64).wrapping_mul(0x0100_0000_01b3);
        }
        hash ^= bytes.len() as u64;
    }
    format!("demo-model-{hash:016x}")
}

/// Iris's cache folder: `$IRIS_CACHE_DIR` when set (the test script points it at a temporary
/// folder), else `$XDG_CACHE_HOME/iris` or `~/.cache/iris`.
pub(crate) fn cache_root() -> PathBuf {
    if let Some(dir) = std::env::var_os("IRIS_CACHE_DIR") {
        return PathBuf::from(dir);
    }
    std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".cache")))
        .unwrap_or_else(std::env::temp_dir)
        .join("iris")
}

/// Writes the demo model's files (once) and returns them.
pub fn materialize() -> Result<ModelFiles> {
    let dir = cache_root().join(folder_name());
    if !dir.join(MODEL_FILES[3]).is_file() {
        let io = |path: &Path, source| ClipError::Io {
            path: path.to_path_buf(),
            source,
        };
        let tmp = dir.with_extension(format!("tmp{}", std::process::id()));
        std::fs::create_dir_all(&tmp).map_err(|e| io(&tmp, e))?;
        for (name, bytes) in FILES {
            std::fs::write(tmp.join(name), bytes).map_err(|e| io(&tmp.join(name), e))?;
        }
        if let Err(e) = std::fs::rename(&tmp, &dir) {
            // Another process may have written it first.
            let _ = std::fs::remove_dir_all(&tmp);
            if !dir.join(MODEL_FILES[3]).is_file() {
                return Err(io(&dir, e));
            }
        }
    }
    Ok(ModelFiles::in_folder(&dir))
}
