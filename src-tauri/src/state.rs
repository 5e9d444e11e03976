//! The desktop app's shared state: the library once its model is loaded, the model's state
//! for the welcome screen, the controls of the background indexing and model switch jobs, and
//! the settings.

use crate::explain::ExplainCache;
use crate::map::MapJob;
use crate::settings::Prefs;
use iris_core::{IndexControl, Library, Progress};
use serde::Serialize;
use std::path::PathBuf;
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex, RwLock, Weak};

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
    /// Bytes fetched and the size of the file being downloaded, while downloading.
    pub bytes_done: Option<u64>,
    pub bytes_total: Option<u64>,
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
    /// Why the last run failed, if it did: the window shows it at start, when the run may
    /// have failed before the window listened for its event.
    pub last_error: Mutex<Option<crate::error::CommandError>>,
    /// The library and catalog version the work after a run (tags, map) last followed.
    followed: Mutex<Option<(Weak<Library>, u64)>>,
}

impl IndexJob {
    /// Whether `library`'s catalog changed since the work after a run last followed it
    /// (always, for a library it has not followed), and notes the version now: a timer run
    /// over an unplugged drive, every minute, changes nothing for the tags and the map to
    /// follow, so they are not asked again and announce nothing to the window.
    pub fn catalog_changed(&self, library: &Arc<Library>) -> bool {
        let Ok(version) = library.catalog_version() else {
            return true;
        };
        let now = (Arc::downgrade(library), version);
        let mut followed = self.followed.lock().unwrap_or_else(|e| e.into_inner());
        let same = matches!(&*followed, Some((l, v)) if Weak::ptr_eq(l, &now.0) && *v == version);
        *followed = Some(now);
        !same
    }
}

/// Everything the commands share.
pub struct Desktop {
    pub library_dir: PathBuf,
    pub library: RwLock<Option<Arc<Library>>>,
    pub model: Mutex<ModelState>,
    pub index: Arc<IndexJob>,
    /// Folders given on the command line, added once the library is open.
    pub pending_roots: Mutex<Vec<PathBuf>>,
    /// A photo given on the command line ("Find similar photos with Iris"), searched with
    /// once the window asks for it.
    pub launch_photo: Mutex<Option<PathBuf>>,
    pub prefs: Arc<Prefs>,
    /// The viewer's heatmap: the open photo's patch embeddings.
    pub explain_cache: ExplainCache,
    /// The library map's computation (one at a time).
    pub map_job: MapJob,
    /// A switch to another model, running or just done.
    pub switch: Arc<crate::switching::SwitchJob>,
}

impl Desktop {
    pub fn new(library_dir: PathBuf, model_name: String, prefs: Arc<Prefs>) -> Self {
        Self {
            library_dir,
            library: RwLock::new(None),
            model: Mutex::new(ModelState {
                state: ModelStateName::Loading,
                name: model_name,
                message: None,
                progress: None,
                bytes_done: None,
                bytes_total: None,
            }),
            index: Arc::new(IndexJob::default()),
            pending_roots: Mutex::new(Vec::new()),
            launch_photo: Mutex::new(None),
            prefs,
            explain_cache: ExplainCache::default(),
            map_job: MapJob::default(),
            switch: Arc::default(),
        }
    }

    /// Threads for indexing while the user is not searching: the setting, else all cores.
    pub fn index_threads(&self) -> usize {
        self.prefs
            .get()
            .index_threads
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get()))
    }

    /// The user searched: an index run and a switch's re-embedding work on the threads the
    /// settings give them while searching (half by default) for the next
    /// [`iris_core::SEARCHING_FOR`], so that the search and the window stay quick.
    pub fn user_searching(&self) {
        let threads = self.prefs.get().index_threads_while_searching;
        for control in [&self.index.control, self.switch.control()] {
            control.set_threads_while_searching(threads);
            control.user_searching();
        }
    }

    /// The library, once the model is loaded.
    pub fn library(&self) -> Option<Arc<Library>> {
        self.library.read().ok().and_then(|l| l.clone())
    }
}

#[cfg(test)]
impl Desktop {
    /// A desktop state for tests: the demo model's name, settings kept beside the library.
    pub fn for_test(library_dir: PathBuf) -> Self {
        let path = library_dir.join("settings.json");
        let prefs = Prefs::new(path.clone(), crate::settings::load(&path, 10_000));
        Self::new(library_dir, "demo".into(), Arc::new(prefs))
    }
}
