//! The YANG modules compiled into the binaries, and the features each one
//! gets in the context.

use std::borrow::Cow;

/// One module embedded in the binary.
#[derive(Debug, Clone, Copy)]
pub struct EmbeddedModule {
    /// Module name, e.g. `kea-dhcp4-server`.
    pub name: &'static str,
    /// Revision date, e.g. `2026-06-24`.
    pub revision: &'static str,
    /// The module's YANG text.
    pub source: &'static str,
    /// Features enabled when the module is implemented (`"*"` = all).
    pub features: &'static [&'static str],
    /// Whether the module is implemented (loaded explicitly) or only
    /// imported by others.
    pub implemented: bool,
}

macro_rules! module {
    ($name:literal, $rev:literal, $features:expr, $implemented:expr) => {
        EmbeddedModule {
            name: $name,
            revision: $rev,
            source: include_str!(concat!("../modules/", $name, "@", $rev, ".yang")),
            features: $features,
            implemented: $implemented,
        }
    };
}

/// Features of our ietf-netconf that the NETCONF server implements.
///
/// `candidate` (candidate datastore, commit, discard-changes),
/// `writable-running`, `rollback-on-error`, `validate` and `xpath`
/// (XPath filters). Not enabled: `confirmed-commit`, `startup`, `url`.
pub const NETCONF_FEATURES: &[&str] = &[
    "writable-running",
    "candidate",
    "rollback-on-error",
    "validate",
    "xpath",
];

/// Every embedded module, in load order (imports before importers).
pub static MODULES: &[EmbeddedModule] = &[
    module!("kea-types", "2025-06-25", &[], false),
    module!("kea-dhcp-types", "2026-06-24", &[], false),
    module!("kea-dhcp4-server", "2026-06-24", &[], true),
    module!("kea-dhcp6-server", "2026-06-24", &[], true),
    // ietf-interfaces: no optional features (no IF-MIB, no arbitrary
    // names, no pre-provisioning).
    module!("ietf-interfaces", "2018-02-20", &[], true),
    module!("ietf-dhcpv6-types", "2018-09-04", &[], false),
    // Every option of the draft is available in option sets.
    module!("ietf-dhcpv6-options", "2018-09-04", &["*"], true),
    module!("ietf-dhcpv6-server", "2018-09-04", &[], true),
    // NETCONF support: base protocol with the operation/type/select
    // annotations.
    module!("ietf-netconf", "2013-09-29", NETCONF_FEATURES, true),
    module!("ietf-netconf-with-defaults", "2011-06-01", &[], true),
    module!("ietf-netconf-monitoring", "2010-10-04", &[], true),
    module!("ietf-netconf-notifications", "2012-02-06", &[], true),
    module!("notifications", "2008-07-14", &[], true),
];

/// Looks a module up by name and, optionally, revision.
pub fn embedded_module(name: &str, revision: Option<&str>) -> Option<&'static EmbeddedModule> {
    MODULES
        .iter()
        .find(|m| m.name == name && revision.is_none_or(|r| r == m.revision))
}

/// YANG text of a module for NETCONF `<get-schema>`.
///
/// Our own modules come back as written (with their comments); modules
/// that libyang carries internally (`ietf-inet-types`, `ietf-yang-types`,
/// `ietf-yang-library`, `ietf-datastores`, `ietf-yang-metadata`, ...) are
/// printed from the context. `None` when the module is not in the context.
pub fn module_source(name: &str, revision: Option<&str>) -> Option<Cow<'static, str>> {
    if let Some(m) = embedded_module(name, revision) {
        return Some(Cow::Borrowed(m.source));
    }
    // yang2 panics on names with NUL bytes; such a name cannot exist anyway.
    if name.contains('\0') || revision.is_some_and(|r| r.contains('\0')) {
        return None;
    }
    let ctx = crate::try_context().ok()?;
    let module = match revision {
        Some(rev) => ctx.get_module(name, Some(rev))?,
        None => ctx.get_module_latest(name)?,
    };
    module
        .print_string(
            yang2::schema::SchemaOutputFormat::YANG,
            yang2::schema::SchemaPrinterFlags::empty(),
        )
        .ok()
        .map(Cow::Owned)
}
