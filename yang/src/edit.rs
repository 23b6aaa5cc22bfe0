//! NETCONF edit operations carried as node metadata, and validation.

use std::ffi::CStr;

use yang2::data::{DataNodeRef, DataTree, DataValidationFlags};
use yang2::ffi;

use crate::error::{Result, YangError, YangErrorKind};

/// Namespace of the NETCONF base protocol, where the `operation`
/// annotation lives.
pub const NETCONF_BASE_NS: &str = "urn:ietf:params:xml:ns:netconf:base:1.0";

/// The `operation` attribute of `<edit-config>` content (RFC 6241 §7.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EditOperation {
    /// `merge`
    Merge,
    /// `replace`
    Replace,
    /// `create` (error if the node exists)
    Create,
    /// `delete` (error if the node is missing)
    Delete,
    /// `remove` (no error if the node is missing)
    Remove,
}

impl EditOperation {
    /// Parses the attribute value.
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "merge" => Some(EditOperation::Merge),
            "replace" => Some(EditOperation::Replace),
            "create" => Some(EditOperation::Create),
            "delete" => Some(EditOperation::Delete),
            "remove" => Some(EditOperation::Remove),
            _ => None,
        }
    }

    /// The attribute value.
    pub fn name(self) -> &'static str {
        match self {
            EditOperation::Merge => "merge",
            EditOperation::Replace => "replace",
            EditOperation::Create => "create",
            EditOperation::Delete => "delete",
            EditOperation::Remove => "remove",
        }
    }
}

/// The NETCONF operation set on this node itself (not inherited from a
/// parent), as kept by [`crate::parse_edit`]. libyang's own diff metadata,
/// which is also named `operation`, is not mistaken for it.
pub fn edit_operation(node: &DataNodeRef<'_, '_>) -> Result<Option<EditOperation>> {
    match meta_value(node, "ietf-netconf", "operation") {
        None => Ok(None),
        Some(value) => EditOperation::from_name(&value).map(Some).ok_or_else(|| {
            YangError::new(
                YangErrorKind::Unsupported,
                format!("unknown edit operation '{value}'"),
            )
        }),
    }
}

/// Value of the metadata `module:name` on this node, e.g.
/// `("ietf-netconf", "type")` / `("ietf-netconf", "select")` on a parsed
/// `<filter>`, or `("yang", "operation")` in a diff.
pub fn meta_value(node: &DataNodeRef<'_, '_>, module: &str, name: &str) -> Option<String> {
    node.meta()
        .find(|m| m.name() == name && meta_module(m) == Some(module))
        .map(|m| m.value().to_string())
}

/// Whether the node is an `anyxml`/`anydata` node (such as `<filter>` or
/// `<config>` in a parsed NETCONF operation).
///
/// Call this before `DataNodeRef::schema()` or `value()`: yang2 0.18
/// panics ("unknown node type") on the schema of an anyxml node.
pub fn is_any_node(node: &DataNodeRef<'_, '_>) -> bool {
    // SAFETY: `as_raw` is a live data node; its schema pointer is null
    // (opaque node) or a compiled schema node.
    unsafe {
        let schema = (*node.as_raw()).schema;
        !schema.is_null() && u32::from((*schema).nodetype) & ffi::LYS_ANYXML != 0
    }
}

/// The content of an anyxml/anydata node as XML text (`None` when the node
/// is empty), e.g. the `<config>` of a parsed `<edit-config>` ready for
/// [`crate::parse_edit`], or a subtree `<filter>`. Attributes and their
/// namespace declarations (such as `nc:operation`) are kept.
pub fn any_content(node: &DataNodeRef<'_, '_>) -> Result<Option<String>> {
    if !is_any_node(node) {
        return Err(YangError::new(
            YangErrorKind::Unsupported,
            format!(
                "{} is not an anyxml or anydata node",
                crate::tree::node_path(node).unwrap_or_default()
            ),
        ));
    }
    let mut text: *mut std::os::raw::c_char = std::ptr::null_mut();
    // SAFETY: the node is an any node (checked above); libyang allocates
    // `text` with malloc, freed below.
    let ret = unsafe { ffi::lyd_any_value_str(node.as_raw(), &mut text) };
    if ret != ffi::LY_ERR::LY_SUCCESS {
        return Err(YangError::libyang(format!(
            "cannot print the content of {}",
            crate::tree::node_path(node).unwrap_or_default()
        )));
    }
    if text.is_null() {
        return Ok(None);
    }
    // SAFETY: libyang returned a NUL-terminated malloc'd string.
    let content = unsafe { CStr::from_ptr(text) }
        .to_string_lossy()
        .into_owned();
    unsafe { libc::free(text.cast()) };
    Ok(Some(content))
}

/// Name of the module that declares a metadata annotation.
fn meta_module<'m>(meta: &'m yang2::data::Metadata<'_, '_>) -> Option<&'m str> {
    // SAFETY: `as_raw` is a live lyd_meta; its annotation and module
    // pointers are owned by the context and outlive the metadata.
    unsafe {
        let raw = meta.as_raw();
        let ann = (*raw).annotation;
        if ann.is_null() || (*ann).module.is_null() {
            return None;
        }
        let name = (*(*ann).module).name;
        if name.is_null() {
            return None;
        }
        CStr::from_ptr(name).to_str().ok()
    }
}

/// Validates a configuration tree (state nodes not allowed), adding
/// default nodes.
pub fn validate_config(tree: &mut DataTree<'_>) -> Result<()> {
    Ok(tree.validate(DataValidationFlags::NO_STATE)?)
}

/// Validates a data tree with configuration and state, checking only the
/// modules that have data in the tree.
pub fn validate_all(tree: &mut DataTree<'_>) -> Result<()> {
    Ok(tree.validate(DataValidationFlags::PRESENT)?)
}
