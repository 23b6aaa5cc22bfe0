//! Ethernet/IPv4/UDP framing for direct (broadcast, no source address) DHCPv4 clients, which
//! an ordinary UDP socket cannot send because the source address must be 0.0.0.0.

use std::net::Ipv4Addr;

const ETH_LEN: usize = 14;
const IP_LEN: usize = 20;
const UDP_LEN: usize = 8;

/// Wraps `payload` in Ethernet (broadcast destination), IPv4 0.0.0.0 → 255.255.255.255 and
/// UDP 68 → 67, writing the frame into `out` (cleared first).
pub fn broadcast_frame(src_mac: [u8; 6], payload: &[u8], out: &mut Vec<u8>) {
    udp_frame(
        src_mac,
        [0xff; 6],
        Ipv4Addr::UNSPECIFIED,
        Ipv4Addr::BROADCAST,
        (68, 67),
        payload,
        out,
    );
}

/// Builds one Ethernet/IPv4/UDP frame with valid header and UDP checksums.
pub fn udp_frame(
    src_mac: [u8; 6],
    dst_mac: [u8; 6],
    src: Ipv4Addr,
    dst: Ipv4Addr,
    ports: (u16, u16),
    payload: &[u8],
    out: &mut Vec<u8>,
) {
    out.clear();
    out.extend_from_slice(&dst_mac);
    out.extend_from_slice(&src_mac);
    out.extend_from_slice(&0x0800u16.to_be_bytes());
    let ip_total = (IP_LEN + UDP_LEN + payload.len()) as u16;
    let ip_start = out.len();
    out.extend_from_slice(&[0x45, 0x10]);
    out.extend_from_slice(&ip_total.to_be_bytes());
    out.extend_from_slice(&[0, 0, 0, 0, 64, 17, 0, 0]);
    out.extend_from_slice(&src.octets());
    out.extend_from_slice(&dst.octets());
    let ip_sum = checksum(&[&out[ip_start..ip_start + IP_LEN]]);
    out[ip_start + 10..ip_start + 12].copy_from_slice(&ip_sum.to_be_bytes());
    let udp_len = (UDP_LEN + payload.len()) as u16;
    let udp_start = out.len();
    out.extend_from_slice(&ports.0.to_be_bytes());
    out.extend_from_slice(&ports.1.to_be_bytes());
    out.extend_from_slice(&udp_len.to_be_bytes());
    out.extend_from_slice(&[0, 0]);
    out.extend_from_slice(payload);
    let mut pseudo = [0u8; 12];
    pseudo[..4].copy_from_slice(&src.octets());
    pseudo[4..8].copy_from_slice(&dst.octets());
    pseudo[9] = 17;
    pseudo[10..12].copy_from_slice(&udp_len.to_be_bytes());
    let mut sum = checksum(&[&pseudo, &out[udp_start..]]);
    if sum == 0 {
        sum = 0xffff; // 0 means "no checksum" in UDP over IPv4.
    }
    out[udp_start + 6..udp_start + 8].copy_from_slice(&sum.to_be_bytes());
    debug_assert_eq!(out.len(), ETH_LEN + ip_total as usize);
}

/// The Internet checksum (RFC 1071) over the concatenation of `parts`; every part but the
/// last must have even length.
pub fn checksum(parts: &[&[u8]]) -> u16 {
    let mut sum: u32 = 0;
    for part in parts {
        let mut chunks = part.chunks_exact(2);
        for c in &mut chunks {
            sum += u32::from(u16::from_be_bytes([c[0], c[1]]));
        }
        if let [last] = chunks.remainder() {
            sum += u32::from(*last) << 8;
        }
    }
    while sum > 0xffff {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    !(sum as u16)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checksum_matches_rfc1071_example() {
        // RFC 1071 section 3 example: sum of these words is 0xddf2, complement 0x220d.
        let data = [0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7];
        assert_eq!(checksum(&[&data]), 0x220d);
    }

    #[test]
    fn frame_headers_verify() {
        let mut out = Vec::new();
        let payload = [1u8, 2, 3, 4, 5];
        broadcast_frame([2, 0, 0, 0, 0, 1], &payload, &mut out);
        assert_eq!(out.len(), ETH_LEN + IP_LEN + UDP_LEN + payload.len());
        assert_eq!(&out[..6], &[0xff; 6]);
        assert_eq!(&out[12..14], &[8, 0]);
        // A correct IPv4 header checksums to zero.
        assert_eq!(checksum(&[&out[ETH_LEN..ETH_LEN + IP_LEN]]), 0);
        assert_eq!(&out[ETH_LEN + 16..ETH_LEN + 20], &[255, 255, 255, 255]);
        // A correct UDP checksum over pseudo header + datagram is zero too.
        let udp = &out[ETH_LEN + IP_LEN..];
        let mut pseudo = [0u8; 12];
        pseudo[4..8].copy_from_slice(&[255; 4]);
        pseudo[9] = 17;
        pseudo[10..12].copy_from_slice(&(udp.len() as u16).to_be_bytes());
        assert_eq!(checksum(&[&pseudo, udp]), 0);
        assert_eq!(&udp[..4], &[0, 68, 0, 67]);
    }
}
