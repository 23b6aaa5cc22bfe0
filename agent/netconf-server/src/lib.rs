//! NETCONF server over SSH on the YANG datastore
