//! DHCPv4 and DHCPv6 packet and option codec
