//! The desktop app's shared state: the library once its model is loaded, the model's state
//! for the welcome screen, and the controls of the background indexing job.

use iris_core::{IndexControl, Library, Progress};
use serde::Serialize;
use std::path::PathBuf;
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex, RwLock};

/// Where the model is on its way to ready.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "kebab-case")]
pub enum ModelStateName {
    Loading,
    Downloading,
    Ready,
    Unavailable,
}

/// What the welcome screen shows about the model.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct ModelState {
    pub state: ModelStateName,
    pub name: String,
    pub message: Option<String>,
    /// Fraction downloaded, while downloading.
    pub progress: Option<f32>,
}

/// The background index job: whether it runs, the core's cancel/pause control, its progress.
#[derive(Default)]
pub struct IndexJob {
    pub running: AtomicBool,
    pub control: IndexControl,
    /// Set when a run is asked for while one is going (e.g. a root added mid-run): the
    /// running job scans again once it ends.
    pub again: AtomicBool,
    pub progress: Mutex<Option<Progress>>,
}

/// Everything the commands share.
pub struct Desktop {
    pub library_dir: PathBuf,
    pub library: RwLock<Option<Arc<Library>>>,
    pub model: Mutex<ModelState>,
    pub index: Arc<IndexJob>,
    /// Folders given on the command line, added once the library is open.
    pub pending_roots: Mutex<Vec<PathBuf>>,
}

impl Desktop {
    pub fn new(library_dir: PathBuf, model_name: String) -> Self {
        Self {
            library_dir,
            library: RwLock::new(None),
            model: Mutex::new(ModelState {
                state: ModelStateName::Loading,
                name: model_name,
                message: None,
                progress: None,
            }),
            index: Arc::new(IndexJob::default()),
            pending_roots: Mutex::new(Vec::new()),
        }
    }

    /// The library, once the model is loaded.
    pub fn library(&self) -> Option<Arc<Library>> {
        self.library.read().ok().and_then(|l| l.clone())
    }
}
