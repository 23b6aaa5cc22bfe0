//! The compiled form of an expression: a typed tree (booleans and strings are separate,
//! as in Kea's grammar), so evaluation never re-checks types.

use regex_automata::meta::Regex;

/// Which packet value an option-like path reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Source {
    /// `option[code]`.
    Option(u16),
    /// `option[code].option[sub]`.
    SubOption(u16, u16),
    /// `relay4[sub]`: a sub-option of the relay agent information option (82).
    Relay4(u16),
    /// `relay6[nest].option[code]`.
    Relay6 { nest: i8, code: u16 },
    /// `vendor[enterprise]` (0 = any): the vendor-specific information option.
    Vendor(u32),
    /// `vendor[enterprise].option[sub]`.
    VendorSub(u32, u16),
    /// `vendor-class[enterprise]` (0 = any).
    VendorClass(u32),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PktField {
    Iface,
    Src,
    Dst,
    Len,
}

/// `pkt4.*` fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pkt4Field {
    Mac,
    Hlen,
    Htype,
    Ciaddr,
    Giaddr,
    Yiaddr,
    Siaddr,
    MsgType,
    TransId,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Pkt6Field {
    MsgType,
    TransId,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Relay6Field {
    PeerAddr,
    LinkAddr,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ToText {
    Addr,
    I8,
    I16,
    I32,
    U8,
    U16,
    U32,
}

#[derive(Debug, Clone)]
pub(crate) enum BoolExpr {
    Not(Box<BoolExpr>),
    And(Box<BoolExpr>, Box<BoolExpr>),
    Or(Box<BoolExpr>, Box<BoolExpr>),
    Equal(StrExpr, StrExpr),
    Exists(Source),
    Member(String),
    /// `match('regex', value)`: the whole value must match.
    Match(Box<Regex>, StrExpr),
}

#[derive(Debug, Clone)]
pub(crate) enum StrExpr {
    Lit(Vec<u8>),
    /// `.hex` and `.text` both read the payload bytes. For string options (the usual
    /// `.text` case) this is what Kea gives; for other types Kea 2.2 pushes its debug
    /// rendering (checked live: `type=057, len=002: 1500 (uint16)`), which is not
    /// reproduced.
    Value(Source),
    Pkt(PktField),
    Pkt4(Pkt4Field),
    Pkt6(Pkt6Field),
    Relay6Field(i8, Relay6Field),
    VendorEnterprise,
    VendorClassEnterprise,
    VendorClassData(u32, u8),
    Substring(Box<StrExpr>, i32, Option<i32>),
    Split(Box<StrExpr>, Box<StrExpr>, i32),
    Concat(Box<StrExpr>, Box<StrExpr>),
    IfElse(Box<BoolExpr>, Box<StrExpr>, Box<StrExpr>),
    ToHexString(Box<StrExpr>, Box<StrExpr>),
    ToText(ToText, Box<StrExpr>),
    Lcase(Box<StrExpr>),
    Ucase(Box<StrExpr>),
}

impl BoolExpr {
    pub(crate) fn members<'a>(&'a self, out: &mut Vec<&'a str>) {
        match self {
            BoolExpr::Not(a) => a.members(out),
            BoolExpr::And(a, b) | BoolExpr::Or(a, b) => {
                a.members(out);
                b.members(out);
            }
            BoolExpr::Equal(a, b) => {
                a.members(out);
                b.members(out);
            }
            BoolExpr::Exists(_) => {}
            BoolExpr::Member(n) => out.push(n),
            BoolExpr::Match(_, v) => v.members(out),
        }
    }
}

impl StrExpr {
    pub(crate) fn members<'a>(&'a self, out: &mut Vec<&'a str>) {
        match self {
            StrExpr::IfElse(c, a, b) => {
                c.members(out);
                a.members(out);
                b.members(out);
            }
            StrExpr::Split(a, b, _) | StrExpr::Concat(a, b) | StrExpr::ToHexString(a, b) => {
                a.members(out);
                b.members(out);
            }
            StrExpr::Substring(a, ..)
            | StrExpr::ToText(_, a)
            | StrExpr::Lcase(a)
            | StrExpr::Ucase(a) => a.members(out),
            _ => {}
        }
    }
}
