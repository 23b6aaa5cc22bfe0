//! Errors and warnings, always with a position when one is known.

use std::fmt;

use crate::element::Position;

/// What went wrong, coarsely (for callers that map errors to result codes or exit codes).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// A file could not be read.
    Io,
    /// The text is not valid Kea JSON (lexer/parser level).
    Syntax,
    /// An `<?include?>` failed: missing file, cycle, nesting too deep.
    Include,
    /// Valid JSON, but not a valid configuration (unknown keyword, wrong type, bad value).
    Validation,
    /// A hook library that is unknown or not built into this implementation.
    UnsupportedHook,
}

/// A configuration error: kind, message and position.
///
/// `Display` gives `file:line:col: message`, the form Kea uses for config files;
/// [`ConfigError::command_text`] gives `message (file:line:col)`, the form of
/// `config-set`/`config-test` answers.
#[derive(Clone, Debug, PartialEq)]
pub struct ConfigError {
    /// Coarse category.
    pub kind: ErrorKind,
    /// Human-readable message without the position.
    pub message: String,
    /// Where the problem is, if known.
    pub pos: Option<Position>,
}

impl ConfigError {
    /// A syntax error at `pos`.
    pub fn syntax(pos: Position, message: String) -> Self {
        ConfigError {
            kind: ErrorKind::Syntax,
            message,
            pos: Some(pos),
        }
    }

    /// A validation error, at `pos` if known.
    pub fn validation(pos: Option<Position>, message: String) -> Self {
        ConfigError {
            kind: ErrorKind::Validation,
            message,
            pos,
        }
    }

    /// An include error.
    pub fn include(pos: Option<Position>, message: String) -> Self {
        ConfigError {
            kind: ErrorKind::Include,
            message,
            pos,
        }
    }

    /// An I/O error reading `path`.
    pub fn io(path: &str, err: &std::io::Error) -> Self {
        ConfigError {
            kind: ErrorKind::Io,
            message: format!("failed to read configuration file {path}: {err}"),
            pos: None,
        }
    }

    /// The text for a command answer: `message (file:line:col)`.
    pub fn command_text(&self) -> String {
        match &self.pos {
            Some(p) => format!("{} ({p})", self.message),
            None => self.message.clone(),
        }
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.pos {
            Some(p) => write!(f, "{p}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for ConfigError {}

/// A non-fatal finding (trailing comma, ignored top-level object, deprecated keyword).
/// Daemons log these with their own message ID (e.g. `DHCP4_CONFIG_SYNTAX_WARNING`).
#[derive(Clone, Debug, PartialEq)]
pub struct Warning {
    /// Where, if known.
    pub pos: Option<Position>,
    /// The message without the position.
    pub message: String,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.pos {
            Some(p) => write!(f, "{p}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}
