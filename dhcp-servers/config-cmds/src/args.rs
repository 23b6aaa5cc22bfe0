//! Argument checks shared by the commands, with Kea's error texts.

use kea_command::Answer;
use serde_json::{Map, Value};

use crate::Family;

/// Largest subnet identifier (Kea's `SUBNET_ID_MAX`).
pub(crate) const SUBNET_ID_MAX: u64 = 4_294_967_294;

/// Kea reports argument positions; commands arrive as JSON without line information, so
/// positions read like the rest of this project's command answers.
const POS: &str = "(<wire>:0:0)";

/// One command invocation.
pub(crate) struct Cmd<'a> {
    pub family: Family,
    pub name: &'a str,
    pub args: Option<&'a Value>,
}

pub(crate) type Res<T> = Result<T, Answer>;

pub(crate) fn err<T>(text: impl Into<String>) -> Res<T> {
    Err(Answer::error(text))
}

impl<'a> Cmd<'a> {
    /// The arguments map, with subnet_cmds' texts for missing / non-map arguments.
    pub fn map(&self) -> Res<&'a Map<String, Value>> {
        match self.args {
            None => err(format!(
                "no arguments specified for the '{}' command",
                self.name
            )),
            Some(Value::Object(m)) => Ok(m),
            Some(_) => err(format!(
                "arguments specified for the '{}' command are not a map",
                self.name
            )),
        }
    }

    /// The arguments map, with host_cmds' text when missing or not a map.
    pub fn host_map(&self) -> Res<&'a Map<String, Value>> {
        match self.args {
            Some(Value::Object(m)) => Ok(m),
            _ => err("Parameters missing or are not a map."),
        }
    }
}

/// Kea's `SimpleParser::getInteger` with a range.
pub(crate) fn get_integer(m: &Map<String, Value>, key: &str, min: i64, max: i64) -> Res<i64> {
    match m.get(key) {
        None => err(format!("missing parameter '{key}' {POS}")),
        Some(v) => match v.as_i64() {
            Some(i) if (min..=max).contains(&i) => Ok(i),
            Some(i) => err(format!(
                "The '{key}' value ({i}) is not within expected range: ({min} - {max})"
            )),
            None => err(format!(
                "invalid type specified for parameter '{key}' {POS}"
            )),
        },
    }
}

/// Kea's `SimpleParser::getString`.
pub(crate) fn get_string<'a>(m: &'a Map<String, Value>, key: &str) -> Res<&'a str> {
    match m.get(key) {
        None => err(format!("missing parameter '{key}' {POS}")),
        Some(Value::String(s)) => Ok(s),
        Some(_) => err(format!(
            "invalid type specified for parameter '{key}' {POS}"
        )),
    }
}

/// A subnet identifier argument (0 = global).
pub(crate) fn subnet_id(m: &Map<String, Value>) -> Res<u32> {
    get_integer(m, "subnet-id", 0, SUBNET_ID_MAX as i64).map(|v| v as u32)
}

/// Where host commands read and write. Only the configuration exists here.
pub(crate) fn check_operation_target(m: &Map<String, Value>) -> Res<()> {
    if !m.contains_key("operation-target") {
        return Ok(());
    }
    match get_string(m, "operation-target")? {
        "memory" | "all" | "default" => Ok(()),
        "database" => err(
            "operation-target 'database' is not available: no hosts database is configured, reservations are kept in the configuration (use 'memory')",
        ),
        other => err(format!(
            "The 'operation-target' value ({other}) is not within expected set: (memory, database, all, default)"
        )),
    }
}

/// A host identifier as Kea reads it: `'quoted text'` or hex digits, with or without
/// `:`/space separators (`01:02:03`, `010203`, `1:2:3`), optionally `0x`-prefixed.
pub(crate) fn parse_identifier(text: &str) -> Option<Vec<u8>> {
    let t = text.trim();
    if t.len() >= 2 && t.starts_with('\'') && t.ends_with('\'') {
        return Some(t.as_bytes()[1..t.len() - 1].to_vec());
    }
    let t = t
        .strip_prefix("0x")
        .or_else(|| t.strip_prefix("0X"))
        .unwrap_or(t);
    if t.contains(':') || t.contains(' ') {
        let sep = if t.contains(':') { ':' } else { ' ' };
        return t
            .split(sep)
            .map(|g| match g.len() {
                1 | 2 => u8::from_str_radix(g, 16).ok(),
                _ => None,
            })
            .collect();
    }
    if !t.len().is_multiple_of(2) {
        return None;
    }
    (0..t.len())
        .step_by(2)
        .map(|i| t.get(i..i + 2).and_then(|g| u8::from_str_radix(g, 16).ok()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn map(v: Value) -> Map<String, Value> {
        match v {
            Value::Object(m) => m,
            _ => Map::new(),
        }
    }

    #[test]
    fn integers_and_strings() {
        let m = map(json!({"subnet-id": 5, "neg": -1, "s": "x", "n": 1}));
        assert_eq!(subnet_id(&m), Ok(5));
        assert_eq!(
            get_integer(&m, "neg", 0, 10).unwrap_err().text.unwrap(),
            "The 'neg' value (-1) is not within expected range: (0 - 10)"
        );
        assert_eq!(
            get_integer(&m, "s", 0, 10).unwrap_err().text.unwrap(),
            "invalid type specified for parameter 's' (<wire>:0:0)"
        );
        assert_eq!(
            get_integer(&m, "x", 0, 10).unwrap_err().text.unwrap(),
            "missing parameter 'x' (<wire>:0:0)"
        );
        assert_eq!(get_string(&m, "s"), Ok("x"));
        assert!(get_string(&m, "n").is_err());
    }

    #[test]
    fn operation_targets() {
        assert!(check_operation_target(&map(json!({}))).is_ok());
        for ok in ["memory", "all", "default"] {
            assert!(check_operation_target(&map(json!({"operation-target": ok}))).is_ok());
        }
        let e = check_operation_target(&map(json!({"operation-target": "database"})));
        assert!(e.unwrap_err().text.unwrap().contains("no hosts database"));
        let e = check_operation_target(&map(json!({"operation-target": "alternate"})));
        assert_eq!(
            e.unwrap_err().text.unwrap(),
            "The 'operation-target' value (alternate) is not within expected set: (memory, database, all, default)"
        );
    }

    #[test]
    fn identifiers() {
        assert_eq!(parse_identifier("01:02:0a"), Some(vec![1, 2, 10]));
        assert_eq!(parse_identifier("1:2:a"), Some(vec![1, 2, 10]));
        assert_eq!(parse_identifier("01020a"), Some(vec![1, 2, 10]));
        assert_eq!(parse_identifier("0x01020A"), Some(vec![1, 2, 10]));
        assert_eq!(parse_identifier("01 02"), Some(vec![1, 2]));
        assert_eq!(parse_identifier("'abc'"), Some(b"abc".to_vec()));
        assert_eq!(parse_identifier("0102z"), None);
        assert_eq!(parse_identifier("010:2"), None);
        assert_eq!(parse_identifier("012"), None);
    }
}
