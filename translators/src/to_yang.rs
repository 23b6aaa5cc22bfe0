//! Kea JSON → YANG: the (normalised) Kea map is written as RFC 7951 JSON
//! text, in schema order, and parsed with full validation by libyang.
//!
//! Speed (issue #6: 100,000 reservations in under a second): the text is
//! written straight from the Kea map, without building a second JSON tree
//! or a path string per value. libyang's own parsing and validation is
//! most of what remains.
//!
//! `LYD_PARSE_ORDERED` (append every node instead of searching its place)
//! would save another ~12 %, and would keep the JSON order of lists the
//! model orders "by system", but libyang 2.2 requires such lists to be
//! sorted: inserting into an unsorted one later (a NETCONF edit, a merge)
//! loops forever. So libyang sorts them, as everywhere else; see
//! [`crate::Translator::follow_order`] for getting Kea's order back.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt::Write as _;

use serde_json::{Map, Value};
use yang2::context::Context;
use yang2::data::{DataFormat, DataParserFlags, DataTree, DataValidationFlags};

use crate::TranslateError;
use crate::path::{JsonPath, err};
use crate::rules::Rule;
use crate::schema::{Kind, Model, Node, ValueKind};

pub fn translate(
    context: &'static Context,
    root: &Node,
    model: Model,
    kea: &Map<String, Value>,
) -> Result<DataTree<'static>, TranslateError> {
    let mut text = to_rfc7951(root, model, kea)?;
    // yang2 0.18 hands the buffer to C as is: it must end with a NUL. The
    // text has no other NUL: every control character is escaped.
    text.push('\0');
    DataTree::parse_string(
        context,
        text.as_bytes(),
        DataFormat::JSON,
        DataParserFlags::STRICT | DataParserFlags::NO_STATE,
        DataValidationFlags::NO_STATE,
    )
    .map_err(|e| TranslateError::Validation {
        path: e.path,
        message: e.msg.unwrap_or_else(|| "unknown libyang error".into()),
    })
}

/// The RFC 7951 JSON text of the (normalised) Kea map, every node in
/// schema order (list keys first), which is where libyang puts them.
pub(crate) fn to_rfc7951(
    root: &Node,
    model: Model,
    kea: &Map<String, Value>,
) -> Result<String, TranslateError> {
    let mut writer = Writer {
        // Roughly the size of the Kea JSON; grows if needed.
        out: String::with_capacity(4096),
    };
    writer.out.push_str("{\"");
    writer.out.push_str(model.module());
    writer.out.push_str(":config\":");
    writer.container(kea, root, &JsonPath::Root(model.kea_object()))?;
    writer.out.push('}');
    Ok(writer.out)
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

struct Writer {
    out: String,
}

impl Writer {
    fn container(
        &mut self,
        obj: &Map<String, Value>,
        schema: &Node,
        path: &JsonPath<'_>,
    ) -> Result<(), TranslateError> {
        let fields = fields(obj, schema, Rule::Plain, path)?;
        self.fields(&fields, schema, path)
    }

    /// Writes `{"name":value,...}` for fields sorted by schema order.
    fn fields(
        &mut self,
        fields: &[Field<'_>],
        schema: &Node,
        path: &JsonPath<'_>,
    ) -> Result<(), TranslateError> {
        self.out.push('{');
        for (n, field) in fields.iter().enumerate() {
            if n > 0 {
                self.out.push(',');
            }
            let cs = &schema.children[field.index];
            let child_path = JsonPath::Key(path, &cs.json);
            self.out.push('"');
            self.out.push_str(&cs.yang);
            self.out.push_str("\":");
            let value = field.value.as_ref();
            match &cs.kind {
                Kind::Leaf(kind) => self.leaf(value, *kind, cs.rule, &child_path)?,
                Kind::LeafList { value: kind, .. } => {
                    let items = value
                        .as_array()
                        .ok_or_else(|| err(&child_path, "expected a list"))?;
                    self.out.push('[');
                    for (i, item) in items.iter().enumerate() {
                        if i > 0 {
                            self.out.push(',');
                        }
                        self.leaf(item, *kind, cs.rule, &JsonPath::Index(&child_path, i))?;
                    }
                    self.out.push(']');
                }
                Kind::Container => {
                    let map = value
                        .as_object()
                        .ok_or_else(|| err(&child_path, "expected a map"))?;
                    self.container(map, cs, &child_path)?;
                }
                Kind::List { keys, .. } => self.list(value, cs, keys, &child_path)?,
            }
        }
        self.out.push('}');
        Ok(())
    }

    fn list(
        &mut self,
        value: &Value,
        schema: &Node,
        keys: &[String],
        path: &JsonPath<'_>,
    ) -> Result<(), TranslateError> {
        let items = value
            .as_array()
            .ok_or_else(|| err(path, "expected a list"))?;
        let key_indexes: Vec<usize> = keys
            .iter()
            .filter_map(|k| schema.child_index_by_yang(k))
            .collect();
        // Entries by their YANG key values (length-prefixed, so that no
        // two different key tuples give the same text).
        let mut seen: HashMap<String, usize> = HashMap::with_capacity(items.len());
        self.out.push('[');
        for (i, item) in items.iter().enumerate() {
            let item_path = JsonPath::Index(path, i);
            let entry = item
                .as_object()
                .ok_or_else(|| err(&item_path, "expected a map"))?;
            let fields = fields(entry, schema, schema.rule, &item_path)?;
            let mut key = String::new();
            for &k in &key_indexes {
                let text = key_value(&fields, k).map(key_text).unwrap_or_default();
                let _ = write!(key, "{}:", text.len());
                key.push_str(&text);
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
            if i > 0 {
                self.out.push(',');
            }
            self.fields(&fields, schema, &item_path)?;
        }
        self.out.push(']');
        Ok(())
    }

    /// A scalar in RFC 7951 form.
    fn leaf(
        &mut self,
        value: &Value,
        kind: ValueKind,
        rule: Rule,
        path: &JsonPath<'_>,
    ) -> Result<(), TranslateError> {
        if rule == Rule::JsonText {
            if !value.is_object() {
                return Err(err(path, "must be a JSON map"));
            }
            write_string(&mut self.out, &value.to_string());
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
                self.out.push_str(if b { "true" } else { "false" });
            }
            ValueKind::SmallInt => match value {
                Value::Number(n) if n.is_i64() || n.is_u64() => {
                    let _ = write!(self.out, "{n}");
                }
                _ => return Err(wrong("an integer")),
            },
            ValueKind::BigInt => match value {
                Value::Number(n) if n.is_i64() || n.is_u64() => {
                    let _ = write!(self.out, "\"{n}\"");
                }
                _ => return Err(wrong("an integer")),
            },
            ValueKind::Decimal => match value {
                Value::Number(n) => {
                    let _ = write!(self.out, "\"{n}\"");
                }
                _ => return Err(wrong("a number")),
            },
            ValueKind::Empty => match value {
                Value::Bool(true) => self.out.push_str("[null]"),
                _ => return Err(wrong("true")),
            },
            ValueKind::Text => match value {
                Value::String(s) => write_string(&mut self.out, s),
                _ => return Err(wrong("a string")),
            },
        }
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

/// A JSON string literal, escaped as serde_json does (every control
/// character escaped, so the text holds no NUL byte).
fn write_string(out: &mut String, s: &str) {
    out.push('"');
    let mut plain_from = 0;
    for (at, c) in s.char_indices() {
        let escape = match c {
            '"' => "\\\"",
            '\\' => "\\\\",
            '\n' => "\\n",
            '\r' => "\\r",
            '\t' => "\\t",
            '\u{8}' => "\\b",
            '\u{c}' => "\\f",
            c if c < ' ' => "",
            _ => continue,
        };
        out.push_str(&s[plain_from..at]);
        if escape.is_empty() {
            let _ = write!(out, "\\u{:04x}", u32::from(c));
        } else {
            out.push_str(escape);
        }
        plain_from = at + c.len_utf8();
    }
    out.push_str(&s[plain_from..]);
    out.push('"');
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

/// The YANG children of a Kea map, sorted in schema order. `rule` is the
/// rule of the list the map is an entry of ([`Rule::Plain`] for
/// containers): list rules turn some Kea keys into other YANG leaves.
fn fields<'v>(
    obj: &'v Map<String, Value>,
    schema: &Node,
    rule: Rule,
    path: &JsonPath<'_>,
) -> Result<Vec<Field<'v>>, TranslateError> {
    let mut fields = Vec::with_capacity(obj.len() + 2);
    for (key, value) in obj {
        if consumed_by_rule(rule, key) {
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

    fn escaped(s: &str) -> String {
        let mut out = String::new();
        write_string(&mut out, s);
        out
    }

    #[test]
    fn strings_are_escaped_like_serde_json() {
        for s in [
            "plain",
            "quote \" back \\ slash",
            "\n\r\t\u{8}\u{c}",
            "nul \0 and \u{1f}",
            "é ✓ \u{7f}",
        ] {
            assert_eq!(escaped(s), serde_json::to_string(s).unwrap(), "{s:?}");
        }
        assert!(!escaped("a\0b").contains('\0'));
    }

    fn translator_root(model: Model) -> Node {
        schema::build(kea_yang::context(), model).unwrap()
    }

    fn text(kea: serde_json::Value) -> Result<String, TranslateError> {
        let root = translator_root(Model::KeaDhcp4);
        to_rfc7951(&root, Model::KeaDhcp4, kea.as_object().unwrap())
    }

    #[test]
    fn output_is_in_schema_order_with_keys_first() {
        let out = text(
            serde_json::json!({"subnet4": [{"subnet": "192.0.2.0/24", "id": 7,
            "reservations": [{"ip-address": "192.0.2.9", "hw-address": "01:02:03:04:05:06"}]}]}),
        )
        .unwrap();
        let id = out.find("\"id\":7").unwrap();
        let subnet = out.find("\"subnet\":").unwrap();
        assert!(id < subnet, "{out}");
        let kind = out.find("\"identifier-type\":\"hw-address\"").unwrap();
        let ident = out.find("\"identifier\":\"01:02:03:04:05:06\"").unwrap();
        let ip = out.find("\"ip-address\"").unwrap();
        assert!(kind < ident && ident < ip, "{out}");
    }

    #[test]
    fn values_take_their_rfc7951_form() {
        let out = text(serde_json::json!({"valid-lifetime": 10, "t1-percent": 0.5,
            "user-context": {"a": "b\"c"}, "authoritative": true}))
        .unwrap();
        assert!(out.contains("\"valid-lifetime\":10"), "{out}");
        assert!(out.contains("\"t1-percent\":\"0.5\""), "{out}");
        assert!(
            out.contains(r#""user-context":"{\"a\":\"b\\\"c\"}""#),
            "{out}"
        );
        assert!(out.contains("\"authoritative\":true"), "{out}");
    }

    #[test]
    fn rule_leaves_are_not_kea_parameters() {
        let err = text(
            serde_json::json!({"subnet4": [{"id": 1, "subnet": "192.0.2.0/24",
            "reservations": [{"hw-address": "01:02", "identifier-type": "duid"}]}]}),
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.contains("reservations[0]/identifier-type") && err.contains("unsupported"),
            "{err}"
        );
        let err = text(
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
