//! Work that runs off the UI thread and reports through events: loading the model (with
//! download progress) and the indexing job (progress, pause, cancel).

use crate::state::{Desktop, IndexJob, ModelState, ModelStateName};
use iris_core::models::DownloadProgress;
use iris_core::Library;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tauri::{AppHandle, Emitter};

/// Stores the model's state, then tells the window (in that order: an `app_state` asked for
/// between the two must not answer the old state after the event has said the new one).
fn set_model(app: &AppHandle, desktop: &Desktop, model: ModelState) {
    if let Ok(mut m) = desktop.model.lock() {
        *m = model.clone();
    }
    let _ = app.emit("model-state", &model);
}

/// Loads the model named by `spec` and opens the library with it, then indexes the roots.
pub fn load_model(app: AppHandle, desktop: Arc<Desktop>, spec: String) {
    std::thread::spawn(move || {
        let name = iris_core::model_name(&spec);
        let state = |state, message: Option<String>, progress| ModelState {
            state,
            name: name.clone(),
            message,
            progress,
            bytes_done: None,
            bytes_total: None,
        };
        set_model(&app, &desktop, state(ModelStateName::Loading, None, None));
        let mut last = Instant::now();
        let mut report = |done: u64, total: u64| {
            if last.elapsed() > Duration::from_millis(200) || done == total {
                last = Instant::now();
                let fraction = if total > 0 {
                    done as f32 / total as f32
                } else {
                    0.0
                };
                let downloading = ModelState {
                    bytes_done: Some(done),
                    bytes_total: Some(total),
                    ..state(ModelStateName::Downloading, None, Some(fraction))
                };
                set_model(&app, &desktop, downloading);
            }
        };
        // The command-line advice is left out (`reason`): the window offers the same as buttons.
        let opened = Library::open_model(
            &desktop.library_dir,
            &spec,
            DownloadProgress::Callback(&mut report),
        )
        .map_err(|e| e.reason());
        match opened {
            Ok(library) => {
                let pending: Vec<_> = desktop
                    .pending_roots
                    .lock()
                    .map(|mut p| p.drain(..).collect())
                    .unwrap_or_default();
                if let Err(e) = library.add_roots(&pending) {
                    let _ = app.emit("index-error", crate::error::CommandError::from(e));
                }
                if let Ok(mut slot) = desktop.library.write() {
                    *slot = Some(Arc::new(library));
                }
                set_model(&app, &desktop, state(ModelStateName::Ready, None, None));
                start_index(app.clone(), desktop.clone());
                if let Some(library) = desktop.library() {
                    crate::switching::resume(&app, &desktop, &library);
                }
            }
            Err(message) => {
                let hint = ". Choose a model folder, or use the demo model (works offline, knows only coloured shapes).";
                set_model(
                    &app,
                    &desktop,
                    state(
                        ModelStateName::Unavailable,
                        Some(format!("{message}{hint}")),
                        None,
                    ),
                );
            }
        }
    });
}

/// Starts indexing all roots in the background; if a run is going, it scans again when done.
pub fn start_index(app: AppHandle, desktop: Arc<Desktop>) {
    let Some(library) = desktop.library() else {
        return;
    };
    let job = desktop.index.clone();
    job.again.store(true, Ordering::SeqCst);
    if job.running.swap(true, Ordering::SeqCst) {
        return;
    }
    std::thread::spawn(move || {
        while job.again.swap(false, Ordering::SeqCst) {
            job.control.reset();
            run_index(&app, &library, &job, desktop.index_threads());
        }
        job.running.store(false, Ordering::SeqCst);
        // A library whose folder is gone has said so through the run's error; a run that
        // changed nothing leaves the tags and the map as they are (no events either).
        if library.present().is_ok() && job.catalog_changed(&library) {
            crate::tags::update_in_background(&app, &library);
            crate::map::update_in_background(&app, &desktop, &library);
        }
    });
}

/// One indexing run with progress events; pause and cancel act through the core's control.
/// A cancelled run ends with `index-done` (its report says `cancelled`), not an error.
fn run_index(app: &AppHandle, library: &Library, job: &IndexJob, workers: usize) {
    let mut last = Instant::now();
    let result = library.index(workers, &job.control, &mut |p| {
        if let Ok(mut slot) = job.progress.lock() {
            *slot = Some(p);
        }
        if last.elapsed() > Duration::from_millis(100) || p.done == p.total {
            last = Instant::now();
            let _ = app.emit("index-progress", p);
        }
    });
    if let Ok(mut slot) = job.progress.lock() {
        *slot = None;
    }
    let result = result.map_err(|e| crate::error::CommandError::of_library(library, e));
    if let Ok(mut slot) = job.last_error.lock() {
        *slot = result.as_ref().err().cloned();
    }
    match result {
        Ok(report) => {
            let _ = app.emit("index-done", report);
        }
        Err(e) => {
            let _ = app.emit("index-error", e);
        }
    }
}
