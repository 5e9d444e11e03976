//! The Settings and About panels' commands: the persisted settings with the values in use
//! beside them, and what the app knows about itself for a bug report (versions, the CPU
//! features the encoder uses, paths, counts; never a photo's name).

use crate::commands::{blocking, Shared, MAX_RESULTS};
use crate::error::{CommandError, CommandResult, ErrorCode};
use crate::settings::Settings;
use crate::state::{Desktop, ModelStateName};
use serde::Serialize;

/// The Settings panel: what is saved, what is in use, and the defaults an empty field means.
#[derive(Serialize, ts_rs::TS)]
pub struct SettingsView {
    saved: Settings,
    /// The settings file.
    path: String,
    /// What was wrong with the settings file at start, if anything.
    notice: Option<String>,
    /// The library and model this run uses (a flag or environment variable may override the
    /// saved ones; a library change applies at the next start, a model change by a switch).
    library_dir: String,
    model: String,
    default_library: String,
    default_model: String,
    /// Threads for indexing when the setting is empty.
    cores: usize,
    /// The near-duplicate thresholds when the setting is empty.
    default_duplicates: iris_core::duplicates::DuplicateSettings,
    /// The models Iris knows by name, for the model choice.
    models: Vec<iris_core::models::ModelListing>,
    /// Every model's vectors kept in the library, and the column of the model in use (the
    /// others can be dropped).
    model_columns: Vec<iris_core::VectorColumn>,
    model_column: Option<String>,
}

fn settings_view(desktop: &Desktop) -> SettingsView {
    let model = desktop
        .model
        .lock()
        .map(|m| m.name.clone())
        .unwrap_or_default();
    let models = iris_core::models::known(&model);
    let library = desktop.library();
    let model_columns = library
        .as_ref()
        .and_then(|l| l.model_columns().ok())
        .unwrap_or_default();
    let model_column = library
        .as_ref()
        .map(|l| iris_core::vector_column_name(l.model_name(), l.clip().dim()));
    SettingsView {
        saved: desktop.prefs.get(),
        path: desktop.prefs.path().display().to_string(),
        notice: desktop.prefs.notice().map(str::to_string),
        library_dir: desktop.library_dir.display().to_string(),
        model,
        default_library: iris_core::default_library_dir().display().to_string(),
        default_model: iris_core::models::DEFAULT_MODEL.to_string(),
        cores: std::thread::available_parallelism().map_or(2, |n| n.get()),
        default_duplicates: Default::default(),
        models,
        model_columns,
        model_column,
    }
}

#[tauri::command]
pub fn settings(desktop: Shared<'_>) -> SettingsView {
    settings_view(&desktop)
}

/// Saves `settings` (out-of-range values dropped); the window's place is kept as recorded.
/// Another model than the one in use starts a switch to it (crate::switching) instead of
/// being saved: the settings name the new model once the switch has made it the one in use.
#[tauri::command]
pub fn save_settings(
    app: tauri::AppHandle,
    desktop: Shared<'_>,
    settings: Settings,
) -> CommandResult<SettingsView> {
    let settings = settings.sanitized(MAX_RESULTS);
    let chosen = settings
        .model
        .clone()
        .unwrap_or_else(|| iris_core::models::DEFAULT_MODEL.to_string());
    let in_use = desktop.model.lock().map(|m| m.name.clone()).ok();
    let switch_to = (desktop.library().is_some()
        && in_use.is_some_and(|name| name != iris_core::model_name(&chosen)))
    .then_some(chosen);
    desktop
        .prefs
        .update(|current| {
            let (window, model) = (current.window, current.model.clone());
            *current = settings;
            current.window = window;
            if switch_to.is_some() {
                current.model = model;
            }
        })
        .map_err(|e| {
            CommandError::new(
                ErrorCode::Failed,
                format!(
                    "could not save the settings to {}: {e}",
                    desktop.prefs.path().display()
                ),
            )
        })?;
    // The form shows the model in use, so saving it unchanged (say, a new sort order) leaves
    // a switch under way alone: the sidebar's Cancel stops one.
    if let Some(spec) = switch_to {
        crate::switching::start(app, desktop.inner().clone(), spec);
    }
    Ok(settings_view(&desktop))
}

/// The About panel.
#[derive(Serialize, ts_rs::TS)]
pub struct About {
    version: String,
    model: String,
    model_state: ModelStateName,
    library_dir: String,
    /// Bytes the library folder takes on disk (catalog, thumbnails).
    library_bytes: u64,
    photos: usize,
    failed: usize,
    offline: usize,
    roots: usize,
    /// Plain text for a bug report: versions, CPU and encoder path, paths, counts.
    diagnostics: String,
}

#[tauri::command]
pub async fn about(desktop: Shared<'_>) -> CommandResult<About> {
    let desktop = desktop.inner().clone();
    blocking(move || about_now(&desktop)).await
}

fn about_now(desktop: &Desktop) -> CommandResult<About> {
    let (model, model_state) = desktop
        .model
        .lock()
        .map(|m| (m.name.clone(), m.state))
        .map_err(|e| CommandError::new(ErrorCode::Failed, e.to_string()))?;
    let status = desktop.library().map(|l| l.status()).transpose()?;
    let (photos, failed, offline, roots) = status.as_ref().map_or((0, 0, 0, 0), |s| {
        (s.photos, s.failed, s.offline, s.roots.len())
    });
    let library_bytes = iris_core::disk::usage(&desktop.library_dir);
    let version = env!("CARGO_PKG_VERSION").to_string();
    let diagnostics = [
        format!("Iris {version} (iris-desktop)"),
        format!(
            "OS: {} {} (kernel {})",
            std::env::consts::OS,
            std::env::consts::ARCH,
            first_line("/proc/sys/kernel/osrelease").unwrap_or_else(|| "unknown".into())
        ),
        format!(
            "Tauri {}, WebKitGTK {}",
            tauri::VERSION,
            tauri::webview_version().unwrap_or_else(|e| format!("unknown ({e})"))
        ),
        format!(
            "CPU: {} ({} threads)",
            cpu_model().unwrap_or_else(|| "unknown".into()),
            std::thread::available_parallelism().map_or(0, |n| n.get())
        ),
        format!("CPU features: {}", cpu_features()),
        format!(
            "Encoder kernels: {}; matmuls: {}; indexing threads: {} ({} while searching), nice {}",
            iris_core::models::kernel_target(),
            iris_core::models::Precision::from_env().describe(),
            desktop.index_threads(),
            iris_core::IndexControl::threads_while_searching(
                desktop.prefs.get().index_threads_while_searching,
                desktop.index_threads()
            ),
            iris_core::INDEX_NICENESS
        ),
        format!("Model: {model} ({model_state:?})"),
        format!("Library: {}", desktop.library_dir.display()),
        format!(
            "Library size: {library_bytes} bytes; photos {photos}, failed {failed}, offline {offline}, roots {roots}"
        ),
        format!("Settings: {}", desktop.prefs.path().display()),
        format!(
            "Model cache: {}",
            std::env::var("HF_HOME").unwrap_or_else(|_| "~/.cache/huggingface".into())
        ),
    ]
    .join("\n");
    Ok(About {
        version,
        model,
        model_state,
        library_dir: desktop.library_dir.display().to_string(),
        library_bytes,
        photos,
        failed,
        offline,
        roots,
        diagnostics,
    })
}

fn first_line(path: &str) -> Option<String> {
    let text = std::fs::read_to_string(path).ok()?;
    text.lines().next().map(|l| l.trim().to_string())
}

fn cpu_model() -> Option<String> {
    let text = std::fs::read_to_string("/proc/cpuinfo").ok()?;
    let line = text.lines().find(|l| l.starts_with("model name"))?;
    Some(line.split_once(':')?.1.trim().to_string())
}

/// The SIMD features that decide the encoder's and search's fast paths.
fn cpu_features() -> String {
    #[cfg(target_arch = "x86_64")]
    {
        let features = [
            ("avx2", std::arch::is_x86_feature_detected!("avx2")),
            ("fma", std::arch::is_x86_feature_detected!("fma")),
            ("f16c", std::arch::is_x86_feature_detected!("f16c")),
            ("avx512f", std::arch::is_x86_feature_detected!("avx512f")),
            ("avx512vl", std::arch::is_x86_feature_detected!("avx512vl")),
            ("avx512bw", std::arch::is_x86_feature_detected!("avx512bw")),
            (
                "avx512vnni",
                std::arch::is_x86_feature_detected!("avx512vnni"),
            ),
            (
                "avx512bf16",
                std::arch::is_x86_feature_detected!("avx512bf16"),
            ),
        ];
        let present: Vec<&str> = features.iter().filter(|f| f.1).map(|f| f.0).collect();
        if present.is_empty() {
            "none of avx2/fma/f16c/avx512".into()
        } else {
            present.join(" ")
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        std::env::consts::ARCH.to_string()
    }
}
