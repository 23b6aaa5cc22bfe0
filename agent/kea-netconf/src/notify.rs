//! Notification content the agent sends to NETCONF subscribers.
//!
//! Config changes use RFC 6470's `netconf-config-change`; the Kea-specific
//! events (a server changed behind the agent's back, a server up or down,
//! a pool filling up) use elements of the agent's own namespace
//! [`KEA_NETCONF_NS`].

/// Namespace of the agent's own notification elements.
pub const KEA_NETCONF_NS: &str = "urn:isc-compatible:kea-netconf:notifications";
const NETCONF_NOTIFICATIONS_NS: &str = "urn:ietf:params:xml:ns:yang:ietf-netconf-notifications";

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// RFC 6470 `netconf-config-change` for a commit to `module`'s config in
/// running; `applied` says whether every server took it.
pub fn config_change(module: &str, applied: bool) -> String {
    let operation = if applied { "replace" } else { "none" };
    format!(
        "<netconf-config-change xmlns=\"{NETCONF_NOTIFICATIONS_NS}\"><changed-by><server/></changed-by>\
         <datastore>running</datastore><edit><target>{target}</target><operation>{operation}</operation></edit>\
         </netconf-config-change>",
        target = escape(&crate::partial::config_root(module))
    )
}

/// A server's configuration changed without the agent.
pub fn config_drift(server: &str, action: &str) -> String {
    format!(
        "<server-config-drift xmlns=\"{KEA_NETCONF_NS}\"><server>{}</server><action>{}</action></server-config-drift>",
        escape(server),
        escape(action)
    )
}

/// A server answered again, or stopped answering.
pub fn server_status(server: &str, up: bool) -> String {
    let state = if up { "up" } else { "down" };
    format!(
        "<server-status xmlns=\"{KEA_NETCONF_NS}\"><server>{}</server><status>{state}</status></server-status>",
        escape(server)
    )
}

/// A subnet's utilisation reached the configured threshold (`over-threshold`)
/// or dropped back below it (`below-threshold`).
pub fn pool_utilization(server: &str, crossing: &crate::pools::Crossing, threshold: f64) -> String {
    let state = if crossing.over {
        "over-threshold"
    } else {
        "below-threshold"
    };
    format!(
        "<pool-utilization xmlns=\"{KEA_NETCONF_NS}\"><server>{}</server><subnet-id>{}</subnet-id>\
         <pool-type>{}</pool-type><assigned>{}</assigned><total>{}</total>\
         <utilization>{:.4}</utilization><threshold>{threshold}</threshold><state>{state}</state></pool-utilization>",
        escape(server),
        crossing.subnet_id,
        crossing.kind.as_str(),
        crossing.usage.assigned,
        crossing.usage.total,
        crossing.usage.ratio(),
    )
}
