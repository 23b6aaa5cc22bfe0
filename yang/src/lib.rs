//! The project's YANG modules and the one libyang context built from them.
//!
//! The modules in `yang/modules/` are compiled into the binary: Kea's
//! `kea-types`, `kea-dhcp-types`, `kea-dhcp4-server`, `kea-dhcp6-server`;
//! the `ietf-dhcpv6-types/-options/-server` draft family (2018-09-04) and
//! `ietf-interfaces`; and the NETCONF support modules (`ietf-netconf`
//! 2013-09-29 with the `operation`/`type`/`select` annotations,
//! `ietf-netconf-with-defaults`, `ietf-netconf-monitoring`,
//! `ietf-netconf-notifications`, `notifications`). They are written by
//! this project and are schema-compatible with ISC's / the RFCs' modules of
//! the same names and revisions (checked node by node in `tests/`).
//!
//! API in short:
//! * [`context()`] / [`try_context()`]: the process-wide
//!   `Arc<yang2::context::Context>`; [`new_context()`] builds another one.
//!   [`MODULES`] lists the modules and their enabled features
//!   ([`NETCONF_FEATURES`] for ietf-netconf).
//! * Parsing, all NUL-safe: [`parse_config`] (validated config datastore),
//!   [`parse_full`] (config + state), [`parse_edit`] (edit-config content:
//!   STRICT, keeps `nc:operation`), [`parse_op`] (RPC / notification
//!   bodies, validated), [`parse_data`] (explicit flags).
//! * Nodes: [`edit_operation`], [`meta_value`], [`is_any_node`],
//!   [`any_content`] (XML text of an anyxml such as `<config>`/`<filter>`).
//! * Building and querying, NUL-safe: [`set_path`], [`remove_path`],
//!   [`find_node`], [`find_all`], [`key_predicate`], [`node_path`].
//! * [`validate_config`] / [`validate_all`].
//! * Printing: [`print_tree`], [`print_tree_compact`], [`print_node`] with a
//!   [`WithDefaults`] mode (RFC 6243 namespace for the `default` tag).
//! * Diffs: [`diff()`], [`changes`], [`diff::is_empty`].
//! * [`module_source`] for `<get-schema>`; [`implemented_modules`] and
//!   [`ModuleInfo::capability`] for `<hello>`; [`yang_library_data`] for
//!   `/ietf-yang-library:yang-library` (and `/modules-state`),
//!   [`yang_library_capabilities`] for the `<hello>`; [`schema_facts`] for comparing
//!   compiled schemas.
//! * Errors: [`YangError`] carries libyang's message and data path.
//!
//! yang2 0.18 pitfalls these helpers avoid (keep them in mind when using
//! yang2 directly; it is re-exported as [`yang2`]):
//! * `parse_string`/`parse_op_string` read past an unterminated buffer;
//! * paths and values with a NUL byte make it panic;
//! * `SchemaNode` (and so `DataNodeRef::schema()`, `value()`,
//!   `value_canonical()`, `is_default()`) panics on `anyxml` nodes: check
//!   [`is_any_node`] first;
//! * `DataNodeRef::path()` panics on paths over 4096 bytes: use
//!   [`node_path`];
//! * `SchemaNode::default_value_canonical` dereferences NULL when the leaf
//!   has no default: check `has_default()` first.

pub mod context;
pub mod diff;
pub mod edit;
pub mod error;
pub mod modules;
pub mod parse;
pub mod print;
pub mod schema_facts;
pub mod tree;

pub use yang2;

pub use crate::context::{context, new_context, try_context};
pub use crate::diff::{Change, ChangeOp, changes, diff};
pub use crate::edit::{
    EditOperation, NETCONF_BASE_NS, any_content, edit_operation, is_any_node, meta_value,
    validate_all, validate_config,
};
pub use crate::error::{Result, YangError, YangErrorKind};
pub use crate::modules::{
    EmbeddedModule, MODULES, ModuleInfo, NETCONF_FEATURES, embedded_module, implemented_modules,
    module_source, yang_library_capabilities, yang_library_data,
};
pub use crate::parse::{OpKind, parse_config, parse_data, parse_edit, parse_full, parse_op};
pub use crate::print::{WithDefaults, print_node, print_tree, print_tree_compact};
pub use crate::tree::{find_all, find_node, key_predicate, node_path, remove_path, set_path};
