//! Code the two DHCP servers share (Kea's libdhcpsrv in spirit): network
//! interface discovery and the statistics time stamp format.

pub mod iface;
pub mod stats;
