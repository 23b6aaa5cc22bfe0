//! Argument handling of the lease commands both servers answer the same way
//! (`leaseN-write`, `leaseN-resend-ddns`, and the field readers of `leaseN-add`/`-update`,
//! `-get`, `-get-page`, `-get-all`, `-wipe`). Errors are Kea's texts. Kea appends the
//! position of the offending JSON element (`(<wire>:0:<column>)`); the command layer does
//! not keep the request text, so the column is always 0 here.

use std::net::IpAddr;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

/// `leaseN-write`: checks `filename`, resolves it with `resolve` (the data directory rule)
/// and writes with `write`. `family` is "IPv4" or "IPv6".
pub fn lease_write<E: std::fmt::Display, P: std::fmt::Display>(
    args: Option<&Map<String, Value>>,
    family: &str,
    resolve: impl FnOnce(&str) -> Result<PathBuf, P>,
    write: impl FnOnce(&Path) -> Result<(), E>,
) -> Result<String, String> {
    let a = args.ok_or("no parameters specified for the command")?;
    let name = match a.get("filename") {
        None => return Err("'filename' parameter not specified".into()),
        Some(Value::String(s)) => s,
        Some(_) => return Err("'filename' parameter must be a string".into()),
    };
    if name.is_empty() {
        return Err("'filename' parameter is empty".into());
    }
    let path = resolve(name).map_err(|e| e.to_string())?;
    write(&path).map_err(|e| e.to_string())?;
    Ok(format!(
        "{family} lease database into '{}'.",
        path.display()
    ))
}

/// `leaseN-resend-ddns` on a server that sends no DNS updates: the address is checked as
/// Kea checks it (`is_family` tells whether the text is an address of the right family),
/// then the answer is Kea's "DDNS disabled" error.
pub fn resend_ddns(
    args: Option<&Map<String, Value>>,
    family: &str,
    is_family: impl FnOnce(&str) -> bool,
) -> Result<String, String> {
    let a = args.ok_or("Parameters missing or are not a map.")?;
    let text = match a.get("ip-address") {
        None => return Err("'ip-address' parameter is missing.".into()),
        Some(Value::String(s)) => s,
        Some(_) => return Err("'ip-address' is not a string.".into()),
    };
    if text.parse::<std::net::IpAddr>().is_err() {
        return Err(format!("'{text}' is not a valid IP address."));
    }
    if !is_family(text) {
        return Err(format!("Invalid {family} address specified: {text}"));
    }
    Err("DDNS updating is not enabled".into())
}

/// The position suffix of element errors (column not tracked).
const AT: &str = "(<wire>:0:0)";

type Args = Map<String, Value>;

/// `missing parameter 'key' (<wire>:0:0)`.
pub fn missing(key: &str) -> String {
    format!("missing parameter '{key}' {AT}")
}

/// `invalid type specified for parameter 'key' (<wire>:0:0)`.
pub fn bad_type(key: &str) -> String {
    format!("invalid type specified for parameter '{key}' {AT}")
}

/// An optional integer in `0..=max`.
pub fn opt_uint(a: &Args, key: &str, max: u64) -> Result<Option<u64>, String> {
    match a.get(key) {
        None => Ok(None),
        Some(Value::Number(n)) => match n.as_i64() {
            Some(v) if v >= 0 && (v as u64) <= max => Ok(Some(v as u64)),
            Some(v) => Err(format!(
                "out of range value ({v}) specified for parameter '{key}' {AT}"
            )),
            None => match n.as_u64() {
                Some(v) if v <= max => Ok(Some(v)),
                _ => Err(format!(
                    "out of range value ({n}) specified for parameter '{key}' {AT}"
                )),
            },
        },
        Some(_) => Err(bad_type(key)),
    }
}

/// An optional signed integer.
pub fn opt_int(a: &Args, key: &str) -> Result<Option<i64>, String> {
    match a.get(key) {
        None => Ok(None),
        Some(v) => v.as_i64().map(Some).ok_or_else(|| bad_type(key)),
    }
}

/// An optional boolean.
pub fn opt_bool(a: &Args, key: &str) -> Result<Option<bool>, String> {
    match a.get(key) {
        None => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        Some(_) => Err(bad_type(key)),
    }
}

/// An optional string.
pub fn opt_str<'a>(a: &'a Args, key: &str) -> Result<Option<&'a str>, String> {
    match a.get(key) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(bad_type(key)),
    }
}

/// A mandatory string.
pub fn req_str<'a>(a: &'a Args, key: &str) -> Result<&'a str, String> {
    opt_str(a, key)?.ok_or_else(|| missing(key))
}

fn family(v6: bool) -> &'static str {
    if v6 { "IPv6" } else { "IPv4" }
}

/// The `ip-address` of a lease to add or update.
pub fn lease_address(a: &Args, v6: bool) -> Result<IpAddr, String> {
    let s = req_str(a, "ip-address")?;
    let addr: IpAddr = s.parse().map_err(|_| {
        format!(
            "Failed to convert '{s}' to address: Failed to convert string to address '{s}': Invalid argument{AT}"
        )
    })?;
    if addr.is_ipv6() != v6 {
        return Err(format!("Non-{} address specified: {s}", family(v6)));
    }
    Ok(addr)
}

/// The `ip-address` naming a lease to get or delete (None when absent).
pub fn lookup_address(a: &Args, v6: bool) -> Result<Option<IpAddr>, String> {
    let s = match a.get("ip-address") {
        None => return Ok(None),
        Some(Value::String(s)) => s,
        Some(_) => return Err("'ip-address' is not a string.".into()),
    };
    let addr: IpAddr = s
        .parse()
        .map_err(|_| format!("Failed to convert string to address '{s}': Invalid argument"))?;
    if addr.is_ipv6() != v6 {
        return Err(format!("Invalid {} address specified: {s}", family(v6)));
    }
    Ok(Some(addr))
}

/// The checks Kea makes on every get/del argument map before naming the lease:
/// `update-ddns` must be a boolean and `type` one of IA_NA, IA_TA, IA_PD, V4 (or 0-3).
/// Returns the type (None when absent).
pub fn lookup_common(a: &Args) -> Result<Option<&str>, String> {
    if let Some(v) = a.get("update-ddns")
        && !v.is_boolean()
    {
        return Err("'update-ddns' is not a boolean".into());
    }
    match a.get("type") {
        None => Ok(None),
        Some(Value::String(t)) => match t.as_str() {
            "IA_NA" | "0" | "IA_TA" | "1" | "IA_PD" | "2" | "V4" | "3" => Ok(Some(t)),
            other => Err(format!(
                "Invalid lease type specified: {other}, only supported values are: IA_NA, IA_TA, IA_PD and V4"
            )),
        },
        Some(_) => Err(
            "Invalid lease type specified: only supported values are: IA_NA, IA_TA, IA_PD and V4"
                .into(),
        ),
    }
}

/// The optional `state`: 0 default, 1 declined, 2 expired-reclaimed, 3 released, and for
/// v6 (`max` 4) 4 registered.
pub fn lease_state(a: &Args, max: u32) -> Result<Option<u32>, String> {
    let Some(v) = a.get("state") else {
        return Ok(None);
    };
    let n = v.as_i64().ok_or_else(|| bad_type("state"))?;
    if (0..=i64::from(max)).contains(&n) {
        return Ok(Some(n as u32));
    }
    let names = [
        "0 (default)",
        "1 (declined)",
        "2 (expired-reclaimed)",
        "3 (released)",
        "4 (registered)",
    ];
    let allowed = &names[..=(max as usize).min(names.len() - 1)];
    let (last, rest) = allowed.split_last().unwrap_or((&"", &[]));
    Err(format!(
        "Invalid state value: {n}, supported values are: {} and {last}",
        rest.join(", ")
    ))
}

/// The optional `user-context` (a map), as compact JSON.
pub fn user_context(a: &Args) -> Result<Option<String>, String> {
    match a.get("user-context") {
        None => Ok(None),
        Some(v) if v.is_object() => Ok(Some(v.to_string())),
        Some(v) => Err(format!("Invalid user context '{v}' is not a JSON map.")),
    }
}

/// Text for an identifier (client-id, DUID) that is not hexadecimal.
pub fn bad_hex(text: &str) -> String {
    format!("'{text}' is not a valid string of hexadecimal digits")
}

/// Text for a hardware address that is not hexadecimal (names the first bad digit).
pub fn bad_hw_address(text: &str) -> String {
    match text
        .chars()
        .find(|c| !c.is_ascii_hexdigit() && !matches!(c, ':' | '-' | ' '))
    {
        Some(c) => format!("'{c}' is not a valid hexadecimal digit in decoded string '{text}'"),
        None => bad_hex(text),
    }
}

/// `leaseN-get-page`: (the address after which to start, page size).
pub fn page_args(
    args: Option<&Value>,
    cmd: &str,
    v6: bool,
) -> Result<(Option<IpAddr>, usize), String> {
    let a = match args {
        Some(Value::Object(m)) => m,
        _ => return Err(format!("no parameters specified for the {cmd} command")),
    };
    let from = match a.get("from") {
        None => return Err("'from' parameter not specified".into()),
        Some(Value::String(s)) if s == "start" => None,
        Some(Value::String(s)) => {
            let addr: IpAddr = s.parse().map_err(|_| {
                format!(
                    "'from' parameter value is neither 'start' keyword nor a valid {} address",
                    family(v6)
                )
            })?;
            if addr.is_ipv6() != v6 {
                return Err(format!(
                    "'from' parameter value {s} is not an {} address",
                    family(v6)
                ));
            }
            (!addr.is_unspecified()).then_some(addr)
        }
        Some(_) => return Err("'from' parameter must be a string".into()),
    };
    let limit = match a.get("limit") {
        None => return Err("'limit' parameter not specified".into()),
        Some(Value::Number(n)) => match n.as_i64() {
            Some(0) => return Err("page size of retrieved leases must not be 0".into()),
            Some(v) if v > 0 && v <= i64::from(u32::MAX) => v as usize,
            _ => {
                return Err(
                    "page size of retrieved leases must not be greater than 4294967295".into(),
                );
            }
        },
        Some(_) => return Err("'limit' parameter must be a number".into()),
    };
    Ok((from, limit))
}

/// `leaseN-get-all`: `None` for every lease, or the listed subnet ids.
pub fn subnets_arg(args: Option<&Value>) -> Result<Option<Vec<u32>>, String> {
    let Some(a) = args else {
        return Ok(None);
    };
    let Some(list) = a.get("subnets") else {
        return Err("'subnets' parameter not specified".into());
    };
    let Value::Array(list) = list else {
        return Err("'subnets' parameter must be a list".into());
    };
    list.iter()
        .map(|v| {
            v.as_u64()
                .and_then(|x| u32::try_from(x).ok())
                .ok_or_else(|| "listed subnet identifiers must be numbers".to_string())
        })
        .collect::<Result<Vec<_>, _>>()
        .map(Some)
}

/// `leaseN-wipe`: the subnet id (0 = all subnets).
pub fn wipe_arg(args: Option<&Value>) -> Result<u32, String> {
    match args {
        Some(Value::Object(a)) => {
            Ok(opt_uint(a, "subnet-id", u64::from(u32::MAX))?.unwrap_or(0) as u32)
        }
        _ => Ok(0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn field_readers() {
        let a = json!({"n": -5, "s": "x", "b": true, "big": 70000})
            .as_object()
            .cloned()
            .unwrap();
        assert_eq!(
            opt_uint(&a, "n", 10),
            Err("out of range value (-5) specified for parameter 'n' (<wire>:0:0)".into())
        );
        assert_eq!(
            opt_uint(&a, "s", 10),
            Err("invalid type specified for parameter 's' (<wire>:0:0)".into())
        );
        assert!(opt_uint(&a, "big", 65535).unwrap_err().contains("70000"));
        assert_eq!(opt_uint(&a, "none", 10), Ok(None));
        assert_eq!(opt_bool(&a, "b"), Ok(Some(true)));
        assert!(opt_bool(&a, "s").is_err());
        assert_eq!(
            req_str(&a, "q"),
            Err("missing parameter 'q' (<wire>:0:0)".into())
        );
    }

    #[test]
    fn addresses_and_state() {
        let m = |v: Value| v.as_object().cloned().unwrap();
        assert_eq!(
            lease_address(&m(json!({"ip-address": "2001:db8::1"})), false),
            Err("Non-IPv4 address specified: 2001:db8::1".into())
        );
        assert_eq!(
            lease_address(&m(json!({"ip-address": "zz"})), true),
            Err("Failed to convert 'zz' to address: Failed to convert string to address 'zz': Invalid argument(<wire>:0:0)".into())
        );
        assert_eq!(
            lookup_address(&m(json!({"ip-address": "192.0.2.1"})), true),
            Err("Invalid IPv6 address specified: 192.0.2.1".into())
        );
        assert_eq!(lookup_address(&m(json!({})), true), Ok(None));
        assert_eq!(
            lease_state(&m(json!({"state": 7})), 3),
            Err("Invalid state value: 7, supported values are: 0 (default), 1 (declined), 2 (expired-reclaimed) and 3 (released)".into())
        );
        assert_eq!(lease_state(&m(json!({"state": 4})), 4), Ok(Some(4)));
        assert_eq!(
            user_context(&m(json!({"user-context": 5}))),
            Err("Invalid user context '5' is not a JSON map.".into())
        );
        assert_eq!(
            bad_hw_address("zz"),
            "'z' is not a valid hexadecimal digit in decoded string 'zz'"
        );
    }

    #[test]
    fn lookup_checks() {
        let m = |v: Value| v.as_object().cloned().unwrap();
        assert_eq!(
            lookup_common(&m(json!({"update-ddns": "x"}))),
            Err("'update-ddns' is not a boolean".into())
        );
        assert_eq!(lookup_common(&m(json!({"type": "2"}))), Ok(Some("2")));
        assert!(lookup_common(&m(json!({"type": "IA_XX"}))).is_err());
        assert_eq!(lookup_common(&m(json!({"update-ddns": true}))), Ok(None));
    }

    #[test]
    fn page_subnets_wipe() {
        let p = |v: Value| page_args(Some(&v), "lease4-get-page", false);
        assert_eq!(p(json!({"from": "start", "limit": 2})), Ok((None, 2)));
        assert_eq!(
            p(json!({"from": "zz", "limit": 2})),
            Err(
                "'from' parameter value is neither 'start' keyword nor a valid IPv4 address".into()
            )
        );
        assert_eq!(
            p(json!({"from": "2001:db8::1", "limit": 2})),
            Err("'from' parameter value 2001:db8::1 is not an IPv4 address".into())
        );
        assert_eq!(
            p(json!({"from": "start", "limit": "2"})),
            Err("'limit' parameter must be a number".into())
        );
        assert_eq!(
            page_args(None, "lease6-get-page", true),
            Err("no parameters specified for the lease6-get-page command".into())
        );
        assert_eq!(subnets_arg(None), Ok(None));
        assert_eq!(
            subnets_arg(Some(&json!({}))),
            Err("'subnets' parameter not specified".into())
        );
        assert_eq!(
            subnets_arg(Some(&json!({"subnets": [1, 2]}))),
            Ok(Some(vec![1, 2]))
        );
        assert_eq!(wipe_arg(Some(&json!({"subnet-id": 3}))), Ok(3));
        assert!(wipe_arg(Some(&json!({"subnet-id": "x"}))).is_err());
        assert_eq!(wipe_arg(None), Ok(0));
    }

    fn m(v: Value) -> Option<Map<String, Value>> {
        v.as_object().cloned()
    }

    #[test]
    fn resend_ddns_texts() {
        let v4 = |s: &str| s.parse::<std::net::Ipv4Addr>().is_ok();
        let r = |v: Value| resend_ddns(m(v).as_ref(), "IPv4", v4);
        assert_eq!(
            r(json!({})),
            Err("'ip-address' parameter is missing.".into())
        );
        assert_eq!(
            r(json!({"ip-address": 5})),
            Err("'ip-address' is not a string.".into())
        );
        assert_eq!(
            r(json!({"ip-address": "zz"})),
            Err("'zz' is not a valid IP address.".into())
        );
        assert_eq!(
            r(json!({"ip-address": "2001:db8::1"})),
            Err("Invalid IPv4 address specified: 2001:db8::1".into())
        );
        assert_eq!(
            r(json!({"ip-address": "192.0.2.1"})),
            Err("DDNS updating is not enabled".into())
        );
    }

    #[test]
    fn write_checks_and_writes() {
        let dir = std::env::temp_dir();
        let ok_resolve = |n: &str| Ok::<_, String>(dir.join(n));
        let wrote = std::cell::Cell::new(false);
        let res = lease_write(
            m(json!({"filename": "x.csv"})).as_ref(),
            "IPv4",
            ok_resolve,
            |_| {
                wrote.set(true);
                Ok::<_, String>(())
            },
        );
        assert_eq!(
            res,
            Ok(format!(
                "IPv4 lease database into '{}'.",
                dir.join("x.csv").display()
            ))
        );
        assert!(wrote.get());
        let never = |_: &Path| -> Result<(), String> { panic!("must not write") };
        assert_eq!(
            lease_write(m(json!({})).as_ref(), "IPv6", ok_resolve, never),
            Err("'filename' parameter not specified".into())
        );
        assert_eq!(
            lease_write(
                m(json!({"filename": ""})).as_ref(),
                "IPv6",
                ok_resolve,
                never
            ),
            Err("'filename' parameter is empty".into())
        );
        assert_eq!(
            lease_write(
                m(json!({"filename": 1})).as_ref(),
                "IPv6",
                ok_resolve,
                never
            ),
            Err("'filename' parameter must be a string".into())
        );
        assert_eq!(
            lease_write(
                m(json!({"filename": "/etc/x"})).as_ref(),
                "IPv6",
                |_| Err::<PathBuf, _>("invalid path"),
                never
            ),
            Err("invalid path".into())
        );
        assert_eq!(
            lease_write(None, "IPv6", ok_resolve, never),
            Err("no parameters specified for the command".into())
        );
    }
}
