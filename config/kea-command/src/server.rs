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

/// Attempts to bind a port freed by closing a listener during a reconfiguration.
const REBIND_ATTEMPTS: usize = 40;
/// Pause between those attempts (40 × 50 ms: two seconds at most).
const REBIND_PAUSE: Duration = Duration::from_millis(50);

enum Listener {
    Unix(UnixListenerHandle),
    Http(HttpListenerHandle),
}

impl Listener {
    async fn close(self) {
        match self {
            Listener::Unix(u) => u.close().await,
            Listener::Http(h) => h.close().await,
        }
    }
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

/// The control sockets of a daemon. Cheap to clone (shared), so a `config-set` handler can hold
/// one and call [`reconfigure`](Self::reconfigure). Call [`stop`](Self::stop) at shutdown: it
/// closes every socket and unlinks UNIX ones (dropping the last clone does too, but a handler
/// holding a clone keeps the server alive).
///
/// ```no_run
/// # async fn demo() -> Result<(), kea_command::ControlError> {
/// use kea_command::{Answer, CommandRegistry, ControlServer, Request, ServerOptions, SocketConfig};
/// let reg = CommandRegistry::new();
/// reg.register("version-get", |_req| Answer::success_text("3.0.0"));
/// let server = ControlServer::new(reg.clone(), ServerOptions::for_daemon("kea-dhcpv4-server"));
/// let handle = server.clone();
/// reg.register_async("config-set", move |req: Request| {
///     let server = handle.clone();
///     async move {
///         // … check and apply the new configuration, then:
///         let new_sockets = Vec::new();
///         match server.reconfigure(&new_sockets).await {
///             Ok(()) => Answer::success_text("Configuration successful."),
///             Err(e) => Answer::error(e.to_string()),
///         }
///     }
/// });
/// let cfg = serde_json::json!([{"socket-type": "unix", "socket-name": "kea4.sock"}]);
/// server.reconfigure(&SocketConfig::list_from_value(&cfg)?).await?;
/// // …
/// server.stop().await;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct ControlServer {
    inner: Arc<Inner>,
}

struct Inner {
    registry: CommandRegistry,
    options: ServerOptions,
    listeners: tokio::sync::Mutex<Vec<Listener>>,
}

impl std::fmt::Debug for ControlServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ControlServer")
            .field("options", &self.inner.options)
            .finish()
    }
}

fn is_addr_in_use(e: &ControlError) -> bool {
    matches!(e, ControlError::Io { source, .. } if source.kind() == std::io::ErrorKind::AddrInUse)
}

impl ControlServer {
    /// Checks a socket configuration without opening anything (for `-t` and `config-test`):
    /// paths are resolved and TLS / password files read.
    pub fn check(sockets: &[SocketConfig], options: &ServerOptions) -> Result<(), ControlError> {
        prepare(sockets, options).map(|_| ())
    }

    /// A server with no socket open yet; open them with [`reconfigure`](Self::reconfigure).
    pub fn new(registry: CommandRegistry, options: ServerOptions) -> Self {
        Self {
            inner: Arc::new(Inner {
                registry,
                options,
                listeners: tokio::sync::Mutex::new(Vec::new()),
            }),
        }
    }

    /// Opens the configured sockets. Must be called inside a tokio runtime.
    pub async fn start(
        registry: CommandRegistry,
        sockets: &[SocketConfig],
        options: ServerOptions,
    ) -> Result<Self, ControlError> {
        let server = Self::new(registry, options);
        server.reconfigure(sockets).await?;
        Ok(server)
    }

    /// The registry the sockets dispatch to.
    pub fn registry(&self) -> &CommandRegistry {
        &self.inner.registry
    }

    /// The options the server runs with.
    pub fn options(&self) -> &ServerOptions {
        &self.inner.options
    }

    /// Switches to a new socket set. Sockets whose identity (UNIX path; HTTP address and port)
    /// is unchanged stay open and take the new settings (authentication, headers, TLS files),
    /// so a `config-set` sent over a socket does not cut it. On error nothing changes (except
    /// in one case: when a new socket needs the port of one being removed, that one is closed
    /// first). Switching HTTP↔HTTPS on the same address and port is refused, as in Kea.
    pub async fn reconfigure(&self, sockets: &[SocketConfig]) -> Result<(), ControlError> {
        let inner = &self.inner;
        let prepared = prepare(sockets, &inner.options)?;
        let mut current = inner.listeners.lock().await;

        let same_endpoint = |l: &Listener, cfg: &HttpSocketConfig| {
            matches!(l, Listener::Http(h) if cfg.port != 0
                && h.config.address == cfg.address
                && h.config.port == cfg.port)
        };
        for p in &prepared {
            if let Prepared::Http(cfg, _) = p
                && let Some(Listener::Http(h)) = current.iter().find(|l| same_endpoint(l, cfg))
                && h.config.tls.is_some() != cfg.tls.is_some()
            {
                return Err(ControlError::Config(format!(
                    "cannot switch between HTTP and HTTPS on {}: use another address or port",
                    SocketAddr::new(cfg.address, cfg.port)
                )));
            }
        }

        // Which current listeners stay (same identity), which prepared sockets are new.
        let mut kept = vec![false; current.len()];
        let mut updates = Vec::new();
        let mut to_open = Vec::new();
        for p in prepared {
            let found = match &p {
                Prepared::Unix(path) => current
                    .iter()
                    .position(|l| matches!(l, Listener::Unix(u) if &u.path == path)),
                Prepared::Http(cfg, _) => current.iter().position(|l| same_endpoint(l, cfg)),
            };
            match (found, p) {
                (Some(i), Prepared::Http(cfg, settings)) => {
                    kept[i] = true;
                    updates.push((i, cfg, settings));
                }
                (Some(i), Prepared::Unix(_)) => kept[i] = true,
                (None, p) => to_open.push(p),
            }
        }

        // Open what is new; if anything fails, the new sockets are closed again and the old
        // set is untouched.
        let mut opened: Vec<Listener> = Vec::new();
        for p in to_open {
            let result = match p {
                Prepared::Unix(path) => {
                    open_unix(&path, inner.registry.clone(), &inner.options).map(Listener::Unix)
                }
                Prepared::Http(cfg, settings) => {
                    let mut result = HttpListenerHandle::open(
                        cfg.clone(),
                        settings.clone(),
                        inner.registry.clone(),
                        &inner.options,
                    )
                    .await;
                    // The port may be held by a listener that is going away: close it, retry.
                    if let Err(e) = &result
                        && is_addr_in_use(e)
                        && let Some(i) = (0..current.len()).find(|&i| {
                            !kept[i]
                                && matches!(&current[i], Listener::Http(h) if h.config.port == cfg.port)
                        })
                    {
                        current.remove(i).close().await;
                        kept.remove(i);
                        for update in updates.iter_mut() {
                            if update.0 > i {
                                update.0 -= 1;
                            }
                        }
                        // The kernel may take a moment to release the port of the
                        // listener just closed (its connections are still winding
                        // down): retry briefly before giving up.
                        for _ in 0..REBIND_ATTEMPTS {
                            result = HttpListenerHandle::open(
                                cfg.clone(),
                                settings.clone(),
                                inner.registry.clone(),
                                &inner.options,
                            )
                            .await;
                            match &result {
                                Err(e) if is_addr_in_use(e) => {
                                    tokio::time::sleep(REBIND_PAUSE).await;
                                }
                                _ => break,
                            }
                        }
                    }
                    result.map(Listener::Http)
                }
            };
            match result {
                Ok(l) => opened.push(l),
                Err(e) => {
                    for l in opened {
                        l.close().await;
                    }
                    return Err(e);
                }
            }
        }
        for (i, cfg, settings) in updates {
            if let Listener::Http(h) = &mut current[i] {
                h.update(cfg, settings);
            }
        }
        let old = std::mem::take(&mut *current);
        for (listener, keep) in old.into_iter().zip(kept) {
            if keep {
                current.push(listener);
            } else {
                listener.close().await;
            }
        }
        current.extend(opened);
        Ok(())
    }

    /// Closes every socket (UNIX socket and lock files are removed) and waits until they are
    /// released. Connections already being served finish their command.
    pub async fn stop(&self) {
        let listeners = std::mem::take(&mut *self.inner.listeners.lock().await);
        for l in listeners {
            l.close().await;
        }
    }

    /// Paths of the open UNIX sockets.
    pub async fn unix_paths(&self) -> Vec<PathBuf> {
        self.inner
            .listeners
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
        self.inner
            .listeners
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
