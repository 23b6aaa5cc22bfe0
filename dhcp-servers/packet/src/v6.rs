//! DHCPv6 packets (RFC 8415): [`Pkt6`] decode/encode, relay encapsulation and typed
//! views of the structured options (IA_NA/IA_TA/IA_PD, IAADDR, IAPREFIX, status code,
//! DUID, vendor options).

use std::net::Ipv6Addr;

use crate::error::{DecodeError, EncodeError};
use crate::name::{NameError, decode_name, encode_name};
use crate::options::Options6;

/// DHCPv6 option codes a server uses directly.
pub mod code {
    /// Client identifier (DUID).
    pub const CLIENTID: u16 = 1;
    /// Server identifier (DUID).
    pub const SERVERID: u16 = 2;
    /// Identity association for non-temporary addresses.
    pub const IA_NA: u16 = 3;
    /// Identity association for temporary addresses.
    pub const IA_TA: u16 = 4;
    /// IA address.
    pub const IAADDR: u16 = 5;
    /// Option request option.
    pub const ORO: u16 = 6;
    /// Server preference.
    pub const PREFERENCE: u16 = 7;
    /// Elapsed time (hundredths of a second).
    pub const ELAPSED_TIME: u16 = 8;
    /// Relay message.
    pub const RELAY_MSG: u16 = 9;
    /// Authentication.
    pub const AUTH: u16 = 11;
    /// Server unicast.
    pub const UNICAST: u16 = 12;
    /// Status code.
    pub const STATUS_CODE: u16 = 13;
    /// Rapid commit.
    pub const RAPID_COMMIT: u16 = 14;
    /// User class.
    pub const USER_CLASS: u16 = 15;
    /// Vendor class.
    pub const VENDOR_CLASS: u16 = 16;
    /// Vendor-specific information.
    pub const VENDOR_OPTS: u16 = 17;
    /// Interface ID (relay).
    pub const INTERFACE_ID: u16 = 18;
    /// Reconfigure message.
    pub const RECONF_MSG: u16 = 19;
    /// Reconfigure accept.
    pub const RECONF_ACCEPT: u16 = 20;
    /// DNS recursive name servers.
    pub const DNS_SERVERS: u16 = 23;
    /// Domain search list.
    pub const DOMAIN_SEARCH: u16 = 24;
    /// Identity association for prefix delegation.
    pub const IA_PD: u16 = 25;
    /// IA prefix.
    pub const IAPREFIX: u16 = 26;
    /// Information refresh time.
    pub const INFORMATION_REFRESH_TIME: u16 = 32;
    /// Relay agent remote-id (RFC 4649).
    pub const REMOTE_ID: u16 = 37;
    /// Relay agent subscriber-id (RFC 4580).
    pub const SUBSCRIBER_ID: u16 = 38;
    /// Client FQDN (RFC 4704).
    pub const CLIENT_FQDN: u16 = 39;
    /// Client link-layer address (RFC 6939).
    pub const CLIENT_LINKLAYER_ADDR: u16 = 79;
    /// Prefix exclude (RFC 6603).
    pub const PD_EXCLUDE: u16 = 67;
    /// Relay source port (RFC 8357).
    pub const RELAY_SOURCE_PORT: u16 = 135;
}

/// Status codes (option 13).
pub mod status {
    /// Success.
    pub const SUCCESS: u16 = 0;
    /// Unspecified failure.
    pub const UNSPEC_FAIL: u16 = 1;
    /// No addresses available.
    pub const NO_ADDRS_AVAIL: u16 = 2;
    /// Binding not found.
    pub const NO_BINDING: u16 = 3;
    /// Address not on link.
    pub const NOT_ON_LINK: u16 = 4;
    /// Use multicast.
    pub const USE_MULTICAST: u16 = 5;
    /// No prefixes available.
    pub const NO_PREFIX_AVAIL: u16 = 6;
}

/// Largest packet accepted by [`Pkt6::decode`].
pub const MAX_PKT6_LEN: usize = 65535;
/// RFC 8415 hop-count limit; deeper relay nesting is rejected.
pub const HOP_COUNT_LIMIT: usize = 32;

/// A DHCPv6 message type. Unknown values are kept as they are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct MessageType6(pub u8);

impl MessageType6 {
    /// SOLICIT
    pub const SOLICIT: Self = Self(1);
    /// ADVERTISE
    pub const ADVERTISE: Self = Self(2);
    /// REQUEST
    pub const REQUEST: Self = Self(3);
    /// CONFIRM
    pub const CONFIRM: Self = Self(4);
    /// RENEW
    pub const RENEW: Self = Self(5);
    /// REBIND
    pub const REBIND: Self = Self(6);
    /// REPLY
    pub const REPLY: Self = Self(7);
    /// RELEASE
    pub const RELEASE: Self = Self(8);
    /// DECLINE
    pub const DECLINE: Self = Self(9);
    /// RECONFIGURE
    pub const RECONFIGURE: Self = Self(10);
    /// INFORMATION-REQUEST
    pub const INFORMATION_REQUEST: Self = Self(11);
    /// RELAY-FORW
    pub const RELAY_FORW: Self = Self(12);
    /// RELAY-REPL
    pub const RELAY_REPL: Self = Self(13);
    /// LEASEQUERY
    pub const LEASEQUERY: Self = Self(14);
    /// LEASEQUERY-REPLY
    pub const LEASEQUERY_REPLY: Self = Self(15);
    /// DHCPV4-QUERY (RFC 7341)
    pub const DHCPV4_QUERY: Self = Self(20);
    /// DHCPV4-RESPONSE (RFC 7341)
    pub const DHCPV4_RESPONSE: Self = Self(21);

    /// Kea's name for the type as used in logs ("SOLICIT", ...); "UNKNOWN" otherwise.
    pub fn kea_name(self) -> &'static str {
        const NAMES: [&str; 38] = [
            "UNKNOWN",
            "SOLICIT",
            "ADVERTISE",
            "REQUEST",
            "CONFIRM",
            "RENEW",
            "REBIND",
            "REPLY",
            "RELEASE",
            "DECLINE",
            "RECONFIGURE",
            "INFORMATION_REQUEST",
            "RELAY_FORWARD",
            "RELAY_REPLY",
            "LEASEQUERY",
            "LEASEQUERY_REPLY",
            "LEASEQUERY_DONE",
            "LEASEQUERY_DATA",
            "RECONFIGURE_REQUEST",
            "RECONFIGURE_REPLY",
            "DHCPV4_QUERY",
            "DHCPV4_RESPONSE",
            "ACTIVELEASEQUERY",
            "STARTTLS",
            "BNDUPD",
            "BNDREPLY",
            "POOLREQ",
            "POOLRESP",
            "UPDREQ",
            "UPDREQALL",
            "UPDDONE",
            "CONNECT",
            "CONNECTREPLY",
            "DISCONNECT",
            "STATE",
            "CONTACT",
            "ADDR_REG_INFORM",
            "ADDR_REG_REPLY",
        ];
        NAMES.get(usize::from(self.0)).copied().unwrap_or("UNKNOWN")
    }

    /// True for RELAY-FORW and RELAY-REPL.
    pub fn is_relay(self) -> bool {
        self == Self::RELAY_FORW || self == Self::RELAY_REPL
    }
}

/// One relay encapsulation level (RELAY-FORW or RELAY-REPL header and its options).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RelayInfo {
    /// RELAY-FORW (12) or RELAY-REPL (13).
    pub msg_type: MessageType6,
    /// Hop count.
    pub hop_count: u8,
    /// Link address.
    pub link_address: Ipv6Addr,
    /// Peer address.
    pub peer_address: Ipv6Addr,
    /// Relay options other than relay-message (9), e.g. interface-id, remote-id.
    pub options: Options6,
}

impl RelayInfo {
    /// Interface ID (18).
    pub fn interface_id(&self) -> Option<&[u8]> {
        self.options.get(code::INTERFACE_ID)
    }

    /// Remote ID (37): enterprise number and remote-id bytes.
    pub fn remote_id(&self) -> Option<(u32, &[u8])> {
        let v = self.options.get(code::REMOTE_ID)?;
        let (ent, id) = v.split_first_chunk::<4>()?;
        Some((u32::from_be_bytes(*ent), id))
    }

    /// Subscriber ID (38).
    pub fn subscriber_id(&self) -> Option<&[u8]> {
        self.options.get(code::SUBSCRIBER_ID)
    }
}

/// A DHCPv6 message. For relayed messages `msg_type`, `transaction_id` and `options`
/// are those of the innermost (client or server) message and `relays` lists the relay
/// levels outermost first, as Kea's Pkt6 does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pkt6 {
    /// Message type of the client/server message.
    pub msg_type: MessageType6,
    /// 24-bit transaction ID (the high byte is always 0).
    pub transaction_id: u32,
    /// Options in received/insertion order.
    pub options: Options6,
    /// Relay levels, outermost first; empty when not relayed.
    pub relays: Vec<RelayInfo>,
}

/// Parses DHCPv6 options (code u16, length u16). `base` is the offset of `buf` in the
/// packet, used in error reports.
pub(crate) fn parse_options6(
    buf: &[u8],
    base: usize,
    out: &mut Options6,
) -> Result<(), DecodeError> {
    let mut i = 0;
    while i < buf.len() {
        let Some(hdr) = buf.get(i..i + 4) else {
            return Err(DecodeError::BadOptionLength {
                code: partial_code(&buf[i..]),
                offset: base + i,
                len: 0,
            });
        };
        let code = u16::from_be_bytes([hdr[0], hdr[1]]);
        let len = usize::from(u16::from_be_bytes([hdr[2], hdr[3]]));
        let Some(value) = buf.get(i + 4..i + 4 + len) else {
            return Err(DecodeError::BadOptionLength {
                code,
                offset: base + i,
                len,
            });
        };
        out.push(code, value);
        i += 4 + len;
    }
    Ok(())
}

/// The code of an option whose 4-byte header is cut short (what is there of it).
fn partial_code(rest: &[u8]) -> u16 {
    match rest {
        [a, b, ..] => u16::from_be_bytes([*a, *b]),
        [a] => u16::from(*a) << 8,
        [] => 0,
    }
}

/// Parses a standalone option buffer (e.g. the sub-options inside an IA_NA).
pub fn decode_options6(buf: &[u8]) -> Result<Options6, DecodeError> {
    let mut out = Options6::with_capacity(4, buf.len());
    parse_options6(buf, 0, &mut out)?;
    Ok(out)
}

fn write_option6(out: &mut Vec<u8>, code: u16, value: &[u8]) -> Result<(), EncodeError> {
    let len = u16::try_from(value.len()).map_err(|_| EncodeError::OptionTooLong {
        code,
        len: value.len(),
    })?;
    out.extend_from_slice(&code.to_be_bytes());
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(value);
    Ok(())
}

/// Writes options in Kea's DHCPv6 order (ascending code, ties in list order), without
/// allocating for up to 64 options.
pub fn encode_options6(options: &Options6, out: &mut Vec<u8>) -> Result<(), EncodeError> {
    let n = options.len();
    let mut stack = [0u32; 64];
    let mut heap = Vec::new();
    let order: &mut [u32] = if n <= stack.len() {
        &mut stack[..n]
    } else {
        heap.resize(n, 0);
        &mut heap
    };
    for (i, slot) in order.iter_mut().enumerate() {
        *slot = i as u32;
    }
    order.sort_unstable_by_key(|i| (options.get_index(*i as usize).map_or(0, |(c, _)| c), *i));
    for &i in order.iter() {
        if let Some((code, value)) = options.get_index(i as usize) {
            write_option6(out, code, value)?;
        }
    }
    Ok(())
}

impl Pkt6 {
    /// A new message with no options and no relays.
    pub fn new(msg_type: MessageType6, transaction_id: u32) -> Self {
        Pkt6 {
            msg_type,
            transaction_id: transaction_id & 0x00ff_ffff,
            options: Options6::new(),
            relays: Vec::new(),
        }
    }

    /// A reply skeleton: same transaction ID, and the relay levels turned into
    /// RELAY-REPL with the same hop count and addresses. Like Kea, each level echoes
    /// the interface-id (RFC 8415 §19.3) and the relay source port (RFC 8357); other
    /// relay options are not copied.
    pub fn new_reply(&self, msg_type: MessageType6) -> Pkt6 {
        let relays = self
            .relays
            .iter()
            .map(|r| {
                let mut options = Options6::with_capacity(2, 32);
                for (c, v) in r.options.iter() {
                    if c == code::INTERFACE_ID || c == code::RELAY_SOURCE_PORT {
                        options.push(c, v);
                    }
                }
                RelayInfo {
                    msg_type: MessageType6::RELAY_REPL,
                    hop_count: r.hop_count,
                    link_address: r.link_address,
                    peer_address: r.peer_address,
                    options,
                }
            })
            .collect();
        Pkt6 {
            msg_type,
            transaction_id: self.transaction_id,
            // Room for a typical reply, so building it does not reallocate.
            options: Options6::with_capacity(12, 256),
            relays,
        }
    }

    /// Decodes a message, unwrapping any RELAY-FORW/RELAY-REPL levels. Never panics.
    pub fn decode(buf: &[u8]) -> Result<Pkt6, DecodeError> {
        if buf.len() > MAX_PKT6_LEN {
            return Err(DecodeError::Oversize(buf.len()));
        }
        let mut relays = Vec::with_capacity(usize::from(
            buf.first().is_some_and(|&t| MessageType6(t).is_relay()),
        ));
        let mut at = 0usize;
        let mut rest = buf;
        loop {
            let Some(&t) = rest.first() else {
                return Err(DecodeError::Truncated { needed: 4, got: 0 });
            };
            let msg_type = MessageType6(t);
            if !msg_type.is_relay() {
                let Some(hdr) = rest.get(..4) else {
                    return Err(DecodeError::Truncated {
                        needed: 4,
                        got: rest.len(),
                    });
                };
                let transaction_id = u32::from_be_bytes([0, hdr[1], hdr[2], hdr[3]]);
                let mut options = Options6::with_capacity(8, rest.len() - 4);
                parse_options6(&rest[4..], at + 4, &mut options)?;
                return Ok(Pkt6 {
                    msg_type,
                    transaction_id,
                    options,
                    relays,
                });
            }
            if relays.len() >= HOP_COUNT_LIMIT {
                return Err(DecodeError::RelayTooDeep(HOP_COUNT_LIMIT));
            }
            let Some(hdr) = rest.get(..34) else {
                return Err(DecodeError::Truncated {
                    needed: 34,
                    got: rest.len(),
                });
            };
            let mut link = [0u8; 16];
            let mut peer = [0u8; 16];
            link.copy_from_slice(&hdr[2..18]);
            peer.copy_from_slice(&hdr[18..34]);
            // Relay options are few: parse them by hand so the relay-message payload
            // (the rest of the packet) is not copied.
            let mut options = Options6::with_capacity(4, 64);
            let mut inner: Option<(usize, &[u8])> = None;
            let opts = &rest[34..];
            let mut i = 0;
            while i < opts.len() {
                let Some(h) = opts.get(i..i + 4) else {
                    return Err(DecodeError::BadOptionLength {
                        code: partial_code(&opts[i..]),
                        offset: at + 34 + i,
                        len: 0,
                    });
                };
                let c = u16::from_be_bytes([h[0], h[1]]);
                let len = usize::from(u16::from_be_bytes([h[2], h[3]]));
                let Some(v) = opts.get(i + 4..i + 4 + len) else {
                    return Err(DecodeError::BadOptionLength {
                        code: c,
                        offset: at + 34 + i,
                        len,
                    });
                };
                if c == code::RELAY_MSG {
                    if inner.is_some() {
                        return Err(DecodeError::BadOptionValue {
                            code: code::RELAY_MSG,
                            reason: "more than one relay-message option in a relay message",
                        });
                    }
                    inner = Some((at + 34 + i + 4, v));
                } else {
                    options.push(c, v);
                }
                i += 4 + len;
            }
            relays.push(RelayInfo {
                msg_type,
                hop_count: hdr[1],
                link_address: Ipv6Addr::from(link),
                peer_address: Ipv6Addr::from(peer),
                options,
            });
            let Some((inner_at, inner_buf)) = inner else {
                return Err(DecodeError::MissingRelayMessage(relays.len() - 1));
            };
            at = inner_at;
            rest = inner_buf;
        }
    }

    /// Appends the encoded message (wrapped in its relay levels) to `out`. Options go in
    /// ascending code order as Kea writes them; in relay levels the relay-message comes
    /// last. Fails only when an option or a wrapped message exceeds 65535 bytes (then
    /// `out` is restored to its original length).
    pub fn encode(&self, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        let start = out.len();
        let r = self.encode_inner(out);
        if r.is_err() {
            out.truncate(start);
        }
        r
    }

    fn encode_inner(&self, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        // Positions of each relay-message length field, patched once the end is known.
        let mut len_at = [0usize; HOP_COUNT_LIMIT];
        let mut len_heap = Vec::new();
        let patch: &mut [usize] = if self.relays.len() <= HOP_COUNT_LIMIT {
            &mut len_at[..self.relays.len()]
        } else {
            len_heap.resize(self.relays.len(), 0);
            &mut len_heap
        };
        for (relay, slot) in self.relays.iter().zip(patch.iter_mut()) {
            out.push(relay.msg_type.0);
            out.push(relay.hop_count);
            out.extend_from_slice(&relay.link_address.octets());
            out.extend_from_slice(&relay.peer_address.octets());
            if relay.options.contains(code::RELAY_MSG) {
                return Err(EncodeError::RelayMessageInRelayOptions);
            }
            encode_options6(&relay.options, out)?;
            out.extend_from_slice(&code::RELAY_MSG.to_be_bytes());
            *slot = out.len();
            out.extend_from_slice(&[0, 0]);
        }
        let tid = self.transaction_id.to_be_bytes();
        out.extend_from_slice(&[self.msg_type.0, tid[1], tid[2], tid[3]]);
        encode_options6(&self.options, out)?;
        let end = out.len();
        for &at in patch.iter() {
            let len = end - (at + 2);
            let len16 = u16::try_from(len).map_err(|_| EncodeError::OptionTooLong {
                code: code::RELAY_MSG,
                len,
            })?;
            out[at..at + 2].copy_from_slice(&len16.to_be_bytes());
        }
        Ok(())
    }

    /// Encodes into a new vector (convenience; prefer [`Pkt6::encode`] on hot paths).
    pub fn to_bytes(&self) -> Result<Vec<u8>, EncodeError> {
        let mut v = Vec::with_capacity(256);
        self.encode(&mut v)?;
        Ok(v)
    }

    /// Kea's packet label used in log messages, e.g.
    /// `duid=[00:01:00:01:2f:af:08:00:00:0c:29:3a:5b:7c], tid=0x123456`.
    pub fn kea_label(&self) -> String {
        let mut s = String::from("duid=[");
        match self.client_id() {
            Some(id) if !id.is_empty() => crate::v4::push_colon_hex(&mut s, id),
            _ => s.push_str("no info"),
        }
        s.push_str(&format!("], tid={:#x}", self.transaction_id));
        s
    }

    /// Client identifier (1) as raw DUID bytes.
    pub fn client_id(&self) -> Option<&[u8]> {
        self.options.get(code::CLIENTID)
    }

    /// Server identifier (2) as raw DUID bytes.
    pub fn server_id(&self) -> Option<&[u8]> {
        self.options.get(code::SERVERID)
    }

    /// Option request option (6): requested codes; `None` when absent or odd-sized.
    pub fn oro(&self) -> Option<impl Iterator<Item = u16> + '_> {
        let v = self.options.get(code::ORO)?;
        if v.len() % 2 != 0 {
            return None;
        }
        Some(v.chunks_exact(2).map(|c| u16::from_be_bytes([c[0], c[1]])))
    }

    /// Elapsed time (8) in hundredths of a second.
    pub fn elapsed_time(&self) -> Option<u16> {
        let v: [u8; 2] = self.options.get(code::ELAPSED_TIME)?.try_into().ok()?;
        Some(u16::from_be_bytes(v))
    }

    /// True when rapid commit (14) is present.
    pub fn rapid_commit(&self) -> bool {
        self.options.contains(code::RAPID_COMMIT)
    }

    /// Server preference (7).
    pub fn preference(&self) -> Option<u8> {
        match self.options.get(code::PREFERENCE)? {
            &[p] => Some(p),
            _ => None,
        }
    }

    /// Server unicast address (12).
    pub fn unicast(&self) -> Option<Ipv6Addr> {
        let v: [u8; 16] = self.options.get(code::UNICAST)?.try_into().ok()?;
        Some(Ipv6Addr::from(v))
    }

    /// Every IA_NA (3) in order; an item is `Err` when that IA is malformed.
    pub fn ia_nas(&self) -> impl Iterator<Item = Result<Ia, DecodeError>> + '_ {
        self.options
            .get_all(code::IA_NA)
            .map(|v| Ia::decode(code::IA_NA, v))
    }

    /// Every IA_PD (25) in order; an item is `Err` when that IA is malformed.
    pub fn ia_pds(&self) -> impl Iterator<Item = Result<Ia, DecodeError>> + '_ {
        self.options
            .get_all(code::IA_PD)
            .map(|v| Ia::decode(code::IA_PD, v))
    }

    /// Every IA_TA (4) in order; an item is `Err` when that IA is malformed.
    pub fn ia_tas(&self) -> impl Iterator<Item = Result<IaTa, DecodeError>> + '_ {
        self.options.get_all(code::IA_TA).map(IaTa::decode)
    }

    /// Status code (13) at message level.
    pub fn status_code(&self) -> Option<Result<StatusCode, DecodeError>> {
        self.options.get(code::STATUS_CODE).map(StatusCode::decode)
    }

    /// Vendor class options (16), one per enterprise.
    pub fn vendor_classes(&self) -> impl Iterator<Item = Result<VendorClass, DecodeError>> + '_ {
        self.options
            .get_all(code::VENDOR_CLASS)
            .map(VendorClass::decode)
    }

    /// Vendor-specific information options (17), one per enterprise.
    pub fn vendor_opts(&self) -> impl Iterator<Item = Result<VendorOpts, DecodeError>> + '_ {
        self.options
            .get_all(code::VENDOR_OPTS)
            .map(VendorOpts::decode)
    }

    /// Client FQDN (39).
    pub fn client_fqdn(&self) -> Option<Result<ClientFqdn6, DecodeError>> {
        self.options.get(code::CLIENT_FQDN).map(ClientFqdn6::decode)
    }
}

fn bad(code: u16, reason: &'static str) -> DecodeError {
    DecodeError::BadOptionValue { code, reason }
}

fn be32(b: &[u8]) -> u32 {
    u32::from_be_bytes([b[0], b[1], b[2], b[3]])
}

fn ip6(b: &[u8]) -> Ipv6Addr {
    let mut a = [0u8; 16];
    a.copy_from_slice(&b[..16]);
    Ipv6Addr::from(a)
}

/// IA_NA (3) or IA_PD (25): the two share one layout.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ia {
    /// IA identifier.
    pub iaid: u32,
    /// T1 in seconds.
    pub t1: u32,
    /// T2 in seconds.
    pub t2: u32,
    /// Sub-options (IAADDR or IAPREFIX, status code, ...).
    pub options: Options6,
}

impl Ia {
    /// Decodes the value of an IA_NA or IA_PD option (`code` is used in errors).
    pub fn decode(code: u16, v: &[u8]) -> Result<Self, DecodeError> {
        if v.len() < 12 {
            return Err(bad(code, "IA shorter than 12 bytes"));
        }
        Ok(Ia {
            iaid: be32(v),
            t1: be32(&v[4..]),
            t2: be32(&v[8..]),
            options: decode_options6(&v[12..])?,
        })
    }

    /// Appends the option value (not the option header).
    pub fn encode(&self, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        out.extend_from_slice(&self.iaid.to_be_bytes());
        out.extend_from_slice(&self.t1.to_be_bytes());
        out.extend_from_slice(&self.t2.to_be_bytes());
        encode_options6(&self.options, out)
    }

    /// IAADDR (5) sub-options in order.
    pub fn addresses(&self) -> impl Iterator<Item = Result<IaAddr, DecodeError>> + '_ {
        self.options.get_all(code::IAADDR).map(IaAddr::decode)
    }

    /// IAPREFIX (26) sub-options in order.
    pub fn prefixes(&self) -> impl Iterator<Item = Result<IaPrefix, DecodeError>> + '_ {
        self.options.get_all(code::IAPREFIX).map(IaPrefix::decode)
    }

    /// Status code (13) sub-option.
    pub fn status_code(&self) -> Option<Result<StatusCode, DecodeError>> {
        self.options.get(code::STATUS_CODE).map(StatusCode::decode)
    }
}

/// IA_TA (4).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IaTa {
    /// IA identifier.
    pub iaid: u32,
    /// Sub-options.
    pub options: Options6,
}

impl IaTa {
    /// Decodes the option value.
    pub fn decode(v: &[u8]) -> Result<Self, DecodeError> {
        if v.len() < 4 {
            return Err(bad(code::IA_TA, "IA_TA shorter than 4 bytes"));
        }
        Ok(IaTa {
            iaid: be32(v),
            options: decode_options6(&v[4..])?,
        })
    }

    /// Appends the option value.
    pub fn encode(&self, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        out.extend_from_slice(&self.iaid.to_be_bytes());
        encode_options6(&self.options, out)
    }
}

/// IAADDR (5).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IaAddr {
    /// The address.
    pub addr: Ipv6Addr,
    /// Preferred lifetime in seconds.
    pub preferred: u32,
    /// Valid lifetime in seconds.
    pub valid: u32,
    /// Sub-options (status code).
    pub options: Options6,
}

impl IaAddr {
    /// Decodes the option value.
    pub fn decode(v: &[u8]) -> Result<Self, DecodeError> {
        if v.len() < 24 {
            return Err(bad(code::IAADDR, "IAADDR shorter than 24 bytes"));
        }
        Ok(IaAddr {
            addr: ip6(v),
            preferred: be32(&v[16..]),
            valid: be32(&v[20..]),
            options: decode_options6(&v[24..])?,
        })
    }

    /// Appends the option value.
    pub fn encode(&self, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        out.extend_from_slice(&self.addr.octets());
        out.extend_from_slice(&self.preferred.to_be_bytes());
        out.extend_from_slice(&self.valid.to_be_bytes());
        encode_options6(&self.options, out)
    }
}

/// IAPREFIX (26).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IaPrefix {
    /// Preferred lifetime in seconds.
    pub preferred: u32,
    /// Valid lifetime in seconds.
    pub valid: u32,
    /// Prefix length.
    pub prefix_len: u8,
    /// The prefix.
    pub prefix: Ipv6Addr,
    /// Sub-options (status code, PD exclude).
    pub options: Options6,
}

impl IaPrefix {
    /// Decodes the option value.
    pub fn decode(v: &[u8]) -> Result<Self, DecodeError> {
        if v.len() < 25 {
            return Err(bad(code::IAPREFIX, "IAPREFIX shorter than 25 bytes"));
        }
        if v[8] > 128 {
            return Err(bad(code::IAPREFIX, "prefix length above 128"));
        }
        Ok(IaPrefix {
            preferred: be32(v),
            valid: be32(&v[4..]),
            prefix_len: v[8],
            prefix: ip6(&v[9..]),
            options: decode_options6(&v[25..])?,
        })
    }

    /// Appends the option value.
    pub fn encode(&self, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        out.extend_from_slice(&self.preferred.to_be_bytes());
        out.extend_from_slice(&self.valid.to_be_bytes());
        out.push(self.prefix_len);
        out.extend_from_slice(&self.prefix.octets());
        encode_options6(&self.options, out)
    }

    /// The excluded prefix from a PD exclude (67) sub-option, as (prefix, length).
    pub fn pd_exclude(&self) -> Option<Result<(Ipv6Addr, u8), DecodeError>> {
        let v = self.options.get(code::PD_EXCLUDE)?;
        Some(decode_pd_exclude(v, self.prefix, self.prefix_len))
    }
}

/// Decodes a PD exclude (67) value relative to its delegated prefix (RFC 6603 §4.2).
pub fn decode_pd_exclude(
    v: &[u8],
    prefix: Ipv6Addr,
    prefix_len: u8,
) -> Result<(Ipv6Addr, u8), DecodeError> {
    let (&ex_len, subnet_id) = v
        .split_first()
        .ok_or(bad(code::PD_EXCLUDE, "PD exclude is empty"))?;
    if ex_len <= prefix_len || ex_len > 128 {
        return Err(bad(
            code::PD_EXCLUDE,
            "excluded prefix length must exceed the delegated one",
        ));
    }
    let bits = usize::from(ex_len - prefix_len);
    if subnet_id.len() != bits.div_ceil(8) {
        return Err(bad(
            code::PD_EXCLUDE,
            "subnet ID size does not match the prefix lengths",
        ));
    }
    let mut addr = u128::from(prefix) & mask(prefix_len);
    let mut id: u128 = 0;
    for &b in subnet_id {
        id = (id << 8) | u128::from(b);
    }
    // The subnet ID is left-aligned in its bytes.
    id >>= subnet_id.len() * 8 - bits;
    addr |= id << (128 - usize::from(ex_len));
    Ok((Ipv6Addr::from(addr), ex_len))
}

/// Encodes a PD exclude (67) value for `excluded` inside `prefix/prefix_len`.
pub fn encode_pd_exclude(
    prefix: Ipv6Addr,
    prefix_len: u8,
    excluded: Ipv6Addr,
    excluded_len: u8,
    out: &mut Vec<u8>,
) -> Result<(), DecodeError> {
    if excluded_len <= prefix_len || excluded_len > 128 || prefix_len > 128 {
        return Err(bad(
            code::PD_EXCLUDE,
            "excluded prefix length must exceed the delegated one",
        ));
    }
    if u128::from(excluded) & mask(prefix_len) != u128::from(prefix) & mask(prefix_len) {
        return Err(bad(
            code::PD_EXCLUDE,
            "excluded prefix is not inside the delegated prefix",
        ));
    }
    let bits = usize::from(excluded_len - prefix_len);
    let nbytes = bits.div_ceil(8);
    let id = (u128::from(excluded) & mask(excluded_len)) << prefix_len;
    out.push(excluded_len);
    out.extend_from_slice(&id.to_be_bytes()[..nbytes]);
    Ok(())
}

fn mask(len: u8) -> u128 {
    match len {
        0 => 0,
        l if l >= 128 => u128::MAX,
        l => u128::MAX << (128 - u32::from(l)),
    }
}

/// Status code (13).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusCode {
    /// Code (see [`status`]).
    pub code: u16,
    /// UTF-8 message (invalid bytes replaced).
    pub message: String,
}

impl StatusCode {
    /// Decodes the option value.
    pub fn decode(v: &[u8]) -> Result<Self, DecodeError> {
        let (c, msg) = v
            .split_first_chunk::<2>()
            .ok_or(bad(code::STATUS_CODE, "status code shorter than 2 bytes"))?;
        Ok(StatusCode {
            code: u16::from_be_bytes(*c),
            message: String::from_utf8_lossy(msg).into_owned(),
        })
    }

    /// Appends the option value.
    pub fn encode(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.code.to_be_bytes());
        out.extend_from_slice(self.message.as_bytes());
    }
}

/// A DUID (RFC 8415 §11).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Duid {
    /// DUID-LLT (1): hardware type, time, link-layer address.
    Llt {
        /// Hardware type.
        htype: u16,
        /// Seconds since 2000-01-01 UTC mod 2^32.
        time: u32,
        /// Link-layer address.
        lladdr: Vec<u8>,
    },
    /// DUID-EN (2): enterprise number and identifier.
    En {
        /// Enterprise number.
        enterprise: u32,
        /// Identifier.
        id: Vec<u8>,
    },
    /// DUID-LL (3): hardware type and link-layer address.
    Ll {
        /// Hardware type.
        htype: u16,
        /// Link-layer address.
        lladdr: Vec<u8>,
    },
    /// DUID-UUID (4).
    Uuid([u8; 16]),
    /// Any other type (kept as-is).
    Other {
        /// DUID type.
        duid_type: u16,
        /// Bytes after the type.
        data: Vec<u8>,
    },
}

/// Longest DUID accepted (RFC 8415: 128 bytes plus the 2-byte type).
pub const MAX_DUID_LEN: usize = 130;

impl Duid {
    /// Decodes DUID bytes (e.g. the value of option 1 or 2).
    pub fn decode(v: &[u8]) -> Result<Self, DecodeError> {
        let e = |r| bad(code::CLIENTID, r);
        if v.len() < 3 {
            return Err(e("DUID shorter than 3 bytes"));
        }
        if v.len() > MAX_DUID_LEN {
            return Err(e("DUID longer than 130 bytes"));
        }
        let t = u16::from_be_bytes([v[0], v[1]]);
        let rest = &v[2..];
        Ok(match t {
            1 if rest.len() >= 6 => Duid::Llt {
                htype: u16::from_be_bytes([rest[0], rest[1]]),
                time: be32(&rest[2..]),
                lladdr: rest[6..].to_vec(),
            },
            2 if rest.len() >= 4 => Duid::En {
                enterprise: be32(rest),
                id: rest[4..].to_vec(),
            },
            3 if rest.len() >= 2 => Duid::Ll {
                htype: u16::from_be_bytes([rest[0], rest[1]]),
                lladdr: rest[2..].to_vec(),
            },
            4 => Duid::Uuid(
                rest.try_into()
                    .map_err(|_| e("DUID-UUID must hold 16 bytes"))?,
            ),
            1..=3 => return Err(e("DUID too short for its type")),
            t => Duid::Other {
                duid_type: t,
                data: rest.to_vec(),
            },
        })
    }

    /// Appends the DUID bytes.
    pub fn encode(&self, out: &mut Vec<u8>) {
        match self {
            Duid::Llt {
                htype,
                time,
                lladdr,
            } => {
                out.extend_from_slice(&1u16.to_be_bytes());
                out.extend_from_slice(&htype.to_be_bytes());
                out.extend_from_slice(&time.to_be_bytes());
                out.extend_from_slice(lladdr);
            }
            Duid::En { enterprise, id } => {
                out.extend_from_slice(&2u16.to_be_bytes());
                out.extend_from_slice(&enterprise.to_be_bytes());
                out.extend_from_slice(id);
            }
            Duid::Ll { htype, lladdr } => {
                out.extend_from_slice(&3u16.to_be_bytes());
                out.extend_from_slice(&htype.to_be_bytes());
                out.extend_from_slice(lladdr);
            }
            Duid::Uuid(u) => {
                out.extend_from_slice(&4u16.to_be_bytes());
                out.extend_from_slice(u);
            }
            Duid::Other { duid_type, data } => {
                out.extend_from_slice(&duid_type.to_be_bytes());
                out.extend_from_slice(data);
            }
        }
    }
}

/// Vendor class (16): enterprise number and opaque class data items.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VendorClass {
    /// Enterprise number.
    pub enterprise: u32,
    /// Class data items.
    pub data: Vec<Vec<u8>>,
}

impl VendorClass {
    /// Decodes the option value.
    pub fn decode(v: &[u8]) -> Result<Self, DecodeError> {
        let (ent, mut rest) = v
            .split_first_chunk::<4>()
            .ok_or(bad(code::VENDOR_CLASS, "vendor class shorter than 4 bytes"))?;
        let mut data = Vec::new();
        while !rest.is_empty() {
            let (len, tail) = rest
                .split_first_chunk::<2>()
                .ok_or(bad(code::VENDOR_CLASS, "truncated class data length"))?;
            let len = usize::from(u16::from_be_bytes(*len));
            let item = tail
                .get(..len)
                .ok_or(bad(code::VENDOR_CLASS, "class data runs past the option"))?;
            data.push(item.to_vec());
            rest = &tail[len..];
        }
        Ok(VendorClass {
            enterprise: u32::from_be_bytes(*ent),
            data,
        })
    }

    /// Appends the option value.
    pub fn encode(&self, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        out.extend_from_slice(&self.enterprise.to_be_bytes());
        for d in &self.data {
            let len = u16::try_from(d.len()).map_err(|_| EncodeError::OptionTooLong {
                code: code::VENDOR_CLASS,
                len: d.len(),
            })?;
            out.extend_from_slice(&len.to_be_bytes());
            out.extend_from_slice(d);
        }
        Ok(())
    }
}

/// Vendor-specific information (17): enterprise number and vendor sub-options.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VendorOpts {
    /// Enterprise number.
    pub enterprise: u32,
    /// Vendor sub-options (DHCPv6 option format).
    pub options: Options6,
}

impl VendorOpts {
    /// Decodes the option value.
    pub fn decode(v: &[u8]) -> Result<Self, DecodeError> {
        let (ent, rest) = v.split_first_chunk::<4>().ok_or(bad(
            code::VENDOR_OPTS,
            "vendor options shorter than 4 bytes",
        ))?;
        Ok(VendorOpts {
            enterprise: u32::from_be_bytes(*ent),
            options: decode_options6(rest)?,
        })
    }

    /// Appends the option value.
    pub fn encode(&self, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        out.extend_from_slice(&self.enterprise.to_be_bytes());
        encode_options6(&self.options, out)
    }
}

/// Client FQDN (39, RFC 4704).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientFqdn6 {
    /// Flags: S = 0x01, O = 0x02, N = 0x04.
    pub flags: u8,
    /// Name in dotted text, no final dot; empty when absent.
    pub name: String,
    /// True when the name is fully qualified.
    pub fully_qualified: bool,
}

impl ClientFqdn6 {
    /// Decodes the option value.
    pub fn decode(v: &[u8]) -> Result<Self, DecodeError> {
        let (&flags, rest) = v
            .split_first()
            .ok_or(bad(code::CLIENT_FQDN, "client FQDN is empty"))?;
        if flags & 0xf8 != 0 {
            return Err(bad(
                code::CLIENT_FQDN,
                "client FQDN has reserved flag bits set",
            ));
        }
        if rest.is_empty() {
            return Ok(ClientFqdn6 {
                flags,
                name: String::new(),
                fully_qualified: false,
            });
        }
        let n = decode_name(rest).map_err(|_| {
            bad(
                code::CLIENT_FQDN,
                "client FQDN name is not valid wire format",
            )
        })?;
        if n.consumed != rest.len() {
            return Err(bad(
                code::CLIENT_FQDN,
                "client FQDN has bytes after the name",
            ));
        }
        Ok(ClientFqdn6 {
            flags,
            name: n.text,
            fully_qualified: n.fully_qualified,
        })
    }

    /// Appends the option value.
    pub fn encode(&self, out: &mut Vec<u8>) -> Result<(), NameError> {
        out.push(self.flags);
        if !self.name.is_empty() {
            encode_name(&self.name, self.fully_qualified, out)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A SOLICIT as perfdhcp 2.2 sends it: client-id DUID-LLT, IA_NA, ORO, elapsed time.
    const PERFDHCP_SOLICIT: &[u8] = include_bytes!("../tests/fixtures/perfdhcp_solicit.bin");

    fn opt(code: u16, value: &[u8]) -> Vec<u8> {
        let mut v = code.to_be_bytes().to_vec();
        v.extend_from_slice(&(value.len() as u16).to_be_bytes());
        v.extend_from_slice(value);
        v
    }

    #[test]
    fn decodes_perfdhcp_solicit() {
        let p = Pkt6::decode(PERFDHCP_SOLICIT).unwrap();
        assert_eq!(p.msg_type, MessageType6::SOLICIT);
        assert_eq!(p.msg_type.kea_name(), "SOLICIT");
        assert!(p.relays.is_empty());
        let duid = Duid::decode(p.client_id().unwrap()).unwrap();
        assert!(
            matches!(duid, Duid::Llt { htype: 1, ref lladdr, .. } if lladdr == &[0, 0x0c, 1, 2, 3, 4])
        );
        let ia = p.ia_nas().next().unwrap().unwrap();
        assert_eq!((ia.iaid, ia.t1, ia.t2), (1, 3600, 5400));
        assert_eq!(p.oro().unwrap().collect::<Vec<_>>(), vec![23, 24]);
        assert_eq!(p.elapsed_time(), Some(0));
        assert!(!p.rapid_commit());
        // perfdhcp already writes options in ascending code order, so bytes are identical.
        assert_eq!(p.to_bytes().unwrap(), PERFDHCP_SOLICIT);
    }

    #[test]
    fn relay_levels_round_trip() {
        let inner = Pkt6::decode(PERFDHCP_SOLICIT).unwrap();
        let mut relayed = inner.clone();
        let mut opts1 = Options6::new();
        opts1.push(code::INTERFACE_ID, b"eth0");
        opts1.push(code::REMOTE_ID, &[0, 0, 0, 9, 0xaa, 0xbb]);
        let mut opts2 = Options6::new();
        opts2.push(code::INTERFACE_ID, b"ge-0/0/1");
        relayed.relays = vec![
            RelayInfo {
                msg_type: MessageType6::RELAY_FORW,
                hop_count: 1,
                link_address: "2001:db8:1::1".parse().unwrap(),
                peer_address: "fe80::1".parse().unwrap(),
                options: opts1,
            },
            RelayInfo {
                msg_type: MessageType6::RELAY_FORW,
                hop_count: 0,
                link_address: "2001:db8:2::1".parse().unwrap(),
                peer_address: "fe80::2".parse().unwrap(),
                options: opts2,
            },
        ];
        let bytes = relayed.to_bytes().unwrap();
        // Hand-check the outer level: header, interface-id, remote-id, relay-msg last.
        assert_eq!(bytes[0], 12);
        let inner2_len = 34 + 12 + 4 + PERFDHCP_SOLICIT.len();
        let mut expect = vec![12, 1];
        expect.extend_from_slice(&"2001:db8:1::1".parse::<Ipv6Addr>().unwrap().octets());
        expect.extend_from_slice(&"fe80::1".parse::<Ipv6Addr>().unwrap().octets());
        expect.extend(opt(18, b"eth0"));
        expect.extend(opt(37, &[0, 0, 0, 9, 0xaa, 0xbb]));
        expect.extend_from_slice(&[0, 9]);
        expect.extend_from_slice(&(inner2_len as u16).to_be_bytes());
        assert_eq!(&bytes[..expect.len()], &expect[..]);
        assert_eq!(
            &bytes[bytes.len() - PERFDHCP_SOLICIT.len()..],
            PERFDHCP_SOLICIT
        );
        let back = Pkt6::decode(&bytes).unwrap();
        assert_eq!(back, relayed);
        assert_eq!(back.relays[0].remote_id(), Some((9, &[0xaa, 0xbb][..])));
        assert_eq!(back.relays[1].interface_id(), Some(&b"ge-0/0/1"[..]));

        let reply = back.new_reply(MessageType6::ADVERTISE);
        assert_eq!(reply.relays.len(), 2);
        assert_eq!(reply.relays[0].msg_type, MessageType6::RELAY_REPL);
        assert_eq!(
            reply.relays[0].options.len(),
            1,
            "only interface-id is echoed"
        );
    }

    #[test]
    fn encode_sorts_by_code() {
        let mut p = Pkt6::new(MessageType6::REPLY, 0xabcdef);
        p.options.push(code::IA_NA, &[0; 12]);
        p.options
            .push(code::SERVERID, &[0, 3, 0, 1, 1, 2, 3, 4, 5, 6]);
        p.options
            .push(code::CLIENTID, &[0, 3, 0, 1, 6, 5, 4, 3, 2, 1]);
        let b = p.to_bytes().unwrap();
        assert_eq!(&b[..4], &[7, 0xab, 0xcd, 0xef]);
        assert_eq!((b[4], b[5]), (0, 1));
        assert_eq!((b[18], b[19]), (0, 2));
        assert_eq!((b[32], b[33]), (0, 3));
    }

    #[test]
    fn ia_structures_round_trip() {
        let mut addr_opts = Options6::new();
        let mut sc = Vec::new();
        StatusCode {
            code: status::NO_ADDRS_AVAIL,
            message: "none".into(),
        }
        .encode(&mut sc);
        addr_opts.push(code::STATUS_CODE, &sc);
        let addr = IaAddr {
            addr: "2001:db8::10".parse().unwrap(),
            preferred: 100,
            valid: 200,
            options: addr_opts,
        };
        let mut addr_bytes = Vec::new();
        addr.encode(&mut addr_bytes).unwrap();
        let mut ia_opts = Options6::new();
        ia_opts.push(code::IAADDR, &addr_bytes);
        let ia = Ia {
            iaid: 5,
            t1: 50,
            t2: 80,
            options: ia_opts,
        };
        let mut ia_bytes = Vec::new();
        ia.encode(&mut ia_bytes).unwrap();
        let back = Ia::decode(code::IA_NA, &ia_bytes).unwrap();
        assert_eq!(back, ia);
        let a = back.addresses().next().unwrap().unwrap();
        assert_eq!(a, addr);
        let s = StatusCode::decode(a.options.get(code::STATUS_CODE).unwrap()).unwrap();
        assert_eq!((s.code, s.message.as_str()), (2, "none"));
        assert!(Ia::decode(code::IA_NA, &ia_bytes[..11]).is_err());
        assert!(IaAddr::decode(&addr_bytes[..23]).is_err());
    }

    #[test]
    fn pd_exclude_round_trip() {
        let prefix: Ipv6Addr = "2001:db8:1::".parse().unwrap();
        let excluded: Ipv6Addr = "2001:db8:1:ff00::".parse().unwrap();
        let mut v = Vec::new();
        encode_pd_exclude(prefix, 48, excluded, 56, &mut v).unwrap();
        // 8 bits of subnet ID: 0xff.
        assert_eq!(v, vec![56, 0xff]);
        assert_eq!(decode_pd_exclude(&v, prefix, 48).unwrap(), (excluded, 56));
        let mut v = Vec::new();
        encode_pd_exclude(prefix, 48, "2001:db8:1:a000::".parse().unwrap(), 52, &mut v).unwrap();
        assert_eq!(v, vec![52, 0xa0]);
        assert_eq!(
            decode_pd_exclude(&v, prefix, 48).unwrap().0,
            "2001:db8:1:a000::".parse::<Ipv6Addr>().unwrap()
        );
        assert!(
            encode_pd_exclude(prefix, 48, "2001:db8:2::".parse().unwrap(), 64, &mut v).is_err()
        );
        assert!(decode_pd_exclude(&[48], prefix, 48).is_err());
        assert!(decode_pd_exclude(&[64, 1], prefix, 48).is_err());

        let mut sub = Options6::new();
        let mut ex = Vec::new();
        encode_pd_exclude(prefix, 48, excluded, 56, &mut ex).unwrap();
        sub.push(code::PD_EXCLUDE, &ex);
        let pfx = IaPrefix {
            preferred: 1,
            valid: 2,
            prefix_len: 48,
            prefix,
            options: sub,
        };
        let mut b = Vec::new();
        pfx.encode(&mut b).unwrap();
        let back = IaPrefix::decode(&b).unwrap();
        assert_eq!(back.pd_exclude().unwrap().unwrap(), (excluded, 56));
    }

    #[test]
    fn duids_and_vendor_options() {
        for d in [
            Duid::Llt {
                htype: 1,
                time: 7,
                lladdr: vec![1, 2, 3, 4, 5, 6],
            },
            Duid::En {
                enterprise: 2495,
                id: vec![9, 9],
            },
            Duid::Ll {
                htype: 1,
                lladdr: vec![1, 2, 3, 4, 5, 6],
            },
            Duid::Uuid([7; 16]),
            Duid::Other {
                duid_type: 9,
                data: vec![1],
            },
        ] {
            let mut b = Vec::new();
            d.encode(&mut b);
            assert_eq!(Duid::decode(&b).unwrap(), d);
        }
        assert!(Duid::decode(&[0, 4, 1, 2]).is_err());
        assert!(Duid::decode(&[0, 1]).is_err());

        let vc = VendorClass {
            enterprise: 4491,
            data: vec![b"docsis3.0".to_vec(), vec![]],
        };
        let mut b = Vec::new();
        vc.encode(&mut b).unwrap();
        assert_eq!(VendorClass::decode(&b).unwrap(), vc);
        assert!(VendorClass::decode(&b[..b.len() - 3]).is_err());

        let mut o = Options6::new();
        o.push(32, &[1, 2]);
        let vo = VendorOpts {
            enterprise: 4491,
            options: o,
        };
        let mut b = Vec::new();
        vo.encode(&mut b).unwrap();
        assert_eq!(VendorOpts::decode(&b).unwrap(), vo);

        let f = ClientFqdn6 {
            flags: 1,
            name: "host.example.org".into(),
            fully_qualified: true,
        };
        let mut b = Vec::new();
        f.encode(&mut b).unwrap();
        assert_eq!(ClientFqdn6::decode(&b).unwrap(), f);
    }

    #[test]
    fn every_decode_error_kind() {
        assert_eq!(
            Pkt6::decode(&[]),
            Err(DecodeError::Truncated { needed: 4, got: 0 })
        );
        assert_eq!(
            Pkt6::decode(&[1, 0]),
            Err(DecodeError::Truncated { needed: 4, got: 2 })
        );
        assert_eq!(
            Pkt6::decode(&[12; 20]),
            Err(DecodeError::Truncated {
                needed: 34,
                got: 20
            })
        );
        assert_eq!(
            Pkt6::decode(&vec![1; 70000]),
            Err(DecodeError::Oversize(70000))
        );
        let mut b = vec![1, 0, 0, 1];
        b.extend_from_slice(&[0, 1, 0, 9, 1]);
        assert_eq!(
            Pkt6::decode(&b),
            Err(DecodeError::BadOptionLength {
                code: 1,
                offset: 4,
                len: 9
            })
        );
        assert_eq!(
            Pkt6::decode(&[1, 0, 0, 1, 0, 8, 0]),
            Err(DecodeError::BadOptionLength {
                code: 8,
                offset: 4,
                len: 0
            })
        );
        let mut relay = vec![12u8, 0];
        relay.extend_from_slice(&[0; 32]);
        relay.extend(opt(18, b"x"));
        assert_eq!(
            Pkt6::decode(&relay),
            Err(DecodeError::MissingRelayMessage(0))
        );
        // Two relay-message options in one relay (found by fuzzing).
        let mut two = vec![12u8, 0];
        two.extend_from_slice(&[0; 32]);
        two.extend(opt(9, &[1, 0, 0, 1]));
        two.extend(opt(9, &[]));
        assert!(matches!(
            Pkt6::decode(&two),
            Err(DecodeError::BadOptionValue { code: 9, .. })
        ));
        let mut cut = vec![12u8, 0];
        cut.extend_from_slice(&[0; 32]);
        cut.extend_from_slice(&[0, 18, 0]);
        assert_eq!(
            Pkt6::decode(&cut),
            Err(DecodeError::BadOptionLength {
                code: 18,
                offset: 34,
                len: 0
            })
        );
        // 33 nested relays.
        let mut deep = vec![1u8, 0, 0, 1];
        for _ in 0..=HOP_COUNT_LIMIT {
            let mut r = vec![12u8, 0];
            r.extend_from_slice(&[0; 32]);
            r.extend(opt(9, &deep));
            deep = r;
        }
        assert_eq!(
            Pkt6::decode(&deep),
            Err(DecodeError::RelayTooDeep(HOP_COUNT_LIMIT))
        );
        // Error offsets point into the whole packet, also inside relays.
        let mut inner_bad = vec![1u8, 0, 0, 1, 0, 1, 0, 5];
        inner_bad.push(0);
        let mut r = vec![12u8, 0];
        r.extend_from_slice(&[0; 32]);
        r.extend(opt(9, &inner_bad));
        assert_eq!(
            Pkt6::decode(&r),
            Err(DecodeError::BadOptionLength {
                code: 1,
                offset: 38 + 4,
                len: 5
            })
        );
    }

    #[test]
    fn relay_message_in_relay_options_is_an_encode_error() {
        let mut p = Pkt6::new(MessageType6::REPLY, 1);
        let mut o = Options6::new();
        o.push(code::RELAY_MSG, &[]);
        p.relays.push(RelayInfo {
            msg_type: MessageType6::RELAY_REPL,
            hop_count: 0,
            link_address: Ipv6Addr::UNSPECIFIED,
            peer_address: Ipv6Addr::UNSPECIFIED,
            options: o,
        });
        assert_eq!(p.to_bytes(), Err(EncodeError::RelayMessageInRelayOptions));
    }

    #[test]
    fn oversize_option_is_an_encode_error() {
        let mut p = Pkt6::new(MessageType6::REPLY, 1);
        p.options.push(code::VENDOR_OPTS, &vec![0; 70000]);
        let mut out = vec![1, 2];
        assert_eq!(
            p.encode(&mut out),
            Err(EncodeError::OptionTooLong {
                code: 17,
                len: 70000
            })
        );
        assert_eq!(out, vec![1, 2], "output restored on error");
    }
}
