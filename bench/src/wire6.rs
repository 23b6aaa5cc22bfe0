//! Minimal DHCPv6 encoding and decoding for the load generator (RFC 8415): SOLICIT/REQUEST with
//! IA_NA or IA_PD, ADVERTISE/REPLY parsing, RELAY-FORW wrapping and RELAY-REPL unwrapping.
//! Independent of the server's packet crate on purpose.

use std::net::Ipv6Addr;

pub const SOLICIT: u8 = 1;
pub const ADVERTISE: u8 = 2;
pub const REQUEST: u8 = 3;
pub const REPLY: u8 = 7;
pub const RELAY_FORW: u8 = 12;
pub const RELAY_REPL: u8 = 13;

const OPT_CLIENTID: u16 = 1;
const OPT_SERVERID: u16 = 2;
const OPT_IA_NA: u16 = 3;
const OPT_IAADDR: u16 = 5;
const OPT_ELAPSED_TIME: u16 = 8;
const OPT_RELAY_MSG: u16 = 9;
const OPT_STATUS_CODE: u16 = 13;
const OPT_IA_PD: u16 = 25;
const OPT_IAPREFIX: u16 = 26;

/// Which identity association the client asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IaKind {
    Na,
    Pd,
}

/// DUID-LL (type 3, Ethernet) for a hardware address.
pub fn duid_ll(mac: &[u8; 6]) -> [u8; 10] {
    let mut d = [0u8; 10];
    d[..4].copy_from_slice(&[0, 3, 0, 1]);
    d[4..].copy_from_slice(mac);
    d
}

fn put_opt(out: &mut Vec<u8>, code: u16, val: &[u8]) {
    out.extend_from_slice(&code.to_be_bytes());
    out.extend_from_slice(&(val.len() as u16).to_be_bytes());
    out.extend_from_slice(val);
}

/// Encodes a SOLICIT (`server_id` and `ia` empty) or a REQUEST (server's DUID and the IA option
/// body copied from the ADVERTISE) into `out` (cleared first).
pub fn encode(
    msg_type: u8,
    xid: u32,
    mac: &[u8; 6],
    kind: IaKind,
    server_id: &[u8],
    ia_body: &[u8],
    out: &mut Vec<u8>,
) {
    out.clear();
    out.push(msg_type);
    out.extend_from_slice(&xid.to_be_bytes()[1..]);
    put_opt(out, OPT_CLIENTID, &duid_ll(mac));
    if !server_id.is_empty() {
        put_opt(out, OPT_SERVERID, server_id);
    }
    let code = match kind {
        IaKind::Na => OPT_IA_NA,
        IaKind::Pd => OPT_IA_PD,
    };
    if ia_body.is_empty() {
        // IAID 1, T1 = T2 = 0 (server chooses), no sub-options.
        put_opt(out, code, &[0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0]);
    } else {
        put_opt(out, code, ia_body);
    }
    put_opt(out, OPT_ELAPSED_TIME, &[0, 0]);
}

/// Wraps a client message in RELAY-FORW (hop count 0) into `out` (cleared first).
pub fn relay_forw(link: Ipv6Addr, peer: Ipv6Addr, inner: &[u8], out: &mut Vec<u8>) {
    out.clear();
    out.push(RELAY_FORW);
    out.push(0);
    out.extend_from_slice(&link.octets());
    out.extend_from_slice(&peer.octets());
    put_opt(out, OPT_RELAY_MSG, inner);
}

/// What the load generator needs from an ADVERTISE or REPLY.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply6<'a> {
    pub msg_type: u8,
    pub xid: u32,
    /// The client's hardware address from its DUID-LL, if it is one.
    pub client_mac: Option<[u8; 6]>,
    pub server_id: &'a [u8],
    /// Body of the first IA_NA/IA_PD option.
    pub ia_body: &'a [u8],
    /// Whether that IA holds an address or prefix (and no error status).
    pub ia_granted: bool,
}

fn options(mut b: &[u8]) -> impl Iterator<Item = Option<(u16, &[u8])>> {
    std::iter::from_fn(move || {
        if b.is_empty() {
            return None;
        }
        if b.len() < 4 {
            b = &[];
            return Some(None);
        }
        let code = u16::from_be_bytes([b[0], b[1]]);
        let len = usize::from(u16::from_be_bytes([b[2], b[3]]));
        if b.len() < 4 + len {
            b = &[];
            return Some(None);
        }
        let val = &b[4..4 + len];
        b = &b[4 + len..];
        Some(Some((code, val)))
    })
}

/// The client message inside a RELAY-REPL (or the message itself when not relayed).
pub fn unwrap_relay(b: &[u8]) -> Option<&[u8]> {
    match *b.first()? {
        RELAY_REPL => {
            let opts = b.get(34..)?;
            for o in options(opts) {
                let (code, val) = o?;
                if code == OPT_RELAY_MSG {
                    return unwrap_relay(val);
                }
            }
            None
        }
        RELAY_FORW => None,
        _ => Some(b),
    }
}

/// Decodes an ADVERTISE or REPLY; `None` when malformed.
pub fn decode(b: &[u8]) -> Option<Reply6<'_>> {
    if b.len() < 4 {
        return None;
    }
    let msg_type = b[0];
    let xid = u32::from_be_bytes([0, b[1], b[2], b[3]]);
    let mut r = Reply6 {
        msg_type,
        xid,
        client_mac: None,
        server_id: &[],
        ia_body: &[],
        ia_granted: false,
    };
    let mut seen_ia = false;
    for o in options(&b[4..]) {
        let (code, val) = o?;
        match code {
            OPT_CLIENTID if val.len() == 10 && val[..4] == [0, 3, 0, 1] => {
                let mut m = [0u8; 6];
                m.copy_from_slice(&val[4..]);
                r.client_mac = Some(m);
            }
            OPT_SERVERID => r.server_id = val,
            OPT_IA_NA | OPT_IA_PD if !seen_ia => {
                seen_ia = true;
                r.ia_body = val;
                let sub = val.get(12..)?;
                let mut granted = false;
                let mut failed = false;
                for s in options(sub) {
                    let (c, v) = s?;
                    match c {
                        OPT_IAADDR | OPT_IAPREFIX => granted = true,
                        OPT_STATUS_CODE if v.len() >= 2 && v[..2] != [0, 0] => failed = true,
                        _ => {}
                    }
                }
                r.ia_granted = granted && !failed;
            }
            _ => {}
        }
    }
    Some(r)
}

#[cfg(test)]
mod tests {
    use super::*;

    const MAC: [u8; 6] = [2, 0x42, 0, 0, 0, 5];

    fn advertise(ia_code: u16, sub: &[u8]) -> Vec<u8> {
        let mut b = vec![ADVERTISE, 0, 1, 2];
        put_opt(&mut b, OPT_CLIENTID, &duid_ll(&MAC));
        put_opt(&mut b, OPT_SERVERID, &[0, 1, 0, 1, 9, 9]);
        let mut ia = vec![0, 0, 0, 1, 0, 0, 3, 232, 0, 0, 7, 208];
        ia.extend_from_slice(sub);
        put_opt(&mut b, ia_code, &ia);
        b
    }

    #[test]
    fn solicit_layout() {
        let mut out = Vec::new();
        encode(SOLICIT, 0x00ab_cdef, &MAC, IaKind::Pd, &[], &[], &mut out);
        assert_eq!(&out[..4], &[SOLICIT, 0xab, 0xcd, 0xef]);
        assert_eq!(&out[4..8], &[0, 1, 0, 10]);
        assert_eq!(&out[8..18], &duid_ll(&MAC));
        assert_eq!(&out[18..22], &[0, 25, 0, 12]);
        assert_eq!(&out[out.len() - 6..], &[0, 8, 0, 2, 0, 0]);
    }

    #[test]
    fn decodes_advertise_with_address() {
        let mut sub = Vec::new();
        let mut addr = vec![0u8; 24];
        addr[0] = 0x20;
        put_opt(&mut sub, OPT_IAADDR, &addr);
        let b = advertise(OPT_IA_NA, &sub);
        let r = decode(&b).unwrap();
        assert_eq!(r.msg_type, ADVERTISE);
        assert_eq!(r.xid, 0x0000_0102);
        assert_eq!(r.client_mac, Some(MAC));
        assert_eq!(r.server_id, &[0, 1, 0, 1, 9, 9]);
        assert!(r.ia_granted);
        assert_eq!(r.ia_body.len(), 12 + 28);
    }

    #[test]
    fn no_prefix_or_error_status_is_not_granted() {
        let mut sub = Vec::new();
        put_opt(&mut sub, OPT_STATUS_CODE, &[0, 6]); // NoPrefixAvail
        let b = advertise(OPT_IA_PD, &sub);
        assert!(!decode(&b).unwrap().ia_granted);
        let b = advertise(OPT_IA_PD, &[]);
        assert!(!decode(&b).unwrap().ia_granted);
    }

    #[test]
    fn truncated_options_are_rejected() {
        let mut b = advertise(OPT_IA_NA, &[]);
        b.truncate(b.len() - 3);
        assert!(decode(&b).is_none());
    }

    #[test]
    fn relay_round_trip() {
        let inner = advertise(OPT_IA_NA, &[]);
        let mut fwd = Vec::new();
        relay_forw(Ipv6Addr::LOCALHOST, Ipv6Addr::UNSPECIFIED, &inner, &mut fwd);
        assert_eq!(fwd[0], RELAY_FORW);
        // A RELAY-REPL with the same shape unwraps to the inner message.
        let mut repl = fwd.clone();
        repl[0] = RELAY_REPL;
        assert_eq!(unwrap_relay(&repl), Some(&inner[..]));
        assert_eq!(unwrap_relay(&fwd), None);
        assert_eq!(unwrap_relay(&inner), Some(&inner[..]));
    }
}
