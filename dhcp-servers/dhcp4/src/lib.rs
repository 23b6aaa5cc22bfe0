//! The kea-dhcp4 server as a library: sockets, framing, the packet pipeline, the daemon.
//!
//! - [`frame`], [`bpf`], [`iface`], [`socket`]: packet I/O (UDP with IP_PKTINFO, raw AF_PACKET).

pub mod bpf;
pub mod frame;
pub mod iface;
pub mod socket;
pub mod stats;
