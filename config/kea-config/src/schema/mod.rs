//! Declarative keyword tables (one [`Ctx`] per map context of the ARM ch. 29 grammars)
//! and the single validator that walks an element tree against them.
//!
//! Validation works on an owned copy and also normalizes it the way Kea does:
//! a legacy `"comment"` moves into `user-context.comment`, deprecated aliases are
//! renamed (with a warning). [`fill_defaults`] adds the defaults `config-get` shows.

pub(crate) mod keywords;

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::element::{Element, Map, Position, Value};
use crate::error::{ConfigError, Warning};

/// What a keyword's value must look like.
#[derive(Debug)]
pub(crate) enum Kind {
    Bool,
    /// Integer within an inclusive range.
    Int(i64, i64),
    /// Number (integers accepted) within an inclusive range.
    Float(f64, f64),
    Str,
    /// One of the listed strings.
    Enum(&'static [&'static str]),
    /// One of the listed strings in any letter case, rewritten to the listed spelling
    /// (Kea accepts `udp`/`UDP`, `info`/`INFO`).
    EnumAnyCase(&'static [&'static str]),
    /// List of strings.
    StrList,
    /// List of strings, each one of the listed values.
    EnumList(&'static [&'static str]),
    /// A nested map with its own keyword table.
    Map(&'static Ctx),
    /// A list of maps, each checked against the table.
    MapList(&'static Ctx),
    /// A pool: `first - last` or `prefix/len`, rewritten the way Kea prints pools
    /// (`first-last`, or `prefix/len` when the range is exactly a prefix).
    Pool,
    /// A subnet prefix `address/len`, rewritten in canonical address text.
    Prefix,
    /// A host identifier, rewritten in Kea's printed form when it parses (errors are
    /// reported by the typed model, which knows the identifier type).
    Identifier(IdText),
    /// `user-context`: any map.
    UserContext,
    /// Any map (hook `parameters`).
    AnyMap,
    /// Legacy `comment`: a string moved into `user-context.comment`.
    Comment,
}

/// How Kea prints a host identifier.
#[derive(Debug, Clone, Copy)]
pub(crate) enum IdText {
    /// `01:02:0a` (hw-address, duid).
    Colons,
    /// `01020A` (client-id, circuit-id, flex-id).
    Hex,
}

/// How a deprecated keyword is rewritten to its replacement.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Alias {
    /// Same value, new name.
    Rename(&'static str),
    /// `client-class: "x"` becomes `client-classes: ["x"]` (empty string: nothing).
    ClassToList(&'static str),
    /// `ddns-use-conflict-resolution: bool` becomes `ddns-conflict-resolution-mode`.
    ConflictResolution,
}

/// A default value added by [`fill_defaults`].
#[derive(Debug)]
pub(crate) enum Def {
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(&'static str),
    StrList(&'static [&'static str]),
    EmptyList,
    /// A map filled with the nested context's defaults.
    Map,
}

/// One keyword of a map context.
#[derive(Debug)]
pub(crate) struct Field {
    pub key: &'static str,
    pub kind: Kind,
    pub default: Option<Def>,
    pub alias: Option<Alias>,
}

impl Field {
    pub const fn new(key: &'static str, kind: Kind) -> Field {
        Field {
            key,
            kind,
            default: None,
            alias: None,
        }
    }
    pub const fn def(self, d: Def) -> Field {
        Field {
            default: Some(d),
            ..self
        }
    }
    pub const fn alias(self, a: Alias) -> Field {
        Field {
            alias: Some(a),
            ..self
        }
    }
}

/// A map context: its name (as in Kea's messages) and its keywords, in groups so that
/// tables can share common keyword sets.
#[derive(Debug)]
pub(crate) struct Ctx {
    pub name: &'static str,
    pub groups: &'static [&'static [Field]],
    /// Unknown keys are accepted (only `dhcp-queue-control`).
    pub open: bool,
    /// Key index, built on first use.
    pub index: OnceLock<HashMap<&'static str, &'static Field>>,
}

impl Ctx {
    pub const fn new(name: &'static str, groups: &'static [&'static [Field]], open: bool) -> Ctx {
        Ctx {
            name,
            groups,
            open,
            index: OnceLock::new(),
        }
    }

    pub fn field(&'static self, key: &str) -> Option<&'static Field> {
        let index = self.index.get_or_init(|| {
            // Earlier groups win, as in a linear search.
            let mut m = HashMap::new();
            for f in self.groups.iter().flat_map(|g| g.iter()) {
                m.entry(f.key).or_insert(f);
            }
            m
        });
        index.get(key).copied()
    }

    fn fields(&self) -> impl Iterator<Item = &'static Field> {
        self.groups.iter().flat_map(|g| g.iter())
    }
}

/// Kea bison's name for the token a value starts with.
fn token_name(e: &Element) -> &'static str {
    match e.value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Int(_) => "integer",
        Value::Float(_) => "floating point",
        Value::String(_) => "constant string",
        Value::List(_) => "[",
        Value::Map(_) => "{",
    }
}

fn type_error(e: &Element, expecting: &str) -> ConfigError {
    ConfigError::validation(
        Some(e.pos.clone()),
        format!(
            "syntax error, unexpected {}, expecting {expecting}",
            token_name(e)
        ),
    )
}

fn enum_error(e: &Element, s: &str, values: &[&str]) -> ConfigError {
    ConfigError::validation(
        Some(e.pos.clone()),
        format!(
            "syntax error, unexpected constant string \"{s}\", expecting {}",
            values.join(" or ")
        ),
    )
}

fn range_error(e: &Element, key: &str, shown: &str) -> ConfigError {
    ConfigError::validation(
        Some(e.pos.clone()),
        format!("out of range value ({shown}) specified for parameter '{key}'"),
    )
}

/// Checks `el` (which must be a map) against `ctx`, normalizing it in place.
pub(crate) fn validate_map(
    el: &mut Element,
    ctx: &'static Ctx,
    warnings: &mut Vec<Warning>,
) -> Result<(), ConfigError> {
    let Value::Map(map) = &mut el.value else {
        return Err(type_error(el, "{"));
    };
    // Pass 1: unknown keywords, reported at the key.
    let mut needs_normalizing = false;
    if !ctx.open {
        for (key, entry) in map.entries() {
            match ctx.field(key) {
                Some(f) => {
                    needs_normalizing |= f.alias.is_some() || matches!(f.kind, Kind::Comment)
                }
                None => {
                    return Err(ConfigError::validation(
                        Some(entry.key_pos.clone()),
                        format!("got unexpected keyword \"{key}\" in {} map.", ctx.name),
                    ));
                }
            }
        }
    } else {
        needs_normalizing = true;
    }
    // Pass 2: per-value checks.
    for (key, v) in map.values_mut() {
        if let Some(field) = ctx.field(key) {
            validate_value(v, field, warnings)?;
        }
    }
    // Pass 3: normalizations (comment, deprecated aliases).
    if needs_normalizing {
        let keys: Vec<String> = map.keys().map(str::to_string).collect();
        for key in &keys {
            let Some(field) = ctx.field(key) else {
                continue;
            };
            if matches!(field.kind, Kind::Comment) {
                move_comment(map, key);
            } else if let Some(alias) = field.alias {
                apply_alias(map, key, alias, ctx, warnings)?;
            }
        }
    }
    Ok(())
}

fn move_comment(map: &mut Map, key: &str) {
    let Some(comment) = map.remove(key) else {
        return;
    };
    let pos = comment.pos.clone();
    if !map.contains_key("user-context") {
        map.insert_with_pos(
            "user-context",
            pos.clone(),
            Element::new(Value::Map(Map::new()), pos),
        );
    }
    if let Some(Element {
        value: Value::Map(uc),
        ..
    }) = map.get_mut("user-context")
        && !uc.contains_key("comment")
    {
        uc.insert("comment", comment);
    }
}

fn apply_alias(
    map: &mut Map,
    key: &str,
    alias: Alias,
    ctx: &'static Ctx,
    warnings: &mut Vec<Warning>,
) -> Result<(), ConfigError> {
    let target = match alias {
        Alias::Rename(t) | Alias::ClassToList(t) => t,
        Alias::ConflictResolution => "ddns-conflict-resolution-mode",
    };
    let key_pos = map.key_pos(key).cloned().unwrap_or_else(Position::unknown);
    if map.contains_key(target) {
        return Err(ConfigError::validation(
            Some(key_pos),
            format!(
                "cannot specify both '{key}' and '{target}' in {} map",
                ctx.name
            ),
        ));
    }
    let Some(old) = map.remove(key) else {
        return Ok(());
    };
    warnings.push(Warning {
        pos: Some(key_pos.clone()),
        message: format!("'{key}' is deprecated, use '{target}' instead"),
    });
    let new = match alias {
        Alias::Rename(_) => Some(old),
        Alias::ClassToList(_) => match &old.value {
            Value::String(s) if s.is_empty() => None,
            _ => Some(Element::new(
                Value::List(vec![old.clone()]),
                old.pos.clone(),
            )),
        },
        Alias::ConflictResolution => {
            let mode = if old.as_bool()? {
                "check-with-dhcid"
            } else {
                "no-check-with-dhcid"
            };
            Some(Element::new(
                Value::String(mode.to_string()),
                old.pos.clone(),
            ))
        }
    };
    if let Some(new) = new {
        map.insert_with_pos(target, key_pos, new);
    }
    Ok(())
}

fn validate_value(
    v: &mut Element,
    field: &'static Field,
    warnings: &mut Vec<Warning>,
) -> Result<(), ConfigError> {
    match &field.kind {
        Kind::Bool => {
            v.as_bool().map_err(|_| type_error(v, "boolean"))?;
        }
        Kind::Int(min, max) => {
            let i = v.as_int().map_err(|_| type_error(v, "integer"))?;
            if i < *min || i > *max {
                return Err(range_error(v, field.key, &i.to_string()));
            }
        }
        Kind::Float(min, max) => {
            let f = v.as_f64().map_err(|_| type_error(v, "floating point"))?;
            if !(f >= *min && f <= *max) {
                return Err(range_error(v, field.key, &f.to_string()));
            }
        }
        Kind::Str | Kind::Comment => {
            v.as_str().map_err(|_| type_error(v, "constant string"))?;
        }
        Kind::Enum(values) => check_enum(v, values)?,
        Kind::EnumAnyCase(values) => {
            let given = v
                .as_str()
                .map_err(|_| type_error(v, &values.join(" or ")))?;
            match values.iter().find(|c| c.eq_ignore_ascii_case(given)) {
                Some(canonical) => v.value = Value::String((*canonical).to_string()),
                None => return Err(enum_error(v, given, values)),
            }
        }
        Kind::StrList => {
            for item in v.as_list().map_err(|_| type_error(v, "["))? {
                item.as_str()
                    .map_err(|_| type_error(item, "constant string"))?;
            }
        }
        Kind::EnumList(values) => {
            for item in v.as_list().map_err(|_| type_error(v, "["))? {
                check_enum(item, values)?;
            }
        }
        Kind::Map(ctx) => validate_map(v, ctx, warnings)?,
        Kind::MapList(ctx) => {
            let Value::List(items) = &mut v.value else {
                return Err(type_error(v, "["));
            };
            for item in items {
                validate_map(item, ctx, warnings)?;
            }
        }
        Kind::Pool => {
            let text = v.as_str().map_err(|_| type_error(v, "constant string"))?;
            // Unparsable text is left alone: the typed model reports it with context.
            if let Some(norm) = normalize_pool(text) {
                v.value = Value::String(norm);
            }
        }
        Kind::Prefix => {
            let text = v.as_str().map_err(|_| type_error(v, "constant string"))?;
            if let Some(norm) = normalize_prefix(text) {
                v.value = Value::String(norm);
            }
        }
        Kind::Identifier(style) => {
            let text = v.as_str().map_err(|_| type_error(v, "constant string"))?;
            if let Some(bytes) = crate::model::read::parse_identifier(text) {
                let printed = match style {
                    IdText::Colons => bytes
                        .iter()
                        .map(|b| format!("{b:02x}"))
                        .collect::<Vec<_>>()
                        .join(":"),
                    IdText::Hex => hex::encode_upper(&bytes),
                };
                v.value = Value::String(printed);
            }
        }
        Kind::UserContext | Kind::AnyMap => {
            v.as_map().map_err(|_| type_error(v, "{"))?;
        }
    }
    Ok(())
}

/// `first - last` / `prefix/len` → Kea's printed form (`first-last`, or `first/len` if the
/// range is exactly one prefix). `None` if the text is not a pool.
pub(crate) fn normalize_pool(text: &str) -> Option<String> {
    use std::net::IpAddr;
    let (first, last): (IpAddr, IpAddr) = match text.split_once('-') {
        Some((a, b)) => (a.trim().parse().ok()?, b.trim().parse().ok()?),
        None => {
            let (a, l) = text.trim().split_once('/')?;
            let addr: IpAddr = a.trim().parse().ok()?;
            let len: u8 = l.trim().parse().ok()?;
            let net = ipnet::IpNet::new(addr, len).ok()?;
            (net.network(), net.broadcast())
        }
    };
    let (f, l, bits) = match (first, last) {
        (IpAddr::V4(a), IpAddr::V4(b)) => {
            (u128::from(u32::from(a)), u128::from(u32::from(b)), 32u32)
        }
        (IpAddr::V6(a), IpAddr::V6(b)) => (u128::from(a), u128::from(b), 128u32),
        _ => return None,
    };
    if f > l {
        return None;
    }
    // A prefix: the span is 2^k addresses and `first` is aligned to it.
    let span = l - f;
    if span
        .checked_add(1)
        .is_some_and(|n| n.is_power_of_two() && f & span == 0)
    {
        let host_bits = (span + 1).trailing_zeros();
        return Some(format!("{first}/{}", bits - host_bits));
    }
    if span == u128::MAX {
        return Some(format!("{first}/0"));
    }
    Some(format!("{first}-{last}"))
}

/// `address/len` in canonical text (`2001:DB8::/64` → `2001:db8::/64`); host bits are kept.
pub(crate) fn normalize_prefix(text: &str) -> Option<String> {
    let net: ipnet::IpNet = text.trim().parse().ok()?;
    Some(net.to_string())
}

fn check_enum(v: &Element, values: &[&str]) -> Result<(), ConfigError> {
    let s = v
        .as_str()
        .map_err(|_| type_error(v, &values.join(" or ")))?;
    if values.contains(&s) {
        Ok(())
    } else {
        Err(enum_error(v, s, values))
    }
}

/// Adds the defaults of `ctx` (recursively) to a validated map, leaving given values alone.
pub(crate) fn fill_defaults(el: &mut Element, ctx: &'static Ctx) {
    let Value::Map(map) = &mut el.value else {
        return;
    };
    for field in ctx.fields() {
        if !map.contains_key(field.key)
            && let Some(d) = &field.default
        {
            let value = match d {
                Def::Bool(b) => Value::Bool(*b),
                Def::Int(i) => Value::Int(*i),
                Def::Float(f) => Value::Float(*f),
                Def::Str(s) => Value::String((*s).to_string()),
                Def::StrList(l) => Value::List(l.iter().map(|s| Element::string(*s)).collect()),
                Def::EmptyList => Value::List(Vec::new()),
                Def::Map => Value::Map(Map::new()),
            };
            map.insert(field.key, Element::from_value(value));
        }
        // Recurse into nested tables (also into values given by the user).
        match (&field.kind, map.get_mut(field.key)) {
            (Kind::Map(sub), Some(v)) => fill_defaults(v, sub),
            (
                Kind::MapList(sub),
                Some(Element {
                    value: Value::List(items),
                    ..
                }),
            ) => {
                for item in items {
                    fill_defaults(item, sub);
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn pools_print_like_kea() {
        assert_eq!(
            normalize_pool("192.0.2.100 - 192.0.2.200").as_deref(),
            Some("192.0.2.100-192.0.2.200")
        );
        assert_eq!(
            normalize_pool("192.0.2.0 - 192.0.2.255").as_deref(),
            Some("192.0.2.0/24")
        );
        assert_eq!(
            normalize_pool("192.0.2.64/26").as_deref(),
            Some("192.0.2.64/26")
        );
        assert_eq!(
            normalize_pool("192.0.2.65/26").as_deref(),
            Some("192.0.2.64/26")
        );
        assert_eq!(
            normalize_pool("192.0.2.7-192.0.2.7").as_deref(),
            Some("192.0.2.7/32")
        );
        assert_eq!(
            normalize_pool("2001:DB8::1:0/112").as_deref(),
            Some("2001:db8::1:0/112")
        );
        assert_eq!(
            normalize_pool("2001:db8::10 - 2001:db8::ff").as_deref(),
            Some("2001:db8::10-2001:db8::ff")
        );
        assert_eq!(normalize_pool("::/0").as_deref(), Some("::/0"));
        assert_eq!(normalize_pool("0.0.0.0/0").as_deref(), Some("0.0.0.0/0"));
        assert_eq!(normalize_pool("10.0.0.9 - 10.0.0.1"), None);
        assert_eq!(normalize_pool("10.0.0.1 - 2001:db8::1"), None);
        assert_eq!(normalize_pool("nonsense"), None);
        assert_eq!(
            normalize_prefix("2001:DB8:0::/64").as_deref(),
            Some("2001:db8::/64")
        );
        assert_eq!(
            normalize_prefix("192.0.2.1/24").as_deref(),
            Some("192.0.2.1/24")
        );
    }

    /// Every keyword reachable from `ctx`.
    fn all_keys(ctx: &'static Ctx, out: &mut BTreeSet<&'static str>, seen: &mut Vec<*const Ctx>) {
        if seen.contains(&(ctx as *const Ctx)) {
            return;
        }
        seen.push(ctx);
        for f in ctx.fields() {
            out.insert(f.key);
            if let Kind::Map(sub) | Kind::MapList(sub) = &f.kind {
                all_keys(sub, out, seen);
            }
        }
    }

    /// The keywords (`"x" ":"`) of one grammar section of the ARM.
    fn grammar_keywords(section: &str, next: &str) -> Option<BTreeSet<String>> {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../../shared/seeds/000_ed755a109c4fcd35.txt"
        );
        let Ok(text) = std::fs::read_to_string(path) else {
            eprintln!("skipping: {path} not found");
            return None;
        };
        let start = text.rfind(section)?;
        let end = text[start + 1..]
            .find(next)
            .map_or(text.len(), |e| start + 1 + e);
        let body = &text[start..end];
        let mut out = BTreeSet::new();
        for (i, _) in body.match_indices("\" \":\"") {
            let before = &body[..i];
            if let Some(q) = before.rfind('"') {
                let kw = &before[q + 1..];
                if !kw.is_empty()
                    && kw
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
                {
                    // The ARM prints the ddns-ttl-max token as "ddns-ttl-mix".
                    out.insert(if kw == "ddns-ttl-mix" {
                        "ddns-ttl-max".to_string()
                    } else {
                        kw.to_string()
                    });
                }
            }
        }
        Some(out)
    }

    fn check(ctx: &'static Ctx, section: &str, next: &str, top: &str) {
        let Some(grammar) = grammar_keywords(section, next) else {
            return;
        };
        let mut known = BTreeSet::new();
        all_keys(ctx, &mut known, &mut Vec::new());
        known.insert(ctx.name);
        let missing: Vec<&String> = grammar
            .iter()
            .filter(|k| !known.contains(k.as_str()) && k.as_str() != top)
            .collect();
        assert!(grammar.len() > 15, "grammar extraction failed: {grammar:?}");
        eprintln!("{section}: {} keywords, all known", grammar.len());
        assert!(
            missing.is_empty(),
            "keywords of {section} not in the tables: {missing:?}"
        );
    }

    #[test]
    fn dhcp4_tables_cover_the_grammar() {
        check(
            &keywords::DHCP4,
            "29.1 BNF Grammar for DHCPv4",
            "29.2 BNF Grammar for DHCPv6",
            "Dhcp4",
        );
    }

    #[test]
    fn dhcp6_tables_cover_the_grammar() {
        check(
            &keywords::DHCP6,
            "29.2 BNF Grammar for DHCPv6",
            "29.3 BNF Grammar for Control Agent",
            "Dhcp6",
        );
    }

    #[test]
    fn netconf_tables_cover_the_grammar() {
        check(
            &keywords::NETCONF,
            "29.5 BNF Grammar for the Kea NETCONF Agent",
            "ACKNOWLEDGMENTS",
            "Netconf",
        );
    }
}
