//! The Kea JSON a round trip through YANG gives back is the input after
//! these normalisations, applied before translating:
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
    if let Some(single) = map.remove("hosts-database") {
        if map.contains_key("hosts-databases") {
            return Err(TranslateError::json(
                &format!("{top}/hosts-database"),
                "both hosts-database and hosts-databases are given",
            ));
        }
        map.insert("hosts-databases".into(), Value::Array(vec![single]));
    }
    assign_subnet_ids(&mut map, model, top)?;
    let defs = custom_option_codes(&map, model);
    let context = Context {
        model,
        codes,
        defs: &defs,
    };
    normalize_map(&mut map, root, &JsonPath::Root(top), &context)?;
    Ok(map)
}

/// Keys Kea's config-get prints as `""` when unset, whose YANG type (a
/// prefix) has no empty value.
const EMPTY_MEANS_UNSET: &[&str] = &["4o6-subnet"];

struct Context<'c> {
    model: Model,
    codes: &'c dyn OptionCodes,
    defs: &'c HashMap<(String, String), u32>,
}

impl Context<'_> {
    fn default_space(&self) -> String {
        format!("dhcp{}", self.model.family())
    }
}

fn normalize_map(
    map: &mut Map<String, Value>,
    schema: &Node,
    path: &JsonPath<'_>,
    ctx: &Context<'_>,
) -> Result<(), TranslateError> {
    if let Some(comment) = map.remove("comment") {
        if schema.child_by_json("user-context").is_none() {
            return Err(err(
                &JsonPath::Key(path, "comment"),
                "unsupported parameter \"comment\": this map has no user-context in YANG",
            ));
        }
        let context = map
            .entry("user-context")
            .or_insert_with(|| Value::Object(Map::new()));
        match context {
            Value::Object(uc) => {
                uc.entry("comment").or_insert(comment);
            }
            _ => {
                return Err(err(
                    &JsonPath::Key(path, "user-context"),
                    "must be a JSON map",
                ));
            }
        }
    }
    for key in EMPTY_MEANS_UNSET {
        if map.get(*key).and_then(Value::as_str) == Some("") {
            map.remove(*key);
        }
    }
    let mut dropped: Vec<String> = Vec::new();
    for (key, value) in map.iter_mut() {
        let Some(cs) = schema.child_by_json(key) else {
            continue; // reported by the translation itself
        };
        let child_path = JsonPath::Key(path, key);
        let keep = match (&cs.kind, value) {
            (Kind::Container, Value::Object(inner)) => {
                normalize_map(inner, cs, &child_path, ctx)?;
                let empty_relay = cs.yang == "relay"
                    && inner
                        .get("ip-addresses")
                        .is_none_or(|a| a.as_array().is_some_and(Vec::is_empty));
                !inner.is_empty() && !empty_relay
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
    match schema.rule {
        Rule::OptionData => {
            if !entry.contains_key("space") {
                entry.insert("space".into(), Value::String(ctx.default_space()));
            }
            if !entry.contains_key("code") {
                let space = entry
                    .get("space")
                    .and_then(Value::as_str)
                    .unwrap_or_default();
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
                entry.insert("code".into(), code.into());
            }
            if entry.get("data").is_some_and(|d| d.as_str() == Some("")) {
                entry.remove("data");
            }
        }
        Rule::Plain if schema.yang == "option-def" => {
            entry
                .entry("space")
                .or_insert_with(|| Value::String(ctx.default_space()));
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

/// Subnets without `id` get the lowest ids not used elsewhere.
fn assign_subnet_ids(
    map: &mut Map<String, Value>,
    model: Model,
    top: &str,
) -> Result<(), TranslateError> {
    let list = format!("subnet{}", model.family());
    let mut used = std::collections::HashSet::new();
    for_each_subnet(map, &list, &mut |subnet| {
        if let Some(id) = subnet.get("id") {
            let id = id.as_u64().ok_or_else(|| {
                TranslateError::json(
                    &format!("{top}/{list}"),
                    "subnet id must be a positive integer",
                )
            })?;
            used.insert(id);
        }
        Ok(())
    })?;
    let mut next = 1u64;
    for_each_subnet(map, &list, &mut |subnet| {
        if !subnet.contains_key("id") {
            while used.contains(&next) {
                next += 1;
            }
            subnet.insert("id".into(), next.into());
            used.insert(next);
        }
        Ok(())
    })
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
