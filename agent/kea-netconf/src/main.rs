//! kea-netconf: the NETCONF agent for the Kea-compatible DHCP servers

fn main() {}
