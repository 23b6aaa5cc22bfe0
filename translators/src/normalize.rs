//! The Kea JSON a round trip through YANG gives back is the input after
//! these normalisations. [`normalize`] makes the normalised map; JSON →
//! YANG applies the same rules map by map as it reads the input, without
//! a normalised copy (the helpers below serve both):
//!
//! - subnets without `id` get the lowest unused ids (from 1, in document
//!   order, counting top-level and shared-network subnets) — YANG keys
//!   subnets by id;
//! - `option-data` and `option-def` entries without `space` get `dhcp4` /
//!   `dhcp6`; option data without `code` gets it from the config's own
//!   `option-def`s or from the standard definitions ([`OptionCodes`]);
//! - pool ranges are written `start - end` (single spaces, no others);
//! - `comment` becomes `user-context.comment`;
//! - a singular `hosts-database` becomes a one-entry `hosts-databases`;
//! - empty lists, empty maps of containers and relays without addresses are
//!   dropped (YANG has no empty list or container);
//! - a `data` key that is the empty string is dropped from option data;
//! - keys Kea prints as `""` to mean "not set" whose YANG type cannot hold
//!   an empty string (`4o6-subnet`) are dropped.

use std::collections::HashMap;

use serde_json::{Map, Value};

use crate::TranslateError;
use crate::path::{JsonPath, err};
use crate::rules::Rule;
use crate::schema::{Kind, Model, Node};
use crate::to_yang::parse_pool;

/// Standard option definitions: the code of option `name` in `space`.
pub trait OptionCodes {
    fn code(&self, space: &str, name: &str) -> Option<u32>;
}

/// No standard definitions known.
#[derive(Debug)]
pub struct NoStandardOptions;

impl OptionCodes for NoStandardOptions {
    fn code(&self, _space: &str, _name: &str) -> Option<u32> {
        None
    }
}

/// Applies the normalisations listed in the module documentation to the
/// inner map of a `Dhcp4`/`Dhcp6` object.
pub fn normalize(
    root: &Node,
    model: Model,
    kea: &Map<String, Value>,
    codes: &dyn OptionCodes,
) -> Result<Map<String, Value>, TranslateError> {
    let mut map = kea.clone();
    let top = model.kea_object();
    if let Some(list) = hosts_databases(&map, top)? {
        map.remove("hosts-database");
        map.insert("hosts-databases".into(), list);
    }
    let context = Context::new(&map, model, codes)?;
    let list = format!("subnet{}", model.family());
    for_each_subnet(&mut map, &list, &mut |subnet| {
        if let Some(id) = context.new_id(subnet) {
            subnet.insert("id".into(), id.into());
        }
        Ok(())
    })?;
    normalize_map(&mut map, root, &JsonPath::Root(top), &context)?;
    Ok(map)
}

/// What normalising needs to know of the whole config: the option codes,
/// and the ids that subnets without one get.
pub(crate) struct Context<'c> {
    model: Model,
    codes: &'c dyn OptionCodes,
    defs: HashMap<(String, String), u32>,
    /// Ids of the subnets that have none, by the address of their map.
    new_ids: HashMap<usize, u64>,
}

impl<'c> Context<'c> {
    /// The context of the inner map of a `Dhcp4`/`Dhcp6` object (after
    /// [`hosts_databases`]).
    pub(crate) fn new(
        map: &Map<String, Value>,
        model: Model,
        codes: &'c dyn OptionCodes,
    ) -> Result<Self, TranslateError> {
        Ok(Self {
            model,
            codes,
            defs: custom_option_codes(map, model),
            new_ids: missing_subnet_ids(map, model)?,
        })
    }

    fn default_space(&self) -> String {
        format!("dhcp{}", self.model.family())
    }

    /// The id `subnet` (a subnet map of the config this context was made
    /// of, at the same address) gets, if it has none.
    pub(crate) fn new_id(&self, subnet: &Map<String, Value>) -> Option<u64> {
        if self.new_ids.is_empty() {
            return None;
        }
        self.new_ids
            .get(&std::ptr::from_ref(subnet).addr())
            .copied()
    }
}

/// A singular `hosts-database` as the one-entry `hosts-databases` list
/// that replaces it.
pub(crate) fn hosts_databases(
    map: &Map<String, Value>,
    top: &str,
) -> Result<Option<Value>, TranslateError> {
    let Some(single) = map.get("hosts-database") else {
        return Ok(None);
    };
    if map.contains_key("hosts-databases") {
        return Err(TranslateError::json(
            &format!("{top}/hosts-database"),
            "both hosts-database and hosts-databases are given",
        ));
    }
    Ok(Some(Value::Array(vec![single.clone()])))
}

/// Keys Kea's config-get prints as `""` when unset, whose YANG type (a
/// prefix) has no empty value.
const EMPTY_MEANS_UNSET: &[&str] = &["4o6-subnet"];

/// Whether `key` is one Kea prints as `""` to mean "not set", with that
/// value.
pub(crate) fn means_unset(key: &str, value: &Value) -> bool {
    EMPTY_MEANS_UNSET.contains(&key) && value.as_str() == Some("")
}

/// The `user-context` of a map of `schema` at `path` once its `comment`
/// is moved in (a comment already in the user context is kept).
pub(crate) fn with_comment(
    schema: &Node,
    path: &JsonPath<'_>,
    user_context: Option<&Value>,
    comment: &Value,
) -> Result<Value, TranslateError> {
    if schema.child_by_json("user-context").is_none() {
        return Err(err(
            &JsonPath::Key(path, "comment"),
            "unsupported parameter \"comment\": this map has no user-context in YANG",
        ));
    }
    match user_context {
        None => {
            let mut uc = Map::new();
            uc.insert("comment".into(), comment.clone());
            Ok(Value::Object(uc))
        }
        Some(Value::Object(uc)) => {
            let mut uc = uc.clone();
            uc.entry("comment").or_insert_with(|| comment.clone());
            Ok(Value::Object(uc))
        }
        Some(_) => Err(err(
            &JsonPath::Key(path, "user-context"),
            "must be a JSON map",
        )),
    }
}

/// A `relay` without addresses, which YANG cannot hold.
pub(crate) fn is_empty_relay(schema: &Node, relay: &Map<String, Value>) -> bool {
    schema.yang == "relay"
        && relay
            .get("ip-addresses")
            .is_none_or(|a| a.as_array().is_some_and(Vec::is_empty))
}

/// The keys normalising adds to an entry of the list `schema`: option
/// data's `space` and `code`, an option definition's `space`.
pub(crate) fn entry_defaults(
    entry: &Map<String, Value>,
    schema: &Node,
    path: &JsonPath<'_>,
    ctx: &Context<'_>,
) -> Result<Vec<(&'static str, Value)>, TranslateError> {
    let mut added = Vec::new();
    match schema.rule {
        Rule::OptionData => {
            let default_space;
            let space = match entry.get("space") {
                Some(space) => space.as_str().unwrap_or_default(),
                None => {
                    default_space = ctx.default_space();
                    added.push(("space", Value::String(default_space.clone())));
                    &default_space
                }
            };
            if !entry.contains_key("code") {
                let name = entry
                    .get("name")
                    .and_then(Value::as_str)
                    .ok_or_else(|| err(path, "option data needs a \"code\" or a \"name\""))?;
                let code = ctx
                    .defs
                    .get(&(space.to_string(), name.to_string()))
                    .copied()
                    .or_else(|| ctx.codes.code(space, name))
                    .ok_or_else(|| {
                        err(
                            path,
                            format!("option \"{name}\" in space \"{space}\" has no code and no definition"),
                        )
                    })?;
                added.push(("code", code.into()));
            }
        }
        Rule::Plain if schema.yang == "option-def" && !entry.contains_key("space") => {
            added.push(("space", Value::String(ctx.default_space())));
        }
        _ => {}
    }
    Ok(added)
}

fn normalize_map(
    map: &mut Map<String, Value>,
    schema: &Node,
    path: &JsonPath<'_>,
    ctx: &Context<'_>,
) -> Result<(), TranslateError> {
    if let Some(comment) = map.remove("comment") {
        let user_context = with_comment(schema, path, map.get("user-context"), &comment)?;
        map.insert("user-context".into(), user_context);
    }
    map.retain(|key, value| !means_unset(key, value));
    let mut dropped: Vec<String> = Vec::new();
    for (key, value) in map.iter_mut() {
        let Some(cs) = schema.child_by_json(key) else {
            continue; // reported by the translation itself
        };
        let child_path = JsonPath::Key(path, key);
        let keep = match (&cs.kind, value) {
            (Kind::Container, Value::Object(inner)) => {
                normalize_map(inner, cs, &child_path, ctx)?;
                !inner.is_empty() && !is_empty_relay(cs, inner)
            }
            (Kind::List { .. }, Value::Array(items)) => {
                for (i, item) in items.iter_mut().enumerate() {
                    let item_path = JsonPath::Index(&child_path, i);
                    if let Value::Object(entry) = item {
                        normalize_entry(entry, cs, &item_path, ctx)?;
                        normalize_map(entry, cs, &item_path, ctx)?;
                    }
                }
                !items.is_empty()
            }
            (Kind::LeafList { .. }, Value::Array(items)) => !items.is_empty(),
            _ => true,
        };
        if !keep {
            dropped.push(key.clone());
        }
    }
    for key in dropped {
        map.remove(&key);
    }
    Ok(())
}

fn normalize_entry(
    entry: &mut Map<String, Value>,
    schema: &Node,
    path: &JsonPath<'_>,
    ctx: &Context<'_>,
) -> Result<(), TranslateError> {
    for (key, value) in entry_defaults(entry, schema, path, ctx)? {
        entry.insert(key.into(), value);
    }
    match schema.rule {
        Rule::OptionData if entry.get("data").is_some_and(|d| d.as_str() == Some("")) => {
            entry.remove("data");
        }
        Rule::Pool => {
            if let Some(Value::String(pool)) = entry.get("pool") {
                let (start, end, prefix) =
                    parse_pool(pool).map_err(|m| err(&JsonPath::Key(path, "pool"), m))?;
                let canonical = prefix.unwrap_or_else(|| format!("{start} - {end}"));
                entry.insert("pool".into(), Value::String(canonical));
            }
        }
        _ => {}
    }
    Ok(())
}

type SubnetVisitor<'f> = dyn FnMut(&mut Map<String, Value>) -> Result<(), TranslateError> + 'f;

/// Calls `visit` on every subnet map, top-level and in shared networks, in
/// document order.
fn for_each_subnet(
    map: &mut Map<String, Value>,
    list: &str,
    visit: &mut SubnetVisitor<'_>,
) -> Result<(), TranslateError> {
    if let Some(Value::Array(subnets)) = map.get_mut(list) {
        for subnet in subnets.iter_mut().filter_map(Value::as_object_mut) {
            visit(subnet)?;
        }
    }
    if let Some(Value::Array(networks)) = map.get_mut("shared-networks") {
        for network in networks.iter_mut().filter_map(Value::as_object_mut) {
            if let Some(Value::Array(subnets)) = network.get_mut(list) {
                for subnet in subnets.iter_mut().filter_map(Value::as_object_mut) {
                    visit(subnet)?;
                }
            }
        }
    }
    Ok(())
}

/// Every subnet map, top-level and in shared networks, in document order.
fn subnets<'m>(
    map: &'m Map<String, Value>,
    list: &'m str,
) -> impl Iterator<Item = &'m Map<String, Value>> + 'm {
    let top = map
        .get(list)
        .and_then(Value::as_array)
        .into_iter()
        .flatten();
    let shared = map
        .get("shared-networks")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(move |network| network.get(list).and_then(Value::as_array))
        .flatten();
    top.chain(shared).filter_map(Value::as_object)
}

/// The lowest ids not used elsewhere, for the subnets without `id`, by the
/// address of their map.
fn missing_subnet_ids(
    map: &Map<String, Value>,
    model: Model,
) -> Result<HashMap<usize, u64>, TranslateError> {
    let top = model.kea_object();
    let list = format!("subnet{}", model.family());
    let mut used = std::collections::HashSet::new();
    let mut without = Vec::new();
    for subnet in subnets(map, &list) {
        match subnet.get("id") {
            Some(id) => {
                let id = id.as_u64().ok_or_else(|| {
                    TranslateError::json(
                        &format!("{top}/{list}"),
                        "subnet id must be a positive integer",
                    )
                })?;
                used.insert(id);
            }
            None => without.push(std::ptr::from_ref(subnet).addr()),
        }
    }
    let mut next = 1u64;
    let mut ids = HashMap::with_capacity(without.len());
    for subnet in without {
        while used.contains(&next) {
            next += 1;
        }
        ids.insert(subnet, next);
        used.insert(next);
    }
    Ok(ids)
}

/// Codes of the config's own option definitions, by (space, name).
fn custom_option_codes(map: &Map<String, Value>, model: Model) -> HashMap<(String, String), u32> {
    let default_space = format!("dhcp{}", model.family());
    let mut defs = HashMap::new();
    let mut add = |list: Option<&Value>| {
        for def in list.and_then(Value::as_array).into_iter().flatten() {
            let (Some(name), Some(code)) = (
                def.get("name").and_then(Value::as_str),
                def.get("code").and_then(Value::as_u64),
            ) else {
                continue;
            };
            let space = def
                .get("space")
                .and_then(Value::as_str)
                .unwrap_or(&default_space)
                .to_string();
            if let Ok(code) = u32::try_from(code) {
                defs.insert((space, name.to_string()), code);
            }
        }
    };
    add(map.get("option-def"));
    for class in map
        .get("client-classes")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        add(class.get("option-def"));
    }
    defs
}
