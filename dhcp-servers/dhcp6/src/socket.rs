//! DHCPv6 service sockets: one UDP socket per configured interface, bound to the server
//! port on that device, joined to All_DHCP_Relay_Agents_and_Servers (ff02::1:2), with
//! IPV6_RECVPKTINFO so the destination address of each query is known. Replies leave from
//! the interface's link-local address (or a configured unicast address).

use std::io::IoSliceMut;
use std::net::{Ipv6Addr, SocketAddrV6};
use std::os::fd::{AsFd, AsRawFd, BorrowedFd};

use nix::sys::socket::{
    ControlMessage, ControlMessageOwned, MsgFlags, SockaddrIn6, recvmsg, sendmsg, setsockopt,
    sockopt,
};
use socket2::{Domain, Protocol, Socket, Type};

use crate::iface::Listen6;

/// All_DHCP_Relay_Agents_and_Servers (RFC 8415 §7.1).
pub const ALL_DHCP_RELAY_AGENTS_AND_SERVERS: Ipv6Addr = Ipv6Addr::new(0xff02, 0, 0, 0, 0, 0, 1, 2);

/// Longest a blocking read waits, so the packet thread notices stop and new sockets.
pub const RECV_TIMEOUT: std::time::Duration = std::time::Duration::from_millis(250);

/// How a query arrived.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecvMeta {
    /// Receiving interface name.
    pub iface: String,
    /// Receiving interface index.
    pub ifindex: u32,
    /// Source address and port (scope id set for link-local sources).
    pub remote: SocketAddrV6,
    /// Destination address (ff02::1:2 for multicast, else a unicast address of ours).
    pub local: Ipv6Addr,
}

impl RecvMeta {
    /// True when the query was sent to a unicast address of the server.
    pub fn is_unicast(&self) -> bool {
        !self.local.is_multicast()
    }
}

/// Where a reply goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendMeta {
    pub dest: SocketAddrV6,
    /// Source address (the interface's link-local or unicast address); `None` lets the
    /// kernel choose.
    pub source: Option<Ipv6Addr>,
    pub ifindex: u32,
}

/// One open service socket.
#[derive(Debug)]
pub struct Endpoint {
    pub listen: Listen6,
    sock: Socket,
}

impl Endpoint {
    /// Opens the socket of one interface on `port`.
    pub fn open(listen: Listen6, port: u16) -> std::io::Result<Endpoint> {
        let sock = Socket::new(Domain::IPV6, Type::DGRAM, Some(Protocol::UDP))?;
        sock.set_only_v6(true)?;
        sock.set_reuse_address(true)?;
        sock.set_reuse_port(true)?;
        // Blocking with a timeout: a lone socket is read without poll (one syscall less
        // per query); with several, reads pass MSG_DONTWAIT after poll.
        sock.set_read_timeout(Some(RECV_TIMEOUT))?;
        sock.set_cloexec(true)?;
        dhcpsrv::sockopt::grow_recv_buffer(sock.as_fd());
        sock.bind_device(Some(listen.iface.name.as_bytes()))?;
        setsockopt(&sock, sockopt::Ipv6RecvPacketInfo, &true).map_err(std::io::Error::from)?;
        sock.set_multicast_hops_v6(1)?;
        let bind = SocketAddrV6::new(Ipv6Addr::UNSPECIFIED, port, 0, 0);
        sock.bind(&bind.into())?;
        if !listen.iface.loopback {
            sock.join_multicast_v6(&ALL_DHCP_RELAY_AGENTS_AND_SERVERS, listen.iface.index)?;
        }
        Ok(Endpoint { listen, sock })
    }

    /// The descriptor to poll.
    pub fn fd(&self) -> BorrowedFd<'_> {
        self.sock.as_fd()
    }

    /// Receives one datagram into `buf`: its length and how it arrived. `wait` blocks up to
    /// [`RECV_TIMEOUT`] (then `WouldBlock`); otherwise returns `WouldBlock` at once.
    pub fn recv(&self, buf: &mut [u8], wait: bool) -> std::io::Result<(usize, RecvMeta)> {
        let mut iov = [IoSliceMut::new(buf)];
        let mut cmsg = nix::cmsg_space!(libc::in6_pktinfo);
        let msg = recvmsg::<SockaddrIn6>(
            self.sock.as_raw_fd(),
            &mut iov,
            Some(&mut cmsg),
            if wait {
                MsgFlags::empty()
            } else {
                MsgFlags::MSG_DONTWAIT
            },
        )
        .map_err(std::io::Error::from)?;
        let mut local = Ipv6Addr::UNSPECIFIED;
        let mut ifindex = self.listen.iface.index;
        if let Ok(cmsgs) = msg.cmsgs() {
            for c in cmsgs {
                if let ControlMessageOwned::Ipv6PacketInfo(pi) = c {
                    local = Ipv6Addr::from(pi.ipi6_addr.s6_addr);
                    ifindex = pi.ipi6_ifindex;
                }
            }
        }
        let remote = msg
            .address
            .map(|a| SocketAddrV6::new(a.ip(), a.port(), a.flowinfo(), a.scope_id()))
            .unwrap_or_else(|| SocketAddrV6::new(Ipv6Addr::UNSPECIFIED, 0, 0, 0));
        let len = msg.bytes;
        Ok((
            len,
            RecvMeta {
                iface: self.listen.iface.name.clone(),
                ifindex,
                remote,
                local,
            },
        ))
    }

    /// Sends a reply from the chosen source address on the chosen interface.
    pub fn send(&self, data: &[u8], meta: &SendMeta) -> std::io::Result<usize> {
        let dest = SockaddrIn6::from(meta.dest);
        let iov = [std::io::IoSlice::new(data)];
        let pi = libc::in6_pktinfo {
            ipi6_addr: libc::in6_addr {
                s6_addr: meta.source.unwrap_or(Ipv6Addr::UNSPECIFIED).octets(),
            },
            ipi6_ifindex: meta.ifindex,
        };
        let cmsg = [ControlMessage::Ipv6PacketInfo(&pi)];
        sendmsg(
            self.sock.as_raw_fd(),
            &iov,
            &cmsg,
            MsgFlags::empty(),
            Some(&dest),
        )
        .map_err(std::io::Error::from)
    }
}
