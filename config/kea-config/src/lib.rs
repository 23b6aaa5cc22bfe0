//! Kea's JSON configuration dialect: positions, comments, includes, typed Dhcp4/Dhcp6/Netconf models
