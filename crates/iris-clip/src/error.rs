//! The one error type of iris-clip: every variant names the file, field or value at fault.

use std::path::PathBuf;

/// Everything that can go wrong while loading a model or embedding with it.
#[derive(Debug, thiserror::Error)]
pub enum ClipError {
    /// A file could not be read.
    #[error("cannot read {}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// A model file is missing, malformed or disagrees with another one.
    #[error("{}: {message}", file.display())]
    Model { file: PathBuf, message: String },
    /// An image could not be decoded or converted.
    #[error("cannot decode image {}: {message}", path.display())]
    Image { path: PathBuf, message: String },
    /// A model spec names nothing local and the network cannot supply it.
    #[error("{0}")]
    Unavailable(String),
    /// A model that is neither cached nor downloadable now; `advice` says what to do instead,
    /// in command-line terms (a window shows its own buttons instead).
    #[error("{reason}; {advice}")]
    Offline { reason: String, advice: String },
    /// A numeric failure inside the model (shapes, allocation).
    #[error("model computation failed: {0}")]
    Compute(#[from] candle_core::Error),
}

impl ClipError {
    pub(crate) fn model(file: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Self::Model {
            file: file.into(),
            message: message.into(),
        }
    }
}

/// Result with [`ClipError`].
pub type Result<T, E = ClipError> = std::result::Result<T, E>;
