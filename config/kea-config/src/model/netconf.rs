//! The validated `Netconf` configuration (ARM §22.1, §29.5) plus our `netconf-server`
//! extension (the NETCONF-over-SSH listener).

use std::net::IpAddr;
use std::path::Path;

use crate::element::{Element, Map, Position};
use crate::error::{ConfigError, Warning};
use crate::hooks::HooksLibrary;
use crate::load::{self, Daemon, Loaded};
use crate::model::common::Logger;
use crate::model::dhcp4::check_unique;
use crate::model::read::{Reader, kea_enum};

kea_enum! {
    /// The Kea service a managed-server entry describes.
    pub enum ManagedService {
        Dhcp4 = "dhcp4",
        Dhcp6 = "dhcp6",
        D2 = "d2",
        Ca = "ca",
    }
}

kea_enum! {
    /// `socket-type` of a managed server's control socket.
    pub enum NetconfSocketType {
        Unix = "unix",
        Http = "http",
        Stdout = "stdout",
    }
}

/// How kea-netconf talks to a managed server.
#[derive(Clone, Debug, PartialEq)]
pub struct NetconfControlSocket {
    /// unix, http or stdout (default: stdout, commands are only printed).
    pub socket_type: NetconfSocketType,
    /// UNIX socket path (default "").
    pub socket_name: String,
    /// HTTP URL (default `http://127.0.0.1:8000/`).
    pub socket_url: String,
    /// Free-form user context.
    pub user_context: Option<Map>,
}

/// One `managed-servers` entry, with the global flags inherited.
#[derive(Clone, Debug, PartialEq)]
pub struct ManagedServer {
    /// Which service.
    pub service: ManagedService,
    /// YANG module (default: the service's Kea module, e.g. `kea-dhcp4-server`).
    pub model: String,
    /// Push the datastore's config to the server at start-up.
    pub boot_update: bool,
    /// Subscribe to datastore changes.
    pub subscribe_changes: bool,
    /// Validate changes with `config-test` before applying.
    pub validate_changes: bool,
    /// The server's control socket.
    pub control_socket: NetconfControlSocket,
    /// Free-form user context.
    pub user_context: Option<Map>,
    /// Where the entry starts.
    pub pos: Position,
}

/// How a NETCONF user authenticates.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NetconfUserAuth {
    /// Password authentication.
    Password(String),
    /// Public key authentication (an OpenSSH `authorized_keys` line).
    AuthorizedKey(String),
}

/// One SSH user of the NETCONF server.
#[derive(Clone, Debug, PartialEq)]
pub struct NetconfUser {
    /// User name.
    pub name: String,
    /// Credential.
    pub auth: NetconfUserAuth,
    /// Where the entry starts.
    pub pos: Position,
}

/// Our extension `netconf-server`: the NETCONF-over-SSH listener.
#[derive(Clone, Debug, PartialEq)]
pub struct NetconfServer {
    /// Listen address (default 127.0.0.1).
    pub address: IpAddr,
    /// Listen port (default 830).
    pub port: u16,
    /// Accepted users.
    pub users: Vec<NetconfUser>,
    /// SSH host key file (None = generate one).
    pub host_key_file: Option<String>,
    /// Where the datastores are kept.
    pub datastore_directory: Option<String>,
    /// Free-form user context.
    pub user_context: Option<Map>,
}

impl Default for NetconfServer {
    fn default() -> Self {
        NetconfServer {
            address: IpAddr::V4(std::net::Ipv4Addr::LOCALHOST),
            port: 830,
            users: Vec::new(),
            host_key_file: None,
            datastore_directory: None,
            user_context: None,
        }
    }
}

/// The validated `Netconf` configuration. See [`crate::Dhcp4Config`] for the conventions.
#[derive(Clone, Debug)]
pub struct NetconfConfig {
    /// Global `boot-update` (default true).
    pub boot_update: bool,
    /// Global `subscribe-changes` (default true).
    pub subscribe_changes: bool,
    /// Global `validate-changes` (default true).
    pub validate_changes: bool,
    /// Managed servers in the order dhcp4, dhcp6, d2, ca (those configured).
    pub managed_servers: Vec<ManagedServer>,
    /// Hook libraries (no hook points exist in kea-netconf).
    pub hooks_libraries: Vec<HooksLibrary>,
    /// Loggers.
    pub loggers: Vec<Logger>,
    /// The NETCONF listener (defaults if not configured).
    pub netconf_server: NetconfServer,
    /// Global user context.
    pub user_context: Option<Map>,
    element: Element,
}

impl load::DaemonModel for NetconfConfig {
    const DAEMON: Daemon = Daemon::Netconf;
    fn load_object(object: &Element) -> Result<Loaded<Self>, ConfigError> {
        Self::from_element(object)
    }
}

impl NetconfConfig {
    /// Reads, parses and validates a configuration file holding a `Netconf` object.
    pub fn from_file(path: impl AsRef<Path>) -> Result<Loaded<Self>, ConfigError> {
        load::load_file(path)
    }

    /// Parses and validates text holding `{"Netconf": {...}}` (origin names it in positions).
    pub fn from_text(text: &str, origin: &str) -> Result<Loaded<Self>, ConfigError> {
        load::load_text(text, origin)
    }

    /// Validates a root map `{"Netconf": {...}, ...}` (a file, or config-set arguments).
    pub fn from_root(root: &Element) -> Result<Loaded<Self>, ConfigError> {
        load::load_root(root)
    }

    /// Validates the `Netconf` map itself.
    pub fn from_element(netconf: &Element) -> Result<Loaded<Self>, ConfigError> {
        let mut warnings: Vec<Warning> = Vec::new();
        let normalized = load::validate(netconf, Daemon::Netconf, &mut warnings)?;
        let config = Self::build(normalized)?;
        Ok(Loaded { config, warnings })
    }

    fn build(normalized: Element) -> Result<Self, ConfigError> {
        let full = load::unparse(&normalized, Daemon::Netconf);
        let top = full.get("Netconf").unwrap_or(&normalized);
        let r = Reader::new(top, "Netconf")?;
        let boot_update = r.or("boot-update", true)?;
        let subscribe_changes = r.or("subscribe-changes", true)?;
        let validate_changes = r.or("validate-changes", true)?;

        let mut managed_servers = Vec::new();
        if let Some(ms) = r.get("managed-servers") {
            let mr = Reader::new(ms, "managed-servers")?;
            for service in ManagedService::ALL {
                let Some(e) = mr.get(service.as_str()) else {
                    continue;
                };
                let sr = Reader::new(e, "managed server")?;
                let empty = Element::empty_map();
                let cs = Reader::new(sr.get("control-socket").unwrap_or(&empty), "control-socket")?;
                managed_servers.push(ManagedServer {
                    service: *service,
                    model: sr.req("model")?,
                    boot_update: sr.or("boot-update", boot_update)?,
                    subscribe_changes: sr.or("subscribe-changes", subscribe_changes)?,
                    validate_changes: sr.or("validate-changes", validate_changes)?,
                    control_socket: NetconfControlSocket {
                        socket_type: cs.or("socket-type", NetconfSocketType::Stdout)?,
                        socket_name: cs.or("socket-name", String::new())?,
                        socket_url: cs.or("socket-url", "http://127.0.0.1:8000/".to_string())?,
                        user_context: cs.user_context(),
                    },
                    user_context: sr.user_context(),
                    pos: e.pos.clone(),
                });
            }
        }

        let netconf_server = match r.get("netconf-server") {
            None => NetconfServer::default(),
            Some(e) => {
                let nr = Reader::new(e, "netconf-server")?;
                let users = nr.list("users", |u| {
                    let ur = Reader::new(u, "users")?;
                    let password: Option<String> = ur.opt("password")?;
                    let key: Option<String> = ur.opt("authorized-key")?;
                    let auth = match (password, key) {
                        (Some(p), None) => NetconfUserAuth::Password(p),
                        (None, Some(k)) => NetconfUserAuth::AuthorizedKey(k),
                        _ => {
                            return Err(ConfigError::validation(
                                Some(u.pos.clone()),
                                "a netconf-server user needs exactly one of 'password' or 'authorized-key'"
                                    .to_string(),
                            ));
                        }
                    };
                    Ok(NetconfUser { name: ur.req("name")?, auth, pos: u.pos.clone() })
                })?;
                check_unique(
                    users.iter().map(|u| (u.name.as_str(), &u.pos)),
                    "netconf-server user",
                )?;
                NetconfServer {
                    address: nr.or("address", IpAddr::V4(std::net::Ipv4Addr::LOCALHOST))?,
                    port: nr.or("port", 830)?,
                    users,
                    host_key_file: nr.opt("host-key-file")?,
                    datastore_directory: nr.opt("datastore-directory")?,
                    user_context: nr.user_context(),
                }
            }
        };

        Ok(NetconfConfig {
            boot_update,
            subscribe_changes,
            validate_changes,
            managed_servers,
            hooks_libraries: r.list("hooks-libraries", HooksLibrary::read)?,
            loggers: r.list("loggers", Logger::read)?,
            netconf_server,
            user_context: r.user_context(),
            element: normalized,
        })
    }

    /// The entry for one service, if configured.
    pub fn managed_server(&self, service: ManagedService) -> Option<&ManagedServer> {
        self.managed_servers.iter().find(|m| m.service == service)
    }

    /// The normalized `Netconf` map as configured.
    pub fn as_element(&self) -> &Element {
        &self.element
    }

    /// `{"Netconf": {...}}` with defaults filled in.
    pub fn to_element(&self) -> Element {
        load::unparse(&self.element, Daemon::Netconf)
    }

    /// SHA-256 of [`NetconfConfig::to_element`]'s compact text.
    pub fn config_hash(&self) -> String {
        load::config_hash(&self.to_element())
    }
}
