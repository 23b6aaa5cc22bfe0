//! Recursive-descent parser for Kea's typed grammar (boolean and string expressions),
//! with Kea's semantic checks (code ranges, option names, family-only tokens, class
//! references) and bison-style "syntax error, unexpected X, expecting Y" messages.

use regex_automata::meta::Regex;
use regex_automata::util::syntax;

use crate::ast::*;
use crate::error::{Loc, ParseError};
use crate::lexer::{Kind, Token, tokenize};
use crate::{Family, ParseEnv, is_builtin_class};

/// A parse error and the index of the token it was found at (to pick the furthest of two
/// alternatives).
type PResult<T> = Result<T, (ParseError, usize)>;

pub(crate) struct Parser<'e> {
    toks: Vec<Token>,
    pos: usize,
    env: &'e ParseEnv<'e>,
}

/// Kea prints at most four expected tokens.
const MAX_EXPECTED: usize = 4;

impl<'e> Parser<'e> {
    pub(crate) fn parse(text: &str, env: &'e ParseEnv<'e>) -> Result<BoolExpr, ParseError> {
        let toks = tokenize(text)?;
        let mut p = Parser { toks, pos: 0, env };
        let run = |p: &mut Parser<'_>| -> PResult<BoolExpr> {
            let e = p.bool_or()?;
            if p.kind() != Kind::End {
                return Err(p.unexpected(&[Kind::End]));
            }
            Ok(e)
        };
        run(&mut p).map_err(|(e, _)| e)
    }

    /// A top-level string expression (template classes).
    pub(crate) fn parse_string(text: &str, env: &'e ParseEnv<'e>) -> Result<StrExpr, ParseError> {
        let toks = tokenize(text)?;
        let mut p = Parser { toks, pos: 0, env };
        let run = |p: &mut Parser<'_>| -> PResult<StrExpr> {
            let e = p.string_expr()?;
            p.expect_after_string(Kind::End)?;
            Ok(e)
        };
        run(&mut p).map_err(|(e, _)| e)
    }

    fn tok(&self) -> &Token {
        // The token list always ends with End and the parser never moves past it.
        &self.toks[self.pos.min(self.toks.len() - 1)]
    }

    fn kind(&self) -> Kind {
        self.tok().kind
    }

    fn bump(&mut self) -> Token {
        let t = self.tok().clone();
        if self.pos < self.toks.len() - 1 {
            self.pos += 1;
        }
        t
    }

    fn unexpected(&self, expected: &[Kind]) -> (ParseError, usize) {
        let t = self.tok();
        let mut msg = format!("syntax error, unexpected {}", t.kind.display());
        let mut exp: Vec<Kind> = expected.to_vec();
        exp.sort();
        exp.dedup();
        if !exp.is_empty() && exp.len() <= MAX_EXPECTED {
            msg.push_str(", expecting ");
            let names: Vec<&str> = exp.iter().map(|k| k.display()).collect();
            msg.push_str(&names.join(" or "));
        }
        (ParseError::new(t.loc, msg), self.pos)
    }

    fn semantic(&self, loc: Loc, msg: impl Into<String>) -> (ParseError, usize) {
        (ParseError::new(loc, msg), self.pos)
    }

    fn expect(&mut self, k: Kind) -> PResult<Token> {
        self.expect_any(&[k])
    }

    /// The next token must be `k`; after a string expression `+` could also have come.
    fn expect_after_string(&mut self, k: Kind) -> PResult<Token> {
        if self.kind() == k {
            return Ok(self.bump());
        }
        Err(self.unexpected(&[k, Kind::Plus]))
    }

    /// The next token must be `k`; after a boolean expression `and`/`or` could have come.
    fn expect_after_bool(&mut self, k: Kind) -> PResult<Token> {
        if self.kind() == k {
            return Ok(self.bump());
        }
        Err(self.unexpected(&[k, Kind::And, Kind::Or]))
    }

    fn expect_any(&mut self, ks: &[Kind]) -> PResult<Token> {
        if ks.contains(&self.kind()) {
            return Ok(self.bump());
        }
        Err(self.unexpected(ks))
    }

    // ---- booleans ----

    fn bool_or(&mut self) -> PResult<BoolExpr> {
        let mut l = self.bool_and()?;
        while self.kind() == Kind::Or {
            self.bump();
            l = BoolExpr::Or(Box::new(l), Box::new(self.bool_and()?));
        }
        Ok(l)
    }

    fn bool_and(&mut self) -> PResult<BoolExpr> {
        let mut l = self.bool_not()?;
        while self.kind() == Kind::And {
            self.bump();
            l = BoolExpr::And(Box::new(l), Box::new(self.bool_not()?));
        }
        Ok(l)
    }

    fn bool_not(&mut self) -> PResult<BoolExpr> {
        if self.kind() == Kind::Not {
            self.bump();
            return Ok(BoolExpr::Not(Box::new(self.bool_not()?)));
        }
        self.bool_atom()
    }

    fn bool_atom(&mut self) -> PResult<BoolExpr> {
        match self.kind() {
            Kind::LParen => {
                // "(" starts either a grouped boolean or a grouped string compared with
                // "==": try the boolean first, keep the error that got further.
                let save = self.pos;
                let as_bool = (|| {
                    self.bump();
                    let b = self.bool_or()?;
                    self.expect_after_bool(Kind::RParen)?;
                    if matches!(self.kind(), Kind::Equal | Kind::Plus) {
                        return Err(self.unexpected(&[]));
                    }
                    Ok(b)
                })();
                match as_bool {
                    Ok(b) => Ok(b),
                    Err(e1) => {
                        let end1 = self.pos;
                        self.pos = save;
                        match self.string_expr().and_then(|s| self.equality(s)) {
                            Ok(b) => Ok(b),
                            Err(e2) => {
                                if e1.1 >= e2.1 {
                                    self.pos = end1;
                                    Err(e1)
                                } else {
                                    Err(e2)
                                }
                            }
                        }
                    }
                }
            }
            Kind::Member => {
                self.bump();
                self.expect(Kind::LParen)?;
                let name = self.expect(Kind::Str)?;
                if !is_builtin_class(&name.text) && !(self.env.class_defined)(&name.text) {
                    return Err(self.semantic(
                        name.loc,
                        format!("Not defined client class '{}'", name.text),
                    ));
                }
                self.expect(Kind::RParen)?;
                Ok(BoolExpr::Member(name.text))
            }
            Kind::Known => {
                self.bump();
                Ok(BoolExpr::Member("KNOWN".into()))
            }
            Kind::Unknown => {
                self.bump();
                Ok(BoolExpr::Not(Box::new(BoolExpr::Member("KNOWN".into()))))
            }
            Kind::Match => {
                self.bump();
                self.expect(Kind::LParen)?;
                let pat = self.expect(Kind::Str)?;
                let re = compile_regex(&pat.text).map_err(|m| self.semantic(pat.loc, m))?;
                self.expect(Kind::Comma)?;
                let v = self.string_expr()?;
                self.expect_after_string(Kind::RParen)?;
                Ok(BoolExpr::Match(Box::new(re), v))
            }
            Kind::Option | Kind::Relay4 | Kind::Relay6 | Kind::Vendor | Kind::VendorClass => {
                match self.path(true)? {
                    Path::Exists(src) => Ok(BoolExpr::Exists(src)),
                    Path::Str(s) => {
                        let s = self.concat_tail(s)?;
                        self.equality(s)
                    }
                }
            }
            _ => {
                let s = self.string_expr()?;
                self.equality(s)
            }
        }
    }

    fn equality(&mut self, l: StrExpr) -> PResult<BoolExpr> {
        if self.kind() != Kind::Equal {
            return Err(self.unexpected(&[Kind::Equal, Kind::Plus]));
        }
        self.bump();
        let r = self.string_expr()?;
        Ok(BoolExpr::Equal(l, r))
    }

    // ---- strings ----

    fn string_expr(&mut self) -> PResult<StrExpr> {
        let l = self.string_term()?;
        self.concat_tail(l)
    }

    fn concat_tail(&mut self, mut l: StrExpr) -> PResult<StrExpr> {
        while self.kind() == Kind::Plus {
            self.bump();
            l = StrExpr::Concat(Box::new(l), Box::new(self.string_term()?));
        }
        Ok(l)
    }

    fn string_term(&mut self) -> PResult<StrExpr> {
        let t = self.tok().clone();
        let b = Box::new;
        Ok(match t.kind {
            Kind::Str => {
                self.bump();
                StrExpr::Lit(t.text.into_bytes())
            }
            Kind::HexString => {
                self.bump();
                StrExpr::Lit(decode_hex(&t.text[2..]))
            }
            Kind::IpAddress => {
                self.bump();
                let a: std::net::IpAddr = t.text.parse().map_err(|_| {
                    self.semantic(
                        t.loc,
                        format!("Failed to convert {} to an IP address.", t.text),
                    )
                })?;
                StrExpr::Lit(match a {
                    std::net::IpAddr::V4(v) => v.octets().to_vec(),
                    std::net::IpAddr::V6(v) => v.octets().to_vec(),
                })
            }
            Kind::Integer => {
                self.bump();
                StrExpr::Lit(self.uint32(&t)?.to_be_bytes().to_vec())
            }
            Kind::LParen => {
                self.bump();
                let s = self.string_expr()?;
                self.expect_after_string(Kind::RParen)?;
                s
            }
            Kind::Option | Kind::Relay4 | Kind::Relay6 | Kind::Vendor | Kind::VendorClass => {
                match self.path(false)? {
                    Path::Str(s) => s,
                    // path(false) never yields Exists.
                    Path::Exists(_) => return Err(self.unexpected(&[])),
                }
            }
            Kind::Pkt => {
                self.bump();
                self.expect(Kind::Dot)?;
                let f = self.expect_any(&[Kind::Iface, Kind::Src, Kind::Dst, Kind::Len])?;
                StrExpr::Pkt(match f.kind {
                    Kind::Iface => PktField::Iface,
                    Kind::Src => PktField::Src,
                    Kind::Dst => PktField::Dst,
                    _ => PktField::Len,
                })
            }
            Kind::Pkt4 => {
                self.bump();
                self.expect(Kind::Dot)?;
                use Kind::*;
                let f = self.expect_any(&[
                    Mac, Hlen, Htype, Ciaddr, Giaddr, Yiaddr, Siaddr, MsgType, TransId,
                ])?;
                if self.env.family != Family::V4 {
                    return Err(self.semantic(t.loc, "pkt4 can only be used in DHCPv4."));
                }
                StrExpr::Pkt4(match f.kind {
                    Mac => Pkt4Field::Mac,
                    Hlen => Pkt4Field::Hlen,
                    Htype => Pkt4Field::Htype,
                    Ciaddr => Pkt4Field::Ciaddr,
                    Giaddr => Pkt4Field::Giaddr,
                    Yiaddr => Pkt4Field::Yiaddr,
                    Siaddr => Pkt4Field::Siaddr,
                    MsgType => Pkt4Field::MsgType,
                    _ => Pkt4Field::TransId,
                })
            }
            Kind::Pkt6 => {
                self.bump();
                self.expect(Kind::Dot)?;
                let f = self.expect_any(&[Kind::MsgType, Kind::TransId])?;
                if self.env.family != Family::V6 {
                    return Err(self.semantic(t.loc, "pkt6 can only be used in DHCPv6."));
                }
                StrExpr::Pkt6(if f.kind == Kind::MsgType {
                    Pkt6Field::MsgType
                } else {
                    Pkt6Field::TransId
                })
            }
            Kind::Substring => {
                self.bump();
                self.expect(Kind::LParen)?;
                let s = self.string_expr()?;
                self.expect_after_string(Kind::Comma)?;
                let start = self.expect(Kind::Integer)?;
                let start = self.int32(&start)?;
                self.expect(Kind::Comma)?;
                let len = self.expect_any(&[Kind::All, Kind::Integer])?;
                let len = match len.kind {
                    Kind::All => None,
                    _ => Some(self.int32(&len)?),
                };
                self.expect(Kind::RParen)?;
                StrExpr::Substring(b(s), start, len)
            }
            Kind::Split => {
                self.bump();
                self.expect(Kind::LParen)?;
                let s = self.string_expr()?;
                self.expect_after_string(Kind::Comma)?;
                let d = self.string_expr()?;
                self.expect_after_string(Kind::Comma)?;
                let f = self.expect(Kind::Integer)?;
                let f = self.int32(&f)?;
                self.expect(Kind::RParen)?;
                StrExpr::Split(b(s), b(d), f)
            }
            Kind::Concat | Kind::ToHexString => {
                self.bump();
                self.expect(Kind::LParen)?;
                let x = self.string_expr()?;
                self.expect_after_string(Kind::Comma)?;
                let y = self.string_expr()?;
                self.expect_after_string(Kind::RParen)?;
                if t.kind == Kind::Concat {
                    StrExpr::Concat(b(x), b(y))
                } else {
                    StrExpr::ToHexString(b(x), b(y))
                }
            }
            Kind::Ifelse => {
                self.bump();
                self.expect(Kind::LParen)?;
                let c = self.bool_or()?;
                self.expect_after_bool(Kind::Comma)?;
                let x = self.string_expr()?;
                self.expect_after_string(Kind::Comma)?;
                let y = self.string_expr()?;
                self.expect_after_string(Kind::RParen)?;
                StrExpr::IfElse(Box::new(c), b(x), b(y))
            }
            Kind::AddrToText
            | Kind::Int8ToText
            | Kind::Int16ToText
            | Kind::Int32ToText
            | Kind::UInt8ToText
            | Kind::UInt16ToText
            | Kind::UInt32ToText
            | Kind::Lcase
            | Kind::Ucase => {
                self.bump();
                self.expect(Kind::LParen)?;
                let x = b(self.string_expr()?);
                self.expect_after_string(Kind::RParen)?;
                match t.kind {
                    Kind::AddrToText => StrExpr::ToText(ToText::Addr, x),
                    Kind::Int8ToText => StrExpr::ToText(ToText::I8, x),
                    Kind::Int16ToText => StrExpr::ToText(ToText::I16, x),
                    Kind::Int32ToText => StrExpr::ToText(ToText::I32, x),
                    Kind::UInt8ToText => StrExpr::ToText(ToText::U8, x),
                    Kind::UInt16ToText => StrExpr::ToText(ToText::U16, x),
                    Kind::UInt32ToText => StrExpr::ToText(ToText::U32, x),
                    Kind::Lcase => StrExpr::Lcase(x),
                    _ => StrExpr::Ucase(x),
                }
            }
            _ => return Err(self.unexpected(&[])),
        })
    }

    // ---- option-like paths ----

    fn repr_or_exists(&mut self, allow_exists: bool, sub_allowed: bool) -> PResult<Token> {
        let mut ks = vec![Kind::Text, Kind::Hex];
        if allow_exists {
            ks.push(Kind::Exists);
        }
        if sub_allowed {
            ks.push(Kind::Option);
        }
        self.expect_any(&ks)
    }

    fn finish(&self, t: &Token, src: Source) -> Path {
        match t.kind {
            Kind::Text | Kind::Hex => Path::Str(StrExpr::Value(src)),
            _ => Path::Exists(src),
        }
    }

    fn path(&mut self, allow_exists: bool) -> PResult<Path> {
        let head = self.bump();
        match head.kind {
            Kind::Option => {
                self.expect(Kind::LBracket)?;
                let code = self.option_code(true)?;
                self.expect(Kind::RBracket)?;
                self.expect(Kind::Dot)?;
                let r = self.repr_or_exists(allow_exists, true)?;
                if r.kind != Kind::Option {
                    return Ok(self.finish(&r, Source::Option(code)));
                }
                self.expect(Kind::LBracket)?;
                let sub = self.option_code(false)?;
                self.expect(Kind::RBracket)?;
                self.expect(Kind::Dot)?;
                let r = self.repr_or_exists(allow_exists, false)?;
                Ok(self.finish(&r, Source::SubOption(code, sub)))
            }
            Kind::Relay4 => {
                self.expect(Kind::LBracket)?;
                let code = self.option_code(false)?;
                self.expect(Kind::RBracket)?;
                self.expect(Kind::Dot)?;
                let r = self.repr_or_exists(allow_exists, false)?;
                if self.env.family != Family::V4 {
                    return Err(self.semantic(head.loc, "relay4 can only be used in DHCPv4."));
                }
                Ok(self.finish(&r, Source::Relay4(code)))
            }
            Kind::Relay6 => {
                self.expect(Kind::LBracket)?;
                let n = self.expect(Kind::Integer)?;
                let nest = self.nest_level(&n)?;
                self.expect(Kind::RBracket)?;
                self.expect(Kind::Dot)?;
                let what = self.expect_any(&[Kind::Option, Kind::PeerAddr, Kind::LinkAddr])?;
                let out = match what.kind {
                    Kind::PeerAddr => Path::Str(StrExpr::Relay6Field(nest, Relay6Field::PeerAddr)),
                    Kind::LinkAddr => Path::Str(StrExpr::Relay6Field(nest, Relay6Field::LinkAddr)),
                    _ => {
                        self.expect(Kind::LBracket)?;
                        let code = self.option_code(false)?;
                        self.expect(Kind::RBracket)?;
                        self.expect(Kind::Dot)?;
                        let r = self.repr_or_exists(allow_exists, false)?;
                        self.finish(&r, Source::Relay6 { nest, code })
                    }
                };
                if self.env.family != Family::V6 {
                    return Err(self.semantic(head.loc, "relay6 can only be used in DHCPv6."));
                }
                Ok(out)
            }
            Kind::Vendor => {
                if self.kind() == Kind::Dot {
                    self.bump();
                    self.expect(Kind::Enterprise)?;
                    return Ok(Path::Str(StrExpr::VendorEnterprise));
                }
                self.expect_any(&[Kind::LBracket, Kind::Dot])?;
                let ent = self.enterprise()?;
                self.expect(Kind::RBracket)?;
                self.expect(Kind::Dot)?;
                let ks: &[Kind] = if allow_exists {
                    &[Kind::Option, Kind::Exists]
                } else {
                    &[Kind::Option]
                };
                let what = self.expect_any(ks)?;
                if what.kind == Kind::Exists {
                    return Ok(Path::Exists(Source::Vendor(ent)));
                }
                self.expect(Kind::LBracket)?;
                let sub = self.option_code(false)?;
                self.expect(Kind::RBracket)?;
                self.expect(Kind::Dot)?;
                let r = self.repr_or_exists(allow_exists, false)?;
                Ok(self.finish(&r, Source::VendorSub(ent, sub)))
            }
            _ => {
                // vendor-class
                if self.kind() == Kind::Dot {
                    self.bump();
                    self.expect(Kind::Enterprise)?;
                    return Ok(Path::Str(StrExpr::VendorClassEnterprise));
                }
                self.expect_any(&[Kind::LBracket, Kind::Dot])?;
                let ent = self.enterprise()?;
                self.expect(Kind::RBracket)?;
                self.expect(Kind::Dot)?;
                let ks: &[Kind] = if allow_exists {
                    &[Kind::Exists, Kind::Data]
                } else {
                    &[Kind::Data]
                };
                let what = self.expect_any(ks)?;
                if what.kind == Kind::Exists {
                    return Ok(Path::Exists(Source::VendorClass(ent)));
                }
                let mut index = 0u8;
                if self.kind() == Kind::LBracket {
                    self.bump();
                    let i = self.expect(Kind::Integer)?;
                    index = self.uint8(&i)?;
                    self.expect(Kind::RBracket)?;
                }
                Ok(Path::Str(StrExpr::VendorClassData(ent, index)))
            }
        }
    }

    // ---- numbers ----

    fn option_code(&mut self, names: bool) -> PResult<u16> {
        let t = if names {
            self.expect_any(&[Kind::Integer, Kind::OptionName])?
        } else {
            self.expect(Kind::Integer)?
        };
        if t.kind == Kind::OptionName {
            return (self.env.option_code)(&t.text).ok_or_else(|| {
                self.semantic(t.loc, format!("option '{}' is not defined", t.text))
            });
        }
        let max: i64 = match self.env.family {
            Family::V4 => 255,
            Family::V6 => 65535,
        };
        match t.text.parse::<i64>() {
            Ok(n) if (0..=max).contains(&n) => Ok(n as u16),
            _ => Err(self.semantic(
                t.loc,
                format!(
                    "Option code has invalid value in {}. Allowed range: 0..{max}",
                    t.text
                ),
            )),
        }
    }

    fn nest_level(&self, t: &Token) -> PResult<i8> {
        if self.env.family == Family::V4 {
            return Err(self.semantic(t.loc, "Nest level invalid for DHCPv4 packets"));
        }
        match t.text.parse::<i64>() {
            Ok(n) if (-32..=31).contains(&n) => Ok(n as i8),
            _ => Err(self.semantic(
                t.loc,
                format!(
                    "Nest level has invalid value in {}. Allowed range: -32..31",
                    t.text
                ),
            )),
        }
    }

    fn enterprise(&mut self) -> PResult<u32> {
        let t = self.expect_any(&[Kind::Any, Kind::Integer])?;
        if t.kind == Kind::Any {
            return Ok(0);
        }
        self.uint32(&t)
    }

    fn uint32(&self, t: &Token) -> PResult<u32> {
        t.text.parse::<u32>().map_err(|_| {
            self.semantic(
                t.loc,
                format!("Invalid value in {}. Allowed range: 0..4294967295", t.text),
            )
        })
    }

    fn uint8(&self, t: &Token) -> PResult<u8> {
        t.text.parse::<u8>().map_err(|_| {
            self.semantic(
                t.loc,
                format!("Invalid value in {}. Allowed range: 0..255", t.text),
            )
        })
    }

    /// Substring positions and split fields (Kea converts them to `int` when evaluating;
    /// we check at configuration time).
    fn int32(&self, t: &Token) -> PResult<i32> {
        t.text.parse::<i32>().map_err(|_| {
            self.semantic(
                t.loc,
                format!(
                    "Invalid value in {}. Allowed range: -2147483648..2147483647",
                    t.text
                ),
            )
        })
    }
}

enum Path {
    Exists(Source),
    Str(StrExpr),
}

/// Decodes the digits of a `0x` literal (an odd count gets a leading zero).
fn decode_hex(digits: &str) -> Vec<u8> {
    let d = digits.as_bytes();
    let val = |c: u8| (c as char).to_digit(16).unwrap_or(0) as u8;
    let mut out = Vec::with_capacity(d.len().div_ceil(2));
    let mut i = 0;
    if d.len() % 2 == 1 {
        out.push(val(d[0]));
        i = 1;
    }
    while i + 1 < d.len() {
        out.push(val(d[i]) << 4 | val(d[i + 1]));
        i += 2;
    }
    out
}

/// `match()` patterns: byte-oriented (values are binary strings), matched against the
/// whole value as std::regex_match does.
fn compile_regex(pat: &str) -> Result<Regex, String> {
    Regex::builder()
        .syntax(syntax::Config::new().unicode(false).utf8(false))
        .build(&format!("^(?:{pat})$"))
        .map_err(|e| format!("invalid regular expression '{pat}': {e}"))
}
