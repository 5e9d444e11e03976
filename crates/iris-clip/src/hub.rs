//! Finding a model's four files (each under one of its accepted names): a local folder, or a Hugging Face repo id resolved from the
//! standard cache (HF_HOME) and downloaded with a progress bar when missing. With no network,
//! or with HF_HUB_OFFLINE set, a missing model fails within seconds and says what to do.

use crate::error::{ClipError, Result};
use std::net::{TcpStream, ToSocketAddrs};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

/// The model used when none is named.
pub const DEFAULT_MODEL: &str = "openai/clip-vit-base-patch32";

/// The files of a model in the Hugging Face layout, by their preferred names.
pub const MODEL_FILES: [&str; 4] = [
    "config.json",
    "tokenizer.json",
    "preprocessor_config.json",
    "model.safetensors",
];

/// Each of [`MODEL_FILES`] with the names it may have instead, the preferred first: a BERT
/// text tower's plain vocabulary, and PyTorch's pickle format for weights (several published
/// Chinese-CLIP repositories ship only these).
const FILE_CHOICES: [&[&str]; 4] = [
    &["config.json"],
    &["tokenizer.json", "vocab.txt"],
    &["preprocessor_config.json"],
    &["model.safetensors", "pytorch_model.bin"],
];

/// Read beside a vocab.txt when present (its `do_lower_case`).
const TOKENIZER_CONFIG: &str = "tokenizer_config.json";

/// Paths of the four files of one model.
#[derive(Debug, Clone)]
pub struct ModelFiles {
    pub config: PathBuf,
    pub tokenizer: PathBuf,
    pub preprocessor: PathBuf,
    pub weights: PathBuf,
}

impl ModelFiles {
    /// The files inside a local folder: for each, the first accepted name present, else the
    /// preferred one (each is checked when it is read).
    pub fn in_folder(dir: &Path) -> Self {
        Self::from_list(
            FILE_CHOICES
                .iter()
                .map(|names| {
                    names
                        .iter()
                        .map(|name| dir.join(name))
                        .find(|path| path.is_file())
                        .unwrap_or_else(|| dir.join(names[0]))
                })
                .collect(),
        )
    }

    fn from_list(mut paths: Vec<PathBuf>) -> Self {
        let weights = paths.pop().unwrap_or_default();
        let preprocessor = paths.pop().unwrap_or_default();
        let tokenizer = paths.pop().unwrap_or_default();
        let config = paths.pop().unwrap_or_default();
        Self {
            config,
            tokenizer,
            preprocessor,
            weights,
        }
    }
}

fn offline_hint(spec: &str, why: &str) -> ClipError {
    ClipError::Offline {
        reason: format!(
            "model \"{spec}\" is not in the hugging face cache ({}) and {why}",
            hf_hub::Cache::from_env().path().display(),
        ),
        advice: format!(
            "pass a local folder holding {} with --model DIR (or IRIS_MODEL=DIR), \
             copy the cache from a machine with network, \
             or use the small offline demo model with --model demo (it knows only coloured shapes)",
            MODEL_FILES.join(", "),
        ),
    }
}

fn offline_requested() -> bool {
    std::env::var("HF_HUB_OFFLINE").is_ok_and(|v| !v.is_empty() && v != "0")
}

/// The host and port of a hub endpoint URL (`https://huggingface.co`, a mirror such as
/// `http://mirror.lan:8080/`): the port written in it, else the scheme's.
fn endpoint_address(endpoint: &str) -> (String, u16) {
    let plain = endpoint.starts_with("http://");
    let authority = endpoint
        .trim_start_matches("https://")
        .trim_start_matches("http://")
        .split('/')
        .next()
        .unwrap_or_default();
    let default_port = if plain { 80 } else { 443 };
    match authority.rsplit_once(':') {
        Some((host, port)) if !host.is_empty() && port.parse::<u16>().is_ok() => {
            (host.to_string(), port.parse().unwrap_or(default_port))
        }
        _ => (authority.to_string(), default_port),
    }
}

/// Whether the hub's host answers a TCP connection within a few seconds (DNS included).
fn hub_reachable() -> bool {
    let endpoint = std::env::var("HF_ENDPOINT").unwrap_or_else(|_| "https://huggingface.co".into());
    let (host, port) = endpoint_address(&endpoint);
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let ok = (host.as_str(), port)
            .to_socket_addrs()
            .ok()
            .and_then(|mut addrs| addrs.next())
            .is_some_and(|addr| TcpStream::connect_timeout(&addr, Duration::from_secs(4)).is_ok());
        let _ = tx.send(ok);
    });
    rx.recv_timeout(Duration::from_secs(6)).unwrap_or(false)
}

/// How a download reports its progress.
pub enum DownloadProgress<'a> {
    /// Nothing is reported.
    Silent,
    /// A progress bar on the terminal (stderr).
    Terminal,
    /// Called with (bytes done, bytes total) of the file being fetched.
    Callback(&'a mut dyn FnMut(u64, u64)),
}

/// Forwards hf-hub's progress to a callback.
struct Forward<'a, 'b> {
    report: &'a mut &'b mut dyn FnMut(u64, u64),
    done: u64,
    total: u64,
}

impl hf_hub::api::Progress for Forward<'_, '_> {
    fn init(&mut self, size: usize, _filename: &str) {
        self.total = size as u64;
        (self.report)(0, self.total);
    }

    fn update(&mut self, size: usize) {
        self.done += size as u64;
        (self.report)(self.done, self.total);
    }

    fn finish(&mut self) {
        (self.report)(self.total, self.total);
    }
}

/// The files of a Hugging Face repo id already in the local cache, when all are there (no
/// network is touched).
pub fn cached(spec: &str) -> Option<ModelFiles> {
    let cache = hf_hub::Cache::from_env().model(spec.to_string());
    let paths: Option<Vec<PathBuf>> = FILE_CHOICES
        .iter()
        .map(|names| names.iter().find_map(|f| cache.get(f)))
        .collect();
    paths.map(ModelFiles::from_list)
}

/// Resolves a model spec: "demo", an existing folder, or a Hugging Face repo id (downloaded with a
/// progress bar on the terminal when `progress`).
pub fn resolve(spec: &str, progress: bool) -> Result<ModelFiles> {
    let mode = if progress {
        DownloadProgress::Terminal
    } else {
        DownloadProgress::Silent
    };
    resolve_with(spec, mode)
}

/// Resolves a model spec, reporting any download as `progress` says. The spec "demo" always
/// means the built-in demo model (a folder named demo is `./demo`).
pub fn resolve_with(spec: &str, mut progress: DownloadProgress) -> Result<ModelFiles> {
    if spec == crate::demo::DEMO_MODEL {
        return crate::demo::materialize();
    }
    let path = Path::new(spec);
    if path.is_dir() {
        return Ok(ModelFiles::in_folder(path));
    }
    if path.is_absolute() || spec.starts_with('.') || spec.matches('/').count() > 1 {
        return Err(ClipError::Unavailable(format!(
            "model folder \"{spec}\" does not exist"
        )));
    }
    if let Some(files) = cached(spec) {
        return Ok(files);
    }
    if offline_requested() {
        return Err(offline_hint(spec, "HF_HUB_OFFLINE is set"));
    }
    if !hub_reachable() {
        return Err(offline_hint(spec, "huggingface.co cannot be reached"));
    }
    let api = hf_hub::api::sync::ApiBuilder::from_env()
        .with_progress(matches!(progress, DownloadProgress::Terminal))
        .build()
        .map_err(|e| {
            ClipError::Unavailable(format!("cannot start the download of \"{spec}\": {e}"))
        })?;
    let repo = api.model(spec.to_string());
    let mut fetch = |f: &str| match &mut progress {
        DownloadProgress::Callback(report) => repo.download_with_progress(
            f,
            Forward {
                report,
                done: 0,
                total: 0,
            },
        ),
        _ => repo.get(f),
    };
    let mut paths = Vec::with_capacity(FILE_CHOICES.len());
    for names in FILE_CHOICES {
        let mut first_error = None;
        let found = names.iter().find_map(|f| match fetch(f) {
            Ok(path) => Some(path),
            Err(e) => {
                first_error.get_or_insert(format!("cannot download {f} of model \"{spec}\": {e}"));
                None
            }
        });
        paths.push(found.ok_or_else(|| ClipError::Unavailable(first_error.unwrap_or_default()))?);
    }
    let files = ModelFiles::from_list(paths);
    if files.tokenizer.ends_with("vocab.txt") {
        // Optional: without it the vocabulary is lowercased, as every Chinese-CLIP release is.
        let _ = fetch(TOKENIZER_CONFIG);
    }
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::{endpoint_address, ModelFiles};

    #[test]
    fn a_folder_gives_the_names_it_has() {
        let dir = tempfile::tempdir().unwrap();
        let files = ModelFiles::in_folder(dir.path());
        assert!(files.tokenizer.ends_with("tokenizer.json"));
        assert!(files.weights.ends_with("model.safetensors"));
        std::fs::write(dir.path().join("vocab.txt"), "[UNK]").unwrap();
        std::fs::write(dir.path().join("pytorch_model.bin"), "").unwrap();
        let files = ModelFiles::in_folder(dir.path());
        assert!(files.tokenizer.ends_with("vocab.txt"));
        assert!(files.weights.ends_with("pytorch_model.bin"));
        std::fs::write(dir.path().join("model.safetensors"), "").unwrap();
        assert!(ModelFiles::in_folder(dir.path())
            .weights
            .ends_with("model.safetensors"));
    }

    #[test]
    fn an_endpoint_gives_its_written_port_or_the_schemes() {
        let address = |e: &str| endpoint_address(e);
        assert_eq!(
            address("https://huggingface.co"),
            ("huggingface.co".into(), 443)
        );
        assert_eq!(address("http://mirror.lan/"), ("mirror.lan".into(), 80));
        assert_eq!(address("http://127.0.0.1:8765"), ("127.0.0.1".into(), 8765));
        assert_eq!(
            address("https://hf-mirror.com:8443/hub/"),
            ("hf-mirror.com".into(), 8443)
        );
        assert_eq!(address("https://odd:port"), ("odd:port".into(), 443));
    }
}
