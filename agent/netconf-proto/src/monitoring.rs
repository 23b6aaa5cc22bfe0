//! What a NETCONF server knows about itself for `ietf-netconf-monitoring`
//! (RFC 6022): its capabilities, sessions and counters, as plain data.
//!
//! The session layer fills a [`MonitoringState`]; whoever serves the
//! operational datastore turns it into `/netconf-state` (together with the
//! datastores, their locks and the schemas, which the session layer does
//! not know).

use std::time::SystemTime;

/// The counters RFC 6022 keeps both per session and for the whole server
/// (`common-counters`). They are `zero-based-counter32`: they wrap at 2^32.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counters {
    /// Correct `<rpc>` messages received.
    pub in_rpcs: u32,
    /// Messages received where an `<rpc>` was expected that were not
    /// correct `<rpc>` messages (XML or rpc-layer errors).
    pub in_bad_rpcs: u32,
    /// `<rpc-reply>` messages sent that held an `<rpc-error>`.
    pub out_rpc_errors: u32,
    /// `<notification>` messages sent.
    pub out_notifications: u32,
}

/// The transport a session runs over (RFC 6022 `transport` identities).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transport {
    /// NETCONF over SSH (RFC 6242).
    Ssh,
    /// NETCONF over TLS (RFC 7589).
    Tls,
}

impl Transport {
    /// The identity name in ietf-netconf-monitoring.
    pub fn identity(self) -> &'static str {
        match self {
            Transport::Ssh => "netconf-ssh",
            Transport::Tls => "netconf-tls",
        }
    }
}

/// One established session (`/netconf-state/sessions/session`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionInfo {
    pub session_id: u32,
    pub transport: Transport,
    /// The authenticated user.
    pub username: String,
    /// The client's address, when known.
    pub source_host: Option<String>,
    /// When the session was established.
    pub login_time: SystemTime,
    pub counters: Counters,
}

/// Server-wide counters (`/netconf-state/statistics`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Statistics {
    /// When the server started.
    pub netconf_start_time: SystemTime,
    /// Sessions dropped because their hello was invalid.
    pub in_bad_hellos: u32,
    /// Sessions started (a hello with a session-id was sent).
    pub in_sessions: u32,
    /// Sessions that ended other than by `<close-session>` or
    /// `<kill-session>` (disconnect, idle or hello timeout, framing error).
    pub dropped_sessions: u32,
    /// The totals of every session's counters, past ones included.
    pub totals: Counters,
}

/// A snapshot of the server side of `ietf-netconf-monitoring`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MonitoringState {
    /// The capabilities the server announces in its hello.
    pub capabilities: Vec<String>,
    /// Established sessions, by id.
    pub sessions: Vec<SessionInfo>,
    pub statistics: Statistics,
}
