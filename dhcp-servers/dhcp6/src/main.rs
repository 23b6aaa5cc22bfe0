//! kea-dhcp6: the DHCPv6 server

fn main() {}
