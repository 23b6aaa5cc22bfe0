//! Translation errors: where (a JSON path or a YANG path) and why.

/// Why a translation failed. Nothing partial is returned with it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TranslateError {
    /// The Kea JSON has something the model cannot hold.
    #[error("{path}: {message}")]
    Json { path: String, message: String },
    /// The YANG data cannot be expressed in Kea JSON.
    #[error("{path}: {message}")]
    Yang { path: String, message: String },
    /// libyang refused the translated data (type, range, mandatory…).
    #[error("YANG validation of the translated config failed{}: {message}", path.as_ref().map(|p| format!(" at {p}")).unwrap_or_default())]
    Validation {
        path: Option<String>,
        message: String,
    },
    /// The model is not loaded in the context.
    #[error("the YANG model {0} is not loaded")]
    ModelMissing(String),
}

impl TranslateError {
    pub(crate) fn json(path: &str, message: impl Into<String>) -> Self {
        Self::Json {
            path: if path.is_empty() {
                "(top)".into()
            } else {
                path.to_string()
            },
            message: message.into(),
        }
    }

    pub(crate) fn yang(path: &str, message: impl Into<String>) -> Self {
        Self::Yang {
            path: path.to_string(),
            message: message.into(),
        }
    }
}
