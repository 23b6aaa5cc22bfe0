//! NUL-safe parsing of data, edit content and operations.
//!
//! yang2 0.18 hands the caller's buffer to C as if it were NUL-terminated;
//! a plain `&str` makes libyang read past its end. Every function here
//! copies the text into a `CString` first (and refuses text that contains a
//! NUL byte, which C would silently treat as the end of input).

use std::ffi::CString;

use yang2::context::Context;
use yang2::data::{Data, DataFormat, DataParserFlags, DataTree, DataValidationFlags};
use yang2::ffi;
use yang2::utils::Binding;

use crate::error::{Result, YangError, YangErrorKind};

/// Copies `text` into a NUL-terminated buffer for libyang.
pub(crate) fn to_cstring(text: &str) -> Result<CString> {
    CString::new(text).map_err(|e| {
        YangError::new(
            YangErrorKind::EmbeddedNul,
            format!("input contains a NUL byte at offset {}", e.nul_position()),
        )
    })
}

/// Parses instance data with explicit libyang flags (the general form of
/// the helpers below).
pub fn parse_data<'a>(
    ctx: &'a Context,
    text: &str,
    format: DataFormat,
    parser: DataParserFlags,
    validation: DataValidationFlags,
) -> Result<DataTree<'a>> {
    let text = to_cstring(text)?;
    Ok(DataTree::parse_string(
        ctx,
        text.as_bytes_with_nul(),
        format,
        parser,
        validation,
    )?)
}

/// Parses and validates a complete configuration datastore (e.g. the
/// content of `running`): unknown nodes and state nodes are errors, and
/// the result is validated as config-only data (mandatory leaves, keys,
/// ranges, ...). Default nodes are added by validation.
pub fn parse_config<'a>(ctx: &'a Context, text: &str, format: DataFormat) -> Result<DataTree<'a>> {
    parse_data(
        ctx,
        text,
        format,
        DataParserFlags::STRICT | DataParserFlags::NO_STATE,
        DataValidationFlags::NO_STATE,
    )
}

/// Parses and validates data including state nodes (e.g. the reply of a
/// `<get>` built by a translator). Only modules with data in the input are
/// validated, so the input need not carry every module's mandatory state
/// (such as `ietf-yang-library`).
pub fn parse_full<'a>(ctx: &'a Context, text: &str, format: DataFormat) -> Result<DataTree<'a>> {
    parse_data(
        ctx,
        text,
        format,
        DataParserFlags::STRICT,
        DataValidationFlags::PRESENT,
    )
}

/// Parses the content of an `<edit-config>` `<config>` element (or any
/// other partial configuration) without validating it.
///
/// Parsing is STRICT, so unknown elements are errors instead of being
/// dropped, and state nodes are refused. NETCONF `operation` attributes
/// (`xmlns:nc="urn:ietf:params:xml:ns:netconf:base:1.0"`,
/// `nc:operation="delete"`) are kept as node metadata named `operation`
/// (module `ietf-netconf`); read them with [`crate::edit_operation`].
/// Validation is left to the caller, after the edit is applied.
pub fn parse_edit<'a>(ctx: &'a Context, text: &str, format: DataFormat) -> Result<DataTree<'a>> {
    parse_data(
        ctx,
        text,
        format,
        DataParserFlags::STRICT | DataParserFlags::NO_VALIDATION | DataParserFlags::NO_STATE,
        DataValidationFlags::empty(),
    )
}

/// Kind of YANG operation parsed by [`parse_op`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpKind {
    /// RPC or action input, e.g. `<get-config xmlns="urn:ietf:params:xml:ns:netconf:base:1.0">…`.
    Rpc,
    /// Notification content, e.g. `<netconf-config-change xmlns=…>…`.
    Notification,
}

/// Parses and validates the body of an RPC (the operation element, without
/// the `<rpc>` envelope) or of a notification.
pub fn parse_op<'a>(
    ctx: &'a Context,
    text: &str,
    format: DataFormat,
    kind: OpKind,
) -> Result<DataTree<'a>> {
    let text = to_cstring(text)?;
    let data_type = match kind {
        OpKind::Rpc => ffi::lyd_type::LYD_TYPE_RPC_YANG,
        OpKind::Notification => ffi::lyd_type::LYD_TYPE_NOTIF_YANG,
    };
    let ctx_raw = raw_context(ctx)?;
    let mut tree: *mut ffi::lyd_node = std::ptr::null_mut();
    let mut ly_in: *mut ffi::ly_in = std::ptr::null_mut();
    // SAFETY: `text` outlives `ly_in` (freed below without freeing the
    // buffer); the out-pointers are valid for writes.
    let ret = unsafe { ffi::ly_in_new_memory(text.as_ptr(), &mut ly_in) };
    if ret != ffi::LY_ERR::LY_SUCCESS {
        return Err(YangError::libyang("cannot create libyang input handle"));
    }
    let ret = unsafe {
        ffi::lyd_parse_op(
            ctx_raw,
            std::ptr::null_mut(),
            ly_in,
            format as u32,
            data_type,
            &mut tree,
            std::ptr::null_mut(),
        )
    };
    unsafe { ffi::ly_in_free(ly_in, 0) };
    // SAFETY: `tree` is null or a tree libyang allocated in `ctx`; the
    // wrapper frees it on drop.
    let tree = unsafe { DataTree::from_raw(ctx, tree) };
    if ret != ffi::LY_ERR::LY_SUCCESS {
        return Err(yang2::Error::new(ctx).into());
    }
    if tree.reference().is_none() {
        return Err(YangError::libyang("no operation found in the input"));
    }
    let ret = unsafe {
        ffi::lyd_validate_op(
            Data::raw(&tree),
            std::ptr::null(),
            data_type,
            std::ptr::null_mut(),
        )
    };
    if ret != ffi::LY_ERR::LY_SUCCESS {
        return Err(yang2::Error::new(ctx).into());
    }
    Ok(tree)
}

/// The raw `ly_ctx` of a context. yang2 does not expose it for a borrowed
/// context, but every module records its context, and a context always
/// holds libyang's internal modules.
pub(crate) fn raw_context(ctx: &Context) -> Result<*mut ffi::ly_ctx> {
    let module = ctx
        .modules(false)
        .next()
        .ok_or_else(|| YangError::libyang("context holds no module"))?;
    // SAFETY: `as_raw` points at a live module of `ctx`.
    Ok(unsafe { (*module.as_raw()).ctx })
}
