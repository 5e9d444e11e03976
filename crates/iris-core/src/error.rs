//! The error type of iris-core: lower-case messages that quote the offending value.

use std::path::PathBuf;

/// Everything the library engine can fail with.
#[derive(Debug, thiserror::Error)]
pub enum CoreError {
    /// The model layer failed (loading, decoding a query image, computing).
    #[error(transparent)]
    Clip(iris_clip::ClipError),
    /// The model is neither cached nor downloadable now. `advice` is in command-line terms;
    /// a window offers its own buttons and shows `reason` alone.
    #[error("{reason}; {advice}")]
    ModelOffline { reason: String, advice: String },
    /// The catalog database failed.
    #[error("catalog error: {source}")]
    Catalog {
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// A file or folder could not be read or written.
    #[error("cannot access {}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The caller asked for something that does not exist or makes no sense.
    #[error("{0}")]
    Invalid(String),
}

impl From<iris_clip::ClipError> for CoreError {
    fn from(e: iris_clip::ClipError) -> Self {
        match e {
            iris_clip::ClipError::Offline { reason, advice } => {
                Self::ModelOffline { reason, advice }
            }
            e => Self::Clip(e),
        }
    }
}

impl From<lancedb::Error> for CoreError {
    fn from(e: lancedb::Error) -> Self {
        Self::Catalog {
            source: Box::new(e),
        }
    }
}

impl From<arrow_schema::ArrowError> for CoreError {
    fn from(e: arrow_schema::ArrowError) -> Self {
        Self::Catalog {
            source: Box::new(e),
        }
    }
}

impl CoreError {
    /// Whether a file could not be written because the file system or its permissions are
    /// read-only.
    pub fn is_read_only(&self) -> bool {
        matches!(self, Self::Io { source, .. } if matches!(
            source.kind(),
            std::io::ErrorKind::ReadOnlyFilesystem | std::io::ErrorKind::PermissionDenied
        ))
    }

    /// A catalog error of iris-core's own (a table that does not match its schema).
    pub(crate) fn catalog(message: impl Into<String>) -> Self {
        Self::Catalog {
            source: message.into().into(),
        }
    }

    /// The message without command-line advice, for a window that offers its own choices.
    pub fn reason(&self) -> String {
        match self {
            Self::ModelOffline { reason, .. } => reason.clone(),
            e => e.to_string(),
        }
    }

    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Self::Io {
            path: path.into(),
            source,
        }
    }
}

/// Result with [`CoreError`].
pub type Result<T, E = CoreError> = std::result::Result<T, E>;
