//! Kea's order of the lists YANG orders "by system".
//!
//! In ISC's models only subnets, pools, pd-pools and client classes are
//! `ordered-by user`; libyang keeps every other list and leaf-list sorted
//! by key. Kea depends on the order of some of them (hook libraries are
//! loaded and called in list order, `host-reservation-identifiers` are
//! tried in list order), so after a trip through YANG that order is taken
//! from a reference config, typically what the server runs.

use std::collections::HashMap;

use serde_json::{Map, Value};

use crate::rules::Rule;
use crate::schema::{Kind, Model, Node};
use crate::to_yang::{HOST_IDENTIFIERS, parse_pool};

/// Reorders, in place, the system-ordered lists and leaf-lists of `map`
/// (a Kea map described by `node`) to follow `reference`; see
/// [`crate::Translator::follow_order`].
pub fn follow(
    node: &Node,
    model: Model,
    map: &mut Map<String, Value>,
    reference: &Map<String, Value>,
) {
    for (key, value) in map.iter_mut() {
        let (Some(cs), Some(reference)) = (node.child_by_json(key), reference.get(key)) else {
            continue;
        };
        match (&cs.kind, value, reference) {
            (Kind::Container, Value::Object(inner), Value::Object(reference)) => {
                follow(cs, model, inner, reference);
            }
            (Kind::List { user_ordered, .. }, Value::Array(items), Value::Array(reference)) => {
                let positions: HashMap<String, usize> = reference
                    .iter()
                    .enumerate()
                    .filter_map(|(i, r)| Some((entry_key(cs, model, r.as_object()?)?, i)))
                    .rev() // the first of duplicate keys wins
                    .collect();
                let mut keyed: Vec<(usize, Value)> = items
                    .drain(..)
                    .map(|item| {
                        let at = item
                            .as_object()
                            .and_then(|e| entry_key(cs, model, e))
                            .and_then(|k| positions.get(&k).copied())
                            .unwrap_or(usize::MAX);
                        (at, item)
                    })
                    .collect();
                if !user_ordered {
                    // Stable: entries the reference lacks keep their order,
                    // after the others.
                    keyed.sort_by_key(|(at, _)| *at);
                }
                for (at, mut item) in keyed {
                    if let (Value::Object(entry), Some(Value::Object(r))) =
                        (&mut item, reference.get(at))
                    {
                        follow(cs, model, entry, r);
                    }
                    items.push(item);
                }
            }
            (
                Kind::LeafList {
                    user_ordered: false,
                    ..
                },
                Value::Array(items),
                Value::Array(reference),
            ) => {
                items.sort_by_key(|v| reference.iter().position(|r| r == v).unwrap_or(usize::MAX));
            }
            _ => {}
        }
    }
}

/// The identity of a list entry: the values of its YANG keys, read from
/// the Kea notation.
fn entry_key(list: &Node, model: Model, entry: &Map<String, Value>) -> Option<String> {
    let text = |v: &Value| match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let parts: Vec<String> = match list.rule {
        Rule::Host => {
            let kind = HOST_IDENTIFIERS.iter().find(|t| entry.contains_key(**t))?;
            vec![kind.to_string(), text(entry.get(*kind)?)]
        }
        Rule::Pool => {
            let (start, end, _) = parse_pool(entry.get("pool")?.as_str()?).ok()?;
            vec![start, end]
        }
        Rule::PdPool => vec![text(entry.get("prefix")?), text(entry.get("prefix-len")?)],
        Rule::OptionData => {
            let space = entry
                .get("space")
                .map(text)
                .unwrap_or_else(|| format!("dhcp{}", model.family()));
            let code = entry.get("code").or_else(|| entry.get("name"))?;
            let data = entry.get("data").map(text).unwrap_or_default();
            vec![space, text(code), data]
        }
        _ => {
            let Kind::List { keys, .. } = &list.kind else {
                return None;
            };
            // An absent key is the empty string, as in YANG (HTTP
            // authentication clients).
            keys.iter()
                .map(|k| {
                    list.child_by_yang(k)
                        .and_then(|c| entry.get(&c.json))
                        .map(text)
                        .unwrap_or_default()
                })
                .collect()
        }
    };
    // Length-prefixed, so that different key tuples never give one text.
    Some(parts.iter().map(|p| format!("{}:{p}", p.len())).collect())
}
