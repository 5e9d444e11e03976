//! Switching the app's model without downtime: choosing another model in Settings starts a
//! background job (iris_core's `ModelSwitch`) that downloads it and re-embeds the library
//! into the new model's column while the window keeps searching with the old model; when the
//! new column covers the library, the open library is replaced by one on the new model, the
//! settings remember it, and the sidebar offers to drop the old model's vectors. A switch the
//! app was quit (or killed) in is recorded in the library and resumed at the next start.

use crate::commands::{blocking, library, Shared};
use crate::error::{CommandError, CommandResult};
use crate::state::{Desktop, ModelState, ModelStateName};
use iris_core::models::DownloadProgress;
use iris_core::{IndexControl, Library, Progress, VectorColumn};
use serde::Serialize;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tauri::{AppHandle, Emitter};

/// Where a switch is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "kebab-case")]
pub enum SwitchStage {
    /// Loading (or downloading) the new model.
    Loading,
    /// Re-embedding the library with it; search still uses the old model.
    Embedding,
    /// Done: the new model answers searches.
    Done,
    Failed,
}

/// What the sidebar shows of a switch.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct SwitchState {
    /// The model switched to (its name) and the one searching until it is done.
    pub to: String,
    pub from: String,
    pub stage: SwitchStage,
    /// Photos embedded by the new model so far, of all.
    pub progress: Option<Progress>,
    /// Fraction of the new model downloaded, while downloading.
    pub download: Option<f32>,
    /// Why it failed; or, when done, photos it could not read now (embedded when their file
    /// is back).
    pub message: Option<String>,
    /// When done: the old model's vectors, which the user may drop.
    pub old_column: Option<VectorColumn>,
}

/// The switch job: at most one at a time; a model chosen while one runs replaces it.
#[derive(Default)]
pub struct SwitchJob {
    running: AtomicBool,
    control: IndexControl,
    state: Mutex<Option<SwitchState>>,
    /// The model to switch to next (the latest choice), taken by the job's thread.
    next: Mutex<Option<String>>,
}

impl SwitchJob {
    pub fn state(&self) -> Option<SwitchState> {
        self.state.lock().ok().and_then(|s| s.clone())
    }

    /// Pause, cancel and the thread cap of the re-embedding.
    pub fn control(&self) -> &IndexControl {
        &self.control
    }

    fn take_next(&self) -> Option<String> {
        self.next.lock().ok().and_then(|mut next| next.take())
    }

    fn set(&self, app: &AppHandle, state: Option<SwitchState>) {
        if let Ok(mut slot) = self.state.lock() {
            slot.clone_from(&state);
        }
        let _ = app.emit("switch-state", &state);
    }
}

/// Resumes the switch recorded in the open library, if there is one.
pub fn resume(app: &AppHandle, desktop: &Arc<Desktop>, library: &Library) {
    match library.pending_switch() {
        Ok(Some(pending)) if pending.to_name == library.model_name() => {
            // Opened with the target already (a flag, or a crash after the switch ended).
            let _ = library.cancel_switch();
        }
        Ok(Some(pending)) => start(app.clone(), desktop.clone(), pending.to),
        Ok(None) => {}
        Err(e) => eprintln!("iris: cannot read the library's model switch: {e}"),
    }
}

/// Starts switching to `spec` in the background; a switch under way to another model is
/// cancelled for it (the latest choice wins).
pub fn start(app: AppHandle, desktop: Arc<Desktop>, spec: String) {
    let job = desktop.switch.clone();
    if let Ok(mut next) = job.next.lock() {
        *next = Some(spec);
    }
    if job.running.swap(true, Ordering::SeqCst) {
        job.control.cancel();
        return;
    }
    std::thread::spawn(move || loop {
        while let Some(spec) = job.take_next() {
            job.control.reset();
            if let Err(message) = run(&app, &desktop, &spec) {
                let state = job.state().map(|s| SwitchState {
                    stage: SwitchStage::Failed,
                    message: Some(message),
                    ..s
                });
                job.set(&app, state);
            }
        }
        job.running.store(false, Ordering::SeqCst);
        // A choice made just as the loop ended is this thread's still, unless another took it.
        let chosen_meanwhile = job.next.lock().is_ok_and(|next| next.is_some());
        if !chosen_meanwhile || job.running.swap(true, Ordering::SeqCst) {
            break;
        }
    });
}

/// Stops the switch under way and forgets it; the new model's column keeps what it has.
fn cancel(app: &AppHandle, desktop: &Desktop) -> CommandResult<()> {
    if let Ok(mut next) = desktop.switch.next.lock() {
        *next = None;
    }
    desktop.switch.control.cancel();
    library(desktop)?.cancel_switch()?;
    desktop.switch.set(app, None);
    Ok(())
}

fn run(app: &AppHandle, desktop: &Arc<Desktop>, spec: &str) -> Result<(), String> {
    let job = &desktop.switch;
    let old = desktop.library().ok_or("the library is not open yet")?;
    let state = SwitchState {
        to: iris_core::model_name(spec),
        from: old.model_name().to_string(),
        stage: SwitchStage::Loading,
        progress: None,
        download: None,
        message: None,
        old_column: None,
    };
    job.set(app, Some(state.clone()));
    let mut last = Instant::now();
    let mut downloading = |done: u64, total: u64| {
        if last.elapsed() > Duration::from_millis(200) || done == total {
            last = Instant::now();
            let fraction = done as f32 / total.max(1) as f32;
            job.set(
                app,
                Some(SwitchState {
                    download: Some(fraction),
                    ..state.clone()
                }),
            );
        }
    };
    let mut switch = old
        .begin_switch(spec, DownloadProgress::Callback(&mut downloading))
        .map_err(|e| e.reason())?;
    if job.control.is_cancelled() {
        // Given up while the model loaded: the record that loading rewrote goes too.
        let _ = old.cancel_switch();
        return Ok(());
    }
    let embedding = SwitchState {
        stage: SwitchStage::Embedding,
        progress: switch.coverage().ok().map(|c| Progress {
            done: c.covered,
            total: c.photos,
            rate: 0.0,
            eta_seconds: None,
            threads: 0,
        }),
        ..state.clone()
    };
    job.set(app, Some(embedding.clone()));
    let mut last = Instant::now();
    let report = switch
        .run(desktop.index_threads(), &job.control, &mut |p| {
            if last.elapsed() > Duration::from_millis(100) || p.done == p.total {
                last = Instant::now();
                job.set(
                    app,
                    Some(SwitchState {
                        progress: Some(p),
                        ..embedding.clone()
                    }),
                );
            }
        })
        .map_err(|e| e.reason())?;
    if report.cancelled {
        // Only the window cancels a switch (quitting ends the process instead).
        let _ = old.cancel_switch();
        job.set(app, None);
        return Ok(());
    }
    let old_column_name = iris_core::vector_column_name(old.model_name(), old.clip().dim());
    let new = switch.finish().map_err(|e| e.reason())?;
    let old_column = new
        .model_columns()
        .ok()
        .and_then(|c| c.into_iter().find(|c| c.column == old_column_name));
    adopt(app, desktop, new, spec);
    let waiting = (report.waiting > 0).then(|| {
        format!(
            "{} photos could not be read now; they are embedded when their files are back",
            report.waiting
        )
    });
    job.set(
        app,
        Some(SwitchState {
            stage: SwitchStage::Done,
            progress: None,
            message: waiting,
            old_column,
            ..state
        }),
    );
    Ok(())
}

/// Makes the switched library the open one: the model state, the settings and the caches
/// follow it, and an index run brings in whatever changed meanwhile.
fn adopt(app: &AppHandle, desktop: &Arc<Desktop>, library: Library, spec: &str) {
    let name = library.model_name().to_string();
    if let Ok(mut slot) = desktop.library.write() {
        *slot = Some(Arc::new(library));
    }
    desktop.explain_cache.clear();
    if let Err(e) = desktop.prefs.update(|s| s.model = Some(spec.to_string())) {
        eprintln!("iris: could not save the model choice: {e}");
    }
    let model = ModelState {
        state: ModelStateName::Ready,
        name,
        message: None,
        progress: None,
        bytes_done: None,
        bytes_total: None,
    };
    if let Ok(mut m) = desktop.model.lock() {
        *m = model.clone();
    }
    let _ = app.emit("model-state", &model);
    crate::background::start_index(app.clone(), desktop.clone());
}

/// The switch under way or just done, for the sidebar.
#[tauri::command]
pub fn switch_state(desktop: Shared<'_>) -> Option<SwitchState> {
    desktop.switch.state()
}

/// Stops the switch under way and forgets it; the new model's column keeps what it has.
#[tauri::command]
pub async fn cancel_switch(app: AppHandle, desktop: Shared<'_>) -> CommandResult<()> {
    let desktop = desktop.inner().clone();
    blocking(move || cancel(&app, &desktop)).await
}

/// Drops another model's vectors from the library (the sidebar's offer after a switch).
#[tauri::command]
pub async fn drop_model_column(
    app: AppHandle,
    desktop: Shared<'_>,
    column: String,
) -> CommandResult<()> {
    let desktop = desktop.inner().clone();
    blocking(move || {
        library(&desktop)?
            .drop_model_column(&column)
            .map_err(CommandError::from)?;
        desktop.switch.set(&app, None);
        Ok(())
    })
    .await
}

/// Dismisses a finished switch's notice, keeping the old model's vectors.
#[tauri::command]
pub fn dismiss_switch(app: AppHandle, desktop: Shared<'_>) {
    let done = desktop
        .switch
        .state()
        .is_some_and(|s| matches!(s.stage, SwitchStage::Done | SwitchStage::Failed));
    if done {
        desktop.switch.set(&app, None);
    }
}
