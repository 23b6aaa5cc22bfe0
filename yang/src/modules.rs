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

/// An implemented module as announced to NETCONF clients.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModuleInfo {
    /// Module name.
    pub name: String,
    /// Revision date, if the module has one.
    pub revision: Option<String>,
    /// XML namespace.
    pub namespace: String,
    /// Enabled features, in definition order.
    pub features: Vec<String>,
}

impl ModuleInfo {
    /// The `<hello>` capability URI (RFC 6020 section 5.6.4):
    /// `namespace?module=name&revision=date&features=a,b`.
    pub fn capability(&self) -> String {
        let mut uri = format!("{}?module={}", self.namespace, self.name);
        if let Some(rev) = &self.revision {
            uri.push_str("&revision=");
            uri.push_str(rev);
        }
        if !self.features.is_empty() {
            uri.push_str("&features=");
            uri.push_str(&self.features.join(","));
        }
        uri
    }
}

/// Every implemented module of the context (ours and libyang's own, such
/// as ietf-yang-library), sorted by name.
pub fn implemented_modules(ctx: &yang2::context::Context) -> Vec<ModuleInfo> {
    let mut out: Vec<ModuleInfo> = ctx
        .modules(false)
        .filter(|m| m.is_implemented())
        .map(|m| ModuleInfo {
            name: m.name().to_string(),
            revision: m.revision().map(str::to_string),
            namespace: m.namespace().to_string(),
            features: enabled_features(&m),
        })
        .collect();
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

fn enabled_features(module: &yang2::schema::SchemaModule<'_>) -> Vec<String> {
    let mut names = Vec::new();
    // SAFETY: the parsed module and its sized feature array live with the
    // context; the item count sits just before the first item.
    unsafe {
        let parsed = (*module.as_raw()).parsed;
        if parsed.is_null() {
            return names;
        }
        let features = (*parsed).features;
        if features.is_null() {
            return names;
        }
        let count = *(features as *const u64).offset(-1) as usize;
        for i in 0..count {
            let f = &*features.add(i);
            if u32::from(f.flags) & yang2::ffi::LYS_FENABLED != 0 && !f.name.is_null() {
                names.push(
                    std::ffi::CStr::from_ptr(f.name)
                        .to_string_lossy()
                        .into_owned(),
                );
            }
        }
    }
    names
}

/// The YANG library capabilities for a NETCONF `<hello>`, as netopeer2
/// announces them: `:yang-library:1.0` (RFC 7895) with the module-set-id
/// and `:yang-library:1.1` (RFC 8526) with the content-id. Both ids are
/// libyang's module-set id, the value [`yang_library_data`] reports, so a
/// client can tell whether its cached copy of the library is current.
/// Empty when `ietf-yang-library` is not implemented in the context.
pub fn yang_library_capabilities(ctx: &yang2::context::Context) -> Vec<String> {
    let Some(module) = ctx.get_module_implemented("ietf-yang-library") else {
        return Vec::new();
    };
    let id = ctx.get_module_set_id();
    let mut caps = vec![format!(
        "urn:ietf:params:netconf:capability:yang-library:1.0?revision=2016-06-21&module-set-id={id}"
    )];
    if let Some(revision) = module.revision() {
        caps.push(format!(
            "urn:ietf:params:netconf:capability:yang-library:1.1?revision={revision}&content-id={id}"
        ));
    }
    caps
}

/// The `ietf-yang-library` (2019-01-04) state data describing the
/// context, for `<get>` of `/ietf-yang-library:yang-library`. The
/// content-id is libyang's module-set id.
pub fn yang_library_data(
    ctx: &yang2::context::Context,
) -> crate::Result<yang2::data::DataTree<'_>> {
    let raw_ctx = crate::parse::raw_context(ctx)?;
    let mut root: *mut yang2::ffi::lyd_node = std::ptr::null_mut();
    // SAFETY: "%u" with one u32 argument, as the printf-style API expects;
    // the tree is handed to DataTree, which frees it.
    let ret = unsafe {
        yang2::ffi::ly_ctx_get_yanglib_data(
            raw_ctx,
            &mut root,
            c"%u".as_ptr(),
            u32::from(ctx.get_module_set_id()),
        )
    };
    let tree =
        unsafe { <yang2::data::DataTree<'_> as yang2::utils::Binding<'_>>::from_raw(ctx, root) };
    if ret != yang2::ffi::LY_ERR::LY_SUCCESS {
        return Err(yang2::Error::new(ctx).into());
    }
    Ok(tree)
}
