//! The project's YANG modules and the one libyang context built from them.
//!
//! The modules in `yang/modules/` (Kea's `kea-dhcp4-server`,
//! `kea-dhcp6-server` and their type modules, the `ietf-dhcpv6-*` family,
//! `ietf-interfaces`, and the NETCONF support modules) are compiled into the
//! binary. They are written by this project and are schema-compatible with
//! ISC's modules of the same names and revisions (checked by
//! `tests/isc_compat.rs`).
//!
//! API in short:
//! * [`context()`] / [`try_context()`]: the process-wide
//!   `Arc<yang2::context::Context>`; [`new_context()`] builds another one.
//! * Parsing (all NUL-safe, see [`parse`]): [`parse_config`] (validated
//!   config datastore), [`parse_full`] (config + state), [`parse_edit`]
//!   (edit-config content, STRICT, keeps `nc:operation`), [`parse_op`]
//!   (RPC / notification bodies), [`parse_data`] (explicit flags).
//! * [`edit_operation`] reads the `nc:operation` of a node;
//!   [`validate_config`] / [`validate_all`] validate a tree.
//! * Printing: [`print_tree`], [`print_tree_compact`], [`print_node`] with
//!   a [`WithDefaults`] mode.
//! * Diffs: [`diff()`], [`changes`], [`diff::is_empty`].
//! * Modules: [`MODULES`], [`module_source`] (for `<get-schema>`),
//!   [`schema_facts`] (per-node schema facts, used by the compatibility
//!   test).
//! * Errors: [`YangError`] carries libyang's message and data path.
//!
//! The yang2 types (`DataTree`, `DataFormat`, ...) are re-exported as
//! [`yang2`] so that users depend on one version.

pub mod context;
pub mod diff;
pub mod edit;
pub mod error;
pub mod modules;
pub mod parse;
pub mod print;
pub mod schema_facts;

pub use yang2;

pub use crate::context::{context, new_context, try_context};
pub use crate::diff::{Change, ChangeOp, changes, diff};
pub use crate::edit::{
    EditOperation, NETCONF_BASE_NS, any_content, edit_operation, is_any_node, meta_value,
    validate_all, validate_config,
};
pub use crate::error::{Result, YangError, YangErrorKind};
pub use crate::modules::{
    EmbeddedModule, MODULES, NETCONF_FEATURES, embedded_module, module_source,
};
pub use crate::parse::{OpKind, parse_config, parse_data, parse_edit, parse_full, parse_op};
pub use crate::print::{WithDefaults, print_node, print_tree, print_tree_compact};
