//! The Tauri commands: each a few lines over iris-core, run off the UI thread, errors as
//! `{code, message}`.

use crate::background::{load_model, start_index};
use crate::error::{CommandError, CommandResult, ErrorCode};
use crate::state::{Desktop, ModelState};
use base64::Engine;
use iris_core::grammar::Term;
use iris_core::{Filter, Fusion, Hit, Library, Progress, Query, RootStatus};
use serde::{Deserialize, Serialize};
use std::path::PathBuf;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use tauri::{AppHandle, State};

pub(crate) type Shared<'a> = State<'a, Arc<Desktop>>;

/// Runs blocking library work on the blocking pool.
pub(crate) async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> CommandResult<T> + Send + 'static,
) -> CommandResult<T> {
    tauri::async_runtime::spawn_blocking(f)
        .await
        .map_err(|e| CommandError::new(ErrorCode::Failed, e.to_string()))?
}

/// The open library, once its folder is known to be there (else why not, in words).
pub(crate) fn library(desktop: &Desktop) -> CommandResult<Arc<Library>> {
    let library = desktop.library().ok_or_else(CommandError::not_ready)?;
    library.present()?;
    Ok(library)
}

/// Everything the sidebar and the welcome screen show.
#[derive(Serialize, ts_rs::TS)]
pub struct AppState {
    model: ModelState,
    library_dir: String,
    roots: Vec<RootStatus>,
    photos: usize,
    failed: usize,
    offline: usize,
    indexing: Option<Progress>,
    paused: bool,
    /// Why the last index run failed, if it did.
    index_error: Option<CommandError>,
    /// A switch to another model, running or just done.
    switch: Option<crate::switching::SwitchState>,
}

fn app_state_now(desktop: &Desktop) -> CommandResult<AppState> {
    let model = desktop
        .model
        .lock()
        .map(|m| m.clone())
        .map_err(|e| CommandError::new(ErrorCode::Failed, e.to_string()))?;
    let status = match desktop.library() {
        Some(library) => {
            library.present()?;
            Some(library.status()?)
        }
        None => None,
    };
    let job = &desktop.index;
    Ok(AppState {
        model,
        library_dir: desktop.library_dir.display().to_string(),
        roots: status.as_ref().map(|s| s.roots.clone()).unwrap_or_default(),
        photos: status.as_ref().map_or(0, |s| s.photos),
        failed: status.as_ref().map_or(0, |s| s.failed),
        offline: status.as_ref().map_or(0, |s| s.offline),
        indexing: job
            .progress
            .lock()
            .ok()
            .and_then(|p| *p)
            .filter(|_| job.running.load(Ordering::SeqCst)),
        paused: job.control.is_paused(),
        index_error: job.last_error.lock().ok().and_then(|e| e.clone()),
        switch: desktop.switch.state(),
    })
}

#[tauri::command]
pub async fn app_state(desktop: Shared<'_>) -> CommandResult<AppState> {
    let desktop = desktop.inner().clone();
    blocking(move || app_state_now(&desktop)).await
}

#[tauri::command]
pub async fn add_roots(
    app: AppHandle,
    desktop: Shared<'_>,
    paths: Vec<PathBuf>,
) -> CommandResult<AppState> {
    let desktop = desktop.inner().clone();
    blocking(move || {
        library(&desktop)?.add_roots(&paths)?;
        start_index(app, desktop.clone());
        app_state_now(&desktop)
    })
    .await
}

#[tauri::command]
pub fn reindex(app: AppHandle, desktop: Shared<'_>) {
    start_index(app, desktop.inner().clone());
}

#[tauri::command]
pub fn pause_indexing(desktop: Shared<'_>) {
    desktop.index.control.pause();
}

#[tauri::command]
pub fn resume_indexing(desktop: Shared<'_>) {
    desktop.index.control.resume();
}

#[tauri::command]
pub fn cancel_indexing(desktop: Shared<'_>) {
    desktop.index.control.cancel();
}

#[tauri::command]
pub async fn use_model_folder(
    app: AppHandle,
    desktop: Shared<'_>,
    path: String,
) -> CommandResult<AppState> {
    let desktop = desktop.inner().clone();
    // The model chosen in the window is the one the next start opens.
    if let Err(e) = desktop.prefs.update(|s| s.model = Some(path.clone())) {
        eprintln!("iris: could not save the model choice: {e}");
    }
    load_model(app, desktop.clone(), path);
    blocking(move || app_state_now(&desktop)).await
}

#[tauri::command]
pub async fn use_demo_model(app: AppHandle, desktop: Shared<'_>) -> CommandResult<AppState> {
    use_model_folder(app, desktop, iris_core::models::DEMO_MODEL.to_string()).await
}

/// A search as the UI sends it.
#[derive(Deserialize, ts_rs::TS)]
pub struct SearchQuery {
    /// The search box text as typed; the engine parses it (iris_core::grammar).
    text: Option<String>,
    #[serde(default)]
    images: Vec<PathBuf>,
    /// Base64 of pasted image bytes.
    #[serde(default)]
    image_data: Vec<String>,
    #[serde(default)]
    like: Vec<String>,
    text_weight: Option<f32>,
    image_weight: Option<f32>,
    k: Option<usize>,
    /// Only photos in this folder or below it (the folder chosen in the sidebar).
    folder: Option<String>,
    /// Reorder the first results for variety (the toolbar's "Diverse" toggle).
    #[serde(default)]
    diverse: bool,
    /// Fuse the words' and the images' result lists by rank (late fusion) instead of one
    /// weighted vector.
    #[serde(default)]
    late_fusion: bool,
    /// Image files, pasted images (base64) and photo ids to search away from.
    #[serde(default)]
    not_images: Vec<PathBuf>,
    #[serde(default)]
    not_image_data: Vec<String>,
    #[serde(default)]
    not_like: Vec<String>,
}

/// A result as the UI shows it: a hit plus its file name.
#[derive(Serialize, ts_rs::TS)]
#[ts(rename = "UiHit")]
pub struct UiHit {
    #[serde(flatten)]
    hit: Hit,
    name: String,
}

/// The engine's query for a UI search: blank text ignored, pasted images decoded, at most
/// 10,000 results (200 when unsaid).
/// Pasted images' bytes from their base64.
fn decoded(images: &[String]) -> CommandResult<Vec<Vec<u8>>> {
    images
        .iter()
        .map(|b| base64::engine::general_purpose::STANDARD.decode(b))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| {
            CommandError::new(
                ErrorCode::Invalid,
                format!("pasted image is not base64: {e}"),
            )
        })
}

pub(crate) fn to_query(query: SearchQuery) -> CommandResult<Query> {
    let image_bytes = decoded(&query.image_data)?;
    let negative_image_bytes = decoded(&query.not_image_data)?;
    let words = Query::from_text(query.text.as_deref().unwrap_or_default())?;
    Ok(Query {
        text: words.text,
        negatives: words.negatives,
        images: query.images,
        image_bytes,
        like: query.like,
        text_weight: query.text_weight.unwrap_or(1.0),
        image_weight: query.image_weight.unwrap_or(1.0),
        k: query.k.unwrap_or(200).min(MAX_RESULTS),
        filter: Filter {
            folder: query.folder,
            ..words.filter
        },
        diverse: query.diverse,
        fusion: if query.late_fusion {
            Fusion::Late
        } else {
            Fusion::Early
        },
        negative_images: query.not_images,
        negative_image_bytes,
        negative_like: query.not_like,
        ..Query::default()
    })
}

/// The terms of the search box text (its chips), parsed by the engine's grammar: the UI has
/// no parser of its own and calls this per keystroke (microseconds).
#[tauri::command]
pub fn parse_query(text: String) -> Vec<Term> {
    iris_core::grammar::parse(&text)
}

/// The most results one search returns.
pub const MAX_RESULTS: usize = 10_000;

/// A hit as the gallery shows it, with its file name.
pub(crate) fn ui_hit(hit: Hit) -> UiHit {
    UiHit {
        name: iris_core::paths::to_path(&hit.path)
            .file_name()
            .map_or(String::new(), |n| n.to_string_lossy().into_owned()),
        hit,
    }
}

fn ui_hits(hits: Vec<Hit>) -> Vec<UiHit> {
    hits.into_iter().map(ui_hit).collect()
}

/// A search's results and where the gallery opens.
#[derive(Serialize, ts_rs::TS)]
pub struct SearchResults {
    hits: Vec<UiHit>,
    /// The default cut-off chosen from these scores (none for a browse of filters alone, or
    /// scores that do not split).
    cutoff: Option<f32>,
    /// Said when the model does not read the language of the query's words
    /// (iris_core::query_language).
    language_hint: Option<String>,
}

#[tauri::command]
pub async fn search(desktop: Shared<'_>, query: SearchQuery) -> CommandResult<SearchResults> {
    let desktop = desktop.inner().clone();
    desktop.user_searching();
    blocking(move || {
        let (library, query) = (library(&desktop)?, to_query(query)?);
        let hits = library.search(&query)?;
        let scores: Vec<f32> = hits.iter().map(|h| h.score).collect();
        Ok(SearchResults {
            cutoff: iris_core::default_cutoff(&scores),
            hits: ui_hits(hits),
            language_hint: library.language_hint(&query),
        })
    })
    .await
}

/// The whole library (or one folder of it) newest first, for the empty search box.
#[tauri::command]
pub async fn browse(desktop: Shared<'_>, folder: Option<String>) -> CommandResult<Vec<UiHit>> {
    let desktop = desktop.inner().clone();
    desktop.user_searching();
    let filter = Filter {
        folder,
        ..Filter::default()
    };
    blocking(move || Ok(ui_hits(library(&desktop)?.browse(&filter)?))).await
}

/// The folder tree of the roots with photo counts, for the sidebar.
#[tauri::command]
pub async fn folders(desktop: Shared<'_>) -> CommandResult<Vec<iris_core::Folder>> {
    let desktop = desktop.inner().clone();
    blocking(move || Ok(library(&desktop)?.folders()?)).await
}

/// The cosine of a photo with each part of the query on its own, for the viewer.
#[tauri::command]
pub async fn score_parts(
    desktop: Shared<'_>,
    query: SearchQuery,
    id: String,
) -> CommandResult<Vec<iris_core::ScorePart>> {
    let desktop = desktop.inner().clone();
    blocking(move || Ok(library(&desktop)?.score_parts(&to_query(query)?, &id)?)).await
}

/// The library's cameras, places and years with photo counts, for the sidebar's filter menus.
#[tauri::command]
pub async fn facets(desktop: Shared<'_>) -> CommandResult<iris_core::Facets> {
    let desktop = desktop.inner().clone();
    blocking(move || Ok(library(&desktop)?.facets()?)).await
}

/// The saved searches with the photos each finds now, for the sidebar.
#[tauri::command]
pub async fn saved_searches(desktop: Shared<'_>) -> CommandResult<Vec<iris_core::SavedCount>> {
    let desktop = desktop.inner().clone();
    blocking(move || Ok(library(&desktop)?.saved_searches()?)).await
}

/// Saves a search under its name (replacing one of that name); the list after it.
#[tauri::command]
pub async fn save_search(
    desktop: Shared<'_>,
    search: iris_core::SavedSearch,
) -> CommandResult<Vec<iris_core::SavedCount>> {
    let desktop = desktop.inner().clone();
    blocking(move || {
        let library = library(&desktop)?;
        library.save_search(search)?;
        Ok(library.saved_searches()?)
    })
    .await
}

/// Deletes a saved search; the list after it.
#[tauri::command]
pub async fn delete_saved_search(
    desktop: Shared<'_>,
    name: String,
) -> CommandResult<Vec<iris_core::SavedCount>> {
    let desktop = desktop.inner().clone();
    blocking(move || {
        let library = library(&desktop)?;
        library.delete_saved_search(&name)?;
        Ok(library.saved_searches()?)
    })
    .await
}

#[tauri::command]
pub async fn failures(desktop: Shared<'_>) -> CommandResult<Vec<iris_core::Failure>> {
    let desktop = desktop.inner().clone();
    blocking(move || Ok(library(&desktop)?.failures()?)).await
}

/// The photo the app was started with ("Find similar photos with Iris"), once: the window
/// searches with it when it first has a model.
#[tauri::command]
pub fn take_launch_photo(desktop: Shared<'_>) -> Option<String> {
    let photo = desktop.launch_photo.lock().ok()?.take()?;
    Some(photo.display().to_string())
}

/// Opens the folder holding a photo in the system file manager.
#[tauri::command]
pub async fn reveal(desktop: Shared<'_>, id: String) -> CommandResult<()> {
    let desktop = desktop.inner().clone();
    blocking(move || {
        let row = library(&desktop)?.photo_by_id(&id)?.ok_or_else(|| {
            CommandError::new(ErrorCode::Invalid, format!("no photo has id \"{id}\""))
        })?;
        let path = iris_core::paths::to_path(&row.path);
        let folder = path.parent().unwrap_or(&path).to_path_buf();
        let opener = if cfg!(target_os = "macos") {
            "open"
        } else if cfg!(windows) {
            "explorer"
        } else {
            "xdg-open"
        };
        std::process::Command::new(opener)
            .arg(&folder)
            .spawn()
            .map(|_| ())
            .map_err(|e| {
                CommandError::new(
                    ErrorCode::Failed,
                    format!("cannot open \"{}\": {e}", folder.display()),
                )
            })
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(json: serde_json::Value) -> SearchQuery {
        serde_json::from_value(json).unwrap()
    }

    #[test]
    fn a_ui_query_becomes_an_engine_query() {
        let q = to_query(query(serde_json::json!({
            "text": "beach -people", "like": ["ab"],
            "image_data": ["aGVsbG8="], "image_weight": 2.0, "k": 50
        })))
        .unwrap();
        assert_eq!(q.text.as_deref(), Some("beach"));
        assert_eq!(q.negatives, ["people"]);
        assert_eq!(q.like, ["ab"]);
        assert_eq!(q.image_bytes, [b"hello".to_vec()]);
        assert_eq!((q.text_weight, q.image_weight, q.k), (1.0, 2.0, 50));
        assert_eq!((q.fusion, q.diverse), (Fusion::Early, false));
    }

    #[test]
    fn filters_toggles_and_negative_images_reach_the_engine() {
        let q = to_query(query(serde_json::json!({
            "text": "dog in:garden after:2019", "folder": "/p", "diverse": true,
            "late_fusion": true, "not_like": ["cd"], "not_images": ["/x.jpg"],
            "not_image_data": ["aGVsbG8="]
        })))
        .unwrap();
        assert_eq!(q.text.as_deref(), Some("dog"));
        assert_eq!(q.filter.in_folders, ["garden"]);
        assert!(q.filter.taken_after.is_some());
        assert_eq!(q.filter.folder.as_deref(), Some("/p"));
        assert_eq!((q.fusion, q.diverse), (Fusion::Late, true));
        assert_eq!(q.negative_like, ["cd"]);
        assert_eq!(q.negative_images, [PathBuf::from("/x.jpg")]);
        assert_eq!(q.negative_image_bytes, [b"hello".to_vec()]);
        let e = to_query(query(serde_json::json!({"text": "dog after:someday"}))).unwrap_err();
        assert_eq!(e.code, ErrorCode::Invalid);
    }

    #[test]
    fn the_text_is_parsed_by_the_grammar_the_chips_come_from() {
        let text = r#"dog  "on a sofa" -"busy street" -cat -cat"#;
        let q = to_query(query(serde_json::json!({ "text": text }))).unwrap();
        assert_eq!(q.text.as_deref(), Some("dog on a sofa"));
        assert_eq!(q.negatives, ["busy street", "cat"]);
        let chips = parse_query(text.to_string());
        assert_eq!(chips.len(), 5);
        assert!(chips.iter().all(|t| t.end <= text.len()));
        let q = to_query(query(serde_json::json!({ "text": "-people" }))).unwrap();
        assert_eq!((q.text, q.negatives), (None, vec!["people".to_string()]));
    }

    #[test]
    fn blank_text_is_no_text_and_k_is_bounded() {
        let q = to_query(query(serde_json::json!({"text": "  ", "k": 1_000_000}))).unwrap();
        assert_eq!(q.text, None);
        assert_eq!(q.k, MAX_RESULTS);
        assert_eq!(to_query(query(serde_json::json!({}))).unwrap().k, 200);
    }

    #[test]
    fn a_pasted_image_that_is_not_base64_is_an_invalid_query() {
        let e = to_query(query(serde_json::json!({"image_data": ["not base64!"]}))).unwrap_err();
        assert_eq!(e.code, ErrorCode::Invalid);
        assert!(e.message.contains("base64"), "{}", e.message);
    }

    #[test]
    fn app_state_before_the_model_loads_is_empty_and_loading() {
        let tmp = tempfile::tempdir().unwrap();
        let desktop = Desktop::for_test(tmp.path().to_path_buf());
        let state = app_state_now(&desktop).unwrap();
        assert_eq!(state.model.state, crate::state::ModelStateName::Loading);
        assert_eq!((state.photos, state.roots.len()), (0, 0));
        assert!(state.indexing.is_none());
        let e = library(&desktop).err().unwrap();
        assert_eq!(e.code, ErrorCode::ModelNotReady);
    }
}
