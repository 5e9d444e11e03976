//! Errors as they cross into the webview: a small `{code, message}` the UI can switch on.

use serde::Serialize;

/// What kind of failure an error is, for the UI to switch on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "kebab-case")]
pub enum ErrorCode {
    /// The model is still loading (or unavailable): nothing can be searched yet.
    ModelNotReady,
    /// The request makes no sense (an empty query, an unknown photo id, a bad image).
    Invalid,
    /// Anything else: a disk, catalog or model failure.
    Failed,
}

/// An error for the UI.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(rename = "AppError")]
pub struct CommandError {
    pub code: ErrorCode,
    pub message: String,
}

impl CommandError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }

    pub fn not_ready() -> Self {
        Self::new(ErrorCode::ModelNotReady, "the model is not loaded yet")
    }
}

impl From<iris_core::CoreError> for CommandError {
    fn from(e: iris_core::CoreError) -> Self {
        let code = match e {
            iris_core::CoreError::Invalid(_) => ErrorCode::Invalid,
            _ => ErrorCode::Failed,
        };
        Self::new(code, e.to_string())
    }
}

impl CommandError {
    /// `e`, from work on `library`, or in words why when the library's folder is gone (work
    /// under way when it was deleted fails on some file of the catalog, in LanceDB's words).
    pub fn of_library(library: &iris_core::Library, e: impl Into<CommandError>) -> Self {
        library.present().map_or_else(Into::into, |()| e.into())
    }
}

pub type CommandResult<T> = Result<T, CommandError>;
