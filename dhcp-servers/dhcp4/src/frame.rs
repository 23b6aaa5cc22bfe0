//! Ethernet II + IPv4 + UDP framing for the raw (AF_PACKET) socket path.
//!
//! Parsing checks everything the kernel would have checked for a UDP socket except the UDP
//! checksum: frames sent by a local UDP socket over veth (or any NIC with TX offload) carry only
//! a partial checksum when captured by a packet socket, so verifying it would drop valid traffic
//! (Kea does not verify it either). The IPv4 header checksum is always computed in software and is
//! verified. Building always computes both checksums, because clients such as dhclient verify them.

use std::net::Ipv4Addr;

/// Length of an Ethernet II header.
pub const ETH_HLEN: usize = 14;
/// Length of an IPv4 header without options (what we send).
pub const IPV4_HLEN: usize = 20;
/// Length of a UDP header.
pub const UDP_HLEN: usize = 8;
/// EtherType of IPv4.
pub const ETHERTYPE_IPV4: u16 = 0x0800;
/// The Ethernet broadcast address.
pub const BROADCAST_MAC: [u8; 6] = [0xff; 6];

/// Why a captured frame was not accepted as an IPv4/UDP datagram.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FrameError {
    /// Fewer bytes than the headers need.
    Truncated(&'static str),
    /// EtherType other than IPv4.
    NotIpv4(u16),
    /// IPv4 version or header length field is invalid.
    BadIpHeader,
    /// IPv4 header checksum mismatch.
    BadIpChecksum,
    /// Not UDP (protocol number given).
    NotUdp(u8),
    /// A fragment: DHCP servers do not reassemble.
    Fragmented,
    /// UDP length field disagrees with the IP length.
    BadUdpLength,
}

impl std::fmt::Display for FrameError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FrameError::Truncated(what) => write!(f, "truncated {what}"),
            FrameError::NotIpv4(t) => write!(f, "ethertype 0x{t:04x} is not IPv4"),
            FrameError::BadIpHeader => write!(f, "invalid IPv4 header"),
            FrameError::BadIpChecksum => write!(f, "invalid IPv4 header checksum"),
            FrameError::NotUdp(p) => write!(f, "IP protocol {p} is not UDP"),
            FrameError::Fragmented => write!(f, "fragmented IPv4 datagram"),
            FrameError::BadUdpLength => write!(f, "invalid UDP length"),
        }
    }
}

impl std::error::Error for FrameError {}

/// A parsed Ethernet/IPv4/UDP frame borrowing its payload from the receive buffer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UdpFrame<'a> {
    pub src_mac: [u8; 6],
    pub dst_mac: [u8; 6],
    pub src_ip: Ipv4Addr,
    pub dst_ip: Ipv4Addr,
    pub src_port: u16,
    pub dst_port: u16,
    pub payload: &'a [u8],
}

fn be16(b: &[u8], at: usize) -> u16 {
    u16::from_be_bytes([b[at], b[at + 1]])
}

fn mac_at(b: &[u8], at: usize) -> [u8; 6] {
    let mut m = [0u8; 6];
    m.copy_from_slice(&b[at..at + 6]);
    m
}

fn ip_at(b: &[u8], at: usize) -> Ipv4Addr {
    Ipv4Addr::new(b[at], b[at + 1], b[at + 2], b[at + 3])
}

/// One's-complement sum of 16-bit words (odd trailing byte padded with zero).
fn ones_sum(mut acc: u32, data: &[u8]) -> u32 {
    let mut chunks = data.chunks_exact(2);
    for c in &mut chunks {
        acc += u32::from(u16::from_be_bytes([c[0], c[1]]));
    }
    if let [last] = chunks.remainder() {
        acc += u32::from(*last) << 8;
    }
    acc
}

fn fold(mut acc: u32) -> u16 {
    while acc > 0xffff {
        acc = (acc & 0xffff) + (acc >> 16);
    }
    !(acc as u16)
}

/// Internet checksum (RFC 1071) of `data`.
pub fn internet_checksum(data: &[u8]) -> u16 {
    fold(ones_sum(0, data))
}

/// UDP checksum over the IPv4 pseudo-header and the UDP header+payload (`udp` with its checksum
/// field zeroed). A computed zero is sent as 0xffff (RFC 768).
pub fn udp_checksum(src: Ipv4Addr, dst: Ipv4Addr, udp: &[u8]) -> u16 {
    let mut acc = ones_sum(0, &src.octets());
    acc = ones_sum(acc, &dst.octets());
    acc += 17;
    acc += udp.len() as u32;
    acc = ones_sum(acc, udp);
    match fold(acc) {
        0 => 0xffff,
        c => c,
    }
}

/// Parses an Ethernet II frame carrying IPv4/UDP.
pub fn parse_frame(buf: &[u8]) -> Result<UdpFrame<'_>, FrameError> {
    if buf.len() < ETH_HLEN {
        return Err(FrameError::Truncated("ethernet header"));
    }
    let ethertype = be16(buf, 12);
    if ethertype != ETHERTYPE_IPV4 {
        return Err(FrameError::NotIpv4(ethertype));
    }
    let ip = &buf[ETH_HLEN..];
    if ip.len() < IPV4_HLEN {
        return Err(FrameError::Truncated("IPv4 header"));
    }
    if ip[0] >> 4 != 4 {
        return Err(FrameError::BadIpHeader);
    }
    let ihl = usize::from(ip[0] & 0x0f) * 4;
    if ihl < IPV4_HLEN || ip.len() < ihl {
        return Err(FrameError::BadIpHeader);
    }
    if internet_checksum(&ip[..ihl]) != 0 {
        return Err(FrameError::BadIpChecksum);
    }
    let total = usize::from(be16(ip, 2));
    if total < ihl || total > ip.len() {
        return Err(FrameError::Truncated("IPv4 datagram"));
    }
    // More-fragments flag or a non-zero offset.
    if be16(ip, 6) & 0x3fff != 0 {
        return Err(FrameError::Fragmented);
    }
    if ip[9] != 17 {
        return Err(FrameError::NotUdp(ip[9]));
    }
    let udp = &ip[ihl..total];
    if udp.len() < UDP_HLEN {
        return Err(FrameError::Truncated("UDP header"));
    }
    let udp_len = usize::from(be16(udp, 4));
    if udp_len < UDP_HLEN || udp_len > udp.len() {
        return Err(FrameError::BadUdpLength);
    }
    Ok(UdpFrame {
        dst_mac: mac_at(buf, 0),
        src_mac: mac_at(buf, 6),
        src_ip: ip_at(ip, 12),
        dst_ip: ip_at(ip, 16),
        src_port: be16(udp, 0),
        dst_port: be16(udp, 2),
        payload: &udp[UDP_HLEN..udp_len],
    })
}

/// Addresses of a frame to build.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FrameAddrs {
    pub src_mac: [u8; 6],
    pub dst_mac: [u8; 6],
    pub src_ip: Ipv4Addr,
    pub dst_ip: Ipv4Addr,
    pub src_port: u16,
    pub dst_port: u16,
}

/// Writes an Ethernet/IPv4/UDP frame carrying `payload` into `out` (cleared first), with both
/// checksums computed. Returns an error if the payload does not fit in one IPv4 datagram.
pub fn build_frame(out: &mut Vec<u8>, a: &FrameAddrs, payload: &[u8]) -> Result<(), FrameError> {
    let udp_len = UDP_HLEN + payload.len();
    let ip_len = IPV4_HLEN + udp_len;
    let ip_len16 = u16::try_from(ip_len).map_err(|_| FrameError::BadUdpLength)?;
    out.clear();
    out.reserve(ETH_HLEN + ip_len);
    out.extend_from_slice(&a.dst_mac);
    out.extend_from_slice(&a.src_mac);
    out.extend_from_slice(&ETHERTYPE_IPV4.to_be_bytes());
    let ip_start = out.len();
    out.extend_from_slice(&[0x45, 0x10]); // version 4, IHL 5; TOS low delay
    out.extend_from_slice(&ip_len16.to_be_bytes());
    out.extend_from_slice(&[0, 0, 0, 0]); // id 0, no fragmentation
    out.extend_from_slice(&[64, 17, 0, 0]); // TTL, UDP, checksum placeholder
    out.extend_from_slice(&a.src_ip.octets());
    out.extend_from_slice(&a.dst_ip.octets());
    let csum = internet_checksum(&out[ip_start..ip_start + IPV4_HLEN]);
    out[ip_start + 10..ip_start + 12].copy_from_slice(&csum.to_be_bytes());
    let udp_start = out.len();
    out.extend_from_slice(&a.src_port.to_be_bytes());
    out.extend_from_slice(&a.dst_port.to_be_bytes());
    out.extend_from_slice(&(udp_len as u16).to_be_bytes());
    out.extend_from_slice(&[0, 0]);
    out.extend_from_slice(payload);
    let ucsum = udp_checksum(a.src_ip, a.dst_ip, &out[udp_start..]);
    out[udp_start + 6..udp_start + 8].copy_from_slice(&ucsum.to_be_bytes());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn addrs() -> FrameAddrs {
        FrameAddrs {
            src_mac: [2, 0, 0, 0, 0, 1],
            dst_mac: BROADCAST_MAC,
            src_ip: Ipv4Addr::new(192, 0, 2, 1),
            dst_ip: Ipv4Addr::BROADCAST,
            src_port: 67,
            dst_port: 68,
        }
    }

    #[test]
    fn build_then_parse_round_trips() {
        let mut out = Vec::new();
        build_frame(&mut out, &addrs(), b"hello dhcp").unwrap();
        assert_eq!(out.len(), ETH_HLEN + IPV4_HLEN + UDP_HLEN + 10);
        let f = parse_frame(&out).unwrap();
        assert_eq!(f.payload, b"hello dhcp");
        assert_eq!(f.src_ip, Ipv4Addr::new(192, 0, 2, 1));
        assert_eq!(f.dst_ip, Ipv4Addr::BROADCAST);
        assert_eq!((f.src_port, f.dst_port), (67, 68));
        assert_eq!(f.dst_mac, BROADCAST_MAC);
        assert_eq!(f.src_mac, [2, 0, 0, 0, 0, 1]);
        // The UDP checksum verifies to zero over pseudo-header + segment.
        let udp = &out[ETH_HLEN + IPV4_HLEN..];
        let mut acc = ones_sum(0, &[192, 0, 2, 1, 255, 255, 255, 255]);
        acc += 17 + udp.len() as u32;
        acc = ones_sum(acc, udp);
        assert_eq!(fold(acc), 0);
    }

    #[test]
    fn odd_payload_checksum() {
        let mut out = Vec::new();
        build_frame(&mut out, &addrs(), b"abc").unwrap();
        assert!(parse_frame(&out).is_ok());
    }

    #[test]
    fn rejects_bad_frames() {
        let mut out = Vec::new();
        build_frame(&mut out, &addrs(), b"x").unwrap();
        assert_eq!(
            parse_frame(&out[..10]),
            Err(FrameError::Truncated("ethernet header"))
        );
        assert_eq!(
            parse_frame(&out[..20]),
            Err(FrameError::Truncated("IPv4 header"))
        );
        let mut bad = out.clone();
        bad[ETH_HLEN + 8] = 1; // TTL change breaks the header checksum
        assert_eq!(parse_frame(&bad), Err(FrameError::BadIpChecksum));
        let mut v6 = out.clone();
        v6[12] = 0x86;
        v6[13] = 0xdd;
        assert_eq!(parse_frame(&v6), Err(FrameError::NotIpv4(0x86dd)));
        let mut short = out.clone();
        short.truncate(out.len() - 1); // IP total length now exceeds the frame
        assert_eq!(
            parse_frame(&short),
            Err(FrameError::Truncated("IPv4 datagram"))
        );
    }

    #[test]
    fn random_and_mutated_frames_never_panic() {
        let mut seed: u64 = 0x1234_5678_9abc_def1;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let mut good = Vec::new();
        build_frame(&mut good, &addrs(), &[7u8; 300]).unwrap();
        for i in 0..20_000 {
            let mut f = if i % 2 == 0 {
                good.clone()
            } else {
                (0..(next() % 400) as usize).map(|_| next() as u8).collect()
            };
            if !f.is_empty() {
                for _ in 0..(next() % 4) {
                    let p = (next() as usize) % f.len();
                    f[p] = next() as u8;
                }
                let cut = (next() as usize) % (f.len() + 1);
                f.truncate(cut.max(f.len() / 2));
            }
            let _ = parse_frame(&f);
        }
    }

    #[test]
    fn known_ip_checksum() {
        // Classic example header from RFC 1071 discussions.
        let hdr = [
            0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11, 0x00, 0x00, 0xc0, 0xa8,
            0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7,
        ];
        assert_eq!(internet_checksum(&hdr), 0xb861);
    }
}
