//! Minimal DHCPv4 encoding and decoding for the load generator.
//!
//! Written independently of the server's packet crate on purpose: the load generator must not
//! share bugs with the code it measures. Only what a DORA or a renewal needs is here.

use std::net::Ipv4Addr;

/// DHCP message types used by the load generator (RFC 2132, option 53).
pub const DISCOVER: u8 = 1;
pub const OFFER: u8 = 2;
pub const REQUEST: u8 = 3;
pub const ACK: u8 = 5;
pub const NAK: u8 = 6;

const MAGIC: [u8; 4] = [99, 130, 83, 99];
const FIXED_LEN: usize = 236;

/// What the client puts in one request.
#[derive(Debug, Clone, Copy)]
pub struct Request4 {
    pub msg_type: u8,
    pub xid: u32,
    pub chaddr: [u8; 6],
    /// Relay address (0.0.0.0 when sent directly).
    pub giaddr: Ipv4Addr,
    /// Client address (set when renewing).
    pub ciaddr: Ipv4Addr,
    /// Ask for broadcast replies (direct mode, no address yet).
    pub broadcast: bool,
    /// Option 50, requested address (SELECTING).
    pub requested: Option<Ipv4Addr>,
    /// Option 54, server identifier (SELECTING).
    pub server_id: Option<Ipv4Addr>,
}

/// Encodes `r` into `out` (cleared first); returns the length.
pub fn encode(r: &Request4, out: &mut Vec<u8>) -> usize {
    out.clear();
    out.resize(FIXED_LEN, 0);
    out[0] = 1; // BOOTREQUEST
    out[1] = 1; // Ethernet
    out[2] = 6;
    out[3] = if r.giaddr.is_unspecified() { 0 } else { 1 }; // hops
    out[4..8].copy_from_slice(&r.xid.to_be_bytes());
    if r.broadcast {
        out[10] = 0x80;
    }
    out[12..16].copy_from_slice(&r.ciaddr.octets());
    out[24..28].copy_from_slice(&r.giaddr.octets());
    out[28..34].copy_from_slice(&r.chaddr);
    out.extend_from_slice(&MAGIC);
    out.extend_from_slice(&[53, 1, r.msg_type]);
    if let Some(a) = r.requested {
        out.extend_from_slice(&[50, 4]);
        out.extend_from_slice(&a.octets());
    }
    if let Some(a) = r.server_id {
        out.extend_from_slice(&[54, 4]);
        out.extend_from_slice(&a.octets());
    }
    // Parameter request list: subnet mask, router, DNS, lease time.
    out.extend_from_slice(&[55, 4, 1, 3, 6, 51]);
    out.push(255);
    // Pad to the BOOTP minimum of 300 bytes as real clients do.
    if out.len() < 300 {
        out.resize(300, 0);
    }
    out.len()
}

/// The fields of a server reply the load generator acts on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reply4 {
    pub msg_type: u8,
    pub xid: u32,
    pub yiaddr: Ipv4Addr,
    pub chaddr: [u8; 6],
    pub server_id: Option<Ipv4Addr>,
}

/// Decodes a BOOTREPLY; `None` when it is not a well-formed DHCP reply.
pub fn decode(b: &[u8]) -> Option<Reply4> {
    if b.len() < FIXED_LEN + 4 || b[0] != 2 || b[FIXED_LEN..FIXED_LEN + 4] != MAGIC {
        return None;
    }
    let xid = u32::from_be_bytes([b[4], b[5], b[6], b[7]]);
    let yiaddr = Ipv4Addr::new(b[16], b[17], b[18], b[19]);
    let mut chaddr = [0u8; 6];
    chaddr.copy_from_slice(&b[28..34]);
    let mut msg_type = None;
    let mut server_id = None;
    let mut i = FIXED_LEN + 4;
    while i < b.len() {
        let code = b[i];
        match code {
            0 => {
                i += 1;
                continue;
            }
            255 => break,
            _ => {}
        }
        let len = *b.get(i + 1)? as usize;
        let val = b.get(i + 2..i + 2 + len)?;
        match (code, len) {
            (53, 1) => msg_type = Some(val[0]),
            (54, 4) => server_id = Some(Ipv4Addr::new(val[0], val[1], val[2], val[3])),
            _ => {}
        }
        i += 2 + len;
    }
    Some(Reply4 {
        msg_type: msg_type?,
        xid,
        yiaddr,
        chaddr,
        server_id,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply_bytes(msg: u8) -> Vec<u8> {
        let mut b = vec![0u8; FIXED_LEN];
        b[0] = 2;
        b[4..8].copy_from_slice(&0x0102_0304u32.to_be_bytes());
        b[16..20].copy_from_slice(&[198, 18, 0, 7]);
        b[28..34].copy_from_slice(&[2, 0, 0, 0, 0, 9]);
        b.extend_from_slice(&MAGIC);
        b.extend_from_slice(&[0, 53, 1, msg, 54, 4, 192, 0, 2, 1, 255]);
        b
    }

    #[test]
    fn decodes_offer_with_server_id() {
        let r = decode(&reply_bytes(OFFER)).unwrap();
        assert_eq!(r.msg_type, OFFER);
        assert_eq!(r.xid, 0x0102_0304);
        assert_eq!(r.yiaddr, Ipv4Addr::new(198, 18, 0, 7));
        assert_eq!(r.server_id, Some(Ipv4Addr::new(192, 0, 2, 1)));
        assert_eq!(r.chaddr, [2, 0, 0, 0, 0, 9]);
    }

    #[test]
    fn rejects_requests_truncation_and_missing_type() {
        let mut b = reply_bytes(ACK);
        b[0] = 1;
        assert!(decode(&b).is_none());
        let b = reply_bytes(ACK);
        assert!(decode(&b[..FIXED_LEN + 2]).is_none());
        // Option length running past the end.
        let mut b = reply_bytes(ACK);
        b.truncate(FIXED_LEN + 4);
        b.extend_from_slice(&[54, 9, 1]);
        assert!(decode(&b).is_none());
        // No message type.
        let mut b = reply_bytes(ACK);
        b.truncate(FIXED_LEN + 4);
        b.push(255);
        assert!(decode(&b).is_none());
    }

    #[test]
    fn encodes_relayed_selecting_request() {
        let mut out = Vec::new();
        let n = encode(
            &Request4 {
                msg_type: REQUEST,
                xid: 7,
                chaddr: [2, 0, 0, 0, 0, 1],
                giaddr: Ipv4Addr::new(192, 0, 2, 2),
                ciaddr: Ipv4Addr::UNSPECIFIED,
                broadcast: false,
                requested: Some(Ipv4Addr::new(198, 18, 0, 1)),
                server_id: Some(Ipv4Addr::new(192, 0, 2, 1)),
            },
            &mut out,
        );
        assert_eq!(n, 300);
        assert_eq!(out[3], 1);
        assert_eq!(&out[24..28], &[192, 0, 2, 2]);
        assert_eq!(out[10], 0);
        let opts = &out[FIXED_LEN + 4..];
        assert_eq!(&opts[..3], &[53, 1, REQUEST]);
        assert_eq!(&opts[3..9], &[50, 4, 198, 18, 0, 1]);
        assert_eq!(&opts[9..15], &[54, 4, 192, 0, 2, 1]);
    }

    #[test]
    fn encodes_direct_discover_with_broadcast_flag() {
        let mut out = Vec::new();
        let r = Request4 {
            msg_type: DISCOVER,
            xid: 9,
            chaddr: [2, 0, 0, 0, 0, 2],
            giaddr: Ipv4Addr::UNSPECIFIED,
            ciaddr: Ipv4Addr::UNSPECIFIED,
            broadcast: true,
            requested: None,
            server_id: None,
        };
        encode(&r, &mut out);
        assert_eq!(out[3], 0);
        assert_eq!(out[10], 0x80);
        assert_eq!(&out[FIXED_LEN + 4..FIXED_LEN + 7], &[53, 1, DISCOVER]);
    }
}
