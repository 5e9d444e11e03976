//! The album commands: the albums with counts (the sidebar), one album's photos with the
//! classifier's scores (shown in the gallery), making one from the selected photos, accepting
//! or rejecting suggestions, renaming and deleting. Each a few lines over iris-core's albums.

use crate::commands::{blocking, library, ui_hit, Shared, UiHit};
use crate::error::CommandResult;
use iris_core::albums::{Album, AlbumSummary, AlbumView};
use serde::Serialize;

/// An album as the UI shows it: its examples and its photos with their file names.
#[derive(Serialize, ts_rs::TS)]
pub struct UiAlbum {
    #[serde(flatten)]
    album: Album,
    photos: Vec<UiAlbumPhoto>,
}

/// A photo of an album: `score` is the classifier's probability; `example`, whether the user
/// chose it (else the album suggests it).
#[derive(Serialize, ts_rs::TS)]
pub struct UiAlbumPhoto {
    #[serde(flatten)]
    hit: UiHit,
    example: bool,
}

fn ui_album(view: AlbumView) -> UiAlbum {
    UiAlbum {
        album: view.album,
        photos: view
            .photos
            .into_iter()
            .map(|p| UiAlbumPhoto {
                hit: ui_hit(p.hit),
                example: p.example,
            })
            .collect(),
    }
}

#[tauri::command]
pub async fn albums(desktop: Shared<'_>) -> CommandResult<Vec<AlbumSummary>> {
    let desktop = desktop.inner().clone();
    blocking(move || Ok(library(&desktop)?.albums()?)).await
}

#[tauri::command]
pub async fn album(desktop: Shared<'_>, name: String) -> CommandResult<UiAlbum> {
    let desktop = desktop.inner().clone();
    blocking(move || Ok(ui_album(library(&desktop)?.album(&name)?))).await
}

#[tauri::command]
pub async fn create_album(
    desktop: Shared<'_>,
    name: String,
    positives: Vec<String>,
    negatives: Vec<String>,
) -> CommandResult<UiAlbum> {
    let desktop = desktop.inner().clone();
    blocking(move || {
        let view = library(&desktop)?.create_album(&name, &positives, &negatives)?;
        Ok(ui_album(view))
    })
    .await
}

#[tauri::command]
pub async fn album_feedback(
    desktop: Shared<'_>,
    name: String,
    accept: Vec<String>,
    reject: Vec<String>,
) -> CommandResult<UiAlbum> {
    let desktop = desktop.inner().clone();
    blocking(move || {
        let view = library(&desktop)?.album_feedback(&name, &accept, &reject)?;
        Ok(ui_album(view))
    })
    .await
}

#[tauri::command]
pub async fn rename_album(
    desktop: Shared<'_>,
    name: String,
    new_name: String,
) -> CommandResult<()> {
    let desktop = desktop.inner().clone();
    blocking(move || Ok(library(&desktop)?.rename_album(&name, &new_name)?)).await
}

#[tauri::command]
pub async fn delete_album(desktop: Shared<'_>, name: String) -> CommandResult<bool> {
    let desktop = desktop.inner().clone();
    blocking(move || Ok(library(&desktop)?.delete_album(&name)?)).await
}
