//! Code the two DHCP servers share (Kea's libdhcpsrv in spirit): network
//! interface discovery ([`iface`]) and statistics with Kea's sample history and time stamp
//! format ([`stats`]).

pub mod iface;
pub mod stats;
