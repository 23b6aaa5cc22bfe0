//! Printing elements back to text: Kea's compact form (`config-get`, hashing) and an
//! indented form (`config-write`). Both re-parse to the same tree.

use std::fmt::Write;

use crate::element::{Element, Value};

/// Compact Kea style: `{ "a": 1, "b": [ 1, 2 ], "c": {  } }`.
pub fn to_compact(e: &Element) -> String {
    let mut out = String::new();
    compact(e, &mut out);
    out
}

/// Indented with two spaces; lists of scalars stay on one line, as Kea prints them.
pub fn to_pretty(e: &Element) -> String {
    let mut out = String::new();
    pretty(e, 0, &mut out);
    out
}

fn compact(e: &Element, out: &mut String) {
    match &e.value {
        Value::List(items) => {
            out.push_str("[ ");
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                compact(item, out);
            }
            out.push_str(" ]");
        }
        Value::Map(m) => {
            out.push_str("{ ");
            for (i, (k, v)) in m.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_string(k, out);
                out.push_str(": ");
                compact(v, out);
            }
            out.push_str(" }");
        }
        _ => scalar(e, out),
    }
}

fn indent(n: usize, out: &mut String) {
    for _ in 0..n {
        out.push_str("  ");
    }
}

fn pretty(e: &Element, level: usize, out: &mut String) {
    match &e.value {
        Value::List(items) if items.is_empty() => out.push_str("[ ]"),
        Value::List(items) => {
            let nested = matches!(items[0].value, Value::List(_) | Value::Map(_));
            if nested {
                out.push_str("[\n");
                for (i, item) in items.iter().enumerate() {
                    indent(level + 1, out);
                    pretty(item, level + 1, out);
                    if i + 1 < items.len() {
                        out.push(',');
                    }
                    out.push('\n');
                }
                indent(level, out);
                out.push(']');
            } else {
                out.push_str("[ ");
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    pretty(item, level + 1, out);
                }
                out.push_str(" ]");
            }
        }
        Value::Map(m) if m.is_empty() => out.push_str("{ }"),
        Value::Map(m) => {
            out.push_str("{\n");
            let n = m.len();
            for (i, (k, v)) in m.iter().enumerate() {
                indent(level + 1, out);
                write_string(k, out);
                out.push_str(": ");
                pretty(v, level + 1, out);
                if i + 1 < n {
                    out.push(',');
                }
                out.push('\n');
            }
            indent(level, out);
            out.push('}');
        }
        _ => scalar(e, out),
    }
}

fn scalar(e: &Element, out: &mut String) {
    match &e.value {
        Value::Null => out.push_str("null"),
        Value::Bool(true) => out.push_str("true"),
        Value::Bool(false) => out.push_str("false"),
        Value::Int(i) => {
            let _ = write!(out, "{i}");
        }
        Value::Float(f) => write_float(*f, out),
        Value::String(s) => write_string(s, out),
        Value::List(_) | Value::Map(_) => {}
    }
}

/// Shortest text that reads back as the same `f64`, always with a fraction or exponent
/// so it re-parses as a float (Kea would print `1` for 1.0, which re-parses as an integer).
fn write_float(f: f64, out: &mut String) {
    if !f.is_finite() {
        out.push_str("null");
        return;
    }
    let _ = write!(out, "{f:?}");
}

/// JSON string with the escapes Kea's `toJSON` uses.
pub(crate) fn write_string(s: &str, out: &mut String) {
    out.reserve(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use crate::parser::parse_str;

    #[test]
    fn compact_matches_kea_style() {
        let e = parse_str(
            r#"{"b": [1, 2.5, 1.0], "a": {}, "c": [], "d": "x\"\n\u0001"}"#,
            "t",
        )
        .unwrap();
        assert_eq!(
            e.to_compact_string(),
            r#"{ "a": {  }, "b": [ 1, 2.5, 1.0 ], "c": [  ], "d": "x\"\n\u0001" }"#
        );
    }

    #[test]
    fn pretty_layout() {
        let e = parse_str(r#"{"l": [1, 2], "m": [{"x": true}], "e": {}}"#, "t").unwrap();
        assert_eq!(
            e.to_pretty_string(),
            "{\n  \"e\": { },\n  \"l\": [ 1, 2 ],\n  \"m\": [\n    {\n      \"x\": true\n    }\n  ]\n}"
        );
    }

    #[test]
    fn both_forms_round_trip() {
        let text = r#"{"f": [1e-7, 1e300, -0.0, 123.456], "s": "é\\/", "n": null, "i": -9223372036854775808}"#;
        let e = parse_str(text, "t").unwrap();
        assert_eq!(parse_str(&e.to_compact_string(), "t").unwrap(), e);
        assert_eq!(parse_str(&e.to_pretty_string(), "t").unwrap(), e);
    }
}
