//! The library map's commands: the map (brought up to date after each indexing run in the
//! background, or when first asked for), its `map-progress` events, and one photo by id, for
//! the viewer opened from a point of the map. One computation at a time: a second caller
//! waits for the first and then finds the map up to date. `map-ready` says that the
//! background update changed the map, so that an open map view asks again; the `map`
//! command's own answer says nothing (the view that asked would ask again, for ever).

use crate::commands::{blocking, library, ui_hit, Shared, UiHit};
use crate::error::{CommandError, CommandResult, ErrorCode};
use crate::state::Desktop;
use iris_core::map::{LibraryMap, MapPoint, MapProgress};
use iris_core::Library;
use std::sync::{Arc, Mutex};
use tauri::{AppHandle, Emitter};

/// Held while a map is computed.
#[derive(Default)]
pub struct MapJob(Mutex<()>);

/// The map of `library`, computed or brought up to date, with progress events.
fn compute(app: &AppHandle, desktop: &Desktop, library: &Library) -> CommandResult<LibraryMap> {
    let _one = desktop.map_job.0.lock().unwrap_or_else(|e| e.into_inner());
    Ok(library.map(&mut |p: MapProgress| {
        let _ = app.emit("map-progress", p);
    })?)
}

/// After an indexing run: the map follows the library, so that opening it is immediate.
pub fn update_in_background(app: &AppHandle, desktop: &Desktop, library: &Library) {
    match compute(app, desktop, library) {
        Ok(map) if map.updated => {
            let _ = app.emit("map-ready", map.points.len());
        }
        Ok(_) => {}
        Err(e) => {
            let _ = app.emit(
                "index-error",
                crate::error::CommandError::of_library(library, e),
            );
        }
    }
}

#[tauri::command]
pub async fn map(app: AppHandle, desktop: Shared<'_>) -> CommandResult<Vec<MapPoint>> {
    let desktop = desktop.inner().clone();
    blocking(move || Ok(compute(&app, &desktop, &*library(&desktop)?)?.points)).await
}

/// An indexed photo as the viewer shows it (no score).
#[tauri::command]
pub async fn photo(desktop: Shared<'_>, id: String) -> CommandResult<UiHit> {
    let desktop: Arc<Desktop> = desktop.inner().clone();
    blocking(move || {
        library(&desktop)?
            .photo_hit(&id)?
            .map(ui_hit)
            .ok_or_else(|| {
                CommandError::new(ErrorCode::Invalid, format!("no indexed photo \"{id}\""))
            })
    })
    .await
}
