//! Conversion between Kea's `option-data` text and option wire bytes, driven by an
//! [`OptionDef`].
//!
//! * [`encode_option_data`]: `data` with `csv-format` true (comma-separated values,
//!   `\,` for a literal comma) or false (hex: `0a0b`, `0x0a0b`, `0a:0b`, `0a 0b`, or a
//!   `'quoted string'`), appended to a byte buffer.
//! * [`format_option_data`]: wire bytes back to the comma-separated text Kea accepts.
//!
//! Error texts follow Kea's wording (as shown by `kea-dhcp4 -t`); wrap them with
//! [`kea_option_error`] to get Kea's full "option data does not match ..." message.

use std::fmt::Write as _;
use std::net::{Ipv4Addr, Ipv6Addr};

use thiserror::Error;

use crate::hex::to_hex;
use crate::name::{NameError, decode_name, encode_name};
use crate::optdef::{DataType, OptionDef, Universe};

/// Why option data text could not be converted (or wire bytes could not be shown).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum OptionDataError {
    /// No value given for an option that needs one.
    #[error("no option value specified")]
    NoValue,
    /// A record needs more values than were given.
    #[error(
        "number of data fields for the option type '{0}' is greater than number of values provided."
    )]
    TooFewFields(u16),
    /// An integer out of range or not a number.
    #[error(
        "unable to convert '{value}' to numeric type. This value is expected to be in the range of {min}..{max}"
    )]
    IntRange {
        /// The text.
        value: String,
        /// Smallest allowed value.
        min: i64,
        /// Largest allowed value.
        max: i64,
    },
    /// A number followed by garbage.
    #[error("unable to convert the value '{0}' to integer data type")]
    IntSyntax(String),
    /// Not true/false/0/1.
    #[error("unable to convert '{0}' to boolean data type")]
    Bool(String),
    /// Not an address of the right family.
    #[error("Failed to convert string to address '{0}': Invalid argument")]
    Address(String),
    /// Not a prefix in address/length form.
    #[error("invalid IPv6 prefix '{0}'")]
    Prefix(String),
    /// PSID text without a '/'.
    #[error("provided PSID value {0} is not valid")]
    PsidSyntax(String),
    /// PSID length above 16.
    #[error("invalid value {0} of PSID length")]
    PsidLength(String),
    /// PSID value does not fit its length.
    #[error("invalid PSID value {psid} for a specified PSID length {len}")]
    PsidValue {
        /// PSID.
        psid: u32,
        /// PSID length.
        len: u8,
    },
    /// Bad hex in a binary field (csv-format true).
    #[error("unable to cast {value} to binary data type: {reason}")]
    Binary {
        /// The text.
        value: String,
        /// What is wrong.
        reason: &'static str,
    },
    /// Bad hex data (csv-format false).
    #[error("option data is not a valid string of hexadecimal digits: {0}")]
    Hex(String),
    /// A domain name that cannot be encoded.
    #[error("{reason} in {name}")]
    Name {
        /// The text.
        name: String,
        /// What is wrong (Kea's wording, e.g. "duplicate period").
        reason: &'static str,
    },
    /// A tuple longer than its length field allows.
    #[error("tuple '{0}' is too long for its length field")]
    TupleTooLong(String),
    /// Data given for a type that carries none.
    #[error("option of type empty carries no data, but '{0}' was given")]
    EmptyWithData(String),
    /// A type Kea handles internally, with no text form here.
    #[error("option '{0}' cannot be configured from text: its format is not supported yet")]
    Unsupported(String),
    /// Wire bytes that do not match the definition.
    #[error("option {code} malformed: {reason}")]
    Malformed {
        /// Option code.
        code: u16,
        /// What is wrong.
        reason: String,
    },
}

/// Kea's full message for an option-data error:
/// "option data does not match option definition (space: dhcp4, code: 23): ...".
pub fn kea_option_error(def: &OptionDef, err: &OptionDataError) -> String {
    match err {
        OptionDataError::Hex(_) => err.to_string(),
        _ => format!(
            "option data does not match option definition (space: {}, code: {}): {err}",
            def.space, def.code
        ),
    }
}

/// Splits Kea's CSV option data: commas separate values, `\,` is a literal comma and
/// `\\` a literal backslash; empty items are dropped and values are trimmed.
pub fn split_csv(data: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut chars = data.chars().peekable();
    let push = |cur: &mut String, out: &mut Vec<String>| {
        if !cur.is_empty() {
            out.push(cur.trim().to_owned());
        }
        cur.clear();
    };
    while let Some(c) = chars.next() {
        match c {
            '\\' if matches!(chars.peek(), Some(',') | Some('\\')) => {
                if let Some(n) = chars.next() {
                    cur.push(n);
                }
            }
            ',' => push(&mut cur, &mut out),
            c => cur.push(c),
        }
    }
    push(&mut cur, &mut out);
    out
}

/// Parses hex option data as Kea accepts it with `csv-format` false: continuous digits
/// (optional `0x`, odd length gets a leading 0), octets of 1-2 digits separated by
/// single colons or single spaces, or a single-quoted string taken literally.
pub fn parse_hex(data: &str) -> Result<Vec<u8>, OptionDataError> {
    let bad = || OptionDataError::Hex(data.to_owned());
    let trimmed = data.trim();
    if trimmed.len() >= 2 && trimmed.starts_with('\'') && trimmed.ends_with('\'') {
        return Ok(trimmed.as_bytes()[1..trimmed.len() - 1].to_vec());
    }
    let sep = if trimmed.contains(':') {
        Some(':')
    } else if trimmed.contains(' ') {
        Some(' ')
    } else {
        None
    };
    let digit = |c: u8| (c as char).to_digit(16).map(|d| d as u8);
    match sep {
        Some(sep) => trimmed
            .split(sep)
            .map(|octet| match octet.as_bytes() {
                [a] => digit(*a).ok_or_else(bad),
                [a, b] => Ok(digit(*a).ok_or_else(bad)? << 4 | digit(*b).ok_or_else(bad)?),
                _ => Err(bad()),
            })
            .collect(),
        None => {
            let digits = trimmed
                .strip_prefix("0x")
                .or_else(|| trimmed.strip_prefix("0X"))
                .unwrap_or(trimmed)
                .as_bytes();
            let mut out = Vec::with_capacity(digits.len().div_ceil(2));
            let (first, rest) = if digits.len() % 2 == 1 {
                (Some(digits[0]), &digits[1..])
            } else {
                (None, digits)
            };
            if let Some(f) = first {
                out.push(digit(f).ok_or_else(bad)?);
            }
            for pair in rest.chunks_exact(2) {
                out.push(digit(pair[0]).ok_or_else(bad)? << 4 | digit(pair[1]).ok_or_else(bad)?);
            }
            Ok(out)
        }
    }
}

/// Converts `data` to the option's wire value (without option header), appended to
/// `out`. On error `out` is left as it was.
pub fn encode_option_data(
    def: &OptionDef,
    u: Universe,
    data: &str,
    csv_format: bool,
    out: &mut Vec<u8>,
) -> Result<(), OptionDataError> {
    let start = out.len();
    let r = if csv_format {
        encode_csv(def, u, data, out)
    } else {
        encode_hex(def, u, data, out)
    };
    if r.is_err() {
        out.truncate(start);
    }
    r
}

fn encode_hex(
    def: &OptionDef,
    u: Universe,
    data: &str,
    out: &mut Vec<u8>,
) -> Result<(), OptionDataError> {
    let bytes = parse_hex(data)?;
    // Kea builds the option from these bytes and re-packs it: a single fixed-size value
    // keeps only its own bytes, anything else must match the definition exactly.
    if !def.array
        && let Some(size) = def.data_type.fixed_size().filter(|&s| s > 0)
    {
        let v = bytes.get(..size).ok_or_else(|| {
            malformed(
                def,
                format!("{} needs {size} bytes, got {}", def.data_type, bytes.len()),
            )
        })?;
        out.extend_from_slice(v);
        return Ok(());
    }
    format_option_data(def, u, &bytes)?;
    out.extend_from_slice(&bytes);
    Ok(())
}

fn encode_csv(
    def: &OptionDef,
    u: Universe,
    data: &str,
    out: &mut Vec<u8>,
) -> Result<(), OptionDataError> {
    if let Some(v4) = dnr_kind(def) {
        return crate::dnr::encode_dnr(def.code, v4, data, out);
    }
    let values = split_csv(data);
    match def.data_type {
        DataType::Empty => match values.first() {
            None => Ok(()),
            Some(v) => Err(OptionDataError::EmptyWithData(v.clone())),
        },
        DataType::Internal => {
            if def.name == "classless-static-route" {
                encode_static_routes(&values, out)
            } else {
                Err(OptionDataError::Unsupported(def.name.to_string()))
            }
        }
        DataType::Record => {
            let fields = &def.record_types;
            if fields.len() > values.len() {
                return Err(OptionDataError::TooFewFields(def.code));
            }
            for (v, t) in values.iter().zip(fields.iter()) {
                write_field(def, u, *t, v, out)?;
            }
            // Kea: the last field repeats for arrays; extra values are ignored otherwise.
            if def.array
                && let Some(&last) = fields.last()
            {
                for v in &values[fields.len()..] {
                    write_field(def, u, last, v, out)?;
                }
            }
            Ok(())
        }
        t if def.array => {
            for v in &values {
                write_field(def, u, t, v, out)?;
            }
            Ok(())
        }
        t => {
            // Kea uses the first value of a single-valued option.
            let v = values.first().ok_or(OptionDataError::NoValue)?;
            write_field(def, u, t, v, out)
        }
    }
}

/// DNR options have their own text notation: `Some(true)` for v4-dnr, `Some(false)` for
/// v6-dnr.
fn dnr_kind(def: &OptionDef) -> Option<bool> {
    match (def.code, def.space.as_ref()) {
        (162, "dhcp4") => Some(true),
        (144, "dhcp6") => Some(false),
        _ => None,
    }
}

fn malformed(def: &OptionDef, reason: String) -> OptionDataError {
    OptionDataError::Malformed {
        code: def.code,
        reason,
    }
}

fn parse_int(v: &str, min: i64, max: i64) -> Result<i64, OptionDataError> {
    let range = || OptionDataError::IntRange {
        value: v.to_owned(),
        min,
        max,
    };
    let (neg, body) = match v.as_bytes().first() {
        Some(b'-') => (true, &v[1..]),
        Some(b'+') => (false, &v[1..]),
        _ => (false, v),
    };
    let (radix, digits) = match body.strip_prefix("0x").or_else(|| body.strip_prefix("0X")) {
        Some(h) => (16, h),
        None => (10, body),
    };
    if digits.is_empty() || !digits.as_bytes()[0].is_ascii_hexdigit() {
        return Err(range());
    }
    if !digits.chars().all(|c| c.is_digit(radix)) {
        return Err(if body.as_bytes()[0].is_ascii_digit() {
            OptionDataError::IntSyntax(v.to_owned())
        } else {
            range()
        });
    }
    let n = i128::from_str_radix(digits, radix).map_err(|_| range())?;
    let n = if neg { -n } else { n };
    if n < i128::from(min) || n > i128::from(max) {
        return Err(range());
    }
    Ok(n as i64)
}

fn parse_bool(v: &str) -> Result<bool, OptionDataError> {
    if v.eq_ignore_ascii_case("true") {
        Ok(true)
    } else if v.eq_ignore_ascii_case("false") {
        Ok(false)
    } else {
        match v {
            "1" => Ok(true),
            "0" => Ok(false),
            _ => Err(OptionDataError::Bool(v.to_owned())),
        }
    }
}

fn name_reason(e: &NameError) -> &'static str {
    match e {
        NameError::EmptyLabel => "duplicate period",
        NameError::LabelTooLong => "label is too long",
        NameError::NameTooLong => "name is too long",
        NameError::BadEscape => "invalid escape sequence",
        NameError::BadLabelType | NameError::Truncated => "invalid name",
    }
}

fn write_field(
    def: &OptionDef,
    u: Universe,
    t: DataType,
    v: &str,
    out: &mut Vec<u8>,
) -> Result<(), OptionDataError> {
    match t {
        DataType::Uint8 => out.push(parse_int(v, 0, 255)? as u8),
        DataType::Uint16 => out.extend_from_slice(&(parse_int(v, 0, 65535)? as u16).to_be_bytes()),
        DataType::Uint32 => {
            out.extend_from_slice(&(parse_int(v, 0, u32::MAX.into())? as u32).to_be_bytes())
        }
        DataType::Int8 => out.push(parse_int(v, -128, 127)? as i8 as u8),
        DataType::Int16 => {
            out.extend_from_slice(&(parse_int(v, -32768, 32767)? as i16).to_be_bytes())
        }
        DataType::Int32 => out.extend_from_slice(
            &(parse_int(v, i32::MIN.into(), i32::MAX.into())? as i32).to_be_bytes(),
        ),
        DataType::Boolean => out.push(u8::from(parse_bool(v)?)),
        DataType::Ipv4Address => {
            let a: Ipv4Addr = v
                .parse()
                .map_err(|_| OptionDataError::Address(v.to_owned()))?;
            out.extend_from_slice(&a.octets());
        }
        DataType::Ipv6Address => {
            let a: Ipv6Addr = v
                .parse()
                .map_err(|_| OptionDataError::Address(v.to_owned()))?;
            out.extend_from_slice(&a.octets());
        }
        DataType::Ipv6Prefix => {
            let bad = || OptionDataError::Prefix(v.to_owned());
            let (addr, len) = v.split_once('/').ok_or_else(bad)?;
            let addr: Ipv6Addr = addr.trim().parse().map_err(|_| bad())?;
            let len: u8 = len.trim().parse().map_err(|_| bad())?;
            if len > 128 {
                return Err(bad());
            }
            out.push(len);
            let n = usize::from(len).div_ceil(8);
            out.extend_from_slice(&addr.octets()[..n]);
            // Bits past the prefix length are sent as zero (Kea's writePrefix).
            if !len.is_multiple_of(8)
                && let Some(last) = out.last_mut()
            {
                *last &= 0xffu8 << (8 - len % 8);
            }
        }
        DataType::Psid => {
            let (psid, len) = v
                .split_once('/')
                .ok_or_else(|| OptionDataError::PsidSyntax(v.to_owned()))?;
            let psid: u32 = psid
                .trim()
                .parse()
                .map_err(|_| OptionDataError::PsidSyntax(v.to_owned()))?;
            let len_text = len.trim();
            let len: u8 = len_text
                .parse()
                .map_err(|_| OptionDataError::PsidLength(len_text.to_owned()))?;
            if len > 16 {
                return Err(OptionDataError::PsidLength(len_text.to_owned()));
            }
            if (len == 0 && psid != 0) || (len > 0 && psid >= 1u32 << len) {
                return Err(OptionDataError::PsidValue { psid, len });
            }
            let wire = if len == 0 {
                0u16
            } else {
                (psid << (16 - u32::from(len))) as u16
            };
            out.push(len);
            out.extend_from_slice(&wire.to_be_bytes());
        }
        DataType::String => {
            if v.is_empty() {
                return Err(OptionDataError::NoValue);
            }
            out.extend_from_slice(v.as_bytes());
        }
        DataType::Fqdn => {
            encode_name(v, true, out).map_err(|e| OptionDataError::Name {
                name: v.to_owned(),
                reason: name_reason(&e),
            })?;
        }
        DataType::Tuple => {
            if tuple_len_size(def, u) == 1 {
                let len = u8::try_from(v.len())
                    .map_err(|_| OptionDataError::TupleTooLong(v.to_owned()))?;
                out.push(len);
            } else {
                let len = u16::try_from(v.len())
                    .map_err(|_| OptionDataError::TupleTooLong(v.to_owned()))?;
                out.extend_from_slice(&len.to_be_bytes());
            }
            out.extend_from_slice(v.as_bytes());
        }
        DataType::Binary => {
            let compact: String = v.chars().filter(|c| *c != ' ').collect();
            if !compact.bytes().all(|b| b.is_ascii_hexdigit()) {
                return Err(OptionDataError::Binary {
                    value: v.to_owned(),
                    reason: "attempt to decode a value not in base16 char set",
                });
            }
            if !compact.len().is_multiple_of(2) {
                return Err(OptionDataError::Binary {
                    value: v.to_owned(),
                    reason: "Incomplete input for base16",
                });
            }
            out.extend(parse_hex(&compact).map_err(|_| OptionDataError::Binary {
                value: v.to_owned(),
                reason: "attempt to decode a value not in base16 char set",
            })?);
        }
        DataType::Empty | DataType::Record | DataType::Internal => {
            return Err(OptionDataError::Unsupported(def.name.to_string()));
        }
    }
    Ok(())
}

/// DHCPv4 tuples have an 8-bit length, except the SZTP redirect option (RFC 8572);
/// DHCPv6 tuples have a 16-bit length.
fn tuple_len_size(def: &OptionDef, u: Universe) -> usize {
    match u {
        Universe::V4 if def.code == 143 && def.space == "dhcp4" => 2,
        Universe::V4 => 1,
        Universe::V6 => 2,
    }
}

/// Classless static routes (121, RFC 3442) from Kea's "prefix/len - router" list.
fn encode_static_routes(values: &[String], out: &mut Vec<u8>) -> Result<(), OptionDataError> {
    if values.is_empty() {
        return Err(OptionDataError::NoValue);
    }
    for v in values {
        let bad = || OptionDataError::Malformed {
            code: 121,
            reason: format!("invalid static route '{v}', expected 'prefix/len - router'"),
        };
        let (dest, router) = v.split_once(" - ").ok_or_else(bad)?;
        let (net, len) = dest.trim().split_once('/').ok_or_else(bad)?;
        let net: Ipv4Addr = net.parse().map_err(|_| bad())?;
        let len: u8 = len.parse().map_err(|_| bad())?;
        let router: Ipv4Addr = router.trim().parse().map_err(|_| bad())?;
        if len > 32 {
            return Err(bad());
        }
        out.push(len);
        out.extend_from_slice(&net.octets()[..usize::from(len).div_ceil(8)]);
        out.extend_from_slice(&router.octets());
    }
    Ok(())
}

/// Formats wire bytes as Kea option-data text (values separated by ", ", literal
/// commas in strings escaped as `\,`, binary as uppercase hex, names with a final dot).
pub fn format_option_data(
    def: &OptionDef,
    u: Universe,
    value: &[u8],
) -> Result<String, OptionDataError> {
    let mut out = String::new();
    if let Some(v4) = dnr_kind(def) {
        crate::dnr::format_dnr(def.code, v4, value, &mut out)?;
        return Ok(out);
    }
    let mut rest = value;
    let mut first = true;
    let mut field = |t: DataType, rest: &mut &[u8], out: &mut String, last: bool| {
        if !std::mem::take(&mut first) {
            out.push_str(", ");
        }
        read_field(def, u, t, rest, out, last)
    };
    match def.data_type {
        DataType::Empty => {}
        DataType::Internal if def.name == "classless-static-route" => {
            format_static_routes(def, value, &mut out)?;
            rest = &[];
        }
        DataType::Internal => return Err(OptionDataError::Unsupported(def.name.to_string())),
        DataType::Record => {
            let n = def.record_types.len();
            for (i, &t) in def.record_types.iter().enumerate() {
                field(t, &mut rest, &mut out, i + 1 == n && !def.array)?;
            }
            if def.array
                && let Some(&last) = def.record_types.last()
            {
                while !rest.is_empty() {
                    field(last, &mut rest, &mut out, false)?;
                }
            }
        }
        t if def.array => {
            while !rest.is_empty() {
                field(t, &mut rest, &mut out, false)?;
            }
        }
        t => field(t, &mut rest, &mut out, true)?,
    }
    if !rest.is_empty() {
        return Err(malformed(
            def,
            format!("{} unexpected trailing bytes", rest.len()),
        ));
    }
    Ok(out)
}

fn take<'a>(
    def: &OptionDef,
    rest: &mut &'a [u8],
    n: usize,
    t: DataType,
) -> Result<&'a [u8], OptionDataError> {
    if rest.len() < n {
        return Err(malformed(
            def,
            format!("{} bytes left, {t} needs {n}", rest.len()),
        ));
    }
    let (head, tail) = rest.split_at(n);
    *rest = tail;
    Ok(head)
}

fn escape_text(s: &str, out: &mut String) {
    for c in s.chars() {
        if c == ',' || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
}

/// Reads one field; `last` means a variable-size field may take all remaining bytes.
fn read_field(
    def: &OptionDef,
    u: Universe,
    t: DataType,
    rest: &mut &[u8],
    out: &mut String,
    last: bool,
) -> Result<(), OptionDataError> {
    match t {
        DataType::Uint8 => {
            let _ = write!(out, "{}", take(def, rest, 1, t)?[0]);
        }
        DataType::Int8 => {
            let _ = write!(out, "{}", take(def, rest, 1, t)?[0] as i8);
        }
        DataType::Uint16 | DataType::Int16 => {
            let b = take(def, rest, 2, t)?;
            let v = u16::from_be_bytes([b[0], b[1]]);
            let _ = if t == DataType::Int16 {
                write!(out, "{}", v as i16)
            } else {
                write!(out, "{v}")
            };
        }
        DataType::Uint32 | DataType::Int32 => {
            let b = take(def, rest, 4, t)?;
            let v = u32::from_be_bytes([b[0], b[1], b[2], b[3]]);
            let _ = if t == DataType::Int32 {
                write!(out, "{}", v as i32)
            } else {
                write!(out, "{v}")
            };
        }
        DataType::Boolean => match take(def, rest, 1, t)?[0] {
            0 => out.push_str("false"),
            1 => out.push_str("true"),
            b => return Err(malformed(def, format!("boolean value {b} is not 0 or 1"))),
        },
        DataType::Ipv4Address => {
            let b = take(def, rest, 4, t)?;
            let _ = write!(out, "{}", Ipv4Addr::new(b[0], b[1], b[2], b[3]));
        }
        DataType::Ipv6Address => {
            let b = take(def, rest, 16, t)?;
            let mut a = [0u8; 16];
            a.copy_from_slice(b);
            let _ = write!(out, "{}", Ipv6Addr::from(a));
        }
        DataType::Ipv6Prefix => {
            let len = take(def, rest, 1, t)?[0];
            if len > 128 {
                return Err(malformed(def, format!("prefix length {len} above 128")));
            }
            let b = take(def, rest, usize::from(len).div_ceil(8), t)?;
            let mut a = [0u8; 16];
            a[..b.len()].copy_from_slice(b);
            // Bits past the prefix length are not part of the prefix: shown as zero, as
            // they are sent (so the text reads back to the same wire form).
            if !len.is_multiple_of(8) {
                a[b.len() - 1] &= 0xffu8 << (8 - len % 8);
            }
            let _ = write!(out, "{}/{len}", Ipv6Addr::from(a));
        }
        DataType::Psid => {
            let b = take(def, rest, 3, t)?;
            let len = b[0];
            if len > 16 {
                return Err(malformed(def, format!("PSID length {len} above 16")));
            }
            let wire = u16::from_be_bytes([b[1], b[2]]);
            let psid = if len == 0 {
                0
            } else {
                wire >> (16 - u32::from(len))
            };
            let _ = write!(out, "{psid}/{len}");
        }
        DataType::String => {
            let n = if last {
                rest.len()
            } else {
                rest.iter().position(|&b| b == 0).unwrap_or(rest.len())
            };
            let b = take(def, rest, n, t)?;
            // Kea drops trailing NULs of received strings (RFC 2132 §2).
            let end = b.iter().rposition(|&c| c != 0).map_or(0, |p| p + 1);
            escape_text(&String::from_utf8_lossy(&b[..end]), out);
        }
        DataType::Tuple => {
            let n = if tuple_len_size(def, u) == 1 {
                usize::from(take(def, rest, 1, t)?[0])
            } else {
                let b = take(def, rest, 2, t)?;
                usize::from(u16::from_be_bytes([b[0], b[1]]))
            };
            let b = take(def, rest, n, t)?;
            escape_text(&String::from_utf8_lossy(b), out);
        }
        DataType::Fqdn => {
            let n = decode_name(rest)
                .map_err(|e| malformed(def, format!("invalid domain name: {e}")))?;
            // Option fields carry full names; partial names only occur in the client
            // FQDN options, which have their own types (`ClientFqdn`, `ClientFqdn6`).
            if !n.fully_qualified {
                return Err(malformed(
                    def,
                    "domain name is not terminated by the root label".into(),
                ));
            }
            take(def, rest, n.consumed, t)?;
            out.push_str(&n.text);
            out.push('.');
        }
        DataType::Binary => {
            let b = take(def, rest, rest.len(), t)?;
            out.push_str(&to_hex(b).to_ascii_uppercase());
        }
        DataType::Empty => {}
        DataType::Record | DataType::Internal => {
            return Err(OptionDataError::Unsupported(def.name.to_string()));
        }
    }
    Ok(())
}

fn format_static_routes(
    def: &OptionDef,
    mut v: &[u8],
    out: &mut String,
) -> Result<(), OptionDataError> {
    let mut first = true;
    while !v.is_empty() {
        let len = take(def, &mut v, 1, DataType::Internal)?[0];
        if len > 32 {
            return Err(malformed(
                def,
                format!("route prefix length {len} above 32"),
            ));
        }
        let dest = take(
            def,
            &mut v,
            usize::from(len).div_ceil(8),
            DataType::Internal,
        )?;
        let mut net = [0u8; 4];
        net[..dest.len()].copy_from_slice(dest);
        let r = take(def, &mut v, 4, DataType::Internal)?;
        if !std::mem::take(&mut first) {
            out.push_str(", ");
        }
        let _ = write!(
            out,
            "{}/{len} - {}",
            Ipv4Addr::from(net),
            Ipv4Addr::new(r[0], r[1], r[2], r[3])
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::optdef::{
        OptionDefs,
        Universe::{V4, V6},
    };

    fn def(u: Universe, name: &str) -> OptionDef {
        let space = u.top_space();
        OptionDefs::new(u)
            .by_name(space, name)
            .cloned()
            .unwrap_or_else(|| panic!("no def {name}"))
    }

    fn enc(u: Universe, name: &str, data: &str) -> Result<Vec<u8>, OptionDataError> {
        let mut out = Vec::new();
        encode_option_data(&def(u, name), u, data, true, &mut out).map(|_| out)
    }

    fn hex(u: Universe, name: &str, data: &str) -> Result<Vec<u8>, OptionDataError> {
        let mut out = Vec::new();
        encode_option_data(&def(u, name), u, data, false, &mut out).map(|_| out)
    }

    #[test]
    fn prefix_bits_past_the_length_read_as_zero() {
        // Found by the option_text_round_trips property: a /57 whose 8th byte has a host bit.
        let u = Universe::V6;
        let wire = [57, 0, 0, 0, 0, 0, 0, 0, 1];
        let text = format_option_data(&def(u, "pd-exclude"), u, &wire).unwrap();
        assert_eq!(text, "::/57");
        assert_eq!(
            enc(u, "pd-exclude", &text).unwrap(),
            vec![57, 0, 0, 0, 0, 0, 0, 0, 0]
        );
    }

    #[test]
    fn pd_exclude_takes_a_prefix() {
        assert_eq!(
            enc(Universe::V6, "pd-exclude", "2001:db8:1:1::/64").unwrap(),
            vec![64, 0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 1]
        );
        assert_eq!(
            enc(Universe::V6, "pd-exclude", "2001:db8:1:7::/62").unwrap(),
            vec![62, 0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 4]
        );
        assert_eq!(
            hex(Universe::V6, "pd-exclude", "40 20 01 0d b8 00 01 00 01").unwrap(),
            vec![64, 0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 1]
        );
        assert!(enc(Universe::V6, "pd-exclude", "2001:db8::").is_err());
    }

    #[test]
    fn csv_values_to_wire() {
        let cases: &[(Universe, &str, &str, &[u8])] = &[
            (
                V4,
                "routers",
                "192.0.2.1, 192.0.2.2",
                &[192, 0, 2, 1, 192, 0, 2, 2],
            ),
            (V4, "routers", "", &[]),
            (
                V4,
                "subnet-mask",
                "255.255.255.0, 1.2.3.4",
                &[255, 255, 255, 0],
            ),
            (V4, "time-offset", "-5", &[0xff, 0xff, 0xff, 0xfb]),
            (V4, "default-ip-ttl", "0x1f", &[0x1f]),
            (V4, "default-ip-ttl", " +5 ", &[5]),
            (V4, "ip-forwarding", "TRUE", &[1]),
            (V4, "ip-forwarding", "0", &[0]),
            (V4, "boot-file-name", "foo\\,bar", b"foo,bar"),
            (V4, "domain-name", "example.com", b"\x07example\x03com\x00"),
            (V4, "domain-search", "a.b, c.", b"\x01a\x01b\x00\x01c\x00"),
            (V4, "user-class", "01 02", &[1, 2]),
            (
                V4,
                "slp-directory-agent",
                "true, 1.2.3.4, 5.6.7.8",
                &[1, 1, 2, 3, 4, 5, 6, 7, 8],
            ),
            (V4, "v4-portparams", "1, 3/4", &[1, 4, 0x30, 0]),
            (V4, "v4-portparams", "1, 0/0", &[1, 0, 0, 0]),
            (V4, "uuid-guid", "0, 0102", &[0, 1, 2]),
            (V4, "vivso-suboptions", "4491", &[0, 0, 0x11, 0x8b]),
            (
                V4,
                "v4-sztp-redirect",
                "ab, c",
                &[0, 2, b'a', b'b', 0, 1, b'c'],
            ),
            (
                V4,
                "classless-static-route",
                "10.0.0.0/8 - 10.1.1.1, 0.0.0.0/0 - 192.0.2.1",
                &[8, 10, 10, 1, 1, 1, 0, 192, 0, 2, 1],
            ),
            (
                V4,
                "fqdn",
                "1, 0, 0, h.example",
                b"\x01\x00\x00\x01h\x07example\x00",
            ),
            (
                V6,
                "dns-servers",
                "2001:db8::1",
                &[0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1],
            ),
            (
                V6,
                "bootfile-param",
                "a, bb",
                &[0, 1, b'a', 0, 2, b'b', b'b'],
            ),
            (V6, "rapid-commit", "", &[]),
            (V6, "status-code", "0, all good", b"\x00\x00all good"),
            (V6, "ero", "1, 2", &[0, 1, 0, 2]),
        ];
        for (u, name, data, want) in cases {
            assert_eq!(
                enc(*u, name, data).as_deref(),
                Ok(*want),
                "{name} = {data:?}"
            );
        }
        let mut out = Vec::new();
        let mapt = OptionDefs::new(V6)
            .by_name("s46-cont-mapt-options", "s46-dmr")
            .cloned()
            .unwrap();
        encode_option_data(&mapt, V6, "2001:db8:ff::/40", true, &mut out).unwrap();
        assert_eq!(out, [40, 0x20, 0x01, 0x0d, 0xb8, 0x00]);
        assert_eq!(
            format_option_data(&mapt, V6, &out).unwrap(),
            "2001:db8::/40"
        );
    }

    #[test]
    fn csv_errors_use_kea_wording() {
        let e = |u, n, d| enc(u, n, d).unwrap_err().to_string();
        assert_eq!(
            e(V4, "default-ip-ttl", "300"),
            "unable to convert '300' to numeric type. This value is expected to be in the range of 0..255"
        );
        assert_eq!(
            e(V4, "default-ip-ttl", "abc"),
            e(V4, "default-ip-ttl", "abc")
        );
        assert!(e(V4, "default-ip-ttl", "-1").contains("range of 0..255"));
        assert_eq!(
            e(V4, "default-ip-ttl", "5 6"),
            "unable to convert the value '5 6' to integer data type"
        );
        assert_eq!(
            e(V4, "default-ip-ttl", "5.0"),
            "unable to convert the value '5.0' to integer data type"
        );
        assert!(e(V4, "arp-cache-timeout", "4294967296").contains("0..4294967295"));
        assert!(e(V4, "time-offset", "-2147483649").contains("-2147483648..2147483647"));
        assert_eq!(
            e(V4, "ip-forwarding", "2"),
            "unable to convert '2' to boolean data type"
        );
        assert_eq!(
            e(V4, "routers", "1.2.3"),
            "Failed to convert string to address '1.2.3': Invalid argument"
        );
        assert_eq!(e(V4, "merit-dump", ""), "no option value specified");
        assert_eq!(e(V4, "user-class", ""), "no option value specified");
        assert_eq!(
            e(V4, "user-class", "abc"),
            "unable to cast abc to binary data type: Incomplete input for base16"
        );
        assert_eq!(
            e(V4, "user-class", "0a:0b"),
            "unable to cast 0a:0b to binary data type: attempt to decode a value not in base16 char set"
        );
        assert_eq!(
            e(V4, "slp-directory-agent", "true"),
            "number of data fields for the option type '78' is greater than number of values provided."
        );
        assert_eq!(
            e(V4, "v4-portparams", "1, 3/17"),
            "invalid value 17 of PSID length"
        );
        assert_eq!(
            e(V4, "v4-portparams", "1, 17/4"),
            "invalid PSID value 17 for a specified PSID length 4"
        );
        assert_eq!(
            e(V4, "v4-portparams", "1, 3"),
            "provided PSID value 3 is not valid"
        );
        assert_eq!(e(V6, "aftr-name", "a..b"), "duplicate period in a..b");
        let long = format!("{}.com", "a".repeat(70));
        assert_eq!(
            e(V6, "aftr-name", &long),
            format!("label is too long in {long}")
        );
        assert!(matches!(
            enc(V6, "rapid-commit", "x"),
            Err(OptionDataError::EmptyWithData(_))
        ));
        assert!(matches!(
            enc(V6, "v6-dnr", "1"),
            Err(OptionDataError::Malformed { code: 144, .. })
        ));
        assert_eq!(
            enc(V6, "v6-dnr", "1, a.example.").unwrap(),
            b"\x00\x01\x00\x0b\x01a\x07example\x00"
        );
        let d = def(V4, "default-ip-ttl");
        assert_eq!(
            kea_option_error(&d, &enc(V4, "default-ip-ttl", "300").unwrap_err()),
            "option data does not match option definition (space: dhcp4, code: 23): unable to convert '300' to numeric type. This value is expected to be in the range of 0..255"
        );
    }

    #[test]
    fn hex_data_as_kea_accepts_it() {
        assert_eq!(parse_hex("0xc0000201"), Ok(vec![0xc0, 0, 2, 1]));
        assert_eq!(parse_hex("c0:0:2:1"), Ok(vec![0xc0, 0, 2, 1]));
        assert_eq!(parse_hex("c0 00 02 01"), Ok(vec![0xc0, 0, 2, 1]));
        assert_eq!(parse_hex("abc"), Ok(vec![0x0a, 0xbc]));
        assert_eq!(parse_hex(""), Ok(vec![]));
        assert_eq!(parse_hex("'hello'"), Ok(b"hello".to_vec()));
        for bad in ["zz", "c0:00:02:01:", "c0 00 02  01", "c0:000:02:01"] {
            assert_eq!(
                parse_hex(bad),
                Err(OptionDataError::Hex(bad.into())),
                "{bad}"
            );
        }
        assert_eq!(
            hex(V4, "routers", "zz").unwrap_err().to_string(),
            "option data is not a valid string of hexadecimal digits: zz"
        );
        assert_eq!(hex(V4, "routers", "c0000201").unwrap(), [0xc0, 0, 2, 1]);
        assert!(matches!(
            hex(V4, "routers", "c0000201c"),
            Err(OptionDataError::Malformed { code: 3, .. })
        ));
        assert_eq!(hex(V4, "routers", "").unwrap(), Vec::<u8>::new());
        // Kea keeps only the value's own bytes for a single fixed-size value.
        assert_eq!(hex(V4, "default-ip-ttl", "0a0b").unwrap(), [0x0a]);
        assert_eq!(hex(V4, "user-class", "'hello'").unwrap(), b"hello");
    }

    #[test]
    fn wire_to_text_round_trips() {
        let cases: &[(Universe, &str, &str)] = &[
            (V4, "routers", "192.0.2.1, 192.0.2.2"),
            (V4, "time-offset", "-5"),
            (V4, "ip-forwarding", "true"),
            (V4, "boot-file-name", "foo\\,bar"),
            (V4, "domain-search", "a.b., c."),
            (V4, "user-class", "0102AB"),
            (V4, "slp-directory-agent", "true, 1.2.3.4, 5.6.7.8"),
            (V4, "v4-portparams", "1, 3/4"),
            (V4, "rdnss-selection", "1, 1.2.3.4, 5.6.7.8, x.y., z."),
            (V4, "v4-sztp-redirect", "https://a, https://b"),
            (
                V4,
                "classless-static-route",
                "10.0.0.0/8 - 10.1.1.1, 192.168.1.0/24 - 192.0.2.1",
            ),
            (V4, "option-6rd", "0, 1, 2001:db8::, 1.2.3.4, 5.6.7.8"),
            (V6, "status-code", "0, all good"),
            (V6, "client-fqdn", "1, host.example.org."),
            (V6, "iaprefix", "1, 2, 56, 2001:db8::"),
            (V6, "bootfile-param", "a, bb"),
            (V6, "rapid-commit", ""),
        ];
        for (u, name, text) in cases {
            let d = def(*u, name);
            let wire = enc(*u, name, text).unwrap();
            assert_eq!(
                format_option_data(&d, *u, &wire).as_deref(),
                Ok(*text),
                "{name}"
            );
        }
        let d = def(V4, "host-name");
        assert_eq!(format_option_data(&d, V4, b"pc\0\0").unwrap(), "pc");
        let d = def(V4, "routers");
        assert!(format_option_data(&d, V4, &[1, 2, 3, 4, 5]).is_err());
        let d = def(V4, "ip-forwarding");
        assert!(format_option_data(&d, V4, &[2]).is_err());
        let d = def(V4, "default-ip-ttl");
        assert!(format_option_data(&d, V4, &[]).is_err());
    }

    #[test]
    fn csv_splitting() {
        assert_eq!(split_csv(" a , b\\,c ,, d\\\\"), vec!["a", "b,c", "d\\"]);
        assert_eq!(split_csv(""), Vec::<String>::new());
        assert_eq!(split_csv("x\\y"), vec!["x\\y"]);
    }
}
