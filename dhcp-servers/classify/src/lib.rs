//! Kea's client classification expression language (ARM §16.3), shared by kea-dhcp4 and
//! kea-dhcp6.
//!
//! * [`Expr::parse`]`(text, &ParseEnv)` compiles a `test` expression once, at
//!   configuration time, for one [`Family`]. Errors ([`ParseError`]) use Kea's wording and
//!   positions (`expression: [..] error: <string>:1.8-10: ...`); tokens of the other
//!   family (`pkt4`, `relay4` in v6; `pkt6`, `relay6` in v4), undefined option names and
//!   classes, out-of-range codes are configuration errors, never silently false.
//! * [`Expr::eval`]`(&packet, &ClassSet) -> Result<bool, EvalError>` evaluates it per
//!   packet; the packet is anything implementing [`Packet`] (each server wraps its own
//!   packet type). Values borrow from the packet where possible: typical tests allocate
//!   nothing.
//! * [`ClassSet`]: the classes a packet belongs to, in assignment order, with inline
//!   storage (no allocation for a handful of classes).
//! * [`StringExpr`]: a `template-test` (string-valued) expression; the value names the
//!   spawned class ([`StringExpr::spawned_name`]).
//! * [`is_builtin_class`]: names `member()` may use without a definition.
//!
//! Covered: string, hex, integer and IP literals; `option[code|name].hex|text|exists`,
//! `option[c].option[s]...`, `relay4[s]...` (v4), `relay6[nest].option[c]...`,
//! `relay6[nest].peeraddr|linkaddr` (v6), `pkt.iface|src|dst|len`, `pkt4.*` (v4),
//! `pkt6.msgtype|transid` (v6), `vendor[e|*].exists`, `vendor[e].option[s]...`,
//! `vendor.enterprise`, `vendor-class[e].exists|data|data[i]`, `vendor-class.enterprise`,
//! `member()`, `known`, `unknown`, `==`, `match()`, `not`, `and`, `or`, `substring`,
//! `split`, `concat`, `+`, `ifelse`, `hexstring`, `lcase`, `ucase`, `addrtotext`,
//! `(u)int8/16/32totext`.

mod ast;
mod error;
mod eval;
mod lexer;
mod parser;

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::sync::Arc;

pub use ast::Pkt4Field;
pub use error::{EvalError, Loc, ParseError};

/// Which server the expression is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    V4,
    V6,
}

/// What the parser needs from the configuration.
pub struct ParseEnv<'a> {
    pub family: Family,
    /// Option name → code in the `dhcp4`/`dhcp6` space (standard and custom definitions).
    pub option_code: &'a dyn Fn(&str) -> Option<u16>,
    /// True for classes defined earlier in the configuration (built-ins are always
    /// accepted).
    pub class_defined: &'a dyn Fn(&str) -> bool,
}

impl std::fmt::Debug for ParseEnv<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ParseEnv")
            .field("family", &self.family)
            .finish()
    }
}

/// DHCPv4 header fields (`pkt4.*`).
#[derive(Debug, Clone, Copy)]
pub struct Pkt4Header<'a> {
    pub mac: &'a [u8],
    pub hlen: u8,
    pub htype: u8,
    pub ciaddr: Ipv4Addr,
    pub giaddr: Ipv4Addr,
    pub yiaddr: Ipv4Addr,
    pub siaddr: Ipv4Addr,
}

/// Read access to a received packet. Implemented by each server for its packet type plus
/// receive metadata.
pub trait Packet {
    /// Payload of the client message's option `code` (the first instance).
    fn option(&self, code: u16) -> Option<&[u8]>;
    /// Receiving interface name.
    fn iface(&self) -> &str;
    /// Source address of the datagram.
    fn src(&self) -> IpAddr;
    /// Destination address of the datagram.
    fn dst(&self) -> IpAddr;
    /// Packet length (`pkt.len`).
    fn packet_len(&self) -> u32;
    /// Message type (v4 option 53, v6 client message type).
    fn msg_type(&self) -> u8;
    /// Transaction id.
    fn transid(&self) -> u32;
    /// DHCPv4 header fields; `None` for DHCPv6.
    fn pkt4(&self) -> Option<Pkt4Header<'_>> {
        None
    }
    /// Number of DHCPv6 relay encapsulations.
    fn relay6_count(&self) -> usize {
        0
    }
    /// Option `code` of relay level `level` (0 = closest to the server).
    fn relay6_option(&self, _level: usize, _code: u16) -> Option<&[u8]> {
        None
    }
    /// (link-address, peer-address) of relay level `level`.
    fn relay6_addresses(&self, _level: usize) -> Option<(Ipv6Addr, Ipv6Addr)> {
        None
    }
}

/// A compiled `test` expression.
#[derive(Debug, Clone)]
pub struct Expr {
    root: ast::BoolExpr,
    family: Family,
    text: String,
}

impl Expr {
    /// Compiles `text` for `env.family`.
    pub fn parse(text: &str, env: &ParseEnv<'_>) -> Result<Expr, ParseError> {
        match parser::Parser::parse(text, env) {
            Ok(root) => Ok(Expr {
                root,
                family: env.family,
                text: text.to_string(),
            }),
            Err(mut e) => {
                e.expression = text.to_string();
                Err(e)
            }
        }
    }

    /// Evaluates against a packet that has the classes `classes` so far. An error is a
    /// run-time type error (e.g. `addrtotext` of 3 bytes): Kea then leaves the class out.
    pub fn eval<P: Packet + ?Sized>(&self, pkt: &P, classes: &ClassSet) -> Result<bool, EvalError> {
        self.root.eval(&eval::Ctx {
            family: self.family,
            pkt,
            classes,
        })
    }

    /// Class names the expression reads (`member()`, `known` and `unknown` → `KNOWN`).
    pub fn members(&self) -> Vec<&str> {
        let mut v = Vec::new();
        self.root.members(&mut v);
        v
    }

    /// True when the expression reads KNOWN/UNKNOWN directly or through a class for which
    /// `late(name)` is true (so it must wait for the host reservation lookup).
    pub fn depends_on_known(&self, late: impl Fn(&str) -> bool) -> bool {
        self.members()
            .into_iter()
            .any(|m| m == "KNOWN" || m == "UNKNOWN" || late(m))
    }

    /// The expression text as configured.
    pub fn text(&self) -> &str {
        &self.text
    }
}

/// A compiled string expression: the `template-test` of a template class, whose value
/// names the spawned class `SPAWN_<class>_<value>`.
#[derive(Debug, Clone)]
pub struct StringExpr {
    root: ast::StrExpr,
    family: Family,
    text: String,
}

impl StringExpr {
    /// Compiles `text` for `env.family`.
    pub fn parse(text: &str, env: &ParseEnv<'_>) -> Result<StringExpr, ParseError> {
        match parser::Parser::parse_string(text, env) {
            Ok(root) => Ok(StringExpr {
                root,
                family: env.family,
                text: text.to_string(),
            }),
            Err(mut e) => {
                e.expression = text.to_string();
                Err(e)
            }
        }
    }

    /// The value for a packet (empty: no class is spawned).
    pub fn eval<P: Packet + ?Sized>(
        &self,
        pkt: &P,
        classes: &ClassSet,
    ) -> Result<Vec<u8>, EvalError> {
        let ctx = eval::Ctx {
            family: self.family,
            pkt,
            classes,
        };
        Ok(self.root.eval(&ctx)?.bytes().to_vec())
    }

    /// Class names the expression reads.
    pub fn members(&self) -> Vec<&str> {
        let mut v = Vec::new();
        self.root.members(&mut v);
        v
    }

    /// See [`Expr::depends_on_known`].
    pub fn depends_on_known(&self, late: impl Fn(&str) -> bool) -> bool {
        self.members()
            .into_iter()
            .any(|m| m == "KNOWN" || m == "UNKNOWN" || late(m))
    }

    /// The expression text as configured.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// `SPAWN_<class>_<value>`, or `None` for an empty value.
    pub fn spawned_name(class: &str, value: &[u8]) -> Option<String> {
        (!value.is_empty()).then(|| format!("SPAWN_{class}_{}", String::from_utf8_lossy(value)))
    }
}

/// Names `member()` may reference without a definition: `ALL`, `KNOWN`, `UNKNOWN`,
/// `BOOTP` and the prefixes `VENDOR_CLASS_`, `HA_`, `AFTER_`, `EXTERNAL_`.
pub fn is_builtin_class(name: &str) -> bool {
    matches!(name, "ALL" | "KNOWN" | "UNKNOWN" | "BOOTP")
        || ["VENDOR_CLASS_", "HA_", "AFTER_", "EXTERNAL_"]
            .iter()
            .any(|p| name.starts_with(p))
}

/// The `VENDOR_CLASS_` class suffix of a DHCPv6 packet: the first data chunk of the
/// vendor class option (16).
pub fn vendor_class6<P: Packet + ?Sized>(pkt: &P) -> Option<&[u8]> {
    eval::first_vendor_class_chunk(Family::V6, pkt)
}

/// One class name: built-in (static), configured (shared with the configuration) or
/// built for this packet.
#[derive(Debug, Clone)]
pub enum ClassName {
    Static(&'static str),
    Shared(Arc<str>),
    Owned(Box<str>),
}

impl ClassName {
    pub fn as_str(&self) -> &str {
        match self {
            ClassName::Static(s) => s,
            ClassName::Shared(s) => s,
            ClassName::Owned(s) => s,
        }
    }
}

const INLINE: usize = 8;

/// The classes a packet belongs to, in assignment order (duplicates ignored). The first
/// eight live inline, so classification of ordinary packets does not allocate.
#[derive(Debug, Clone)]
pub struct ClassSet {
    head: [ClassName; INLINE],
    len: usize,
    spill: Vec<ClassName>,
}

impl Default for ClassSet {
    fn default() -> Self {
        ClassSet {
            head: std::array::from_fn(|_| ClassName::Static("")),
            len: 0,
            spill: Vec::new(),
        }
    }
}

/// The names separated by ", " (as Kea prints a packet's classes in its logs).
impl std::fmt::Display for ClassSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, n) in self.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            f.write_str(n)?;
        }
        Ok(())
    }
}

impl PartialEq for ClassSet {
    fn eq(&self, other: &Self) -> bool {
        self.iter().eq(other.iter())
    }
}

impl ClassSet {
    pub fn contains(&self, name: &str) -> bool {
        self.iter().any(|n| n == name)
    }

    fn push(&mut self, n: ClassName) {
        if self.contains(n.as_str()) {
            return;
        }
        if self.len < INLINE {
            self.head[self.len] = n;
            self.len += 1;
        } else {
            self.spill.push(n);
        }
    }

    /// Adds a name (copied).
    pub fn insert(&mut self, name: &str) {
        if !self.contains(name) {
            self.push(ClassName::Owned(name.into()));
        }
    }

    /// Adds a built-in name without allocating.
    pub fn insert_static(&mut self, name: &'static str) {
        self.push(ClassName::Static(name));
    }

    /// Adds a configured name without allocating.
    pub fn insert_shared(&mut self, name: &Arc<str>) {
        if !self.contains(name) {
            self.push(ClassName::Shared(name.clone()));
        }
    }

    /// Class names in assignment order.
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        self.head[..self.len]
            .iter()
            .chain(self.spill.iter())
            .map(ClassName::as_str)
    }

    pub fn len(&self) -> usize {
        self.len + self.spill.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// True when the client may use a resource guarded by `required` (empty = open to
    /// all; otherwise membership in any one listed class suffices, as in Kea 3).
    pub fn allows<S: AsRef<str>>(&self, required: &[S]) -> bool {
        required.is_empty() || required.iter().any(|c| self.contains(c.as_ref()))
    }
}

#[cfg(test)]
mod tests;
