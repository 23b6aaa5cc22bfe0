//! Argument parsing shared by `subnet4-select-test`, `subnet4o6-select-test` and
//! `subnet6-select-test`, with the texts Kea answers a bad argument with.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use serde_json::Value;

fn ip(key: &str, v: &Value) -> Result<IpAddr, String> {
    let Value::String(s) = v else {
        return Err(format!("'{key}' entry must be a string"));
    };
    s.parse().map_err(|_| {
        format!("bad '{key}' entry: Failed to convert string to address '{s}': Invalid argument")
    })
}

/// An IPv4 address argument.
pub fn ipv4(key: &str, v: &Value) -> Result<Ipv4Addr, String> {
    match ip(key, v)? {
        IpAddr::V4(a) => Ok(a),
        IpAddr::V6(_) => Err(format!("bad '{key}' entry: not IPv4")),
    }
}

/// An IPv6 address argument.
pub fn ipv6(key: &str, v: &Value) -> Result<Ipv6Addr, String> {
    match ip(key, v)? {
        IpAddr::V6(a) => Ok(a),
        IpAddr::V4(_) => Err(format!("bad '{key}' entry: not IPv6")),
    }
}

/// An `interface-id` argument: a quoted string or hexadecimal bytes.
pub fn interface_id(v: &Value) -> Result<Vec<u8>, String> {
    let Value::String(s) = v else {
        return Err("'interface-id' entry must be a string".into());
    };
    if s.is_empty() {
        return Err("'interface-id' must be not empty".into());
    }
    let quoted = s.len() >= 2
        && ((s.starts_with('"') && s.ends_with('"')) || (s.starts_with('\'') && s.ends_with('\'')));
    if quoted {
        return Ok(s.as_bytes()[1..s.len() - 1].to_vec());
    }
    let hex = s
        .strip_prefix("0x")
        .or_else(|| s.strip_prefix("0X"))
        .unwrap_or(s);
    dhcp_lease::parse_hex(hex).ok_or_else(|| "value of 'interface-id' was not recognized".into())
}

/// A `classes` argument: a list of class names.
pub fn classes(v: &Value) -> Result<Vec<&str>, String> {
    let Value::Array(list) = v else {
        return Err("'classes' entry must be a list".into());
    };
    list.iter()
        .map(|c| {
            c.as_str()
                .ok_or_else(|| "'classes' entry must be a list of strings".to_string())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn arguments_and_their_errors() {
        assert_eq!(
            ipv4("relay", &json!("192.0.2.1")),
            Ok(Ipv4Addr::new(192, 0, 2, 1))
        );
        assert_eq!(
            ipv4("relay", &json!("::1")),
            Err("bad 'relay' entry: not IPv4".into())
        );
        assert_eq!(
            ipv6("link", &json!("10.0.0.1")),
            Err("bad 'link' entry: not IPv6".into())
        );
        assert!(
            ipv6("link", &json!("x"))
                .unwrap_err()
                .contains("Failed to convert")
        );
        assert_eq!(
            ipv4("relay", &json!(1)),
            Err("'relay' entry must be a string".into())
        );
        assert_eq!(interface_id(&json!("'ab'")), Ok(b"ab".to_vec()));
        assert_eq!(interface_id(&json!("0x0a0b")), Ok(vec![10, 11]));
        assert!(interface_id(&json!("")).is_err());
        assert_eq!(classes(&json!(["a", "b"])), Ok(vec!["a", "b"]));
        assert!(classes(&json!([1])).is_err());
    }
}
