//! Errors of the control socket side.

/// Why control sockets could not be configured, opened or reconfigured.
#[derive(Debug, thiserror::Error)]
pub enum ControlError {
    /// Invalid socket configuration (the message reads like Kea's).
    #[error("{0}")]
    Config(String),
    /// A file or socket operation failed.
    #[error("{context}: {source}")]
    Io {
        /// What was being done.
        context: String,
        /// The OS error.
        source: std::io::Error,
    },
    /// TLS material could not be loaded or used.
    #[error("{0}")]
    Tls(String),
}

impl ControlError {
    pub(crate) fn io(context: impl Into<String>, source: std::io::Error) -> Self {
        ControlError::Io {
            context: context.into(),
            source,
        }
    }
}
