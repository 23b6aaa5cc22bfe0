//! DHCPv4 packets (RFC 2131/2132): [`Pkt4`] decode/encode and typed helpers.

use std::net::Ipv4Addr;

use crate::error::{DecodeError, EncodeError};
use crate::name::{decode_name, encode_name};
use crate::options::Options4;

/// DHCPv4 option codes a server uses directly (RFC 2132 and later).
pub mod code {
    /// Pad (never stored).
    pub const PAD: u8 = 0;
    /// Subnet mask.
    pub const SUBNET_MASK: u8 = 1;
    /// Routers.
    pub const ROUTERS: u8 = 3;
    /// Domain name servers.
    pub const DOMAIN_NAME_SERVERS: u8 = 6;
    /// Host name.
    pub const HOST_NAME: u8 = 12;
    /// Domain name.
    pub const DOMAIN_NAME: u8 = 15;
    /// Vendor-specific information.
    pub const VENDOR_ENCAPSULATED_OPTIONS: u8 = 43;
    /// Requested IP address.
    pub const REQUESTED_ADDRESS: u8 = 50;
    /// IP address lease time.
    pub const LEASE_TIME: u8 = 51;
    /// Option overload.
    pub const OPTION_OVERLOAD: u8 = 52;
    /// DHCP message type.
    pub const MESSAGE_TYPE: u8 = 53;
    /// Server identifier.
    pub const SERVER_ID: u8 = 54;
    /// Parameter request list.
    pub const PARAMETER_REQUEST_LIST: u8 = 55;
    /// Message (error text).
    pub const MESSAGE: u8 = 56;
    /// Maximum DHCP message size.
    pub const MAX_MESSAGE_SIZE: u8 = 57;
    /// Renewal (T1) time.
    pub const RENEWAL_TIME: u8 = 58;
    /// Rebinding (T2) time.
    pub const REBINDING_TIME: u8 = 59;
    /// Vendor class identifier.
    pub const VENDOR_CLASS_ID: u8 = 60;
    /// Client identifier.
    pub const CLIENT_ID: u8 = 61;
    /// TFTP server name.
    pub const TFTP_SERVER_NAME: u8 = 66;
    /// Boot file name.
    pub const BOOT_FILE_NAME: u8 = 67;
    /// Client FQDN (RFC 4702).
    pub const CLIENT_FQDN: u8 = 81;
    /// Relay agent information (RFC 3046).
    pub const RELAY_AGENT_INFO: u8 = 82;
    /// Subnet selection (RFC 3011).
    pub const SUBNET_SELECTION: u8 = 118;
    /// Vendor-identifying vendor class (RFC 3925).
    pub const VIVCO: u8 = 124;
    /// Vendor-identifying vendor-specific information (RFC 3925).
    pub const VIVSO: u8 = 125;
    /// End (never stored).
    pub const END: u8 = 255;
}

/// Relay agent information (option 82) sub-option codes (RFC 3046 and later).
pub mod rai {
    /// Agent circuit ID.
    pub const CIRCUIT_ID: u8 = 1;
    /// Agent remote ID.
    pub const REMOTE_ID: u8 = 2;
    /// DOCSIS device class (RFC 3256).
    pub const DOCSIS_DEVICE_CLASS: u8 = 4;
    /// Link selection (RFC 3527).
    pub const LINK_SELECTION: u8 = 5;
    /// Subscriber ID (RFC 3993).
    pub const SUBSCRIBER_ID: u8 = 6;
    /// RADIUS attributes (RFC 4014).
    pub const RADIUS: u8 = 7;
    /// Authentication (RFC 4030).
    pub const AUTH: u8 = 8;
    /// Vendor-specific information (RFC 4243).
    pub const VENDOR: u8 = 9;
    /// Relay agent flags (RFC 5010).
    pub const RELAY_FLAGS: u8 = 10;
    /// Server identifier override (RFC 5107).
    pub const SERVER_ID_OVERRIDE: u8 = 11;
    /// Relay agent identifier (RFC 6925).
    pub const RELAY_ID: u8 = 12;
    /// Access technology type (RFC 7839).
    pub const ACCESS_TECHNO_TYPE: u8 = 13;
    /// Access network name (RFC 7839).
    pub const ACCESS_NETWORK_NAME: u8 = 14;
    /// Access point name (RFC 7839).
    pub const ACCESS_POINT_NAME: u8 = 15;
    /// Access point BSSID (RFC 7839).
    pub const ACCESS_POINT_BSSID: u8 = 16;
    /// Operator ID (RFC 7839).
    pub const OPERATOR_ID: u8 = 17;
    /// Operator realm (RFC 7839).
    pub const OPERATOR_REALM: u8 = 18;
    /// Relay port (RFC 8357).
    pub const RELAY_PORT: u8 = 19;
    /// Virtual subnet selection (RFC 6607).
    pub const VIRTUAL_SUBNET_SELECT: u8 = 151;
    /// Virtual subnet selection control (RFC 6607).
    pub const VIRTUAL_SUBNET_SELECT_CTRL: u8 = 152;
}

/// `op` value of a client request.
pub const BOOTREQUEST: u8 = 1;
/// `op` value of a server reply.
pub const BOOTREPLY: u8 = 2;
/// The DHCP magic cookie 99.130.83.99.
pub const MAGIC_COOKIE: [u8; 4] = [99, 130, 83, 99];
/// Length of the fixed BOOTP header (without the cookie).
pub const HEADER_LEN: usize = 236;
/// Encoded packets are padded to at least this length (RFC 1542 BOOTP minimum).
pub const BOOTP_MIN_LEN: usize = 300;
/// Largest packet accepted by [`Pkt4::decode`] (largest UDP payload over IPv4).
pub const MAX_PKT4_LEN: usize = 65507;
/// `flags` bit asking for a broadcast reply.
pub const FLAG_BROADCAST: u16 = 0x8000;

/// The DHCPv4 message type (option 53), including the leasequery types Kea knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MessageType4 {
    /// DHCPDISCOVER (1)
    Discover,
    /// DHCPOFFER (2)
    Offer,
    /// DHCPREQUEST (3)
    Request,
    /// DHCPDECLINE (4)
    Decline,
    /// DHCPACK (5)
    Ack,
    /// DHCPNAK (6)
    Nak,
    /// DHCPRELEASE (7)
    Release,
    /// DHCPINFORM (8)
    Inform,
    /// DHCPLEASEQUERY (10)
    LeaseQuery,
    /// DHCPLEASEUNASSIGNED (11)
    LeaseUnassigned,
    /// DHCPLEASEUNKNOWN (12)
    LeaseUnknown,
    /// DHCPLEASEACTIVE (13)
    LeaseActive,
    /// DHCPBULKLEASEQUERY (14)
    BulkLeaseQuery,
    /// DHCPLEASEQUERYDONE (15)
    LeaseQueryDone,
    /// DHCPLEASEQUERYSTATUS (17)
    LeaseQueryStatus,
    /// DHCPTLS (18)
    Tls,
    /// Any other value.
    Other(u8),
}

impl MessageType4 {
    /// The wire value.
    pub fn to_u8(self) -> u8 {
        use MessageType4::*;
        match self {
            Discover => 1,
            Offer => 2,
            Request => 3,
            Decline => 4,
            Ack => 5,
            Nak => 6,
            Release => 7,
            Inform => 8,
            LeaseQuery => 10,
            LeaseUnassigned => 11,
            LeaseUnknown => 12,
            LeaseActive => 13,
            BulkLeaseQuery => 14,
            LeaseQueryDone => 15,
            LeaseQueryStatus => 17,
            Tls => 18,
            Other(v) => v,
        }
    }

    /// From the wire value (never fails; unknown values become `Other`).
    pub fn from_u8(v: u8) -> Self {
        use MessageType4::*;
        match v {
            1 => Discover,
            2 => Offer,
            3 => Request,
            4 => Decline,
            5 => Ack,
            6 => Nak,
            7 => Release,
            8 => Inform,
            10 => LeaseQuery,
            11 => LeaseUnassigned,
            12 => LeaseUnknown,
            13 => LeaseActive,
            14 => BulkLeaseQuery,
            15 => LeaseQueryDone,
            17 => LeaseQueryStatus,
            18 => Tls,
            v => Other(v),
        }
    }

    /// Kea's name for the type, as used in logs ("DHCPDISCOVER", ...).
    pub fn kea_name(self) -> &'static str {
        use MessageType4::*;
        match self {
            Discover => "DHCPDISCOVER",
            Offer => "DHCPOFFER",
            Request => "DHCPREQUEST",
            Decline => "DHCPDECLINE",
            Ack => "DHCPACK",
            Nak => "DHCPNAK",
            Release => "DHCPRELEASE",
            Inform => "DHCPINFORM",
            LeaseQuery => "DHCPLEASEQUERY",
            LeaseUnassigned => "DHCPLEASEUNASSIGNED",
            LeaseUnknown => "DHCPLEASEUNKNOWN",
            LeaseActive => "DHCPLEASEACTIVE",
            BulkLeaseQuery => "DHCPBULKLEASEQUERY",
            LeaseQueryDone => "DHCPLEASEQUERYDONE",
            LeaseQueryStatus => "DHCPLEASEQUERYSTATUS",
            Tls => "DHCPTLS",
            Other(_) => "UNKNOWN",
        }
    }
}

/// A DHCPv4 (or BOOTP) packet.
///
/// Header fields are public. Options are raw `(code, bytes)` in received order, with
/// repeated codes concatenated on decode (RFC 3396) and option overload (52) already
/// folded in: after decode, `sname`/`file` hold names only, and option 52 is not in
/// `options` (the encoder never overloads).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pkt4 {
    /// 1 = BOOTREQUEST, 2 = BOOTREPLY.
    pub op: u8,
    /// Hardware address type (1 = Ethernet).
    pub htype: u8,
    /// Hardware address length (at most 16).
    pub hlen: u8,
    /// Relay hop count.
    pub hops: u8,
    /// Transaction ID.
    pub xid: u32,
    /// Seconds since the client began acquisition.
    pub secs: u16,
    /// Flags (bit 15 = broadcast).
    pub flags: u16,
    /// Client IP address.
    pub ciaddr: Ipv4Addr,
    /// "Your" (assigned) IP address.
    pub yiaddr: Ipv4Addr,
    /// Next server IP address.
    pub siaddr: Ipv4Addr,
    /// Relay agent IP address.
    pub giaddr: Ipv4Addr,
    /// Client hardware address field; the address is `chaddr[..hlen]` (see [`Pkt4::hwaddr`]).
    pub chaddr: [u8; 16],
    /// Server host name field (NUL padded).
    pub sname: [u8; 64],
    /// Boot file name field (NUL padded).
    pub file: [u8; 128],
    /// Options in received/insertion order.
    pub options: Options4,
}

impl Default for Pkt4 {
    fn default() -> Self {
        Pkt4 {
            op: BOOTREQUEST,
            htype: 1,
            hlen: 6,
            hops: 0,
            xid: 0,
            secs: 0,
            flags: 0,
            ciaddr: Ipv4Addr::UNSPECIFIED,
            yiaddr: Ipv4Addr::UNSPECIFIED,
            siaddr: Ipv4Addr::UNSPECIFIED,
            giaddr: Ipv4Addr::UNSPECIFIED,
            chaddr: [0; 16],
            sname: [0; 64],
            file: [0; 128],
            options: Options4::new(),
        }
    }
}

fn ip_at(buf: &[u8], at: usize) -> Ipv4Addr {
    Ipv4Addr::new(buf[at], buf[at + 1], buf[at + 2], buf[at + 3])
}

/// Parses an options area, concatenating repeated codes (RFC 3396). `base` is the
/// offset of `buf` in the packet, used for error reports.
fn parse_options4(buf: &[u8], base: usize, out: &mut Options4) -> Result<(), DecodeError> {
    let mut i = 0;
    while i < buf.len() {
        let code = buf[i];
        match code {
            code::PAD => {
                i += 1;
                continue;
            }
            code::END => break,
            _ => {}
        }
        let Some(&len) = buf.get(i + 1) else {
            return Err(DecodeError::BadOptionLength {
                code: code.into(),
                offset: base + i,
                len: 0,
            });
        };
        let end = i + 2 + len as usize;
        let Some(value) = buf.get(i + 2..end) else {
            return Err(DecodeError::BadOptionLength {
                code: code.into(),
                offset: base + i,
                len: len.into(),
            });
        };
        out.extend(code, value);
        i = end;
    }
    Ok(())
}

/// Kea's option order: 53 first, then ascending code, then 82; ties keep list order.
fn kea_rank(code: u8) -> u8 {
    match code {
        code::MESSAGE_TYPE => 0,
        code::RELAY_AGENT_INFO => 2,
        _ => 1,
    }
}

/// Writes one option, split into 255-byte instances when longer (RFC 3396).
fn write_option4(out: &mut Vec<u8>, code: u8, value: &[u8]) {
    if value.is_empty() {
        out.extend_from_slice(&[code, 0]);
        return;
    }
    for chunk in value.chunks(255) {
        out.push(code);
        out.push(chunk.len() as u8);
        out.extend_from_slice(chunk);
    }
}

/// Writes options in Kea's order without allocating for up to 64 options.
pub(crate) fn write_options4_kea_order(out: &mut Vec<u8>, options: &Options4) {
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
    let key = |i: &u32| {
        let code = options.get_index(*i as usize).map_or(0, |(c, _)| c);
        (kea_rank(code), code, *i)
    };
    order.sort_unstable_by_key(key);
    for &i in order.iter() {
        if let Some((code, value)) = options.get_index(i as usize) {
            // PAD and END are framing, not options: they cannot carry a value.
            if code != code::PAD && code != code::END {
                write_option4(out, code, value);
            }
        }
    }
}

impl Pkt4 {
    /// A new packet with the given `op` and `xid`, Ethernet hardware type and no options.
    pub fn new(op: u8, xid: u32) -> Self {
        Pkt4 {
            op,
            xid,
            ..Pkt4::default()
        }
    }

    /// A BOOTREPLY skeleton for this request: copies `xid`, `htype`, `hlen`, `chaddr`,
    /// `flags` and `giaddr` (RFC 2131 table 3) and, as Kea does, `hops`; everything else
    /// is zero and there are no options. The caller sets the message type and the rest.
    pub fn new_reply(&self) -> Pkt4 {
        Pkt4 {
            op: BOOTREPLY,
            htype: self.htype,
            hlen: self.hlen,
            hops: self.hops,
            xid: self.xid,
            flags: self.flags,
            giaddr: self.giaddr,
            chaddr: self.chaddr,
            // Room for a typical reply, so building it does not reallocate.
            options: Options4::with_capacity(16, 256),
            ..Pkt4::default()
        }
    }

    /// Decodes a packet. BOOTP packets (no option 53) and 236-byte packets with no
    /// options area decode too. Never panics.
    pub fn decode(buf: &[u8]) -> Result<Pkt4, DecodeError> {
        if buf.len() > MAX_PKT4_LEN {
            return Err(DecodeError::Oversize(buf.len()));
        }
        if buf.len() < HEADER_LEN {
            return Err(DecodeError::Truncated {
                needed: HEADER_LEN,
                got: buf.len(),
            });
        }
        let op = buf[0];
        if op != BOOTREQUEST && op != BOOTREPLY {
            return Err(DecodeError::BadOp(op));
        }
        let (htype, hlen) = (buf[1], buf[2]);
        if hlen > 16 {
            return Err(DecodeError::BadHlen(hlen));
        }
        if htype == 0 && hlen != 0 {
            return Err(DecodeError::BadHtype(htype));
        }
        let mut pkt = Pkt4 {
            op,
            htype,
            hlen,
            hops: buf[3],
            xid: u32::from_be_bytes([buf[4], buf[5], buf[6], buf[7]]),
            secs: u16::from_be_bytes([buf[8], buf[9]]),
            flags: u16::from_be_bytes([buf[10], buf[11]]),
            ciaddr: ip_at(buf, 12),
            yiaddr: ip_at(buf, 16),
            siaddr: ip_at(buf, 20),
            giaddr: ip_at(buf, 24),
            chaddr: [0; 16],
            sname: [0; 64],
            file: [0; 128],
            options: Options4::new(),
        };
        pkt.chaddr.copy_from_slice(&buf[28..44]);
        pkt.sname.copy_from_slice(&buf[44..108]);
        pkt.file.copy_from_slice(&buf[108..236]);
        if buf.len() == HEADER_LEN {
            return Ok(pkt);
        }
        if buf.len() < HEADER_LEN + 4 {
            return Err(DecodeError::Truncated {
                needed: HEADER_LEN + 4,
                got: buf.len(),
            });
        }
        let cookie = [buf[236], buf[237], buf[238], buf[239]];
        if cookie != MAGIC_COOKIE {
            return Err(DecodeError::BadCookie(u32::from_be_bytes(cookie)));
        }
        let area = &buf[HEADER_LEN + 4..];
        pkt.options = Options4::with_capacity(12, area.len());
        parse_options4(area, HEADER_LEN + 4, &mut pkt.options)?;
        if let Some(overload) = pkt.options.get(code::OPTION_OVERLOAD) {
            let &[which] = overload else {
                return Err(DecodeError::BadOptionValue {
                    code: code::OPTION_OVERLOAD.into(),
                    reason: "option overload must be 1 byte",
                });
            };
            if !(1..=3).contains(&which) {
                return Err(DecodeError::BadOptionValue {
                    code: code::OPTION_OVERLOAD.into(),
                    reason: "option overload must be 1, 2 or 3",
                });
            }
            // RFC 2131 §4.1: options, then file, then sname.
            if which & 1 != 0 {
                parse_options4(&buf[108..236], 108, &mut pkt.options)?;
                pkt.file = [0; 128];
            }
            if which & 2 != 0 {
                parse_options4(&buf[44..108], 44, &mut pkt.options)?;
                pkt.sname = [0; 64];
            }
            // Overload is consumed here (also a stray copy inside file/sname, which is
            // not allowed there): the encoder never overloads.
            pkt.options.remove(code::OPTION_OVERLOAD);
        }
        Ok(pkt)
    }

    /// Appends the encoded packet to `out` (clear and reuse `out` between packets).
    /// Options go in Kea's order (53, ascending codes, 82, END); values longer than 255
    /// bytes are split (RFC 3396); the packet is zero-padded to 300 bytes.
    pub fn encode(&self, out: &mut Vec<u8>) {
        let start = out.len();
        out.reserve(BOOTP_MIN_LEN.max(HEADER_LEN + 8 + self.options.len() * 8));
        out.extend_from_slice(&[self.op, self.htype, self.hlen, self.hops]);
        out.extend_from_slice(&self.xid.to_be_bytes());
        out.extend_from_slice(&self.secs.to_be_bytes());
        out.extend_from_slice(&self.flags.to_be_bytes());
        for a in [self.ciaddr, self.yiaddr, self.siaddr, self.giaddr] {
            out.extend_from_slice(&a.octets());
        }
        out.extend_from_slice(&self.chaddr);
        out.extend_from_slice(&self.sname);
        out.extend_from_slice(&self.file);
        out.extend_from_slice(&MAGIC_COOKIE);
        write_options4_kea_order(out, &self.options);
        out.push(code::END);
        if out.len() - start < BOOTP_MIN_LEN {
            out.resize(start + BOOTP_MIN_LEN, 0);
        }
    }

    /// Encodes into a new vector (convenience; prefer [`Pkt4::encode`] on hot paths).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut v = Vec::with_capacity(BOOTP_MIN_LEN);
        self.encode(&mut v);
        v
    }

    /// The client hardware address, `chaddr[..hlen]`.
    pub fn hwaddr(&self) -> &[u8] {
        &self.chaddr[..usize::from(self.hlen.min(16))]
    }

    /// Sets `htype`, `hlen` and `chaddr`; addresses longer than 16 bytes are rejected.
    pub fn set_hwaddr(&mut self, htype: u8, addr: &[u8]) -> Result<(), EncodeError> {
        if addr.len() > 16 {
            return Err(EncodeError::FieldTooLong {
                field: "chaddr",
                max: 16,
                len: addr.len(),
            });
        }
        self.htype = htype;
        self.hlen = addr.len() as u8;
        self.chaddr = [0; 16];
        self.chaddr[..addr.len()].copy_from_slice(addr);
        Ok(())
    }

    /// Kea's packet label used in log messages, e.g.
    /// `[hwtype=1 00:0c:29:3a:5b:7c], cid=[01:00:0c:29:3a:5b:7c], tid=0x3903f326`.
    pub fn kea_label(&self) -> String {
        let mut s = format!("[hwtype={} ", self.htype);
        push_colon_hex(&mut s, self.hwaddr());
        s.push_str("], cid=[");
        match self.client_id() {
            Some(id) if !id.is_empty() => push_colon_hex(&mut s, id),
            _ => s.push_str("no info"),
        }
        s.push_str(&format!("], tid={:#x}", self.xid));
        s
    }

    /// True when the broadcast flag is set.
    pub fn is_broadcast(&self) -> bool {
        self.flags & FLAG_BROADCAST != 0
    }

    /// True when the packet was relayed (giaddr is set).
    pub fn is_relayed(&self) -> bool {
        !self.giaddr.is_unspecified()
    }

    /// `sname` up to its first NUL.
    pub fn sname_bytes(&self) -> &[u8] {
        until_nul(&self.sname)
    }

    /// `file` up to its first NUL.
    pub fn file_bytes(&self) -> &[u8] {
        until_nul(&self.file)
    }

    /// Message type (53); `None` when absent (BOOTP) or not exactly one byte.
    pub fn message_type(&self) -> Option<MessageType4> {
        match self.options.get(code::MESSAGE_TYPE)? {
            &[v] => Some(MessageType4::from_u8(v)),
            _ => None,
        }
    }

    /// Sets the message type (53).
    pub fn set_message_type(&mut self, t: MessageType4) {
        self.options.set(code::MESSAGE_TYPE, &[t.to_u8()]);
    }

    /// An IPv4 address option (e.g. 50, 54, 118); `None` when absent or not 4 bytes.
    pub fn ipv4_option(&self, code: u8) -> Option<Ipv4Addr> {
        let v: [u8; 4] = self.options.get(code)?.try_into().ok()?;
        Some(Ipv4Addr::from(v))
    }

    /// A 32-bit option (e.g. 51, 58, 59); `None` when absent or not 4 bytes.
    pub fn u32_option(&self, code: u8) -> Option<u32> {
        let v: [u8; 4] = self.options.get(code)?.try_into().ok()?;
        Some(u32::from_be_bytes(v))
    }

    /// A 16-bit option (e.g. 57); `None` when absent or not 2 bytes.
    pub fn u16_option(&self, code: u8) -> Option<u16> {
        let v: [u8; 2] = self.options.get(code)?.try_into().ok()?;
        Some(u16::from_be_bytes(v))
    }

    /// Requested IP address (50).
    pub fn requested_ip(&self) -> Option<Ipv4Addr> {
        self.ipv4_option(code::REQUESTED_ADDRESS)
    }

    /// Server identifier (54).
    pub fn server_id(&self) -> Option<Ipv4Addr> {
        self.ipv4_option(code::SERVER_ID)
    }

    /// Sets the server identifier (54).
    pub fn set_server_id(&mut self, addr: Ipv4Addr) {
        self.options.set(code::SERVER_ID, &addr.octets());
    }

    /// Subnet selection (118).
    pub fn subnet_selection(&self) -> Option<Ipv4Addr> {
        self.ipv4_option(code::SUBNET_SELECTION)
    }

    /// Client identifier (61) bytes, including the type byte.
    pub fn client_id(&self) -> Option<&[u8]> {
        self.options.get(code::CLIENT_ID)
    }

    /// Host name (12) bytes, with trailing NULs removed as Kea does for strings.
    pub fn hostname(&self) -> Option<&[u8]> {
        self.options.get(code::HOST_NAME).map(trim_trailing_nuls)
    }

    /// Parameter request list (55): the requested option codes.
    pub fn parameter_request_list(&self) -> Option<&[u8]> {
        self.options.get(code::PARAMETER_REQUEST_LIST)
    }

    /// Lease time in seconds (51).
    pub fn lease_time(&self) -> Option<u32> {
        self.u32_option(code::LEASE_TIME)
    }

    /// Sets the lease time (51).
    pub fn set_lease_time(&mut self, secs: u32) {
        self.options.set(code::LEASE_TIME, &secs.to_be_bytes());
    }

    /// Vendor class identifier (60) bytes.
    pub fn vendor_class(&self) -> Option<&[u8]> {
        self.options.get(code::VENDOR_CLASS_ID)
    }

    /// Maximum DHCP message size (57).
    pub fn max_message_size(&self) -> Option<u16> {
        self.u16_option(code::MAX_MESSAGE_SIZE)
    }

    /// Relay agent information (82); `Err` when its sub-options are malformed.
    pub fn relay_agent_info(&self) -> Option<Result<SubOptions<'_>, DecodeError>> {
        let v = self.options.get(code::RELAY_AGENT_INFO)?;
        Some(SubOptions::parse(code::RELAY_AGENT_INFO, v))
    }

    /// V-I vendor class (124): per-enterprise blocks; `Err` when malformed.
    pub fn vivco(&self) -> Option<Result<VendorBlocks<'_>, DecodeError>> {
        let v = self.options.get(code::VIVCO)?;
        Some(VendorBlocks::parse(code::VIVCO, v))
    }

    /// V-I vendor-specific information (125): per-enterprise blocks whose data are
    /// sub-options (see [`SubOptions::parse`]); `Err` when malformed.
    pub fn vivso(&self) -> Option<Result<VendorBlocks<'_>, DecodeError>> {
        let v = self.options.get(code::VIVSO)?;
        Some(VendorBlocks::parse(code::VIVSO, v))
    }

    /// Sets the `sname` field (server host name); longer than 63 bytes is an error
    /// (the field must keep a terminating NUL).
    pub fn set_sname(&mut self, name: &[u8]) -> Result<(), EncodeError> {
        set_field(&mut self.sname, name, "sname")
    }

    /// Sets the `file` field (boot file name); longer than 127 bytes is an error.
    pub fn set_file(&mut self, name: &[u8]) -> Result<(), EncodeError> {
        set_field(&mut self.file, name, "file")
    }

    /// Client FQDN (81); `Err` when malformed.
    pub fn client_fqdn(&self) -> Option<Result<ClientFqdn, DecodeError>> {
        self.options.get(code::CLIENT_FQDN).map(ClientFqdn::decode)
    }
}

fn set_field(field: &mut [u8], value: &[u8], name: &'static str) -> Result<(), EncodeError> {
    // Keep room for the terminating NUL.
    if value.len() >= field.len() {
        return Err(EncodeError::FieldTooLong {
            field: name,
            max: field.len() - 1,
            len: value.len(),
        });
    }
    field.fill(0);
    field[..value.len()].copy_from_slice(value);
    Ok(())
}

/// Appends bytes as lowercase hex octets separated by colons ("00:0c:29").
pub(crate) fn push_colon_hex(s: &mut String, bytes: &[u8]) {
    use std::fmt::Write as _;
    for (i, b) in bytes.iter().enumerate() {
        if i > 0 {
            s.push(':');
        }
        let _ = write!(s, "{b:02x}");
    }
}

fn until_nul(b: &[u8]) -> &[u8] {
    let end = b.iter().position(|&c| c == 0).unwrap_or(b.len());
    &b[..end]
}

fn trim_trailing_nuls(b: &[u8]) -> &[u8] {
    let end = b.iter().rposition(|&c| c != 0).map_or(0, |p| p + 1);
    &b[..end]
}

/// Validated DHCPv4 sub-options (`code, len, value` triplets), e.g. option 82's content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SubOptions<'a> {
    buf: &'a [u8],
}

impl<'a> SubOptions<'a> {
    /// Validates `buf` as sub-options of option `parent` (used in error reports).
    pub fn parse(parent: u8, buf: &'a [u8]) -> Result<Self, DecodeError> {
        let mut i = 0;
        while i < buf.len() {
            let len = *buf.get(i + 1).ok_or(DecodeError::BadOptionValue {
                code: parent.into(),
                reason: "sub-option length missing",
            })?;
            i += 2 + len as usize;
            if i > buf.len() {
                return Err(DecodeError::BadOptionValue {
                    code: parent.into(),
                    reason: "sub-option runs past the end of its option",
                });
            }
        }
        Ok(SubOptions { buf })
    }

    /// The sub-options in order.
    pub fn iter(&self) -> impl Iterator<Item = (u8, &'a [u8])> + 'a {
        let buf = self.buf;
        let mut i = 0;
        std::iter::from_fn(move || {
            let code = *buf.get(i)?;
            let len = *buf.get(i + 1)? as usize;
            let value = buf.get(i + 2..i + 2 + len)?;
            i += 2 + len;
            Some((code, value))
        })
    }

    /// The first sub-option with `code`.
    pub fn get(&self, code: u8) -> Option<&'a [u8]> {
        self.iter().find(|(c, _)| *c == code).map(|(_, v)| v)
    }

    /// Agent circuit ID (82.1).
    pub fn circuit_id(&self) -> Option<&'a [u8]> {
        self.get(rai::CIRCUIT_ID)
    }

    /// Agent remote ID (82.2).
    pub fn remote_id(&self) -> Option<&'a [u8]> {
        self.get(rai::REMOTE_ID)
    }

    /// Link selection (82.5).
    pub fn link_selection(&self) -> Option<Ipv4Addr> {
        let v: [u8; 4] = self.get(rai::LINK_SELECTION)?.try_into().ok()?;
        Some(Ipv4Addr::from(v))
    }

    /// Subscriber ID (82.6).
    pub fn subscriber_id(&self) -> Option<&'a [u8]> {
        self.get(rai::SUBSCRIBER_ID)
    }

    /// Server identifier override (82.11).
    pub fn server_id_override(&self) -> Option<Ipv4Addr> {
        let v: [u8; 4] = self.get(rai::SERVER_ID_OVERRIDE)?.try_into().ok()?;
        Some(Ipv4Addr::from(v))
    }

    /// Relay agent identifier (82.12).
    pub fn relay_id(&self) -> Option<&'a [u8]> {
        self.get(rai::RELAY_ID)
    }

    /// Relay source port (82.19, RFC 8357); the option is empty on the wire, so this
    /// only reports presence.
    pub fn has_relay_port(&self) -> bool {
        self.get(rai::RELAY_PORT).is_some()
    }
}

/// Validated per-enterprise blocks of options 124/125 (RFC 3925): each block is an
/// enterprise number, a one-byte length and that many bytes of data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VendorBlocks<'a> {
    buf: &'a [u8],
}

impl<'a> VendorBlocks<'a> {
    /// Validates `buf` as the value of option `parent` (124 or 125).
    pub fn parse(parent: u8, buf: &'a [u8]) -> Result<Self, DecodeError> {
        let mut i = 0;
        while i < buf.len() {
            let len = *buf.get(i + 4).ok_or(DecodeError::BadOptionValue {
                code: parent.into(),
                reason: "vendor block header truncated",
            })?;
            i += 5 + len as usize;
            if i > buf.len() {
                return Err(DecodeError::BadOptionValue {
                    code: parent.into(),
                    reason: "vendor block runs past the end of its option",
                });
            }
        }
        Ok(VendorBlocks { buf })
    }

    /// `(enterprise number, data)` for each block, in order.
    pub fn iter(&self) -> impl Iterator<Item = (u32, &'a [u8])> + 'a {
        let buf = self.buf;
        let mut i = 0;
        std::iter::from_fn(move || {
            let h = buf.get(i..i + 5)?;
            let len = h[4] as usize;
            let data = buf.get(i + 5..i + 5 + len)?;
            i += 5 + len;
            Some((u32::from_be_bytes([h[0], h[1], h[2], h[3]]), data))
        })
    }

    /// The data of the first block for `enterprise`.
    pub fn get(&self, enterprise: u32) -> Option<&'a [u8]> {
        self.iter().find(|(e, _)| *e == enterprise).map(|(_, d)| d)
    }
}

/// Builds sub-option bytes (e.g. for option 82) from `(code, value)` pairs.
/// Values longer than 255 bytes are rejected rather than truncated.
pub fn encode_sub_options<'v>(
    subs: impl IntoIterator<Item = (u8, &'v [u8])>,
    out: &mut Vec<u8>,
) -> Result<(), DecodeError> {
    for (code, value) in subs {
        let len = u8::try_from(value.len()).map_err(|_| DecodeError::BadOptionValue {
            code: code.into(),
            reason: "sub-option longer than 255 bytes",
        })?;
        out.push(code);
        out.push(len);
        out.extend_from_slice(value);
    }
    Ok(())
}

/// Client FQDN option 81 (RFC 4702).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientFqdn {
    /// Flags: S = 0x01, O = 0x02, E = 0x04 (canonical wire encoding), N = 0x08.
    pub flags: u8,
    /// RCODE1 (deprecated, normally 0 or 255).
    pub rcode1: u8,
    /// RCODE2 (deprecated, normally 0 or 255).
    pub rcode2: u8,
    /// Domain name in dotted text form, without a final dot; empty when absent.
    pub name: String,
    /// True when the name is fully qualified, false when partial (or empty).
    pub fully_qualified: bool,
}

impl ClientFqdn {
    /// S flag: server should do the forward (A) update.
    pub const FLAG_S: u8 = 0x01;
    /// O flag: server overrode the client's S choice.
    pub const FLAG_O: u8 = 0x02;
    /// E flag: name uses canonical wire encoding.
    pub const FLAG_E: u8 = 0x04;
    /// N flag: server should do no DNS updates.
    pub const FLAG_N: u8 = 0x08;

    /// Decodes the option value. With the E flag the name is in wire format; without it
    /// it is deprecated ASCII, where a final dot marks a fully qualified name.
    pub fn decode(v: &[u8]) -> Result<Self, DecodeError> {
        let bad = |reason| DecodeError::BadOptionValue {
            code: code::CLIENT_FQDN.into(),
            reason,
        };
        let &[flags, rcode1, rcode2, ref rest @ ..] = v else {
            return Err(bad("client FQDN shorter than 3 bytes"));
        };
        if flags & 0xf0 != 0 {
            return Err(bad("client FQDN has reserved flag bits set"));
        }
        if flags & Self::FLAG_E != 0 {
            if rest.is_empty() {
                return Ok(ClientFqdn {
                    flags,
                    rcode1,
                    rcode2,
                    name: String::new(),
                    fully_qualified: false,
                });
            }
            let n =
                decode_name(rest).map_err(|_| bad("client FQDN name is not valid wire format"))?;
            if n.consumed != rest.len() {
                return Err(bad("client FQDN has bytes after the name"));
            }
            return Ok(ClientFqdn {
                flags,
                rcode1,
                rcode2,
                name: n.text,
                fully_qualified: n.fully_qualified,
            });
        }
        let text = std::str::from_utf8(trim_trailing_nuls(rest))
            .map_err(|_| bad("client FQDN ASCII name is not valid text"))?;
        let (name, fully_qualified) = match text.strip_suffix('.') {
            Some(n) => (n.to_owned(), true),
            None => (text.to_owned(), false),
        };
        Ok(ClientFqdn {
            flags,
            rcode1,
            rcode2,
            name,
            fully_qualified,
        })
    }

    /// Encodes the option value (wire format when the E flag is set, ASCII otherwise).
    pub fn encode(&self, out: &mut Vec<u8>) -> Result<(), crate::name::NameError> {
        out.extend_from_slice(&[self.flags, self.rcode1, self.rcode2]);
        if self.flags & Self::FLAG_E != 0 {
            if !self.name.is_empty() {
                encode_name(&self.name, self.fully_qualified, out)?;
            }
        } else {
            out.extend_from_slice(self.name.as_bytes());
            if self.fully_qualified && !self.name.is_empty() {
                out.push(b'.');
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A DHCPDISCOVER as perfdhcp 2.2 sends it (relayed: giaddr 127.0.0.1, hops 1).
    const PERFDHCP_DISCOVER: &[u8] = include_bytes!("../tests/fixtures/perfdhcp_discover.bin");

    fn header(op: u8) -> Vec<u8> {
        let mut b = vec![0u8; HEADER_LEN];
        b[0] = op;
        b[1] = 1;
        b[2] = 6;
        b[4..8].copy_from_slice(&0x1234_5678u32.to_be_bytes());
        b[28..34].copy_from_slice(&[0, 0x0c, 1, 2, 3, 4]);
        b
    }

    fn with_options(options: &[u8]) -> Vec<u8> {
        let mut b = header(BOOTREQUEST);
        b.extend_from_slice(&MAGIC_COOKIE);
        b.extend_from_slice(options);
        b
    }

    #[test]
    fn decodes_perfdhcp_discover() {
        let p = Pkt4::decode(PERFDHCP_DISCOVER).unwrap();
        assert_eq!((p.op, p.htype, p.hlen, p.hops), (1, 1, 6, 1));
        assert_eq!(p.giaddr, Ipv4Addr::new(127, 0, 0, 1));
        assert_eq!(p.hwaddr(), &[0, 0x0c, 1, 2, 3, 4]);
        assert_eq!(p.message_type(), Some(MessageType4::Discover));
        assert_eq!(
            p.parameter_request_list(),
            Some(&[1, 28, 2, 3, 15, 6, 12][..])
        );
        assert_eq!(p.client_id(), Some(&[1, 0, 0x0c, 1, 2, 3, 4][..]));
        assert!(p.is_relayed());
        // Re-encoding keeps every byte and pads to the BOOTP minimum.
        let out = p.to_bytes();
        assert_eq!(out.len(), BOOTP_MIN_LEN);
        assert_eq!(&out[..PERFDHCP_DISCOVER.len()], PERFDHCP_DISCOVER);
        assert!(out[PERFDHCP_DISCOVER.len()..].iter().all(|&b| b == 0));
        assert_eq!(Pkt4::decode(&out).unwrap(), p);
    }

    #[test]
    fn encodes_in_kea_order() {
        let mut p = Pkt4::new(BOOTREPLY, 7);
        p.options.push(code::RELAY_AGENT_INFO, &[1, 1, 9]);
        p.options.push(code::LEASE_TIME, &3600u32.to_be_bytes());
        p.options.push(code::SUBNET_MASK, &[255, 255, 255, 0]);
        p.set_message_type(MessageType4::Offer);
        p.options.push(code::ROUTERS, &[10, 0, 0, 1]);
        let out = p.to_bytes();
        let mut codes = Vec::new();
        let mut i = HEADER_LEN + 4;
        while out[i] != code::END {
            codes.push(out[i]);
            i += 2 + out[i + 1] as usize;
        }
        assert_eq!(codes, vec![53, 1, 3, 51, 82]);
    }

    #[test]
    fn long_options_split_and_join() {
        let long: Vec<u8> = (0..600u32).map(|i| i as u8).collect();
        let mut p = Pkt4::new(BOOTREQUEST, 1);
        p.options.push(code::VIVSO, &long);
        let out = p.to_bytes();
        // 600 bytes = 255 + 255 + 90, three instances.
        assert_eq!(out[240..242], [125, 255]);
        assert_eq!(out[240 + 257..240 + 259], [125, 255]);
        assert_eq!(out[240 + 514..240 + 516], [125, 90]);
        let back = Pkt4::decode(&out).unwrap();
        assert_eq!(back.options.get(code::VIVSO), Some(&long[..]));
        assert_eq!(back, p);
    }

    #[test]
    fn repeated_codes_are_concatenated_in_first_position() {
        let b = with_options(&[12, 2, b'a', b'b', 53, 1, 3, 0, 0, 12, 1, b'c', 255, 99]);
        let p = Pkt4::decode(&b).unwrap();
        assert_eq!(
            p.options.iter().map(|(c, _)| c).collect::<Vec<_>>(),
            vec![12, 53]
        );
        assert_eq!(p.hostname(), Some(&b"abc"[..]));
    }

    #[test]
    fn option_overload_reads_file_then_sname() {
        let mut b = header(BOOTREQUEST);
        b[108..114].copy_from_slice(&[12, 1, b'f', 51, 0, 255]);
        b[108 + 3] = 60; // vendor class
        b[108 + 4] = 1;
        b[108 + 5] = b'v';
        b[108 + 6] = 255;
        b[44..48].copy_from_slice(&[12, 1, b's', 255]);
        b.extend_from_slice(&MAGIC_COOKIE);
        b.extend_from_slice(&[53, 1, 1, 52, 1, 3, 255]);
        let p = Pkt4::decode(&b).unwrap();
        assert_eq!(p.hostname(), Some(&b"fs"[..]));
        assert_eq!(p.vendor_class(), Some(&b"v"[..]));
        assert!(!p.options.contains(code::OPTION_OVERLOAD));
        assert!(p.sname.iter().all(|&c| c == 0) && p.file.iter().all(|&c| c == 0));
        assert_eq!(Pkt4::decode(&p.to_bytes()).unwrap(), p);

        // A second overload option inside `file` is dropped too (found by fuzzing).
        let mut b = header(BOOTREQUEST);
        b[108..111].copy_from_slice(&[52, 1, 3]);
        b.extend_from_slice(&MAGIC_COOKIE);
        b.extend_from_slice(&[52, 1, 1, 255]);
        let p = Pkt4::decode(&b).unwrap();
        assert!(p.options.is_empty());
        assert_eq!(Pkt4::decode(&p.to_bytes()).unwrap(), p);

        let only_file = with_options(&[52, 1, 1]);
        let p = Pkt4::decode(&only_file).unwrap();
        assert!(p.options.is_empty());
    }

    #[test]
    fn bootp_packets_decode() {
        let b = header(BOOTREQUEST);
        let p = Pkt4::decode(&b).unwrap();
        assert_eq!(p.message_type(), None);
        assert!(p.options.is_empty());
        let mut with_vend = with_options(&[1, 4, 255, 255, 255, 0, 255]);
        with_vend.resize(300, 0);
        let p = Pkt4::decode(&with_vend).unwrap();
        assert_eq!(p.message_type(), None);
        assert_eq!(
            p.ipv4_option(code::SUBNET_MASK),
            Some(Ipv4Addr::new(255, 255, 255, 0))
        );
    }

    #[test]
    fn every_decode_error_kind() {
        assert_eq!(
            Pkt4::decode(&[1; 100]),
            Err(DecodeError::Truncated {
                needed: 236,
                got: 100
            })
        );
        let mut b = header(BOOTREQUEST);
        b.extend_from_slice(&[99, 130]);
        assert_eq!(
            Pkt4::decode(&b),
            Err(DecodeError::Truncated {
                needed: 240,
                got: 238
            })
        );
        let mut b = header(BOOTREQUEST);
        b.extend_from_slice(&[1, 2, 3, 4]);
        assert_eq!(Pkt4::decode(&b), Err(DecodeError::BadCookie(0x0102_0304)));
        assert_eq!(Pkt4::decode(&header(3)), Err(DecodeError::BadOp(3)));
        let mut b = header(BOOTREQUEST);
        b[2] = 17;
        assert_eq!(Pkt4::decode(&b), Err(DecodeError::BadHlen(17)));
        let mut b = header(BOOTREQUEST);
        b[1] = 0;
        assert_eq!(Pkt4::decode(&b), Err(DecodeError::BadHtype(0)));
        assert_eq!(
            Pkt4::decode(&vec![1u8; MAX_PKT4_LEN + 1]),
            Err(DecodeError::Oversize(MAX_PKT4_LEN + 1))
        );
        assert_eq!(
            Pkt4::decode(&with_options(&[53, 1, 1, 12, 5, b'a'])),
            Err(DecodeError::BadOptionLength {
                code: 12,
                offset: 243,
                len: 5
            })
        );
        assert_eq!(
            Pkt4::decode(&with_options(&[53])),
            Err(DecodeError::BadOptionLength {
                code: 53,
                offset: 240,
                len: 0
            })
        );
        assert!(matches!(
            Pkt4::decode(&with_options(&[52, 1, 4])),
            Err(DecodeError::BadOptionValue { code: 52, .. })
        ));
    }

    #[test]
    fn typed_helpers() {
        let mut rai_bytes = Vec::new();
        encode_sub_options(
            [
                (rai::CIRCUIT_ID, &b"eth0"[..]),
                (rai::REMOTE_ID, &[1, 2, 3][..]),
                (rai::LINK_SELECTION, &[192, 0, 2, 0][..]),
            ],
            &mut rai_bytes,
        )
        .unwrap();
        let mut p = Pkt4::new(BOOTREQUEST, 9);
        p.set_message_type(MessageType4::Request);
        p.options.push(code::REQUESTED_ADDRESS, &[192, 0, 2, 10]);
        p.set_server_id(Ipv4Addr::new(192, 0, 2, 1));
        p.set_lease_time(7200);
        p.options
            .push(code::MAX_MESSAGE_SIZE, &1500u16.to_be_bytes());
        p.options.push(code::HOST_NAME, b"pc\0");
        p.options.push(code::RELAY_AGENT_INFO, &rai_bytes);
        p.options.push(
            code::CLIENT_FQDN,
            b"\x05\x00\x00\x04host\x07example\x03com\x00",
        );
        let p = Pkt4::decode(&p.to_bytes()).unwrap();
        assert_eq!(p.message_type(), Some(MessageType4::Request));
        assert_eq!(
            p.message_type().map(MessageType4::kea_name),
            Some("DHCPREQUEST")
        );
        assert_eq!(p.requested_ip(), Some(Ipv4Addr::new(192, 0, 2, 10)));
        assert_eq!(p.server_id(), Some(Ipv4Addr::new(192, 0, 2, 1)));
        assert_eq!(p.lease_time(), Some(7200));
        assert_eq!(p.max_message_size(), Some(1500));
        assert_eq!(p.hostname(), Some(&b"pc"[..]));
        let rai = p.relay_agent_info().unwrap().unwrap();
        assert_eq!(rai.circuit_id(), Some(&b"eth0"[..]));
        assert_eq!(rai.remote_id(), Some(&[1, 2, 3][..]));
        assert_eq!(rai.link_selection(), Some(Ipv4Addr::new(192, 0, 2, 0)));
        assert_eq!(rai.subscriber_id(), None);
        let fqdn = p.client_fqdn().unwrap().unwrap();
        assert_eq!(fqdn.name, "host.example.com");
        assert!(fqdn.fully_qualified);
        assert_eq!(fqdn.flags, ClientFqdn::FLAG_S | ClientFqdn::FLAG_E);
        let mut again = Vec::new();
        fqdn.encode(&mut again).unwrap();
        assert_eq!(again, b"\x05\x00\x00\x04host\x07example\x03com\x00");
    }

    #[test]
    fn vendor_blocks_and_fields() {
        let mut p = Pkt4::new(BOOTREQUEST, 1);
        // Enterprise 4491 with sub-option 1 = [2], then enterprise 9 with no data.
        p.options
            .push(code::VIVSO, &[0, 0, 0x11, 0x8b, 3, 1, 1, 2, 0, 0, 0, 9, 0]);
        let v = p.vivso().unwrap().unwrap();
        assert_eq!(
            v.iter().collect::<Vec<_>>(),
            vec![(4491, &[1, 1, 2][..]), (9, &[][..])]
        );
        let subs = SubOptions::parse(code::VIVSO, v.get(4491).unwrap()).unwrap();
        assert_eq!(subs.get(1), Some(&[2][..]));
        p.options.set(code::VIVCO, &[0, 0, 0x11, 0x8b, 3, 1]);
        assert!(p.vivco().unwrap().is_err());
        assert!(p.set_sname(b"tftp.example.org").is_ok());
        assert_eq!(p.sname_bytes(), b"tftp.example.org");
        assert!(p.set_file(&[b'a'; 128]).is_err());
        assert!(p.set_file(b"pxelinux.0").is_ok());
        assert_eq!(p.file_bytes(), b"pxelinux.0");
    }

    #[test]
    fn malformed_typed_values_are_reported() {
        let mut p = Pkt4::new(BOOTREQUEST, 1);
        p.options.push(code::REQUESTED_ADDRESS, &[1, 2, 3]);
        p.options.push(code::MESSAGE_TYPE, &[1, 1]);
        p.options.push(code::RELAY_AGENT_INFO, &[1, 5, 0]);
        p.options.push(code::CLIENT_FQDN, &[0]);
        assert_eq!(p.requested_ip(), None);
        assert_eq!(p.message_type(), None);
        assert!(p.relay_agent_info().unwrap().is_err());
        assert!(p.client_fqdn().unwrap().is_err());
        let ascii = ClientFqdn::decode(b"\x00\xff\xffmyhost").unwrap();
        assert_eq!(
            (ascii.name.as_str(), ascii.fully_qualified),
            ("myhost", false)
        );
    }

    #[test]
    fn kea_log_label() {
        let mut p = Pkt4::new(BOOTREQUEST, 0x3903_f326);
        p.set_hwaddr(1, &[0x00, 0x0c, 0x29, 0x3a, 0x5b, 0x7c])
            .unwrap();
        assert_eq!(
            p.kea_label(),
            "[hwtype=1 00:0c:29:3a:5b:7c], cid=[no info], tid=0x3903f326"
        );
        p.options
            .push(code::CLIENT_ID, &[1, 0x00, 0x0c, 0x29, 0x3a, 0x5b, 0x7c]);
        assert_eq!(
            p.kea_label(),
            "[hwtype=1 00:0c:29:3a:5b:7c], cid=[01:00:0c:29:3a:5b:7c], tid=0x3903f326"
        );
    }

    #[test]
    fn reply_copies_rfc2131_fields() {
        let req = Pkt4::decode(PERFDHCP_DISCOVER).unwrap();
        let rep = req.new_reply();
        assert_eq!(rep.op, BOOTREPLY);
        assert_eq!(
            (rep.xid, rep.chaddr, rep.giaddr),
            (req.xid, req.chaddr, req.giaddr)
        );
        assert_eq!(rep.hops, req.hops);
        assert!(rep.options.is_empty());
    }
}
