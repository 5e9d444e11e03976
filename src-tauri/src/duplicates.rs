//! The Duplicates view's commands: the library's near-duplicate groups (photos with their
//! file names, best first, and the pairs joining them) and moving chosen photos to the trash,
//! after which the catalog and the groups follow. Each a few lines over iris-core.

use crate::commands::{blocking, library, ui_hit, Shared, UiHit};
use crate::error::CommandResult;
use iris_core::duplicates::{DuplicatePair, DuplicateSettings};
use iris_core::trash::TrashReport;
use serde::Serialize;

/// A group as the view shows it.
#[derive(Serialize, ts_rs::TS)]
pub struct UiDuplicateGroup {
    photos: Vec<UiHit>,
    pairs: Vec<DuplicatePair>,
}

#[tauri::command]
pub async fn duplicates(desktop: Shared<'_>) -> CommandResult<Vec<UiDuplicateGroup>> {
    let desktop = desktop.inner().clone();
    blocking(move || {
        let groups = library(&desktop)?.duplicates(&DuplicateSettings::default())?;
        Ok(groups
            .into_iter()
            .map(|g| UiDuplicateGroup {
                photos: g.photos.into_iter().map(ui_hit).collect(),
                pairs: g.pairs,
            })
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
