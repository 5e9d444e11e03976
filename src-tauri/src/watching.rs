//! Live folders in the app: one thread, for the app's lifetime, watches the roots of the open
//! library and starts the indexing job when one changes (the job's `index-done` then refreshes
//! the gallery). It follows the library: a new model, or a root added, restarts the watch.

use crate::background::start_index;
use crate::state::Desktop;
use iris_core::Library;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tauri::AppHandle;

/// How often the thread looks whether the library or its roots changed.
const FOLLOW_EVERY: Duration = Duration::from_millis(500);

/// Starts the watching thread.
pub fn start(app: AppHandle, desktop: Arc<Desktop>) {
    std::thread::spawn(move || {
        let mut watched: Option<(Arc<Library>, Vec<PathBuf>, iris_core::RootWatcher)> = None;
        loop {
            let current = desktop.library().map(|l| {
                let roots = l.roots().unwrap_or_default();
                (l, roots)
            });
            let stale = match (&watched, &current) {
                (Some((l, r, _)), Some((cl, cr))) => !Arc::ptr_eq(l, cl) || r != cr,
                (None, Some(_)) | (Some(_), None) => true,
                (None, None) => false,
            };
            if stale {
                // A watch that cannot start (no inotify) leaves manual rescans working.
                watched = current
                    .and_then(|(library, roots)| library.watch().ok().map(|w| (library, roots, w)));
            }
            match &mut watched {
                Some((_, _, watcher)) => {
                    if watcher.next_change(FOLLOW_EVERY).is_some() {
                        start_index(app.clone(), desktop.clone());
                    }
                }
                None => std::thread::sleep(FOLLOW_EVERY),
            }
        }
    });
}
