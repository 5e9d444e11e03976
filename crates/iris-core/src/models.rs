//! Models for a library: a spec ("demo", a model folder, or a Hugging Face repo id) resolved,
//! downloaded with progress and loaded. The CLI and the desktop app get their model only
//! through here, so the resolve -> load -> open sequence exists once.

use crate::error::Result;
use iris_clip::catalogue::{KnownModel, KNOWN_MODELS};
use iris_clip::{Clip, ClipConfig, ModelFiles};
use serde::Serialize;
use std::path::Path;

pub use iris_clip::{kernel_target, DownloadProgress, Precision, DEFAULT_MODEL, DEMO_MODEL};

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

/// A published zero-shot figure, as listed.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct ZeroShotFigure {
    pub benchmark: String,
    pub value: f32,
    pub source: String,
}

/// One row of the model list (`iris models`, the settings panel): what the model is and its
/// state on this machine.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct ModelListing {
    /// The spec that selects it: "demo", a repo id or a folder.
    pub id: String,
    /// "CLIP" or "Chinese-CLIP"; "unknown" for a current model whose config cannot be read.
    pub family: String,
    pub architecture: String,
    /// Embedding width (0 when unknown).
    pub dim: usize,
    pub languages: Vec<String>,
    /// Approximate size of a download (0 for the built-in demo model and local folders).
    pub download_bytes: u64,
    pub zero_shot: Option<ZeroShotFigure>,
    /// Its files are all on this machine (in the Hugging Face cache, built in, or a folder).
    pub downloaded: bool,
    /// What its files take on disk, when downloaded.
    pub disk_bytes: Option<u64>,
    /// The model in use.
    pub current: bool,
}

/// The files of `spec` when they are on this machine, touching no network.
fn local_files(spec: &str) -> Option<ModelFiles> {
    if spec == DEMO_MODEL {
        return iris_clip::resolve_with(spec, DownloadProgress::Silent).ok();
    }
    if Path::new(spec).is_dir() {
        let files = ModelFiles::in_folder(Path::new(spec));
        let paths = [
            &files.config,
            &files.tokenizer,
            &files.preprocessor,
            &files.weights,
        ];
        return paths.iter().all(|p| p.is_file()).then_some(files);
    }
    iris_clip::cached(spec)
}

fn disk_bytes(files: &ModelFiles) -> u64 {
    [
        &files.config,
        &files.tokenizer,
        &files.preprocessor,
        &files.weights,
    ]
    .iter()
    .filter_map(|p| std::fs::metadata(p).ok())
    .map(|m| m.len())
    .sum()
}

fn listing(known: &KnownModel, current: &str) -> ModelListing {
    let files = local_files(known.id);
    ModelListing {
        id: known.id.to_string(),
        family: known.family.label().to_string(),
        architecture: known.architecture.to_string(),
        dim: known.dim,
        languages: known.languages.iter().map(|l| l.to_string()).collect(),
        download_bytes: known.download_bytes,
        zero_shot: known.zero_shot.map(|z| ZeroShotFigure {
            benchmark: z.benchmark.to_string(),
            value: z.value,
            source: z.source.to_string(),
        }),
        downloaded: files.is_some(),
        disk_bytes: files.as_ref().map(disk_bytes),
        current: known.id == current,
    }
}

/// A row for a model not in the list (a folder, another repo id): what its config.json says
/// when its files are here.
fn other_listing(spec: &str) -> ModelListing {
    let files = local_files(spec);
    let config_file = match &files {
        Some(f) => Some(f.config.clone()),
        None => Path::new(spec)
            .is_dir()
            .then(|| Path::new(spec).join("config.json")),
    };
    let config = config_file.and_then(|f| ClipConfig::from_file(&f).ok());
    ModelListing {
        id: spec.to_string(),
        family: config
            .as_ref()
            .map_or("unknown", |c| c.family.label())
            .to_string(),
        architecture: config.as_ref().map_or(String::new(), |c| {
            format!(
                "ViT patch {}, {} px",
                c.vision.patch_size, c.vision.image_size
            )
        }),
        dim: config.as_ref().map_or(0, |c| c.projection_dim),
        languages: config.as_ref().map_or(Vec::new(), |c| {
            c.family.languages().iter().map(|l| l.to_string()).collect()
        }),
        download_bytes: 0,
        zero_shot: None,
        downloaded: files.is_some(),
        disk_bytes: files.as_ref().map(disk_bytes),
        current: true,
    }
}

/// The known models, each with its state here and `current` (the model in use) marked.
pub fn known(current: &str) -> Vec<ModelListing> {
    KNOWN_MODELS.iter().map(|k| listing(k, current)).collect()
}

/// [`known`], and a current model not in that list last, described from its own config.json.
pub fn list(current: &str) -> Vec<ModelListing> {
    let mut rows = known(current);
    if !rows.iter().any(|r| r.current) {
        rows.push(other_listing(current));
    }
    rows
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
    fn the_list_marks_the_current_model_and_describes_a_folder_from_its_config() {
        let rows = list("demo");
        let demo = rows.iter().find(|r| r.id == "demo").unwrap();
        assert!(demo.current && demo.downloaded, "{demo:?}");
        assert!(demo.disk_bytes.unwrap() > 1_000_000, "{demo:?}");
        assert_eq!(rows.iter().filter(|r| r.current).count(), 1);
        let chinese = rows
            .iter()
            .find(|r| r.family == "Chinese-CLIP")
            .expect("a Chinese-CLIP model is listed");
        assert_eq!(chinese.languages, vec!["zh".to_string()]);

        let dir = tempfile::tempdir().unwrap();
        let demo_files = iris_clip::resolve_with("demo", DownloadProgress::Silent).unwrap();
        std::fs::copy(&demo_files.config, dir.path().join("config.json")).unwrap();
        let spec = dir.path().to_str().unwrap();
        let rows = list(spec);
        let folder = rows.last().unwrap();
        assert_eq!(folder.id, spec);
        assert!(
            folder.current && !folder.downloaded,
            "weights missing: {folder:?}"
        );
        assert_eq!((folder.family.as_str(), folder.dim), ("CLIP", 64));
        for file in [
            &demo_files.tokenizer,
            &demo_files.preprocessor,
            &demo_files.weights,
        ] {
            std::fs::copy(file, dir.path().join(file.file_name().unwrap())).unwrap();
        }
        let folder = list(spec).pop().unwrap();
        assert!(
            folder.downloaded && folder.disk_bytes == demo.disk_bytes,
            "{folder:?}"
        );
        assert!(!rows.iter().any(|r| r.id == "demo" && r.current));
    }

    #[test]
    fn a_missing_folder_is_a_clear_error() {
        let Err(e) = load("/no/such/model-folder", DownloadProgress::Silent) else {
            panic!("a missing folder loaded");
        };
        assert!(e.to_string().contains("/no/such/model-folder"), "{e}");
    }
}
