//! The kea-dhcp4 server as a library: sockets, framing, configuration, the packet pipeline,
//! the daemon runtime and the control commands. The `kea-dhcp4` binary is a thin `main`.
//!
//! - Packet I/O: [`frame`] (Ethernet/IPv4/UDP with checksums), [`bpf`] (kernel filter for
//!   UDP to the server port), [`iface`] (interface discovery, `eth0` / `eth0/addr` / `*`),
//!   [`socket`] (UDP with IP_PKTINFO + SO_BINDTODEVICE, raw AF_PACKET; every datagram carries
//!   a [`socket::RecvMeta`], every reply a [`socket::SendMeta`]).
//! - Configuration: [`load::prepare`] checks a `{"Dhcp4": ...}` element completely
//!   (kea-config's validator and model, then [`config::ServerConfig::from_element`], which
//!   resolves inheritance, encodes [`options`] and indexes reservations); [`classify`] holds
//!   the class expression language.
//! - Pipeline: [`pipeline::process`]`(&ServerState, Pkt4, RecvMeta) -> Option<(Pkt4, SendMeta)>`
//!   is synchronous and socket-free; [`pipeline::process_at`] returns the detailed
//!   [`pipeline::Outcome`] (reply, done, or a [`pipeline::Drop`] reason with its Kea log ID).
//! - Runtime: [`server::Server`] (configuration generations swapped atomically, packet loop
//!   thread, reclamation) and [`commands::register`] (the control-channel commands).
//!   [`select_test`] answers `subnet4-select-test` with the pipeline's subnet selection.
//! - [`stats::Stats`]: live statistics (global, subnet, pool) with Kea's sample history
//!   ([`dhcpsrv::stats`]).

pub mod bpf;
pub mod classify;
pub mod commands;
pub mod config;
pub mod config_access;
pub mod frame;
pub mod iface;
pub mod load;
pub mod options;
pub mod pipeline;
pub mod select_test;
pub mod server;
pub mod socket;
pub mod stats;
