//! Severities of loggers and of messages, and the single number ("rank") used to
//! compare them on the hot path.

use std::fmt;

/// Severity configured for a logger (`"severity"` in a `loggers` entry).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Severity {
    Debug,
    Info,
    Warn,
    Error,
    Fatal,
    /// Silence: nothing is logged by this logger.
    None,
}

impl Severity {
    /// Kea's spelling, as accepted in configuration and printed by `%p`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Severity::Debug => "DEBUG",
            Severity::Info => "INFO",
            Severity::Warn => "WARN",
            Severity::Error => "ERROR",
            Severity::Fatal => "FATAL",
            Severity::None => "NONE",
        }
    }

    /// Parses a severity name; Kea compares case-insensitively.
    pub fn parse(text: &str) -> Option<Severity> {
        [
            Severity::Debug,
            Severity::Info,
            Severity::Warn,
            Severity::Error,
            Severity::Fatal,
            Severity::None,
        ]
        .into_iter()
        .find(|s| s.as_str().eq_ignore_ascii_case(text))
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Highest debug level Kea accepts (`debuglevel` 0–99).
pub const MAX_DEBUG_LEVEL: u8 = 99;

/// Level at which a message is logged: its severity and, for DEBUG, its debug level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Level {
    /// DEBUG message with its debug level (0–99; higher means more verbose).
    Debug(u8),
    Info,
    Warn,
    Error,
    Fatal,
}

impl Level {
    /// The severity name printed by `%p`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Level::Debug(_) => "DEBUG",
            Level::Info => "INFO",
            Level::Warn => "WARN",
            Level::Error => "ERROR",
            Level::Fatal => "FATAL",
        }
    }

    /// The debug level of a DEBUG message, 0 otherwise.
    pub const fn debug_level(self) -> u8 {
        match self {
            Level::Debug(d) => d,
            _ => 0,
        }
    }

    /// Position on one scale with [`threshold`]: a message is emitted iff
    /// `level.rank() >= threshold(logger)`. DEBUG level d ranks `100 - d`, so a more
    /// verbose debug message ranks lower (like log4cplus' encoding used by Kea).
    pub const fn rank(self) -> u16 {
        match self {
            Level::Debug(d) => 100 - d as u16,
            Level::Info => 200,
            Level::Warn => 300,
            Level::Error => 400,
            Level::Fatal => 500,
        }
    }

    /// The `tracing` level carrying this message (tracing has no FATAL: it maps to ERROR).
    pub const fn tracing_level(self) -> tracing::Level {
        match self {
            Level::Debug(_) => tracing::Level::DEBUG,
            Level::Info => tracing::Level::INFO,
            Level::Warn => tracing::Level::WARN,
            Level::Error | Level::Fatal => tracing::Level::ERROR,
        }
    }
}

/// Lowest message rank a logger with this severity/debuglevel lets through.
/// NONE lets nothing through. `debuglevel` above 99 is treated as 99.
pub const fn threshold(severity: Severity, debuglevel: u8) -> u16 {
    match severity {
        Severity::Debug => {
            let d = if debuglevel > MAX_DEBUG_LEVEL {
                MAX_DEBUG_LEVEL
            } else {
                debuglevel
            };
            100 - d as u16
        }
        Severity::Info => 200,
        Severity::Warn => 300,
        Severity::Error => 400,
        Severity::Fatal => 500,
        Severity::None => u16::MAX,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn passes(msg: Level, sev: Severity, dbg: u8) -> bool {
        msg.rank() >= threshold(sev, dbg)
    }

    #[test]
    fn severity_ordering() {
        assert!(passes(Level::Warn, Severity::Info, 0));
        assert!(passes(Level::Info, Severity::Info, 0));
        assert!(!passes(Level::Info, Severity::Warn, 0));
        assert!(passes(Level::Fatal, Severity::Fatal, 0));
        assert!(!passes(Level::Error, Severity::Fatal, 0));
        assert!(!passes(Level::Fatal, Severity::None, 0));
        assert!(!passes(Level::Debug(0), Severity::Info, 99));
    }

    #[test]
    fn debug_levels() {
        assert!(passes(Level::Debug(0), Severity::Debug, 0));
        assert!(!passes(Level::Debug(1), Severity::Debug, 0));
        assert!(passes(Level::Debug(40), Severity::Debug, 40));
        assert!(!passes(Level::Debug(45), Severity::Debug, 40));
        assert!(passes(Level::Debug(99), Severity::Debug, 99));
        assert!(passes(Level::Info, Severity::Debug, 0));
    }

    #[test]
    fn parse_is_case_insensitive() {
        assert_eq!(Severity::parse("debug"), Some(Severity::Debug));
        assert_eq!(Severity::parse("NONE"), Some(Severity::None));
        assert_eq!(Severity::parse("WARNING"), None);
    }
}
