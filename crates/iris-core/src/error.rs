//! The error type of iris-core: lower-case messages that quote the offending value.

use std::path::PathBuf;

/// Everything the library engine can fail with.
#[derive(Debug, thiserror::Error)]
pub enum CoreError {
    /// The model layer failed (loading, decoding a query image, computing).
    #[error(transparent)]
    Clip(#[from] iris_clip::ClipError),
    /// The catalog database failed.
    #[error("catalog error: {0}")]
    Catalog(String),
    /// A file or folder could not be read or written.
    #[error("cannot access {}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The caller asked for something that does not exist or makes no sense.
    #[error("{0}")]
    Invalid(String),
    /// The job was cancelled; everything done before is kept.
    #[error("cancelled")]
    Cancelled,
}

impl From<lancedb::Error> for CoreError {
    fn from(e: lancedb::Error) -> Self {
        Self::Catalog(e.to_string())
    }
}

impl From<arrow_schema::ArrowError> for CoreError {
    fn from(e: arrow_schema::ArrowError) -> Self {
        Self::Catalog(e.to_string())
    }
}

impl CoreError {
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Self::Io {
            path: path.into(),
            source,
        }
    }
}

/// Result with [`CoreError`].
pub type Result<T, E = CoreError> = std::result::Result<T, E>;
