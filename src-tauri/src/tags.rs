//! The tag commands: the library's tags with counts (the sidebar's list, brought up to date
//! after each indexing run in the background, with a `tags-ready` event), one photo's tags
//! with scores (the viewer's "what the model sees"), one tag's photos (the map's colour by
//! tag), and adding or removing the user's own
//! tags. The library tags one caller at a time (its tag cache's lock): the first tagging for
//! a model embeds the whole vocabulary, and a second caller waits and finds the tags cached.

use crate::commands::{blocking, library, Shared};
use crate::error::CommandResult;
use iris_core::tags::{PhotoTag, TagCount, TaggedPhoto};
use iris_core::Library;
use tauri::{AppHandle, Emitter};

/// After an indexing run: the new photos are tagged, so that the sidebar's list follows.
pub fn update_in_background(app: &AppHandle, library: &Library) {
    match library.tags() {
        Ok(tags) => {
            let _ = app.emit("tags-ready", tags.len());
        }
        Err(e) => {
            let _ = app.emit(
                "index-error",
                crate::error::CommandError::of_library(library, e),
            );
        }
    }
}

#[tauri::command]
pub async fn tags(desktop: Shared<'_>) -> CommandResult<Vec<TagCount>> {
    let desktop = desktop.inner().clone();
    blocking(move || Ok(library(&desktop)?.tags()?)).await
}

#[tauri::command]
pub async fn photo_tags(desktop: Shared<'_>, id: String) -> CommandResult<Vec<PhotoTag>> {
    let desktop = desktop.inner().clone();
    blocking(move || Ok(library(&desktop)?.photo_tags(&id)?)).await
}

#[tauri::command]
pub async fn tagged_photos(desktop: Shared<'_>, name: String) -> CommandResult<Vec<TaggedPhoto>> {
    let desktop = desktop.inner().clone();
    blocking(move || Ok(library(&desktop)?.tagged_photos(&name)?)).await
}

/// Adds a tag of the user's; the library's tags after it.
#[tauri::command]
pub async fn add_tag(desktop: Shared<'_>, name: String) -> CommandResult<Vec<TagCount>> {
    let desktop = desktop.inner().clone();
    blocking(move || {
        let library = library(&desktop)?;
        library.add_tag(&name)?;
        Ok(library.tags()?)
    })
    .await
}

/// Removes a tag of the user's; the library's tags after it.
#[tauri::command]
pub async fn remove_tag(desktop: Shared<'_>, name: String) -> CommandResult<Vec<TagCount>> {
    let desktop = desktop.inner().clone();
    blocking(move || {
        let library = library(&desktop)?;
        library.remove_tag(&name)?;
        Ok(library.tags()?)
    })
    .await
}
