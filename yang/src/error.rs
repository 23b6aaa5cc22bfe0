//! The crate's error type: libyang's message plus the data path it points at.

use std::fmt;

/// What went wrong, in a form callers can map onto NETCONF `rpc-error`s.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum YangErrorKind {
    /// libyang rejected the input or the operation (syntax, unknown element,
    /// bad value, failed validation, ...).
    Libyang,
    /// The input text contains a NUL byte, which libyang cannot accept.
    EmbeddedNul,
    /// A module asked for by name is not in the context.
    UnknownModule,
    /// The caller asked for something this crate does not support.
    Unsupported,
}

/// Error from a libyang call, with the YANG data path and message libyang
/// reported (its last error in the context).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YangError {
    /// Category of the failure.
    pub kind: YangErrorKind,
    /// Human-readable message (libyang's text for [`YangErrorKind::Libyang`]).
    pub message: String,
    /// Data path of the offending node, when libyang knows it
    /// (e.g. `/kea-dhcp4-server:config/subnet4[id='1']/subnet`).
    pub path: Option<String>,
    /// libyang's error-app-tag, when set (e.g. `too-many-elements`).
    pub app_tag: Option<String>,
    /// libyang's numeric error code (`LY_ERR`), 0 when not from libyang.
    pub code: u32,
}

impl YangError {
    /// Builds an error that did not come from libyang.
    pub fn new(kind: YangErrorKind, message: impl Into<String>) -> Self {
        YangError {
            kind,
            message: message.into(),
            path: None,
            app_tag: None,
            code: 0,
        }
    }

    /// Builds a libyang error with the given message (used when the C call
    /// reports nothing useful of its own).
    pub(crate) fn libyang(message: impl Into<String>) -> Self {
        YangError::new(YangErrorKind::Libyang, message)
    }
}

impl From<yang2::Error> for YangError {
    fn from(err: yang2::Error) -> Self {
        YangError {
            kind: YangErrorKind::Libyang,
            message: err
                .msg
                .unwrap_or_else(|| format!("libyang error code {}", err.errcode)),
            path: err.path,
            app_tag: err.apptag,
            code: err.errcode,
        }
    }
}

impl fmt::Display for YangError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.path {
            Some(path) => write!(f, "{} (path {})", self.message, path),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for YangError {}

/// Result alias used throughout the crate.
pub type Result<T> = std::result::Result<T, YangError>;
