//! Settings that persist between runs: the library location, the model, the indexing threads,
//! the window's size and position, the result order, the "show up to" choice and the
//! near-duplicate thresholds and stacking, as JSON in
//! `$XDG_CONFIG_HOME/iris/settings.json` (`~/.config/iris/settings.json`).
//!
//! Precedence when the app starts: a command-line flag, then its environment variable
//! (`IRIS_LIBRARY`, `IRIS_MODEL`), then this file, then the default. A file that cannot be
//! parsed is kept beside it as `settings.json.malformed` (so nothing the user wrote is lost),
//! the app starts on defaults and says so once; the library itself is never touched. Writes go
//! to a temporary file renamed over the old one, so a crash leaves the old or the new file.

use iris_core::duplicates::DuplicateSettings;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The order of results in the gallery (the UI's `SortMode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "kebab-case")]
pub enum SortOrder {
    Relevance,
    Date,
}

/// The main window's outer position and inner size, in physical pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct WindowPlace {
    pub x: i32,
    pub y: i32,
    pub width: u32,
    pub height: u32,
}

/// What persists; every field may be absent (absent = the default).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(default)]
pub struct Settings {
    /// Library folder (catalog, thumbnails); absent = `~/.local/share/iris`.
    pub library: Option<String>,
    /// Model: a Hugging Face repo id, a local folder, or "demo"; absent = the default model.
    pub model: Option<String>,
    /// Threads for indexing (decoding and the model); absent = all cores.
    pub index_threads: Option<usize>,
    /// Threads for indexing while the user searches; absent = half of `index_threads`.
    pub index_threads_while_searching: Option<usize>,
    pub sort: Option<SortOrder>,
    /// The most results a search shows.
    pub show_up_to: Option<usize>,
    pub window: Option<WindowPlace>,
    /// What makes two photos near-duplicates (the Duplicates view and the stacks); absent =
    /// the defaults.
    pub duplicates: Option<DuplicateSettings>,
    /// Whether the galleries stack each group of near-duplicates into one tile; absent = yes.
    pub stack_duplicates: Option<bool>,
}

/// The smallest window a saved size may restore (a smaller one is a leftover of a minimise).
const MIN_WINDOW: u32 = 320;

impl Settings {
    /// The same settings with out-of-range values dropped (they fall back to defaults).
    pub fn sanitized(mut self, max_results: usize) -> Self {
        self.library = self.library.filter(|l| !l.trim().is_empty());
        self.model = self.model.filter(|m| !m.trim().is_empty());
        self.index_threads = self.index_threads.filter(|&t| (1..=1024).contains(&t));
        self.index_threads_while_searching = self
            .index_threads_while_searching
            .filter(|&t| (1..=1024).contains(&t));
        self.show_up_to = self.show_up_to.filter(|&k| (1..=max_results).contains(&k));
        self.window = self
            .window
            .filter(|w| w.width >= MIN_WINDOW && w.height >= MIN_WINDOW);
        self.duplicates = self.duplicates.filter(|d| {
            (0.5..=1.0).contains(&d.min_cosine)
                && d.max_hash_distance <= 64
                && (0..=3600).contains(&d.burst_seconds)
        });
        self
    }
}

/// The settings read at start, and what to tell the user about the file, if anything.
pub struct Loaded {
    pub settings: Settings,
    pub notice: Option<String>,
}

/// `$XDG_CONFIG_HOME/iris/settings.json`.
pub fn default_path() -> PathBuf {
    dirs::config_dir()
        .unwrap_or_else(std::env::temp_dir)
        .join("iris")
        .join("settings.json")
}

/// Reads the settings at `path`; a missing file is the defaults, a malformed one is moved
/// aside to `<path>.malformed` and reported.
pub fn load(path: &Path, max_results: usize) -> Loaded {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Loaded {
                settings: Settings::default(),
                notice: None,
            }
        }
        Err(e) => {
            return Loaded {
                settings: Settings::default(),
                notice: Some(format!(
                "The settings file {} could not be read ({e}); Iris started with default settings.",
                path.display()
            )),
            }
        }
    };
    match serde_json::from_str::<Settings>(&text) {
        Ok(settings) => Loaded {
            settings: settings.sanitized(max_results),
            notice: None,
        },
        Err(e) => {
            let aside = malformed_path(path);
            let kept = match std::fs::rename(path, &aside) {
                Ok(()) => format!("it was kept as {}", aside.display()),
                Err(move_error) => format!("it could not be moved aside: {move_error}"),
            };
            Loaded {
                settings: Settings::default(),
                notice: Some(format!(
                    "The settings file {} is malformed ({e}); {kept}, and Iris started with default settings. Your library is unchanged.",
                    path.display()
                )),
            }
        }
    }
}

fn malformed_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".malformed");
    path.with_file_name(name)
}

/// Writes `settings` to `path` through a temporary file renamed over the old one.
pub fn save(path: &Path, settings: &Settings) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut text = serde_json::to_string_pretty(settings).map_err(std::io::Error::other)?;
    text.push('\n');
    let mut temporary = path.as_os_str().to_os_string();
    temporary.push(".tmp");
    let temporary = PathBuf::from(temporary);
    std::fs::write(&temporary, text)?;
    std::fs::rename(&temporary, path)
}

/// How long a burst of changes (a window being dragged) waits before it is written.
const SAVE_DELAY: Duration = Duration::from_millis(400);

/// The settings while the app runs: their current value, the file they are written to, and
/// what was wrong with that file at start.
pub struct Prefs {
    path: PathBuf,
    current: Mutex<Settings>,
    notice: Option<String>,
    save_pending: AtomicBool,
}

impl Prefs {
    pub fn new(path: PathBuf, loaded: Loaded) -> Self {
        Self {
            path,
            current: Mutex::new(loaded.settings),
            notice: loaded.notice,
            save_pending: AtomicBool::new(false),
        }
    }

    pub fn get(&self) -> Settings {
        self.current.lock().map(|s| s.clone()).unwrap_or_default()
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// What was wrong with the settings file at start, if anything.
    pub fn notice(&self) -> Option<&str> {
        self.notice.as_deref()
    }

    /// Changes the settings and writes them now; returns the new settings.
    pub fn update(&self, change: impl FnOnce(&mut Settings)) -> std::io::Result<Settings> {
        let mut current = self
            .current
            .lock()
            .map_err(|e| std::io::Error::other(e.to_string()))?;
        change(&mut current);
        save(&self.path, &current)?;
        Ok(current.clone())
    }

    /// Changes the settings now and writes them within [`SAVE_DELAY`], once for a burst.
    pub fn update_soon(self: &Arc<Self>, change: impl FnOnce(&mut Settings)) {
        if let Ok(mut current) = self.current.lock() {
            change(&mut current);
        }
        if self.save_pending.swap(true, Ordering::SeqCst) {
            return;
        }
        let prefs = self.clone();
        std::thread::spawn(move || {
            std::thread::sleep(SAVE_DELAY);
            prefs.save_pending.store(false, Ordering::SeqCst);
            if let Err(e) = prefs.update(|_| ()) {
                eprintln!("iris: could not save {}: {e}", prefs.path.display());
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saved_settings_read_back_the_same() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("iris/settings.json");
        let settings = Settings {
            library: Some("/data/photos-library".into()),
            model: Some("demo".into()),
            index_threads: Some(3),
            index_threads_while_searching: Some(1),
            sort: Some(SortOrder::Date),
            show_up_to: Some(500),
            window: Some(WindowPlace {
                x: 40,
                y: -20,
                width: 1400,
                height: 900,
            }),
            duplicates: Some(DuplicateSettings {
                min_cosine: 0.95,
                max_hash_distance: 6,
                burst_seconds: 2,
            }),
            stack_duplicates: Some(false),
        };
        save(&path, &settings).unwrap();
        let loaded = load(&path, 10_000);
        assert_eq!(loaded.settings, settings);
        assert!(loaded.notice.is_none());
        assert!(!dir.path().join("iris/settings.json.tmp").exists());
    }

    #[test]
    fn a_missing_file_is_the_defaults_without_a_notice() {
        let dir = tempfile::tempdir().unwrap();
        let loaded = load(&dir.path().join("settings.json"), 10_000);
        assert_eq!(loaded.settings, Settings::default());
        assert!(loaded.notice.is_none());
    }

    #[test]
    fn a_malformed_file_is_kept_aside_reported_and_replaced_by_defaults() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("settings.json");
        let broken = "{\"model\": \"demo\", \"show_up_to\": ";
        std::fs::write(&path, broken).unwrap();
        let loaded = load(&path, 10_000);
        assert_eq!(loaded.settings, Settings::default());
        let notice = loaded.notice.expect("a notice");
        assert!(notice.contains("malformed"), "{notice}");
        assert!(notice.contains("settings.json.malformed"), "{notice}");
        assert!(!path.exists());
        let kept = std::fs::read_to_string(dir.path().join("settings.json.malformed")).unwrap();
        assert_eq!(kept, broken);
        // The next save writes a good file again; the malformed copy stays for the user.
        save(&path, &loaded.settings).unwrap();
        assert_eq!(load(&path, 10_000).settings, Settings::default());
        assert!(dir.path().join("settings.json.malformed").exists());
    }

    #[test]
    fn a_wrongly_typed_value_is_malformed_and_unknown_keys_are_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("settings.json");
        std::fs::write(&path, r#"{"sort": "sideways"}"#).unwrap();
        assert!(load(&path, 10_000).notice.is_some());
        std::fs::write(&path, r#"{"sort": "date", "from_a_newer_iris": [1, 2]}"#).unwrap();
        let loaded = load(&path, 10_000);
        assert!(loaded.notice.is_none());
        assert_eq!(loaded.settings.sort, Some(SortOrder::Date));
    }

    #[test]
    fn a_burst_of_changes_is_written_once_after_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("settings.json");
        let prefs = Arc::new(Prefs::new(path.clone(), load(&path, 10_000)));
        for width in 800..820 {
            prefs.update_soon(|s| {
                s.window = Some(WindowPlace {
                    x: 1,
                    y: 2,
                    width,
                    height: 700,
                })
            });
        }
        assert!(!path.exists(), "written before the burst settled");
        std::thread::sleep(SAVE_DELAY * 3);
        let saved = load(&path, 10_000).settings;
        assert_eq!(saved.window.map(|w| w.width), Some(819));
    }

    #[test]
    fn out_of_range_values_fall_back_to_defaults() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("settings.json");
        std::fs::write(
            &path,
            r#"{"index_threads": 0, "index_threads_while_searching": 5000, "show_up_to": 999999, "library": "  ", "model": "demo",
                "window": {"x": 0, "y": 0, "width": 40, "height": 30},
                "duplicates": {"min_cosine": 1.5, "max_hash_distance": 12, "burst_seconds": 10}}"#,
        )
        .unwrap();
        let loaded = load(&path, 10_000);
        assert!(loaded.notice.is_none());
        let expected = Settings {
            model: Some("demo".into()),
            ..Settings::default()
        };
        assert_eq!(loaded.settings, expected);
    }
}
