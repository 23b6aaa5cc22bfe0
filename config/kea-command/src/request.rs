//! A parsed command: `{"command": "...", "arguments": any?, "service": [...]?, "remote-address": "..."?}`.

use serde_json::{Map, Value};

/// How a command reached the server (for logging and access decisions).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transport {
    /// UNIX stream socket.
    Unix,
    /// Plain HTTP control socket.
    Http,
    /// HTTP over TLS.
    Https,
    /// Called in-process (tests, internal callers).
    Internal,
}

/// A command request.
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    /// The command name.
    pub command: String,
    /// The `arguments` value, of any JSON type (Kea does not check its type; handlers do).
    pub arguments: Option<Value>,
    /// The `service` value as sent (meaningful only to the Control Agent; servers ignore it).
    pub service: Option<Value>,
    /// The `remote-address` parameter, or the peer address of an HTTP client.
    pub remote_address: Option<String>,
    /// The transport the request came on.
    pub transport: Transport,
}

impl Request {
    /// A request for `command` with optional arguments.
    pub fn new(command: impl Into<String>, arguments: Option<Value>) -> Self {
        Self {
            command: command.into(),
            arguments,
            service: None,
            remote_address: None,
            transport: Transport::Internal,
        }
    }

    /// Reads a command document with Kea's checks and Kea's error texts (without the
    /// `Error during command processing: ` prefix the registry adds).
    pub fn from_value(value: &Value) -> Result<Self, String> {
        let map = value
            .as_object()
            .ok_or_else(|| "Invalid command Element specified, expected map".to_string())?;
        let Some(command) = map.get("command") else {
            return Err(
                "Invalid answer specified, does not contain mandatory 'command'".to_string(),
            );
        };
        // Kea walks its (sorted) map, so the first unsupported key in byte order is reported.
        let mut keys: Vec<&String> = map.keys().collect();
        keys.sort();
        if let Some(bad) = keys.into_iter().find(|k| {
            !matches!(
                k.as_str(),
                "command" | "arguments" | "service" | "remote-address"
            )
        }) {
            return Err(format!(
                "Received command contains unsupported parameter '{bad}'"
            ));
        }
        let Value::String(command) = command else {
            return Err("'command' element in command message is not a string".to_string());
        };
        // Kea does not check its type either; only a string is kept.
        let remote_address = map
            .get("remote-address")
            .and_then(Value::as_str)
            .map(str::to_string);
        Ok(Self {
            command: command.clone(),
            arguments: map.get("arguments").cloned(),
            service: map.get("service").cloned(),
            remote_address,
            transport: Transport::Internal,
        })
    }

    /// The request as a JSON document, as a client sends it.
    pub fn to_value(&self) -> Value {
        let mut map = Map::new();
        map.insert("command".into(), Value::from(self.command.clone()));
        if let Some(arguments) = &self.arguments {
            map.insert("arguments".into(), arguments.clone());
        }
        if let Some(service) = &self.service {
            map.insert("service".into(), service.clone());
        }
        if let Some(addr) = &self.remote_address {
            map.insert("remote-address".into(), Value::from(addr.clone()));
        }
        Value::Object(map)
    }

    /// The arguments when they are a map.
    pub fn arguments_map(&self) -> Option<&Map<String, Value>> {
        self.arguments.as_ref().and_then(Value::as_object)
    }

    /// Service names from a `service` list (non-string entries are skipped).
    pub fn services(&self) -> Vec<&str> {
        match &self.service {
            Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn err(v: Value) -> String {
        Request::from_value(&v).unwrap_err()
    }

    #[test]
    fn kea_error_texts() {
        assert_eq!(
            err(json!({"arguments": {}})),
            "Invalid answer specified, does not contain mandatory 'command'"
        );
        assert_eq!(
            err(json!({})),
            "Invalid answer specified, does not contain mandatory 'command'"
        );
        assert_eq!(
            err(json!({"command": 42})),
            "'command' element in command message is not a string"
        );
        assert_eq!(
            err(json!({"command": "version-get", "foo": 1})),
            "Received command contains unsupported parameter 'foo'"
        );
        assert_eq!(
            err(json!([])),
            "Invalid command Element specified, expected map"
        );
        // Unsupported keys are reported before the command's type, first in byte order.
        assert_eq!(
            err(json!({"command": 1, "zz": 1, "aa": 2})),
            "Received command contains unsupported parameter 'aa'"
        );
    }

    #[test]
    fn accepts_any_arguments_type_and_service() {
        let r = Request::from_value(
            &json!({"command": "status-get", "arguments": [1, 2], "service": ["dhcp4"]}),
        )
        .unwrap();
        assert_eq!(r.command, "status-get");
        assert_eq!(r.arguments, Some(json!([1, 2])));
        assert_eq!(r.services(), vec!["dhcp4"]);
        assert!(r.arguments_map().is_none());
        assert_eq!(Request::from_value(&r.to_value()).unwrap(), r);
    }
}
