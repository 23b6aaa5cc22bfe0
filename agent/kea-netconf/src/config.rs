//! The agent's own configuration: the `Netconf` object (ARM 22.1.7–22.1.8)
//! plus this project's extensions.
//!
//! Parsing and validation of everything Kea's grammar (and our shared
//! `netconf-server` listener map) knows is done by the shared config layer
//! ([`kea_config::NetconfConfig`]), so errors carry `file:line:col` like the
//! servers' own. The agent-only extension keys are taken out of the element
//! tree first, validated here with their positions, and put back into the
//! result:
//!
//! - `netconf-server`: `drift-check-interval`, `drift-policy`,
//!   `pool-check-interval`, the session limits `max-sessions`,
//!   `max-message-size`, `hello-timeout`, `idle-timeout` and the commit's
//!   `change-timeout`;
//! - `managed-servers.<name>`: `pool-utilization-threshold`, `apply-mode`;
//! - `managed-servers.<name>.control-socket`: `user`, `password` (HTTP
//!   basic authentication) and `trust-anchor`, `cert-file`, `key-file`
//!   (TLS for an `https://` `socket-url`).

use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use kea_config::{Element, Map, NetconfConfig, NetconfSocketType, NetconfUserAuth, Position};
use serde_json::Value;

/// Why the agent's configuration is unusable (with `file:line:col` when
/// the offending value came from a file).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ConfigError(pub String);

fn err(message: impl Into<String>) -> ConfigError {
    ConfigError(message.into())
}

fn err_at(pos: &Position, message: impl std::fmt::Display) -> ConfigError {
    ConfigError(format!("{pos}: {message}"))
}

/// TLS settings of an `https://` control socket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientTls {
    /// `trust-anchor`: CA file or directory the server's certificate is
    /// checked against.
    pub trust_anchor: PathBuf,
    /// `cert-file` and `key-file`: the agent's certificate for servers that
    /// require one (`cert-required`).
    pub cert_and_key: Option<(PathBuf, PathBuf)>,
}

/// How the agent reaches a managed server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ControlSocket {
    /// The server's unix control socket (`socket-name`, resolved in the
    /// control socket directory when bare).
    Unix(PathBuf),
    /// An HTTP(S) control socket (`socket-url`), with optional basic
    /// authentication (`user`, `password`) and, for `https://`, TLS.
    Http {
        url: String,
        user: Option<String>,
        password: Option<String>,
        tls: Option<ClientTls>,
    },
    /// Commands are printed instead of sent (debugging).
    Stdout,
}

/// One entry of `managed-servers`.
#[derive(Debug, Clone, PartialEq)]
pub struct ManagedServer {
    /// `dhcp4`, `dhcp6`, `d2` or `ca`.
    pub name: String,
    /// The YANG module holding its configuration.
    pub model: String,
    pub boot_update: bool,
    pub subscribe_changes: bool,
    pub validate_changes: bool,
    pub control_socket: Option<ControlSocket>,
    /// `pool-utilization-threshold`: a fraction in (0, 1]; a subnet whose
    /// assigned/total addresses (or prefixes) reach it is notified.
    pub pool_utilization_threshold: Option<f64>,
    /// `apply-mode`: how commits reach the server.
    pub apply_mode: ApplyMode,
}

/// `apply-mode` of a managed server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ApplyMode {
    /// Subnet and reservation changes are sent as subnet_cmds/host_cmds
    /// commands when the server lists them (`list-commands`); anything else
    /// as `config-set`.
    #[default]
    Delta,
    /// Every commit is one `config-set`.
    Full,
}

/// A NETCONF user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub name: String,
    pub password: Option<String>,
    /// An OpenSSH public key line (`ssh-ed25519 AAAA… comment`).
    pub authorized_key: Option<String>,
}

/// `netconf-server`: where the built-in NETCONF server listens and where
/// the datastore lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NetconfServerConfig {
    pub address: IpAddr,
    pub port: u16,
    pub users: Vec<User>,
    pub host_key_file: PathBuf,
    pub datastore_directory: PathBuf,
    /// `max-sessions`, `max-message-size` (bytes), `hello-timeout` and
    /// `idle-timeout` (seconds, 0: never).
    pub limits: netconf_server::Limits,
    /// `change-timeout` (seconds): how long a commit waits for the servers'
    /// verdict in the change phase before it fails.
    pub change_timeout: Duration,
}

/// Drift handling: what the agent does when a server's config changed
/// behind its back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DriftPolicy {
    /// Log and notify only.
    #[default]
    Report,
    /// Push running back to the server.
    Reconcile,
    /// Take the server's config into running.
    Adopt,
}

/// The whole `Netconf` object.
#[derive(Debug, Clone, PartialEq)]
pub struct AgentConfig {
    pub servers: Vec<ManagedServer>,
    pub netconf_server: NetconfServerConfig,
    /// The `loggers` list, for kea-log.
    pub loggers: Option<Value>,
    /// Seconds between `config-hash-get` polls for drift (0: off).
    pub drift_interval: u64,
    pub drift_policy: DriftPolicy,
    /// Seconds between `statistic-get-all` polls of the servers that have a
    /// `pool-utilization-threshold` (0: off).
    pub pool_check_interval: u64,
    /// Warnings of the shared validation (deprecated keys…), with positions.
    pub warnings: Vec<String>,
}

/// Default of `drift-check-interval` and `pool-check-interval` (seconds).
pub const DEFAULT_CHECK_INTERVAL: u64 = 10;

const NETCONF_SERVER_EXTENSIONS: &[&str] = &[
    "drift-check-interval",
    "drift-policy",
    "pool-check-interval",
    "max-sessions",
    "max-message-size",
    "hello-timeout",
    "idle-timeout",
    "change-timeout",
];
const MANAGED_SERVER_EXTENSIONS: &[&str] = &["pool-utilization-threshold", "apply-mode"];
const CONTROL_SOCKET_EXTENSIONS: &[&str] =
    &["user", "password", "trust-anchor", "cert-file", "key-file"];

/// Kea's data directory: `KEA_DHCP_DATA_DIR` or `/var/lib/kea`.
pub fn data_dir() -> PathBuf {
    std::env::var_os("KEA_DHCP_DATA_DIR")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/var/lib/kea"))
}

/// Kea's control socket directory: `KEA_CONTROL_SOCKET_DIR` or `/run/kea`.
pub fn control_socket_dir() -> PathBuf {
    std::env::var_os("KEA_CONTROL_SOCKET_DIR")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/run/kea"))
}

/// The agent-only keys taken out of the element tree before the shared
/// validation, each with its key position and value.
#[derive(Default)]
struct Extensions {
    netconf_server: Map,
    servers: std::collections::BTreeMap<String, Map>,
    sockets: std::collections::BTreeMap<String, Map>,
}

fn map_mut(element: &mut Element) -> Option<&mut Map> {
    match &mut element.value {
        kea_config::Value::Map(m) => Some(m),
        _ => None,
    }
}

fn take_keys(map: &mut Map, keys: &[&str]) -> Map {
    let mut taken = Map::new();
    for key in keys {
        if let Some(entry) = map.entry(key).cloned() {
            map.remove(key);
            taken.insert_with_pos(*key, entry.key_pos, entry.value);
        }
    }
    taken
}

impl Extensions {
    /// Moves the extension keys out of `netconf` (left as Kea's grammar
    /// plus the shared `netconf-server` listener keys). Anything that is
    /// not a map is left for the shared layer to refuse.
    fn take(netconf: &mut Element) -> Extensions {
        let mut ext = Extensions::default();
        let Some(top) = map_mut(netconf) else {
            return ext;
        };
        if let Some(ns) = top.get_mut("netconf-server").and_then(map_mut) {
            ext.netconf_server = take_keys(ns, NETCONF_SERVER_EXTENSIONS);
        }
        if let Some(managed) = top.get_mut("managed-servers").and_then(map_mut) {
            for (name, server) in managed.values_mut() {
                let Some(server) = map_mut(server) else {
                    continue;
                };
                ext.servers.insert(
                    name.to_string(),
                    take_keys(server, MANAGED_SERVER_EXTENSIONS),
                );
                if let Some(socket) = server.get_mut("control-socket").and_then(map_mut) {
                    ext.sockets.insert(
                        name.to_string(),
                        take_keys(socket, CONTROL_SOCKET_EXTENSIONS),
                    );
                }
            }
        }
        ext
    }
}

fn ext_string(map: &Map, key: &str, context: &str) -> Result<Option<String>, ConfigError> {
    match map.get(key) {
        None => Ok(None),
        Some(Element {
            value: kea_config::Value::String(s),
            ..
        }) => Ok(Some(s.clone())),
        Some(e) => Err(err_at(
            &e.pos,
            format_args!("{context}.{key} must be a string"),
        )),
    }
}

fn ext_seconds(map: &Map, key: &str, context: &str) -> Result<Option<u64>, ConfigError> {
    match map.get(key) {
        None => Ok(None),
        Some(e) => match &e.value {
            kea_config::Value::Int(i) if *i >= 0 => Ok(Some(*i as u64)),
            _ => Err(err_at(
                &e.pos,
                format_args!("{context}.{key} must be a number of seconds (0 or more)"),
            )),
        },
    }
}

/// An optional setting that must be a whole number above 0 (and fit 32 bits).
fn ext_positive(map: &Map, key: &str, context: &str) -> Result<Option<u64>, ConfigError> {
    match map.get(key) {
        None => Ok(None),
        Some(e) => match &e.value {
            kea_config::Value::Int(i) if *i > 0 && *i <= i64::from(u32::MAX) => Ok(Some(*i as u64)),
            _ => Err(err_at(
                &e.pos,
                format_args!("{context}.{key} must be a positive integer"),
            )),
        },
    }
}

/// The session limits of the `netconf-server` map.
fn session_limits(ns_ext: &Map, context: &str) -> Result<netconf_server::Limits, ConfigError> {
    let mut limits = netconf_server::Limits::default();
    if let Some(n) = ext_positive(ns_ext, "max-sessions", context)? {
        limits.max_sessions = n as usize;
    }
    if let Some(n) = ext_positive(ns_ext, "max-message-size", context)? {
        limits.max_message_size = n as usize;
    }
    if let Some(n) = ext_positive(ns_ext, "hello-timeout", context)? {
        limits.hello_timeout = Duration::from_secs(n);
    }
    match ext_seconds(ns_ext, "idle-timeout", context)? {
        None => {}
        Some(0) => limits.idle_timeout = None,
        Some(n) => limits.idle_timeout = Some(Duration::from_secs(n)),
    }
    Ok(limits)
}

fn pos_of<'e>(element: &'e Element, path: &[&str]) -> Option<&'e Position> {
    let mut at = element;
    for key in path {
        at = at.get(key)?;
    }
    Some(&at.pos)
}

impl AgentConfig {
    /// Reads a config file in Kea's JSON dialect holding a `Netconf` object.
    pub fn load(path: &Path) -> Result<Self, ConfigError> {
        let root = kea_config::parse_file(path).map_err(|e| err(e.to_string()))?;
        let netconf = root
            .get("Netconf")
            .ok_or_else(|| err(format!("{}: no 'Netconf' object", path.display())))?;
        Self::from_element(netconf)
    }

    /// Builds the config from the `Netconf` map given as JSON (positions
    /// are then `<json>:0:0`).
    pub fn from_json(netconf: &Value) -> Result<Self, ConfigError> {
        let element = Element::from_json(netconf, "<json>").map_err(|e| err(e.to_string()))?;
        Self::from_element(&element)
    }

    /// Builds the config from the `Netconf` element of a parsed file.
    pub fn from_element(netconf: &Element) -> Result<Self, ConfigError> {
        let mut standard = netconf.clone();
        let ext = Extensions::take(&mut standard);
        let loaded = NetconfConfig::from_element(&standard).map_err(|e| err(e.to_string()))?;
        let shared = loaded.config;
        if !shared.hooks_libraries.is_empty() {
            let pos = pos_of(netconf, &["hooks-libraries"])
                .cloned()
                .unwrap_or_else(Position::unknown);
            // kea-netconf defines no hook points; we cannot load C++ hooks.
            return Err(err_at(
                &pos,
                "hooks-libraries: kea-netconf has no hook points and this agent loads no hook libraries",
            ));
        }
        let empty = Map::new();
        let mut servers = Vec::new();
        for ms in &shared.managed_servers {
            let name = ms.service.as_str();
            let socket_pos =
                pos_of(netconf, &["managed-servers", name, "control-socket"]).unwrap_or(&ms.pos);
            let socket_ext = ext.sockets.get(name).unwrap_or(&empty);
            let explicit_socket =
                pos_of(netconf, &["managed-servers", name, "control-socket"]).is_some();
            let control_socket = if explicit_socket || !socket_ext.is_empty() {
                Some(control_socket(
                    name,
                    &ms.control_socket,
                    socket_ext,
                    socket_pos,
                )?)
            } else {
                None
            };
            let server_ext = ext.servers.get(name).unwrap_or(&empty);
            servers.push(ManagedServer {
                name: name.to_string(),
                model: ms.model.clone(),
                boot_update: ms.boot_update,
                subscribe_changes: ms.subscribe_changes,
                validate_changes: ms.validate_changes,
                control_socket,
                pool_utilization_threshold: threshold(name, server_ext)?,
                apply_mode: apply_mode(name, server_ext)?,
            });
        }
        let ns = &shared.netconf_server;
        let datastore_directory = ns
            .datastore_directory
            .as_ref()
            .map(PathBuf::from)
            .unwrap_or_else(|| data_dir().join("netconf"));
        let host_key_file = ns
            .host_key_file
            .as_ref()
            .map(PathBuf::from)
            .unwrap_or_else(|| datastore_directory.join("ssh_host_ed25519_key"));
        let users = ns
            .users
            .iter()
            .map(|u| User {
                name: u.name.clone(),
                password: match &u.auth {
                    NetconfUserAuth::Password(p) => Some(p.clone()),
                    NetconfUserAuth::AuthorizedKey(_) => None,
                },
                authorized_key: match &u.auth {
                    NetconfUserAuth::AuthorizedKey(k) => Some(k.clone()),
                    NetconfUserAuth::Password(_) => None,
                },
            })
            .collect();
        let context = "netconf-server";
        let ns_ext = &ext.netconf_server;
        let drift_policy = match ns_ext.get("drift-policy") {
            None => DriftPolicy::Report,
            Some(e) => match &e.value {
                kea_config::Value::String(s) if s == "report" => DriftPolicy::Report,
                kea_config::Value::String(s) if s == "reconcile" => DriftPolicy::Reconcile,
                kea_config::Value::String(s) if s == "adopt" => DriftPolicy::Adopt,
                _ => {
                    return Err(err_at(
                        &e.pos,
                        "netconf-server.drift-policy must be \"report\", \"reconcile\" or \"adopt\"",
                    ));
                }
            },
        };
        Ok(Self {
            servers,
            netconf_server: NetconfServerConfig {
                address: ns.address,
                port: ns.port,
                users,
                host_key_file,
                datastore_directory,
                limits: session_limits(ns_ext, context)?,
                change_timeout: ext_positive(ns_ext, "change-timeout", context)?
                    .map(Duration::from_secs)
                    .unwrap_or(yang_datastore::DEFAULT_CHANGE_TIMEOUT),
            },
            loggers: netconf.get("loggers").map(Element::to_json),
            drift_interval: ext_seconds(ns_ext, "drift-check-interval", context)?
                .unwrap_or(DEFAULT_CHECK_INTERVAL),
            drift_policy,
            pool_check_interval: ext_seconds(ns_ext, "pool-check-interval", context)?
                .unwrap_or(DEFAULT_CHECK_INTERVAL),
            warnings: loaded.warnings.iter().map(ToString::to_string).collect(),
        })
    }
}

fn apply_mode(server: &str, ext: &Map) -> Result<ApplyMode, ConfigError> {
    let Some(e) = ext.get("apply-mode") else {
        return Ok(ApplyMode::default());
    };
    match &e.value {
        kea_config::Value::String(s) if s == "delta" => Ok(ApplyMode::Delta),
        kea_config::Value::String(s) if s == "full" => Ok(ApplyMode::Full),
        _ => Err(err_at(
            &e.pos,
            format_args!("managed-servers.{server}.apply-mode must be \"delta\" or \"full\""),
        )),
    }
}

fn threshold(server: &str, ext: &Map) -> Result<Option<f64>, ConfigError> {
    let Some(e) = ext.get("pool-utilization-threshold") else {
        return Ok(None);
    };
    let value = match &e.value {
        kea_config::Value::Int(i) => *i as f64,
        kea_config::Value::Float(f) => *f,
        _ => f64::NAN,
    };
    if !(value > 0.0 && value <= 1.0) {
        return Err(err_at(
            &e.pos,
            format_args!(
                "managed-servers.{server}.pool-utilization-threshold must be a fraction greater than 0 and at most 1 (e.g. 0.9)"
            ),
        ));
    }
    Ok(Some(value))
}

fn control_socket(
    server: &str,
    socket: &kea_config::NetconfControlSocket,
    ext: &Map,
    pos: &Position,
) -> Result<ControlSocket, ConfigError> {
    let context = format!("managed-servers.{server}.control-socket");
    let user = ext_string(ext, "user", &context)?;
    let password = ext_string(ext, "password", &context)?;
    let trust_anchor = ext_string(ext, "trust-anchor", &context)?;
    let cert_file = ext_string(ext, "cert-file", &context)?;
    let key_file = ext_string(ext, "key-file", &context)?;
    let http_only = |key: &str| -> Result<(), ConfigError> {
        match ext.entry(key) {
            Some(entry) => Err(err_at(
                &entry.key_pos,
                format_args!("{context}.{key} applies to the http socket-type only"),
            )),
            None => Ok(()),
        }
    };
    match socket.socket_type {
        NetconfSocketType::Unix | NetconfSocketType::Stdout => {
            for key in CONTROL_SOCKET_EXTENSIONS {
                http_only(key)?;
            }
        }
        NetconfSocketType::Http => {}
    }
    match socket.socket_type {
        NetconfSocketType::Unix => {
            if socket.socket_name.is_empty() {
                return Err(err_at(
                    pos,
                    format_args!("{context}: a unix socket needs a 'socket-name'"),
                ));
            }
            let path = Path::new(&socket.socket_name);
            let path = if path.is_absolute() {
                path.to_path_buf()
            } else {
                // Kea 3.0 puts bare socket names in its socket directory.
                control_socket_dir().join(path)
            };
            Ok(ControlSocket::Unix(path))
        }
        NetconfSocketType::Stdout => Ok(ControlSocket::Stdout),
        NetconfSocketType::Http => {
            let url = socket.socket_url.clone();
            kea_command::ControlClient::http(&url)
                .map_err(|e| err_at(pos, format_args!("{context}.socket-url: {e}")))?;
            if user.is_some() != password.is_some() {
                return Err(err_at(
                    pos,
                    format_args!(
                        "{context}: 'user' and 'password' go together (HTTP basic authentication)"
                    ),
                ));
            }
            let https = url.starts_with("https://");
            if cert_file.is_some() != key_file.is_some() {
                return Err(err_at(
                    pos,
                    format_args!("{context}: 'cert-file' and 'key-file' go together"),
                ));
            }
            let tls = match (https, trust_anchor) {
                (true, Some(ca)) => Some(ClientTls {
                    trust_anchor: PathBuf::from(ca),
                    cert_and_key: cert_file
                        .zip(key_file)
                        .map(|(c, k)| (PathBuf::from(c), PathBuf::from(k))),
                }),
                (true, None) => {
                    return Err(err_at(
                        pos,
                        format_args!(
                            "{context}: an https socket-url needs a 'trust-anchor' (CA file or directory)"
                        ),
                    ));
                }
                (false, _) => {
                    for key in ["trust-anchor", "cert-file", "key-file"] {
                        if let Some(entry) = ext.entry(key) {
                            return Err(err_at(
                                &entry.key_pos,
                                format_args!("{context}.{key} needs an https:// socket-url"),
                            ));
                        }
                    }
                    None
                }
            };
            Ok(ControlSocket::Http {
                url,
                user,
                password,
                tls,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn flags_inherit_server_over_global_over_default() {
        let cfg = AgentConfig::from_json(&json!({
            "boot-update": false,
            "managed-servers": {
                "dhcp4": {"validate-changes": false, "control-socket": {"socket-type": "unix", "socket-name": "/tmp/k4.sock"}},
                "dhcp6": {"boot-update": true}
            }
        }))
        .unwrap();
        let d4 = &cfg.servers[0];
        assert_eq!(
            (d4.boot_update, d4.subscribe_changes, d4.validate_changes),
            (false, true, false)
        );
        assert_eq!(d4.model, "kea-dhcp4-server");
        assert_eq!(
            d4.control_socket,
            Some(ControlSocket::Unix("/tmp/k4.sock".into()))
        );
        assert_eq!(d4.pool_utilization_threshold, None);
        assert_eq!(d4.apply_mode, ApplyMode::Delta);
        let d6 = &cfg.servers[1];
        assert!(d6.boot_update);
        assert_eq!(d6.control_socket, None);
        assert_eq!(cfg.netconf_server.port, 830);
        assert_eq!(cfg.netconf_server.address.to_string(), "127.0.0.1");
        assert_eq!(cfg.drift_interval, DEFAULT_CHECK_INTERVAL);
        assert_eq!(cfg.pool_check_interval, DEFAULT_CHECK_INTERVAL);
    }

    #[test]
    fn bare_socket_names_live_in_the_socket_directory() {
        let cfg = AgentConfig::from_json(&json!({"managed-servers": {"dhcp6": {"control-socket":
            {"socket-type": "unix", "socket-name": "kea6-ctrl-socket"}}}}))
        .unwrap();
        assert_eq!(
            cfg.servers[0].control_socket,
            Some(ControlSocket::Unix(
                control_socket_dir().join("kea6-ctrl-socket")
            ))
        );
    }

    #[test]
    fn extensions_are_read_beside_the_shared_keys() {
        let cfg = AgentConfig::from_json(&json!({
            "managed-servers": {"dhcp4": {
                "pool-utilization-threshold": 0.75, "apply-mode": "full",
                "control-socket": {"socket-type": "http", "socket-url": "https://127.0.0.1:8004/",
                    "user": "admin", "password": "secret", "trust-anchor": "/etc/kea/ca.pem",
                    "cert-file": "/etc/kea/agent.pem", "key-file": "/etc/kea/agent.key"}}},
            "netconf-server": {"port": 1830, "drift-check-interval": 0, "drift-policy": "adopt",
                "pool-check-interval": 3, "users": [{"name": "a", "authorized-key": "ssh-ed25519 AAAA"}]}
        }))
        .unwrap();
        let d4 = &cfg.servers[0];
        assert_eq!(d4.pool_utilization_threshold, Some(0.75));
        assert_eq!(d4.apply_mode, ApplyMode::Full);
        assert_eq!(
            d4.control_socket,
            Some(ControlSocket::Http {
                url: "https://127.0.0.1:8004/".into(),
                user: Some("admin".into()),
                password: Some("secret".into()),
                tls: Some(ClientTls {
                    trust_anchor: "/etc/kea/ca.pem".into(),
                    cert_and_key: Some(("/etc/kea/agent.pem".into(), "/etc/kea/agent.key".into())),
                }),
            })
        );
        assert_eq!(cfg.netconf_server.port, 1830);
        assert_eq!(
            cfg.netconf_server.users[0].authorized_key.as_deref(),
            Some("ssh-ed25519 AAAA")
        );
        assert_eq!(
            (cfg.drift_interval, cfg.drift_policy),
            (0, DriftPolicy::Adopt)
        );
        assert_eq!(cfg.pool_check_interval, 3);
    }

    #[test]
    fn session_limits_and_timeouts() {
        let cfg = AgentConfig::from_json(&json!({})).unwrap();
        assert_eq!(cfg.netconf_server.limits, netconf_server::Limits::default());
        assert_eq!(
            cfg.netconf_server.change_timeout,
            yang_datastore::DEFAULT_CHANGE_TIMEOUT
        );
        let cfg = AgentConfig::from_json(&json!({"netconf-server": {
            "max-sessions": 3, "max-message-size": 65536, "hello-timeout": 5,
            "idle-timeout": 0, "change-timeout": 7}}))
        .unwrap();
        let ns = &cfg.netconf_server;
        assert_eq!(ns.limits.max_sessions, 3);
        assert_eq!(ns.limits.max_message_size, 65536);
        assert_eq!(ns.limits.hello_timeout, Duration::from_secs(5));
        assert_eq!(ns.limits.idle_timeout, None);
        assert_eq!(ns.change_timeout, Duration::from_secs(7));
    }

    #[test]
    fn bad_input_is_refused_with_the_keyword() {
        let http = |extra: serde_json::Value| {
            let mut socket = json!({"socket-type": "http"});
            for (k, v) in extra.as_object().unwrap() {
                socket[k] = v.clone();
            }
            json!({"managed-servers": {"dhcp4": {"control-socket": socket}}})
        };
        for (cfg, needle) in [
            (json!({"bogus": 1}), "bogus"),
            (json!({"managed-servers": {"dhcp5": {}}}), "dhcp5"),
            (
                json!({"managed-servers": {"dhcp4": {"control-socket": {"socket-type": "unix"}}}}),
                "socket-name",
            ),
            (
                json!({"managed-servers": {"dhcp4": {"control-socket": {"socket-type": "tcp"}}}}),
                "tcp",
            ),
            (
                json!({"netconf-server": {"users": [{"name": "a"}]}}),
                "password",
            ),
            (json!({"netconf-server": {"port": 70000}}), "port"),
            (
                json!({"netconf-server": {"drift-policy": "ignore"}}),
                "drift-policy",
            ),
            (
                json!({"netconf-server": {"pool-check-interval": -1}}),
                "pool-check-interval",
            ),
            (
                json!({"netconf-server": {"max-sessions": 0}}),
                "max-sessions",
            ),
            (
                json!({"netconf-server": {"idle-timeout": "x"}}),
                "idle-timeout",
            ),
            (
                json!({"netconf-server": {"change-timeout": -1}}),
                "change-timeout",
            ),
            (json!({"hooks-libraries": [{"library": "x.so"}]}), "hook"),
            (
                json!({"managed-servers": {"dhcp4": {"apply-mode": "partial"}}}),
                "apply-mode",
            ),
            (
                json!({"managed-servers": {"dhcp4": {"pool-utilization-threshold": 90}}}),
                "pool-utilization-threshold",
            ),
            (
                json!({"managed-servers": {"dhcp4": {"pool-utilization-threshold": 0}}}),
                "pool-utilization-threshold",
            ),
            (http(json!({"socket-url": "ftp://x/"})), "socket-url"),
            (http(json!({"socket-url": "https://h:1/"})), "trust-anchor"),
            (
                http(json!({"socket-url": "http://h:1/", "trust-anchor": "/ca.pem"})),
                "https",
            ),
            (
                http(
                    json!({"socket-url": "https://h:1/", "trust-anchor": "/ca.pem", "cert-file": "/c.pem"}),
                ),
                "key-file",
            ),
            (http(json!({"user": "admin"})), "password"),
            (
                json!({"managed-servers": {"dhcp4": {"control-socket": {"socket-type": "unix",
                    "socket-name": "k", "user": "u"}}}}),
                "http",
            ),
        ] {
            let e = AgentConfig::from_json(&cfg).unwrap_err().to_string();
            assert!(e.contains(needle), "{cfg}: {e}");
        }
    }

    /// Errors of the shared layer and of the extensions both point into
    /// the file.
    #[test]
    fn errors_carry_file_line_and_column() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("netconf.json");
        for (text, line_col, needle) in [
            (
                "{\"Netconf\": {\n  \"managed-servers\": {\n    \"dhcp4\": {\"modle\": \"x\"}}}}",
                ":3:",
                "modle",
            ),
            (
                "{\"Netconf\": {\n  \"netconf-server\": {\n    \"drift-policy\": 5}}}",
                ":3:",
                "drift-policy",
            ),
            (
                "{\"Netconf\": {\"managed-servers\": {\"dhcp4\": {\n\n  \"pool-utilization-threshold\": 2}}}}",
                ":3:",
                "pool-utilization-threshold",
            ),
        ] {
            std::fs::write(&path, text).unwrap();
            let e = AgentConfig::load(&path).unwrap_err().to_string();
            let at = format!("{}{line_col}", path.display());
            assert!(e.contains(&at) && e.contains(needle), "{text}: {e}");
        }
    }
}
