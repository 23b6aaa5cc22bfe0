//! The kea-dhcp4 server as a library: sockets, framing, configuration, the packet pipeline.
//!
//! - [`frame`], [`bpf`], [`iface`], [`socket`]: packet I/O (UDP with IP_PKTINFO, raw
//!   AF_PACKET with a BPF filter), [`socket::RecvMeta`] / [`socket::SendMeta`].
//! - [`config::ServerConfig::from_element`]: the `Dhcp4` configuration compiled for the
//!   packet path (inheritance resolved, options encoded, reservations indexed).
//! - [`pipeline::process`]`(&ServerState, Pkt4, RecvMeta) -> Option<(Pkt4, SendMeta)>`: the
//!   synchronous packet pipeline; [`pipeline::process_at`] gives the detailed outcome.
//! - [`stats::Stats`]: live statistics in atomics.

pub mod bpf;
pub mod classify;
pub mod commands;
pub mod config;
pub mod frame;
pub mod iface;
pub mod load;
pub mod options;
pub mod pipeline;
pub mod server;
pub mod socket;
pub mod stats;
