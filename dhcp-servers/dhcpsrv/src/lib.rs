//! Code the two DHCP servers share (Kea's libdhcpsrv in spirit): network
//! interface discovery ([`iface`]), the `config-hash-get` cache ([`config_hash`]), receive coalescing and socket options for the packet
//! loops ([`coalesce`], [`sockopt`]), statistics with Kea's sample history and time stamp
//! format ([`stats`]), the argument handling of lease commands both answer alike
//! ([`lease_cmds`]), the subnet select-test arguments ([`select_args`]) and the `stat-lease*-get` arguments and texts ([`stat_lease`]).

pub mod coalesce;
pub mod config_hash;
pub mod iface;
pub mod lease_cmds;
pub mod select_args;
pub mod sockopt;
pub mod stat_lease;
pub mod stats;
