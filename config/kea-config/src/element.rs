//! The configuration tree: [`Element`] values that remember where they came from.
//!
//! This mirrors Kea's `isc::data::Element`: every value carries a [`Position`]
//! (`file:line:col`), maps keep their keys sorted (Kea uses `std::map`, so that is
//! the order `config-get` prints) and each key remembers its own position too.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use crate::error::ConfigError;

/// Where a value (or a map key) was found: `file:line:col`, 1-based.
///
/// Values built in code (defaults, JSON from the wire) use line 0 / col 0.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Position {
    /// Origin name: a file path, `<string>` for command input, `<default>` for defaults.
    pub file: Arc<str>,
    /// 1-based line (0 = unknown).
    pub line: u32,
    /// 1-based column (0 = unknown).
    pub col: u32,
}

impl Position {
    /// A position in `file` at `line:col`.
    pub fn new(file: impl Into<Arc<str>>, line: u32, col: u32) -> Self {
        Position {
            file: file.into(),
            line,
            col,
        }
    }

    /// The position used for values that do not come from any text (`<default>:0:0`).
    pub fn unknown() -> Self {
        thread_local! {
            static DEFAULT_ORIGIN: Arc<str> = Arc::from("<default>");
        }
        Position {
            file: DEFAULT_ORIGIN.with(Arc::clone),
            line: 0,
            col: 0,
        }
    }
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.col)
    }
}

impl fmt::Debug for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// The value part of an [`Element`].
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// JSON `null`.
    Null,
    /// `true` / `false` (lowercase only in the text form).
    Bool(bool),
    /// Integer; Kea stores integers as 64-bit signed.
    Int(i64),
    /// Floating point (any number written with a fraction or exponent).
    Float(f64),
    /// String (already unescaped).
    String(String),
    /// Ordered list.
    List(Vec<Element>),
    /// Map with sorted keys.
    Map(Map),
}

/// One configuration value and where it was written.
///
/// Equality compares values only, never positions.
#[derive(Clone, Debug)]
pub struct Element {
    /// The value.
    pub value: Value,
    /// Where the value starts.
    pub pos: Position,
}

impl PartialEq for Element {
    fn eq(&self, other: &Self) -> bool {
        self.value == other.value
    }
}

/// One entry of a [`Map`]: the value and the position of its key.
#[derive(Clone, Debug, PartialEq)]
pub struct MapEntry {
    /// Where the key was written (for "unknown keyword" and "duplicate" errors).
    pub key_pos: Position,
    /// The value.
    pub value: Element,
}

/// A JSON object with keys kept in sorted order (as Kea prints them).
#[derive(Clone, Debug, Default)]
pub struct Map {
    entries: BTreeMap<String, MapEntry>,
}

impl PartialEq for Map {
    fn eq(&self, other: &Self) -> bool {
        self.entries.len() == other.entries.len()
            && self
                .entries
                .iter()
                .zip(other.entries.iter())
                .all(|((ka, a), (kb, b))| ka == kb && a.value == b.value)
    }
}

impl Map {
    /// An empty map.
    pub fn new() -> Self {
        Map::default()
    }

    /// The value stored under `key`.
    pub fn get(&self, key: &str) -> Option<&Element> {
        self.entries.get(key).map(|e| &e.value)
    }

    /// Mutable access to the value stored under `key`.
    pub fn get_mut(&mut self, key: &str) -> Option<&mut Element> {
        self.entries.get_mut(key).map(|e| &mut e.value)
    }

    /// The full entry (value and key position) stored under `key`.
    pub fn entry(&self, key: &str) -> Option<&MapEntry> {
        self.entries.get(key)
    }

    /// Where `key` was written, if present.
    pub fn key_pos(&self, key: &str) -> Option<&Position> {
        self.entries.get(key).map(|e| &e.key_pos)
    }

    /// True if `key` is present.
    pub fn contains_key(&self, key: &str) -> bool {
        self.entries.contains_key(key)
    }

    /// Inserts `value` under `key`, using the value's position as key position.
    /// Returns the previous value, if any.
    pub fn insert(&mut self, key: impl Into<String>, value: Element) -> Option<Element> {
        let key_pos = value.pos.clone();
        self.insert_with_pos(key, key_pos, value)
    }

    /// Inserts `value` under `key` with an explicit key position.
    pub fn insert_with_pos(
        &mut self,
        key: impl Into<String>,
        key_pos: Position,
        value: Element,
    ) -> Option<Element> {
        self.entries
            .insert(key.into(), MapEntry { key_pos, value })
            .map(|e| e.value)
    }

    /// Removes and returns the value under `key`.
    pub fn remove(&mut self, key: &str) -> Option<Element> {
        self.entries.remove(key).map(|e| e.value)
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True if the map has no entries.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Entries in key order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Element)> {
        self.entries.iter().map(|(k, e)| (k.as_str(), &e.value))
    }

    /// Entries in key order, with key positions.
    pub fn entries(&self) -> impl Iterator<Item = (&str, &MapEntry)> {
        self.entries.iter().map(|(k, e)| (k.as_str(), e))
    }

    /// Keys in order.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.entries.keys().map(String::as_str)
    }

    /// Mutable values in key order.
    pub fn values_mut(&mut self) -> impl Iterator<Item = (&str, &mut Element)> {
        self.entries
            .iter_mut()
            .map(|(k, e)| (k.as_str(), &mut e.value))
    }
}

impl Element {
    /// An element with the given value and position.
    pub fn new(value: Value, pos: Position) -> Self {
        Element { value, pos }
    }

    /// An element with an unknown position (`<default>:0:0`).
    pub fn from_value(value: Value) -> Self {
        Element {
            value,
            pos: Position::unknown(),
        }
    }

    /// `null` at an unknown position.
    pub fn null() -> Self {
        Element::from_value(Value::Null)
    }

    /// A boolean at an unknown position.
    pub fn bool(b: bool) -> Self {
        Element::from_value(Value::Bool(b))
    }

    /// An integer at an unknown position.
    pub fn int(i: i64) -> Self {
        Element::from_value(Value::Int(i))
    }

    /// A float at an unknown position.
    pub fn float(f: f64) -> Self {
        Element::from_value(Value::Float(f))
    }

    /// A string at an unknown position.
    pub fn string(s: impl Into<String>) -> Self {
        Element::from_value(Value::String(s.into()))
    }

    /// A list at an unknown position.
    pub fn list(items: Vec<Element>) -> Self {
        Element::from_value(Value::List(items))
    }

    /// A map at an unknown position.
    pub fn map(map: Map) -> Self {
        Element::from_value(Value::Map(map))
    }

    /// An empty map at an unknown position.
    pub fn empty_map() -> Self {
        Element::map(Map::new())
    }

    /// Kea's name for the value's type, as used in its error messages.
    pub fn type_name(&self) -> &'static str {
        match self.value {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Int(_) => "integer",
            Value::Float(_) => "real",
            Value::String(_) => "string",
            Value::List(_) => "list",
            Value::Map(_) => "map",
        }
    }

    fn type_error(&self, expected: &str) -> ConfigError {
        ConfigError::validation(
            Some(self.pos.clone()),
            format!("expected {expected}, got {}", self.type_name()),
        )
    }

    /// The boolean value, or an error naming the position.
    pub fn as_bool(&self) -> Result<bool, ConfigError> {
        match self.value {
            Value::Bool(b) => Ok(b),
            _ => Err(self.type_error("boolean")),
        }
    }

    /// The integer value, or an error naming the position.
    pub fn as_int(&self) -> Result<i64, ConfigError> {
        match self.value {
            Value::Int(i) => Ok(i),
            _ => Err(self.type_error("integer")),
        }
    }

    /// A number as `f64` (integers are accepted too, as Kea does for doubles).
    pub fn as_f64(&self) -> Result<f64, ConfigError> {
        match self.value {
            Value::Float(f) => Ok(f),
            Value::Int(i) => Ok(i as f64),
            _ => Err(self.type_error("real")),
        }
    }

    /// The string value, or an error naming the position.
    pub fn as_str(&self) -> Result<&str, ConfigError> {
        match &self.value {
            Value::String(s) => Ok(s),
            _ => Err(self.type_error("string")),
        }
    }

    /// The list items, or an error naming the position.
    pub fn as_list(&self) -> Result<&[Element], ConfigError> {
        match &self.value {
            Value::List(l) => Ok(l),
            _ => Err(self.type_error("list")),
        }
    }

    /// The map, or an error naming the position.
    pub fn as_map(&self) -> Result<&Map, ConfigError> {
        match &self.value {
            Value::Map(m) => Ok(m),
            _ => Err(self.type_error("map")),
        }
    }

    /// Mutable map access, or an error naming the position.
    pub fn as_map_mut(&mut self) -> Result<&mut Map, ConfigError> {
        match &mut self.value {
            Value::Map(m) => Ok(m),
            _ => Err(ConfigError::validation(
                Some(self.pos.clone()),
                "expected map".to_string(),
            )),
        }
    }

    /// True for `null`.
    pub fn is_null(&self) -> bool {
        matches!(self.value, Value::Null)
    }

    /// If this is a map, the value under `key`.
    pub fn get(&self, key: &str) -> Option<&Element> {
        match &self.value {
            Value::Map(m) => m.get(key),
            _ => None,
        }
    }

    /// The value under `key`, or an error "missing parameter 'key' (pos)" naming this map.
    pub fn require(&self, key: &str) -> Result<&Element, ConfigError> {
        self.as_map()?.get(key).ok_or_else(|| {
            ConfigError::validation(Some(self.pos.clone()), format!("missing parameter '{key}'"))
        })
    }

    /// Kea-style compact JSON (`{ "a": 1, "b": [ 1, 2 ] }`), as `config-get` sends it.
    pub fn to_compact_string(&self) -> String {
        crate::printer::to_compact(self)
    }

    /// Indented JSON (two spaces), as `config-write` writes it.
    pub fn to_pretty_string(&self) -> String {
        crate::printer::to_pretty(self)
    }

    /// A copy for logging: string values of keys ending in `password` or `secret` are
    /// replaced by `*****` (ARM §5.3.5). `config-get` itself is not redacted.
    pub fn redacted(&self) -> Element {
        let value = match &self.value {
            Value::List(items) => Value::List(items.iter().map(Element::redacted).collect()),
            Value::Map(m) => {
                let mut out = Map::new();
                for (k, entry) in m.entries() {
                    let secret = (k.ends_with("password") || k.ends_with("secret"))
                        && matches!(entry.value.value, Value::String(_));
                    let v = if secret {
                        Element::new(Value::String("*****".to_string()), entry.value.pos.clone())
                    } else {
                        entry.value.redacted()
                    };
                    out.insert_with_pos(k, entry.key_pos.clone(), v);
                }
                Value::Map(out)
            }
            other => other.clone(),
        };
        Element {
            value,
            pos: self.pos.clone(),
        }
    }

    /// Converts to a `serde_json::Value` (positions are dropped; non-finite floats become `null`).
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match &self.value {
            Value::Null => J::Null,
            Value::Bool(b) => J::Bool(*b),
            Value::Int(i) => J::from(*i),
            Value::Float(f) => serde_json::Number::from_f64(*f).map_or(J::Null, J::Number),
            Value::String(s) => J::String(s.clone()),
            Value::List(l) => J::Array(l.iter().map(Element::to_json).collect()),
            Value::Map(m) => J::Object(
                m.iter()
                    .map(|(k, v)| (k.to_string(), v.to_json()))
                    .collect(),
            ),
        }
    }

    /// Builds an element tree from a `serde_json::Value`; every position is `origin:0:0`
    /// (like Kea's `<wire>` elements). Integers beyond `i64` are an error.
    pub fn from_json(json: &serde_json::Value, origin: &str) -> Result<Element, ConfigError> {
        let file: Arc<str> = Arc::from(origin);
        from_json_at(json, &file, 0)
    }
}

/// Deepest nesting accepted anywhere (keeps recursion bounded on hostile input).
pub(crate) const MAX_DEPTH: usize = 512;

fn from_json_at(
    json: &serde_json::Value,
    file: &Arc<str>,
    depth: usize,
) -> Result<Element, ConfigError> {
    use serde_json::Value as J;
    let pos = Position {
        file: Arc::clone(file),
        line: 0,
        col: 0,
    };
    if depth > MAX_DEPTH {
        return Err(ConfigError::syntax(pos, "nesting too deep".to_string()));
    }
    let value = match json {
        J::Null => Value::Null,
        J::Bool(b) => Value::Bool(*b),
        J::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::Int(i)
            } else if n.is_u64() {
                return Err(ConfigError::syntax(
                    pos,
                    format!("Failed to convert {n} to an integer."),
                ));
            } else {
                Value::Float(n.as_f64().unwrap_or(f64::NAN))
            }
        }
        J::String(s) => Value::String(s.clone()),
        J::Array(a) => Value::List(
            a.iter()
                .map(|v| from_json_at(v, file, depth + 1))
                .collect::<Result<_, _>>()?,
        ),
        J::Object(o) => {
            let mut m = Map::new();
            for (k, v) in o {
                m.insert(k.clone(), from_json_at(v, file, depth + 1)?);
            }
            Value::Map(m)
        }
    };
    Ok(Element { value, pos })
}

impl From<&Element> for serde_json::Value {
    fn from(e: &Element) -> Self {
        e.to_json()
    }
}

impl From<Element> for serde_json::Value {
    fn from(e: Element) -> Self {
        e.to_json()
    }
}

impl TryFrom<&serde_json::Value> for Element {
    type Error = ConfigError;
    /// Same as [`Element::from_json`] with origin `<wire>`.
    fn try_from(v: &serde_json::Value) -> Result<Self, Self::Error> {
        Element::from_json(v, "<wire>")
    }
}

impl fmt::Display for Element {
    /// Compact Kea style.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_compact_string())
    }
}

impl From<bool> for Element {
    fn from(b: bool) -> Self {
        Element::bool(b)
    }
}
impl From<i64> for Element {
    fn from(i: i64) -> Self {
        Element::int(i)
    }
}
impl From<u32> for Element {
    fn from(i: u32) -> Self {
        Element::int(i64::from(i))
    }
}
impl From<f64> for Element {
    fn from(f: f64) -> Self {
        Element::float(f)
    }
}
impl From<&str> for Element {
    fn from(s: &str) -> Self {
        Element::string(s)
    }
}
impl From<String> for Element {
    fn from(s: String) -> Self {
        Element::string(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn position_display() {
        assert_eq!(Position::new("a.json", 3, 7).to_string(), "a.json:3:7");
    }

    #[test]
    fn map_is_sorted_and_keeps_key_positions() {
        let mut m = Map::new();
        m.insert_with_pos("b", Position::new("f", 1, 2), Element::int(1));
        m.insert("a", Element::int(2));
        assert_eq!(m.keys().collect::<Vec<_>>(), vec!["a", "b"]);
        assert_eq!(m.key_pos("b"), Some(&Position::new("f", 1, 2)));
    }

    #[test]
    fn accessor_errors_carry_position() {
        let e = Element::new(Value::Int(3), Position::new("x.json", 4, 5));
        let err = e.as_str().unwrap_err();
        assert_eq!(err.to_string(), "x.json:4:5: expected string, got integer");
        assert_eq!(e.as_f64().unwrap(), 3.0);
    }

    #[test]
    fn json_round_trip() {
        let j: serde_json::Value =
            serde_json::from_str(r#"{"b":[1,2.5,"x",null,true],"a":{}}"#).unwrap();
        let e = Element::from_json(&j, "<string>").unwrap();
        assert_eq!(e.to_json(), j);
        assert_eq!(e.get("b").unwrap().pos.to_string(), "<string>:0:0");
    }

    #[test]
    fn redaction_hides_passwords_and_secrets() {
        let j: serde_json::Value = serde_json::from_str(
            r#"{"lease-database":{"password":"p","user":"u"},"clients":[{"basic-auth-password":"x"}],"secret":1,"tsig-secret":"s"}"#,
        )
        .unwrap();
        let r = Element::from_json(&j, "t").unwrap().redacted().to_json();
        assert_eq!(r["lease-database"]["password"], "*****");
        assert_eq!(r["lease-database"]["user"], "u");
        assert_eq!(r["clients"][0]["basic-auth-password"], "*****");
        assert_eq!(r["secret"], 1, "only strings are redacted");
        assert_eq!(r["tsig-secret"], "*****");
    }

    #[test]
    fn json_rejects_huge_integer() {
        let j: serde_json::Value = serde_json::from_str("18446744073709551615").unwrap();
        assert!(Element::from_json(&j, "<wire>").is_err());
    }
}
