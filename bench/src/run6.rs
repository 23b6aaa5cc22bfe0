//! The DHCPv6 load loop (SOLICIT → ADVERTISE → REQUEST → REPLY with IA_NA or IA_PD), direct
//! (multicast to ff02::1:2 from the link-local address) or relayed (RELAY-FORW to the server).
//! Bounded like the v4 loop: `duration + timeout` and `max_exchanges`.

use std::collections::VecDeque;
use std::io;
use std::net::{Ipv6Addr, SocketAddrV6, UdpSocket};
use std::os::fd::AsRawFd;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use crate::leases::{client_index, client_mac};
use crate::run4::{Outcome, big_receive_buffer, cpu_time, wait_readable};
use crate::stats::RunStats;
use crate::wire6::{self, IaKind};

/// How requests reach the server.
#[derive(Debug, Clone)]
pub enum Mode6 {
    /// Multicast to ff02::1:2 on `iface` from its link-local address.
    Direct { iface: String },
    /// RELAY-FORW from `relay:547` to `server:547`, link-address = `relay`.
    Relay { server: Ipv6Addr, relay: Ipv6Addr },
}

/// One v6 load run's parameters.
#[derive(Debug, Clone)]
pub struct Config6 {
    pub mode: Mode6,
    pub ia: IaKind,
    pub rate: u32,
    pub clients: u32,
    pub duration: Duration,
    pub timeout: Duration,
    pub max_exchanges: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Idle,
    WaitAdvertise,
    WaitReply,
}

#[derive(Debug, Clone, Copy)]
struct Slot {
    phase: Phase,
    xid: u32,
    started: Instant,
}

struct Transport {
    sock: UdpSocket,
    dest: SocketAddrV6,
    /// Relay address when relaying.
    relay: Option<Ipv6Addr>,
    wrapped: Vec<u8>,
}

impl Transport {
    fn open(mode: &Mode6) -> Result<Self> {
        let t = match mode {
            Mode6::Direct { iface } => {
                let name = std::ffi::CString::new(iface.as_str()).context("interface name")?;
                // SAFETY: valid NUL-terminated string.
                let ifindex = unsafe { libc::if_nametoindex(name.as_ptr()) };
                if ifindex == 0 {
                    bail!("no interface {iface}");
                }
                let sock = UdpSocket::bind(SocketAddrV6::new(Ipv6Addr::UNSPECIFIED, 546, 0, 0))
                    .context("bind [::]:546")?;
                let idx = ifindex as libc::c_int;
                // SAFETY: valid socket and option value for the call's duration.
                let rc = unsafe {
                    libc::setsockopt(
                        sock.as_raw_fd(),
                        libc::IPPROTO_IPV6,
                        libc::IPV6_MULTICAST_IF,
                        (&idx as *const libc::c_int).cast(),
                        std::mem::size_of::<libc::c_int>() as libc::socklen_t,
                    )
                };
                if rc != 0 {
                    return Err(io::Error::last_os_error()).context("IPV6_MULTICAST_IF");
                }
                let all_servers = Ipv6Addr::new(0xff02, 0, 0, 0, 0, 0, 1, 2);
                Transport {
                    sock,
                    dest: SocketAddrV6::new(all_servers, 547, 0, ifindex),
                    relay: None,
                    wrapped: Vec::new(),
                }
            }
            Mode6::Relay { server, relay } => {
                let sock = UdpSocket::bind(SocketAddrV6::new(*relay, 547, 0, 0))
                    .with_context(|| format!("bind [{relay}]:547 (relay address)"))?;
                Transport {
                    sock,
                    dest: SocketAddrV6::new(*server, 547, 0, 0),
                    relay: Some(*relay),
                    wrapped: Vec::with_capacity(512),
                }
            }
        };
        t.sock.set_nonblocking(true)?;
        big_receive_buffer(&t.sock);
        Ok(t)
    }

    fn send(&mut self, msg: &[u8], mac: &[u8; 6]) -> io::Result<()> {
        match self.relay {
            Some(link) => {
                wire6::relay_forw(link, link_local(mac), msg, &mut self.wrapped);
                self.sock.send_to(&self.wrapped, self.dest).map(|_| ())
            }
            None => self.sock.send_to(msg, self.dest).map(|_| ()),
        }
    }
}

/// EUI-64 link-local address of a simulated client (the relay's peer-address).
fn link_local(m: &[u8; 6]) -> Ipv6Addr {
    Ipv6Addr::from([
        0xfe,
        0x80,
        0,
        0,
        0,
        0,
        0,
        0,
        m[0] ^ 2,
        m[1],
        m[2],
        0xff,
        0xfe,
        m[3],
        m[4],
        m[5],
    ])
}

/// Runs the load described by `cfg`.
pub fn run(cfg: &Config6) -> Result<Outcome> {
    if cfg.clients == 0 || cfg.rate == 0 {
        bail!("clients and rate must be positive");
    }
    let mut t = Transport::open(&cfg.mode)?;
    let mut slots = vec![
        Slot {
            phase: Phase::Idle,
            xid: 0,
            started: Instant::now(),
        };
        cfg.clients as usize
    ];
    let mut deadlines: VecDeque<(Instant, u32, u32)> = VecDeque::new();
    let mut stats = RunStats::default();
    let mut out = Vec::with_capacity(512);
    let mut buf = vec![0u8; 4096];
    let mut next_xid: u32 = 1;
    let mut cursor: u32 = 0;
    let mut outstanding: u64 = 0;
    let mut send_errors = 0u64;
    let mut busy_skips = 0u64;
    let cpu0 = cpu_time();
    let start = Instant::now();
    let send_end = start + cfg.duration;
    let hard_end = send_end + cfg.timeout + Duration::from_millis(50);
    let rate = f64::from(cfg.rate);
    loop {
        let now = Instant::now();
        if now >= hard_end {
            break;
        }
        if now < send_end {
            let due = (((now - start).as_secs_f64() * rate) as u64).min(cfg.max_exchanges);
            let mut batch = 0;
            while stats.started < due && batch < 256 {
                batch += 1;
                let mut chosen = None;
                for _ in 0..8 {
                    let c = cursor;
                    cursor = (cursor + 1) % cfg.clients;
                    if slots[c as usize].phase == Phase::Idle {
                        chosen = Some(c);
                        break;
                    }
                    busy_skips += 1;
                }
                stats.started += 1;
                let Some(c) = chosen else {
                    stats.dropped += 1;
                    continue;
                };
                let xid = next_xid & 0x00ff_ffff;
                next_xid = next_xid.wrapping_add(1);
                let mac = client_mac(c);
                wire6::encode(wire6::SOLICIT, xid, &mac, cfg.ia, &[], &[], &mut out);
                let t0 = Instant::now();
                stats.packets_sent += 1;
                if t.send(&out, &mac).is_err() {
                    send_errors += 1;
                    stats.dropped += 1;
                    continue;
                }
                slots[c as usize] = Slot {
                    phase: Phase::WaitAdvertise,
                    xid,
                    started: t0,
                };
                outstanding += 1;
                deadlines.push_back((t0 + cfg.timeout, c, xid));
            }
        } else if outstanding == 0 {
            break;
        }

        for _ in 0..1024 {
            let n = match t.sock.recv_from(&mut buf) {
                Ok((n, _)) => n,
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e).context("receive"),
            };
            let Some(r) = wire6::unwrap_relay(&buf[..n]).and_then(wire6::decode) else {
                continue;
            };
            let Some(c) = r
                .client_mac
                .and_then(|m| client_index(&m))
                .filter(|&c| c < cfg.clients)
            else {
                continue;
            };
            let slot = &mut slots[c as usize];
            if slot.xid != r.xid || slot.phase == Phase::Idle {
                continue;
            }
            match (slot.phase, r.msg_type) {
                (Phase::WaitAdvertise, wire6::ADVERTISE) if r.ia_granted => {
                    let mac = client_mac(c);
                    wire6::encode(
                        wire6::REQUEST,
                        r.xid,
                        &mac,
                        cfg.ia,
                        r.server_id,
                        r.ia_body,
                        &mut out,
                    );
                    stats.packets_sent += 1;
                    if t.send(&out, &mac).is_err() {
                        send_errors += 1;
                    } else {
                        slot.phase = Phase::WaitReply;
                    }
                }
                (Phase::WaitReply, wire6::REPLY) if r.ia_granted => {
                    stats.complete(slot.started.elapsed());
                    slot.phase = Phase::Idle;
                    outstanding -= 1;
                }
                _ => {
                    stats.rejected += 1;
                    slot.phase = Phase::Idle;
                    outstanding -= 1;
                }
            }
        }

        let now = Instant::now();
        while let Some(&(deadline, c, xid)) = deadlines.front() {
            if deadline > now {
                break;
            }
            deadlines.pop_front();
            let slot = &mut slots[c as usize];
            if slot.xid == xid && slot.phase != Phase::Idle {
                slot.phase = Phase::Idle;
                stats.dropped += 1;
                outstanding -= 1;
            }
        }

        let wait = if now < send_end {
            let at = start + Duration::from_secs_f64((stats.started + 1) as f64 / rate);
            at.saturating_duration_since(now)
                .min(Duration::from_millis(1))
        } else {
            Duration::from_millis(1)
        };
        if !wait.is_zero() {
            wait_readable(t.sock.as_raw_fd(), wait);
        }
    }
    stats.dropped += outstanding;
    let send_period = cfg.duration.min(start.elapsed());
    let due = ((send_period.as_secs_f64() * rate) as u64).min(cfg.max_exchanges);
    Ok(Outcome {
        stats,
        send_period,
        due,
        send_errors,
        busy_skips,
        cpu: cpu_time().saturating_sub(cpu0),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eui64_link_local() {
        assert_eq!(
            link_local(&[0x02, 0x42, 0, 0, 0, 7]),
            "fe80::42:ff:fe00:7".parse::<Ipv6Addr>().unwrap()
        );
    }
}
