//! One window per library: a second launch of the app on a library that is open already (the
//! desktop icon again, or a file manager's "Open with Iris" on a photo or folders) hands its
//! paths to the running window, which comes to the front, and exits instead of opening the
//! library twice. Over D-Bus on Linux (tauri-plugin-single-instance), under a name made from
//! the library folder, so that two libraries can still be open side by side; where there is
//! no session bus, each launch runs on its own as before.

use crate::launch::LaunchPaths;
use crate::state::Desktop;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tauri::plugin::TauriPlugin;
use tauri::{AppHandle, Emitter, Manager, Wry};

/// The D-Bus name's stem for a library: the app's identifier and a hash of the folder (a bus
/// name's elements hold only letters, digits and `_`).
pub fn bus_id(library_dir: &Path) -> String {
    let folder = std::path::absolute(library_dir).unwrap_or_else(|_| library_dir.to_path_buf());
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    folder.hash(&mut hasher);
    format!("app.iris.desktop.library_{:016x}", hasher.finish())
}

/// The plugin for `library_dir`; `paths_of` reads the paths from a second launch's arguments
/// (its flags are the running window's already).
pub fn plugin(library_dir: &Path, paths_of: fn(Vec<String>) -> Vec<PathBuf>) -> TauriPlugin<Wry> {
    tauri_plugin_single_instance::Builder::new()
        .dbus_id(bus_id(library_dir))
        .callback(move |app, argv, cwd| {
            let paths = paths_of(argv);
            let launch = crate::launch::sort_paths_in(paths, Path::new(&cwd));
            take(app, launch);
        })
        .build()
}

/// Does what a launch with these paths asks, in the running window, and brings it forward.
fn take(app: &AppHandle, launch: LaunchPaths) {
    let desktop = app.state::<Arc<Desktop>>().inner().clone();
    if let Some(photo) = launch.photo {
        if let Ok(mut slot) = desktop.launch_photo.lock() {
            *slot = Some(photo);
        }
    }
    if !launch.folders.is_empty() {
        match desktop.library() {
            Some(library) => {
                if let Err(e) = library.add_roots(&launch.folders) {
                    let _ = app.emit("index-error", crate::error::CommandError::from(e));
                }
                crate::background::start_index(app.clone(), desktop.clone());
            }
            // Still loading the model: the roots are added once it has loaded.
            None => {
                if let Ok(mut pending) = desktop.pending_roots.lock() {
                    pending.extend(launch.folders);
                }
            }
        }
    }
    if let Some(window) = app.get_webview_window("main") {
        let _ = window.unminimize();
        let _ = window.show();
        let _ = window.set_focus();
    }
    let _ = app.emit("launched-again", ());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_library_has_its_own_valid_bus_name() {
        let (a, b) = (
            bus_id(Path::new("/home/a/iris")),
            bus_id(Path::new("/home/b/iris")),
        );
        assert_ne!(a, b);
        assert_eq!(a, bus_id(Path::new("/home/a/iris")));
        for element in a.split('.') {
            assert!(!element.is_empty() && !element.starts_with(|c: char| c.is_ascii_digit()));
            assert!(
                element
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_'),
                "{a}"
            );
        }
    }
}
