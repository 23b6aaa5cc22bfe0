//! Kea's command channel: answers, the command registry, UNIX and HTTP(S) control sockets and a
//! client, behaving like Kea 3.0 (ARM ch. 19, §9.9, §10.15).
//!
//! * [`Answer`] — `{"arguments", "result", "text"}` with the `RESULT_*` codes, written exactly as
//!   Kea writes it ([`Answer::to_kea_string`], [`json::to_kea_string`]).
//! * [`Request`] — a parsed command; shape errors carry Kea's texts.
//! * [`CommandRegistry`] — name → handler; daemons register sync closures
//!   (`Fn(&Request) -> Answer`) or async ones; `list-commands` is built in; unknown commands get
//!   `'X' command not supported.` (result 2).
//! * [`SocketConfig`] — `control-socket` / `control-sockets` entries read from JSON.
//! * [`ControlServer`] — opens the sockets ([`ControlServer::start`], or [`ControlServer::new`]
//!   then [`ControlServer::reconfigure`]), switches to a new set (`reconfigure`, for
//!   `config-set`; unchanged sockets stay open), closes them ([`ControlServer::stop`]). It is
//!   `Clone`, so a `config-set` handler can hold it.
//!   UNIX: one command per connection, path inside `KEA_CONTROL_SOCKET_DIR`, lock file.
//!   HTTP(S): POST JSON, answer wrapped in a list, basic auth, TLS (mutual by default),
//!   extra headers, size limit and 10 s idle timeout.
//! * [`ControlClient`] — sends a command to a UNIX path or an `http(s)://` URL (async, or
//!   [`ControlClient::command_blocking`]).
//! * The `kea-shell` binary (ARM ch. 21) is built on the client.
//!
//! JSON comes in as `serde_json::Value`; comments are removed by [`json::preprocess`], a small
//! stand-in for kea-config's parser.
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use kea_command::*;
//! let reg = CommandRegistry::new();
//! reg.register("version-get", |_req| Answer::success_text("3.0.0"));
//! reg.register("config-test", |req| match req.arguments_map() {
//!     Some(_) => Answer::success_text("Configuration seems sane."),
//!     None => Answer::error("Missing mandatory 'arguments' parameter."),
//! });
//! let sockets = SocketConfig::list_from_value(&serde_json::json!([
//!     {"socket-type": "unix", "socket-name": "kea4.sock"},
//!     {"socket-type": "http", "socket-port": 8000}
//! ]))?;
//! let server = ControlServer::start(reg, &sockets, ServerOptions::for_daemon("kea-dhcpv4-server")).await?;
//! let answer = ControlClient::unix("/run/kea/kea4.sock").command("version-get", None).await?;
//! assert!(answer.is_success());
//! server.stop().await;
//! # Ok(()) }
//! ```

mod answer;
mod client;
mod config;
mod error;
mod http;
pub mod json;
mod registry;
mod request;
mod server;
pub mod tls;
mod unix;

pub use answer::{
    Answer, RESULT_CONFLICT, RESULT_EMPTY, RESULT_ERROR, RESULT_SUCCESS, RESULT_UNSUPPORTED,
};
pub use client::{ClientError, ClientTlsOptions, ControlClient, RawReply};
pub use config::{
    AuthClient, AuthConfig, DEFAULT_HTTP_ADDRESS, DEFAULT_HTTP_PORT, HttpSocketConfig,
    SocketConfig, TlsFiles, UnixSocketConfig,
};
pub use error::ControlError;
pub use registry::CommandRegistry;
pub use request::{Request, Transport};
pub use server::{
    ControlServer, DEFAULT_MAX_COMMAND_SIZE, DEFAULT_SOCKET_DIR, DEFAULT_TIMEOUT, ServerOptions,
};
pub use unix::{MAX_SOCKET_PATH_LEN, resolve_socket_path};
