//! The DHCPv4 load loop: many simulated clients, a fixed offered rate, one thread.
//!
//! Exchanges start at `rate` per second for `duration`; every exchange ends with an ACK or is
//! counted dropped after `timeout`. The loop is bounded by `duration + timeout` and by
//! `max_exchanges`, whatever the server does.

use std::collections::VecDeque;
use std::io;
use std::net::{Ipv4Addr, SocketAddrV4, UdpSocket};
use std::os::fd::AsRawFd;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use crate::leases::{client_index, client_mac, lease_addr};
use crate::rawsock::PacketSocket;
use crate::stats::RunStats;
use crate::wire4::{self, Request4};

/// How requests reach the server.
#[derive(Debug, Clone)]
pub enum Mode4 {
    /// Unicast from `giaddr:67` to `server:67` with giaddr set, as a relay agent does.
    Relay { server: Ipv4Addr, giaddr: Ipv4Addr },
    /// Broadcast Ethernet frames from 0.0.0.0:68 on `iface`; replies asked as broadcast.
    Direct { iface: String },
}

/// Which exchange each simulated client performs.
#[derive(Debug, Clone, Copy)]
pub enum Exchange4 {
    /// DISCOVER → OFFER → REQUEST → ACK.
    Dora,
    /// RENEWING REQUEST (ciaddr = the client's lease from a generated file) → ACK.
    Renew { first: Ipv4Addr },
}

/// One load run's parameters.
#[derive(Debug, Clone)]
pub struct Config4 {
    pub mode: Mode4,
    pub exchange: Exchange4,
    /// Offered exchanges per second.
    pub rate: u32,
    /// Number of simulated clients (distinct hardware addresses), used round-robin.
    pub clients: u32,
    pub duration: Duration,
    pub timeout: Duration,
    /// Upper bound on exchanges started, whatever the rate and duration.
    pub max_exchanges: u64,
}

#[derive(Debug, Clone, Copy)]
enum Phase {
    Idle,
    WaitOffer,
    WaitAck,
}

#[derive(Debug, Clone, Copy)]
struct Slot {
    phase: Phase,
    xid: u32,
    started: Instant,
}

enum Transport {
    Relay {
        sock: UdpSocket,
        server: SocketAddrV4,
        giaddr: Ipv4Addr,
    },
    Direct {
        tx: PacketSocket,
        rx: UdpSocket,
        src_mac: [u8; 6],
        frame: Vec<u8>,
    },
}

impl Transport {
    fn open(mode: &Mode4) -> Result<Self> {
        match mode {
            Mode4::Relay { server, giaddr } => {
                let sock = UdpSocket::bind(SocketAddrV4::new(*giaddr, 67))
                    .with_context(|| format!("bind {giaddr}:67 (relay address)"))?;
                sock.set_nonblocking(true)?;
                big_receive_buffer(&sock);
                Ok(Transport::Relay {
                    sock,
                    server: SocketAddrV4::new(*server, 67),
                    giaddr: *giaddr,
                })
            }
            Mode4::Direct { iface } => {
                let tx = PacketSocket::open(iface)?;
                let rx = UdpSocket::bind(SocketAddrV4::new(Ipv4Addr::UNSPECIFIED, 68))
                    .context("bind 0.0.0.0:68 for broadcast replies")?;
                rx.set_broadcast(true)?;
                rx.set_nonblocking(true)?;
                big_receive_buffer(&rx);
                let src_mac = tx.mac();
                Ok(Transport::Direct {
                    tx,
                    rx,
                    src_mac,
                    frame: Vec::with_capacity(400),
                })
            }
        }
    }

    fn giaddr(&self) -> Ipv4Addr {
        match self {
            Transport::Relay { giaddr, .. } => *giaddr,
            Transport::Direct { .. } => Ipv4Addr::UNSPECIFIED,
        }
    }

    fn send(&mut self, payload: &[u8]) -> io::Result<()> {
        match self {
            Transport::Relay { sock, server, .. } => sock.send_to(payload, *server).map(|_| ()),
            Transport::Direct {
                tx, src_mac, frame, ..
            } => {
                crate::frame::broadcast_frame(*src_mac, payload, frame);
                tx.send(frame)
            }
        }
    }

    fn recv(&self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Transport::Relay { sock, .. } => sock.recv_from(buf).map(|(n, _)| n),
            Transport::Direct { rx, .. } => rx.recv_from(buf).map(|(n, _)| n),
        }
    }

    fn recv_fd(&self) -> i32 {
        match self {
            Transport::Relay { sock, .. } => sock.as_raw_fd(),
            Transport::Direct { rx, .. } => rx.as_raw_fd(),
        }
    }
}

/// What a run measured, beyond [`RunStats`].
#[derive(Debug)]
pub struct Outcome {
    pub stats: RunStats,
    /// Wall time from the first send to the end of the sending period.
    pub send_period: Duration,
    /// Exchanges that should have started at the offered rate.
    pub due: u64,
    /// Send errors (e.g. ENOBUFS): the generator or the link, not the server.
    pub send_errors: u64,
    /// Starts skipped because the chosen client was still busy.
    pub busy_skips: u64,
    /// CPU seconds (user + system) this process used during the run.
    pub cpu: Duration,
}

/// Runs the load described by `cfg` and returns what it measured.
pub fn run(cfg: &Config4) -> Result<Outcome> {
    if cfg.clients == 0 || cfg.rate == 0 {
        bail!("clients and rate must be positive");
    }
    if let (Exchange4::Renew { .. }, Mode4::Direct { .. }) = (&cfg.exchange, &cfg.mode) {
        bail!("renew is only supported in relay mode (a renewing client unicasts from its lease)");
    }
    if let Exchange4::Renew { first } = cfg.exchange
        && lease_addr(first, cfg.clients - 1).is_none()
    {
        bail!("--first plus --clients runs past 255.255.255.255");
    }
    let mut t = Transport::open(&cfg.mode)?;
    let giaddr = t.giaddr();
    let broadcast = giaddr.is_unspecified();
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
    let mut out = Vec::with_capacity(400);
    let mut buf = vec![0u8; 2048];
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
        // 1. Start the exchanges due by now (bounded batch so replies are read in between).
        if now < send_end {
            let due = ((now - start).as_secs_f64() * rate) as u64;
            let due = due.min(cfg.max_exchanges);
            let mut batch = 0;
            while stats.started < due && batch < 256 {
                batch += 1;
                // Find an idle client, trying a few; a busy one means the server lags.
                let mut chosen = None;
                for _ in 0..8 {
                    let c = cursor;
                    cursor = (cursor + 1) % cfg.clients;
                    if matches!(slots[c as usize].phase, Phase::Idle) {
                        chosen = Some(c);
                        break;
                    }
                    busy_skips += 1;
                }
                let Some(c) = chosen else {
                    stats.started += 1;
                    stats.dropped += 1;
                    continue;
                };
                let xid = next_xid;
                next_xid = next_xid.wrapping_add(1).max(1);
                let (msg_type, ciaddr) = match cfg.exchange {
                    Exchange4::Dora => (wire4::DISCOVER, Ipv4Addr::UNSPECIFIED),
                    Exchange4::Renew { first } => (
                        wire4::REQUEST,
                        lease_addr(first, c).unwrap_or(Ipv4Addr::UNSPECIFIED),
                    ),
                };
                wire4::encode(
                    &Request4 {
                        msg_type,
                        xid,
                        chaddr: client_mac(c),
                        giaddr,
                        ciaddr,
                        broadcast,
                        requested: None,
                        server_id: None,
                    },
                    &mut out,
                );
                let t0 = Instant::now();
                stats.started += 1;
                stats.packets_sent += 1;
                if t.send(&out).is_err() {
                    send_errors += 1;
                    stats.dropped += 1;
                    continue;
                }
                slots[c as usize] = Slot {
                    phase: match cfg.exchange {
                        Exchange4::Dora => Phase::WaitOffer,
                        Exchange4::Renew { .. } => Phase::WaitAck,
                    },
                    xid,
                    started: t0,
                };
                outstanding += 1;
                deadlines.push_back((t0 + cfg.timeout, c, xid));
            }
        } else if outstanding == 0 {
            break;
        }

        // 2. Read every reply waiting now.
        for _ in 0..1024 {
            let n = match t.recv(&mut buf) {
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e).context("receive"),
            };
            let Some(r) = wire4::decode(&buf[..n]) else {
                continue;
            };
            let Some(c) = client_index(&r.chaddr).filter(|&c| c < cfg.clients) else {
                continue;
            };
            let slot = &mut slots[c as usize];
            if slot.xid != r.xid {
                continue; // late reply to an exchange already counted dropped
            }
            match (slot.phase, r.msg_type) {
                (Phase::WaitOffer, wire4::OFFER) => {
                    wire4::encode(
                        &Request4 {
                            msg_type: wire4::REQUEST,
                            xid: r.xid,
                            chaddr: r.chaddr,
                            giaddr,
                            ciaddr: Ipv4Addr::UNSPECIFIED,
                            broadcast,
                            requested: Some(r.yiaddr),
                            server_id: r.server_id,
                        },
                        &mut out,
                    );
                    stats.packets_sent += 1;
                    if t.send(&out).is_err() {
                        send_errors += 1;
                    } else {
                        slot.phase = Phase::WaitAck;
                    }
                }
                (Phase::WaitAck, wire4::ACK) => {
                    stats.complete(slot.started.elapsed());
                    slot.phase = Phase::Idle;
                    outstanding -= 1;
                }
                (Phase::Idle, _) => {}
                (_, wire4::NAK) | (_, _) => {
                    stats.rejected += 1;
                    slot.phase = Phase::Idle;
                    outstanding -= 1;
                }
            }
        }

        // 3. Expire exchanges past their deadline (deadlines are in start order).
        let now = Instant::now();
        while let Some(&(deadline, c, xid)) = deadlines.front() {
            if deadline > now {
                break;
            }
            deadlines.pop_front();
            let slot = &mut slots[c as usize];
            if slot.xid == xid && !matches!(slot.phase, Phase::Idle) {
                slot.phase = Phase::Idle;
                stats.dropped += 1;
                outstanding -= 1;
            }
        }

        // 4. Sleep until the next send is due or a reply arrives (at most 1 ms).
        let wait = if now < send_end {
            let next_due = (stats.started + 1) as f64 / rate;
            let at = start + Duration::from_secs_f64(next_due);
            at.saturating_duration_since(now)
                .min(Duration::from_millis(1))
        } else {
            Duration::from_millis(1)
        };
        if !wait.is_zero() {
            wait_readable(t.recv_fd(), wait);
        }
    }
    // Anything still open at the hard end is a drop.
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

/// Makes replies wait in the kernel rather than be lost while this loop is busy sending: the
/// generator's own socket must never be the place where drops happen.
pub(crate) fn big_receive_buffer(sock: &UdpSocket) {
    let size: libc::c_int = 8 << 20;
    for opt in [libc::SO_RCVBUFFORCE, libc::SO_RCVBUF] {
        // SAFETY: valid socket and a c_int option value that outlives the call.
        let rc = unsafe {
            libc::setsockopt(
                sock.as_raw_fd(),
                libc::SOL_SOCKET,
                opt,
                (&size as *const libc::c_int).cast(),
                std::mem::size_of::<libc::c_int>() as libc::socklen_t,
            )
        };
        if rc == 0 {
            return;
        }
    }
}

/// Waits up to `timeout` for `fd` to become readable.
pub(crate) fn wait_readable(fd: i32, timeout: Duration) {
    let mut pfd = libc::pollfd {
        fd,
        events: libc::POLLIN,
        revents: 0,
    };
    let ts = libc::timespec {
        tv_sec: timeout.as_secs() as libc::time_t,
        tv_nsec: libc::c_long::from(timeout.subsec_nanos() as i32),
    };
    // SAFETY: one valid pollfd and a valid timespec that outlive the call; no signal mask.
    unsafe {
        libc::ppoll(&mut pfd, 1, &ts, std::ptr::null());
    }
}

/// User + system CPU time of this process so far.
pub fn cpu_time() -> Duration {
    // SAFETY: getrusage writes into the zeroed struct we own.
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: valid pointer to a rusage struct.
    if unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut ru) } != 0 {
        return Duration::ZERO;
    }
    let tv = |t: libc::timeval| {
        Duration::from_secs(t.tv_sec as u64) + Duration::from_micros(t.tv_usec as u64)
    };
    tv(ru.ru_utime) + tv(ru.ru_stime)
}
