//! Evaluation against a packet. Values borrow from the packet or the expression where
//! they can, so the common tests (`option[N].hex == 'x'`, `member(..)`, `substring(..)`)
//! allocate nothing.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use crate::ast::*;
use crate::error::EvalError;
use crate::{ClassSet, Family, Packet};

/// A string value: borrowed, a short inline value (integers, addresses) or owned.
pub(crate) enum Val<'a> {
    Ref(&'a [u8]),
    Fixed([u8; 16], u8),
    Own(Vec<u8>),
}

impl Val<'_> {
    pub(crate) fn bytes(&self) -> &[u8] {
        match self {
            Val::Ref(b) => b,
            Val::Fixed(b, n) => &b[..*n as usize],
            Val::Own(v) => v,
        }
    }

    fn u32(v: u32) -> Self {
        let mut b = [0u8; 16];
        b[..4].copy_from_slice(&v.to_be_bytes());
        Val::Fixed(b, 4)
    }

    fn ip(a: IpAddr) -> Self {
        match a {
            IpAddr::V4(v) => Self::v4(v),
            IpAddr::V6(v) => Val::Fixed(v.octets(), 16),
        }
    }

    fn v4(a: Ipv4Addr) -> Self {
        let mut b = [0u8; 16];
        b[..4].copy_from_slice(&a.octets());
        Val::Fixed(b, 4)
    }

    fn into_vec(self) -> Vec<u8> {
        match self {
            Val::Own(v) => v,
            other => other.bytes().to_vec(),
        }
    }
}

/// Iterates `(code, value)` over sub-options in the family's layout (v4: 1-byte code and
/// length, v6: 2-byte code and length). Stops at malformed data.
fn sub_options(family: Family, buf: &[u8]) -> impl Iterator<Item = (u16, &[u8])> {
    let mut i = 0usize;
    std::iter::from_fn(move || {
        loop {
            match family {
                Family::V4 => {
                    let code = *buf.get(i)?;
                    if code == 0 {
                        i += 1;
                        continue;
                    }
                    if code == 255 {
                        return None;
                    }
                    let len = *buf.get(i + 1)? as usize;
                    let v = buf.get(i + 2..i + 2 + len)?;
                    i += 2 + len;
                    return Some((u16::from(code), v));
                }
                Family::V6 => {
                    let h = buf.get(i..i + 4)?;
                    let code = u16::from_be_bytes([h[0], h[1]]);
                    let len = u16::from_be_bytes([h[2], h[3]]) as usize;
                    let v = buf.get(i + 4..i + 4 + len)?;
                    i += 4 + len;
                    return Some((code, v));
                }
            }
        }
    })
}

fn find_sub(family: Family, buf: &[u8], code: u16) -> Option<&[u8]> {
    sub_options(family, buf)
        .find(|(c, _)| *c == code)
        .map(|(_, v)| v)
}

/// The vendor-specific information option (v4 125, v6 17): first enterprise id and the
/// bytes holding its sub-options.
fn vendor_option<P: Packet + ?Sized>(family: Family, p: &P) -> Option<(u32, &[u8])> {
    match family {
        Family::V4 => {
            let v = p.option(125)?;
            let ent = u32::from_be_bytes(v.get(..4)?.try_into().ok()?);
            let len = *v.get(4)? as usize;
            Some((ent, v.get(5..5 + len)?))
        }
        Family::V6 => {
            let v = p.option(17)?;
            let ent = u32::from_be_bytes(v.get(..4)?.try_into().ok()?);
            Some((ent, &v[4..]))
        }
    }
}

/// The vendor class option (v4 124, v6 16): first enterprise id and its data chunks area.
fn vendor_class_option<P: Packet + ?Sized>(family: Family, p: &P) -> Option<(u32, &[u8])> {
    match family {
        Family::V4 => {
            let v = p.option(124)?;
            let ent = u32::from_be_bytes(v.get(..4)?.try_into().ok()?);
            let len = *v.get(4)? as usize;
            Some((ent, v.get(5..5 + len)?))
        }
        Family::V6 => {
            let v = p.option(16)?;
            let ent = u32::from_be_bytes(v.get(..4)?.try_into().ok()?);
            Some((ent, &v[4..]))
        }
    }
}

/// Data chunk `index` of a vendor class option (v4: 1-byte lengths, v6: 2-byte lengths).
fn vendor_class_chunk(family: Family, mut data: &[u8], index: u8) -> Option<&[u8]> {
    let mut n = 0u8;
    loop {
        let (len, hdr) = match family {
            Family::V4 => (*data.first()? as usize, 1),
            Family::V6 => (
                u16::from_be_bytes([*data.first()?, *data.get(1)?]) as usize,
                2,
            ),
        };
        let chunk = data.get(hdr..hdr + len)?;
        if n == index {
            return Some(chunk);
        }
        data = &data[hdr + len..];
        n = n.checked_add(1)?;
    }
}

/// The first data chunk of the vendor class option, for the `VENDOR_CLASS_` class in
/// DHCPv6.
pub(crate) fn first_vendor_class_chunk<P: Packet + ?Sized>(family: Family, p: &P) -> Option<&[u8]> {
    let (_, data) = vendor_class_option(family, p)?;
    vendor_class_chunk(family, data, 0)
}

fn matches_ent(want: u32, got: u32) -> bool {
    want == 0 || want == got
}

/// Where the sub-options of option `code` start: after the fixed fields of the options
/// that carry some (IA_NA, IA_TA, IA_PD, IAADDR, IAPREFIX), after the enterprise number of
/// the vendor options.
fn sub_option_area<P: Packet + ?Sized>(family: Family, code: u16, p: &P) -> Option<&[u8]> {
    let v = p.option(code)?;
    let skip = match (family, code) {
        (Family::V4, 125) | (Family::V6, 17) => return vendor_option(family, p).map(|x| x.1),
        (Family::V6, 3 | 25) => 12,
        (Family::V6, 4) => 4,
        (Family::V6, 5) => 24,
        (Family::V6, 26) => 25,
        _ => 0,
    };
    v.get(skip..)
}

/// The bytes a source points at, if present.
fn lookup<P: Packet + ?Sized>(family: Family, src: Source, p: &P) -> Option<&[u8]> {
    match src {
        Source::Option(c) => p.option(c),
        Source::SubOption(c, s) => find_sub(family, sub_option_area(family, c, p)?, s),
        Source::Relay4(s) => find_sub(Family::V4, p.option(82)?, s),
        Source::Relay6 { nest, code } => p.relay6_option(relay_level(p, nest)?, code),
        Source::Vendor(e) => {
            let (ent, subs) = vendor_option(family, p)?;
            matches_ent(e, ent).then_some(subs)
        }
        Source::VendorSub(e, s) => {
            let (ent, subs) = vendor_option(family, p)?;
            if !matches_ent(e, ent) {
                return None;
            }
            find_sub(family, subs, s)
        }
        Source::VendorClass(e) => {
            let (ent, data) = vendor_class_option(family, p)?;
            matches_ent(e, ent).then_some(data)
        }
    }
}

/// Kea's nest level: 0 is the relay closest to the server, -1 the one closest to the
/// client.
fn relay_level<P: Packet + ?Sized>(p: &P, nest: i8) -> Option<usize> {
    let n = p.relay6_count() as i64;
    let l = if nest >= 0 {
        i64::from(nest)
    } else {
        n + i64::from(nest)
    };
    (0..n).contains(&l).then_some(l as usize)
}

fn substring(v: &[u8], start: i32, len: Option<i32>) -> std::ops::Range<usize> {
    let n = v.len() as i64;
    if n == 0 {
        return 0..0;
    }
    let mut start = i64::from(start);
    let mut length = len.map_or(n, i64::from);
    if start < -n || start >= n {
        return 0..0;
    }
    if start < 0 {
        start += n;
    }
    if length < 0 {
        length = -length;
        if length <= start {
            start -= length;
        } else {
            length = start;
            start = 0;
        }
    }
    let end = (start + length).min(n);
    start as usize..end as usize
}

fn split(v: &[u8], delims: &[u8], field: i32) -> Option<std::ops::Range<usize>> {
    if field < 1 {
        return None;
    }
    let mut start = 0usize;
    let mut n = 1;
    for (i, c) in v.iter().enumerate() {
        if delims.contains(c) {
            if n == field {
                return Some(start..i);
            }
            n += 1;
            start = i + 1;
        }
    }
    (n == field).then_some(start..v.len())
}

fn to_text(k: ToText, v: &[u8]) -> Result<Vec<u8>, EvalError> {
    let bad = |what: &str| EvalError(format!("Can not convert to valid {what}."));
    let s = match k {
        ToText::Addr => match v.len() {
            4 => Ipv4Addr::new(v[0], v[1], v[2], v[3]).to_string(),
            16 => {
                let mut b = [0u8; 16];
                b.copy_from_slice(v);
                Ipv6Addr::from(b).to_string()
            }
            _ => return Err(EvalError("Can not convert to valid address.".into())),
        },
        ToText::I8 => {
            (*<&[u8; 1]>::try_from(v).map_err(|_| bad("int8"))?).map(|b| b as i8)[0].to_string()
        }
        ToText::U8 => <[u8; 1]>::try_from(v).map_err(|_| bad("uint8"))?[0].to_string(),
        ToText::I16 => i16::from_be_bytes(v.try_into().map_err(|_| bad("int16"))?).to_string(),
        ToText::U16 => u16::from_be_bytes(v.try_into().map_err(|_| bad("uint16"))?).to_string(),
        ToText::I32 => i32::from_be_bytes(v.try_into().map_err(|_| bad("int32"))?).to_string(),
        ToText::U32 => u32::from_be_bytes(v.try_into().map_err(|_| bad("uint32"))?).to_string(),
    };
    Ok(s.into_bytes())
}

pub(crate) struct Ctx<'a, P: Packet + ?Sized> {
    pub family: Family,
    pub pkt: &'a P,
    pub classes: &'a ClassSet,
}

impl BoolExpr {
    pub(crate) fn eval<P: Packet + ?Sized>(&self, c: &Ctx<'_, P>) -> Result<bool, EvalError> {
        Ok(match self {
            BoolExpr::Not(a) => !a.eval(c)?,
            // Kea evaluates both operands (no short circuit) so errors surface the same.
            BoolExpr::And(a, b) => {
                let x = a.eval(c)?;
                b.eval(c)? && x
            }
            BoolExpr::Or(a, b) => {
                let x = a.eval(c)?;
                b.eval(c)? || x
            }
            BoolExpr::Equal(a, b) => a.eval(c)?.bytes() == b.eval(c)?.bytes(),
            BoolExpr::Exists(src) => lookup(c.family, *src, c.pkt).is_some(),
            BoolExpr::Member(n) => c.classes.contains(n),
            BoolExpr::Match(re, v) => re.is_match(v.eval(c)?.bytes()),
        })
    }
}

impl StrExpr {
    pub(crate) fn eval<'a, P: Packet + ?Sized>(
        &'a self,
        c: &Ctx<'a, P>,
    ) -> Result<Val<'a>, EvalError> {
        let p = c.pkt;
        Ok(match self {
            StrExpr::Lit(v) => Val::Ref(v),
            StrExpr::Value(src) => Val::Ref(lookup(c.family, *src, p).unwrap_or(&[])),
            StrExpr::Pkt(f) => match f {
                PktField::Iface => Val::Ref(p.iface().as_bytes()),
                PktField::Src => Val::ip(p.src()),
                PktField::Dst => Val::ip(p.dst()),
                PktField::Len => Val::u32(p.packet_len()),
            },
            StrExpr::Pkt4(f) => match p.pkt4() {
                None => Val::Ref(&[]),
                Some(h) => match f {
                    Pkt4Field::Mac => Val::Ref(h.mac),
                    Pkt4Field::Hlen => Val::u32(u32::from(h.hlen)),
                    Pkt4Field::Htype => Val::u32(u32::from(h.htype)),
                    Pkt4Field::Ciaddr => Val::v4(h.ciaddr),
                    Pkt4Field::Giaddr => Val::v4(h.giaddr),
                    Pkt4Field::Yiaddr => Val::v4(h.yiaddr),
                    Pkt4Field::Siaddr => Val::v4(h.siaddr),
                    Pkt4Field::MsgType => Val::u32(u32::from(p.msg_type())),
                    Pkt4Field::TransId => Val::u32(p.transid()),
                },
            },
            StrExpr::Pkt6(f) => match f {
                Pkt6Field::MsgType => Val::u32(u32::from(p.msg_type())),
                Pkt6Field::TransId => Val::u32(p.transid()),
            },
            StrExpr::Relay6Field(nest, f) => {
                match relay_level(p, *nest).and_then(|l| p.relay6_addresses(l)) {
                    Some((link, peer)) => Val::Fixed(
                        match f {
                            Relay6Field::LinkAddr => link.octets(),
                            Relay6Field::PeerAddr => peer.octets(),
                        },
                        16,
                    ),
                    None => Val::Ref(&[]),
                }
            }
            StrExpr::VendorEnterprise => match vendor_option(c.family, p) {
                Some((e, _)) => Val::u32(e),
                None => Val::Ref(&[]),
            },
            StrExpr::VendorClassEnterprise => match vendor_class_option(c.family, p) {
                Some((e, _)) => Val::u32(e),
                None => Val::Ref(&[]),
            },
            StrExpr::VendorClassData(want, index) => match vendor_class_option(c.family, p) {
                Some((e, data)) if matches_ent(*want, e) => {
                    Val::Ref(vendor_class_chunk(c.family, data, *index).unwrap_or(&[]))
                }
                _ => Val::Ref(&[]),
            },
            StrExpr::Substring(a, start, len) => {
                let v = a.eval(c)?;
                let r = substring(v.bytes(), *start, *len);
                match v {
                    Val::Ref(b) => Val::Ref(&b[r]),
                    Val::Fixed(b, _) => {
                        let mut out = [0u8; 16];
                        out[..r.len()].copy_from_slice(&b[r.clone()]);
                        Val::Fixed(out, r.len() as u8)
                    }
                    Val::Own(mut o) => {
                        o.truncate(r.end);
                        o.drain(..r.start);
                        Val::Own(o)
                    }
                }
            }
            StrExpr::Split(a, d, field) => {
                let v = a.eval(c)?;
                let d = d.eval(c)?;
                if v.bytes().is_empty() {
                    return Ok(Val::Ref(&[]));
                }
                if d.bytes().is_empty() {
                    return Ok(v);
                }
                match split(v.bytes(), d.bytes(), *field) {
                    None => Val::Ref(&[]),
                    Some(r) => match v {
                        Val::Ref(b) => Val::Ref(&b[r]),
                        other => Val::Own(other.bytes()[r].to_vec()),
                    },
                }
            }
            StrExpr::Concat(a, b) => {
                let x = a.eval(c)?;
                let y = b.eval(c)?;
                if y.bytes().is_empty() {
                    return Ok(x);
                }
                if x.bytes().is_empty() {
                    return Ok(y);
                }
                let mut v = x.into_vec();
                v.extend_from_slice(y.bytes());
                Val::Own(v)
            }
            StrExpr::IfElse(cond, a, b) => {
                // Kea evaluates both branches; keep errors identical.
                let t = cond.eval(c)?;
                let x = a.eval(c)?;
                let y = b.eval(c)?;
                if t { x } else { y }
            }
            StrExpr::ToHexString(a, sep) => {
                let v = a.eval(c)?;
                let sep = sep.eval(c)?;
                let mut out = Vec::with_capacity(v.bytes().len() * (2 + sep.bytes().len()));
                for (i, b) in v.bytes().iter().enumerate() {
                    if i > 0 {
                        out.extend_from_slice(sep.bytes());
                    }
                    const HEX: &[u8; 16] = b"0123456789abcdef";
                    out.push(HEX[(b >> 4) as usize]);
                    out.push(HEX[(b & 15) as usize]);
                }
                Val::Own(out)
            }
            StrExpr::ToText(k, a) => {
                let v = a.eval(c)?;
                // An empty value passes through unchanged.
                if v.bytes().is_empty() {
                    return Ok(v);
                }
                Val::Own(to_text(*k, v.bytes())?)
            }
            StrExpr::Lcase(a) => {
                let v = a.eval(c)?;
                if !v.bytes().iter().any(u8::is_ascii_uppercase) {
                    return Ok(v);
                }
                Val::Own(v.bytes().to_ascii_lowercase())
            }
            StrExpr::Ucase(a) => {
                let v = a.eval(c)?;
                if !v.bytes().iter().any(u8::is_ascii_lowercase) {
                    return Ok(v);
                }
                Val::Own(v.bytes().to_ascii_uppercase())
            }
        })
    }
}
