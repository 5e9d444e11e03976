//! The near-duplicate commands: the library's groups (photos with their file names, best
//! first, and the pairs joining them) for the Duplicates view, the same groups as the
//! galleries' stacks (ids only), and moving chosen photos to the trash, after which the
//! catalog and the groups follow. Each a few lines over iris-core; the thresholds are the
//! settings' ([`crate::settings::Settings::duplicates`]).

use crate::commands::{blocking, library, ui_hit, Shared, UiHit};
use crate::error::CommandResult;
use crate::state::Desktop;
use iris_core::duplicates::{DuplicatePair, DuplicateSettings};
use iris_core::trash::TrashReport;
use serde::Serialize;

/// A group as the view shows it.
#[derive(Serialize, ts_rs::TS)]
pub struct UiDuplicateGroup {
    photos: Vec<UiHit>,
    pairs: Vec<DuplicatePair>,
}

/// The thresholds the settings say.
fn thresholds(desktop: &Desktop) -> DuplicateSettings {
    desktop.prefs.get().duplicates.unwrap_or_default()
}

#[tauri::command]
pub async fn duplicates(desktop: Shared<'_>) -> CommandResult<Vec<UiDuplicateGroup>> {
    let desktop = desktop.inner().clone();
    blocking(move || {
        let groups = library(&desktop)?.duplicates(&thresholds(&desktop))?;
        Ok(groups
            .iter()
            .map(|g| UiDuplicateGroup {
                photos: g.photos.iter().cloned().map(ui_hit).collect(),
                pairs: g.pairs.clone(),
            })
            .collect())
    })
    .await
}

/// The galleries' stacks: each group's photo ids, best first; none when the settings turn
/// stacking off.
#[tauri::command]
pub async fn duplicate_stacks(desktop: Shared<'_>) -> CommandResult<Vec<Vec<String>>> {
    let desktop = desktop.inner().clone();
    blocking(move || {
        if desktop.prefs.get().stack_duplicates == Some(false) {
            return Ok(Vec::new());
        }
        let groups = library(&desktop)?.duplicates(&thresholds(&desktop))?;
        Ok(groups
            .iter()
            .map(|g| g.photos.iter().map(|p| p.id.clone()).collect())
            .collect())
    })
    .await
}

/// Moves photos (catalog paths) to the desktop's trash; the catalog drops them.
#[tauri::command]
pub async fn trash(desktop: Shared<'_>, paths: Vec<String>) -> CommandResult<TrashReport> {
    let desktop = desktop.inner().clone();
    blocking(move || Ok(library(&desktop)?.trash(&paths)?)).await
}
