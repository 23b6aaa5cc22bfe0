//! Per-node schema facts, for comparing two compiled schemas.
//!
//! [`module_facts`] lists every schema node of an implemented module
//! (data, RPC and notification trees, choices and cases included) with the
//! properties that decide what instance data is valid and how it is
//! printed: kind, config/state, the resolved type with its restrictions,
//! keys, ordering, default, mandatory, presence, units, and the order of
//! siblings. Descriptions are deliberately left out.

use std::ffi::CStr;
use std::fmt::Write as _;
use std::os::raw::c_char;

use yang2::context::Context;
use yang2::ffi;
use yang2::schema::{SchemaNode, SchemaNodeKind, SchemaPathFormat};
use yang2::utils::Binding;

use crate::error::{Result, YangError, YangErrorKind};

/// Schema facts of one node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeFacts {
    /// Schema path with choices and cases (`/m:a/b/(choice)/(case)/c` as
    /// libyang writes it for logs).
    pub path: String,
    /// `container`, `list`, `leaf`, ... plus ` presence` for presence
    /// containers.
    pub kind: String,
    /// `rw`, `ro`, `input`, `output` or `notif`.
    pub config: &'static str,
    /// Type description for leaves and leaf-lists: base type, typedef name,
    /// ranges/lengths, patterns, enum values, fraction digits, union
    /// members, leafref targets, identity bases; empty otherwise.
    pub type_info: String,
    /// Other properties, `;`-separated (keys, ordered-by, default,
    /// mandatory, units, min/max-elements, number of must/when).
    pub properties: String,
    /// Position among the siblings of its parent.
    pub position: usize,
}

impl NodeFacts {
    /// Everything except the path, for printing differences.
    pub fn summary(&self) -> String {
        format!(
            "{} {} [{}] {{{}}} #{}",
            self.kind, self.config, self.type_info, self.properties, self.position
        )
    }
}

/// Lists the schema nodes of module `name` (its latest revision in `ctx`),
/// in depth-first order.
///
/// Walks libyang's compiled tree directly: yang2 0.18 panics when it meets
/// an `anyxml` node (as in ietf-netconf's operations), so such nodes are
/// described here without going through `yang2::schema::SchemaNode`.
pub fn module_facts(ctx: &Context, name: &str) -> Result<Vec<NodeFacts>> {
    if name.contains('\0') {
        return Err(YangError::new(
            YangErrorKind::EmbeddedNul,
            "module name contains NUL",
        ));
    }
    let module = ctx.get_module_latest(name).ok_or_else(|| {
        YangError::new(
            YangErrorKind::UnknownModule,
            format!("module {name} is not in the context"),
        )
    })?;
    let mut out = Vec::new();
    // SAFETY: the compiled module and its nodes live as long as `ctx`.
    unsafe {
        let compiled = (*module.as_raw()).compiled;
        if compiled.is_null() {
            return Ok(out); // imported only: no compiled data
        }
        let mut pos = 0;
        for first in [
            (*compiled).data as *const ffi::lysc_node,
            (*compiled).rpcs as *const ffi::lysc_node,
            (*compiled).notifs as *const ffi::lysc_node,
        ] {
            let mut node = first;
            while !node.is_null() {
                walk(ctx, node, pos, &mut out);
                pos += 1;
                node = (*node).next;
            }
        }
    }
    Ok(out)
}

/// # Safety
/// `node` must be a compiled node of `ctx`.
unsafe fn walk(
    ctx: &Context,
    node: *const ffi::lysc_node,
    position: usize,
    out: &mut Vec<NodeFacts>,
) {
    // SAFETY: per the contract; child pointers come from libyang.
    unsafe {
        if u32::from((*node).nodetype) == ffi::LYS_ANYXML {
            out.push(anyxml_facts(node, position));
            return;
        }
        let snode = SchemaNode::from_raw(ctx, node as *mut ffi::lysc_node);
        out.push(facts(&snode, position));
        let mut child = ffi::lysc_node_child(node);
        let mut pos = 0;
        while !child.is_null() {
            walk(ctx, child, pos, out);
            pos += 1;
            child = (*child).next;
        }
    }
}

/// Facts of an anyxml node (which has no type and no children).
///
/// # Safety
/// `node` must be a compiled anyxml node of a live context.
unsafe fn anyxml_facts(node: *const ffi::lysc_node, position: usize) -> NodeFacts {
    // SAFETY: per the contract.
    unsafe {
        let mut buf = vec![0 as c_char; 4096];
        let path = if ffi::lysc_path(
            node,
            ffi::LYSC_PATH_TYPE::LYSC_PATH_LOG,
            buf.as_mut_ptr(),
            buf.len(),
        )
        .is_null()
        {
            String::new()
        } else {
            cstr(buf.as_ptr())
        };
        let mut config = if u32::from((*node).flags) & ffi::LYS_CONFIG_W != 0 {
            "rw"
        } else {
            "ro"
        };
        let mut parent = (*node).parent as *const ffi::lysc_node;
        while !parent.is_null() {
            match u32::from((*parent).nodetype) {
                ffi::LYS_INPUT => config = "input",
                ffi::LYS_OUTPUT => config = "output",
                ffi::LYS_NOTIF => config = "notif",
                _ => {}
            }
            if config != "rw" && config != "ro" {
                break;
            }
            parent = (*parent).parent;
        }
        let flags = u32::from((*node).flags);
        let mut props = Vec::new();
        if flags & ffi::LYS_MAND_TRUE != 0 {
            props.push("mandatory".to_string());
        }
        if flags & ffi::LYS_STATUS_DEPRC != 0 {
            props.push("status=deprecated".to_string());
        }
        NodeFacts {
            path,
            kind: "anyxml".to_string(),
            config,
            type_info: String::new(),
            properties: props.join("; "),
            position,
        }
    }
}

fn kind_name(kind: SchemaNodeKind) -> &'static str {
    match kind {
        SchemaNodeKind::Container => "container",
        SchemaNodeKind::Case => "case",
        SchemaNodeKind::Choice => "choice",
        SchemaNodeKind::Leaf => "leaf",
        SchemaNodeKind::LeafList => "leaf-list",
        SchemaNodeKind::List => "list",
        SchemaNodeKind::AnyData => "anydata",
        SchemaNodeKind::Rpc => "rpc",
        SchemaNodeKind::Input => "input",
        SchemaNodeKind::Output => "output",
        SchemaNodeKind::Action => "action",
        SchemaNodeKind::Notification => "notification",
    }
}

fn facts(node: &SchemaNode<'_>, position: usize) -> NodeFacts {
    let kind = node.kind();
    let mut kind_text = kind_name(kind).to_string();
    if kind == SchemaNodeKind::Container && !node.is_np_container() {
        kind_text.push_str(" presence");
    }
    let config = if node.is_within_notification() {
        "notif"
    } else if node.is_within_input() {
        "input"
    } else if node.is_within_output() {
        "output"
    } else if node.is_config() {
        "rw"
    } else {
        "ro"
    };

    let mut props = Vec::new();
    if kind == SchemaNodeKind::List {
        let keys = list_key_names(node);
        props.push(format!("key={}", keys.join(" ")));
    }
    if node.is_list_key() {
        props.push("key-leaf".to_string());
    }
    if matches!(kind, SchemaNodeKind::List | SchemaNodeKind::LeafList) && node.is_user_ordered() {
        props.push("ordered-by=user".to_string());
    }
    if matches!(kind, SchemaNodeKind::Leaf)
        && node.has_default()
        && let Some(d) = node.default_value_canonical()
    {
        props.push(format!("default={d}"));
    }
    if matches!(kind, SchemaNodeKind::LeafList) && node.has_default() {
        props.push("default=(leaf-list)".to_string());
    }
    if matches!(kind, SchemaNodeKind::Choice)
        && let Some(case) = node.default_case()
    {
        props.push(format!("default={}", case.name()));
    }
    if node.is_mandatory() && !node.is_list_key() {
        props.push("mandatory".to_string());
    }
    if let Some(u) = node.units() {
        props.push(format!("units={u}"));
    }
    if matches!(kind, SchemaNodeKind::List | SchemaNodeKind::LeafList) {
        if let Some(n) = node.min_elements().filter(|n| *n > 0) {
            props.push(format!("min-elements={n}"));
        }
        if let Some(n) = node.max_elements().filter(|n| *n != u32::MAX) {
            props.push(format!("max-elements={n}"));
        }
    }
    let musts = node.musts().map(|m| m.count()).unwrap_or(0);
    if musts > 0 {
        props.push(format!("musts={musts}"));
    }
    let whens = node.whens().count();
    if whens > 0 {
        props.push(format!("whens={whens}"));
    }
    if node.is_status_deprecated() {
        props.push("status=deprecated".to_string());
    }
    if node.is_status_obsolete() {
        props.push("status=obsolete".to_string());
    }

    let type_info = match node.leaf_type() {
        // SAFETY: the type belongs to a compiled node of a live context.
        Some(t) => unsafe { describe_type(t.as_raw()) },
        None => String::new(),
    };

    NodeFacts {
        path: node.path(SchemaPathFormat::LOG),
        kind: kind_text,
        config,
        type_info,
        properties: props.join("; "),
        position,
    }
}

/// Names of a list's keys, read from the compiled children directly so an
/// anyxml child cannot trip yang2.
fn list_key_names(list: &SchemaNode<'_>) -> Vec<String> {
    let mut keys = Vec::new();
    // SAFETY: `list` is a compiled list of a live context.
    unsafe {
        let mut child = ffi::lysc_node_child(list.as_raw());
        while !child.is_null() {
            if u32::from((*child).flags) & ffi::LYS_KEY != 0 {
                keys.push(cstr((*child).name));
            }
            child = (*child).next;
        }
    }
    keys
}

/// Number of items of a libyang sized array (the count sits just before
/// the first item).
unsafe fn array_count<T>(array: *const T) -> usize {
    if array.is_null() {
        0
    } else {
        // SAFETY: libyang sized arrays store a u64 count before item 0.
        unsafe { *(array as *const u64).offset(-1) as usize }
    }
}

unsafe fn cstr(p: *const c_char) -> String {
    if p.is_null() {
        String::new()
    } else {
        // SAFETY: libyang strings are NUL-terminated and live with the context.
        unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned()
    }
}

fn base_name(base: u32) -> String {
    use ffi::LY_DATA_TYPE as T;
    let name = match base {
        T::LY_TYPE_BINARY => "binary",
        T::LY_TYPE_UINT8 => "uint8",
        T::LY_TYPE_UINT16 => "uint16",
        T::LY_TYPE_UINT32 => "uint32",
        T::LY_TYPE_UINT64 => "uint64",
        T::LY_TYPE_STRING => "string",
        T::LY_TYPE_BITS => "bits",
        T::LY_TYPE_BOOL => "boolean",
        T::LY_TYPE_DEC64 => "decimal64",
        T::LY_TYPE_EMPTY => "empty",
        T::LY_TYPE_ENUM => "enumeration",
        T::LY_TYPE_IDENT => "identityref",
        T::LY_TYPE_INST => "instance-identifier",
        T::LY_TYPE_LEAFREF => "leafref",
        T::LY_TYPE_UNION => "union",
        T::LY_TYPE_INT8 => "int8",
        T::LY_TYPE_INT16 => "int16",
        T::LY_TYPE_INT32 => "int32",
        T::LY_TYPE_INT64 => "int64",
        _ => return format!("type#{base}"),
    };
    name.to_string()
}

unsafe fn describe_range(range: *const ffi::lysc_range, signed: bool) -> String {
    if range.is_null() {
        return String::new();
    }
    // SAFETY: `range` is a live compiled range; `parts` is a sized array.
    unsafe {
        let parts = (*range).parts;
        let n = array_count(parts);
        let mut s = String::new();
        for i in 0..n {
            let p = &*parts.add(i);
            if i > 0 {
                s.push('|');
            }
            if signed {
                let _ = write!(
                    s,
                    "{}..{}",
                    p.__bindgen_anon_1.min_64, p.__bindgen_anon_2.max_64
                );
            } else {
                let _ = write!(
                    s,
                    "{}..{}",
                    p.__bindgen_anon_1.min_u64, p.__bindgen_anon_2.max_u64
                );
            }
        }
        s
    }
}

/// Describes a compiled type with its restrictions.
///
/// # Safety
/// `t` must point at a compiled type of a live context.
unsafe fn describe_type(t: *const ffi::lysc_type) -> String {
    use ffi::LY_DATA_TYPE as T;
    // SAFETY: the casts follow `basetype`, as libyang's own code does.
    unsafe {
        let base = (*t).basetype;
        let mut s = base_name(base);
        let tname = cstr((*t).name);
        if !tname.is_empty() {
            let _ = write!(s, " typedef={tname}");
        }
        match base {
            T::LY_TYPE_INT8 | T::LY_TYPE_INT16 | T::LY_TYPE_INT32 | T::LY_TYPE_INT64 => {
                let r = describe_range((*(t as *const ffi::lysc_type_num)).range, true);
                if !r.is_empty() {
                    let _ = write!(s, " range={r}");
                }
            }
            T::LY_TYPE_UINT8 | T::LY_TYPE_UINT16 | T::LY_TYPE_UINT32 | T::LY_TYPE_UINT64 => {
                let r = describe_range((*(t as *const ffi::lysc_type_num)).range, false);
                if !r.is_empty() {
                    let _ = write!(s, " range={r}");
                }
            }
            T::LY_TYPE_DEC64 => {
                let d = &*(t as *const ffi::lysc_type_dec);
                let _ = write!(s, " fraction-digits={}", d.fraction_digits);
                let r = describe_range(d.range, true);
                if !r.is_empty() {
                    let _ = write!(s, " range={r}");
                }
            }
            T::LY_TYPE_STRING => {
                let st = &*(t as *const ffi::lysc_type_str);
                let r = describe_range(st.length, false);
                if !r.is_empty() {
                    let _ = write!(s, " length={r}");
                }
                for i in 0..array_count(st.patterns) {
                    let p = *st.patterns.add(i);
                    let inverted = if (*p).inverted() != 0 { "!" } else { "" };
                    let _ = write!(s, " pattern={inverted}{}", cstr((*p).expr));
                }
            }
            T::LY_TYPE_BINARY => {
                let r = describe_range((*(t as *const ffi::lysc_type_bin)).length, false);
                if !r.is_empty() {
                    let _ = write!(s, " length={r}");
                }
            }
            T::LY_TYPE_ENUM => {
                let e = &*(t as *const ffi::lysc_type_enum);
                let items: Vec<String> = (0..array_count(e.enums))
                    .map(|i| {
                        let it = &*e.enums.add(i);
                        format!("{}={}", cstr(it.name), it.__bindgen_anon_1.value)
                    })
                    .collect();
                let _ = write!(s, " enum={}", items.join("|"));
            }
            T::LY_TYPE_BITS => {
                let b = &*(t as *const ffi::lysc_type_bits);
                let items: Vec<String> = (0..array_count(b.bits))
                    .map(|i| {
                        let it = &*b.bits.add(i);
                        format!("{}={}", cstr(it.name), it.__bindgen_anon_1.position)
                    })
                    .collect();
                let _ = write!(s, " bits={}", items.join("|"));
            }
            T::LY_TYPE_UNION => {
                let u = &*(t as *const ffi::lysc_type_union);
                let members: Vec<String> = (0..array_count(u.types))
                    .map(|i| describe_type(*u.types.add(i)))
                    .collect();
                let _ = write!(s, " union=({})", members.join(", "));
            }
            T::LY_TYPE_LEAFREF => {
                let l = &*(t as *const ffi::lysc_type_leafref);
                let _ = write!(
                    s,
                    " path={} require-instance={} real=({})",
                    cstr(ffi::lyxp_get_expr(l.path)),
                    l.require_instance,
                    describe_type(l.realtype)
                );
            }
            T::LY_TYPE_IDENT => {
                let id = &*(t as *const ffi::lysc_type_identityref);
                let bases: Vec<String> = (0..array_count(id.bases))
                    .map(|i| {
                        let b = *id.bases.add(i);
                        format!("{}:{}", cstr((*(*b).module).name), cstr((*b).name))
                    })
                    .collect();
                let _ = write!(s, " bases={}", bases.join(","));
            }
            T::LY_TYPE_INST => {
                let i = &*(t as *const ffi::lysc_type_instanceid);
                let _ = write!(s, " require-instance={}", i.require_instance);
            }
            _ => {}
        }
        s
    }
}
