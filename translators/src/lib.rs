//! Kea JSON to YANG and back for kea-dhcp4-server, kea-dhcp6-server and ietf-dhcpv6-server
