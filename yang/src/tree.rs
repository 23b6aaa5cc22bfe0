//! NUL-safe editing and lookup on data trees.
//!
//! yang2 0.18 turns paths and values into C strings with
//! `CString::new(..).unwrap()`, so a NUL byte in data (possible in JSON
//! strings coming from Kea, e.g. `"\u0000"`) would panic. These wrappers
//! check first and return an error instead.

use yang2::data::{Data, DataNodeRef, DataTree};
use yang2::ffi;

use crate::error::{Result, YangError, YangErrorKind};

fn no_nul(what: &str, text: &str) -> Result<()> {
    if text.contains('\0') {
        return Err(YangError::new(
            YangErrorKind::EmbeddedNul,
            format!("{what} contains a NUL byte"),
        ));
    }
    Ok(())
}

/// Creates the node at `path` (with any missing parents), or updates its
/// value if it exists. `value` is the leaf or leaf-list value in its
/// string form; `None` for containers and list entries whose keys are in
/// the path.
pub fn set_path(tree: &mut DataTree<'_>, path: &str, value: Option<&str>) -> Result<()> {
    no_nul("path", path)?;
    if let Some(v) = value {
        no_nul("value", v)?;
    }
    tree.new_path(path, value, false)?;
    Ok(())
}

/// Removes the node at `path` (and its subtree). Error if it does not
/// exist.
pub fn remove_path(tree: &mut DataTree<'_>, path: &str) -> Result<()> {
    no_nul("path", path)?;
    Ok(tree.remove(path)?)
}

/// The node at a data path (`/module:top/list[key='v']/leaf`), or `None`
/// when there is none.
pub fn find_node<'t, 'a>(
    tree: &'t DataTree<'a>,
    path: &str,
) -> Result<Option<DataNodeRef<'t, 'a>>> {
    no_nul("path", path)?;
    if tree.reference().is_none() {
        return Ok(None);
    }
    Ok(tree.find_xpath(path)?.next())
}

/// All nodes an XPath expression selects, in document order.
pub fn find_all<'t, 'a>(tree: &'t DataTree<'a>, xpath: &str) -> Result<Vec<DataNodeRef<'t, 'a>>> {
    no_nul("XPath", xpath)?;
    if tree.reference().is_none() {
        return Ok(Vec::new());
    }
    Ok(tree.find_xpath(xpath)?.collect())
}

/// The data path of a node (`/kea-dhcp4-server:config/subnet4[id='1']`).
///
/// Unlike yang2's `DataNodeRef::path()`, which panics when the path does
/// not fit in 4096 bytes (long key values can do that), the buffer is
/// sized by libyang.
pub fn node_path(node: &DataNodeRef<'_, '_>) -> Result<String> {
    // SAFETY: `as_raw` is a live node; with a NULL buffer libyang returns a
    // malloc'd NUL-terminated string, freed here.
    unsafe {
        let raw = ffi::lyd_path(
            node.as_raw(),
            ffi::LYD_PATH_TYPE::LYD_PATH_STD,
            std::ptr::null_mut(),
            0,
        );
        if raw.is_null() {
            return Err(YangError::libyang("cannot build the data path of a node"));
        }
        let path = std::ffi::CStr::from_ptr(raw).to_string_lossy().into_owned();
        libc::free(raw.cast());
        Ok(path)
    }
}

/// A list key predicate `[name='value']` for building paths, quoting the
/// value with `'` or `"` as needed. libyang paths have no escape syntax,
/// so a value holding both quote characters cannot be addressed by path;
/// that is an error here (create such entries with
/// `DataNodeRef::new_list2`).
pub fn key_predicate(name: &str, value: &str) -> Result<String> {
    no_nul("key value", value)?;
    if !value.contains('\'') {
        Ok(format!("[{name}='{value}']"))
    } else if !value.contains('"') {
        Ok(format!("[{name}=\"{value}\"]"))
    } else {
        Err(YangError::new(
            YangErrorKind::Unsupported,
            format!("key {name} value contains both quote characters: {value}"),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_predicate_quotes() {
        assert_eq!(key_predicate("data", "a b").as_deref(), Ok("[data='a b']"));
        assert_eq!(
            key_predicate("data", "it's").as_deref(),
            Ok("[data=\"it's\"]")
        );
        assert!(key_predicate("data", "'\"").is_err());
        assert!(key_predicate("data", "a\0").is_err());
    }
}
