//! SSH transport (RFC 6242): the `netconf` subsystem on russh.

use std::collections::HashMap;
use std::io;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use russh::keys::ssh_key::LineEnding;
use russh::keys::{Algorithm, PrivateKey, PublicKey};
use std::sync::atomic::{AtomicBool, Ordering};

use russh::server::{Auth, Msg, PublicKeyOffer, Session, VerifiedPublicKey};
use russh::{Channel, ChannelId, Disconnect, MethodKind, MethodSet};
use tokio::net::TcpListener;

use crate::backend::NetconfBackend;
use crate::session::{Limits, SessionManager};

/// The SSH subsystem name for NETCONF.
pub const SUBSYSTEM: &str = "netconf";

/// How a user authenticates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UserAuth {
    /// A password, compared in constant time.
    Password(String),
    /// A public key in OpenSSH `authorized_keys` format (`ssh-ed25519 AAAA… comment`).
    AuthorizedKey(String),
}

/// One entry of the user list (a name may appear several times).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserConfig {
    pub name: String,
    pub auth: UserAuth,
}

/// Configuration of the SSH server.
#[derive(Debug, Clone)]
pub struct SshConfig {
    /// Address and port to listen on (port 830 is NETCONF's).
    pub listen: SocketAddr,
    /// Ed25519 host key file (OpenSSH format); created with mode 0600 if missing.
    pub host_key_path: PathBuf,
    pub users: Vec<UserConfig>,
    pub limits: Limits,
    /// Delay before answering a failed authentication.
    pub auth_rejection_time: Duration,
    /// SSH connections open at the same time (authenticated or not);
    /// further ones are closed at once.
    pub max_connections: usize,
    /// Time a connection has to authenticate before it is dropped.
    pub login_grace_time: Duration,
}

impl SshConfig {
    /// A configuration with default limits and a 1 s rejection delay.
    pub fn new(listen: SocketAddr, host_key_path: PathBuf, users: Vec<UserConfig>) -> Self {
        SshConfig {
            listen,
            host_key_path,
            users,
            limits: Limits::default(),
            auth_rejection_time: Duration::from_secs(1),
            max_connections: 128,
            login_grace_time: Duration::from_secs(120),
        }
    }
}

/// Errors starting the server.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    #[error("host key {path}: {reason}")]
    HostKey { path: PathBuf, reason: String },
    #[error("user '{user}': bad authorized key: {reason}")]
    BadAuthorizedKey { user: String, reason: String },
    #[error("cannot listen on {addr}: {source}")]
    Bind { addr: SocketAddr, source: io::Error },
    #[error("I/O error: {0}")]
    Io(#[from] io::Error),
}

/// Loads the host key from `path`, or generates an Ed25519 key and writes
/// it there (mode 0600, parent directory created) when the file is missing.
pub fn load_or_create_host_key(path: &Path) -> Result<PrivateKey, ServerError> {
    let err = |reason: String| ServerError::HostKey {
        path: path.to_path_buf(),
        reason,
    };
    match std::fs::read(path) {
        Ok(pem) => {
            warn_if_readable_by_others(path);
            return PrivateKey::from_openssh(&pem).map_err(|e| err(e.to_string()));
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(e) => return Err(err(e.to_string())),
    }
    let key = PrivateKey::random(&mut russh::keys::key::safe_rng(), Algorithm::Ed25519)
        .map_err(|e| err(format!("cannot generate a key: {e}")))?;
    let pem = key
        .to_openssh(LineEnding::LF)
        .map_err(|e| err(e.to_string()))?;
    if let Some(dir) = path.parent()
        && !dir.as_os_str().is_empty()
    {
        std::fs::create_dir_all(dir).map_err(|e| err(e.to_string()))?;
    }
    // Write a temporary file and rename it, so a crash never leaves a
    // half-written key behind.
    let tmp = path.with_extension("tmp");
    let _ = std::fs::remove_file(&tmp);
    {
        use std::io::Write;
        use std::os::unix::fs::OpenOptionsExt;
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&tmp)
            .map_err(|e| err(e.to_string()))?;
        f.write_all(pem.as_bytes())
            .and_then(|_| f.sync_all())
            .map_err(|e| err(e.to_string()))?;
    }
    std::fs::rename(&tmp, path).map_err(|e| err(e.to_string()))?;
    tracing::info!(path = %path.display(), "generated a new ed25519 host key");
    Ok(key)
}

fn warn_if_readable_by_others(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    if let Ok(meta) = std::fs::metadata(path)
        && meta.permissions().mode() & 0o077 != 0
    {
        tracing::warn!(path = %path.display(), "host key file is accessible by group or others");
    }
}

/// The user list in checked form.
#[derive(Debug, Default)]
struct Users {
    passwords: Vec<(String, String)>,
    keys: Vec<(String, PublicKey)>,
}

impl Users {
    fn new(users: &[UserConfig]) -> Result<Users, ServerError> {
        let mut out = Users::default();
        for u in users {
            match &u.auth {
                UserAuth::Password(p) => out.passwords.push((u.name.clone(), p.clone())),
                UserAuth::AuthorizedKey(k) => {
                    let key = PublicKey::from_openssh(k.trim()).map_err(|e| {
                        ServerError::BadAuthorizedKey {
                            user: u.name.clone(),
                            reason: e.to_string(),
                        }
                    })?;
                    out.keys.push((u.name.clone(), key));
                }
            }
        }
        Ok(out)
    }

    fn password_ok(&self, user: &str, password: &str) -> bool {
        // Check every entry so the time does not depend on which one matches.
        self.passwords.iter().fold(false, |found, (name, p)| {
            found | (name == user && constant_time_eq(p.as_bytes(), password.as_bytes()))
        })
    }

    fn key_ok(&self, user: &str, key: &PublicKey) -> bool {
        self.keys
            .iter()
            .any(|(name, k)| name == user && k.key_data() == key.key_data())
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// A bound NETCONF-over-SSH server.
pub struct NetconfServer<B: NetconfBackend> {
    manager: Arc<SessionManager<B>>,
    users: Arc<Users>,
    listener: TcpListener,
    ssh: Arc<russh::server::Config>,
    max_connections: usize,
    login_grace_time: Duration,
}

impl<B: NetconfBackend> std::fmt::Debug for NetconfServer<B> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NetconfServer")
            .field("listener", &self.listener)
            .finish_non_exhaustive()
    }
}

impl<B: NetconfBackend> NetconfServer<B> {
    /// Loads (or creates) the host key, checks the users and binds the socket.
    pub async fn bind(config: SshConfig, backend: Arc<B>) -> Result<Self, ServerError> {
        let key = load_or_create_host_key(&config.host_key_path)?;
        let users = Users::new(&config.users)?;
        let listener =
            TcpListener::bind(config.listen)
                .await
                .map_err(|source| ServerError::Bind {
                    addr: config.listen,
                    source,
                })?;
        let ssh = russh::server::Config {
            keys: vec![key],
            methods: MethodSet::from(&[MethodKind::Password, MethodKind::PublicKey][..]),
            auth_rejection_time: config.auth_rejection_time,
            auth_rejection_time_initial: Some(Duration::ZERO),
            // NETCONF sessions may stay idle for long; keepalives detect dead peers.
            inactivity_timeout: None,
            keepalive_interval: Some(Duration::from_secs(60)),
            keepalive_max: 3,
            ..Default::default()
        };
        Ok(NetconfServer {
            manager: SessionManager::new(backend, config.limits),
            users: Arc::new(users),
            listener,
            ssh: Arc::new(ssh),
            max_connections: config.max_connections.max(1),
            login_grace_time: config.login_grace_time,
        })
    }

    /// The address actually bound (useful with port 0).
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// The session manager (notifications, session list).
    pub fn sessions(&self) -> Arc<SessionManager<B>> {
        self.manager.clone()
    }

    /// Accepts connections forever (see [`NetconfServer::run_until`]).
    pub async fn run(self) -> io::Result<()> {
        self.run_until(std::future::pending()).await
    }

    /// Accepts connections until `shutdown` completes, then ends every
    /// NETCONF session (the backend sees `session_closed` for each) and
    /// disconnects every SSH client. Each connection runs in its own task;
    /// accept errors (such as running out of descriptors) are logged and
    /// retried, so they never stop the server.
    pub async fn run_until(self, shutdown: impl Future<Output = ()>) -> io::Result<()> {
        let conns = Arc::new(ConnTable::default());
        tokio::pin!(shutdown);
        loop {
            let accepted = tokio::select! {
                _ = &mut shutdown => break,
                a = self.listener.accept() => a,
            };
            let (socket, peer) = match accepted {
                Ok(conn) => conn,
                Err(e) => {
                    tracing::warn!(error = %e, "accepting an SSH connection failed");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            };
            let Some(slot) = conns.reserve(self.max_connections) else {
                tracing::warn!(%peer, limit = self.max_connections, "SSH connection refused: too many connections");
                drop(socket);
                continue;
            };
            let authenticated = Arc::new(AtomicBool::new(false));
            let handler = SshConnection {
                manager: self.manager.clone(),
                users: self.users.clone(),
                peer: Some(peer),
                user: None,
                authenticated: authenticated.clone(),
                channels: HashMap::new(),
            };
            let ssh = self.ssh.clone();
            let grace = self.login_grace_time;
            tokio::spawn(async move {
                let _ = socket.set_nodelay(true);
                // The whole login, SSH banner exchange included, must finish
                // within the grace time.
                let deadline = tokio::time::Instant::now() + grace;
                let setup = tokio::time::timeout_at(
                    deadline,
                    russh::server::run_stream(ssh, socket, handler),
                );
                let mut session = match setup.await {
                    Ok(Ok(s)) => s,
                    Ok(Err(e)) => {
                        tracing::debug!(%peer, error = %e, "SSH connection setup failed");
                        return;
                    }
                    Err(_) => {
                        tracing::info!(%peer, "SSH login grace time exceeded before the banner exchange");
                        return;
                    }
                };
                let handle = session.handle();
                slot.set_handle(handle.clone());
                let result = tokio::select! {
                    r = &mut session => r,
                    _ = tokio::time::sleep_until(deadline) => {
                        if !authenticated.load(Ordering::Acquire) {
                            tracing::info!(%peer, "SSH login grace time exceeded");
                            let _ = handle
                                .disconnect(Disconnect::ByApplication, "login grace time exceeded".into(), "en".into())
                                .await;
                        }
                        session.await
                    }
                };
                if let Err(e) = result {
                    tracing::debug!(%peer, error = %e, "SSH connection ended with an error");
                }
            });
        }
        tracing::info!("NETCONF server shutting down");
        self.manager.close_all().await;
        for handle in conns.handles() {
            let _ = handle
                .disconnect(
                    Disconnect::ByApplication,
                    "server shutting down".into(),
                    "en".into(),
                )
                .await;
        }
        Ok(())
    }
}

/// The open SSH connections (for the limit and for shutdown).
#[derive(Default)]
struct ConnTable {
    inner: std::sync::Mutex<(u64, HashMap<u64, Option<russh::server::Handle>>)>,
}

impl ConnTable {
    fn lock(
        &self,
    ) -> std::sync::MutexGuard<'_, (u64, HashMap<u64, Option<russh::server::Handle>>)> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Takes a slot if fewer than `limit` connections are open.
    fn reserve(self: &Arc<Self>, limit: usize) -> Option<ConnSlot> {
        let mut t = self.lock();
        if t.1.len() >= limit {
            return None;
        }
        t.0 += 1;
        let id = t.0;
        t.1.insert(id, None);
        Some(ConnSlot {
            table: self.clone(),
            id,
        })
    }

    fn handles(&self) -> Vec<russh::server::Handle> {
        self.lock().1.values().flatten().cloned().collect()
    }
}

/// A connection's entry in the table; removed when the connection task ends.
struct ConnSlot {
    table: Arc<ConnTable>,
    id: u64,
}

impl ConnSlot {
    fn set_handle(&self, handle: russh::server::Handle) {
        if let Some(h) = self.table.lock().1.get_mut(&self.id) {
            *h = Some(handle);
        }
    }
}

impl Drop for ConnSlot {
    fn drop(&mut self) {
        self.table.lock().1.remove(&self.id);
    }
}

/// One SSH connection.
struct SshConnection<B: NetconfBackend> {
    manager: Arc<SessionManager<B>>,
    users: Arc<Users>,
    peer: Option<SocketAddr>,
    user: Option<String>,
    /// Set once a user authenticated (read by the login grace timer).
    authenticated: Arc<AtomicBool>,
    channels: HashMap<ChannelId, Channel<Msg>>,
}

impl<B: NetconfBackend> SshConnection<B> {
    fn accept(&mut self, user: &str) -> Auth {
        self.user = Some(user.to_string());
        self.authenticated.store(true, Ordering::Release);
        Auth::Accept
    }
}

impl<B: NetconfBackend> russh::server::Handler for SshConnection<B> {
    type Error = russh::Error;

    async fn auth_password(&mut self, user: &str, password: &str) -> Result<Auth, Self::Error> {
        if self.users.password_ok(user, password) {
            return Ok(self.accept(user));
        }
        tracing::info!(user, peer = ?self.peer, "SSH password authentication failed");
        Ok(Auth::reject())
    }

    async fn auth_publickey_offered(
        &mut self,
        user: &str,
        offer: PublicKeyOffer<'_>,
    ) -> Result<Auth, Self::Error> {
        Ok(if self.users.key_ok(user, offer.public_key) {
            Auth::Accept
        } else {
            Auth::reject()
        })
    }

    async fn auth_publickey(
        &mut self,
        user: &str,
        key: VerifiedPublicKey<'_>,
    ) -> Result<Auth, Self::Error> {
        if self.users.key_ok(user, key.public_key) {
            return Ok(self.accept(user));
        }
        tracing::info!(user, peer = ?self.peer, "SSH public key authentication failed");
        Ok(Auth::reject())
    }

    async fn channel_open_session(
        &mut self,
        channel: Channel<Msg>,
        reply: russh::server::ChannelOpenHandle,
        _session: &mut Session,
    ) -> Result<(), Self::Error> {
        self.channels.insert(channel.id(), channel);
        reply.accept().await;
        Ok(())
    }

    async fn channel_close(
        &mut self,
        channel: ChannelId,
        _session: &mut Session,
    ) -> Result<(), Self::Error> {
        self.channels.remove(&channel);
        Ok(())
    }

    async fn subsystem_request(
        &mut self,
        channel_id: ChannelId,
        name: &str,
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        if name != SUBSYSTEM {
            tracing::debug!(name, "refused SSH subsystem");
            session.channel_failure(channel_id)?;
            return Ok(());
        }
        let (Some(user), true) = (self.user.clone(), self.channels.contains_key(&channel_id))
        else {
            session.channel_failure(channel_id)?;
            return Ok(());
        };
        if !self.manager.has_capacity() {
            tracing::warn!(
                limit = self.manager.limits().max_sessions,
                "NETCONF session refused: too many sessions"
            );
            session.channel_failure(channel_id)?;
            return Ok(());
        }
        let Some(channel) = self.channels.remove(&channel_id) else {
            session.channel_failure(channel_id)?;
            return Ok(());
        };
        session.channel_success(channel_id)?;
        let manager = self.manager.clone();
        let peer = self.peer;
        tokio::spawn(async move {
            if let Err(e) = manager.run_session(channel.into_stream(), user, peer).await {
                tracing::info!(error = %e, ?peer, "NETCONF session failed");
            }
        });
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_key_created_once_with_0600() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("keys/host_key");
        let k1 = load_or_create_host_key(&path).unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        let k2 = load_or_create_host_key(&path).unwrap();
        assert_eq!(k1.public_key(), k2.public_key());
        assert_eq!(k1.algorithm(), Algorithm::Ed25519);
    }

    #[test]
    fn bad_host_key_file_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("host_key");
        std::fs::write(&path, "not a key").unwrap();
        assert!(matches!(
            load_or_create_host_key(&path),
            Err(ServerError::HostKey { .. })
        ));
    }

    #[test]
    fn user_checks() {
        let key =
            PrivateKey::random(&mut russh::keys::key::safe_rng(), Algorithm::Ed25519).unwrap();
        let line = key.public_key().to_openssh().unwrap();
        let users = Users::new(&[
            UserConfig {
                name: "admin".into(),
                auth: UserAuth::Password("s3cret".into()),
            },
            UserConfig {
                name: "robot".into(),
                auth: UserAuth::AuthorizedKey(format!("{line} robot@host\n")),
            },
        ])
        .unwrap();
        assert!(users.password_ok("admin", "s3cret"));
        assert!(!users.password_ok("admin", "s3cre"));
        assert!(!users.password_ok("robot", "s3cret"));
        assert!(users.key_ok("robot", key.public_key()));
        assert!(!users.key_ok("admin", key.public_key()));
        let other =
            PrivateKey::random(&mut russh::keys::key::safe_rng(), Algorithm::Ed25519).unwrap();
        assert!(!users.key_ok("robot", other.public_key()));
        assert!(matches!(
            Users::new(&[UserConfig {
                name: "x".into(),
                auth: UserAuth::AuthorizedKey("ssh-ed25519 garbage".into())
            }]),
            Err(ServerError::BadAuthorizedKey { .. })
        ));
    }
}
