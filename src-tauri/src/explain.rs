//! The viewer's heatmap: where in the open photo the current query matches
//! (iris_core::explain). The photo's patch embeddings are kept for the last photo asked
//! about, so that editing the query while the viewer stays on it costs one text embedding and
//! a dot product per patch, not another pass of the vision tower.

use crate::commands::{blocking, library, to_query, SearchQuery, Shared};
use crate::error::CommandResult;
use iris_core::explain::{Explanation, PhotoPatches};
use std::sync::{Arc, Mutex};

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

    /// Forgets the held patches (they belong to the model that computed them).
    pub fn clear(&self) {
        if let Ok(mut slot) = self.0.lock() {
            *slot = None;
        }
    }

    fn put(&self, id: &str, patches: Arc<PhotoPatches>) {
        if let Ok(mut slot) = self.0.lock() {
            *slot = Some((id.to_string(), patches));
        }
    }
}

#[tauri::command]
pub async fn explain(
    desktop: Shared<'_>,
    query: SearchQuery,
    id: String,
) -> CommandResult<Explanation> {
    let desktop = desktop.inner().clone();
    desktop.user_searching();
    blocking(move || {
        let library = library(&desktop)?;
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
}
