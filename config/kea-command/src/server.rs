//! The control server: the set of open control sockets of one daemon, reconfigurable at run time.

use crate::config::{HttpSocketConfig, SocketConfig};
use crate::error::ControlError;
use crate::http::{HttpListenerHandle, HttpSettings};
use crate::registry::CommandRegistry;
use crate::unix::{UnixListenerHandle, open_unix, resolve_socket_path};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// Kea's fixed control channel timeout.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);
/// Largest command accepted on any control socket unless configured otherwise.
pub const DEFAULT_MAX_COMMAND_SIZE: usize = 64 * 1024 * 1024;
/// Compiled-in control socket directory (Kea's `[prefix]/var/run/kea` on a packaged system).
pub const DEFAULT_SOCKET_DIR: &str = "/run/kea";

/// Daemon-wide settings of the control channel (not part of Kea's configuration).
#[derive(Debug, Clone)]
pub struct ServerOptions {
    /// Directory UNIX sockets must live in: `KEA_CONTROL_SOCKET_DIR` or `/run/kea`.
    pub socket_dir: PathBuf,
    /// False when path restrictions are lifted (the daemons' `-X`).
    pub enforce_socket_dir: bool,
    /// Realm used when `authentication` has none, e.g. `kea-dhcpv4-server`.
    pub default_realm: String,
    /// Time a client has to send a complete command (Kea: 10 s, not configurable).
    pub timeout: Duration,
    /// Largest command (unix) or HTTP body accepted; larger ones get an error answer.
    pub max_command_size: usize,
}

impl Default for ServerOptions {
    fn default() -> Self {
        Self {
            socket_dir: std::env::var_os("KEA_CONTROL_SOCKET_DIR")
                .filter(|v| !v.is_empty())
                .map(PathBuf::from)
                .unwrap_or_else(|| PathBuf::from(DEFAULT_SOCKET_DIR)),
            enforce_socket_dir: true,
            default_realm: "kea-server".to_string(),
            timeout: DEFAULT_TIMEOUT,
            max_command_size: DEFAULT_MAX_COMMAND_SIZE,
        }
    }
}

impl ServerOptions {
    /// Defaults with the daemon's authentication realm (`kea-dhcpv4-server`, `kea-dhcpv6-server`…).
    pub fn for_daemon(default_realm: &str) -> Self {
        Self {
            default_realm: default_realm.to_string(),
            ..Self::default()
        }
    }
}

enum Listener {
    Unix(UnixListenerHandle),
    Http(HttpListenerHandle),
}

/// A socket config made ready to open: paths resolved, files (TLS, passwords) read.
enum Prepared {
    Unix(PathBuf),
    Http(HttpSocketConfig, Arc<HttpSettings>),
}

fn prepare(
    sockets: &[SocketConfig],
    options: &ServerOptions,
) -> Result<Vec<Prepared>, ControlError> {
    let mut out = Vec::new();
    let mut unix_count = 0;
    let mut endpoints: Vec<(std::net::IpAddr, u16)> = Vec::new();
    for socket in sockets {
        match socket {
            SocketConfig::Unix(u) => {
                unix_count += 1;
                if unix_count > 1 {
                    return Err(ControlError::Config(
                        "only one unix control socket can be configured".into(),
                    ));
                }
                out.push(Prepared::Unix(resolve_socket_path(
                    &u.socket_name,
                    options,
                )?));
            }
            SocketConfig::Http(h) => {
                if h.port != 0 && endpoints.contains(&(h.address, h.port)) {
                    return Err(ControlError::Config(format!(
                        "duplicate HTTP control socket {}",
                        SocketAddr::new(h.address, h.port)
                    )));
                }
                endpoints.push((h.address, h.port));
                out.push(Prepared::Http(
                    h.clone(),
                    Arc::new(HttpSettings::load(h, options)?),
                ));
            }
        }
    }
    Ok(out)
}

/// The control sockets of a daemon. Dropping it closes every socket (and unlinks UNIX ones).
///
/// ```no_run
/// # async fn demo() -> Result<(), kea_command::ControlError> {
/// use kea_command::{Answer, CommandRegistry, ControlServer, ServerOptions, SocketConfig};
/// let reg = CommandRegistry::new();
/// reg.register("version-get", |_req| Answer::success_text("3.0.0"));
/// let cfg = serde_json::json!([{"socket-type": "unix", "socket-name": "kea4.sock"}]);
/// let sockets = SocketConfig::list_from_value(&cfg)?;
/// let server = ControlServer::start(reg, &sockets, ServerOptions::for_daemon("kea-dhcpv4-server")).await?;
/// // later, from config-set: server.reconfigure(&new_sockets).await?;
/// server.stop().await;
/// # Ok(()) }
/// ```
pub struct ControlServer {
    registry: CommandRegistry,
    options: ServerOptions,
    listeners: tokio::sync::Mutex<Vec<Listener>>,
}

impl std::fmt::Debug for ControlServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ControlServer")
            .field("options", &self.options)
            .finish()
    }
}

impl ControlServer {
    /// Checks a socket configuration without opening anything (for `-t` and `config-test`):
    /// paths are resolved and TLS / password files read.
    pub fn check(sockets: &[SocketConfig], options: &ServerOptions) -> Result<(), ControlError> {
        prepare(sockets, options).map(|_| ())
    }

    /// Opens the configured sockets. Must be called inside a tokio runtime.
    pub async fn start(
        registry: CommandRegistry,
        sockets: &[SocketConfig],
        options: ServerOptions,
    ) -> Result<Self, ControlError> {
        let server = Self {
            registry,
            options,
            listeners: tokio::sync::Mutex::new(Vec::new()),
        };
        server.reconfigure(sockets).await?;
        Ok(server)
    }

    /// The registry the sockets dispatch to.
    pub fn registry(&self) -> &CommandRegistry {
        &self.registry
    }

    /// Switches to a new socket set. Sockets whose identity (UNIX path; HTTP address, port and
    /// TLS or not) is unchanged stay open and take the new settings (authentication, headers,
    /// TLS files), so `config-set` sent over a socket does not cut it. On any error nothing
    /// changes. Switching HTTP↔HTTPS on the same address and port is refused, as in Kea.
    pub async fn reconfigure(&self, sockets: &[SocketConfig]) -> Result<(), ControlError> {
        let prepared = prepare(sockets, &self.options)?;
        let mut current = self.listeners.lock().await;

        for p in &prepared {
            if let Prepared::Http(cfg, _) = p {
                let same_endpoint = current.iter().find_map(|l| match l {
                    Listener::Http(h)
                        if h.config.address == cfg.address
                            && h.config.port == cfg.port
                            && cfg.port != 0 =>
                    {
                        Some(h)
                    }
                    _ => None,
                });
                if let Some(h) = same_endpoint
                    && h.config.tls.is_some() != cfg.tls.is_some()
                {
                    return Err(ControlError::Config(format!(
                        "cannot switch between HTTP and HTTPS on {}: use another address or port",
                        SocketAddr::new(cfg.address, cfg.port)
                    )));
                }
            }
        }

        // Open what is new first; if anything fails, the new sockets are dropped and the old
        // set is untouched.
        let mut kept: Vec<usize> = Vec::new();
        let mut opened: Vec<Listener> = Vec::new();
        let mut updates = Vec::new();
        for p in prepared {
            match p {
                Prepared::Unix(path) => {
                    if let Some(i) = current
                        .iter()
                        .position(|l| matches!(l, Listener::Unix(u) if u.path == path))
                    {
                        kept.push(i);
                    } else {
                        opened.push(Listener::Unix(open_unix(
                            &path,
                            self.registry.clone(),
                            &self.options,
                        )?));
                    }
                }
                Prepared::Http(cfg, settings) => {
                    let existing = current.iter().position(|l| {
                        matches!(l, Listener::Http(h) if cfg.port != 0
                            && h.config.address == cfg.address
                            && h.config.port == cfg.port)
                    });
                    if let Some(i) = existing {
                        updates.push((i, cfg, settings));
                        kept.push(i);
                    } else {
                        opened.push(Listener::Http(
                            HttpListenerHandle::open(
                                cfg,
                                settings,
                                self.registry.clone(),
                                &self.options,
                            )
                            .await?,
                        ));
                    }
                }
            }
        }
        for (i, cfg, settings) in updates {
            if let Listener::Http(h) = &mut current[i] {
                h.update(cfg, settings);
            }
        }
        let old = std::mem::take(&mut *current);
        for (i, listener) in old.into_iter().enumerate() {
            if kept.contains(&i) {
                current.push(listener);
            }
            // Others are dropped here: they stop accepting and unlink their files.
        }
        current.extend(opened);
        Ok(())
    }

    /// Closes every socket (UNIX socket and lock files are removed). Connections already
    /// being served finish their command.
    pub async fn stop(&self) {
        self.listeners.lock().await.clear();
    }

    /// Paths of the open UNIX sockets.
    pub async fn unix_paths(&self) -> Vec<PathBuf> {
        self.listeners
            .lock()
            .await
            .iter()
            .filter_map(|l| match l {
                Listener::Unix(u) => Some(u.path.clone()),
                Listener::Http(_) => None,
            })
            .collect()
    }

    /// Local addresses of the open HTTP(S) sockets (useful with port 0).
    pub async fn http_addrs(&self) -> Vec<SocketAddr> {
        self.listeners
            .lock()
            .await
            .iter()
            .filter_map(|l| match l {
                Listener::Http(h) => Some(h.local_addr),
                Listener::Unix(_) => None,
            })
            .collect()
    }
}
