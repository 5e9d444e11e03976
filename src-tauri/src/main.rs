//! Iris desktop: a Tauri window over iris-core. Commands live in [`commands`], background work
//! (model loading, indexing) in [`background`], live folders in [`watching`]; photos and thumbnails reach the webview only
//! through the `iris://` protocol, by catalog id ([`protocol`]).

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod background;
mod commands;
#[cfg(test)]
mod contract;
mod error;
mod protocol;
mod state;
mod watching;

use clap::Parser;
use state::Desktop;
use std::path::PathBuf;
use std::sync::Arc;
use tauri::Manager;

#[derive(Parser)]
#[command(name = "iris-desktop", about = "Iris: search your photos by meaning")]
struct Args {
    /// Model: a Hugging Face repo id, a local folder, or "demo".
    #[arg(long, env = "IRIS_MODEL", default_value = iris_core::models::DEFAULT_MODEL)]
    model: String,
    /// Library folder (catalog, thumbnails, roots).
    #[arg(long, env = "IRIS_LIBRARY")]
    library: Option<PathBuf>,
    /// Folders to add as roots on start.
    folders: Vec<PathBuf>,
}

fn main() {
    let args = Args::parse();
    let library_dir = args.library.unwrap_or_else(iris_core::default_library_dir);
    let desktop = Arc::new(Desktop::new(
        library_dir,
        iris_core::model_name(&args.model),
    ));
    let (model, folders) = (args.model, args.folders);
    let result = tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .manage(desktop)
        .register_asynchronous_uri_scheme_protocol("iris", |ctx, request, responder| {
            let desktop = ctx.app_handle().state::<Arc<Desktop>>().inner().clone();
            let path = request.uri().path().to_string();
            std::thread::spawn(move || {
                responder.respond(protocol::asset_response(&desktop, &path))
            });
        })
        .setup(move |app| {
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
        ])
        .run(tauri::generate_context!());
    if let Err(e) = result {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}
