//! NETCONF edit operations carried as node metadata, and validation.

use std::ffi::CStr;

use yang2::data::{DataNodeRef, DataTree, DataValidationFlags};

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
    for meta in node.meta() {
        if meta.name() != "operation" || meta_module(&meta) != Some("ietf-netconf") {
            continue;
        }
        return EditOperation::from_name(meta.value())
            .map(Some)
            .ok_or_else(|| {
                YangError::new(
                    YangErrorKind::Unsupported,
                    format!("unknown edit operation '{}'", meta.value()),
                )
            });
    }
    Ok(None)
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
