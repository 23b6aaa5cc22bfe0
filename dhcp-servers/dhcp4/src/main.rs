//! kea-dhcp4: the DHCPv4 server

fn main() {}
