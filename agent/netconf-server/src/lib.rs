//! NETCONF server: RFC 6242 over SSH (russh) and the RFC 6241 session layer.
//!
//! * [`NetconfBackend`]: the trait the agent implements on its datastore, one
//!   async method per operation, XML text in and out, [`RpcErrors`] on
//!   failure, [`NetconfBackend::session_closed`] when a session ends (close,
//!   kill, disconnect, shutdown) so its locks can be released.
//! * [`SessionManager`]: runs sessions over any `AsyncRead + AsyncWrite`
//!   ([`SessionManager::run_session`]: hello, framing switch, dispatch,
//!   message-id echo, malformed input, limits), keeps the session table
//!   (ids, kill-session, [`SessionManager::close_all`]), pushes
//!   notifications to subscribed sessions ([`SessionManager::notify`]) and
//!   counts what RFC 6022 asks for ([`SessionManager::monitoring_state`]:
//!   capabilities, sessions, statistics). [`Limits`]: max sessions, max
//!   message size, hello and idle timeouts.
//! * [`NetconfServer`]: the SSH server with the `netconf` subsystem, password
//!   and public-key users, a persistent Ed25519 host key
//!   ([`load_or_create_host_key`]), a connection limit and a login grace time;
//!   [`NetconfServer::run_until`] stops it cleanly.
//!
//! ```ignore
//! let server = NetconfServer::bind(SshConfig::new(addr, key_path, users), Arc::new(backend)).await?;
//! let sessions = server.sessions();          // sessions.notify("NETCONF", now, xml)
//! tokio::spawn(server.run_until(shutdown_signal));
//! ```

pub mod backend;
pub mod session;
pub mod ssh;

pub use backend::{
    BackendResult, NetconfBackend, RpcErrors, SessionCtx, default_subscription_check,
};
pub use session::{Limits, NETCONF_STREAM, SessionEnd, SessionError, SessionManager};
pub use ssh::{
    NetconfServer, SUBSYSTEM, ServerError, SshConfig, UserAuth, UserConfig, load_or_create_host_key,
};
