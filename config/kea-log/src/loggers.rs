//! Logger names. Code names a logger either by its full Kea name (`"kea-dhcp4"`,
//! `"kea-netconf"`) or by a component name relative to the process' root logger
//! (`"packets"` becomes `kea-dhcp4.packets` in kea-dhcp4 and `kea-dhcp6.packets` in
//! kea-dhcp6), which is how shared libraries (lease, allocation…) log under whichever
//! server runs them, as in Kea.

/// A logger as named in code: a full name or a component of the process' root logger.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct LoggerName(&'static str);

impl LoggerName {
    /// Wraps a name; see the module doc for full versus component names.
    pub const fn new(name: &'static str) -> LoggerName {
        LoggerName(name)
    }

    /// The name as written in code (also the `tracing` target of its events).
    pub const fn as_str(self) -> &'static str {
        self.0
    }
}

/// The root logger of the running process (`kea-dhcp4`, `kea-dhcp6`, `kea-netconf`).
pub const ROOT: LoggerName = LoggerName("");
/// Basic operations of the DHCPv4 server (`<root>.dhcp4`).
pub const DHCP4: LoggerName = LoggerName("dhcp4");
/// Basic operations of the DHCPv6 server (`<root>.dhcp6`).
pub const DHCP6: LoggerName = LoggerName("dhcp6");
/// Packet reception/transmission and subnet selection.
pub const PACKETS: LoggerName = LoggerName("packets");
/// Dropped packets and NAKs only.
pub const BAD_PACKETS: LoggerName = LoggerName("bad-packets");
/// Lease allocation results.
pub const LEASES: LoggerName = LoggerName("leases");
/// Option parsing and packing.
pub const OPTIONS: LoggerName = LoggerName("options");
/// Lease allocation engine.
pub const ALLOC_ENGINE: LoggerName = LoggerName("alloc-engine");
/// Server library: lease backends, configuration manager.
pub const DHCPSRV: LoggerName = LoggerName("dhcpsrv");
/// Command channel.
pub const COMMANDS: LoggerName = LoggerName("commands");
/// Host reservations.
pub const HOSTS: LoggerName = LoggerName("hosts");
/// Client FQDN / hostname and DNS updates.
pub const DDNS: LoggerName = LoggerName("ddns");
/// Classification expressions.
pub const EVAL: LoggerName = LoggerName("eval");
/// Hook library management.
pub const HOOKS: LoggerName = LoggerName("hooks");
/// Callout execution.
pub const CALLOUTS: LoggerName = LoggerName("callouts");
/// Relational databases.
pub const DATABASE: LoggerName = LoggerName("database");
/// HTTP basic authentication.
pub const AUTH: LoggerName = LoggerName("auth");
/// TCP traffic.
pub const TCP: LoggerName = LoggerName("tcp");
/// Process controller (start, signals, reconfiguration) of kea-netconf.
pub const DCTL: LoggerName = LoggerName("dctl");
/// The NETCONF agent's own messages.
pub const NETCONF: LoggerName = LoggerName("netconf");

/// Full Kea name of a logger named `code_name` in code, in a process whose root logger
/// is `root`: names starting with `kea-` are already full; others are components.
pub fn full_name(code_name: &str, root: &str) -> String {
    if code_name.is_empty() {
        root.to_string()
    } else if code_name.starts_with("kea-") {
        code_name.to_string()
    } else {
        format!("{root}.{code_name}")
    }
}

/// The parent of a dotted logger name (`kea-dhcp4.packets` → `kea-dhcp4`).
pub(crate) fn parent(name: &str) -> Option<&str> {
    name.rfind('.').map(|i| &name[..i])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_expand_under_the_root() {
        assert_eq!(
            full_name(PACKETS.as_str(), "kea-dhcp4"),
            "kea-dhcp4.packets"
        );
        assert_eq!(
            full_name(PACKETS.as_str(), "kea-dhcp6"),
            "kea-dhcp6.packets"
        );
        assert_eq!(full_name(ROOT.as_str(), "kea-netconf"), "kea-netconf");
        assert_eq!(
            full_name("kea-dhcp4.leases", "kea-dhcp4"),
            "kea-dhcp4.leases"
        );
        assert_eq!(parent("kea-dhcp4.packets"), Some("kea-dhcp4"));
        assert_eq!(parent("kea-dhcp4"), None);
    }
}
