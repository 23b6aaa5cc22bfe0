//! Code the two DHCP servers share (Kea's libdhcpsrv in spirit): network
//! interface discovery, receive coalescing for the packet loops and the statistics time
//! stamp format.

pub mod coalesce;
pub mod iface;
pub mod sockopt;
pub mod stats;
