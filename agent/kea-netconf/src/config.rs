//! The agent's own configuration: the `Netconf` object (ARM 22.1.7–22.1.8)
//! plus our `netconf-server` extension for the built-in NETCONF server and
//! datastore.

use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::{Map, Value};

/// Why the agent's configuration is unusable.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ConfigError(pub String);

fn err(message: impl Into<String>) -> ConfigError {
    ConfigError(message.into())
}

/// How the agent reaches a managed server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ControlSocket {
    /// The server's unix control socket (`socket-name`, resolved in the
    /// control socket directory when bare).
    Unix(PathBuf),
    /// An HTTP(S) control socket (`socket-url`), with optional basic
    /// authentication (our extension: `user`, `password`).
    Http {
        url: String,
        user: Option<String>,
        password: Option<String>,
    },
    /// Commands are printed instead of sent (debugging).
    Stdout,
}

/// One entry of `managed-servers`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManagedServer {
    /// `dhcp4`, `dhcp6` or `d2`.
    pub name: String,
    /// The YANG module holding its configuration.
    pub model: String,
    pub boot_update: bool,
    pub subscribe_changes: bool,
    pub validate_changes: bool,
    pub control_socket: Option<ControlSocket>,
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
}

const GLOBAL_KEYS: &[&str] = &[
    "boot-update",
    "subscribe-changes",
    "validate-changes",
    "managed-servers",
    "hooks-libraries",
    "loggers",
    "user-context",
    "comment",
    "netconf-server",
];

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

impl AgentConfig {
    /// Reads a config file in Kea's JSON dialect holding a `Netconf` object.
    pub fn load(path: &Path) -> Result<Self, ConfigError> {
        let element = kea_config::parse_file(path).map_err(|e| err(e.to_string()))?;
        let json = element.to_json();
        let netconf = json
            .get("Netconf")
            .ok_or_else(|| err(format!("{}: no 'Netconf' object", path.display())))?;
        Self::from_json(netconf)
    }

    /// Builds the config from the `Netconf` map.
    pub fn from_json(netconf: &Value) -> Result<Self, ConfigError> {
        let map = netconf
            .as_object()
            .ok_or_else(|| err("'Netconf' must be a map"))?;
        for key in map.keys() {
            if !GLOBAL_KEYS.contains(&key.as_str()) {
                return Err(err(format!(
                    "got unexpected keyword \"{key}\" in Netconf map."
                )));
            }
        }
        if let Some(hooks) = map.get("hooks-libraries").and_then(Value::as_array)
            && !hooks.is_empty()
        {
            // kea-netconf defines no hook points; we cannot load C++ hooks.
            return Err(err(
                "hooks-libraries: kea-netconf has no hook points and this agent loads no hook libraries",
            ));
        }
        let global = Flags::read(map, Flags::default())?;
        let mut servers = Vec::new();
        if let Some(managed) = map.get("managed-servers") {
            let managed = managed
                .as_object()
                .ok_or_else(|| err("'managed-servers' must be a map"))?;
            for (name, entry) in managed {
                servers.push(managed_server(name, entry, global)?);
            }
        }
        let netconf_server = netconf_server(map.get("netconf-server"))?;
        let (drift_interval, drift_policy) = drift(map.get("netconf-server"))?;
        Ok(Self {
            servers,
            netconf_server,
            loggers: map.get("loggers").cloned(),
            drift_interval,
            drift_policy,
        })
    }
}

#[derive(Debug, Clone, Copy)]
struct Flags {
    boot_update: bool,
    subscribe_changes: bool,
    validate_changes: bool,
}

impl Default for Flags {
    fn default() -> Self {
        Self {
            boot_update: true,
            subscribe_changes: true,
            validate_changes: true,
        }
    }
}

impl Flags {
    /// The flags set in `map`, the others inherited from `parent`.
    fn read(map: &Map<String, Value>, parent: Flags) -> Result<Flags, ConfigError> {
        let flag = |key: &str, inherited: bool| -> Result<bool, ConfigError> {
            match map.get(key) {
                None => Ok(inherited),
                Some(Value::Bool(b)) => Ok(*b),
                Some(_) => Err(err(format!("'{key}' must be a boolean"))),
            }
        };
        Ok(Flags {
            boot_update: flag("boot-update", parent.boot_update)?,
            subscribe_changes: flag("subscribe-changes", parent.subscribe_changes)?,
            validate_changes: flag("validate-changes", parent.validate_changes)?,
        })
    }
}

fn managed_server(name: &str, entry: &Value, global: Flags) -> Result<ManagedServer, ConfigError> {
    let default_model = match name {
        "dhcp4" => "kea-dhcp4-server",
        "dhcp6" => "kea-dhcp6-server",
        "d2" => "kea-dhcp-ddns",
        "ca" => "kea-ctrl-agent",
        other => {
            return Err(err(format!(
                "managed-servers: unknown server \"{other}\" (expected dhcp4, dhcp6, d2 or ca)"
            )));
        }
    };
    let map = entry
        .as_object()
        .ok_or_else(|| err(format!("managed-servers.{name} must be a map")))?;
    const KEYS: &[&str] = &[
        "model",
        "boot-update",
        "subscribe-changes",
        "validate-changes",
        "control-socket",
        "user-context",
        "comment",
    ];
    for key in map.keys() {
        if !KEYS.contains(&key.as_str()) {
            return Err(err(format!(
                "got unexpected keyword \"{key}\" in {name} map."
            )));
        }
    }
    let model = match map.get("model") {
        None => default_model.to_string(),
        Some(Value::String(m)) => m.clone(),
        Some(_) => {
            return Err(err(format!(
                "managed-servers.{name}.model must be a string"
            )));
        }
    };
    let flags = Flags::read(map, global)?;
    let control_socket = map
        .get("control-socket")
        .map(|s| control_socket(name, s))
        .transpose()?;
    Ok(ManagedServer {
        name: name.to_string(),
        model,
        boot_update: flags.boot_update,
        subscribe_changes: flags.subscribe_changes,
        validate_changes: flags.validate_changes,
        control_socket,
    })
}

fn string<'v>(
    map: &'v Map<String, Value>,
    key: &str,
    context: &str,
) -> Result<Option<&'v str>, ConfigError> {
    match map.get(key) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(err(format!("{context}.{key} must be a string"))),
    }
}

fn control_socket(server: &str, value: &Value) -> Result<ControlSocket, ConfigError> {
    let context = format!("managed-servers.{server}.control-socket");
    let map = value
        .as_object()
        .ok_or_else(|| err(format!("{context} must be a map")))?;
    const KEYS: &[&str] = &[
        "socket-type",
        "socket-name",
        "socket-url",
        "user",
        "password",
        "user-context",
        "comment",
    ];
    for key in map.keys() {
        if !KEYS.contains(&key.as_str()) {
            return Err(err(format!(
                "got unexpected keyword \"{key}\" in control-socket map."
            )));
        }
    }
    let kind = string(map, "socket-type", &context)?.unwrap_or("stdout");
    let name = string(map, "socket-name", &context)?.unwrap_or("");
    let url = string(map, "socket-url", &context)?;
    match kind {
        "unix" => {
            if name.is_empty() {
                return Err(err(format!(
                    "{context}: a unix socket needs a 'socket-name'"
                )));
            }
            let path = Path::new(name);
            let path = if path.is_absolute() {
                path.to_path_buf()
            } else {
                // Kea 3.0 puts bare socket names in its socket directory.
                control_socket_dir().join(path)
            };
            Ok(ControlSocket::Unix(path))
        }
        "http" => Ok(ControlSocket::Http {
            url: url.unwrap_or("http://127.0.0.1:8000/").to_string(),
            user: string(map, "user", &context)?.map(str::to_string),
            password: string(map, "password", &context)?.map(str::to_string),
        }),
        "stdout" => Ok(ControlSocket::Stdout),
        other => Err(err(format!(
            "{context}: unsupported socket-type \"{other}\" (expected unix, http or stdout)"
        ))),
    }
}

fn netconf_server(value: Option<&Value>) -> Result<NetconfServerConfig, ConfigError> {
    let empty = Map::new();
    let map = match value {
        None => &empty,
        Some(v) => v
            .as_object()
            .ok_or_else(|| err("'netconf-server' must be a map"))?,
    };
    const KEYS: &[&str] = &[
        "address",
        "port",
        "users",
        "host-key-file",
        "datastore-directory",
        "drift-check-interval",
        "drift-policy",
        "max-sessions",
        "max-message-size",
        "hello-timeout",
        "idle-timeout",
        "change-timeout",
        "user-context",
        "comment",
    ];
    for key in map.keys() {
        if !KEYS.contains(&key.as_str()) {
            return Err(err(format!(
                "got unexpected keyword \"{key}\" in netconf-server map."
            )));
        }
    }
    let context = "netconf-server";
    let address: IpAddr = string(map, "address", context)?
        .unwrap_or("127.0.0.1")
        .parse()
        .map_err(|_| err("netconf-server.address is not an IP address"))?;
    let port = match map.get("port") {
        None => 830,
        Some(v) => v
            .as_u64()
            .and_then(|p| u16::try_from(p).ok())
            .ok_or_else(|| err("netconf-server.port must be an integer from 0 to 65535"))?,
    };
    let datastore_directory = string(map, "datastore-directory", context)?
        .map(PathBuf::from)
        .unwrap_or_else(|| data_dir().join("netconf"));
    let host_key_file = string(map, "host-key-file", context)?
        .map(PathBuf::from)
        .unwrap_or_else(|| datastore_directory.join("ssh_host_ed25519_key"));
    let mut users = Vec::new();
    if let Some(list) = map.get("users") {
        let list = list
            .as_array()
            .ok_or_else(|| err("netconf-server.users must be a list"))?;
        for (i, user) in list.iter().enumerate() {
            let ctx = format!("netconf-server.users[{i}]");
            let u = user
                .as_object()
                .ok_or_else(|| err(format!("{ctx} must be a map")))?;
            for key in u.keys() {
                if !["name", "password", "authorized-key"].contains(&key.as_str()) {
                    return Err(err(format!("got unexpected keyword \"{key}\" in {ctx}.")));
                }
            }
            let name = string(u, "name", &ctx)?
                .ok_or_else(|| err(format!("{ctx} needs a 'name'")))?
                .to_string();
            let password = string(u, "password", &ctx)?.map(str::to_string);
            let authorized_key = string(u, "authorized-key", &ctx)?.map(str::to_string);
            if password.is_none() && authorized_key.is_none() {
                return Err(err(format!(
                    "{ctx} needs a 'password' or an 'authorized-key'"
                )));
            }
            users.push(User {
                name,
                password,
                authorized_key,
            });
        }
    }
    let mut limits = netconf_server::Limits::default();
    if let Some(n) = positive(map, "max-sessions")? {
        limits.max_sessions = n as usize;
    }
    if let Some(n) = positive(map, "max-message-size")? {
        limits.max_message_size =
            usize::try_from(n).map_err(|_| err("netconf-server.max-message-size is too large"))?;
    }
    if let Some(n) = positive(map, "hello-timeout")? {
        limits.hello_timeout = Duration::from_secs(n);
    }
    match map.get("idle-timeout").map(Value::as_u64) {
        None => {}
        Some(Some(0)) => limits.idle_timeout = None,
        Some(Some(n)) => limits.idle_timeout = Some(Duration::from_secs(n)),
        Some(None) => {
            return Err(err(
                "netconf-server.idle-timeout must be a number of seconds (0: never)",
            ));
        }
    }
    let change_timeout = positive(map, "change-timeout")?
        .map(Duration::from_secs)
        .unwrap_or(yang_datastore::DEFAULT_CHANGE_TIMEOUT);
    Ok(NetconfServerConfig {
        address,
        port,
        users,
        host_key_file,
        datastore_directory,
        limits,
        change_timeout,
    })
}

/// An optional integer setting of `netconf-server` that must be above 0.
fn positive(map: &Map<String, Value>, key: &str) -> Result<Option<u64>, ConfigError> {
    match map.get(key) {
        None => Ok(None),
        Some(v) => match v.as_u64() {
            Some(n) if n > 0 && n <= u64::from(u32::MAX) => Ok(Some(n)),
            _ => Err(err(format!(
                "netconf-server.{key} must be a positive integer"
            ))),
        },
    }
}

fn drift(value: Option<&Value>) -> Result<(u64, DriftPolicy), ConfigError> {
    let Some(map) = value.and_then(Value::as_object) else {
        return Ok((10, DriftPolicy::Report));
    };
    let interval = match map.get("drift-check-interval") {
        None => 10,
        Some(v) => v.as_u64().ok_or_else(|| {
            err("netconf-server.drift-check-interval must be a number of seconds")
        })?,
    };
    let policy = match map.get("drift-policy").map(|v| v.as_str()) {
        None => DriftPolicy::Report,
        Some(Some("report")) => DriftPolicy::Report,
        Some(Some("reconcile")) => DriftPolicy::Reconcile,
        Some(Some("adopt")) => DriftPolicy::Adopt,
        Some(_) => {
            return Err(err(
                "netconf-server.drift-policy must be \"report\", \"reconcile\" or \"adopt\"",
            ));
        }
    };
    Ok((interval, policy))
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
        let d6 = &cfg.servers[1];
        assert!(d6.boot_update);
        assert_eq!(d6.control_socket, None);
        assert_eq!(cfg.netconf_server.port, 830);
        assert_eq!(cfg.netconf_server.address.to_string(), "127.0.0.1");
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
        ] {
            let e = AgentConfig::from_json(&cfg).unwrap_err().to_string();
            assert!(e.contains(needle), "{cfg}: {e}");
        }
    }
}
