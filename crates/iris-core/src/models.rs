//! Models for a library: a spec ("demo", a model folder, or a Hugging Face repo id) resolved,
//! downloaded with progress and loaded. The CLI and the desktop app get their model only
//! through here, so the resolve -> load -> open sequence exists once.

use crate::error::Result;
use iris_clip::Clip;
use std::path::Path;

pub use iris_clip::{kernel_target, DownloadProgress, DEFAULT_MODEL, DEMO_MODEL};

/// The name a model's vectors are stored under: "demo", a repo id as given, or a local
/// folder's name (so that moving the folder keeps the column).
pub fn model_name(spec: &str) -> String {
    let path = Path::new(spec);
    if spec == DEMO_MODEL || !path.is_dir() {
        return spec.to_string();
    }
    path.canonicalize()
        .ok()
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_else(|| spec.to_string())
}

/// A loaded model and the name its vectors are stored under.
pub struct Model {
    pub clip: Clip,
    pub name: String,
}

/// Resolves `spec` (downloading what is missing, reporting as `progress` says) and loads it.
/// A model that is neither cached nor downloadable now fails with
/// [`crate::CoreError::ModelOffline`], whose reason and advice stay apart.
pub fn load(spec: &str, progress: DownloadProgress) -> Result<Model> {
    let files = iris_clip::resolve_with(spec, progress)?;
    Ok(Model {
        clip: Clip::load(&files)?,
        name: model_name(spec),
    })
}

/// Sets the number of CPU threads the model computes with; call it before the first load.
pub fn set_threads(threads: usize) {
    iris_clip::set_threads(threads);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_keep_repo_ids_and_take_a_folders_own_name() {
        assert_eq!(model_name("demo"), "demo");
        assert_eq!(
            model_name("openai/clip-vit-base-patch32"),
            "openai/clip-vit-base-patch32"
        );
        let dir = tempfile::tempdir().unwrap();
        let folder = dir.path().join("my-clip");
        std::fs::create_dir(&folder).unwrap();
        assert_eq!(model_name(folder.to_str().unwrap()), "my-clip");
    }

    #[test]
    fn a_missing_folder_is_a_clear_error() {
        let Err(e) = load("/no/such/model-folder", DownloadProgress::Silent) else {
            panic!("a missing folder loaded");
        };
        assert!(e.to_string().contains("/no/such/model-folder"), "{e}");
    }
}
