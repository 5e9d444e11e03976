//! Errors as they cross into the webview: a small `{code, message}` the UI can switch on.

use serde::Serialize;

/// An error for the UI. Codes: "model-not-ready", "invalid", "failed".
#[derive(Debug, Clone, Serialize)]
pub struct CommandError {
    pub code: &'static str,
    pub message: String,
}

impl CommandError {
    pub fn new(code: &'static str, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }

    pub fn not_ready() -> Self {
        Self::new("model-not-ready", "the model is not loaded yet")
    }
}

impl From<iris_core::CoreError> for CommandError {
    fn from(e: iris_core::CoreError) -> Self {
        let code = match e {
            iris_core::CoreError::Invalid(_) => "invalid",
            _ => "failed",
        };
        Self::new(code, e.to_string())
    }
}

impl From<iris_clip::ClipError> for CommandError {
    fn from(e: iris_clip::ClipError) -> Self {
        Self::new("failed", e.to_string())
    }
}

pub type CommandResult<T> = Result<T, CommandError>;
