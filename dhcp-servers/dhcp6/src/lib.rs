//! The kea-dhcp6 server as a library (ARM ch. 10), built on the project's shared crates:
//! kea-config (typed `Dhcp6` model), dhcp-packet (Pkt6 codec, option definitions),
//! dhcp-alloc (address and prefix allocators, reclamation), dhcp-lease (Memfile6),
//! kea-command (control channel), kea-log, kea-process, dhcpsrv (interface discovery,
//! statistics with sample history, lease command arguments shared with kea-dhcp4).
//!
//! - [`config::ServerConfig::compile`]: the model compiled for the packet path.
//! - [`classify`]: client classification (built-in classes, class tests through the
//!   shared dhcp-classify crate, `evaluate-additional-classes`).
//! - [`pipeline::process`]`(&ServerState, &Pkt6, &RecvMeta, now) -> Outcome`: the
//!   synchronous packet pipeline (SOLICIT … INFORMATION-REQUEST, relays, rapid commit).
//! - [`socket::Endpoint`]: UDP on port 547 per interface, joined to ff02::1:2.
//! - [`duid`]: the server DUID (`server-id`) and its `kea-dhcp6-serverid` file.
//! - [`stats::Stats`]: ARM 10.14 statistics with Kea's sample history.
//! - [`select_test`]: `subnet6-select-test` over [`pipeline::select_with`].
//! - [`server::Server`], [`commands::register`]: the running daemon and its commands.
//! - [`control`]: daemon-level commands over the `ManagedDaemon` trait (shareable).
//! - [`shared`]: protocol-independent daemon pieces meant for a shared server crate.

pub mod classify;
pub mod commands;
pub mod config;
pub mod config_access;
pub mod control;
pub mod duid;
pub mod iface;
pub mod load;
pub mod options;
pub mod pipeline;
pub mod select_test;
pub mod server;
pub mod shared;
pub mod socket;
pub mod stats;
