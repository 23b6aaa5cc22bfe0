//! The `loggers` list of a daemon's configuration, parsed into typed settings.
//!
//! Keyword and position checks belong to the configuration crate; this parser checks
//! values (types, ranges, names, patterns, log-file directory) and says what is wrong.

use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use crate::level::{MAX_DEBUG_LEVEL, Severity};
use crate::paths::{PathError, validate_path};
use crate::pattern::{Pattern, PatternError};

/// Default `maxsize`: 10240000 bytes.
pub const DEFAULT_MAXSIZE: u64 = 10_240_000;
/// Smallest `maxsize` that rotates; smaller values (including 0) disable rotation.
pub const MIN_ROTATION_SIZE: u64 = 204_800;
/// Default (and minimum) `maxver`.
pub const DEFAULT_MAXVER: u32 = 1;

/// All logger entries of one configuration.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LoggingConfig {
    pub loggers: Vec<LoggerConfig>,
    /// Some entry used the deprecated `output_options` spelling: the daemon should log
    /// `DCTL_DEPRECATED_OUTPUT_OPTIONS`.
    pub deprecated_output_options: bool,
}

/// One `loggers` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoggerConfig {
    /// Full logger name, e.g. `kea-dhcp4.packets`.
    pub name: String,
    pub severity: Severity,
    /// 0–99; only meaningful with DEBUG (an absent value is 0, as in Kea).
    pub debuglevel: u8,
    /// Empty: messages go to the outputs of the nearest configured ancestor.
    pub outputs: Vec<OutputConfig>,
}

/// One `output-options` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputConfig {
    pub destination: Destination,
    pub flush: bool,
    /// Rotation size in bytes; below [`MIN_ROTATION_SIZE`] there is no rotation.
    pub maxsize: u64,
    /// Rotated files kept (`file.1` … `file.maxver`), at least 1.
    pub maxver: u32,
    /// The layout; the destination's default when absent or empty.
    pub pattern: Pattern,
}

impl OutputConfig {
    /// Whether this output rotates its file.
    pub fn rotates(&self) -> bool {
        self.maxsize >= MIN_ROTATION_SIZE
    }
}

/// Where an output writes.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Destination {
    Stdout,
    Stderr,
    /// libc syslog with the given facility (`syslog` alone means `local0`).
    Syslog(SyslogFacility),
    /// A file, already checked against the log directory and resolved.
    File(PathBuf),
}

/// A syslog facility, by its conventional name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SyslogFacility {
    pub name: &'static str,
    pub code: i32,
}

const FACILITIES: &[(&str, i32)] = &[
    ("kern", libc::LOG_KERN),
    ("user", libc::LOG_USER),
    ("mail", libc::LOG_MAIL),
    ("daemon", libc::LOG_DAEMON),
    ("auth", libc::LOG_AUTH),
    ("syslog", libc::LOG_SYSLOG),
    ("lpr", libc::LOG_LPR),
    ("news", libc::LOG_NEWS),
    ("uucp", libc::LOG_UUCP),
    ("cron", libc::LOG_CRON),
    ("authpriv", libc::LOG_AUTHPRIV),
    ("ftp", libc::LOG_FTP),
    ("local0", libc::LOG_LOCAL0),
    ("local1", libc::LOG_LOCAL1),
    ("local2", libc::LOG_LOCAL2),
    ("local3", libc::LOG_LOCAL3),
    ("local4", libc::LOG_LOCAL4),
    ("local5", libc::LOG_LOCAL5),
    ("local6", libc::LOG_LOCAL6),
    ("local7", libc::LOG_LOCAL7),
];

impl SyslogFacility {
    /// Looks a facility up by name, case-insensitively.
    pub fn parse(name: &str) -> Option<SyslogFacility> {
        FACILITIES
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|&(name, code)| SyslogFacility { name, code })
    }

    /// Kea's default facility, `local0`.
    pub fn local0() -> SyslogFacility {
        SyslogFacility {
            name: "local0",
            code: libc::LOG_LOCAL0,
        }
    }
}

/// Where log files may go: the directory required by Kea 3.0, or anywhere (`-X`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LogFilePolicy {
    /// Files must be in this directory (see [`crate::paths::log_file_dir`]).
    Restricted(PathBuf),
    /// `-X`: no restriction.
    Unrestricted,
}

impl LogFilePolicy {
    /// The policy of a normal start: `KEA_LOG_FILE_DIR` or `/var/log/kea`.
    pub fn from_env() -> LogFilePolicy {
        LogFilePolicy::Restricted(crate::paths::log_file_dir())
    }

    fn dir(&self) -> Option<&Path> {
        match self {
            LogFilePolicy::Restricted(d) => Some(d),
            LogFilePolicy::Unrestricted => None,
        }
    }
}

/// What is wrong with a `loggers` list.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LogConfigError {
    #[error("'loggers' must be a list")]
    NotAList,
    #[error("loggers entry must be a map")]
    EntryNotAMap,
    #[error("output-options entry must be a map")]
    OutputNotAMap,
    #[error("'{0}' must be a list")]
    NotAListParam(&'static str),
    #[error("loggers entry does not have a mandatory '{0}' element")]
    MissingLoggerParam(&'static str),
    #[error("output-options entry does not have a mandatory 'output' element")]
    MissingOutput,
    #[error("'{param}' must be {expected}")]
    WrongType {
        param: &'static str,
        expected: &'static str,
    },
    #[error("unsupported parameter '{0}' in {1}")]
    UnknownParam(String, &'static str),
    #[error("logger name must not be empty")]
    EmptyName,
    #[error("duplicate logger name '{0}'")]
    DuplicateName(String),
    #[error(
        "unsupported severity value '{0}', expected one of FATAL, ERROR, WARN, INFO, DEBUG, NONE"
    )]
    BadSeverity(String),
    #[error("debuglevel value {0} is out of range 0-99")]
    DebugLevelOutOfRange(i64),
    #[error("'output' must not be empty")]
    EmptyOutput,
    #[error("unknown syslog facility '{0}'")]
    BadFacility(String),
    #[error("{param} value {value} must not be negative")]
    Negative { param: &'static str, value: i64 },
    #[error("both 'output-options' and 'output_options' given in logger '{0}'")]
    BothOutputOptions(String),
    #[error("logger '{logger}': {source}")]
    Pattern {
        logger: String,
        source: PatternError,
    },
    #[error("logger '{logger}': {source}")]
    Path { logger: String, source: PathError },
}

/// Parses a `loggers` value (the list itself, not the daemon map around it).
pub fn parse_loggers(
    value: &Value,
    policy: &LogFilePolicy,
) -> Result<LoggingConfig, LogConfigError> {
    let list = value.as_array().ok_or(LogConfigError::NotAList)?;
    let mut config = LoggingConfig::default();
    for entry in list {
        let (logger, deprecated) = parse_logger(entry, policy)?;
        if config.loggers.iter().any(|l| l.name == logger.name) {
            return Err(LogConfigError::DuplicateName(logger.name));
        }
        config.deprecated_output_options |= deprecated;
        config.loggers.push(logger);
    }
    Ok(config)
}

fn parse_logger(
    entry: &Value,
    policy: &LogFilePolicy,
) -> Result<(LoggerConfig, bool), LogConfigError> {
    let map = entry.as_object().ok_or(LogConfigError::EntryNotAMap)?;
    for key in map.keys() {
        if !matches!(
            key.as_str(),
            "name"
                | "severity"
                | "debuglevel"
                | "output-options"
                | "output_options"
                | "user-context"
                | "comment"
        ) {
            return Err(LogConfigError::UnknownParam(key.clone(), "loggers entry"));
        }
    }
    let name = get_str(map, "name")?.ok_or(LogConfigError::MissingLoggerParam("name"))?;
    if name.trim().is_empty() {
        return Err(LogConfigError::EmptyName);
    }
    let severity_text =
        get_str(map, "severity")?.ok_or(LogConfigError::MissingLoggerParam("severity"))?;
    let severity = Severity::parse(severity_text.trim())
        .ok_or_else(|| LogConfigError::BadSeverity(severity_text.to_string()))?;
    let debuglevel = match get_int(map, "debuglevel")? {
        None => 0,
        Some(v) if (0..=i64::from(MAX_DEBUG_LEVEL)).contains(&v) => v as u8,
        Some(v) => return Err(LogConfigError::DebugLevelOutOfRange(v)),
    };
    let (outputs_value, deprecated) = match (map.get("output-options"), map.get("output_options")) {
        (Some(_), Some(_)) => return Err(LogConfigError::BothOutputOptions(name.to_string())),
        (Some(v), None) => (Some(v), false),
        (None, Some(v)) => (Some(v), true),
        (None, None) => (None, false),
    };
    let mut outputs = Vec::new();
    if let Some(v) = outputs_value {
        let param = if deprecated {
            "output_options"
        } else {
            "output-options"
        };
        for out in v.as_array().ok_or(LogConfigError::NotAListParam(param))? {
            outputs.push(parse_output(out, name, policy)?);
        }
    }
    Ok((
        LoggerConfig {
            name: name.to_string(),
            severity,
            debuglevel,
            outputs,
        },
        deprecated,
    ))
}

fn parse_output(
    value: &Value,
    logger: &str,
    policy: &LogFilePolicy,
) -> Result<OutputConfig, LogConfigError> {
    let map = value.as_object().ok_or(LogConfigError::OutputNotAMap)?;
    for key in map.keys() {
        if !matches!(
            key.as_str(),
            "output" | "flush" | "maxsize" | "maxver" | "pattern" | "user-context" | "comment"
        ) {
            return Err(LogConfigError::UnknownParam(
                key.clone(),
                "output-options entry",
            ));
        }
    }
    let output = get_str(map, "output")?.ok_or(LogConfigError::MissingOutput)?;
    let destination = parse_destination(output, logger, policy)?;
    let flush = match map.get("flush") {
        None => true,
        Some(Value::Bool(b)) => *b,
        Some(_) => {
            return Err(LogConfigError::WrongType {
                param: "flush",
                expected: "a boolean",
            });
        }
    };
    let maxsize = match get_int(map, "maxsize")? {
        None => DEFAULT_MAXSIZE,
        Some(v) if v < 0 => {
            return Err(LogConfigError::Negative {
                param: "maxsize",
                value: v,
            });
        }
        Some(v) => v as u64,
    };
    let maxver = match get_int(map, "maxver")? {
        None => DEFAULT_MAXVER,
        Some(v) if v < 0 => {
            return Err(LogConfigError::Negative {
                param: "maxver",
                value: v,
            });
        }
        // log4cplus keeps at least one rotated file; Kea documents 1 as the minimum.
        Some(v) => u32::try_from(v).unwrap_or(u32::MAX).max(DEFAULT_MAXVER),
    };
    let pattern_text = match get_str(map, "pattern")? {
        Some(p) if !p.is_empty() => p,
        _ => match destination {
            Destination::Syslog(_) => crate::pattern::DEFAULT_SYSLOG_PATTERN,
            _ => crate::pattern::DEFAULT_PATTERN,
        },
    };
    let pattern = Pattern::parse(pattern_text).map_err(|source| LogConfigError::Pattern {
        logger: logger.to_string(),
        source,
    })?;
    Ok(OutputConfig {
        destination,
        flush,
        maxsize,
        maxver,
        pattern,
    })
}

fn parse_destination(
    output: &str,
    logger: &str,
    policy: &LogFilePolicy,
) -> Result<Destination, LogConfigError> {
    let output = output.trim();
    match output {
        "" => Err(LogConfigError::EmptyOutput),
        "stdout" => Ok(Destination::Stdout),
        "stderr" => Ok(Destination::Stderr),
        "syslog" => Ok(Destination::Syslog(SyslogFacility::local0())),
        _ => {
            if let Some(facility) = output.strip_prefix("syslog:") {
                return SyslogFacility::parse(facility)
                    .map(Destination::Syslog)
                    .ok_or_else(|| LogConfigError::BadFacility(facility.to_string()));
            }
            validate_path(policy.dir(), output)
                .map(Destination::File)
                .map_err(|source| LogConfigError::Path {
                    logger: logger.to_string(),
                    source,
                })
        }
    }
}

fn get_str<'a>(
    map: &'a Map<String, Value>,
    param: &'static str,
) -> Result<Option<&'a str>, LogConfigError> {
    match map.get(param) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(LogConfigError::WrongType {
            param,
            expected: "a string",
        }),
    }
}

fn get_int(map: &Map<String, Value>, param: &'static str) -> Result<Option<i64>, LogConfigError> {
    match map.get(param) {
        None => Ok(None),
        Some(v) => v.as_i64().map(Some).ok_or(LogConfigError::WrongType {
            param,
            expected: "an integer",
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn restricted() -> LogFilePolicy {
        LogFilePolicy::Restricted(PathBuf::from("/var/log/kea"))
    }

    fn parse(v: Value) -> Result<LoggingConfig, LogConfigError> {
        parse_loggers(&v, &restricted())
    }

    #[test]
    fn full_entry_with_defaults() {
        let c = parse(json!([
            {"name": "kea-dhcp4", "severity": "INFO", "output-options": [{"output": "stdout"}]},
            {"name": "kea-dhcp4.packets", "severity": "debug", "debuglevel": 55,
             "output-options": [{"output": "packets.log", "maxsize": 204800, "maxver": 4,
                                 "flush": false, "pattern": "%m\n"}],
             "user-context": {"x": 1}, "comment": "c"}
        ]))
        .unwrap();
        assert!(!c.deprecated_output_options);
        let root = &c.loggers[0];
        assert_eq!((root.severity, root.debuglevel), (Severity::Info, 0));
        let out = &root.outputs[0];
        assert_eq!(out.destination, Destination::Stdout);
        assert!(out.flush);
        assert_eq!((out.maxsize, out.maxver), (DEFAULT_MAXSIZE, 1));
        assert_eq!(out.pattern.source(), crate::pattern::DEFAULT_PATTERN);
        let p = &c.loggers[1];
        assert_eq!((p.severity, p.debuglevel), (Severity::Debug, 55));
        let out = &p.outputs[0];
        assert_eq!(
            out.destination,
            Destination::File("/var/log/kea/packets.log".into())
        );
        assert!(!out.flush && out.rotates());
        assert_eq!((out.maxsize, out.maxver), (204_800, 4));
        assert_eq!(out.pattern.source(), "%m\n");
    }

    #[test]
    fn syslog_destinations_and_default_pattern() {
        let c = parse(json!([{"name": "kea-dhcp6", "severity": "WARN", "output_options": [
            {"output": "syslog"}, {"output": "syslog:daemon"}, {"output": "stderr", "pattern": ""}]}]))
        .unwrap();
        assert!(c.deprecated_output_options);
        let outs = &c.loggers[0].outputs;
        assert_eq!(
            outs[0].destination,
            Destination::Syslog(SyslogFacility::local0())
        );
        assert_eq!(
            outs[0].pattern.source(),
            crate::pattern::DEFAULT_SYSLOG_PATTERN
        );
        assert_eq!(
            outs[1].destination,
            Destination::Syslog(SyslogFacility::parse("DAEMON").unwrap())
        );
        assert_eq!(outs[2].pattern.source(), crate::pattern::DEFAULT_PATTERN);
    }

    #[test]
    fn small_maxsize_disables_rotation_and_maxver_zero_means_one() {
        let c = parse(json!([{"name": "kea-dhcp4", "severity": "INFO",
            "output-options": [{"output": "a.log", "maxsize": 0, "maxver": 0},
                               {"output": "b.log", "maxsize": 204799}]}]))
        .unwrap();
        assert!(!c.loggers[0].outputs[0].rotates());
        assert_eq!(c.loggers[0].outputs[0].maxver, 1);
        assert!(!c.loggers[0].outputs[1].rotates());
    }

    #[test]
    fn bad_configs_are_explained() {
        let cases: Vec<(Value, &str)> = vec![
            (json!({}), "'loggers' must be a list"),
            (
                json!([{"severity": "INFO"}]),
                "loggers entry does not have a mandatory 'name' element",
            ),
            (
                json!([{"name": "kea-dhcp4"}]),
                "loggers entry does not have a mandatory 'severity' element",
            ),
            (
                json!([{"name": "kea-dhcp4", "severity": "BOGUS"}]),
                "unsupported severity value 'BOGUS', expected one of FATAL, ERROR, WARN, INFO, DEBUG, NONE",
            ),
            (
                json!([{"name": "kea-dhcp4", "severity": "DEBUG", "debuglevel": 100}]),
                "debuglevel value 100 is out of range 0-99",
            ),
            (
                json!([{"name": "kea-dhcp4", "severity": "DEBUG", "debuglevel": -1}]),
                "debuglevel value -1 is out of range 0-99",
            ),
            (
                json!([{"name": "kea-dhcp4", "severity": "DEBUG", "debuglevel": "5"}]),
                "'debuglevel' must be an integer",
            ),
            (
                json!([{"name": "", "severity": "INFO"}]),
                "logger name must not be empty",
            ),
            (
                json!([{"name": "a", "severity": "INFO"}, {"name": "a", "severity": "WARN"}]),
                "duplicate logger name 'a'",
            ),
            (
                json!([{"name": "a", "severity": "INFO", "output-options": [{"maxver": 2}]}]),
                "output-options entry does not have a mandatory 'output' element",
            ),
            (
                json!([{"name": "a", "severity": "INFO", "output-options": [{"output": ""}]}]),
                "'output' must not be empty",
            ),
            (
                json!([{"name": "a", "severity": "INFO", "output-options": [{"output": "syslog:bogus"}]}]),
                "unknown syslog facility 'bogus'",
            ),
            (
                json!([{"name": "a", "severity": "INFO", "output-options": [{"output": "stdout", "maxsize": -5}]}]),
                "maxsize value -5 must not be negative",
            ),
            (
                json!([{"name": "a", "severity": "INFO", "output-options": [{"output": "stdout", "flush": "yes"}]}]),
                "'flush' must be a boolean",
            ),
            (
                json!([{"name": "a", "severity": "INFO", "output-options": [{"output": "stdout", "pattern": "%z"}]}]),
                "logger 'a': unsupported conversion '%z' in pattern",
            ),
            (
                json!([{"name": "a", "severity": "INFO", "output-options": [{"output": "/tmp/a.log"}]}]),
                "logger 'a': invalid path specified: '/tmp', supported path is '/var/log/kea'",
            ),
            (
                json!([{"name": "a", "severity": "INFO", "output-options": [], "output_options": []}]),
                "both 'output-options' and 'output_options' given in logger 'a'",
            ),
            (
                json!([{"name": "a", "severity": "INFO", "bogus": 1}]),
                "unsupported parameter 'bogus' in loggers entry",
            ),
            (
                json!([{"name": "a", "severity": "INFO", "output-options": {}}]),
                "'output-options' must be a list",
            ),
        ];
        for (value, text) in cases {
            let err = parse(value.clone()).expect_err(&value.to_string());
            assert_eq!(err.to_string(), text, "for {value}");
        }
    }

    #[test]
    fn unrestricted_policy_allows_any_file() {
        let c = parse_loggers(
            &json!([{"name": "a", "severity": "INFO", "output-options": [{"output": "/tmp/a.log"}]}]),
            &LogFilePolicy::Unrestricted,
        )
        .unwrap();
        assert_eq!(
            c.loggers[0].outputs[0].destination,
            Destination::File("/tmp/a.log".into())
        );
    }
}
