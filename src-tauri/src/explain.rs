//! The viewer's heatmap: where in the open photo the current query matches
//! (iris_core::explain). The photo's patch embeddings are kept for the last photo asked
//! about, so that editing the query while the viewer stays on it costs one text embedding and
//! a dot product per patch, not another pass of the vision tower.

use crate::commands::{to_query, SearchQuery};
use crate::error::{CommandError, CommandResult, ErrorCode};
use crate::state::Desktop;
use iris_core::explain::{Explanation, PhotoPatches};
use std::sync::{Arc, Mutex};
use tauri::State;

/// The patch embeddings of the last photo explained, by id.
#[derive(Default)]
pub struct ExplainCache(Mutex<Option<(String, Arc<PhotoPatches>)>>);

impl ExplainCache {
    fn get(&self, id: &str) -> Option<Arc<PhotoPatches>> {
        let slot = self.0.lock().ok()?;
        slot.as_ref()
            .filter(|(k, _)| k == id)
            .map(|(_, p)| p.clone())
    }

    fn put(&self, id: &str, patches: Arc<PhotoPatches>) {
        if let Ok(mut slot) = self.0.lock() {
            *slot = Some((id.to_string(), patches));
        }
    }
}

#[tauri::command]
pub async fn explain(
    desktop: State<'_, Arc<Desktop>>,
    query: SearchQuery,
    id: String,
) -> CommandResult<Explanation> {
    let desktop = desktop.inner().clone();
    tauri::async_runtime::spawn_blocking(move || {
        let library = desktop.library().ok_or_else(CommandError::not_ready)?;
        let query = to_query(query)?;
        let patches = match desktop.explain_cache.get(&id) {
            Some(patches) => patches,
            None => {
                let patches = Arc::new(library.photo_patches(&id)?);
                desktop.explain_cache.put(&id, patches.clone());
                patches
            }
        };
        Ok(library.explain_patches(&patches, &query)?)
    })
    .await
    .map_err(|e| CommandError::new(ErrorCode::Failed, e.to_string()))?
}
