//! The tag commands: the library's tags with counts (the sidebar's list, brought up to date
//! after each indexing run in the background, with a `tags-ready` event), one photo's tags
//! with scores (the viewer's "what the model sees"), and adding or removing the user's own
//! tags. One tagging at a time: the first one for a model embeds the whole vocabulary, and a
//! second caller waits for it and then finds the tags cached.

use crate::commands::{blocking, library, Shared};
use crate::error::CommandResult;
use crate::state::Desktop;
use iris_core::tags::{PhotoTag, TagCount};
use iris_core::Library;
use std::sync::Mutex;
use tauri::{AppHandle, Emitter};

/// Held while tags are computed.
#[derive(Default)]
pub struct TagJob(Mutex<()>);

fn one_at_a_time<T>(desktop: &Desktop, f: impl FnOnce() -> CommandResult<T>) -> CommandResult<T> {
    let _one = desktop.tag_job.0.lock().unwrap_or_else(|e| e.into_inner());
    f()
}

/// After an indexing run: the new photos are tagged, so that the sidebar's list follows.
pub fn update_in_background(app: &AppHandle, desktop: &Desktop, library: &Library) {
    match one_at_a_time(desktop, || Ok(library.tags()?)) {
        Ok(tags) => {
            let _ = app.emit("tags-ready", tags.len());
        }
        Err(e) => {
            let _ = app.emit("index-error", e);
        }
    }
}

#[tauri::command]
pub async fn tags(desktop: Shared<'_>) -> CommandResult<Vec<TagCount>> {
    let desktop = desktop.inner().clone();
    blocking(move || one_at_a_time(&desktop, || Ok(library(&desktop)?.tags()?))).await
}

#[tauri::command]
pub async fn photo_tags(desktop: Shared<'_>, id: String) -> CommandResult<Vec<PhotoTag>> {
    let desktop = desktop.inner().clone();
    blocking(move || one_at_a_time(&desktop, || Ok(library(&desktop)?.photo_tags(&id)?))).await
}

/// Adds a tag of the user's; the library's tags after it.
#[tauri::command]
pub async fn add_tag(desktop: Shared<'_>, name: String) -> CommandResult<Vec<TagCount>> {
    let desktop = desktop.inner().clone();
    blocking(move || {
        let library = library(&desktop)?;
        library.add_tag(&name)?;
        one_at_a_time(&desktop, || Ok(library.tags()?))
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
        one_at_a_time(&desktop, || Ok(library.tags()?))
    })
    .await
}
