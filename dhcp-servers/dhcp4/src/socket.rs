//! Packet sockets of the DHCPv4 server.
//!
//! Two kinds, chosen by `interfaces-config.dhcp-socket-type`:
//! - `udp`: one UDP socket per interface, bound to port 67 (or `-p`), tied to the interface with
//!   SO_BINDTODEVICE, with IP_PKTINFO so every datagram carries its interface and destination.
//!   Serves relayed and unicast traffic (and broadcasts when the socket is bound to 0.0.0.0).
//! - `raw` (Kea's default): an AF_PACKET socket per interface with a BPF filter for UDP to the
//!   server port, so clients without an address are reached, plus a UDP socket on the same port
//!   whose input is discarded (it only keeps the kernel from answering with ICMP port
//!   unreachable). Replies are framed here (Ethernet/IPv4/UDP) and sent to the hardware address
//!   the pipeline chose (RFC 2131 §4.1).
//!
//! Every received datagram comes with a [`RecvMeta`]; every reply goes out with a [`SendMeta`].

use std::io;
use std::net::{Ipv4Addr, SocketAddrV4};
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, FromRawFd, OwnedFd};
use std::sync::Arc;

use nix::sys::socket::{ControlMessage, ControlMessageOwned, MsgFlags, SockaddrIn};
use socket2::{Domain, Protocol, Socket, Type};

use crate::frame::{self, BROADCAST_MAC, FrameAddrs};
use crate::iface::Listen;

/// `dhcp-socket-type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SocketType {
    #[default]
    Raw,
    Udp,
}

impl SocketType {
    /// Parses the config value (`raw` or `udp`).
    pub fn parse(s: &str) -> Result<Self, String> {
        match s {
            "raw" => Ok(SocketType::Raw),
            "udp" => Ok(SocketType::Udp),
            other => Err(format!(
                "unsupported socket type '{other}' (expected raw or udp)"
            )),
        }
    }
}

/// Where a datagram came from and how it arrived.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecvMeta {
    pub ifindex: u32,
    pub iface: Arc<str>,
    /// The server's own address on the receiving interface.
    pub server_addr: Ipv4Addr,
    /// Destination IP of the datagram (broadcast or one of ours).
    pub local_addr: Ipv4Addr,
    pub local_port: u16,
    pub remote_addr: Ipv4Addr,
    pub remote_port: u16,
    /// Source hardware address of the frame (raw sockets only).
    pub remote_mac: Option<[u8; 6]>,
}

impl RecvMeta {
    /// Metadata for tests and tools: a packet received on `iface` from `remote`.
    pub fn test(iface: &str, ifindex: u32, server_addr: Ipv4Addr, remote: Ipv4Addr) -> Self {
        RecvMeta {
            ifindex,
            iface: Arc::from(iface),
            server_addr,
            local_addr: Ipv4Addr::BROADCAST,
            local_port: 67,
            remote_addr: remote,
            remote_port: 68,
            remote_mac: None,
        }
    }
}

/// How to send a reply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SendMeta {
    pub ifindex: u32,
    pub src_addr: Ipv4Addr,
    pub src_port: u16,
    pub dst_addr: Ipv4Addr,
    pub dst_port: u16,
    /// Link-layer destination for raw sockets; `None` means broadcast when `dst_addr` is
    /// 255.255.255.255, otherwise the previous hop the query came from.
    pub dst_mac: Option<[u8; 6]>,
}

/// Outcome of one receive attempt.
#[derive(Debug)]
pub enum Received {
    /// A DHCP payload at `buf[start..start + len]`.
    Packet {
        start: usize,
        len: usize,
        meta: RecvMeta,
    },
    /// Something arrived but is not for us (own outgoing frame, bad frame); the reason is given
    /// for debug logging.
    Ignored(&'static str),
    /// A frame that failed to parse as IPv4/UDP.
    BadFrame(frame::FrameError),
}

enum Kind {
    Udp(Socket),
    Raw { packet: OwnedFd, _drain: Socket },
}

/// A listening endpoint on one interface.
pub struct Endpoint {
    kind: Kind,
    pub listen: Listen,
    iface_name: Arc<str>,
    server_port: u16,
}

impl std::fmt::Debug for Endpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Endpoint")
            .field("iface", &self.listen.iface.name)
            .field("addr", &self.listen.addr)
            .field("raw", &matches!(self.kind, Kind::Raw { .. }))
            .finish()
    }
}

use dhcpsrv::sockopt::grow_recv_buffer;

/// Longest a blocking receive waits before the loop checks for stop/reconfiguration.
pub const WAIT_TIMEOUT: std::time::Duration = std::time::Duration::from_millis(250);

fn udp_socket(listen: &Listen, port: u16, pktinfo: bool) -> io::Result<Socket> {
    let s = Socket::new(Domain::IPV4, Type::DGRAM, Some(Protocol::UDP))?;
    s.set_reuse_address(true)?;
    s.set_broadcast(true)?;
    s.bind_device(Some(listen.iface.name.as_bytes()))?;
    if pktinfo {
        nix::sys::socket::setsockopt(&s, nix::sys::socket::sockopt::Ipv4PacketInfo, &true)
            .map_err(io::Error::from)?;
    }
    let bind_ip = if listen.explicit_addr {
        listen.addr
    } else {
        Ipv4Addr::UNSPECIFIED
    };
    s.bind(&SocketAddrV4::new(bind_ip, port).into())?;
    // Blocking with a timeout: the packet loop either waits in recv (one endpoint) or polls
    // and reads with MSG_DONTWAIT (several).
    s.set_read_timeout(Some(WAIT_TIMEOUT))?;
    Ok(s)
}

fn packet_socket(listen: &Listen, port: u16) -> io::Result<OwnedFd> {
    let proto = (libc::ETH_P_IP as u16).to_be();
    // SAFETY: plain socket(2) call; the result is checked before it is wrapped.
    let fd = unsafe {
        libc::socket(
            libc::AF_PACKET,
            libc::SOCK_RAW | libc::SOCK_CLOEXEC,
            i32::from(proto),
        )
    };
    if fd < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: fd is a fresh, valid descriptor we own.
    let owned = unsafe { OwnedFd::from_raw_fd(fd) };
    crate::bpf::attach(owned.as_fd(), &crate::bpf::dhcp_server_filter(port))?;
    let tv = libc::timeval {
        tv_sec: 0,
        tv_usec: WAIT_TIMEOUT.as_micros() as libc::suseconds_t,
    };
    // SAFETY: tv is a valid timeval of the size given.
    let rc = unsafe {
        libc::setsockopt(
            owned.as_raw_fd(),
            libc::SOL_SOCKET,
            libc::SO_RCVTIMEO,
            (&tv as *const libc::timeval).cast(),
            std::mem::size_of::<libc::timeval>() as libc::socklen_t,
        )
    };
    if rc < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: an all-zero sockaddr_ll is a valid value that we then fill in.
    let mut sll: libc::sockaddr_ll = unsafe { std::mem::zeroed() };
    sll.sll_family = libc::AF_PACKET as u16;
    sll.sll_protocol = proto;
    sll.sll_ifindex = listen.iface.index as i32;
    // SAFETY: sll is a properly initialised sockaddr_ll of the size given.
    let rc = unsafe {
        libc::bind(
            owned.as_raw_fd(),
            (&sll as *const libc::sockaddr_ll).cast(),
            std::mem::size_of::<libc::sockaddr_ll>() as libc::socklen_t,
        )
    };
    if rc < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(owned)
}

impl Endpoint {
    /// Opens the socket(s) for `listen`.
    pub fn open(listen: Listen, ty: SocketType, server_port: u16) -> io::Result<Self> {
        let kind = match ty {
            SocketType::Udp => {
                let u = udp_socket(&listen, server_port, true)?;
                grow_recv_buffer(u.as_fd());
                Kind::Udp(u)
            }
            SocketType::Raw => {
                let drain = udp_socket(&listen, server_port, false)?;
                // The UDP socket only exists so the kernel does not answer ICMP port
                // unreachable; the packet socket sees the same datagrams, so the kernel drops
                // them here before queueing.
                crate::bpf::attach(drain.as_fd(), &crate::bpf::drop_all())?;
                let packet = packet_socket(&listen, server_port)?;
                grow_recv_buffer(packet.as_fd());
                Kind::Raw {
                    packet,
                    _drain: drain,
                }
            }
        };
        Ok(Endpoint {
            kind,
            iface_name: Arc::from(listen.iface.name.as_str()),
            listen,
            server_port,
        })
    }

    /// Descriptor to poll for packets.
    pub fn main_fd(&self) -> BorrowedFd<'_> {
        match &self.kind {
            Kind::Udp(s) => s.as_fd(),
            Kind::Raw { packet, .. } => packet.as_fd(),
        }
    }

    /// Receives one datagram. With `wait` false it does not block (`Err(WouldBlock)` means
    /// nothing is queued); with `wait` true it waits up to [`WAIT_TIMEOUT`].
    pub fn recv(&self, buf: &mut [u8], wait: bool) -> io::Result<Received> {
        match &self.kind {
            Kind::Udp(s) => self.recv_udp(s, buf, wait),
            Kind::Raw { packet, .. } => self.recv_raw(packet, buf, wait),
        }
    }

    fn recv_udp(&self, s: &Socket, buf: &mut [u8], wait: bool) -> io::Result<Received> {
        let mut cmsg = [0u8; 64];
        let mut iov = [io::IoSliceMut::new(buf)];
        let msg = nix::sys::socket::recvmsg::<SockaddrIn>(
            s.as_raw_fd(),
            &mut iov,
            Some(&mut cmsg),
            if wait {
                MsgFlags::empty()
            } else {
                MsgFlags::MSG_DONTWAIT
            },
        )
        .map_err(io::Error::from)?;
        let len = msg.bytes;
        let (remote_addr, remote_port) = match msg.address {
            Some(a) => (a.ip(), a.port()),
            None => (Ipv4Addr::UNSPECIFIED, 0),
        };
        let mut ifindex = self.listen.iface.index;
        let mut local_addr = self.listen.addr;
        if let Ok(cmsgs) = msg.cmsgs() {
            for c in cmsgs {
                if let ControlMessageOwned::Ipv4PacketInfo(pi) = c {
                    ifindex = pi.ipi_ifindex as u32;
                    local_addr = Ipv4Addr::from(u32::from_be(pi.ipi_addr.s_addr));
                }
            }
        }
        Ok(Received::Packet {
            start: 0,
            len,
            meta: RecvMeta {
                ifindex,
                iface: self.iface_name.clone(),
                server_addr: self.listen.addr,
                local_addr,
                local_port: self.server_port,
                remote_addr,
                remote_port,
                remote_mac: None,
            },
        })
    }

    fn recv_raw(&self, fd: &OwnedFd, buf: &mut [u8], wait: bool) -> io::Result<Received> {
        // SAFETY: zeroed sockaddr_ll is valid; recvfrom writes at most `alen` bytes into it and
        // at most buf.len() bytes into buf.
        let mut sll: libc::sockaddr_ll = unsafe { std::mem::zeroed() };
        let mut alen = std::mem::size_of::<libc::sockaddr_ll>() as libc::socklen_t;
        let n = unsafe {
            libc::recvfrom(
                fd.as_raw_fd(),
                buf.as_mut_ptr().cast(),
                buf.len(),
                if wait { 0 } else { libc::MSG_DONTWAIT },
                (&mut sll as *mut libc::sockaddr_ll).cast(),
                &mut alen,
            )
        };
        if n < 0 {
            return Err(io::Error::last_os_error());
        }
        let n = n as usize;
        match sll.sll_pkttype {
            libc::PACKET_OUTGOING => return Ok(Received::Ignored("own outgoing frame")),
            libc::PACKET_OTHERHOST => return Ok(Received::Ignored("frame for another host")),
            _ => {}
        }
        let f = match frame::parse_frame(&buf[..n]) {
            Ok(f) => f,
            Err(e) => return Ok(Received::BadFrame(e)),
        };
        if f.dst_port != self.server_port {
            return Ok(Received::Ignored("other UDP port"));
        }
        let start = f.payload.as_ptr() as usize - buf.as_ptr() as usize;
        let len = f.payload.len();
        Ok(Received::Packet {
            start,
            len,
            meta: RecvMeta {
                ifindex: self.listen.iface.index,
                iface: self.iface_name.clone(),
                server_addr: self.listen.addr,
                local_addr: f.dst_ip,
                local_port: f.dst_port,
                remote_addr: f.src_ip,
                remote_port: f.src_port,
                remote_mac: Some(f.src_mac),
            },
        })
    }

    /// Sends `payload` as described by `meta`. `scratch` is reused for framing.
    pub fn send(&self, payload: &[u8], meta: &SendMeta, scratch: &mut Vec<u8>) -> io::Result<()> {
        match &self.kind {
            Kind::Udp(s) => self.send_udp(s, payload, meta),
            Kind::Raw { packet, .. } => self.send_raw(packet, payload, meta, scratch),
        }
    }

    fn send_udp(&self, s: &Socket, payload: &[u8], meta: &SendMeta) -> io::Result<()> {
        let pi = libc::in_pktinfo {
            ipi_ifindex: meta.ifindex as i32,
            ipi_spec_dst: libc::in_addr {
                s_addr: u32::from(meta.src_addr).to_be(),
            },
            ipi_addr: libc::in_addr { s_addr: 0 },
        };
        let dst = SockaddrIn::from(SocketAddrV4::new(meta.dst_addr, meta.dst_port));
        let iov = [io::IoSlice::new(payload)];
        let cmsgs = [ControlMessage::Ipv4PacketInfo(&pi)];
        nix::sys::socket::sendmsg(s.as_raw_fd(), &iov, &cmsgs, MsgFlags::empty(), Some(&dst))
            .map_err(io::Error::from)?;
        Ok(())
    }

    fn send_raw(
        &self,
        fd: &OwnedFd,
        payload: &[u8],
        meta: &SendMeta,
        scratch: &mut Vec<u8>,
    ) -> io::Result<()> {
        let dst_mac = match meta.dst_mac {
            Some(m) => m,
            None if meta.dst_addr == Ipv4Addr::BROADCAST => BROADCAST_MAC,
            None => BROADCAST_MAC,
        };
        frame::build_frame(
            scratch,
            &FrameAddrs {
                src_mac: self.listen.iface.mac,
                dst_mac,
                src_ip: meta.src_addr,
                dst_ip: meta.dst_addr,
                src_port: meta.src_port,
                dst_port: meta.dst_port,
            },
            payload,
        )
        .map_err(|e| io::Error::other(e.to_string()))?;
        // SAFETY: zeroed sockaddr_ll is valid and filled below; sendto reads scratch.len() bytes.
        let mut sll: libc::sockaddr_ll = unsafe { std::mem::zeroed() };
        sll.sll_family = libc::AF_PACKET as u16;
        sll.sll_protocol = (libc::ETH_P_IP as u16).to_be();
        sll.sll_ifindex = self.listen.iface.index as i32;
        sll.sll_halen = 6;
        sll.sll_addr[..6].copy_from_slice(&dst_mac);
        let rc = unsafe {
            libc::sendto(
                fd.as_raw_fd(),
                scratch.as_ptr().cast(),
                scratch.len(),
                0,
                (&sll as *const libc::sockaddr_ll).cast(),
                std::mem::size_of::<libc::sockaddr_ll>() as libc::socklen_t,
            )
        };
        if rc < 0 {
            Err(io::Error::last_os_error())
        } else {
            Ok(())
        }
    }
}
