//! kea-netconf: the NETCONF agent of ARM 22.1, with the datastore and the
//! NETCONF server built in.
//!
//! - [`config`]: the `Netconf` object and the `netconf-server` extension.
//! - [`control`]: commands to a managed server (unix, HTTP(S), stdout).
//! - [`binding`]: servers bound to their model and the change subscriber
//!   that tests (`config-test`) and applies (`config-set`) commits.
//! - [`state`]: live leases, statistics and hosts for `<get>`.
//! - [`backend`]: RFC 6241 operations on the datastore for the NETCONF
//!   server.
//! - [`agent`]: start-up (boot-update, seeding, subscriptions), drift watch.
//! - [`local`]: the local socket `sysrepocfg` talks to.
//! - [`messages`]: log messages of the agent's additions.

pub mod agent;
pub mod backend;
pub mod binding;
pub mod config;
pub mod control;
pub mod local;
pub mod messages;
pub mod notify;
pub mod state;
