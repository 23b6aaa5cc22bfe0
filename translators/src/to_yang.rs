//! Kea JSON → YANG: the (normalised) Kea map is rewritten as RFC 7951 JSON
//! and parsed, with full validation, by libyang.

use std::borrow::Cow;
use std::collections::HashMap;
use std::ffi::CString;

use serde_json::{Map, Value};
use yang2::context::Context;
use yang2::data::{DataFormat, DataParserFlags, DataTree, DataValidationFlags};

use crate::TranslateError;
use crate::rules::Rule;
use crate::schema::{Kind, Model, Node, ValueKind};

pub fn translate(
    context: &'static Context,
    root: &Node,
    model: Model,
    kea: &Map<String, Value>,
) -> Result<DataTree<'static>, TranslateError> {
    let inner = container(kea, root, &JsonPath::Root(model.kea_object()))?;
    let mut doc = Map::new();
    doc.insert(format!("{}:config", model.module()), Value::Object(inner));
    let text = serde_json::to_string(&Value::Object(doc))
        .map_err(|e| TranslateError::json("", e.to_string()))?;
    // yang2 0.18 hands the buffer to C as is: it must end with a NUL.
    let text =
        CString::new(text).map_err(|_| TranslateError::json("", "NUL character in the config"))?;
    DataTree::parse_string(
        context,
        text.as_bytes_with_nul(),
        DataFormat::JSON,
        DataParserFlags::STRICT | DataParserFlags::NO_STATE,
        DataValidationFlags::NO_STATE,
    )
    .map_err(|e| TranslateError::Validation {
        path: e.path,
        message: e.msg.unwrap_or_else(|| "unknown libyang error".into()),
    })
}

/// Where a value sits in the Kea JSON, spelled out only when an error
/// needs it (configs have hundreds of thousands of values).
#[derive(Clone, Copy)]
enum JsonPath<'a> {
    Root(&'a str),
    Key(&'a JsonPath<'a>, &'a str),
    Index(&'a JsonPath<'a>, usize),
}

impl std::fmt::Display for JsonPath<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            JsonPath::Root(name) => f.write_str(name),
            JsonPath::Key(parent, key) => write!(f, "{parent}/{key}"),
            JsonPath::Index(parent, i) => write!(f, "{parent}[{i}]"),
        }
    }
}

fn err(path: &JsonPath<'_>, message: impl Into<String>) -> TranslateError {
    TranslateError::json(&path.to_string(), message)
}

fn container(
    obj: &Map<String, Value>,
    schema: &Node,
    path: &JsonPath<'_>,
) -> Result<Map<String, Value>, TranslateError> {
    let mut out = Map::new();
    for (key, value) in obj {
        let child_path = JsonPath::Key(path, key);
        let Some(cs) = schema.child_by_json(key) else {
            return Err(err(
                &child_path,
                format!(
                    "unsupported parameter \"{key}\": the {} YANG model has no node for it",
                    schema.yang
                ),
            ));
        };
        let converted = match &cs.kind {
            Kind::Leaf(kind) => leaf(value, *kind, cs.rule, &child_path)?,
            Kind::LeafList { value: kind, .. } => {
                let items = value
                    .as_array()
                    .ok_or_else(|| err(&child_path, "expected a list"))?;
                let mut converted = Vec::with_capacity(items.len());
                for (i, item) in items.iter().enumerate() {
                    converted.push(leaf(
                        item,
                        *kind,
                        cs.rule,
                        &JsonPath::Index(&child_path, i),
                    )?);
                }
                Value::Array(converted)
            }
            Kind::Container => {
                let map = value
                    .as_object()
                    .ok_or_else(|| err(&child_path, "expected a map"))?;
                Value::Object(container(map, cs, &child_path)?)
            }
            Kind::List { keys, .. } => Value::Array(list(value, cs, keys, &child_path)?),
        };
        out.insert(cs.yang.clone(), converted);
    }
    Ok(out)
}

fn list(
    value: &Value,
    schema: &Node,
    keys: &[String],
    path: &JsonPath<'_>,
) -> Result<Vec<Value>, TranslateError> {
    let items = value
        .as_array()
        .ok_or_else(|| err(path, "expected a list"))?;
    let mut seen: HashMap<Vec<String>, usize> = HashMap::new();
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let item_path = JsonPath::Index(path, i);
        let entry = item
            .as_object()
            .ok_or_else(|| err(&item_path, "expected a map"))?;
        let entry = list_entry(schema.rule, entry, &item_path)?;
        let converted = container(&entry, schema, &item_path)?;
        let key: Vec<String> = keys
            .iter()
            .map(|k| converted.get(k).map(key_text).unwrap_or_default())
            .collect();
        if let Some(first) = seen.insert(key.clone(), i) {
            let described: Vec<String> = keys
                .iter()
                .zip(&key)
                .map(|(k, v)| format!("{k}={v}"))
                .collect();
            return Err(err(
                &item_path,
                format!(
                    "has the same YANG key ({}) as entry {first}; YANG cannot hold both",
                    described.join(", ")
                ),
            ));
        }
        out.push(Value::Object(converted));
    }
    Ok(out)
}

fn key_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A scalar in RFC 7951 form.
fn leaf(
    value: &Value,
    kind: ValueKind,
    rule: Rule,
    path: &JsonPath<'_>,
) -> Result<Value, TranslateError> {
    if rule == Rule::JsonText {
        if !value.is_object() {
            return Err(err(path, "must be a JSON map"));
        }
        return Ok(Value::String(value.to_string()));
    }
    let wrong = |expected: &str| {
        err(
            path,
            format!("expected {expected}, got {}", type_name(value)),
        )
    };
    Ok(match kind {
        ValueKind::Bool => Value::Bool(value.as_bool().ok_or_else(|| wrong("a boolean"))?),
        ValueKind::SmallInt => {
            if !(value.is_i64() || value.is_u64()) {
                return Err(wrong("an integer"));
            }
            value.clone()
        }
        ValueKind::BigInt => {
            if !(value.is_i64() || value.is_u64()) {
                return Err(wrong("an integer"));
            }
            Value::String(value.to_string())
        }
        ValueKind::Decimal => match value {
            Value::Number(n) => Value::String(n.to_string()),
            _ => return Err(wrong("a number")),
        },
        ValueKind::Empty => match value {
            Value::Bool(true) => Value::Array(vec![Value::Null]),
            _ => return Err(wrong("true")),
        },
        ValueKind::Text => match value {
            Value::String(s) => Value::String(s.clone()),
            _ => return Err(wrong("a string")),
        },
    })
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

/// The YANG shape of the list entries with a special rule (plain entries
/// are used as they are).
fn list_entry<'e>(
    rule: Rule,
    entry: &'e Map<String, Value>,
    path: &JsonPath<'_>,
) -> Result<Cow<'e, Map<String, Value>>, TranslateError> {
    if matches!(
        rule,
        Rule::Plain | Rule::JsonText | Rule::ByParent | Rule::Unmapped
    ) {
        return Ok(Cow::Borrowed(entry));
    }
    let mut entry = entry.clone();
    match rule {
        Rule::Pool => {
            let pool = entry
                .remove("pool")
                .ok_or_else(|| err(path, "pool entry without \"pool\""))?;
            let pool_path = JsonPath::Key(path, "pool");
            let text = pool
                .as_str()
                .ok_or_else(|| err(&pool_path, "expected a string"))?;
            let (start, end, prefix) = parse_pool(text).map_err(|m| err(&pool_path, m))?;
            entry.insert("start-address".into(), Value::String(start));
            entry.insert("end-address".into(), Value::String(end));
            if let Some(prefix) = prefix {
                entry.insert("prefix".into(), Value::String(prefix));
            }
        }
        Rule::PdPool => {
            join_prefix(&mut entry, "prefix", "prefix-len", path, true)?;
            join_prefix(
                &mut entry,
                "excluded-prefix",
                "excluded-prefix-len",
                path,
                false,
            )?;
        }
        Rule::Host => {
            const TYPES: [&str; 5] = ["hw-address", "duid", "circuit-id", "client-id", "flex-id"];
            let present: Vec<&str> = TYPES
                .iter()
                .copied()
                .filter(|t| entry.contains_key(*t))
                .collect();
            match present.as_slice() {
                [kind] => {
                    let id = entry.remove(*kind).unwrap_or_default();
                    entry.insert("identifier-type".into(), Value::String(kind.to_string()));
                    entry.insert("identifier".into(), id);
                }
                [] => {
                    return Err(err(path, "reservation without an identifier"));
                }
                several => {
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
            entry
                .entry("data")
                .or_insert_with(|| Value::String(String::new()));
        }
        Rule::AuthClients => {
            for key in ["user", "password", "user-file", "password-file"] {
                entry
                    .entry(key)
                    .or_insert_with(|| Value::String(String::new()));
            }
        }
        Rule::Plain | Rule::JsonText | Rule::ByParent | Rule::Unmapped => {}
    }
    Ok(Cow::Owned(entry))
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

fn join_prefix(
    entry: &mut Map<String, Value>,
    key: &str,
    len_key: &str,
    path: &JsonPath<'_>,
    required: bool,
) -> Result<(), TranslateError> {
    let addr = entry.remove(key);
    let len = entry.remove(len_key);
    match (addr, len) {
        (None, None) if !required => Ok(()),
        (Some(Value::String(addr)), Some(len)) if len.is_u64() => {
            entry.insert(key.to_string(), Value::String(format!("{addr}/{len}")));
            Ok(())
        }
        _ => Err(err(
            path,
            format!("\"{key}\" needs an address and an integer \"{len_key}\""),
        )),
    }
}
