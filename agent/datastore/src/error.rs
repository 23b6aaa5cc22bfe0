//! Datastore errors, each mapped to the NETCONF error-tag a client should see.

use crate::Datastore;

/// Why a datastore operation failed. Nothing is changed when one is returned.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum DatastoreError {
    /// The edit or data could not be parsed against the loaded modules.
    #[error("invalid data: {message}")]
    InvalidData {
        message: String,
        path: Option<String>,
    },
    /// The resulting tree breaks a YANG constraint (type, must, when,
    /// mandatory, unique, leafref, min/max-elements).
    #[error("validation failed: {message}")]
    ValidationFailed {
        message: String,
        path: Option<String>,
    },
    /// `create` of a node that exists.
    #[error("data already exists: {path}")]
    DataExists { path: String },
    /// `delete` of a node that does not exist.
    #[error("data is missing: {path}")]
    DataMissing { path: String },
    /// Another session holds the lock of the datastore.
    #[error("the {datastore} datastore is locked by session {owner}")]
    LockDenied { datastore: Datastore, owner: u32 },
    /// A lock was asked for but the candidate holds uncommitted changes of
    /// another session (RFC 6241 §7.5), or an unlock by a non-owner.
    #[error("{0}")]
    InUse(String),
    /// A change subscriber refused the change in its `change` phase.
    #[error("{message}")]
    Vetoed { subscriber: String, message: String },
    /// A change subscriber did not answer its `change` phase in time; the
    /// commit failed and nothing was applied.
    #[error(
        "change subscriber {subscriber} of {module} did not answer within {} ms; nothing was applied",
        timeout.as_millis()
    )]
    SubscriberTimeout {
        subscriber: String,
        module: String,
        timeout: std::time::Duration,
    },
    /// The operation does not apply to this datastore (e.g. delete-config
    /// on running).
    #[error("{0}")]
    NotSupported(String),
    /// A state provider could not supply the operational data of a module.
    #[error("state data of {module} is unavailable: {message}")]
    StateUnavailable { module: String, message: String },
    /// Reading or writing the datastore files failed.
    #[error("datastore file {path}: {message}")]
    Io { path: String, message: String },
}

impl DatastoreError {
    /// The RFC 6241 `error-tag` for this error.
    pub fn error_tag(&self) -> &'static str {
        match self {
            Self::InvalidData { .. } => "invalid-value",
            Self::ValidationFailed { .. } => "operation-failed",
            Self::DataExists { .. } => "data-exists",
            Self::DataMissing { .. } => "data-missing",
            Self::LockDenied { .. } => "lock-denied",
            Self::InUse(_) => "in-use",
            Self::Vetoed { .. } | Self::SubscriberTimeout { .. } => "operation-failed",
            Self::NotSupported(_) => "operation-not-supported",
            Self::StateUnavailable { .. } | Self::Io { .. } => "operation-failed",
        }
    }

    /// The data path the error is about, when there is one (`error-path`).
    pub fn error_path(&self) -> Option<&str> {
        match self {
            Self::InvalidData { path, .. } | Self::ValidationFailed { path, .. } => path.as_deref(),
            Self::DataExists { path } | Self::DataMissing { path } => Some(path),
            _ => None,
        }
    }

    pub(crate) fn invalid(err: impl Into<kea_yang::YangError>) -> Self {
        let err = err.into();
        Self::InvalidData {
            message: err.message,
            path: err.path,
        }
    }

    pub(crate) fn validation(err: impl Into<kea_yang::YangError>) -> Self {
        let err = err.into();
        Self::ValidationFailed {
            message: err.message,
            path: err.path,
        }
    }
}
