//! Client classification: built-in classes (ALL, KNOWN, UNKNOWN, VENDOR_CLASS_<option 60>,
//! BOOTP) and configured classes whose `test` is an expression of Kea's language (ARM §16.3).
//!
//! Supported: string/hex/IP/integer literals, `option[N].hex|text|exists`,
//! `relay4[N].hex|text|exists`, `pkt4.mac|hlen|htype|ciaddr|giaddr|yiaddr|siaddr|msgtype|transid`,
//! `pkt.iface|src|dst`, `member('X')`, `known`, `unknown`, `==`, `not`, `and`, `or`, `+`,
//! `substring`, `concat`, `ifelse`, `hexstring`, `lcase`, `ucase`, `split`, `addrtotext`,
//! `(u)int8/16/32totext`. Not supported (rejected at configuration time with a clear error):
//! `match` (regular expressions), `vendor[..]`, `vendor-class[..]`, `pkt.len`, `relay6`, `pkt6`.

use std::net::Ipv4Addr;

use dhcp_packet::Pkt4;

/// Packet context an expression can read.
#[derive(Debug, Clone, Copy)]
pub struct Env<'a> {
    pub pkt: &'a Pkt4,
    pub iface: &'a str,
    pub src: Ipv4Addr,
    pub dst: Ipv4Addr,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Repr {
    Hex,
    Text,
    Exists,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Mac,
    Hlen,
    Htype,
    Ciaddr,
    Giaddr,
    Yiaddr,
    Siaddr,
    Msgtype,
    Transid,
    Iface,
    Src,
    Dst,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ToText {
    Addr,
    I8,
    I16,
    I32,
    U8,
    U16,
    U32,
}

/// An expression node. Every node evaluates to bytes; booleans are "true"/"false".
#[derive(Debug, Clone, PartialEq, Eq)]
enum Node {
    Lit(Vec<u8>),
    Opt(u8, Repr),
    Relay(u8, Repr),
    Field(Field),
    Member(String),
    Eq(Box<Node>, Box<Node>),
    Not(Box<Node>),
    And(Box<Node>, Box<Node>),
    Or(Box<Node>, Box<Node>),
    Substring(Box<Node>, i64, Option<i64>),
    Concat(Box<Node>, Box<Node>),
    Ifelse(Box<Node>, Box<Node>, Box<Node>),
    Hexstring(Box<Node>, Box<Node>),
    Lcase(Box<Node>),
    Ucase(Box<Node>),
    Split(Box<Node>, Box<Node>, i64),
    ToText(ToText, Box<Node>),
}

/// A parsed `test` expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expr {
    root: Node,
    text: String,
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Str(Vec<u8>),
    Int(i64),
    Ip(Ipv4Addr),
    Word(String),
    Sym(&'static str),
}

fn tokenize(s: &str) -> Result<Vec<Tok>, String> {
    let b = s.as_bytes();
    let mut i = 0;
    let mut out = Vec::new();
    while i < b.len() {
        let c = b[i];
        match c {
            b' ' | b'\t' | b'\n' | b'\r' => i += 1,
            b'\'' => {
                let start = i + 1;
                let end = b[start..]
                    .iter()
                    .position(|&x| x == b'\'')
                    .ok_or("unterminated string")?;
                out.push(Tok::Str(b[start..start + end].to_vec()));
                i = start + end + 1;
            }
            b'(' | b')' | b'[' | b']' | b',' | b'.' | b'+' => {
                out.push(Tok::Sym(match c {
                    b'(' => "(",
                    b')' => ")",
                    b'[' => "[",
                    b']' => "]",
                    b',' => ",",
                    b'.' => ".",
                    _ => "+",
                }));
                i += 1;
            }
            b'=' if b.get(i + 1) == Some(&b'=') => {
                out.push(Tok::Sym("=="));
                i += 2;
            }
            b'0' if matches!(b.get(i + 1), Some(b'x' | b'X')) => {
                let start = i + 2;
                let mut j = start;
                while j < b.len() && b[j].is_ascii_hexdigit() {
                    j += 1;
                }
                let mut h = s[start..j].to_string();
                if h.len() % 2 == 1 {
                    h.insert(0, '0');
                }
                let bytes = (0..h.len())
                    .step_by(2)
                    .map(|k| u8::from_str_radix(&h[k..k + 2], 16))
                    .collect::<Result<Vec<_>, _>>()
                    .map_err(|_| "bad hex literal")?;
                out.push(Tok::Str(bytes));
                i = j;
            }
            b'-' | b'0'..=b'9' => {
                let start = i;
                let mut j = i + 1;
                while j < b.len() && (b[j].is_ascii_digit() || b[j] == b'.') {
                    j += 1;
                }
                let t = &s[start..j];
                if t.contains('.') {
                    out.push(Tok::Ip(
                        t.parse().map_err(|_| format!("invalid address '{t}'"))?,
                    ));
                } else {
                    out.push(Tok::Int(
                        t.parse().map_err(|_| format!("invalid integer '{t}'"))?,
                    ));
                }
                i = j;
            }
            c if c.is_ascii_alphabetic() => {
                let start = i;
                let mut j = i;
                while j < b.len() && (b[j].is_ascii_alphanumeric() || b[j] == b'_' || b[j] == b'-')
                {
                    j += 1;
                }
                out.push(Tok::Word(s[start..j].to_ascii_lowercase()));
                i = j;
            }
            _ => return Err(format!("unexpected character '{}'", c as char)),
        }
    }
    Ok(out)
}

struct Parser {
    toks: Vec<Tok>,
    pos: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos)
    }

    fn next(&mut self) -> Option<Tok> {
        let t = self.toks.get(self.pos).cloned();
        self.pos += 1;
        t
    }

    fn sym(&mut self, s: &'static str) -> Result<(), String> {
        match self.next() {
            Some(Tok::Sym(x)) if x == s => Ok(()),
            other => Err(format!("expected '{s}', got {other:?}")),
        }
    }

    fn word_is(&self, w: &str) -> bool {
        matches!(self.peek(), Some(Tok::Word(x)) if x == w)
    }

    fn int(&mut self) -> Result<i64, String> {
        match self.next() {
            Some(Tok::Int(i)) => Ok(i),
            other => Err(format!("expected an integer, got {other:?}")),
        }
    }

    fn or(&mut self) -> Result<Node, String> {
        let mut l = self.and()?;
        while self.word_is("or") {
            self.pos += 1;
            l = Node::Or(Box::new(l), Box::new(self.and()?));
        }
        Ok(l)
    }

    fn and(&mut self) -> Result<Node, String> {
        let mut l = self.not()?;
        while self.word_is("and") {
            self.pos += 1;
            l = Node::And(Box::new(l), Box::new(self.not()?));
        }
        Ok(l)
    }

    fn not(&mut self) -> Result<Node, String> {
        if self.word_is("not") {
            self.pos += 1;
            return Ok(Node::Not(Box::new(self.not()?)));
        }
        self.cmp()
    }

    fn cmp(&mut self) -> Result<Node, String> {
        let l = self.concat()?;
        if matches!(self.peek(), Some(Tok::Sym("=="))) {
            self.pos += 1;
            return Ok(Node::Eq(Box::new(l), Box::new(self.concat()?)));
        }
        Ok(l)
    }

    fn concat(&mut self) -> Result<Node, String> {
        let mut l = self.primary()?;
        while matches!(self.peek(), Some(Tok::Sym("+"))) {
            self.pos += 1;
            l = Node::Concat(Box::new(l), Box::new(self.primary()?));
        }
        Ok(l)
    }

    fn repr(&mut self) -> Result<Repr, String> {
        self.sym(".")?;
        match self.next() {
            Some(Tok::Word(w)) if w == "hex" => Ok(Repr::Hex),
            Some(Tok::Word(w)) if w == "text" => Ok(Repr::Text),
            Some(Tok::Word(w)) if w == "exists" => Ok(Repr::Exists),
            other => Err(format!("expected hex, text or exists, got {other:?}")),
        }
    }

    fn code(&mut self) -> Result<u8, String> {
        self.sym("[")?;
        let c = self.int()?;
        self.sym("]")?;
        u8::try_from(c).map_err(|_| format!("option code {c} out of range"))
    }

    fn args(&mut self, n: usize) -> Result<Vec<Node>, String> {
        self.sym("(")?;
        let mut v = Vec::with_capacity(n);
        for k in 0..n {
            if k > 0 {
                self.sym(",")?;
            }
            v.push(self.or()?);
        }
        self.sym(")")?;
        Ok(v)
    }

    fn primary(&mut self) -> Result<Node, String> {
        let t = self.next().ok_or("unexpected end of expression")?;
        let b = |n: Node| Box::new(n);
        Ok(match t {
            Tok::Str(s) => Node::Lit(s),
            Tok::Int(i) => Node::Lit((i as u32).to_be_bytes().to_vec()),
            Tok::Ip(a) => Node::Lit(a.octets().to_vec()),
            Tok::Sym("(") => {
                let e = self.or()?;
                self.sym(")")?;
                e
            }
            Tok::Word(w) => match w.as_str() {
                "true" => Node::Lit(b"true".to_vec()),
                "false" => Node::Lit(b"false".to_vec()),
                "option" => {
                    let c = self.code()?;
                    Node::Opt(c, self.repr()?)
                }
                "relay4" => {
                    let c = self.code()?;
                    Node::Relay(c, self.repr()?)
                }
                "pkt4" | "pkt" => {
                    self.sym(".")?;
                    let f = match (w.as_str(), self.next()) {
                        ("pkt4", Some(Tok::Word(f))) => match f.as_str() {
                            "mac" => Field::Mac,
                            "hlen" => Field::Hlen,
                            "htype" => Field::Htype,
                            "ciaddr" => Field::Ciaddr,
                            "giaddr" => Field::Giaddr,
                            "yiaddr" => Field::Yiaddr,
                            "siaddr" => Field::Siaddr,
                            "msgtype" => Field::Msgtype,
                            "transid" => Field::Transid,
                            other => return Err(format!("unsupported field pkt4.{other}")),
                        },
                        ("pkt", Some(Tok::Word(f))) => match f.as_str() {
                            "iface" => Field::Iface,
                            "src" => Field::Src,
                            "dst" => Field::Dst,
                            other => return Err(format!("unsupported field pkt.{other}")),
                        },
                        (_, other) => return Err(format!("unexpected {other:?}")),
                    };
                    Node::Field(f)
                }
                "member" => {
                    self.sym("(")?;
                    let Some(Tok::Str(n)) = self.next() else {
                        return Err("member() takes a class name in quotes".into());
                    };
                    self.sym(")")?;
                    Node::Member(String::from_utf8_lossy(&n).into_owned())
                }
                "known" => Node::Member("KNOWN".into()),
                "unknown" => Node::Not(b(Node::Member("KNOWN".into()))),
                "substring" => {
                    self.sym("(")?;
                    let s = self.or()?;
                    self.sym(",")?;
                    let start = self.int()?;
                    self.sym(",")?;
                    let len = if self.word_is("all") {
                        self.pos += 1;
                        None
                    } else {
                        Some(self.int()?)
                    };
                    self.sym(")")?;
                    Node::Substring(b(s), start, len)
                }
                "concat" => {
                    let mut a = self.args(2)?;
                    let y = a.pop().ok_or("concat")?;
                    let x = a.pop().ok_or("concat")?;
                    Node::Concat(b(x), b(y))
                }
                "ifelse" => {
                    let mut a = self.args(3)?;
                    let z = a.pop().ok_or("ifelse")?;
                    let y = a.pop().ok_or("ifelse")?;
                    let x = a.pop().ok_or("ifelse")?;
                    Node::Ifelse(b(x), b(y), b(z))
                }
                "hexstring" => {
                    let mut a = self.args(2)?;
                    let y = a.pop().ok_or("hexstring")?;
                    let x = a.pop().ok_or("hexstring")?;
                    Node::Hexstring(b(x), b(y))
                }
                "lcase" | "ucase" => {
                    let mut a = self.args(1)?;
                    let x = a.pop().ok_or("case")?;
                    if w == "lcase" {
                        Node::Lcase(b(x))
                    } else {
                        Node::Ucase(b(x))
                    }
                }
                "split" => {
                    self.sym("(")?;
                    let s = self.or()?;
                    self.sym(",")?;
                    let d = self.or()?;
                    self.sym(",")?;
                    let f = self.int()?;
                    self.sym(")")?;
                    Node::Split(b(s), b(d), f)
                }
                "addrtotext" | "int8totext" | "int16totext" | "int32totext" | "uint8totext"
                | "uint16totext" | "uint32totext" => {
                    let k = match w.as_str() {
                        "addrtotext" => ToText::Addr,
                        "int8totext" => ToText::I8,
                        "int16totext" => ToText::I16,
                        "int32totext" => ToText::I32,
                        "uint8totext" => ToText::U8,
                        "uint16totext" => ToText::U16,
                        _ => ToText::U32,
                    };
                    let mut a = self.args(1)?;
                    Node::ToText(k, b(a.pop().ok_or("totext")?))
                }
                other => return Err(format!("'{other}' is not supported in expressions")),
            },
            other => return Err(format!("unexpected {other:?}")),
        })
    }
}

const TRUE: &[u8] = b"true";

fn truth(v: &[u8]) -> bool {
    v == TRUE
}

fn boolean(b: bool) -> Vec<u8> {
    if b { TRUE.to_vec() } else { b"false".to_vec() }
}

fn to_text(k: ToText, v: &[u8]) -> Vec<u8> {
    let s = match (k, v.len()) {
        (ToText::Addr, 4) => Ipv4Addr::new(v[0], v[1], v[2], v[3]).to_string(),
        (ToText::I8, 1) => (v[0] as i8).to_string(),
        (ToText::U8, 1) => v[0].to_string(),
        (ToText::I16, 2) => i16::from_be_bytes([v[0], v[1]]).to_string(),
        (ToText::U16, 2) => u16::from_be_bytes([v[0], v[1]]).to_string(),
        (ToText::I32, 4) => i32::from_be_bytes([v[0], v[1], v[2], v[3]]).to_string(),
        (ToText::U32, 4) => u32::from_be_bytes([v[0], v[1], v[2], v[3]]).to_string(),
        _ => String::new(),
    };
    s.into_bytes()
}

fn substring(v: &[u8], start: i64, len: Option<i64>) -> Vec<u8> {
    let n = v.len() as i64;
    let mut s = if start < 0 { n + start } else { start };
    if s < 0 || s >= n {
        return Vec::new();
    }
    let (mut a, mut b) = match len {
        None => (s, n),
        Some(l) if l >= 0 => (s, (s + l).min(n)),
        // Negative length: the bytes before `start`.
        Some(l) => {
            let e = s;
            s = (s + l).max(0);
            (s, e)
        }
    };
    a = a.clamp(0, n);
    b = b.clamp(a, n);
    v[a as usize..b as usize].to_vec()
}

impl Node {
    fn eval(&self, env: &Env<'_>, classes: &ClassSet) -> Vec<u8> {
        let p = env.pkt;
        match self {
            Node::Lit(v) => v.clone(),
            Node::Opt(c, r) => match (r, p.options.get(*c)) {
                (Repr::Exists, o) => boolean(o.is_some()),
                (_, Some(v)) => v.to_vec(),
                (_, None) => Vec::new(),
            },
            Node::Relay(c, r) => {
                let sub = p
                    .relay_agent_info()
                    .and_then(Result::ok)
                    .and_then(|s| s.get(*c));
                match (r, sub) {
                    (Repr::Exists, s) => boolean(s.is_some()),
                    (_, Some(v)) => v.to_vec(),
                    (_, None) => Vec::new(),
                }
            }
            Node::Field(f) => match f {
                Field::Mac => p.hwaddr().to_vec(),
                Field::Hlen => u32::from(p.hlen).to_be_bytes().to_vec(),
                Field::Htype => u32::from(p.htype).to_be_bytes().to_vec(),
                Field::Ciaddr => p.ciaddr.octets().to_vec(),
                Field::Giaddr => p.giaddr.octets().to_vec(),
                Field::Yiaddr => p.yiaddr.octets().to_vec(),
                Field::Siaddr => p.siaddr.octets().to_vec(),
                Field::Msgtype => u32::from(p.message_type().map_or(0, |t| t.to_u8()))
                    .to_be_bytes()
                    .to_vec(),
                Field::Transid => p.xid.to_be_bytes().to_vec(),
                Field::Iface => env.iface.as_bytes().to_vec(),
                Field::Src => env.src.octets().to_vec(),
                Field::Dst => env.dst.octets().to_vec(),
            },
            Node::Member(n) => boolean(classes.contains(n)),
            Node::Eq(a, b) => boolean(a.eval(env, classes) == b.eval(env, classes)),
            Node::Not(a) => boolean(!truth(&a.eval(env, classes))),
            Node::And(a, b) => {
                boolean(truth(&a.eval(env, classes)) && truth(&b.eval(env, classes)))
            }
            Node::Or(a, b) => boolean(truth(&a.eval(env, classes)) || truth(&b.eval(env, classes))),
            Node::Substring(a, s, l) => substring(&a.eval(env, classes), *s, *l),
            Node::Concat(a, b) => {
                let mut v = a.eval(env, classes);
                v.extend(b.eval(env, classes));
                v
            }
            Node::Ifelse(c, a, b) => {
                if truth(&c.eval(env, classes)) {
                    a.eval(env, classes)
                } else {
                    b.eval(env, classes)
                }
            }
            Node::Hexstring(a, sep) => {
                let sep = String::from_utf8_lossy(&sep.eval(env, classes)).into_owned();
                a.eval(env, classes)
                    .iter()
                    .map(|x| format!("{x:02x}"))
                    .collect::<Vec<_>>()
                    .join(&sep)
                    .into_bytes()
            }
            Node::Lcase(a) => a.eval(env, classes).to_ascii_lowercase(),
            Node::Ucase(a) => a.eval(env, classes).to_ascii_uppercase(),
            Node::Split(a, d, f) => {
                let v = a.eval(env, classes);
                let d = d.eval(env, classes);
                if *f < 1 {
                    return Vec::new();
                }
                v.split(|c| d.contains(c))
                    .nth((*f - 1) as usize)
                    .map(<[u8]>::to_vec)
                    .unwrap_or_default()
            }
            Node::ToText(k, a) => to_text(*k, &a.eval(env, classes)),
        }
    }

    fn members(&self, out: &mut Vec<String>) {
        match self {
            Node::Member(n) => out.push(n.clone()),
            Node::Eq(a, b)
            | Node::And(a, b)
            | Node::Or(a, b)
            | Node::Concat(a, b)
            | Node::Hexstring(a, b)
            | Node::Split(a, b, _) => {
                a.members(out);
                b.members(out);
            }
            Node::Ifelse(a, b, c) => {
                a.members(out);
                b.members(out);
                c.members(out);
            }
            Node::Not(a)
            | Node::Substring(a, _, _)
            | Node::Lcase(a)
            | Node::Ucase(a)
            | Node::ToText(_, a) => a.members(out),
            Node::Lit(_) | Node::Opt(..) | Node::Relay(..) | Node::Field(_) => {}
        }
    }
}

impl Expr {
    /// Parses an expression; unsupported syntax is a configuration error.
    pub fn parse(text: &str) -> Result<Self, String> {
        let toks = tokenize(text)?;
        let mut p = Parser { toks, pos: 0 };
        let root = p.or()?;
        if p.pos < p.toks.len() {
            return Err(format!(
                "unexpected {:?} after the expression",
                p.toks[p.pos]
            ));
        }
        Ok(Expr {
            root,
            text: text.to_string(),
        })
    }

    /// Evaluates to a boolean against a query with the classes assigned so far.
    pub fn eval(&self, env: &Env<'_>, classes: &ClassSet) -> bool {
        truth(&self.root.eval(env, classes))
    }

    /// Classes named by `member(...)` / `known` / `unknown`.
    pub fn members(&self) -> Vec<String> {
        let mut v = Vec::new();
        self.root.members(&mut v);
        v
    }

    pub fn text(&self) -> &str {
        &self.text
    }
}

/// The classes a query belongs to, in assignment order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClassSet {
    names: Vec<std::borrow::Cow<'static, str>>,
}

impl ClassSet {
    pub fn contains(&self, name: &str) -> bool {
        self.names.iter().any(|n| n == name)
    }

    pub fn insert(&mut self, name: &str) {
        if !self.contains(name) {
            self.names.push(std::borrow::Cow::Owned(name.to_string()));
        }
    }

    /// Inserts a built-in name without allocating.
    pub fn insert_static(&mut self, name: &'static str) {
        if !self.contains(name) {
            self.names.push(std::borrow::Cow::Borrowed(name));
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = &str> {
        self.names.iter().map(|n| n.as_ref())
    }

    /// True when the client may use a resource guarded by `required` (empty = open to all;
    /// otherwise membership in any one listed class suffices, as in Kea 3).
    pub fn allows(&self, required: &[String]) -> bool {
        required.is_empty() || required.iter().any(|c| self.contains(c))
    }
}

/// Built-in classification done before subnet selection: ALL, VENDOR_CLASS_*, BOOTP.
pub fn builtin_classes(pkt: &Pkt4, out: &mut ClassSet) {
    out.insert_static("ALL");
    if let Some(vc) = pkt.vendor_class()
        && !vc.is_empty()
    {
        out.insert(&format!("VENDOR_CLASS_{}", String::from_utf8_lossy(vc)));
    }
    if pkt.message_type().is_none() {
        out.insert_static("BOOTP");
    }
}

/// Evaluates configured classes with a `test` (not `only-if-required`): the early pass
/// (`late == false`) takes classes that do not depend on KNOWN/UNKNOWN, the late pass (after
/// the reservation lookup) the others.
pub fn evaluate_configured(
    cfg: &crate::config::ServerConfig,
    env: &Env<'_>,
    classes: &mut ClassSet,
    late: bool,
) {
    for c in &cfg.classes {
        if c.only_if_required || c.depends_on_known != late || classes.contains(&c.name) {
            continue;
        }
        if let Some(t) = &c.test
            && t.eval(env, classes)
        {
            classes.insert(&c.name);
        }
    }
}

/// Built-in class names that `member()` may always reference.
pub fn is_builtin(name: &str) -> bool {
    matches!(name, "ALL" | "KNOWN" | "UNKNOWN" | "BOOTP" | "DROP")
        || name.starts_with("VENDOR_CLASS_")
}

#[cfg(test)]
mod tests {
    use super::*;
    use dhcp_packet::MessageType4;
    use dhcp_packet::v4::code;

    fn pkt() -> Pkt4 {
        let mut p = Pkt4::new(1, 0x1234);
        p.set_hwaddr(1, &[0xaa, 0xbb, 0xcc, 0, 0, 1]).unwrap();
        p.set_message_type(MessageType4::Discover);
        p.options.set(code::VENDOR_CLASS_ID, b"docsis3.0:foo");
        p.options
            .set(code::RELAY_AGENT_INFO, &[1, 3, b'c', b'i', b'd']);
        p.giaddr = Ipv4Addr::new(10, 0, 0, 1);
        p
    }

    fn eval(text: &str) -> bool {
        let p = pkt();
        let env = Env {
            pkt: &p,
            iface: "eth0",
            src: Ipv4Addr::new(10, 0, 0, 1),
            dst: Ipv4Addr::new(10, 0, 0, 2),
        };
        let mut cs = ClassSet::default();
        cs.insert("ALL");
        Expr::parse(text)
            .unwrap_or_else(|e| panic!("{text}: {e}"))
            .eval(&env, &cs)
    }

    #[test]
    fn expressions() {
        assert!(eval("substring(option[60].hex,0,6) == 'docsis'"));
        assert!(!eval("substring(option[60].hex,0,6) == 'DOCSIS'"));
        assert!(eval("ucase(substring(option[60].text,0,6)) == 'DOCSIS'"));
        assert!(eval("option[60].exists and not option[61].exists"));
        assert!(eval("relay4[1].hex == 'cid' or false"));
        assert!(eval("pkt4.mac == 0xaabbcc000001"));
        assert!(eval("hexstring(pkt4.mac, ':') == 'aa:bb:cc:00:00:01'"));
        assert!(eval("pkt4.msgtype == 1 and pkt4.transid == 4660"));
        assert!(eval("pkt4.giaddr == 10.0.0.1"));
        assert!(eval("addrtotext(pkt4.giaddr) == '10.0.0.1'"));
        assert!(eval("pkt.iface == 'eth0'"));
        assert!(eval("member('ALL') and not member('KNOWN')"));
        assert!(eval("unknown"));
        assert!(eval("split(option[60].text, ':', 2) == 'foo'"));
        assert!(eval("concat('a', 'b') + 'c' == 'abc'"));
        assert!(eval("ifelse(option[77].exists, 'x', 'none') == 'none'"));
        assert!(eval("substring('foobar', -5, 4) == 'ooba'"));
        assert!(eval("substring('foobar', -1, -3) == 'oba'"));
        assert!(eval("substring('foobar', 4, -2) == 'ob'"));
        assert!(eval("substring('foobar', 3, all) == 'bar'"));
        assert!(eval("substring('foobar', 10, 2) == ''"));
        assert!(eval("uint16totext(0x0102) == '258'"));
    }

    #[test]
    fn rejects_unsupported() {
        for bad in [
            "match('a.*', 'abc')",
            "vendor[4491].exists",
            "pkt.len == 1",
            "option[60].hex ==",
            "'a' == 'b' )",
            "'abc",
        ] {
            assert!(Expr::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(
            Expr::parse("member('gold') or known").unwrap().members(),
            vec!["gold", "KNOWN"]
        );
    }
}
