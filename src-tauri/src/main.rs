//! Iris desktop: a Tauri window over iris-core. Commands live in [`commands`], background work
//! (model loading, indexing) in [`background`], live folders in [`watching`], persisted
//! settings in [`settings`], one window per library in [`single_instance`]; photos and
//! thumbnails reach the webview only through the `iris://` protocol, by catalog id
//! ([`protocol`]). Started under the name
//! `iris` (the package's link to this binary) it is the command line instead ([`launch`]).

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod about;
mod albums;
mod background;
mod commands;
#[cfg(test)]
mod contract;
mod duplicates;
mod error;
mod explain;
mod launch;
mod map;
mod navigation;
mod paint_path;
mod protocol;
mod settings;
mod single_instance;
mod state;
mod switching;
mod tags;
mod watching;
mod window_place;

use clap::Parser;
use settings::Prefs;
use state::Desktop;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use tauri::Manager;

#[derive(Parser)]
#[command(
    name = "iris-desktop",
    version,
    about = "Iris: search your photos by meaning"
)]
struct Args {
    /// Model: a Hugging Face repo id, a local folder, or "demo" (default: the settings' model,
    /// else openai/clip-vit-base-patch32).
    #[arg(long, env = "IRIS_MODEL")]
    model: Option<String>,
    /// Library folder (catalog, thumbnails, roots; default: the settings' library, else
    /// ~/.local/share/iris).
    #[arg(long, env = "IRIS_LIBRARY")]
    library: Option<PathBuf>,
    /// Folders to add as roots, or a photo to search with.
    paths: Vec<PathBuf>,
}

/// The paths of a second launch's arguments (its flags give way to the running window's).
fn second_launch_paths(argv: Vec<String>) -> Vec<PathBuf> {
    Args::try_parse_from(argv)
        .map(|a| a.paths)
        .unwrap_or_default()
}

fn main() -> ExitCode {
    if launch::invoked_as_cli(std::env::args_os().next().as_deref()) {
        return iris_cli::run(std::env::args_os());
    }
    paint_path::choose();
    let args = Args::parse();
    let settings_path = settings::default_path();
    let prefs = Arc::new(Prefs::new(
        settings_path.clone(),
        settings::load(&settings_path, commands::MAX_RESULTS),
    ));
    let saved = prefs.get();
    let library_dir = args
        .library
        .or(saved.library.map(PathBuf::from))
        .unwrap_or_else(iris_core::default_library_dir);
    let model = args
        .model
        .or(saved.model)
        .unwrap_or_else(|| iris_core::models::DEFAULT_MODEL.to_string());
    let one_window = single_instance::plugin(&library_dir, second_launch_paths);
    let desktop = Arc::new(Desktop::new(
        library_dir,
        iris_core::model_name(&model),
        prefs.clone(),
    ));
    let launch = launch::sort_paths(args.paths);
    if let Ok(mut photo) = desktop.launch_photo.lock() {
        *photo = launch.photo;
    }
    let (folders, place) = (launch.folders, saved.window);
    let result = tauri::Builder::default()
        .plugin(one_window)
        .plugin(tauri_plugin_dialog::init())
        .plugin(navigation::guard())
        .manage(desktop)
        .register_asynchronous_uri_scheme_protocol("iris", |ctx, request, responder| {
            let desktop = ctx.app_handle().state::<Arc<Desktop>>().inner().clone();
            let path = request.uri().path().to_string();
            std::thread::spawn(move || {
                responder.respond(protocol::asset_response(&desktop, &path))
            });
        })
        .on_window_event(move |window, event| window_place::track(&prefs, window, event))
        .setup(move |app| {
            if let (Some(place), Some(window)) = (place, app.get_webview_window("main")) {
                window_place::restore(&window, place);
            }
            let desktop = app.state::<Arc<Desktop>>().inner().clone();
            if let Ok(mut pending) = desktop.pending_roots.lock() {
                pending.extend(folders);
            }
            background::load_model(app.handle().clone(), desktop.clone(), model);
            watching::start(app.handle().clone(), desktop);
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::app_state,
            commands::add_roots,
            commands::reindex,
            commands::pause_indexing,
            commands::resume_indexing,
            commands::cancel_indexing,
            commands::use_model_folder,
            commands::use_demo_model,
            commands::parse_query,
            commands::search,
            commands::browse,
            commands::folders,
            commands::facets,
            commands::score_parts,
            commands::saved_searches,
            commands::save_search,
            commands::delete_saved_search,
            commands::failures,
            commands::reveal,
            commands::take_launch_photo,
            explain::explain,
            map::map,
            map::photo,
            tags::tags,
            tags::photo_tags,
            tags::tagged_photos,
            tags::add_tag,
            tags::remove_tag,
            albums::albums,
            albums::album,
            albums::create_album,
            albums::album_feedback,
            albums::rename_album,
            albums::delete_album,
            duplicates::duplicates,
            duplicates::duplicate_stacks,
            duplicates::trash,
            about::about,
            about::settings,
            about::save_settings,
            switching::switch_state,
            switching::cancel_switch,
            switching::drop_model_column,
            switching::dismiss_switch,
        ])
        .run(tauri::generate_context!());
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
