//! NETCONF server: RFC 6242 over SSH (russh) and the RFC 6241 session layer.
//!
//! * [`NetconfBackend`]: the trait the agent implements on its datastore, one
//!   async method per operation, XML text in and out, [`RpcErrors`] on failure.
//! * [`SessionManager`]: runs sessions over any `AsyncRead + AsyncWrite`
//!   ([`SessionManager::run_session`]), keeps the session table (ids,
//!   kill-session, limits) and pushes notifications to subscribers
//!   ([`SessionManager::notify`]).
//! * [`NetconfServer`]: the SSH server with the `netconf` subsystem, password
//!   and public-key users, and a persistent Ed25519 host key
//!   ([`load_or_create_host_key`]).
//!
//! ```ignore
//! let server = NetconfServer::bind(SshConfig::new(addr, key_path, users), Arc::new(backend)).await?;
//! let sessions = server.sessions();          // sessions.notify("NETCONF", now, xml)
//! tokio::spawn(server.run());
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
