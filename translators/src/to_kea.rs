//! YANG tree → Kea JSON.

use serde_json::{Map, Number, Value};
use yang2::data::{Data, DataNodeRef, DataTree};
use yang2::schema::DataValue;

use crate::TranslateError;
use crate::rules::Rule;
use crate::schema::{Kind, Model, Node, ValueKind};

pub fn translate(
    root: &Node,
    model: Model,
    tree: &DataTree<'static>,
) -> Result<Value, TranslateError> {
    let path = format!("/{}:config", model.module());
    let inner = match tree.reference() {
        None => Map::new(),
        Some(_) => match tree.find_path(&path) {
            Ok(config) => container(&config, root, &YangPath::Root(&path))?,
            Err(_) => Map::new(),
        },
    };
    let mut top = Map::new();
    top.insert(model.kea_object().to_string(), Value::Object(inner));
    Ok(Value::Object(top))
}

/// Where a node sits in the tree (by schema names), spelled out only when
/// an error needs it, as [`crate::path::JsonPath`] on the other way.
#[derive(Clone, Copy)]
enum YangPath<'a> {
    Root(&'a str),
    Child(&'a YangPath<'a>, &'a str),
}

impl std::fmt::Display for YangPath<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            YangPath::Root(path) => f.write_str(path),
            YangPath::Child(parent, name) => write!(f, "{parent}/{name}"),
        }
    }
}

fn yang_error(path: &YangPath<'_>, message: impl Into<String>) -> TranslateError {
    TranslateError::yang(&path.to_string(), message)
}

fn container(
    node: &DataNodeRef<'_, 'static>,
    schema: &Node,
    path: &YangPath<'_>,
) -> Result<Map<String, Value>, TranslateError> {
    let mut map = Map::new();
    for child in node.children() {
        // Defaults libyang filled in are not part of what the operator set.
        if child.is_default() {
            continue;
        }
        let child_schema = child.schema();
        let name = child_schema.name();
        let Some(cs) = schema.child_by_yang(name) else {
            // State (config false) data has no place in a Kea config.
            continue;
        };
        let child_path = YangPath::Child(path, name);
        match &cs.kind {
            Kind::Leaf(kind) => {
                let value = leaf_value(&child, *kind, cs.rule, &child_path)?;
                map.insert(cs.json.clone(), value);
            }
            Kind::LeafList { value: kind, .. } => {
                let value = leaf_value(&child, *kind, cs.rule, &child_path)?;
                match map
                    .entry(cs.json.clone())
                    .or_insert_with(|| Value::Array(Vec::new()))
                {
                    Value::Array(items) => items.push(value),
                    _ => {
                        return Err(yang_error(
                            &child_path,
                            "leaf-list clashes with another node",
                        ));
                    }
                }
            }
            Kind::Container => {
                let inner = container(&child, cs, &child_path)?;
                if !inner.is_empty() {
                    map.insert(cs.json.clone(), Value::Object(inner));
                }
            }
            Kind::List { .. } => {
                let entry = container(&child, cs, &child_path)?;
                let entry = list_entry(cs.rule, entry, &child_path)?;
                match map
                    .entry(cs.json.clone())
                    .or_insert_with(|| Value::Array(Vec::new()))
                {
                    Value::Array(items) => items.push(Value::Object(entry)),
                    _ => {
                        return Err(yang_error(&child_path, "list clashes with another node"));
                    }
                }
            }
        }
    }
    Ok(map)
}

fn leaf_value(
    node: &DataNodeRef<'_, 'static>,
    kind: ValueKind,
    rule: Rule,
    path: &YangPath<'_>,
) -> Result<Value, TranslateError> {
    let value = node.value();
    let bad = || yang_error(path, "unexpected value type");
    Ok(match (kind, value) {
        (ValueKind::Empty, _) => Value::Bool(true),
        (_, Some(DataValue::Bool(b))) => Value::Bool(b),
        (_, Some(DataValue::Uint8(n))) => n.into(),
        (_, Some(DataValue::Uint16(n))) => n.into(),
        (_, Some(DataValue::Uint32(n))) => n.into(),
        (_, Some(DataValue::Uint64(n))) => n.into(),
        (_, Some(DataValue::Int8(n))) => n.into(),
        (_, Some(DataValue::Int16(n))) => n.into(),
        (_, Some(DataValue::Int32(n))) => n.into(),
        (_, Some(DataValue::Int64(n))) => n.into(),
        (ValueKind::Decimal, Some(DataValue::Other(text))) => text
            .parse::<f64>()
            .ok()
            .and_then(Number::from_f64)
            .map(Value::Number)
            .ok_or_else(bad)?,
        (_, Some(DataValue::Other(text))) if rule == Rule::JsonText => {
            let parsed: Value = serde_json::from_str(&text)
                .map_err(|e| yang_error(path, format!("not valid JSON text: {e}")))?;
            if !parsed.is_object() {
                return Err(yang_error(path, "must hold a JSON map"));
            }
            parsed
        }
        (_, Some(DataValue::Other(text))) => Value::String(text),
        (_, Some(DataValue::Empty)) => Value::Bool(true),
        (_, None) => return Err(bad()),
    })
}

/// Kea's notation for the list entries with a special rule.
fn list_entry(
    rule: Rule,
    mut entry: Map<String, Value>,
    path: &YangPath<'_>,
) -> Result<Map<String, Value>, TranslateError> {
    match rule {
        Rule::Pool => {
            let start = entry.remove("start-address");
            let end = entry.remove("end-address");
            let pool = match (entry.remove("prefix"), start, end) {
                (Some(Value::String(prefix)), _, _) => prefix,
                (None, Some(Value::String(start)), Some(Value::String(end))) => {
                    format!("{start} - {end}")
                }
                _ => return Err(yang_error(path, "pool without its bounds")),
            };
            entry.insert("pool".into(), Value::String(pool));
        }
        Rule::PdPool => {
            split_prefix(&mut entry, "prefix", "prefix-len", path)?;
            split_prefix(&mut entry, "excluded-prefix", "excluded-prefix-len", path)?;
        }
        Rule::Host => {
            let kind = entry.remove("identifier-type");
            let id = entry.remove("identifier");
            match (kind, id) {
                (Some(Value::String(kind)), Some(id)) => {
                    entry.insert(kind, id);
                }
                _ => return Err(yang_error(path, "host without its identifier")),
            }
        }
        Rule::OptionData => {
            if entry.get("data").is_some_and(|d| d.as_str() == Some("")) {
                entry.remove("data");
            }
        }
        Rule::AuthClients => entry.retain(|_, v| v.as_str() != Some("")),
        Rule::Plain | Rule::JsonText | Rule::ByParent | Rule::Unmapped => {}
    }
    Ok(entry)
}

fn split_prefix(
    entry: &mut Map<String, Value>,
    key: &str,
    len_key: &str,
    path: &YangPath<'_>,
) -> Result<(), TranslateError> {
    let Some(value) = entry.remove(key) else {
        return Ok(());
    };
    let text = value.as_str().unwrap_or_default();
    let (addr, len) = text
        .split_once('/')
        .and_then(|(a, l)| l.parse::<u8>().ok().map(|l| (a.to_string(), l)))
        .ok_or_else(|| yang_error(path, format!("{key} \"{text}\" is not address/length")))?;
    entry.insert(key.to_string(), Value::String(addr));
    entry.insert(len_key.to_string(), len.into());
    Ok(())
}
