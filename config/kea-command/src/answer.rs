//! Kea's command answer: `{"arguments": …, "result": N, "text": "…"}`.

use crate::json::to_kea_string;
use serde_json::{Map, Value};

/// Result code: the command succeeded.
pub const RESULT_SUCCESS: i64 = 0;
/// Result code: general error.
pub const RESULT_ERROR: i64 = 1;
/// Result code: command not supported by this server.
pub const RESULT_UNSUPPORTED: i64 = 2;
/// Result code: completed, but the requested resource was not found / nothing affected.
pub const RESULT_EMPTY: i64 = 3;
/// Result code: well-formed but conflicts with the server state or configuration.
pub const RESULT_CONFLICT: i64 = 4;

/// One answer to a command, as Kea's `createAnswer()` builds it.
///
/// `text` is left out of the JSON when `None` or empty and `arguments` when `None`, exactly as Kea
/// does; keys come out sorted (`arguments`, `result`, `text`).
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    /// Result code (see the `RESULT_*` constants; hooks and HTTP errors use others).
    pub result: i64,
    /// Human-readable text.
    pub text: Option<String>,
    /// Command-specific data.
    pub arguments: Option<Value>,
}

impl Answer {
    /// An answer with a result code and a text.
    pub fn new(result: i64, text: impl Into<String>) -> Self {
        Self {
            result,
            text: Some(text.into()),
            arguments: None,
        }
    }

    /// `{"result": 0}`.
    pub fn success() -> Self {
        Self {
            result: RESULT_SUCCESS,
            text: None,
            arguments: None,
        }
    }

    /// `{"result": 0, "text": text}`.
    pub fn success_text(text: impl Into<String>) -> Self {
        Self::new(RESULT_SUCCESS, text)
    }

    /// `{"arguments": arguments, "result": 0}`.
    pub fn success_with(arguments: Value) -> Self {
        Self {
            result: RESULT_SUCCESS,
            text: None,
            arguments: Some(arguments),
        }
    }

    /// `{"result": 1, "text": text}`.
    pub fn error(text: impl Into<String>) -> Self {
        Self::new(RESULT_ERROR, text)
    }

    /// `{"result": 3, "text": text}`.
    pub fn empty(text: impl Into<String>) -> Self {
        Self::new(RESULT_EMPTY, text)
    }

    /// `{"result": 4, "text": text}`.
    pub fn conflict(text: impl Into<String>) -> Self {
        Self::new(RESULT_CONFLICT, text)
    }

    /// Kea's answer for a command without a handler: `'NAME' command not supported.`
    pub fn unsupported(command: &str) -> Self {
        Self::new(
            RESULT_UNSUPPORTED,
            format!("'{command}' command not supported."),
        )
    }

    /// Adds (or replaces) the arguments.
    pub fn with_arguments(mut self, arguments: Value) -> Self {
        self.arguments = Some(arguments);
        self
    }

    /// Adds (or replaces) the text.
    pub fn with_text(mut self, text: impl Into<String>) -> Self {
        self.text = Some(text.into());
        self
    }

    /// True when `result` is 0.
    pub fn is_success(&self) -> bool {
        self.result == RESULT_SUCCESS
    }

    /// The answer as a JSON map.
    pub fn to_value(&self) -> Value {
        let mut map = Map::new();
        if let Some(arguments) = &self.arguments {
            map.insert("arguments".into(), arguments.clone());
        }
        map.insert("result".into(), Value::from(self.result));
        if let Some(text) = self.text.as_deref().filter(|t| !t.is_empty()) {
            map.insert("text".into(), Value::from(text));
        }
        Value::Object(map)
    }

    /// The answer serialized exactly as Kea writes it on a socket.
    pub fn to_kea_string(&self) -> String {
        to_kea_string(&self.to_value())
    }

    /// Reads an answer map. A missing or non-integer `result`, or a non-string `text`, is an error.
    pub fn from_value(value: &Value) -> Result<Self, String> {
        let map = value
            .as_object()
            .ok_or_else(|| "invalid answer: expected a map".to_string())?;
        let result = match map.get("result") {
            Some(r) => r
                .as_i64()
                .ok_or_else(|| "invalid answer: 'result' is not an integer".to_string())?,
            None => return Err("invalid answer: no 'result' parameter".into()),
        };
        let text = match map.get("text") {
            None => None,
            Some(Value::String(t)) => Some(t.clone()),
            Some(_) => return Err("invalid answer: 'text' is not a string".into()),
        };
        Ok(Self {
            result,
            text,
            arguments: map.get("arguments").cloned(),
        })
    }
}

impl std::fmt::Display for Answer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.to_kea_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn matches_kea_samples() {
        assert_eq!(
            Answer::unsupported("no-such-command").to_kea_string(),
            r#"{ "result": 2, "text": "'no-such-command' command not supported." }"#
        );
        assert_eq!(
            Answer::success_with(json!(["a", "b"])).to_kea_string(),
            r#"{ "arguments": [ "a", "b" ], "result": 0 }"#
        );
        assert_eq!(
            Answer::success_text("2.2.0")
                .with_arguments(json!({"extended": "x\ny"}))
                .to_kea_string(),
            r#"{ "arguments": { "extended": "x\ny" }, "result": 0, "text": "2.2.0" }"#
        );
    }

    #[test]
    fn empty_text_is_omitted() {
        assert_eq!(Answer::new(0, "").to_kea_string(), r#"{ "result": 0 }"#);
    }

    #[test]
    fn round_trips_and_rejects_bad_shapes() {
        let a = Answer::conflict("busy").with_arguments(json!({"x": 1}));
        assert_eq!(Answer::from_value(&a.to_value()).unwrap(), a);
        assert!(Answer::from_value(&json!({"text": "x"})).is_err());
        assert!(Answer::from_value(&json!({"result": "0"})).is_err());
        assert!(Answer::from_value(&json!([])).is_err());
    }
}
