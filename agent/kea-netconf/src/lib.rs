//! kea-netconf: the NETCONF agent of ARM 22.1, with the datastore and the
//! NETCONF server built in (no sysrepo, no netopeer2).
//!
//! - [`config`]: the `Netconf` object, validated by the shared config layer
//!   (`kea_config::NetconfConfig`), plus the agent's extension keys
//!   (drift and pool watches, control-socket TLS and basic auth):
//!   [`config::AgentConfig::load`].
//! - [`control`]: commands to a managed server (unix, HTTP(S) with
//!   `service`, stdout): [`control::ServerControl`].
//! - [`binding`]: servers bound to their model ([`binding::ServerBinding`])
//!   and the change subscriber ([`binding::Coordinator`]) that tests
//!   (`config-test`) and applies (`config-set`) commits, reverting running
//!   when a server refuses late.
//! - [`delta`]: commits limited to top-level subnets and their
//!   reservations sent as subnet_cmds/host_cmds commands
//!   ([`delta::plan`]), proven equal to a `config-set` by the server's
//!   config hash ([`delta::expected_hash`]); `apply-mode` selects it.
//! - [`partial`]: `ietf-dhcpv6-server` pushes merged into the server's
//!   config (the model holds only subnets and pools).
//! - [`state`]: live leases and lease statistics for `<get>`.
//! - [`backend`]: RFC 6241 operations on the datastore for the NETCONF
//!   server, confirmed commits included ([`backend::AgentBackend`]).
//! - [`agent`]: start-up (boot-update, seeding an empty startup from the
//!   servers, subscriptions) and the drift watch: [`agent::start`] returns
//!   an [`agent::Agent`]; [`agent::Agent::reconfigure`] on SIGHUP.
//! - [`local`]: the local socket `sysrepocfg` talks to ([`local::serve`],
//!   [`local::handle`] for offline use).
//! - [`pools`]: the pool utilisation watch (`pool-utilization-threshold`,
//!   `statistic-get-all` polls, one notification per threshold crossing).
//! - [`notify`]: notification content; [`messages`]: log messages of the
//!   agent's additions to Kea's.
//!
//! End-to-end tests (tests/) run the real binaries against a real
//! kea-dhcp6 (`KEA_DHCP6_BIN`, else ours in the target dir, else
//! `/usr/sbin/kea-dhcp6`) with ncclient and OpenSSH as clients.

pub mod agent;
pub mod backend;
pub mod binding;
pub mod config;
pub mod control;
pub mod delta;
pub mod local;
pub mod messages;
pub mod notify;
pub mod partial;
pub mod pools;
pub mod state;
