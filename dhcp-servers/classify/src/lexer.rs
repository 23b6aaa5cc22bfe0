//! The tokenizer: Kea's expression lexer rules (case-sensitive keywords, `'...'` strings
//! without escapes, `0x` hex strings, signed decimal integers, IPv4/IPv6 literals, option
//! names only inside `[...]`). Anything else is "Invalid character".

use crate::error::{Loc, ParseError};

/// Token kinds, in Kea's declaration order (used to order "expecting" lists).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Kind {
    End,
    LParen,
    RParen,
    Not,
    And,
    Or,
    Equal,
    Option,
    Relay4,
    Relay6,
    Member,
    PeerAddr,
    LinkAddr,
    LBracket,
    RBracket,
    Dot,
    Text,
    Hex,
    Exists,
    Pkt,
    Iface,
    Src,
    Dst,
    Len,
    Pkt4,
    Mac,
    Hlen,
    Htype,
    Ciaddr,
    Giaddr,
    Yiaddr,
    Siaddr,
    Substring,
    Split,
    All,
    Comma,
    Concat,
    Plus,
    Ifelse,
    ToHexString,
    AddrToText,
    Int8ToText,
    Int16ToText,
    Int32ToText,
    UInt8ToText,
    UInt16ToText,
    UInt32ToText,
    Lcase,
    Ucase,
    Pkt6,
    MsgType,
    TransId,
    VendorClass,
    Vendor,
    Any,
    Data,
    Enterprise,
    Match,
    Known,
    Unknown,
    Str,
    Integer,
    HexString,
    OptionName,
    IpAddress,
}

impl Kind {
    /// The name bison prints for the token (quotes kept only around `","`).
    pub(crate) fn display(self) -> &'static str {
        use Kind::*;
        match self {
            End => "end of file",
            LParen => "(",
            RParen => ")",
            Not => "not",
            And => "and",
            Or => "or",
            Equal => "==",
            Option => "option",
            Relay4 => "relay4",
            Relay6 => "relay6",
            Member => "member",
            PeerAddr => "peeraddr",
            LinkAddr => "linkaddr",
            LBracket => "[",
            RBracket => "]",
            Dot => ".",
            Text => "text",
            Hex => "hex",
            Exists => "exists",
            Pkt => "pkt",
            Iface => "iface",
            Src => "src",
            Dst => "dst",
            Len => "len",
            Pkt4 => "pkt4",
            Mac => "mac",
            Hlen => "hlen",
            Htype => "htype",
            Ciaddr => "ciaddr",
            Giaddr => "giaddr",
            Yiaddr => "yiaddr",
            Siaddr => "siaddr",
            Substring => "substring",
            Split => "split",
            All => "all",
            Comma => "\",\"",
            Concat => "concat",
            Plus => "+",
            Ifelse => "ifelse",
            ToHexString => "hexstring",
            AddrToText => "addrtotext",
            Int8ToText => "int8totext",
            Int16ToText => "int16totext",
            Int32ToText => "int32totext",
            UInt8ToText => "uint8totext",
            UInt16ToText => "uint16totext",
            UInt32ToText => "uint32totext",
            Lcase => "lcase",
            Ucase => "ucase",
            Pkt6 => "pkt6",
            MsgType => "msgtype",
            TransId => "transid",
            VendorClass => "vendor-class",
            Vendor => "vendor",
            Any => "*",
            Data => "data",
            Enterprise => "enterprise",
            Match => "match",
            Known => "known",
            Unknown => "unknown",
            Str => "constant string",
            Integer => "integer",
            HexString => "constant hexstring",
            OptionName => "option name",
            IpAddress => "ip address",
        }
    }
}

const KEYWORDS: &[(&str, Kind)] = &[
    ("not", Kind::Not),
    ("and", Kind::And),
    ("or", Kind::Or),
    ("option", Kind::Option),
    ("relay4", Kind::Relay4),
    ("relay6", Kind::Relay6),
    ("member", Kind::Member),
    ("peeraddr", Kind::PeerAddr),
    ("linkaddr", Kind::LinkAddr),
    ("text", Kind::Text),
    ("hex", Kind::Hex),
    ("exists", Kind::Exists),
    ("pkt", Kind::Pkt),
    ("iface", Kind::Iface),
    ("src", Kind::Src),
    ("dst", Kind::Dst),
    ("len", Kind::Len),
    ("pkt4", Kind::Pkt4),
    ("mac", Kind::Mac),
    ("hlen", Kind::Hlen),
    ("htype", Kind::Htype),
    ("ciaddr", Kind::Ciaddr),
    ("giaddr", Kind::Giaddr),
    ("yiaddr", Kind::Yiaddr),
    ("siaddr", Kind::Siaddr),
    ("substring", Kind::Substring),
    ("split", Kind::Split),
    ("all", Kind::All),
    ("concat", Kind::Concat),
    ("ifelse", Kind::Ifelse),
    ("hexstring", Kind::ToHexString),
    ("addrtotext", Kind::AddrToText),
    ("int8totext", Kind::Int8ToText),
    ("int16totext", Kind::Int16ToText),
    ("int32totext", Kind::Int32ToText),
    ("uint8totext", Kind::UInt8ToText),
    ("uint16totext", Kind::UInt16ToText),
    ("uint32totext", Kind::UInt32ToText),
    ("lcase", Kind::Lcase),
    ("ucase", Kind::Ucase),
    ("pkt6", Kind::Pkt6),
    ("msgtype", Kind::MsgType),
    ("transid", Kind::TransId),
    ("vendor-class", Kind::VendorClass),
    ("vendor", Kind::Vendor),
    ("data", Kind::Data),
    ("enterprise", Kind::Enterprise),
    ("match", Kind::Match),
    ("known", Kind::Known),
    ("unknown", Kind::Unknown),
];

/// One token with its text (string contents without quotes) and location.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Token {
    pub kind: Kind,
    pub text: String,
    pub loc: Loc,
}

fn is_hex(c: u8) -> bool {
    c.is_ascii_hexdigit()
}

/// Length of the longest IPv6-looking run at `b[i..]`: `[:0-9a-fA-F]+:[:0-9a-fA-F]*`,
/// optionally ending in an embedded dotted IPv4 address (`::ffff:192.0.2.1`).
fn ipv6_len(b: &[u8], i: usize) -> usize {
    let run = b[i..]
        .iter()
        .take_while(|c| is_hex(**c) || **c == b':')
        .count();
    if run < 2 || !b[i + 1..i + run].contains(&b':') {
        return 0;
    }
    let digits = b[i..i + run]
        .iter()
        .rev()
        .take_while(|c| c.is_ascii_digit())
        .count();
    let quad = ipv4_len(b, i + run - digits);
    if quad > digits {
        run - digits + quad
    } else {
        run
    }
}

/// Length of a dotted quad `[0-9]{1,3}(\.[0-9]{1,3}){3}` at `b[i..]`, or 0.
fn ipv4_len(b: &[u8], i: usize) -> usize {
    let mut j = i;
    for part in 0..4 {
        if part > 0 {
            if b.get(j) != Some(&b'.') {
                return 0;
            }
            j += 1;
        }
        let start = j;
        while j < b.len() && b[j].is_ascii_digit() && j - start < 3 {
            j += 1;
        }
        if j == start {
            return 0;
        }
    }
    j - i
}

/// Splits `text` into tokens; the last one is always `End`.
pub(crate) fn tokenize(text: &str) -> Result<Vec<Token>, ParseError> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let (mut line, mut col) = (1u32, 1u32);
    let mut i = 0;
    let loc = |line: u32, col: u32, len: usize| Loc {
        line,
        col,
        end_col: col + (len as u32).saturating_sub(1),
    };
    while i < b.len() {
        let c = b[i];
        let push = |kind: Kind, len: usize, text: &str, out: &mut Vec<Token>| {
            out.push(Token {
                kind,
                text: text.to_string(),
                loc: loc(line, col, len),
            });
        };
        let len = match c {
            b' ' | b'\t' | b'\r' => 1,
            b'\n' => {
                line += 1;
                col = 1;
                i += 1;
                continue;
            }
            b'\'' => {
                let end = b[i + 1..].iter().position(|&x| x == b'\'' || x == b'\n');
                match end {
                    Some(e) if b[i + 1 + e] == b'\'' => {
                        push(Kind::Str, e + 2, &text[i + 1..i + 1 + e], &mut out);
                        e + 2
                    }
                    _ => return Err(invalid_char(text, i, line, col)),
                }
            }
            b'=' if b.get(i + 1) == Some(&b'=') => {
                push(Kind::Equal, 2, "==", &mut out);
                2
            }
            b'(' | b')' | b'[' | b']' | b'.' | b',' | b'+' | b'*' => {
                let k = match c {
                    b'(' => Kind::LParen,
                    b')' => Kind::RParen,
                    b'[' => Kind::LBracket,
                    b']' => Kind::RBracket,
                    b'.' => Kind::Dot,
                    b',' => Kind::Comma,
                    b'+' => Kind::Plus,
                    _ => Kind::Any,
                };
                push(k, 1, &text[i..i + 1], &mut out);
                1
            }
            _ => {
                // Longest match among hex string, integer, IP addresses, option name and
                // keywords; ties go to the earlier rule as in flex.
                let mut best: Option<(usize, Kind)> = None;
                let mut consider = |len: usize, k: Kind| {
                    if len > 0 && best.is_none_or(|(l, _)| len > l) {
                        best = Some((len, k));
                    }
                };
                if c == b'0' && matches!(b.get(i + 1), Some(b'x' | b'X')) {
                    let n = b[i + 2..].iter().take_while(|x| is_hex(**x)).count();
                    if n > 0 {
                        consider(n + 2, Kind::HexString);
                    }
                }
                if c.is_ascii_digit() || (c == b'-' && b.get(i + 1).is_some_and(u8::is_ascii_digit))
                {
                    let n = 1 + b[i + 1..].iter().take_while(|x| x.is_ascii_digit()).count();
                    consider(n, Kind::Integer);
                }
                if c.is_ascii_digit() {
                    consider(ipv4_len(b, i), Kind::IpAddress);
                }
                if is_hex(c) || c == b':' {
                    consider(ipv6_len(b, i), Kind::IpAddress);
                }
                if c.is_ascii_alphabetic() {
                    // Option names count only when followed by blanks and ']'.
                    let mut n = b[i..]
                        .iter()
                        .take_while(|x| x.is_ascii_alphanumeric() || **x == b'-' || **x == b'_')
                        .count();
                    while n > 1 && !b[i + n - 1].is_ascii_alphanumeric() {
                        n -= 1;
                    }
                    let rest = &b[i + n..];
                    let blanks = rest
                        .iter()
                        .take_while(|x| matches!(x, b' ' | b'\t' | b'\n' | b'\r'))
                        .count();
                    if rest.get(blanks) == Some(&b']') {
                        // Trailing context counts toward the match length in flex.
                        best = Some((n, Kind::OptionName));
                    } else {
                        for (w, k) in KEYWORDS {
                            if b[i..].starts_with(w.as_bytes()) {
                                consider(w.len(), *k);
                            }
                        }
                    }
                }
                match best {
                    Some((n, k)) => {
                        push(k, n, &text[i..i + n], &mut out);
                        n
                    }
                    None => return Err(invalid_char(text, i, line, col)),
                }
            }
        };
        i += len;
        col += len as u32;
    }
    out.push(Token {
        kind: Kind::End,
        text: String::new(),
        loc: Loc {
            line,
            col,
            end_col: col,
        },
    });
    Ok(out)
}

fn invalid_char(text: &str, i: usize, line: u32, col: u32) -> ParseError {
    let ch = text[i..].chars().next().unwrap_or('?');
    ParseError::new(
        Loc {
            line,
            col,
            end_col: col,
        },
        format!("Invalid character: {ch}"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(s: &str) -> Vec<Kind> {
        tokenize(s).unwrap().into_iter().map(|t| t.kind).collect()
    }

    #[test]
    fn longest_match_and_contexts() {
        use Kind::*;
        assert_eq!(
            kinds("option[host-name].text == 'a'"),
            vec![
                Option, LBracket, OptionName, RBracket, Dot, Text, Equal, Str, End
            ]
        );
        assert_eq!(
            kinds("0x0a == 10.0.0.1"),
            vec![HexString, Equal, IpAddress, End]
        );
        assert_eq!(kinds("2001:db8::1"), vec![IpAddress, End]);
        assert_eq!(kinds("::ffff:1.2.3.4"), vec![IpAddress, End]);
        assert_eq!(kinds("-12"), vec![Integer, End]);
        assert_eq!(
            kinds("1.2.3"),
            vec![Integer, Dot, Integer, Dot, Integer, End]
        );
        assert_eq!(
            kinds("vendor-class[*]"),
            vec![VendorClass, LBracket, Any, RBracket, End]
        );
        assert_eq!(
            kinds("option[text ]"),
            vec![Option, LBracket, OptionName, RBracket, End]
        );
    }

    #[test]
    fn locations_and_bad_characters() {
        let t = tokenize("option[16] == 'a'").unwrap();
        assert_eq!(t[4].loc.to_string(), "1.12-13");
        assert_eq!(t[6].loc.to_string(), "1.18");
        let e = tokenize("'abc").unwrap_err();
        assert_eq!(e.detail(), "<string>:1.1: Invalid character: '");
        let e = tokenize("0xZZ").unwrap_err();
        assert_eq!(e.detail(), "<string>:1.2: Invalid character: x");
        let e = tokenize("OPTION").unwrap_err();
        assert_eq!(e.detail(), "<string>:1.1: Invalid character: O");
        let e = tokenize("'a'\n  $").unwrap_err();
        assert_eq!(e.detail(), "<string>:2.3: Invalid character: $");
    }
}
