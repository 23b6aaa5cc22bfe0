//! Control socket configuration: `control-socket` (one map) or `control-sockets` (a list), read
//! from the JSON the daemons already have. Key names, defaults and checks follow Kea 3.0.

use crate::error::ControlError;
use serde_json::{Map, Value};
use std::net::{IpAddr, Ipv4Addr};

/// Default `socket-address` of HTTP(S) control sockets.
pub const DEFAULT_HTTP_ADDRESS: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);
/// Default `socket-port` of HTTP(S) control sockets.
pub const DEFAULT_HTTP_PORT: u16 = 8000;

/// One control socket entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SocketConfig {
    /// `socket-type: unix`.
    Unix(UnixSocketConfig),
    /// `socket-type: http` or `https`.
    Http(HttpSocketConfig),
}

/// A UNIX control socket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnixSocketConfig {
    /// `socket-name` as configured (a bare name or a path; resolved against the socket directory).
    pub socket_name: String,
}

/// An HTTP or HTTPS control socket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpSocketConfig {
    /// `socket-address` (default 127.0.0.1).
    pub address: IpAddr,
    /// `socket-port` (default 8000; 0 lets the system choose, handy in tests).
    pub port: u16,
    /// TLS files when HTTPS is used.
    pub tls: Option<TlsFiles>,
    /// Basic HTTP authentication.
    pub authentication: Option<AuthConfig>,
    /// `http-headers`: extra headers added to every response.
    pub http_headers: Vec<(String, String)>,
}

/// `trust-anchor`, `cert-file`, `key-file`, `cert-required` (all three files or none).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsFiles {
    /// CA file or directory.
    pub trust_anchor: String,
    /// Server certificate (chain) file, PEM.
    pub cert_file: String,
    /// Server private key file, PEM, not encrypted.
    pub key_file: String,
    /// Require client certificates (mutual TLS); default true.
    pub cert_required: bool,
}

/// The `authentication` map (only `type: basic` exists).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthConfig {
    /// `realm`; `None` means the daemon's default (e.g. `kea-dhcpv4-server`).
    pub realm: Option<String>,
    /// `directory`: common prefix of `user-file` / `password-file`.
    pub directory: String,
    /// `clients`; an empty list means no authentication is required.
    pub clients: Vec<AuthClient>,
}

/// One entry of `clients`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthClient {
    /// `user`.
    pub user: Option<String>,
    /// `user-file`.
    pub user_file: Option<String>,
    /// `password`.
    pub password: Option<String>,
    /// `password-file` (the whole `user:password` secret when no user is given).
    pub password_file: Option<String>,
}

impl HttpSocketConfig {
    /// An HTTP socket on `address:port` without TLS, authentication or extra headers.
    pub fn plain(address: IpAddr, port: u16) -> Self {
        Self {
            address,
            port,
            tls: None,
            authentication: None,
            http_headers: Vec::new(),
        }
    }
}

fn err(msg: impl Into<String>) -> ControlError {
    ControlError::Config(msg.into())
}

fn get_string(map: &Map<String, Value>, key: &str) -> Result<Option<String>, ControlError> {
    match map.get(key) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(err(format!("'{key}' parameter must be a string"))),
    }
}

fn check_keys(map: &Map<String, Value>, allowed: &[&str], what: &str) -> Result<(), ControlError> {
    let mut keys: Vec<&String> = map.keys().collect();
    keys.sort();
    for key in keys {
        if !allowed.contains(&key.as_str()) && key != "user-context" && key != "comment" {
            return Err(err(format!("unsupported '{key}' parameter in {what}")));
        }
    }
    Ok(())
}

impl SocketConfig {
    /// Reads one control socket entry.
    pub fn from_value(value: &Value) -> Result<Self, ControlError> {
        let map = value
            .as_object()
            .ok_or_else(|| err("control socket entry must be a map"))?;
        let socket_type = get_string(map, "socket-type")?
            .ok_or_else(|| err("mandatory 'socket-type' parameter missing"))?;
        match socket_type.as_str() {
            "unix" => {
                check_keys(map, &["socket-type", "socket-name"], "unix control socket")?;
                let socket_name = get_string(map, "socket-name")?
                    .ok_or_else(|| err("Mandatory 'socket-name' parameter missing"))?;
                if socket_name.is_empty() {
                    return Err(err("'socket-name' parameter must not be empty"));
                }
                Ok(SocketConfig::Unix(UnixSocketConfig { socket_name }))
            }
            "http" | "https" => Ok(SocketConfig::Http(parse_http(map, socket_type == "https")?)),
            other => Err(err(format!(
                "unsupported 'socket-type' '{other}' not 'unix', 'http' or 'https'"
            ))),
        }
    }

    /// Reads a `control-sockets` list.
    pub fn list_from_value(value: &Value) -> Result<Vec<Self>, ControlError> {
        let items = value
            .as_array()
            .ok_or_else(|| err("'control-sockets' must be a list"))?;
        let sockets = items
            .iter()
            .map(Self::from_value)
            .collect::<Result<Vec<_>, _>>()?;
        if sockets
            .iter()
            .filter(|s| matches!(s, SocketConfig::Unix(_)))
            .count()
            > 1
        {
            return Err(err("only one unix control socket can be configured"));
        }
        Ok(sockets)
    }

    /// Reads the control sockets of a server configuration map (the content of `Dhcp4`, …):
    /// `control-socket` (one map, older syntax) or `control-sockets` (a list), not both.
    pub fn from_server_config(server: &Map<String, Value>) -> Result<Vec<Self>, ControlError> {
        match (server.get("control-socket"), server.get("control-sockets")) {
            (Some(_), Some(_)) => Err(err(
                "only one of 'control-socket' and 'control-sockets' can be specified",
            )),
            (Some(one), None) => Ok(vec![Self::from_value(one)?]),
            (None, Some(list)) => Self::list_from_value(list),
            (None, None) => Ok(Vec::new()),
        }
    }
}

fn parse_http(map: &Map<String, Value>, https: bool) -> Result<HttpSocketConfig, ControlError> {
    check_keys(
        map,
        &[
            "socket-type",
            "socket-address",
            "socket-port",
            "trust-anchor",
            "cert-file",
            "key-file",
            "cert-required",
            "authentication",
            "http-headers",
        ],
        "http control socket",
    )?;
    let address = match get_string(map, "socket-address")? {
        None => DEFAULT_HTTP_ADDRESS,
        Some(s) => s
            .parse::<IpAddr>()
            .map_err(|_| err(format!("failed to convert '{s}' to address")))?,
    };
    let port = match map.get("socket-port") {
        None => DEFAULT_HTTP_PORT,
        Some(v) => v
            .as_i64()
            .and_then(|p| u16::try_from(p).ok())
            .ok_or_else(|| {
                err(format!(
                    "'socket-port' must be an integer in 0..65535, got {v}"
                ))
            })?,
    };
    let trust_anchor = get_string(map, "trust-anchor")?.unwrap_or_default();
    let cert_file = get_string(map, "cert-file")?.unwrap_or_default();
    let key_file = get_string(map, "key-file")?.unwrap_or_default();
    let cert_required = match map.get("cert-required") {
        None => true,
        Some(Value::Bool(b)) => *b,
        Some(_) => return Err(err("'cert-required' parameter must be a boolean")),
    };
    let tls = if trust_anchor.is_empty() && cert_file.is_empty() && key_file.is_empty() {
        if https {
            return Err(err("no TLS setup for a HTTPS control socket"));
        }
        None
    } else {
        let all_or_none = "all or none of TLS parameters must be set";
        if trust_anchor.is_empty() {
            return Err(err(format!(
                "trust-anchor parameter is missing or empty: {all_or_none}"
            )));
        }
        if cert_file.is_empty() {
            return Err(err(format!(
                "cert-file parameter is missing or empty: {all_or_none}"
            )));
        }
        if key_file.is_empty() {
            return Err(err(format!(
                "key-file parameter is missing or empty: {all_or_none}"
            )));
        }
        Some(TlsFiles {
            trust_anchor,
            cert_file,
            key_file,
            cert_required,
        })
    };
    let authentication = map.get("authentication").map(parse_auth).transpose()?;
    let http_headers = match map.get("http-headers") {
        None => Vec::new(),
        Some(Value::Array(items)) => items
            .iter()
            .map(parse_header)
            .collect::<Result<Vec<_>, _>>()?,
        Some(_) => return Err(err("'http-headers' must be a list")),
    };
    Ok(HttpSocketConfig {
        address,
        port,
        tls,
        authentication,
        http_headers,
    })
}

fn parse_header(value: &Value) -> Result<(String, String), ControlError> {
    let map = value
        .as_object()
        .ok_or_else(|| err("http-headers entries must be maps"))?;
    check_keys(map, &["name", "value"], "http header")?;
    let name = get_string(map, "name")?
        .filter(|n| !n.is_empty())
        .ok_or_else(|| err("http header 'name' is missing or empty"))?;
    let value = get_string(map, "value")?
        .ok_or_else(|| err(format!("http header '{name}' has no 'value'")))?;
    if hyper::header::HeaderName::from_bytes(name.as_bytes()).is_err()
        || hyper::header::HeaderValue::from_str(&value).is_err()
    {
        return Err(err(format!("invalid http header '{name}: {value}'")));
    }
    Ok((name, value))
}

fn parse_auth(value: &Value) -> Result<AuthConfig, ControlError> {
    let map = value
        .as_object()
        .ok_or_else(|| err("'authentication' must be a map"))?;
    check_keys(
        map,
        &["type", "realm", "directory", "clients"],
        "authentication",
    )?;
    match get_string(map, "type")?.as_deref() {
        Some("basic") => {}
        Some(other) => {
            return Err(err(format!(
                "only basic HTTP authentication is supported: type is '{other}' not 'basic'"
            )));
        }
        None => return Err(err("'type' is required in authentication")),
    }
    let realm = get_string(map, "realm")?;
    let directory = get_string(map, "directory")?.unwrap_or_default();
    let clients = match map.get("clients") {
        None => Vec::new(),
        Some(Value::Array(items)) => items
            .iter()
            .map(parse_client)
            .collect::<Result<Vec<_>, _>>()?,
        Some(_) => return Err(err("'clients' must be a list")),
    };
    Ok(AuthConfig {
        realm,
        directory,
        clients,
    })
}

fn parse_client(value: &Value) -> Result<AuthClient, ControlError> {
    let map = value
        .as_object()
        .ok_or_else(|| err("clients items must be maps"))?;
    check_keys(
        map,
        &["user", "user-file", "password", "password-file"],
        "authentication client",
    )?;
    let client = AuthClient {
        user: get_string(map, "user")?,
        user_file: get_string(map, "user-file")?,
        password: get_string(map, "password")?,
        password_file: get_string(map, "password-file")?,
    };
    if client.user.is_some() && client.user_file.is_some() {
        return Err(err("only one of user and user-file can be specified"));
    }
    if client.password.is_some() && client.password_file.is_some() {
        return Err(err(
            "only one of password and password-file can be specified",
        ));
    }
    if client.user.is_none() && client.user_file.is_none() && client.password_file.is_none() {
        return Err(err("user is required in clients items"));
    }
    if client.user.is_none() && client.user_file.is_none() && client.password.is_some() {
        return Err(err("password is given without a user"));
    }
    if let Some(user) = &client.user {
        check_user(user)?;
    }
    Ok(client)
}

/// A basic-auth user id must be non-empty and free of ':'.
pub(crate) fn check_user(user: &str) -> Result<(), ControlError> {
    if user.is_empty() {
        return Err(err("user must not be empty"));
    }
    if user.contains(':') {
        return Err(err(format!("user must not contain a ':': '{user}'")));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_both_syntaxes() {
        let one = json!({"control-socket": {"socket-type": "unix", "socket-name": "kea4.sock"}});
        let s = SocketConfig::from_server_config(one.as_object().unwrap()).unwrap();
        assert_eq!(
            s,
            vec![SocketConfig::Unix(UnixSocketConfig {
                socket_name: "kea4.sock".into()
            })]
        );
        let list = json!({"control-sockets": [
            {"socket-type": "http", "comment": "x"},
            {"socket-type": "https", "socket-address": "::1", "socket-port": 8004,
             "trust-anchor": "ca.pem", "cert-file": "c.pem", "key-file": "k.pem", "cert-required": false,
             "http-headers": [{"name": "Strict-Transport-Security", "value": "max-age=31536000"}],
             "authentication": {"type": "basic", "realm": "r", "clients": [{"user": "admin", "password": "1234"}]}}
        ]});
        let s = SocketConfig::from_server_config(list.as_object().unwrap()).unwrap();
        assert_eq!(
            s[0],
            SocketConfig::Http(HttpSocketConfig::plain(DEFAULT_HTTP_ADDRESS, 8000))
        );
        let SocketConfig::Http(h) = &s[1] else {
            panic!()
        };
        assert_eq!(h.port, 8004);
        assert!(!h.tls.as_ref().unwrap().cert_required);
        assert_eq!(h.http_headers.len(), 1);
        assert_eq!(h.authentication.as_ref().unwrap().clients.len(), 1);
    }

    #[test]
    fn rejects_bad_entries() {
        let cases = [
            json!({"socket-type": "tcp"}),
            json!({"socket-type": "unix"}),
            json!({"socket-type": "unix", "socket-name": 5}),
            json!({"socket-type": "unix", "socket-name": "a", "bogus": 1}),
            json!({"socket-type": "https"}),
            json!({"socket-type": "http", "trust-anchor": "ca"}),
            json!({"socket-type": "http", "socket-port": 70000}),
            json!({"socket-type": "http", "socket-address": "localhost"}),
            json!({"socket-type": "http", "authentication": {"type": "digest"}}),
            json!({"socket-type": "http", "authentication": {"type": "basic", "clients": [{"user": "a:b"}]}}),
            json!({"socket-type": "http", "authentication": {"type": "basic", "clients": [{"user": ""}]}}),
            json!({"socket-type": "http", "authentication": {"type": "basic", "clients": [{"user": "a", "user-file": "f"}]}}),
            json!({"socket-type": "http", "http-headers": [{"name": "X"}]}),
        ];
        for case in cases {
            assert!(SocketConfig::from_value(&case).is_err(), "{case}");
        }
        let two_unix = json!([{"socket-type": "unix", "socket-name": "a"}, {"socket-type": "unix", "socket-name": "b"}]);
        assert!(SocketConfig::list_from_value(&two_unix).is_err());
        let both = json!({"control-socket": {}, "control-sockets": []});
        assert!(SocketConfig::from_server_config(both.as_object().unwrap()).is_err());
    }

    #[test]
    fn http_with_tls_files_is_tls() {
        let s = SocketConfig::from_value(
            &json!({"socket-type": "http", "trust-anchor": "a", "cert-file": "b", "key-file": "c"}),
        )
        .unwrap();
        let SocketConfig::Http(h) = s else { panic!() };
        assert!(h.tls.unwrap().cert_required);
    }
}
