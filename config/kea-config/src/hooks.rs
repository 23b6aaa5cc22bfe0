//! `hooks-libraries`: Kea's C++ hook libraries cannot be loaded here; their features are
//! built in or missing. Entries are resolved by file name against ARM §17.4's table.
//!
//! Parsing keeps every entry (so every example config parses); servers call
//! [`check_hooks_supported`] at load time to reject libraries we do not implement.

use crate::element::{Element, Position};
use crate::error::{ConfigError, ErrorKind};
use crate::model::read::Reader;

/// A hook library Kea ships (ARM §17.4).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KnownHook {
    /// File name, e.g. `libdhcp_lease_cmds.so`.
    pub file: &'static str,
    /// Human-readable name from the ARM table.
    pub name: &'static str,
    /// True if this implementation provides the feature without loading anything.
    pub built_in: bool,
}

const fn hook(file: &'static str, name: &'static str, built_in: bool) -> KnownHook {
    KnownHook {
        file,
        name,
        built_in,
    }
}

/// ARM §17.4's table (plus the `libca_rbac.so` alias). The command libraries are built in:
/// their commands are always registered.
pub const KNOWN_HOOKS: &[KnownHook] = &[
    hook("libdhcp_bootp.so", "BOOTP", false),
    hook(
        "libdhcp_cb_cmds.so",
        "Configuration Backend Commands",
        false,
    ),
    hook("libdhcp_class_cmds.so", "Class Commands", false),
    hook("libdhcp_ddns_tuning.so", "DDNS Tuning", false),
    hook("libdhcp_flex_id.so", "Flexible Identifier", false),
    hook("libdhcp_flex_option.so", "Flexible Option", false),
    hook("libddns_gss_tsig.so", "GSS-TSIG", false),
    hook("libdhcp_ha.so", "High Availability", false),
    hook("libdhcp_host_cache.so", "Host Cache", false),
    hook("libdhcp_host_cmds.so", "Host Commands", true),
    hook("libdhcp_lease_cmds.so", "Lease Commands", true),
    hook("libdhcp_lease_query.so", "Leasequery", false),
    hook("libdhcp_legal_log.so", "Forensic Logging", false),
    hook("libdhcp_limits.so", "Limits", false),
    hook("libdhcp_mysql.so", "MySQL Backend", false),
    hook("libdhcp_perfmon.so", "Performance Monitoring", false),
    hook("libdhcp_ping_check.so", "Ping Check", false),
    hook("libdhcp_pgsql.so", "PostgreSQL Backend", false),
    hook("libdhcp_radius.so", "RADIUS", false),
    hook("libdhcp_rbac.so", "Role-Based Access Control", false),
    hook("libca_rbac.so", "Role-Based Access Control", false),
    hook("libdhcp_run_script.so", "Run Script", false),
    hook("libdhcp_stat_cmds.so", "Statistics Commands", true),
    hook("libdhcp_subnet_cmds.so", "Subnet Commands", true),
    hook("libdhcp_user_chk.so", "User Check", false),
];

/// Looks up a library path by its file name (`/usr/lib/kea/hooks/libdhcp_ha.so` → HA).
pub fn known_hook(library: &str) -> Option<&'static KnownHook> {
    let base = library.rsplit('/').next().unwrap_or(library);
    KNOWN_HOOKS.iter().find(|h| h.file == base)
}

/// One `hooks-libraries` entry.
#[derive(Clone, Debug, PartialEq)]
pub struct HooksLibrary {
    /// The path as configured.
    pub library: String,
    /// The library's `parameters` map, unvalidated (as in Kea).
    pub parameters: Option<Element>,
    /// Where the entry starts.
    pub pos: Position,
}

impl HooksLibrary {
    pub(crate) fn read(e: &Element) -> Result<Self, ConfigError> {
        let r = Reader::new(e, "hooks-libraries")?;
        let library: String = r.req("library")?;
        if library.trim().is_empty() {
            return Err(ConfigError::validation(
                Some(e.pos.clone()),
                "hooks library configuration error: library name must not be empty".to_string(),
            ));
        }
        Ok(HooksLibrary {
            library,
            parameters: r.get("parameters").cloned(),
            pos: e.pos.clone(),
        })
    }

    /// The Kea library this entry names, if known.
    pub fn known(&self) -> Option<&'static KnownHook> {
        known_hook(&self.library)
    }

    /// True if the feature is built into this implementation.
    pub fn is_built_in(&self) -> bool {
        self.known().is_some_and(|h| h.built_in)
    }
}

/// Rejects unknown libraries and libraries whose features are not built in, naming the
/// library and its position. Servers call this when they load a configuration.
pub fn check_hooks_supported(libraries: &[HooksLibrary]) -> Result<(), ConfigError> {
    for lib in libraries {
        let message = match lib.known() {
            Some(h) if h.built_in => continue,
            Some(h) => format!(
                "hook library '{}' ({}) is not supported: this implementation cannot load Kea hook libraries and does not provide this feature",
                lib.library, h.name
            ),
            None => format!(
                "unknown hook library '{}': this implementation cannot load Kea hook libraries",
                lib.library
            ),
        };
        return Err(ConfigError {
            kind: ErrorKind::UnsupportedHook,
            message,
            pos: Some(lib.pos.clone()),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lib(path: &str) -> HooksLibrary {
        HooksLibrary {
            library: path.into(),
            parameters: None,
            pos: Position::new("f", 3, 4),
        }
    }

    #[test]
    fn resolves_by_basename() {
        assert_eq!(
            known_hook("/usr/lib/kea/hooks/libdhcp_ha.so").map(|h| h.name),
            Some("High Availability")
        );
        assert!(known_hook("libdhcp_lease_cmds.so").is_some_and(|h| h.built_in));
        assert!(known_hook("libfoo.so").is_none());
    }

    #[test]
    fn check_rejects_unbuilt_and_unknown() {
        assert!(
            check_hooks_supported(&[lib("/x/libdhcp_lease_cmds.so"), lib("libdhcp_stat_cmds.so")])
                .is_ok()
        );
        let e = check_hooks_supported(&[lib("/x/libdhcp_ha.so")]).unwrap_err();
        assert_eq!(e.kind, ErrorKind::UnsupportedHook);
        assert!(e.to_string().starts_with(
            "f:3:4: hook library '/x/libdhcp_ha.so' (High Availability) is not supported"
        ));
        let e = check_hooks_supported(&[lib("libnope.so")]).unwrap_err();
        assert!(e.message.contains("unknown hook library 'libnope.so'"));
    }
}
