//! Where a reply goes (RFC 2131 §4.1, as Kea applies it).
//!
//! - relayed query (giaddr set): to the relay, server port (or the relay's source port when
//!   the relay-port sub-option of option 82 is present, RFC 8357);
//! - ciaddr set and not a NAK: unicast to ciaddr (client port);
//! - NAK not relayed: broadcast;
//! - broadcast flag set, or the socket cannot unicast to a host without an address (UDP
//!   sockets): broadcast;
//! - otherwise: unicast to yiaddr at the link layer address in chaddr (raw sockets only).
//!
//! The source is the address the query was sent to when that was one of ours (unicast), else
//! the server's address on the receiving interface.

use std::net::Ipv4Addr;

use dhcp_packet::{MessageType4, Pkt4};

use crate::socket::{RecvMeta, SendMeta};

/// Ports the server uses (`-p` / `-P`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ports {
    pub server: u16,
    pub client: u16,
}

impl Default for Ports {
    fn default() -> Self {
        Ports {
            server: 67,
            client: 68,
        }
    }
}

/// Computes the destination of `reply` to `query`.
/// `direct_unicast` is true when the socket can send to a host without an ARP entry (raw).
pub fn reply_destination(
    query: &Pkt4,
    reply: &Pkt4,
    meta: &RecvMeta,
    ports: Ports,
    direct_unicast: bool,
) -> SendMeta {
    let src_addr = if meta.local_addr.is_broadcast() || meta.local_addr.is_unspecified() {
        meta.server_addr
    } else {
        meta.local_addr
    };
    let mut out = SendMeta {
        ifindex: meta.ifindex,
        src_addr,
        src_port: ports.server,
        dst_addr: Ipv4Addr::BROADCAST,
        dst_port: ports.client,
        dst_mac: None,
    };
    let is_nak = reply.message_type() == Some(MessageType4::Nak);
    let relayed_inform_with_ciaddr = query.is_relayed()
        && query.message_type() == Some(MessageType4::Inform)
        && !query.ciaddr.is_unspecified();
    if relayed_inform_with_ciaddr {
        // RFC 2131 §4.3.5 (and Kea): a relayed DHCPINFORM is answered at ciaddr.
        out.dst_addr = query.ciaddr;
        out.dst_mac = meta.remote_mac;
    } else if query.is_relayed() {
        let relay_port = query
            .relay_agent_info()
            .and_then(Result::ok)
            .is_some_and(|rai| rai.has_relay_port());
        out.dst_addr = query.giaddr;
        out.dst_port = if relay_port && meta.remote_port != 0 {
            meta.remote_port
        } else {
            ports.server
        };
        out.dst_mac = meta.remote_mac;
    } else if !query.ciaddr.is_unspecified() && !is_nak {
        out.dst_addr = query.ciaddr;
        out.dst_mac = meta.remote_mac;
    } else if is_nak || query.is_broadcast() || !direct_unicast || reply.yiaddr.is_unspecified() {
        out.dst_addr = Ipv4Addr::BROADCAST;
    } else {
        out.dst_addr = reply.yiaddr;
        out.dst_mac = if query.htype == 1 && query.hlen == 6 {
            let mut m = [0u8; 6];
            m.copy_from_slice(&query.chaddr[..6]);
            Some(m)
        } else {
            None // unknown hardware type: fall back to broadcast framing
        };
        if out.dst_mac.is_none() {
            out.dst_addr = Ipv4Addr::BROADCAST;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query() -> Pkt4 {
        let mut q = Pkt4::new(1, 7);
        q.set_hwaddr(1, &[0, 1, 2, 3, 4, 5]).unwrap();
        q.set_message_type(MessageType4::Discover);
        q
    }

    fn reply(t: MessageType4) -> Pkt4 {
        let mut r = query().new_reply();
        r.set_message_type(t);
        r.yiaddr = Ipv4Addr::new(192, 0, 2, 100);
        r
    }

    fn meta() -> RecvMeta {
        let mut m = RecvMeta::test(
            "eth0",
            2,
            Ipv4Addr::new(192, 0, 2, 1),
            Ipv4Addr::UNSPECIFIED,
        );
        m.remote_mac = Some([0, 1, 2, 3, 4, 5]);
        m
    }

    #[test]
    fn direct_unicast_to_chaddr() {
        let d = reply_destination(
            &query(),
            &reply(MessageType4::Offer),
            &meta(),
            Ports::default(),
            true,
        );
        assert_eq!(d.dst_addr, Ipv4Addr::new(192, 0, 2, 100));
        assert_eq!(d.dst_mac, Some([0, 1, 2, 3, 4, 5]));
        assert_eq!(
            (d.src_addr, d.src_port, d.dst_port),
            (Ipv4Addr::new(192, 0, 2, 1), 67, 68)
        );
    }

    #[test]
    fn broadcast_flag_or_udp_socket_broadcasts() {
        let mut q = query();
        q.flags = dhcp_packet::v4::FLAG_BROADCAST;
        let d = reply_destination(
            &q,
            &reply(MessageType4::Offer),
            &meta(),
            Ports::default(),
            true,
        );
        assert_eq!(d.dst_addr, Ipv4Addr::BROADCAST);
        let d = reply_destination(
            &query(),
            &reply(MessageType4::Offer),
            &meta(),
            Ports::default(),
            false,
        );
        assert_eq!(d.dst_addr, Ipv4Addr::BROADCAST);
    }

    #[test]
    fn relayed_goes_to_giaddr_server_port() {
        let mut q = query();
        q.giaddr = Ipv4Addr::new(10, 0, 0, 1);
        let mut m = meta();
        m.remote_port = 1234;
        let d = reply_destination(
            &q,
            &reply(MessageType4::Nak),
            &m,
            Ports {
                server: 1067,
                client: 1068,
            },
            true,
        );
        assert_eq!(
            (d.dst_addr, d.dst_port, d.src_port),
            (Ipv4Addr::new(10, 0, 0, 1), 1067, 1067)
        );
        // RFC 8357 relay port: answer to the relay's source port.
        q.options
            .set(dhcp_packet::v4::code::RELAY_AGENT_INFO, &[19, 0]);
        let d = reply_destination(&q, &reply(MessageType4::Ack), &m, Ports::default(), true);
        assert_eq!(d.dst_port, 1234);
    }

    #[test]
    fn relayed_inform_goes_to_ciaddr() {
        let mut q = query();
        q.set_message_type(MessageType4::Inform);
        q.giaddr = Ipv4Addr::new(10, 0, 0, 1);
        q.ciaddr = Ipv4Addr::new(10, 0, 0, 99);
        let d = reply_destination(
            &q,
            &reply(MessageType4::Ack),
            &meta(),
            Ports::default(),
            true,
        );
        assert_eq!((d.dst_addr, d.dst_port), (q.ciaddr, 68));
    }

    #[test]
    fn ciaddr_unicast_but_nak_broadcasts() {
        let mut q = query();
        q.ciaddr = Ipv4Addr::new(192, 0, 2, 50);
        let mut m = meta();
        m.local_addr = Ipv4Addr::new(192, 0, 2, 1);
        let d = reply_destination(&q, &reply(MessageType4::Ack), &m, Ports::default(), true);
        assert_eq!(d.dst_addr, Ipv4Addr::new(192, 0, 2, 50));
        assert_eq!(d.src_addr, Ipv4Addr::new(192, 0, 2, 1));
        let d = reply_destination(&q, &reply(MessageType4::Nak), &m, Ports::default(), true);
        assert_eq!(d.dst_addr, Ipv4Addr::BROADCAST);
    }
}
