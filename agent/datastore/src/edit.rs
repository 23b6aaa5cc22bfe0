//! NETCONF `<edit-config>` semantics applied to a libyang tree (RFC 6241
//! §7.2): the job sysrepo's edit engine does for netopeer2.
//!
//! The edit arrives as a data tree whose nodes may carry the base-namespace
//! `operation` annotation (merge, replace, create, delete, remove). Nodes
//! without one inherit their parent's, and the top level inherits the
//! request's `default-operation`.

use kea_yang::EditOperation;
use kea_yang::yang2;
use yang2::data::{Data, DataNodeRef, DataTree};
use yang2::schema::SchemaNodeKind;
use yang2::utils::Binding;

use crate::DatastoreError;

/// RFC 6241 `default-operation`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum DefaultOperation {
    #[default]
    Merge,
    Replace,
    /// Nodes without an `operation` are only paths to their children's.
    None,
}

/// RFC 6241 `error-option`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum ErrorOption {
    /// Stop at the first error. Our edits are atomic, so nothing of the
    /// edit stays applied, which is also what `rollback-on-error` asks for.
    #[default]
    StopOnError,
    /// Apply what can be applied and report every error.
    ContinueOnError,
    RollbackOnError,
}

/// Applies `edit` to `target`. With [`ErrorOption::ContinueOnError`] every
/// failing node is reported and the others applied; otherwise the first
/// error is returned and the caller must drop `target` (it may be half
/// edited — the datastore only ever edits a copy).
pub fn apply_edit(
    target: &mut DataTree<'static>,
    edit: &DataTree<'static>,
    default_operation: DefaultOperation,
    error_option: ErrorOption,
) -> Result<(), Vec<DatastoreError>> {
    let inherited = match default_operation {
        DefaultOperation::Merge => Some(EditOperation::Merge),
        DefaultOperation::Replace => Some(EditOperation::Replace),
        DefaultOperation::None => None,
    };
    let mut errors = Errors {
        list: Vec::new(),
        keep_going: error_option == ErrorOption::ContinueOnError,
    };
    let Some(first) = edit.reference() else {
        return Ok(());
    };
    for node in first.inclusive_siblings() {
        if let Err(e) = apply_node(target, &node, inherited, &mut errors) {
            errors.list.push(e);
        }
        if !errors.keep_going && !errors.list.is_empty() {
            break;
        }
    }
    let errors = errors.list;
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

/// The node's own `operation` annotation, if any.
fn explicit_operation(node: &DataNodeRef<'_, '_>) -> Result<Option<EditOperation>, DatastoreError> {
    kea_yang::edit_operation(node).map_err(|e| DatastoreError::InvalidData {
        message: e.message,
        path: Some(node.path()),
    })
}

/// Errors met so far; with continue-on-error, failures below the top level
/// are collected here and their siblings still applied.
struct Errors {
    list: Vec<DatastoreError>,
    keep_going: bool,
}

fn apply_node(
    target: &mut DataTree<'static>,
    node: &DataNodeRef<'_, 'static>,
    inherited: Option<EditOperation>,
    errors: &mut Errors,
) -> Result<(), DatastoreError> {
    // `None` is the default operation "none": no change at this node.
    let op = explicit_operation(node)?.or(inherited);
    let path = node.path();
    let exists = node_exists(target, &path);
    match op {
        Some(EditOperation::Create) => {
            if exists {
                return Err(DatastoreError::DataExists { path });
            }
            insert_subtree(target, node)
        }
        Some(EditOperation::Delete) => {
            if !exists {
                return Err(DatastoreError::DataMissing { path });
            }
            remove_node(target, &path)
        }
        Some(EditOperation::Remove) => {
            if exists {
                remove_node(target, &path)?;
            }
            Ok(())
        }
        Some(EditOperation::Replace) => {
            if exists {
                remove_node(target, &path)?;
            }
            insert_subtree(target, node)
        }
        Some(EditOperation::Merge) | None => match node.schema().kind() {
            SchemaNodeKind::Leaf | SchemaNodeKind::LeafList => {
                if op == Some(EditOperation::Merge) {
                    set_term(target, node)?;
                }
                Ok(())
            }
            SchemaNodeKind::Container | SchemaNodeKind::List => {
                if op == Some(EditOperation::Merge) && plain_below(node) {
                    return merge_subtree(target, node);
                }
                if op == Some(EditOperation::Merge) && !exists {
                    new_node(target, &path, None)?;
                }
                for child in node.children() {
                    if child.schema().is_list_key() {
                        continue;
                    }
                    if let Err(e) = apply_node(target, &child, op, errors) {
                        if !errors.keep_going {
                            return Err(e);
                        }
                        errors.list.push(e);
                    }
                }
                Ok(())
            }
            other => Err(unsupported_kind(&path, other)),
        },
    }
}

/// True when no node below `node` carries an annotation, so the subtree
/// can be merged whole instead of node by node.
fn plain_below(node: &DataNodeRef<'_, 'static>) -> bool {
    node.traverse().skip(1).all(|n| n.meta().next().is_none())
}

/// Merges `node`'s subtree, with its ancestors and without any metadata
/// (the edit's own `operation` annotations must not land in a datastore),
/// into `target` in one libyang call.
fn merge_subtree(
    target: &mut DataTree<'static>,
    node: &DataNodeRef<'_, 'static>,
) -> Result<(), DatastoreError> {
    use yang2::ffi;
    let context = target.context();
    let mut dup: *mut ffi::lyd_node = std::ptr::null_mut();
    let flags = ffi::LYD_DUP_RECURSIVE | ffi::LYD_DUP_NO_META | ffi::LYD_DUP_WITH_PARENTS;
    // SAFETY: `node` is a live node of the edit tree; on success libyang
    // returns a new tree (the copy of `node` linked under copies of its
    // ancestors) that we own and hand to a DataTree rooted at its top.
    let copy = unsafe {
        if ffi::lyd_dup_single(node.as_raw(), std::ptr::null_mut(), flags, &mut dup)
            != ffi::LY_ERR::LY_SUCCESS
        {
            return Err(DatastoreError::invalid(yang2::Error::new(context)));
        }
        let mut top = dup;
        while !(*top).parent.is_null() {
            top = (*top).parent as *mut ffi::lyd_node;
        }
        DataTree::from_raw(context, top)
    };
    target.merge(&copy).map_err(DatastoreError::invalid)
}

/// Creates `node` and its whole subtree in `target` (create / replace).
/// Descendants marked delete/remove have nothing to act on in a fresh
/// subtree and are skipped.
fn insert_subtree(
    target: &mut DataTree<'static>,
    node: &DataNodeRef<'_, 'static>,
) -> Result<(), DatastoreError> {
    if plain_below(node) {
        return merge_subtree(target, node);
    }
    match node.schema().kind() {
        SchemaNodeKind::Leaf | SchemaNodeKind::LeafList => set_term(target, node),
        SchemaNodeKind::Container | SchemaNodeKind::List => {
            let path = node.path();
            if !node_exists(target, &path) {
                new_node(target, &path, None)?;
            }
            for child in node.children() {
                if child.schema().is_list_key() {
                    continue;
                }
                match explicit_operation(&child)? {
                    Some(EditOperation::Delete | EditOperation::Remove) => continue,
                    _ => insert_subtree(target, &child)?,
                }
            }
            Ok(())
        }
        other => Err(unsupported_kind(&node.path(), other)),
    }
}

fn set_term(
    target: &mut DataTree<'static>,
    node: &DataNodeRef<'_, 'static>,
) -> Result<(), DatastoreError> {
    let value = node.value_canonical();
    new_node(target, &node.path(), value.as_deref())
}

fn new_node(
    target: &mut DataTree<'static>,
    path: &str,
    value: Option<&str>,
) -> Result<(), DatastoreError> {
    target
        .new_path(path, value, false)
        .map(|_| ())
        .map_err(DatastoreError::invalid)
}

fn unsupported_kind(path: &str, kind: SchemaNodeKind) -> DatastoreError {
    DatastoreError::NotSupported(format!("editing {kind:?} nodes is not supported ({path})"))
}

/// True when `path` names an existing node of `tree`.
pub(crate) fn node_exists(tree: &DataTree<'static>, path: &str) -> bool {
    tree.reference().is_some() && tree.find_path(path).is_ok()
}

/// Removes the node at `path` (and its subtree) from `tree`.
///
/// yang2 0.18's own `remove` frees the node it finds, which leaves the
/// tree's handle dangling when that node is the first top-level one; here
/// that case re-roots the tree on the next sibling first.
pub(crate) fn remove_node(tree: &mut DataTree<'static>, path: &str) -> Result<(), DatastoreError> {
    let Some(first) = tree.reference().map(|n| n.as_raw()) else {
        return Ok(());
    };
    let target = match tree.find_path(path) {
        Ok(node) => node.as_raw(),
        Err(_) => return Ok(()),
    };
    if target != first {
        return tree.remove(path).map_err(DatastoreError::invalid);
    }
    let context = tree.context();
    let raw = std::mem::replace(tree, DataTree::new(context)).into_raw();
    // SAFETY: `raw` is the first top-level node of a tree we own (taken out
    // of `tree` above); `next` is its next sibling or null. After the free,
    // the remaining siblings form a valid tree rooted at `next`.
    unsafe {
        let next = (*raw).next;
        yang2::ffi::lyd_free_tree(raw);
        *tree = DataTree::from_raw(context, next);
    }
    Ok(())
}
