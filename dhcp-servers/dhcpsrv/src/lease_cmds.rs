//! Argument handling of the lease commands both servers answer the same way
//! (`lease4-write`/`lease6-write`, `lease4-resend-ddns`/`lease6-resend-ddns`). Each function
//! returns `Ok(success text)` or `Err(error text)` with Kea's texts.

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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

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
