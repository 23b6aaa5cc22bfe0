//! DNR options (RFC 9463: v6-dnr 144, v4-dnr 162) in Kea's text notation:
//! `"priority, adn-fqdn[, ip ip ...[, key=value key=value ...]]"`, with DHCPv4 instances
//! separated by `|`. Lists inside a value (several ALPN ids) use `\,` so the commas are
//! not taken as field separators.

use std::fmt::Write as _;
use std::net::{Ipv4Addr, Ipv6Addr};

use crate::name::{decode_name, encode_name};
use crate::optdata::{OptionDataError, split_csv};

/// SvcParamKeys (RFC 9460 §14.3.2) accepted in DNR options.
const KEYS: &[(&str, u16)] = &[
    ("mandatory", 0),
    ("alpn", 1),
    ("no-default-alpn", 2),
    ("port", 3),
    ("dohpath", 7),
];

fn bad(code: u16, reason: String) -> OptionDataError {
    OptionDataError::Malformed { code, reason }
}

/// Splits on `sep` unless escaped as `\<sep>` (the escape is kept for the next stage
/// only when it is not `sep`).
fn split_escaped(s: &str, sep: char) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' && chars.peek() == Some(&sep) {
            chars.next();
            cur.push(sep);
        } else if c == sep {
            out.push(std::mem::take(&mut cur));
        } else {
            cur.push(c);
        }
    }
    out.push(cur);
    out
}

/// Encodes Kea's DNR text for `v6-dnr` (`v4 == false`) or `v4-dnr` (`v4 == true`).
pub(crate) fn encode_dnr(
    code: u16,
    v4: bool,
    data: &str,
    out: &mut Vec<u8>,
) -> Result<(), OptionDataError> {
    if !v4 {
        return encode_instance(code, false, data, out);
    }
    let mut any = false;
    for inst in split_escaped(data, '|') {
        if inst.trim().is_empty() {
            continue;
        }
        any = true;
        let len_at = out.len();
        out.extend_from_slice(&[0, 0]);
        encode_instance(code, true, &inst, out)?;
        let len = out.len() - len_at - 2;
        let len = u16::try_from(len)
            .map_err(|_| bad(code, "DNR instance longer than 65535 bytes".into()))?;
        out[len_at..len_at + 2].copy_from_slice(&len.to_be_bytes());
    }
    if !any {
        return Err(OptionDataError::NoValue);
    }
    Ok(())
}

fn encode_instance(
    code: u16,
    v4: bool,
    text: &str,
    out: &mut Vec<u8>,
) -> Result<(), OptionDataError> {
    let fields = split_csv(text);
    let [prio, adn, rest @ ..] = fields.as_slice() else {
        return Err(bad(
            code,
            format!(
                "DNR instance '{}' needs at least a service priority and an ADN",
                text.trim()
            ),
        ));
    };
    if rest.len() > 2 {
        return Err(bad(
            code,
            format!(
                "DNR instance '{}' has more than 4 fields (use \\, inside a value)",
                text.trim()
            ),
        ));
    }
    let prio: u16 = prio.parse().map_err(|_| OptionDataError::IntRange {
        value: prio.clone(),
        min: 0,
        max: 65535,
    })?;
    out.extend_from_slice(&prio.to_be_bytes());
    let mut name = Vec::new();
    encode_name(adn, true, &mut name)
        .map_err(|e| bad(code, format!("invalid ADN '{adn}': {e}")))?;
    if name.len() <= 1 {
        return Err(bad(code, "the ADN must not be the root name".into()));
    }
    if v4 {
        out.push(name.len() as u8);
    } else {
        out.extend_from_slice(&(name.len() as u16).to_be_bytes());
    }
    out.extend_from_slice(&name);
    let Some(addrs) = rest.first() else {
        return Ok(()); // ADN-only mode (RFC 9463 §3.1.6)
    };
    let mut packed = Vec::new();
    for a in addrs.split_whitespace() {
        if v4 {
            let ip: Ipv4Addr = a
                .parse()
                .map_err(|_| OptionDataError::Address(a.to_owned()))?;
            packed.extend_from_slice(&ip.octets());
        } else {
            let ip: Ipv6Addr = a
                .parse()
                .map_err(|_| OptionDataError::Address(a.to_owned()))?;
            packed.extend_from_slice(&ip.octets());
        }
    }
    if packed.is_empty() {
        return Err(bad(code, "DNR addresses field is empty".into()));
    }
    if v4 {
        let len =
            u8::try_from(packed.len()).map_err(|_| bad(code, "too many DNR addresses".into()))?;
        out.push(len);
    } else {
        out.extend_from_slice(&(packed.len() as u16).to_be_bytes());
    }
    out.extend_from_slice(&packed);
    if let Some(params) = rest.get(1) {
        encode_svc_params(code, params, out)?;
    }
    Ok(())
}

fn encode_svc_params(code: u16, text: &str, out: &mut Vec<u8>) -> Result<(), OptionDataError> {
    let mut params: Vec<(u16, Vec<u8>)> = Vec::new();
    for kv in text.split_whitespace() {
        let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
        let &(_, key) = KEYS
            .iter()
            .find(|(name, _)| *name == k)
            .ok_or_else(|| bad(code, format!("unsupported DNR service parameter '{k}'")))?;
        if params.iter().any(|(p, _)| *p == key) {
            return Err(bad(
                code,
                format!("DNR service parameter '{k}' given twice"),
            ));
        }
        let mut value = Vec::new();
        match key {
            0 => {
                for m in v.split(',') {
                    let &(_, mk) = KEYS
                        .iter()
                        .find(|(name, _)| *name == m)
                        .ok_or_else(|| bad(code, format!("unsupported mandatory key '{m}'")))?;
                    value.extend_from_slice(&mk.to_be_bytes());
                }
            }
            1 => {
                for id in v.split(',') {
                    let len = u8::try_from(id.len())
                        .ok()
                        .filter(|l| *l > 0)
                        .ok_or_else(|| bad(code, format!("invalid alpn id '{id}'")))?;
                    value.push(len);
                    value.extend_from_slice(id.as_bytes());
                }
            }
            2 => {
                if !v.is_empty() {
                    return Err(bad(code, "no-default-alpn takes no value".into()));
                }
            }
            3 => {
                let port: u16 = v
                    .parse()
                    .map_err(|_| bad(code, format!("invalid port '{v}'")))?;
                value.extend_from_slice(&port.to_be_bytes());
            }
            _ => value.extend_from_slice(v.as_bytes()), // dohpath: URI template
        }
        params.push((key, value));
    }
    // RFC 9460: SvcParams in strictly increasing key order.
    params.sort_by_key(|(k, _)| *k);
    for (k, v) in params {
        let len = u16::try_from(v.len())
            .map_err(|_| bad(code, "DNR service parameter too long".into()))?;
        out.extend_from_slice(&k.to_be_bytes());
        out.extend_from_slice(&len.to_be_bytes());
        out.extend_from_slice(&v);
    }
    Ok(())
}

/// Formats a DNR option value back to Kea's notation.
pub(crate) fn format_dnr(
    code: u16,
    v4: bool,
    mut v: &[u8],
    out: &mut String,
) -> Result<(), OptionDataError> {
    if !v4 {
        return format_instance(code, false, v, out);
    }
    let mut first = true;
    while !v.is_empty() {
        let (len, rest) = v
            .split_first_chunk::<2>()
            .ok_or_else(|| bad(code, "truncated DNR instance length".into()))?;
        let len = usize::from(u16::from_be_bytes(*len));
        let inst = rest
            .get(..len)
            .ok_or_else(|| bad(code, "DNR instance runs past the option".into()))?;
        if !std::mem::take(&mut first) {
            out.push_str(" | ");
        }
        format_instance(code, true, inst, out)?;
        v = &rest[len..];
    }
    Ok(())
}

fn take<'a>(code: u16, v: &mut &'a [u8], n: usize) -> Result<&'a [u8], OptionDataError> {
    if v.len() < n {
        return Err(bad(code, "truncated DNR instance".into()));
    }
    let (h, t) = v.split_at(n);
    *v = t;
    Ok(h)
}

fn format_instance(
    code: u16,
    v4: bool,
    mut v: &[u8],
    out: &mut String,
) -> Result<(), OptionDataError> {
    let p = take(code, &mut v, 2)?;
    let _ = write!(out, "{}", u16::from_be_bytes([p[0], p[1]]));
    let adn_len = if v4 {
        usize::from(take(code, &mut v, 1)?[0])
    } else {
        let l = take(code, &mut v, 2)?;
        usize::from(u16::from_be_bytes([l[0], l[1]]))
    };
    let adn = take(code, &mut v, adn_len)?;
    let n = decode_name(adn).map_err(|e| bad(code, format!("invalid ADN: {e}")))?;
    if !n.fully_qualified || n.consumed != adn.len() || n.text.is_empty() {
        return Err(bad(
            code,
            "the ADN is not a single fully qualified name".into(),
        ));
    }
    let _ = write!(out, ", {}.", n.text);
    if v.is_empty() {
        return Ok(());
    }
    let addr_len = if v4 {
        usize::from(take(code, &mut v, 1)?[0])
    } else {
        let l = take(code, &mut v, 2)?;
        usize::from(u16::from_be_bytes([l[0], l[1]]))
    };
    let size = if v4 { 4 } else { 16 };
    if addr_len == 0 || addr_len % size != 0 {
        return Err(bad(
            code,
            format!("DNR address length {addr_len} is not a non-zero multiple of {size}"),
        ));
    }
    out.push_str(", ");
    for (i, a) in take(code, &mut v, addr_len)?.chunks_exact(size).enumerate() {
        if i > 0 {
            out.push(' ');
        }
        let _ = if v4 {
            write!(out, "{}", Ipv4Addr::new(a[0], a[1], a[2], a[3]))
        } else {
            let mut b = [0u8; 16];
            b.copy_from_slice(a);
            write!(out, "{}", Ipv6Addr::from(b))
        };
    }
    let mut first = true;
    while !v.is_empty() {
        let h = take(code, &mut v, 4)?;
        let key = u16::from_be_bytes([h[0], h[1]]);
        let val = take(code, &mut v, usize::from(u16::from_be_bytes([h[2], h[3]])))?;
        out.push_str(if std::mem::take(&mut first) {
            ", "
        } else {
            " "
        });
        let name = KEYS
            .iter()
            .find(|(_, k)| *k == key)
            .map(|(n, _)| *n)
            .ok_or_else(|| bad(code, format!("unsupported DNR service parameter key {key}")))?;
        out.push_str(name);
        match key {
            0 => {
                if val.len() % 2 != 0 {
                    return Err(bad(code, "odd mandatory key list".into()));
                }
                out.push('=');
                for (i, k) in val.chunks_exact(2).enumerate() {
                    let k = u16::from_be_bytes([k[0], k[1]]);
                    let n = KEYS
                        .iter()
                        .find(|(_, x)| *x == k)
                        .map(|(n, _)| *n)
                        .ok_or_else(|| bad(code, format!("unsupported mandatory key {k}")))?;
                    if i > 0 {
                        out.push_str("\\,");
                    }
                    out.push_str(n);
                }
            }
            1 => {
                out.push('=');
                let mut ids = val;
                let mut i = 0;
                while !ids.is_empty() {
                    let l = usize::from(take(code, &mut ids, 1)?[0]);
                    let id = take(code, &mut ids, l)?;
                    if i > 0 {
                        out.push_str("\\,");
                    }
                    out.push_str(&String::from_utf8_lossy(id));
                    i += 1;
                }
            }
            2 => {
                if !val.is_empty() {
                    return Err(bad(code, "no-default-alpn carries a value".into()));
                }
            }
            3 => {
                let p: [u8; 2] = val
                    .try_into()
                    .map_err(|_| bad(code, "port must be 2 bytes".into()))?;
                let _ = write!(out, "={}", u16::from_be_bytes(p));
            }
            _ => {
                out.push('=');
                let path = String::from_utf8_lossy(val).replace(',', "\\,");
                // In DHCPv4 a bare '|' would start a new instance.
                out.push_str(&if v4 { path.replace('|', "\\|") } else { path });
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn v6_dnr_matches_the_arm_example() {
        let mut out = Vec::new();
        encode_dnr(
            144,
            false,
            "100, dot1.example.org., 2001:db8::1 2001:db8::2, alpn=dot port=8530",
            &mut out,
        )
        .unwrap();
        let mut want = vec![0x00, 0x64, 0x00, 0x12];
        want.extend_from_slice(b"\x04dot1\x07example\x03org\x00");
        want.extend_from_slice(&[0x00, 0x20]);
        want.extend_from_slice(&"2001:db8::1".parse::<Ipv6Addr>().unwrap().octets());
        want.extend_from_slice(&"2001:db8::2".parse::<Ipv6Addr>().unwrap().octets());
        want.extend_from_slice(&[0, 1, 0, 4, 3, b'd', b'o', b't', 0, 3, 0, 2, 0x21, 0x52]);
        assert_eq!(out, want);
        let mut text = String::new();
        format_dnr(144, false, &out, &mut text).unwrap();
        assert_eq!(
            text,
            "100, dot1.example.org., 2001:db8::1 2001:db8::2, alpn=dot port=8530"
        );
    }

    #[test]
    fn v4_dnr_instances_and_alpn_lists() {
        let text = "2, resolver.example., 10.0.5.6, alpn=dot\\,doq port=8530 | 3, fooexp.resolver.example.";
        let mut out = Vec::new();
        encode_dnr(162, true, text, &mut out).unwrap();
        // First instance: len, prio 2, ADN length 18 (\x08resolver\x07example\x00), ...
        assert_eq!(&out[2..5], &[0, 2, 18]);
        let mut back = String::new();
        format_dnr(162, true, &out, &mut back).unwrap();
        assert_eq!(back, text);
        let mut again = Vec::new();
        encode_dnr(162, true, &back, &mut again).unwrap();
        assert_eq!(again, out);

        let doh = "1, doh.example., 10.0.0.1, alpn=h2 dohpath=/q{?dns\\|x}";
        let mut out = Vec::new();
        encode_dnr(162, true, doh, &mut out).unwrap();
        assert!(out.windows(4).any(|w| w == b"dns|"));
        let mut back = String::new();
        format_dnr(162, true, &out, &mut back).unwrap();
        assert_eq!(back, doh);
    }

    #[test]
    fn dnr_errors() {
        let e = |t: &str| encode_dnr(144, false, t, &mut Vec::new()).unwrap_err();
        assert!(matches!(e("100"), OptionDataError::Malformed { .. }));
        assert!(matches!(
            e("x, a.example."),
            OptionDataError::IntRange { .. }
        ));
        assert!(matches!(
            e("1, a.example., 10.0.0.1"),
            OptionDataError::Address(_)
        ));
        assert!(matches!(
            e("1, a.example., ::1, ipv6hint=::1"),
            OptionDataError::Malformed { .. }
        ));
        assert!(matches!(
            e("1, a.example., ::1, port=x"),
            OptionDataError::Malformed { .. }
        ));
        assert!(encode_dnr(162, true, " | ", &mut Vec::new()).is_err());
        let mut s = String::new();
        assert!(format_dnr(144, false, &[0, 1, 0, 5, 1], &mut s).is_err());
    }
}
