//! The translation rule of every config node of the Kea models.
//!
//! Containers and lists are listed one by one below: a container or list of
//! the model that is not listed gets [`Rule::Unmapped`] and fails the
//! completeness test, so a new node in the model cannot be dropped
//! silently. Leaves are same-named scalars unless listed here.

use crate::schema::{Kind, Model};

/// How a node is translated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rule {
    /// Same structure on both sides (the JSON name may differ).
    Plain,
    /// A leaf holding a JSON document as text (`user-context`, hook
    /// `parameters`, `dhcp-queue-control`); it must be a JSON map.
    JsonText,
    /// Address pools: YANG keys `start-address`/`end-address` and optional
    /// `prefix` ⇄ Kea's `"pool": "a - b"` or `"pool": "prefix/len"`.
    Pool,
    /// v6 prefix pools: `prefix` and `excluded-prefix` as `addr/len` ⇄ Kea's
    /// `prefix` + `prefix-len`, `excluded-prefix` + `excluded-prefix-len`.
    PdPool,
    /// Host reservations: `identifier-type` + `identifier` ⇄ one JSON key
    /// named after the type (`"hw-address": "…"`).
    Host,
    /// Option data: the `data` key may be absent in Kea JSON (empty in YANG).
    OptionData,
    /// HTTP authentication clients: all four keys exist in YANG, absent ones
    /// as empty strings.
    AuthClients,
    /// A leaf translated by its list's rule (pool bounds, host identifier,
    /// pd-pool prefixes).
    ByParent,
    /// No rule: the completeness test reports it.
    Unmapped,
}

/// The JSON name and rule of the node at YANG schema path `path` (without
/// module prefixes, e.g. `/config/subnet4/pool`).
pub fn rule_for(path: &str, yang: &str, kind: &Kind, model: Model) -> (String, Rule) {
    let parent = path
        .rsplit_once('/')
        .map(|(p, _)| p.rsplit('/').next().unwrap_or(""))
        .unwrap_or("");
    let subnet = format!("subnet{}", model.family());
    let plain = |json: &str| (json.to_string(), Rule::Plain);
    match kind {
        Kind::Container | Kind::List { .. } => match yang {
            "config" if parent.is_empty() => plain("config"),
            "option-data" => ("option-data".into(), Rule::OptionData),
            "pool" => ("pools".into(), Rule::Pool),
            "pd-pool" => ("pd-pools".into(), Rule::PdPool),
            "host" => ("reservations".into(), Rule::Host),
            "clients" => ("clients".into(), Rule::AuthClients),
            "shared-network" => plain("shared-networks"),
            "hosts-database" => plain("hosts-databases"),
            "client-class" => plain("client-classes"),
            "hook-library" => plain("hooks-libraries"),
            "config-database" => plain("config-databases"),
            "logger" => plain("loggers"),
            "output-option" => plain("output-options"),
            name if name == subnet => plain(name),
            "relay"
            | "interfaces-config"
            | "lease-database"
            | "option-def"
            | "expired-leases-processing"
            | "control-sockets"
            | "control-socket"
            | "http-headers"
            | "authentication"
            | "dhcp-ddns"
            | "sanity-checks"
            | "config-control"
            | "compatibility"
            | "multi-threading"
            | "server-id" => plain(yang),
            _ => (yang.to_string(), Rule::Unmapped),
        },
        Kind::Leaf(_) | Kind::LeafList { .. } => match (parent, yang) {
            (_, "user-context") => (yang.into(), Rule::JsonText),
            ("hook-library", "parameters") => (yang.into(), Rule::JsonText),
            (_, "dhcp-queue-control") => (yang.into(), Rule::JsonText),
            ("pool", "start-address" | "end-address" | "prefix") => (yang.into(), Rule::ByParent),
            ("pd-pool", "prefix" | "excluded-prefix") => (yang.into(), Rule::ByParent),
            ("host", "identifier-type" | "identifier") => (yang.into(), Rule::ByParent),
            ("lease-database" | "hosts-database" | "config-database", "database-type") => {
                plain("type")
            }
            ("authentication", "auth-type") => plain("type"),
            (_, "subnet-4o6-interface") => plain("4o6-interface"),
            (_, "subnet-4o6-interface-id") => plain("4o6-interface-id"),
            (_, "subnet-4o6-subnet") => plain("4o6-subnet"),
            _ => plain(yang),
        },
    }
}
