//! Parse errors in Kea's words: `expression: [TEXT] error: <string>:LINE.COL[-END]: MESSAGE`.

use std::fmt;

/// A location inside the expression text (1-based line and columns, end inclusive).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Loc {
    pub line: u32,
    pub col: u32,
    pub end_col: u32,
}

impl fmt::Display for Loc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.end_col > self.col {
            write!(f, "{}.{}-{}", self.line, self.col, self.end_col)
        } else {
            write!(f, "{}.{}", self.line, self.col)
        }
    }
}

/// Why an expression was rejected at configuration time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// Where in the expression.
    pub loc: Loc,
    /// Kea's message (`syntax error, unexpected ...`, `Invalid character: x`, ...).
    pub message: String,
    /// The whole expression text.
    pub expression: String,
}

impl ParseError {
    pub(crate) fn new(loc: Loc, message: impl Into<String>) -> Self {
        ParseError {
            loc,
            message: message.into(),
            expression: String::new(),
        }
    }

    /// `<string>:LOC: MESSAGE`, the part Kea's parser produces.
    pub fn detail(&self) -> String {
        format!("<string>:{}: {}", self.loc, self.message)
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "expression: [{}] error: {}",
            self.expression,
            self.detail()
        )
    }
}

impl std::error::Error for ParseError {}

/// A run-time evaluation failure (Kea's EvalTypeError): the class is not assigned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvalError(pub String);

impl fmt::Display for EvalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for EvalError {}
