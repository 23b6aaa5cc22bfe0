//! Error types.

use std::io;
use std::path::PathBuf;

/// Invalid lease field values.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum LeaseError {
    /// Hardware address longer than 20 bytes.
    #[error("hardware address of {0} bytes is longer than 20 bytes")]
    HwAddrTooLong(usize),
    /// Text that is not colon-separated hex.
    #[error("invalid hex text '{0}'")]
    BadHex(String),
}

/// Errors from a [`crate::LeaseStore`]. When one is returned, nothing was changed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// `add` of an address that already has a lease.
    #[error("a lease for address {0} already exists")]
    AlreadyExists(String),
    /// `update` of an address without a lease.
    #[error("no lease for address {0}")]
    NotFound(String),
    /// A conditional update or delete found the lease changed (or gone) since it was read.
    #[error("the lease for address {0} was changed or deleted since it was read")]
    Conflict(String),
    /// Reading or writing a lease file failed.
    #[error("lease file {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: io::Error,
    },
    /// The first line of a lease file is not a known column header.
    #[error("lease file {path}: invalid header: {message}")]
    BadHeader {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// More bad rows than `max-row-errors` allows.
    #[error("lease file {path}: {errors} bad rows exceed max-row-errors {max}")]
    TooManyRowErrors {
        /// The file.
        path: PathBuf,
        /// Bad rows seen so far.
        errors: u32,
        /// The configured limit.
        max: u32,
    },
    /// Lease file cleanup could not run.
    #[error("lease file cleanup: {0}")]
    Lfc(String),
}

impl StoreError {
    pub(crate) fn io(path: impl Into<PathBuf>, source: io::Error) -> StoreError {
        StoreError::Io {
            path: path.into(),
            source,
        }
    }
}
