//! DNS domain names in DHCP wire format (RFC 1035 labels, no compression).

use std::fmt::Write as _;
use thiserror::Error;

/// Why a domain name could not be encoded or decoded.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum NameError {
    /// A label is longer than 63 bytes.
    #[error("label longer than 63 bytes")]
    LabelTooLong,
    /// The whole name is longer than 255 bytes on the wire.
    #[error("name longer than 255 bytes")]
    NameTooLong,
    /// Two consecutive dots, or a leading dot.
    #[error("empty label")]
    EmptyLabel,
    /// A compression pointer or reserved label type (not allowed in DHCP options).
    #[error("compressed or reserved label type")]
    BadLabelType,
    /// A label length runs past the end of the buffer.
    #[error("label runs past the end of the buffer")]
    Truncated,
    /// A `\` escape that is not `\DDD` (0-255) or `\<char>`.
    #[error("invalid escape sequence")]
    BadEscape,
}

/// Encodes `name` (dotted text, `\DDD` and `\c` escapes allowed, optional final dot)
/// as wire labels appended to `out`. When `fully_qualified` is true the root label (0)
/// is written; otherwise the name is left partial (RFC 4702/4704 partial names).
/// The empty name and "." encode to just the root label when fully qualified.
pub fn encode_name(name: &str, fully_qualified: bool, out: &mut Vec<u8>) -> Result<(), NameError> {
    let start = out.len();
    let trimmed = name
        .strip_suffix('.')
        .filter(|n| !n.ends_with("\\"))
        .unwrap_or(name);
    if !trimmed.is_empty() {
        let bytes = trimmed.as_bytes();
        let mut i = 0;
        loop {
            let len_pos = out.len();
            out.push(0);
            let mut label_len = 0usize;
            while i < bytes.len() && bytes[i] != b'.' {
                let b = if bytes[i] == b'\\' {
                    let (b, used) = unescape(&bytes[i..])?;
                    i += used;
                    b
                } else {
                    i += 1;
                    bytes[i - 1]
                };
                out.push(b);
                label_len += 1;
            }
            if label_len == 0 {
                out.truncate(start);
                return Err(NameError::EmptyLabel);
            }
            if label_len > 63 {
                out.truncate(start);
                return Err(NameError::LabelTooLong);
            }
            out[len_pos] = label_len as u8;
            if i >= bytes.len() {
                break;
            }
            i += 1; // the dot
            if i >= bytes.len() {
                out.truncate(start);
                return Err(NameError::EmptyLabel);
            }
        }
    }
    if fully_qualified {
        out.push(0);
    }
    if out.len() - start > 255 {
        out.truncate(start);
        return Err(NameError::NameTooLong);
    }
    Ok(())
}

/// Parses `\DDD` or `\c` at the start of `s`; returns the byte and bytes consumed.
fn unescape(s: &[u8]) -> Result<(u8, usize), NameError> {
    match s.get(1) {
        Some(d) if d.is_ascii_digit() => {
            let digits = s.get(1..4).ok_or(NameError::BadEscape)?;
            if !digits.iter().all(u8::is_ascii_digit) {
                return Err(NameError::BadEscape);
            }
            let v = digits
                .iter()
                .fold(0u32, |acc, d| acc * 10 + u32::from(d - b'0'));
            u8::try_from(v)
                .map(|b| (b, 4))
                .map_err(|_| NameError::BadEscape)
        }
        Some(&c) => Ok((c, 2)),
        None => Err(NameError::BadEscape),
    }
}

/// A decoded domain name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodedName {
    /// Dotted text without a final dot; bytes outside `[A-Za-z0-9-_*/]` are escaped as
    /// `\DDD` (and `.`/`\` inside labels as `\.`/`\\`).
    pub text: String,
    /// True when the name ended with the root label.
    pub fully_qualified: bool,
    /// Wire bytes consumed (including the root label when present).
    pub consumed: usize,
}

/// Decodes one name from the start of `buf`. A name with no root label before the end
/// of `buf` is a partial name (`fully_qualified == false`).
pub fn decode_name(buf: &[u8]) -> Result<DecodedName, NameError> {
    let mut text = String::new();
    let mut i = 0;
    loop {
        let Some(&len) = buf.get(i) else {
            if i > 255 {
                return Err(NameError::NameTooLong);
            }
            return Ok(DecodedName {
                text,
                fully_qualified: false,
                consumed: i,
            });
        };
        if len == 0 {
            if i + 1 > 255 {
                return Err(NameError::NameTooLong);
            }
            return Ok(DecodedName {
                text,
                fully_qualified: true,
                consumed: i + 1,
            });
        }
        if len > 63 {
            return Err(NameError::BadLabelType);
        }
        let label = buf
            .get(i + 1..i + 1 + len as usize)
            .ok_or(NameError::Truncated)?;
        if !text.is_empty() {
            text.push('.');
        }
        for &b in label {
            match b {
                b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' | b'*' | b'/' => {
                    text.push(b as char)
                }
                b'.' | b'\\' => {
                    text.push('\\');
                    text.push(b as char);
                }
                _ => {
                    let _ = write!(text, "\\{b:03}");
                }
            }
        }
        i += 1 + len as usize;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn enc(name: &str, fq: bool) -> Result<Vec<u8>, NameError> {
        let mut v = Vec::new();
        encode_name(name, fq, &mut v).map(|_| v)
    }

    #[test]
    fn encodes_full_and_partial() {
        assert_eq!(enc("a.bc", true).unwrap(), b"\x01a\x02bc\x00");
        assert_eq!(enc("a.bc.", true).unwrap(), b"\x01a\x02bc\x00");
        assert_eq!(enc("a.bc", false).unwrap(), b"\x01a\x02bc");
        assert_eq!(enc("", true).unwrap(), b"\x00");
        assert_eq!(enc(".", true).unwrap(), b"\x00");
        assert_eq!(enc("a\\.b", true).unwrap(), b"\x03a.b\x00");
        assert_eq!(enc("a\\032b", true).unwrap(), b"\x03a b\x00");
    }

    #[test]
    fn rejects_bad_names() {
        assert_eq!(enc("a..b", true), Err(NameError::EmptyLabel));
        assert_eq!(enc(".a", true), Err(NameError::EmptyLabel));
        assert_eq!(enc(&"x".repeat(64), true), Err(NameError::LabelTooLong));
        let long = vec!["x".repeat(63); 5].join(".");
        assert_eq!(enc(&long, true), Err(NameError::NameTooLong));
        assert_eq!(enc("a\\", true), Err(NameError::BadEscape));
        assert_eq!(enc("a\\300", true), Err(NameError::BadEscape));
    }

    #[test]
    fn decodes_and_round_trips() {
        let d = decode_name(b"\x01a\x02bc\x00rest").unwrap();
        assert_eq!(
            (d.text.as_str(), d.fully_qualified, d.consumed),
            ("a.bc", true, 6)
        );
        let d = decode_name(b"\x04host").unwrap();
        assert_eq!(
            (d.text.as_str(), d.fully_qualified, d.consumed),
            ("host", false, 5)
        );
        assert_eq!(decode_name(b"\x05ab"), Err(NameError::Truncated));
        assert_eq!(decode_name(b"\xc0\x0c"), Err(NameError::BadLabelType));
        let d = decode_name(b"\x03a.b\x02\x01z\x00").unwrap();
        assert_eq!(d.text, "a\\.b.\\001z");
        assert_eq!(enc(&d.text, true).unwrap(), b"\x03a.b\x02\x01z\x00");
    }
}
