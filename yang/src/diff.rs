//! Differences between two data trees, as libyang computes them.

use yang2::data::{Data, DataDiff, DataDiffFlags, DataDiffOp, DataTree};

/// Kind of change in a diff.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeOp {
    /// The node was added.
    Create,
    /// The node was removed.
    Delete,
    /// A leaf value changed, or a user-ordered entry moved.
    Replace,
}

impl From<DataDiffOp> for ChangeOp {
    fn from(op: DataDiffOp) -> Self {
        match op {
            DataDiffOp::Create => ChangeOp::Create,
            DataDiffOp::Delete => ChangeOp::Delete,
            DataDiffOp::Replace => ChangeOp::Replace,
        }
    }
}

use crate::error::Result;

/// Computes the changes that turn `old` into `new`.
///
/// The result is libyang's diff tree (nodes carry `yang:operation`
/// metadata); it can be applied with `DataTree::diff_apply`, reversed with
/// `DataDiff::reverse`, printed with [`crate::print_tree`], or listed with
/// [`changes`]. Default nodes are compared only when `with_defaults` is set.
pub fn diff<'a>(
    old: &DataTree<'a>,
    new: &DataTree<'a>,
    with_defaults: bool,
) -> Result<DataDiff<'a>> {
    let flags = if with_defaults {
        DataDiffFlags::DEFAULTS
    } else {
        DataDiffFlags::empty()
    };
    Ok(old.diff(new, flags)?)
}

/// One entry of a diff.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// What happened to the node.
    pub op: ChangeOp,
    /// Data path of the node, with list keys
    /// (e.g. `/kea-dhcp4-server:config/subnet4[id='1']`).
    pub path: String,
    /// Canonical value of a leaf or leaf-list (the new value for create and
    /// replace, the old value for delete); `None` for inner nodes.
    pub value: Option<String>,
}

/// Lists the changes of a diff in document order.
///
/// Only nodes carrying an explicit operation are listed: a created or
/// deleted container or list entry appears once, its subtree is implied.
/// Moves of user-ordered entries appear as `Replace` of the entry.
pub fn changes(diff: &DataDiff<'_>) -> Result<Vec<Change>> {
    diff.iter()
        .map(|(op, node)| {
            let value = if crate::edit::is_any_node(&node) {
                None
            } else {
                node.value_canonical()
            };
            Ok(Change {
                op: op.into(),
                path: crate::tree::node_path(&node)?,
                value,
            })
        })
        .collect()
}

/// Whether a diff holds no change at all.
pub fn is_empty(diff: &DataDiff<'_>) -> bool {
    Data::raw(diff).is_null()
}
