//! Kea JSON → YANG: the data nodes are created from the (normalised) Kea
//! map with libyang's node-creation calls (`lyd_new_inner`,
//! `lyd_new_list3`, `lyd_new_term`), each under its known parent, and the
//! tree is then validated as a whole. libyang's type plugins check each
//! value as it is stored; the final validation checks the rest (must and
//! when, mandatory nodes, leafrefs, duplicates) and adds the defaults, as
//! parsing with validation does.
//!
//! Speed (issue #6: 100,000 reservations in under a second; 0.63 s of CPU
//! in `examples/translate_bench.rs`, from 0.84-0.93 s when libyang parsed
//! RFC 7951 text written from a normalised copy): no text is written and
//! parsed again, the input is normalised map by map as it is read, the
//! children of a node are created last first, the order in which libyang
//! finds their place soonest (see [`Builder::fields`]), and the entries of
//! user-ordered lists are placed after the entry before them (see
//! [`Builder::list`]). libyang's storing of values (its string dictionary,
//! the patterns of `inet` types), placing of nodes and the final
//! validation (~0.2 s) are most of what remains.
//!
//! Not done: giving IPv4 addresses to libyang in binary form skips the
//! pattern and the dictionary (-0.05 s here), but libyang then makes
//! their text on the first read, which costs YANG → JSON as much (+0.06 s)
//! and writes to a tree that readers may share.

use std::borrow::Cow;
use std::collections::HashMap;
use std::ffi::c_char;
use std::fmt::Write as _;
use std::ptr;

use serde_json::{Map, Value};
use yang2::context::Context;
use yang2::data::{DataNodeRef, DataTree, DataValidationFlags};
use yang2::ffi;
use yang2::utils::Binding;

use crate::TranslateError;
use crate::normalize::{self, OptionCodes};
use crate::path::{JsonPath, err};
use crate::rules::Rule;
use crate::schema::{Kind, Model, Node, ValueKind};

/// The validated tree of `kea`, the inner map of a `Dhcp4`/`Dhcp6` object,
/// normalised on the way (see the `normalize` module).
pub fn translate(
    context: &'static Context,
    root: &Node,
    model: Model,
    kea: &Map<String, Value>,
    codes: &dyn OptionCodes,
) -> Result<DataTree<'static>, TranslateError> {
    let normalize = normalize::Context::new(kea, model, codes)?;
    let module = context
        .get_module_implemented(model.module())
        .ok_or_else(|| TranslateError::ModelMissing(model.module().to_string()))?;
    let mut top = ptr::null_mut();
    // SAFETY: the module belongs to `context`, the name is a C string, and
    // `top` is a valid out-pointer.
    let ret = unsafe {
        ffi::lyd_new_inner(
            ptr::null_mut(),
            module.as_raw(),
            root.cname.as_ptr(),
            0,
            &mut top,
        )
    };
    if ret != ffi::LY_ERR::LY_SUCCESS {
        return Err(libyang_error(
            context,
            Some(format!("/{}:config", model.module())),
        ));
    }
    // SAFETY: `top` is a new top-level node of `context` that nothing else
    // owns: the tree frees it, with all that is added below, on drop (on
    // the error paths too).
    let mut tree = unsafe { DataTree::from_raw(context, top) };
    let mut builder = Builder {
        context,
        tree: &tree,
        normalize: &normalize,
        value: Vec::with_capacity(256),
        keys: Vec::with_capacity(256),
    };
    builder.container(top, kea, root, &JsonPath::Root(model.kea_object()))?;
    tree.validate(DataValidationFlags::NO_STATE)
        .map_err(|e| TranslateError::Validation {
            path: e.path,
            message: e.msg.unwrap_or_else(|| "unknown libyang error".into()),
        })?;
    Ok(tree)
}

/// The last libyang error of `context`, at `path` when libyang gives none.
fn libyang_error(context: &Context, path: Option<String>) -> TranslateError {
    let e = yang2::Error::new(context);
    TranslateError::Validation {
        path: e.path.or(path),
        message: e.msg.unwrap_or_else(|| "unknown libyang error".into()),
    }
}

fn unsupported(path: &JsonPath<'_>, key: &str, schema: &Node) -> TranslateError {
    err(
        &JsonPath::Key(path, key),
        format!(
            "unsupported parameter \"{key}\": the {} YANG model has no node for it",
            schema.yang
        ),
    )
}

/// One YANG child of a map: its position in the schema's children and its
/// value in Kea's JSON types (made up by a list rule, or borrowed).
struct Field<'v> {
    index: usize,
    value: Cow<'v, Value>,
}

/// Creates the data nodes with libyang's node-creation calls, each under
/// its known parent; the values are checked by libyang's type plugins as
/// they are stored, the rest by the final validation. The Kea JSON is
/// normalised map by map as it is read, without a normalised copy.
struct Builder<'t> {
    context: &'static Context,
    tree: &'t DataTree<'static>,
    normalize: &'t normalize::Context<'t>,
    /// The current leaf value, NUL-terminated.
    value: Vec<u8>,
    /// The key values of the current list entry, one after the other.
    keys: Vec<u8>,
}

impl Builder<'_> {
    /// Fills the container `node`; the number of nodes created in it.
    fn container(
        &mut self,
        node: *mut ffi::lyd_node,
        obj: &Map<String, Value>,
        schema: &Node,
        path: &JsonPath<'_>,
    ) -> Result<usize, TranslateError> {
        let fields = fields(obj, schema, Rule::Plain, path, self.normalize)?;
        self.fields(node, &fields, schema, path, &[])
    }

    /// The data path of `node` then `/name`, for errors.
    fn path_of(&self, parent: *mut ffi::lyd_node, name: &str) -> String {
        // SAFETY: `parent` is a node of `self.tree`, alive while it is.
        let parent = unsafe { DataNodeRef::from_raw(self.tree, parent) };
        format!("{}/{name}", parent.path())
    }

    fn creation_error(&self, parent: *mut ffi::lyd_node, name: &str) -> TranslateError {
        let e = yang2::Error::new(self.context);
        let path = e.path.unwrap_or_else(|| self.path_of(parent, name));
        TranslateError::Validation {
            path: Some(path),
            message: e.msg.unwrap_or_else(|| "unknown libyang error".into()),
        }
    }

    /// Creates the nodes of `fields` (sorted by schema order) under `node`,
    /// but for the list keys at `keys`, already created; the number of
    /// nodes created.
    fn fields(
        &mut self,
        node: *mut ffi::lyd_node,
        fields: &[Field<'_>],
        schema: &Node,
        path: &JsonPath<'_>,
        keys: &[usize],
    ) -> Result<usize, TranslateError> {
        let mut created = 0;
        // Last first: libyang puts a node before the first existing node of
        // a later schema sibling, which it looks for sibling by sibling,
        // so each node added after its later siblings is placed at once,
        // where in schema order it would look through all the siblings
        // that follow it.
        for field in fields.iter().rev().filter(|f| !keys.contains(&f.index)) {
            let cs = &schema.children[field.index];
            let child_path = JsonPath::Key(path, &cs.json);
            let value = field.value.as_ref();
            match &cs.kind {
                Kind::Leaf(kind) => {
                    self.value.clear();
                    value_text(&mut self.value, value, *kind, cs.rule, &child_path)?;
                    self.term(node, cs)?;
                    created += 1;
                }
                Kind::LeafList { value: kind, .. } => {
                    let items = value
                        .as_array()
                        .ok_or_else(|| err(&child_path, "expected a list"))?;
                    for (i, item) in items.iter().enumerate() {
                        self.value.clear();
                        value_text(
                            &mut self.value,
                            item,
                            *kind,
                            cs.rule,
                            &JsonPath::Index(&child_path, i),
                        )?;
                        self.term(node, cs)?;
                    }
                    created += items.len();
                }
                Kind::Container => {
                    let map = value
                        .as_object()
                        .ok_or_else(|| err(&child_path, "expected a map"))?;
                    if normalize::is_empty_relay(cs, map) {
                        continue;
                    }
                    let mut inner = ptr::null_mut();
                    // SAFETY: `node` is a node of the tree being built, the
                    // name a C string, `inner` a valid out-pointer.
                    let ret = unsafe {
                        ffi::lyd_new_inner(node, ptr::null(), cs.cname.as_ptr(), 0, &mut inner)
                    };
                    if ret != ffi::LY_ERR::LY_SUCCESS {
                        return Err(self.creation_error(node, &cs.yang));
                    }
                    if self.container(inner, map, cs, &child_path)? == 0 {
                        // Normalising drops empty containers: YANG has no
                        // empty non-presence container.
                        // SAFETY: `inner` is the childless node just
                        // created in the tree; nothing refers to it.
                        unsafe { ffi::lyd_free_tree(inner) };
                    } else {
                        created += 1;
                    }
                }
                Kind::List { keys, .. } => {
                    created += self.list(node, value, cs, keys, &child_path)?;
                }
            }
        }
        Ok(created)
    }

    /// A leaf or leaf-list item under `node`, of value `self.value`.
    fn term(&mut self, node: *mut ffi::lyd_node, schema: &Node) -> Result<(), TranslateError> {
        let text = &self.value;
        if text.contains(&0) {
            // The JSON text libyang parsed before refused it the same way.
            return Err(TranslateError::Validation {
                path: Some(self.path_of(node, &schema.yang)),
                message: "Invalid character reference \"\\u0000\" (0x00000000).".into(),
            });
        }
        self.value.push(0);
        // SAFETY: `node` is a node of the tree being built; the name and
        // the value are NUL-terminated and outlive the call.
        let ret = unsafe {
            ffi::lyd_new_term(
                node,
                ptr::null(),
                schema.cname.as_ptr(),
                self.value.as_ptr().cast::<c_char>(),
                0,
                ptr::null_mut(),
            )
        };
        if ret != ffi::LY_ERR::LY_SUCCESS {
            return Err(self.creation_error(node, &schema.yang));
        }
        Ok(())
    }

    /// The entries of the list `schema` under `node`; their number.
    fn list(
        &mut self,
        node: *mut ffi::lyd_node,
        value: &Value,
        schema: &Node,
        keys: &[String],
        path: &JsonPath<'_>,
    ) -> Result<usize, TranslateError> {
        let items = value
            .as_array()
            .ok_or_else(|| err(path, "expected a list"))?;
        let key_indexes: Vec<usize> = keys
            .iter()
            .filter_map(|k| schema.child_index_by_yang(k))
            .collect();
        // Entries by their YANG key values (length-prefixed, so that no
        // two different key tuples give the same text).
        let mut seen: HashMap<Vec<u8>, usize> = HashMap::with_capacity(items.len());
        let mut key_ends: Vec<usize> = Vec::with_capacity(key_indexes.len());
        // The entries of a user-ordered list but the first are created
        // under a bare copy of `node`, where libyang finds their place at
        // once, then moved after the entry before them: created under
        // `node`, each would be placed after a look for every later schema
        // sibling (a hundred of them after `subnet4` in `config`).
        let user_ordered = matches!(
            schema.kind,
            Kind::List {
                user_ordered: true,
                ..
            }
        );
        let mut scratch = Scratch(ptr::null_mut());
        let mut previous: *mut ffi::lyd_node = ptr::null_mut();
        for (i, item) in items.iter().enumerate() {
            let item_path = JsonPath::Index(path, i);
            let entry = item
                .as_object()
                .ok_or_else(|| err(&item_path, "expected a map"))?;
            let fields = fields(entry, schema, schema.rule, &item_path, self.normalize)?;
            self.keys.clear();
            key_ends.clear();
            for &k in &key_indexes {
                let cs = &schema.children[k];
                let value = key_value(&fields, k).ok_or_else(|| TranslateError::Validation {
                    path: Some(self.path_of(node, &schema.yang)),
                    message: format!("List instance is missing its key \"{}\".", cs.yang),
                })?;
                let kind = match cs.kind {
                    Kind::Leaf(kind) => kind,
                    _ => ValueKind::Text,
                };
                value_text(
                    &mut self.keys,
                    value,
                    kind,
                    cs.rule,
                    &JsonPath::Key(&item_path, &cs.json),
                )?;
                key_ends.push(self.keys.len());
            }
            let mut key = Vec::with_capacity(self.keys.len() + 4 * key_ends.len());
            let mut from = 0;
            for &end in &key_ends {
                key.extend_from_slice(&(end - from).to_le_bytes());
                key.extend_from_slice(&self.keys[from..end]);
                from = end;
            }
            if let Some(first) = seen.insert(key, i) {
                let described: Vec<String> = key_indexes
                    .iter()
                    .map(|&k| {
                        let text = key_value(&fields, k).map(key_text).unwrap_or_default();
                        format!("{}={text}", schema.children[k].yang)
                    })
                    .collect();
                return Err(err(
                    &item_path,
                    format!(
                        "has the same YANG key ({}) as entry {first}; YANG cannot hold both",
                        described.join(", ")
                    ),
                ));
            }
            let mut values: Vec<*const c_char> = Vec::with_capacity(key_ends.len());
            let mut lengths: Vec<u32> = Vec::with_capacity(key_ends.len());
            let mut from = 0;
            for &end in &key_ends {
                values.push(self.keys[from..].as_ptr().cast::<c_char>());
                lengths.push(
                    u32::try_from(end - from).map_err(|_| err(&item_path, "key value too long"))?,
                );
                from = end;
            }
            let parent = if user_ordered && !previous.is_null() {
                if scratch.0.is_null() {
                    // SAFETY: `node` is a node of the tree being built and
                    // `scratch.0` a valid out-pointer; the copy (without
                    // children, but for list keys) belongs to `scratch`,
                    // which frees it.
                    let ret =
                        unsafe { ffi::lyd_dup_single(node, ptr::null_mut(), 0, &mut scratch.0) };
                    if ret != ffi::LY_ERR::LY_SUCCESS {
                        return Err(self.creation_error(node, &schema.yang));
                    }
                }
                scratch.0
            } else {
                node
            };
            let mut entry_node = ptr::null_mut();
            // SAFETY: `parent` is a node of the tree being built or its
            // scratch copy; the name is a C string; `values` and `lengths`
            // give one value for each key, in the schema's key order, and
            // point into `self.keys`, which is not touched until the call
            // returns.
            let ret = unsafe {
                ffi::lyd_new_list3(
                    parent,
                    ptr::null(),
                    schema.cname.as_ptr(),
                    if values.is_empty() {
                        ptr::null_mut()
                    } else {
                        values.as_mut_ptr()
                    },
                    if lengths.is_empty() {
                        ptr::null_mut()
                    } else {
                        lengths.as_mut_ptr()
                    },
                    0,
                    &mut entry_node,
                )
            };
            if ret != ffi::LY_ERR::LY_SUCCESS {
                return Err(self.creation_error(node, &schema.yang));
            }
            if parent != node {
                // SAFETY: `previous` (under `node`) and `entry_node` (alone
                // under the scratch copy) are entries of the same
                // user-ordered list; libyang moves `entry_node`.
                let ret = unsafe { ffi::lyd_insert_after(previous, entry_node) };
                if ret != ffi::LY_ERR::LY_SUCCESS {
                    return Err(self.creation_error(node, &schema.yang));
                }
            }
            previous = entry_node;
            self.fields(entry_node, &fields, schema, &item_path, &key_indexes)?;
        }
        Ok(items.len())
    }
}

/// A node outside the tree, freed (with its children) on drop.
struct Scratch(*mut ffi::lyd_node);

impl Drop for Scratch {
    fn drop(&mut self) {
        if !self.0.is_null() {
            // SAFETY: the node is a stand-alone copy that only this owns.
            unsafe { ffi::lyd_free_tree(self.0) };
        }
    }
}

/// Appends the text of a scalar, as libyang reads it (the JSON value
/// format: RFC 7951 without the quotes), checking that its JSON type
/// fits the leaf's type.
fn value_text(
    out: &mut Vec<u8>,
    value: &Value,
    kind: ValueKind,
    rule: Rule,
    path: &JsonPath<'_>,
) -> Result<(), TranslateError> {
    if rule == Rule::JsonText {
        if !value.is_object() {
            return Err(err(path, "must be a JSON map"));
        }
        out.extend_from_slice(value.to_string().as_bytes());
        return Ok(());
    }
    let wrong = |expected: &str| {
        err(
            path,
            format!("expected {expected}, got {}", type_name(value)),
        )
    };
    match kind {
        ValueKind::Bool => {
            let b = value.as_bool().ok_or_else(|| wrong("a boolean"))?;
            out.extend_from_slice(if b { b"true" } else { b"false" });
        }
        ValueKind::SmallInt | ValueKind::BigInt => match value {
            Value::Number(n) if n.is_i64() || n.is_u64() => {
                let _ = write!(ByteWriter(out), "{n}");
            }
            _ => return Err(wrong("an integer")),
        },
        ValueKind::Decimal => match value {
            Value::Number(n) => {
                let _ = write!(ByteWriter(out), "{n}");
            }
            _ => return Err(wrong("a number")),
        },
        ValueKind::Empty => match value {
            Value::Bool(true) => {}
            _ => return Err(wrong("true")),
        },
        ValueKind::Text => match value {
            Value::String(s) => out.extend_from_slice(s.as_bytes()),
            _ => return Err(wrong("a string")),
        },
    }
    Ok(())
}

/// `fmt::Write` into a byte buffer.
struct ByteWriter<'b>(&'b mut Vec<u8>);

impl std::fmt::Write for ByteWriter<'_> {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.0.extend_from_slice(s.as_bytes());
        Ok(())
    }
}

/// The value of the field at schema position `index`.
fn key_value<'f>(fields: &'f [Field<'_>], index: usize) -> Option<&'f Value> {
    fields
        .binary_search_by_key(&index, |f| f.index)
        .ok()
        .map(|at| fields[at].value.as_ref())
}

fn key_text(value: &Value) -> Cow<'_, str> {
    match value {
        Value::String(s) => Cow::Borrowed(s),
        other => Cow::Owned(other.to_string()),
    }
}

fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a map",
    }
}

/// The YANG children of a Kea map, normalised, sorted in schema order.
/// `rule` is the rule of the list the map is an entry of ([`Rule::Plain`]
/// for containers): list rules turn some Kea keys into other YANG leaves.
fn fields<'v>(
    obj: &'v Map<String, Value>,
    schema: &Node,
    rule: Rule,
    path: &JsonPath<'_>,
    normalize: &normalize::Context<'_>,
) -> Result<Vec<Field<'v>>, TranslateError> {
    let mut fields = Vec::with_capacity(obj.len() + 2);
    // The name of the Kea object (`Dhcp4`) when `obj` is its inner map.
    let top = match path {
        JsonPath::Root(name) => Some(*name),
        _ => None,
    };
    let mut comment = None;
    for (key, value) in obj {
        if consumed_by_rule(rule, key) || normalize::means_unset(key, value) {
            continue;
        }
        if key == "comment" {
            comment = Some(value);
            continue;
        }
        if let Some(top) = top.filter(|_| key == "hosts-database") {
            if let Some(list) = normalize::hosts_databases(obj, top)? {
                let index = schema
                    .child_index_by_json("hosts-databases")
                    .ok_or_else(|| unsupported(path, key, schema))?;
                fields.push(Field {
                    index,
                    value: Cow::Owned(list),
                });
            }
            continue;
        }
        let index = schema
            .child_index_by_json(key)
            .ok_or_else(|| unsupported(path, key, schema))?;
        // Leaves that a list rule fills in are not Kea parameters.
        if schema.children[index].rule == Rule::ByParent {
            return Err(unsupported(path, key, schema));
        }
        fields.push(Field {
            index,
            value: Cow::Borrowed(value),
        });
    }
    if let Some(comment) = comment {
        let user_context = fields
            .iter()
            .position(|f| schema.children[f.index].json == "user-context");
        let merged = normalize::with_comment(
            schema,
            path,
            user_context.map(|at| fields[at].value.as_ref()),
            comment,
        )?;
        match user_context {
            Some(at) => fields[at].value = Cow::Owned(merged),
            None => {
                let index = schema
                    .child_index_by_json("user-context")
                    .ok_or_else(|| unsupported(path, "comment", schema))?;
                fields.push(Field {
                    index,
                    value: Cow::Owned(merged),
                });
            }
        }
    }
    if rule != Rule::Plain || schema.yang == "option-def" {
        // An entry of a list (container maps have no defaults to add).
        for (key, value) in normalize::entry_defaults(obj, schema, path, normalize)? {
            let index = schema
                .child_index_by_json(key)
                .ok_or_else(|| unsupported(path, key, schema))?;
            fields.push(Field {
                index,
                value: Cow::Owned(value),
            });
        }
    }
    if !obj.contains_key("id")
        && let Some(id) = normalize.new_id(obj)
    {
        let index = schema
            .child_index_by_json("id")
            .ok_or_else(|| unsupported(path, "id", schema))?;
        fields.push(Field {
            index,
            value: Cow::Owned(id.into()),
        });
    }
    let mut add = |yang: &str, value: Cow<'v, Value>| -> Result<(), TranslateError> {
        let index = schema.child_index_by_yang(yang).ok_or_else(|| {
            err(
                path,
                format!("the {} YANG model has no {yang} leaf", schema.yang),
            )
        })?;
        fields.push(Field { index, value });
        Ok(())
    };
    match rule {
        Rule::Pool => {
            let pool_path = JsonPath::Key(path, "pool");
            let text = obj
                .get("pool")
                .ok_or_else(|| err(path, "pool entry without \"pool\""))?
                .as_str()
                .ok_or_else(|| err(&pool_path, "expected a string"))?;
            let (start, end, prefix) = parse_pool(text).map_err(|m| err(&pool_path, m))?;
            add("start-address", Cow::Owned(Value::String(start)))?;
            add("end-address", Cow::Owned(Value::String(end)))?;
            if let Some(prefix) = prefix {
                add("prefix", Cow::Owned(Value::String(prefix)))?;
            }
        }
        Rule::PdPool => {
            if let Some(prefix) = join_prefix(obj, "prefix", "prefix-len", path, true)? {
                add("prefix", Cow::Owned(Value::String(prefix)))?;
            }
            if let Some(excluded) =
                join_prefix(obj, "excluded-prefix", "excluded-prefix-len", path, false)?
            {
                add("excluded-prefix", Cow::Owned(Value::String(excluded)))?;
            }
        }
        Rule::Host => {
            let mut present = HOST_IDENTIFIERS
                .iter()
                .filter_map(|t| obj.get(*t).map(|id| (*t, id)));
            match (present.next(), present.next()) {
                (Some((kind, id)), None) => {
                    add(
                        "identifier-type",
                        Cow::Owned(Value::String(kind.to_string())),
                    )?;
                    add("identifier", Cow::Borrowed(id))?;
                }
                (None, _) => return Err(err(path, "reservation without an identifier")),
                (Some(_), Some(_)) => {
                    let several: Vec<&str> = HOST_IDENTIFIERS
                        .iter()
                        .copied()
                        .filter(|t| obj.contains_key(*t))
                        .collect();
                    return Err(err(
                        path,
                        format!(
                            "reservation has several identifiers ({})",
                            several.join(", ")
                        ),
                    ));
                }
            }
        }
        Rule::OptionData => {
            if !obj.contains_key("data") {
                add("data", Cow::Owned(Value::String(String::new())))?;
            }
        }
        Rule::AuthClients => {
            for key in ["user", "password", "user-file", "password-file"] {
                if !obj.contains_key(key) {
                    add(key, Cow::Owned(Value::String(String::new())))?;
                }
            }
        }
        Rule::Plain | Rule::JsonText | Rule::ByParent | Rule::Unmapped => {}
    }
    fields.sort_unstable_by_key(|f| f.index);
    Ok(fields)
}

/// The Kea keys of a host reservation that name its identifier.
pub(crate) const HOST_IDENTIFIERS: [&str; 5] =
    ["hw-address", "duid", "circuit-id", "client-id", "flex-id"];

/// Kea keys a list rule turns into other YANG leaves.
fn consumed_by_rule(rule: Rule, key: &str) -> bool {
    match rule {
        Rule::Pool => key == "pool",
        Rule::PdPool => matches!(
            key,
            "prefix" | "prefix-len" | "excluded-prefix" | "excluded-prefix-len"
        ),
        Rule::Host => HOST_IDENTIFIERS.contains(&key),
        _ => false,
    }
}

/// `"a - b"` or `"prefix/len"` → (start, end, prefix).
pub(crate) fn parse_pool(text: &str) -> Result<(String, String, Option<String>), String> {
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    if let Some((start, end)) = split_range(&compact) {
        let start: std::net::IpAddr = start
            .parse()
            .map_err(|_| format!("bad pool start address in \"{text}\""))?;
        let end: std::net::IpAddr = end
            .parse()
            .map_err(|_| format!("bad pool end address in \"{text}\""))?;
        return Ok((start.to_string(), end.to_string(), None));
    }
    let net: ipnet::IpNet = compact
        .parse()
        .map_err(|_| format!("pool \"{text}\" is neither \"start - end\" nor a prefix"))?;
    let (start, end) = match net {
        ipnet::IpNet::V4(n) => (n.network().to_string(), n.broadcast().to_string()),
        ipnet::IpNet::V6(n) => (n.network().to_string(), n.broadcast().to_string()),
    };
    Ok((
        start,
        end,
        Some(format!("{}/{}", net.addr(), net.prefix_len())),
    ))
}

/// Splits `a-b` on the dash that separates two addresses (IPv6 addresses
/// have no dashes, so the first dash is the separator).
fn split_range(compact: &str) -> Option<(&str, &str)> {
    compact.split_once('-')
}

/// Kea's `key` + `len_key` → `addr/len`; `None` when both are absent and
/// the prefix is optional.
fn join_prefix(
    entry: &Map<String, Value>,
    key: &str,
    len_key: &str,
    path: &JsonPath<'_>,
    required: bool,
) -> Result<Option<String>, TranslateError> {
    match (entry.get(key), entry.get(len_key)) {
        (None, None) if !required => Ok(None),
        (Some(Value::String(addr)), Some(len)) if len.is_u64() => Ok(Some(format!("{addr}/{len}"))),
        _ => Err(err(
            path,
            format!("\"{key}\" needs an address and an integer \"{len_key}\""),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema;
    use yang2::data::Data;

    fn tree(kea: serde_json::Value) -> Result<DataTree<'static>, TranslateError> {
        let root = schema::build(kea_yang::context(), Model::KeaDhcp4).unwrap();
        translate(
            kea_yang::context(),
            &root,
            Model::KeaDhcp4,
            kea.as_object().unwrap(),
            &normalize::NoStandardOptions,
        )
    }

    fn value(tree: &DataTree<'static>, path: &str) -> String {
        tree.find_path(path)
            .unwrap()
            .value_canonical()
            .unwrap_or_default()
    }

    #[test]
    fn values_take_their_yang_form() {
        let t = tree(serde_json::json!({"valid-lifetime": 10, "t1-percent": 0.5,
            "user-context": {"a": "b\"c"}, "authoritative": true,
            "subnet4": [{"subnet": "192.0.2.0/24", "id": 7,
            "reservations": [{"ip-address": "192.0.2.9", "hw-address": "01:02:03:04:05:06"}]}]}))
        .unwrap();
        let config = "/kea-dhcp4-server:config";
        assert_eq!(value(&t, &format!("{config}/valid-lifetime")), "10");
        assert_eq!(value(&t, &format!("{config}/t1-percent")), "0.5");
        assert_eq!(
            value(&t, &format!("{config}/user-context")),
            r#"{"a":"b\"c"}"#
        );
        assert_eq!(value(&t, &format!("{config}/authoritative")), "true");
        let host = format!(
            "{config}/subnet4[id='7']/host[identifier-type='hw-address'][identifier='01:02:03:04:05:06']"
        );
        assert_eq!(value(&t, &format!("{host}/ip-address")), "192.0.2.9");
    }

    #[test]
    fn libyang_refusals_name_the_yang_path() {
        let err = tree(serde_json::json!({"valid-lifetime": 99_999_999_999u64})).unwrap_err();
        assert!(
            matches!(&err, TranslateError::Validation { path: Some(p), message }
                if p == "/kea-dhcp4-server:config/valid-lifetime" && message.contains("uint32")),
            "{err:?}"
        );
        let err = tree(serde_json::json!({"server-tag": "a\u{0}b"})).unwrap_err();
        assert!(
            matches!(&err, TranslateError::Validation { path: Some(p), .. }
                if p == "/kea-dhcp4-server:config/server-tag"),
            "{err:?}"
        );
        let err = tree(serde_json::json!({"hooks-libraries": [{"parameters": {}}]})).unwrap_err();
        assert!(
            matches!(&err, TranslateError::Validation { message, .. }
                if message.contains("missing its key \"library\"")),
            "{err:?}"
        );
    }

    #[test]
    fn rule_leaves_are_not_kea_parameters() {
        let err = tree(
            serde_json::json!({"subnet4": [{"id": 1, "subnet": "192.0.2.0/24",
            "reservations": [{"hw-address": "01:02", "identifier-type": "duid"}]}]}),
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.contains("reservations[0]/identifier-type") && err.contains("unsupported"),
            "{err}"
        );
        let err = tree(
            serde_json::json!({"subnet4": [{"id": 1, "subnet": "192.0.2.0/24",
            "reservations": [{"hw-address": "01:02"}, {"hw-address": "01:02"}]}]}),
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.contains("reservations[1]") && err.contains("same YANG key"),
            "{err}"
        );
    }
}
