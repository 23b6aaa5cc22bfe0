//! The running server: configuration generations, the packet loop thread, lease
//! reclamation, and the transactional reconfiguration used by start-up, SIGHUP, config-set
//! and config-reload.

use std::net::Ipv4Addr;
use std::os::fd::{AsFd, OwnedFd};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use arc_swap::ArcSwap;
use dhcp_lease::{Memfile4, MemfileConfig};
use dhcp_packet::Pkt4;
use kea_log::{kea_log, loggers, messages};
use kea_process::PathPolicy;
use nix::poll::{PollFd, PollFlags, PollTimeout};

use crate::config::ServerConfig;
use crate::iface;
use crate::load::Prepared;
use crate::pipeline::{self, Drop, LeaseEvent, Outcome, Ports, ServerState};
use crate::socket::{Endpoint, Received, SendMeta};
use crate::stats::Stats;
use dhcpsrv::coalesce::{Round, RxCoalescer};

/// Identity of an open lease store: reopened only when this changes.
#[derive(Debug, Clone, PartialEq, Eq)]
struct LeaseDbKey {
    file: Option<PathBuf>,
    lfc_interval: u32,
}

/// A configuration with its resources opened, not yet in service.
pub struct Staged {
    pub prepared: Prepared,
    state: ServerState,
    endpoints: Vec<Endpoint>,
    store_key: LeaseDbKey,
    store: Arc<Memfile4>,
}

impl std::fmt::Debug for Staged {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Staged")
            .field("endpoints", &self.endpoints)
            .finish()
    }
}

/// The server shared by the packet loop, the timers and the command handlers.
pub struct Server {
    state: ArcSwap<ServerState>,
    pub stats: Arc<Stats>,
    pub disabled: Arc<AtomicBool>,
    pub ports: Ports,
    pub config_file: PathBuf,
    pub policy: PathPolicy,
    pub started: Instant,
    last_reload: Mutex<Instant>,
    store: Mutex<Option<(LeaseDbKey, Arc<Memfile4>)>>,
    mailbox: Mutex<Option<Vec<Endpoint>>>,
    mailbox_full: AtomicBool,
    wake_rx: OwnedFd,
    wake_tx: OwnedFd,
    stop: AtomicBool,
    reclaimer: Mutex<dhcp_alloc::Reclaimer>,
    /// Serializes reconfigurations (config-set, config-reload, SIGHUP).
    pub reconfig: tokio::sync::Mutex<()>,
}

impl std::fmt::Debug for Server {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Server")
            .field("config_file", &self.config_file)
            .finish()
    }
}

fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// Kea's client label: `[hwtype=1 aa:bb:..], cid=[..], tid=0x..`.
pub fn client_label(q: &Pkt4) -> String {
    q.kea_label()
}

fn reclaim_config(cfg: &ServerConfig) -> dhcp_alloc::ReclaimConfig {
    let e = &cfg.expired;
    dhcp_alloc::ReclaimConfig {
        reclaim_timer_wait_time: e.reclaim_timer_wait_time,
        flush_reclaimed_timer_wait_time: e.flush_reclaimed_timer_wait_time,
        hold_reclaimed_time: e.hold_reclaimed_time,
        max_reclaim_leases: e.max_reclaim_leases,
        max_reclaim_time: e.max_reclaim_time,
        unwarned_reclaim_cycles: e.unwarned_reclaim_cycles,
    }
}

/// `statistic-default-sample-count` / `-age` of a configuration going live.
fn apply_sample_defaults(cfg: &crate::config::ServerConfig) {
    if let Some(m) = &cfg.model {
        dhcpsrv::stats::set_default_limits(
            m.statistic_default_sample_count,
            u64::from(m.statistic_default_sample_age),
        );
    }
}

impl Server {
    /// Creates the server around its first configuration (staged by [`Server::stage_first`]).
    pub fn new(
        staged: Staged,
        ports: Ports,
        config_file: PathBuf,
        policy: PathPolicy,
        stats: Arc<Stats>,
        disabled: Arc<AtomicBool>,
    ) -> std::io::Result<(Arc<Self>, Vec<Endpoint>)> {
        let (wake_rx, wake_tx) =
            nix::unistd::pipe2(nix::fcntl::OFlag::O_NONBLOCK | nix::fcntl::OFlag::O_CLOEXEC)
                .map_err(std::io::Error::from)?;
        let Staged {
            prepared,
            state,
            endpoints,
            store_key,
            store,
        } = staged;
        let rc = reclaim_config(&prepared.cfg);
        apply_sample_defaults(&prepared.cfg);
        state.stats.install_subnets(&state.subnet_stats);
        let server = Arc::new(Server {
            state: ArcSwap::from_pointee(state),
            stats,
            disabled,
            ports,
            config_file,
            policy,
            started: Instant::now(),
            last_reload: Mutex::new(Instant::now()),
            store: Mutex::new(Some((store_key, store))),
            mailbox: Mutex::new(None),
            mailbox_full: AtomicBool::new(false),
            wake_rx,
            wake_tx,
            stop: AtomicBool::new(false),
            reclaimer: Mutex::new(dhcp_alloc::Reclaimer::new(rc)),
            reconfig: tokio::sync::Mutex::new(()),
        });
        if let Some(l) = &prepared.logging {
            let _ = kea_log::apply(l);
        }
        Ok((server, endpoints))
    }

    /// The configuration generation in service.
    pub fn state(&self) -> Arc<ServerState> {
        self.state.load_full()
    }

    /// Seconds since the last (re)configuration.
    pub fn since_reload(&self) -> u64 {
        self.last_reload
            .lock()
            .map(|t| t.elapsed().as_secs())
            .unwrap_or(0)
    }

    /// Opens the resources of a first configuration (no server yet).
    pub fn stage_first(
        prepared: Prepared,
        ports: Ports,
        stats: &Arc<Stats>,
        disabled: &Arc<AtomicBool>,
    ) -> Result<Staged, String> {
        stage_with(prepared, None, ports, stats, disabled)
    }

    /// Opens the resources of a new configuration: lease store (reused when unchanged),
    /// sockets, allocators, statistics. Nothing in service changes.
    pub fn stage(&self, prepared: Prepared) -> Result<Staged, String> {
        let current = self.store.lock().map(|g| g.clone()).unwrap_or(None);
        stage_with(prepared, current, self.ports, &self.stats, &self.disabled)
    }

    /// The lease database in service (`lease4-write`).
    pub fn lease_store(&self) -> Option<Arc<Memfile4>> {
        self.store
            .lock()
            .ok()
            .and_then(|g| g.as_ref().map(|(_, m)| m.clone()))
    }

    /// Puts a staged configuration in service.
    pub fn commit(&self, staged: Staged) {
        let Staged {
            prepared,
            state,
            endpoints,
            store_key,
            store,
        } = staged;
        apply_sample_defaults(&prepared.cfg);
        state.stats.install_subnets(&state.subnet_stats);
        if let Ok(mut r) = self.reclaimer.lock() {
            *r = dhcp_alloc::Reclaimer::new(reclaim_config(&prepared.cfg));
        }
        self.state.store(Arc::new(state));
        if let Ok(mut s) = self.store.lock() {
            *s = Some((store_key, store));
        }
        if let Ok(mut m) = self.mailbox.lock() {
            *m = Some(endpoints);
            self.mailbox_full.store(true, Ordering::Release);
        }
        self.wake();
        if let Some(l) = &prepared.logging {
            if let Err(e) = kea_log::apply(l) {
                eprintln!("logging reconfiguration failed: {e}");
            }
        } else {
            kea_log::reset(kea_log::root_name().as_str(), false);
        }
        if let Ok(mut t) = self.last_reload.lock() {
            *t = Instant::now();
        }
    }

    fn wake(&self) {
        let _ = nix::unistd::write(&self.wake_tx, &[1u8]);
    }

    /// Asks the packet loop to end.
    pub fn request_stop(&self) {
        self.stop.store(true, Ordering::SeqCst);
        self.wake();
    }

    pub fn stop_requested(&self) -> bool {
        self.stop.load(Ordering::SeqCst)
    }

    /// One reclamation cycle (`leases-reclaim` when `unlimited`); returns how many leases.
    pub fn reclaim(&self, unlimited: bool, remove: Option<bool>) -> Result<usize, String> {
        let st = self.state();
        let mut r = self
            .reclaimer
            .lock()
            .map_err(|_| "reclaimer unavailable".to_string())?;
        let mut cfg = *r.config();
        if unlimited {
            cfg.max_reclaim_leases = 0;
            cfg.max_reclaim_time = 0;
        }
        if let Some(rm) = remove {
            cfg.flush_reclaimed_timer_wait_time = if rm {
                0
            } else {
                cfg.flush_reclaimed_timer_wait_time.max(1)
            };
        }
        let mut one_shot = dhcp_alloc::Reclaimer::new(cfg);
        let reclaimer: &mut dhcp_alloc::Reclaimer = if unlimited || remove.is_some() {
            &mut one_shot
        } else {
            &mut r
        };
        let now = unix_now();
        let report = reclaimer.reclaim(st.leases.as_ref(), now, &mut |_| {
            dhcp_alloc::ReclaimAction::Reclaim
        });
        for rec in &report.reclaimed {
            let l = &rec.lease;
            st.count_reclaimed(l.subnet_id, l.address, rec.was_declined);
            st.note_freed(l.subnet_id, l.address);
        }
        if let Some((addr, e)) = report.errors.first() {
            kea_log!(
                loggers::DHCP4,
                messages::DHCP4_RECLAIM_EXPIRED_LEASES_FAIL,
                format!("{addr}: {e}")
            );
        }
        kea_log!(
            loggers::ALLOC_ENGINE,
            messages::ALLOC_ENGINE_V4_LEASES_RECLAMATION_COMPLETE,
            report.reclaimed.len(),
            format!("{:?}", report.elapsed)
        );
        Ok(report.reclaimed.len())
    }

    /// Removes reclaimed leases held longer than `hold-reclaimed-time`.
    pub fn flush_reclaimed(&self) {
        let st = self.state();
        if let Ok(r) = self.reclaimer.lock() {
            let _ = r.flush(st.leases.as_ref(), unix_now());
        }
    }

    /// The packet loop: runs on its own thread until [`Server::request_stop`].
    ///
    /// With light traffic it blocks (in `recv` with one endpoint, the usual case, bounded by
    /// the socket's receive timeout; in `poll` with several) and answers each query at once.
    /// Under load it coalesces: pause, then serve all that queued ([`RxCoalescer`]).
    pub fn run_packet_loop(self: Arc<Self>, mut endpoints: Vec<Endpoint>) {
        let mut buf = vec![0u8; 65536];
        let mut replies = ReplyBatch::default();
        let mut frame = Vec::with_capacity(1600);
        let mut wake_buf = [0u8; 64];
        let mut fds_ready: Vec<bool> = Vec::new();
        let mut coalescer = RxCoalescer::new();
        while !self.stop_requested() {
            if self.mailbox_full.swap(false, Ordering::AcqRel)
                && let Ok(mut m) = self.mailbox.lock()
                && let Some(new) = m.take()
            {
                endpoints = new;
            }
            if endpoints.is_empty() {
                let mut fds = [PollFd::new(self.wake_rx.as_fd(), PollFlags::POLLIN)];
                let _ = nix::poll::poll(&mut fds, PollTimeout::from(1000u16));
                while nix::unistd::read(&self.wake_rx, &mut wake_buf).is_ok_and(|n| n > 0) {}
                continue;
            }
            let mut served = 0;
            match (coalescer.next_round(), endpoints.as_slice()) {
                (Round::PauseThenDrain, _) => {
                    coalescer.pause();
                    for e in &endpoints {
                        served += self.serve_endpoint(e, &mut buf, &mut replies, &mut frame, false);
                    }
                }
                (Round::Block, [only]) => {
                    served = self.serve_endpoint(only, &mut buf, &mut replies, &mut frame, true);
                }
                (Round::Block, _) => {
                    let mut fds: Vec<PollFd<'_>> = Vec::with_capacity(1 + endpoints.len());
                    fds.push(PollFd::new(self.wake_rx.as_fd(), PollFlags::POLLIN));
                    for e in &endpoints {
                        fds.push(PollFd::new(e.main_fd(), PollFlags::POLLIN));
                    }
                    match nix::poll::poll(&mut fds, PollTimeout::from(1000u16)) {
                        Ok(0) => {}
                        Ok(_) => {}
                        Err(nix::errno::Errno::EINTR) => {}
                        Err(e) => {
                            kea_log!(loggers::DHCP4, messages::DHCP4_BUFFER_RECEIVE_FAIL, e);
                            std::thread::sleep(Duration::from_millis(100));
                        }
                    }
                    fds_ready.clear();
                    fds_ready.extend(
                        fds.iter()
                            .map(|f| f.revents().is_some_and(|r| !r.is_empty())),
                    );
                    drop(fds);
                    if fds_ready[0] {
                        while nix::unistd::read(&self.wake_rx, &mut wake_buf).is_ok_and(|n| n > 0) {
                        }
                    }
                    for (i, e) in endpoints.iter().enumerate() {
                        if fds_ready.get(i + 1).copied().unwrap_or(false) {
                            served +=
                                self.serve_endpoint(e, &mut buf, &mut replies, &mut frame, false);
                        }
                    }
                }
            }
            coalescer.record(served, Instant::now());
        }
    }

    /// Serves what is queued on one endpoint (a bounded batch, so other sockets get a turn)
    /// and returns how many packets it read. With `wait` the first read blocks (bounded by
    /// the socket's receive timeout, which brings the loop back to check for stop and
    /// reconfiguration); every other read returns at once when nothing is queued.
    ///
    /// The lease file rows of the batch are written with one `write` before any of its
    /// replies is sent, so a client is never told of a lease the file does not hold.
    fn serve_endpoint(
        &self,
        e: &Endpoint,
        buf: &mut [u8],
        replies: &mut ReplyBatch,
        frame: &mut Vec<u8>,
        wait: bool,
    ) -> usize {
        let mut served = 0;
        let mut batch_store = None;
        for _ in 0..256 {
            let block = wait && served == 0;
            let (start, len, meta) = match e.recv(buf, block) {
                Ok(Received::Packet { start, len, meta }) => (start, len, meta),
                Ok(Received::Ignored(_)) => continue,
                Ok(Received::BadFrame(_)) => continue,
                Err(err) if err.kind() == std::io::ErrorKind::WouldBlock => break,
                Err(err) if err.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(err) => {
                    kea_log!(loggers::DHCP4, messages::DHCP4_BUFFER_RECEIVE_FAIL, err);
                    break;
                }
            };
            served += 1;
            // One clock read stamps all of this packet's statistic changes.
            let _clock = dhcpsrv::stats::PacketClock::start();
            let st = self.state.load();
            if batch_store.is_none() {
                st.leases.begin_write_batch();
                batch_store = Some(st.leases.clone());
            }
            let g = &st.stats.global;
            g.pkt4_received.inc();
            let q = match Pkt4::decode(&buf[start..start + len]) {
                Ok(q) => q,
                Err(err) => {
                    g.pkt4_parse_failed.inc();
                    g.pkt4_receive_drop.inc();
                    kea_log!(
                        loggers::BAD_PACKETS,
                        messages::DHCP4_PACKET_DROP_0001,
                        "[no info]",
                        meta.remote_addr,
                        meta.local_addr,
                        meta.iface,
                        err,
                        format!("{len} bytes")
                    );
                    continue;
                }
            };
            kea_log!(
                loggers::PACKETS,
                messages::DHCP4_QUERY_DATA,
                client_label(&q),
                pkt_text(&q)
            );
            let (outcome, event) = pipeline::process_at(&st, &q, &meta, unix_now());
            log_event(&q, event.as_ref());
            match outcome {
                Outcome::Reply(reply, send) => {
                    kea_log!(
                        loggers::PACKETS,
                        messages::DHCP4_RESPONSE_DATA,
                        client_label(&q),
                        reply.xid,
                        reply.message_type().map_or("BOOTREPLY", |t| t.kea_name()),
                        pkt_text(&reply)
                    );
                    replies.push(&reply, send);
                }
                Outcome::Done => {}
                Outcome::Drop(d) => log_drop(&q, &meta.iface, &d),
            }
        }
        if let Some(store) = batch_store
            && let Err(err) = store.end_write_batch()
        {
            // The leases are in memory but not in the file: announce none of them. The
            // clients retransmit and are answered again once writing works.
            kea_log!(
                loggers::DHCP4,
                messages::DHCP4_PACKET_PROCESS_STD_EXCEPTION_MAIN,
                err
            );
            replies.clear();
        }
        replies.send_all(e, frame);
        served
    }
}

/// Replies of one round, encoded back to back, sent after the round's lease writes.
#[derive(Default)]
struct ReplyBatch {
    bytes: Vec<u8>,
    replies: Vec<(std::ops::Range<usize>, SendMeta)>,
}

impl ReplyBatch {
    fn push(&mut self, reply: &Pkt4, send: SendMeta) {
        let start = self.bytes.len();
        reply.encode(&mut self.bytes);
        self.replies.push((start..self.bytes.len(), send));
    }

    fn clear(&mut self) {
        self.bytes.clear();
        self.replies.clear();
    }

    fn send_all(&mut self, e: &Endpoint, frame: &mut Vec<u8>) {
        for (range, send) in &self.replies {
            let payload = &self.bytes[range.clone()];
            if let Err(err) = e.send(payload, send, frame) {
                // Only on this rare path is the client named again, from the reply itself.
                let label = Pkt4::decode(payload)
                    .map_or_else(|_| "[no info]".to_string(), |p| client_label(&p));
                kea_log!(
                    loggers::PACKETS,
                    messages::DHCP4_PACKET_SEND_FAIL,
                    label,
                    err
                );
            }
        }
        self.clear();
    }
}

/// One-line packet details for the debug messages (Kea prints a multi-line dump).
pub fn pkt_text(p: &Pkt4) -> String {
    let mut s = format!(
        "op={} htype={} hlen={} hops={} xid=0x{:x} secs={} flags=0x{:x} ciaddr={} yiaddr={} siaddr={} giaddr={}",
        p.op,
        p.htype,
        p.hlen,
        p.hops,
        p.xid,
        p.secs,
        p.flags,
        p.ciaddr,
        p.yiaddr,
        p.siaddr,
        p.giaddr
    );
    for (code, v) in p.options.iter() {
        s.push_str(&format!(" option[{code}]="));
        for b in v {
            s.push_str(&format!("{b:02x}"));
        }
    }
    s
}

fn log_event(q: &Pkt4, ev: Option<&LeaseEvent>) {
    match ev {
        Some(LeaseEvent::Offer(a, _)) => {
            kea_log!(
                loggers::LEASES,
                messages::DHCP4_LEASE_OFFER,
                client_label(q),
                a
            )
        }
        Some(LeaseEvent::Alloc(a, v)) => {
            kea_log!(
                loggers::LEASES,
                messages::DHCP4_LEASE_ALLOC,
                client_label(q),
                a,
                v
            )
        }
        Some(LeaseEvent::Release(a)) => {
            kea_log!(loggers::LEASES, messages::DHCP4_RELEASE, client_label(q), a)
        }
        Some(LeaseEvent::Decline(a)) => {
            kea_log!(
                loggers::LEASES,
                messages::DHCP4_DECLINE_LEASE,
                a,
                client_label(q),
                "probation"
            )
        }
        Some(LeaseEvent::Nak) | None => {}
    }
}

fn log_drop(q: &Pkt4, iface: &str, d: &Drop) {
    match d {
        Drop::Disabled => kea_log!(
            loggers::PACKETS,
            messages::DHCP4_PACKET_DROP_0008,
            client_label(q)
        ),
        Drop::Bootp => kea_log!(
            loggers::PACKETS,
            messages::DHCP4_PACKET_DROP_0009,
            client_label(q)
        ),
        Drop::UnknownType(t) => {
            kea_log!(
                loggers::PACKETS,
                messages::DHCP4_PACKET_DROP_0005,
                client_label(q),
                t
            )
        }
        Drop::Unsupported(t) => {
            kea_log!(
                loggers::PACKETS,
                messages::DHCP4_PACKET_DROP_0006,
                client_label(q),
                t.kea_name()
            )
        }
        Drop::ForeignServerId => {
            kea_log!(
                loggers::PACKETS,
                messages::DHCP4_PACKET_DROP_0003,
                client_label(q),
                iface
            )
        }
        Drop::NoSubnet if !q.is_relayed() && q.ciaddr.is_unspecified() => {
            kea_log!(
                loggers::PACKETS,
                messages::DHCP4_PACKET_DROP_0002,
                client_label(q),
                iface
            )
        }
        Drop::NoSubnet => {
            kea_log!(
                loggers::PACKETS,
                messages::DHCP4_SUBNET_SELECTION_FAILED,
                client_label(q)
            )
        }
        Drop::InitRebootUnknown => kea_log!(
            loggers::PACKETS,
            messages::DHCP4_NO_LEASE_INIT_REBOOT,
            client_label(q),
            q.requested_ip().unwrap_or(Ipv4Addr::UNSPECIFIED)
        ),
        Drop::AllocFailed => {
            kea_log!(
                loggers::ALLOC_ENGINE,
                messages::ALLOC_ENGINE_V4_ALLOC_FAIL,
                client_label(q),
                1
            )
        }
        Drop::DropClass => kea_log!(
            loggers::PACKETS,
            messages::DHCP4_PACKET_DROP_0010,
            client_label(q),
            pkt_text(q)
        ),
        Drop::DropClassAfterHost => kea_log!(
            loggers::PACKETS,
            messages::DHCP4_PACKET_DROP_0013,
            client_label(q),
            pkt_text(q)
        ),
        Drop::NotRequest | Drop::Rfc(_) | Drop::Store(_) => {
            kea_log!(
                loggers::PACKETS,
                messages::DHCP4_PACKET_DROP_0007,
                client_label(q),
                d.reason()
            )
        }
    }
}

fn stage_with(
    prepared: Prepared,
    current: Option<(LeaseDbKey, Arc<Memfile4>)>,
    ports: Ports,
    stats: &Arc<Stats>,
    disabled: &Arc<AtomicBool>,
) -> Result<Staged, String> {
    let cfg = prepared.cfg.clone();
    let key = LeaseDbKey {
        file: prepared.lease_file.clone(),
        lfc_interval: cfg.lease_db.lfc_interval,
    };
    let store = match current {
        Some((k, s)) if k == key => s,
        _ => match &key.file {
            None => Arc::new(Memfile4::in_memory()),
            Some(f) => {
                kea_log!(
                    loggers::DHCPSRV,
                    messages::DHCPSRV_MEMFILE_LEASE_FILE_LOAD,
                    f.display()
                );
                let mut mc = MemfileConfig::persistent(f.clone());
                mc.lfc_interval = key.lfc_interval;
                mc.max_row_errors = cfg.lease_db.max_row_errors;
                let (m, _report) = Memfile4::open(mc)
                    .map_err(|e| format!("failed to open the lease database: {e}"))?;
                Arc::new(m)
            }
        },
    };
    let ifaces = iface::discover().map_err(|e| format!("failed to detect interfaces: {e}"))?;
    let listens = iface::resolve(&cfg.interfaces, &ifaces)?;
    let mut endpoints = Vec::with_capacity(listens.len());
    for l in listens {
        let name = l.iface.name.clone();
        let ep = Endpoint::open(l, cfg.socket_type, ports.server)
            .map_err(|e| format!("failed to open socket on interface {name}: {e}"))?;
        endpoints.push(ep);
    }
    let local_addrs: Vec<Ipv4Addr> = ifaces
        .iter()
        .flat_map(|i| i.addrs.iter().copied())
        .collect();
    let state = ServerState::new(
        cfg,
        store.clone(),
        stats.clone(),
        local_addrs,
        ports,
        disabled.clone(),
    )?;
    Ok(Staged {
        prepared,
        state,
        endpoints,
        store_key: key,
        store,
    })
}

/// Counts leases per state (stat-lease4-get support).
pub fn lease_counts(store: &dyn dhcp_lease::LeaseStore4, subnet: Option<u32>) -> (u64, u64) {
    let mut assigned = 0;
    let mut declined = 0;
    for c in store.counts() {
        if subnet.is_none_or(|s| s == c.subnet_id) {
            assigned += c.counts.default;
            declined += c.counts.declined;
        }
    }
    (assigned, declined)
}
