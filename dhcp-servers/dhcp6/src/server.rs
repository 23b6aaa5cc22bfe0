//! The running server: configuration generations behind an `ArcSwap`, the packet thread,
//! lease reclamation, and transactional reconfiguration (start-up, SIGHUP, config-set,
//! config-reload): a new generation is staged completely, then swapped in.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use arc_swap::ArcSwap;
use dhcp_lease::{LeaseStore6, Memfile6, MemfileConfig};
use dhcp_packet::Pkt6;
use kea_log::{kea_log, loggers, messages};
use kea_process::PathPolicy;
use nix::poll::{PollFd, PollFlags, PollTimeout};

use crate::load::Prepared;
use crate::pipeline::{self, Drop, Label, Outcome, Ports, ServerState, unix_now};
use crate::shared::{GenerationSlot, Wakeup};
use crate::socket::{Endpoint, SendMeta};
use crate::stats::{G, S, Stats};
use dhcpsrv::coalesce::{Round, RxCoalescer};

/// An open lease store and what it was opened with (reused while unchanged).
type OpenStore = ((Option<PathBuf>, u32), Arc<Memfile6>);

/// A configuration with its resources opened, not yet in service.
pub struct Staged {
    pub prepared: Prepared,
    state: ServerState,
    endpoints: Vec<Endpoint>,
    store: OpenStore,
}

impl std::fmt::Debug for Staged {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Staged")
            .field("endpoints", &self.endpoints.len())
            .finish()
    }
}

/// Daemon-wide settings fixed at start-up.
#[derive(Debug, Clone)]
pub struct Settings {
    pub ports: Ports,
    pub config_file: PathBuf,
    pub policy: PathPolicy,
}

/// The server shared by the packet thread, the timers and the command handlers.
pub struct Server {
    state: ArcSwap<ServerState>,
    pub stats: Arc<Stats>,
    pub disabled: Arc<AtomicBool>,
    pub settings: Settings,
    pub started: Instant,
    last_reload: Mutex<Instant>,
    store: Mutex<Option<OpenStore>>,
    new_endpoints: GenerationSlot<Vec<Endpoint>>,
    wakeup: Wakeup,
    stop: AtomicBool,
    reclaimer: Mutex<dhcp_alloc::Reclaimer>,
    /// Serializes reconfigurations.
    pub reconfig: tokio::sync::Mutex<()>,
}

impl std::fmt::Debug for Server {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Server")
            .field("settings", &self.settings)
            .finish()
    }
}

fn reclaim_config(p: &Prepared) -> dhcp_alloc::ReclaimConfig {
    let e = &p.cfg.expired;
    dhcp_alloc::ReclaimConfig {
        reclaim_timer_wait_time: e.reclaim_timer_wait_time,
        flush_reclaimed_timer_wait_time: e.flush_reclaimed_timer_wait_time,
        hold_reclaimed_time: e.hold_reclaimed_time,
        max_reclaim_leases: e.max_reclaim_leases,
        max_reclaim_time: e.max_reclaim_time,
        unwarned_reclaim_cycles: e.unwarned_reclaim_cycles,
    }
}

/// Opens everything a configuration needs: lease store (the current one when its file
/// and LFC interval are unchanged), server DUID, sockets, allocators, statistics.
pub fn stage(
    prepared: Prepared,
    current: Option<OpenStore>,
    settings: &Settings,
    stats: &Arc<Stats>,
    disabled: &Arc<AtomicBool>,
) -> Result<Staged, String> {
    let key = (prepared.lease_file.clone(), prepared.lfc_interval);
    let store = match current {
        Some((k, s)) if k == key => (k, s),
        _ => {
            let m = match &key.0 {
                None => Memfile6::in_memory(),
                Some(f) => {
                    kea_log!(
                        loggers::DHCPSRV,
                        messages::DHCPSRV_MEMFILE_LEASE_FILE_LOAD,
                        f.display()
                    );
                    let mut mc = MemfileConfig::persistent(f.clone());
                    mc.lfc_interval = key.1;
                    Memfile6::open(mc)
                        .map_err(|e| format!("failed to open the lease database: {e}"))?
                        .0
                }
            };
            (key, Arc::new(m))
        }
    };
    let ifaces =
        crate::iface::discover().map_err(|e| format!("failed to detect interfaces: {e}"))?;
    let listens = crate::iface::resolve(&prepared.cfg.interfaces, &ifaces)?;
    let mac = ifaces
        .iter()
        .filter(|i| !i.iface.loopback && i.iface.mac != [0; 6])
        .map(|i| i.iface.mac)
        .next();
    let model = &prepared.cfg.model;
    let (duid, stored) =
        crate::duid::load_or_create(&model.server_id, &prepared.server_id_file, mac, unix_now())?;
    let _ = stored;
    kea_log!(
        loggers::DHCP6,
        messages::DHCP6_USING_SERVERID,
        crate::duid::to_text(&duid),
        prepared.server_id_file.display()
    );
    let mut endpoints = Vec::with_capacity(listens.len());
    for l in &listens {
        let name = l.iface.name.clone();
        endpoints.push(
            Endpoint::open(l.clone(), settings.ports.server)
                .map_err(|e| format!("failed to open socket on interface {name}: {e}"))?,
        );
    }
    let leases: Arc<dyn LeaseStore6> = store.1.clone();
    let state = ServerState::new(
        prepared.cfg.clone(),
        Arc::from(duid),
        leases,
        stats.clone(),
        listens,
        settings.ports,
        disabled.clone(),
    )?;
    Ok(Staged {
        prepared,
        state,
        endpoints,
        store,
    })
}

/// `statistic-default-sample-count` / `-age` of a configuration going live.
fn apply_sample_defaults(cfg: &crate::config::ServerConfig) {
    dhcpsrv::stats::set_default_limits(
        cfg.model.statistic_default_sample_count,
        u64::from(cfg.model.statistic_default_sample_age),
    );
}

impl Server {
    /// The server around its first staged configuration; returns it with the endpoints
    /// for [`Server::run_packet_loop`].
    pub fn new(
        staged: Staged,
        settings: Settings,
        stats: Arc<Stats>,
        disabled: Arc<AtomicBool>,
    ) -> std::io::Result<(Arc<Self>, Vec<Endpoint>)> {
        let wakeup = Wakeup::new()?;
        let Staged {
            prepared,
            state,
            endpoints,
            store,
        } = staged;
        apply_sample_defaults(&prepared.cfg);
        stats.install_subnets(&state.subnet_stats);
        if let Some(l) = &prepared.logging {
            let _ = kea_log::apply(l);
        }
        let server = Arc::new(Server {
            reclaimer: Mutex::new(dhcp_alloc::Reclaimer::new(reclaim_config(&prepared))),
            state: ArcSwap::from_pointee(state),
            stats,
            disabled,
            settings,
            started: Instant::now(),
            last_reload: Mutex::new(Instant::now()),
            store: Mutex::new(Some(store)),
            new_endpoints: GenerationSlot::default(),
            wakeup,
            stop: AtomicBool::new(false),
            reconfig: tokio::sync::Mutex::new(()),
        });
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

    /// Stages a new configuration next to the running one (nothing in service changes).
    pub fn stage(&self, prepared: Prepared) -> Result<Staged, String> {
        let current = self.store.lock().map(|g| g.clone()).unwrap_or(None);
        stage(
            prepared,
            current,
            &self.settings,
            &self.stats,
            &self.disabled,
        )
    }

    /// The lease database in service (`lease6-write`).
    pub fn lease_store(&self) -> Option<Arc<Memfile6>> {
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
            store,
        } = staged;
        apply_sample_defaults(&prepared.cfg);
        self.stats.install_subnets(&state.subnet_stats);
        if let Ok(mut r) = self.reclaimer.lock() {
            *r = dhcp_alloc::Reclaimer::new(reclaim_config(&prepared));
        }
        self.state.store(Arc::new(state));
        if let Ok(mut s) = self.store.lock() {
            *s = Some(store);
        }
        self.new_endpoints.put(endpoints);
        self.wakeup.wake();
        match &prepared.logging {
            Some(l) => {
                if let Err(e) = kea_log::apply(l) {
                    eprintln!("logging reconfiguration failed: {e}");
                }
            }
            None => kea_log::reset(kea_log::root_name().as_str(), false),
        }
        if let Ok(mut t) = self.last_reload.lock() {
            *t = Instant::now();
        }
    }

    /// Asks the packet thread to end.
    pub fn request_stop(&self) {
        self.stop.store(true, Ordering::SeqCst);
        self.wakeup.wake();
    }

    /// One reclamation cycle; `unlimited` for `leases-reclaim`, `remove` overrides whether
    /// reclaimed leases are deleted. Returns how many leases were reclaimed.
    pub fn reclaim(&self, unlimited: bool, remove: Option<bool>) -> Result<usize, String> {
        let st = self.state();
        let report = crate::shared::reclaim_once(
            &self.reclaimer,
            st.leases.as_ref(),
            unix_now(),
            unlimited,
            remove,
        )?;
        for rec in &report.reclaimed {
            // `rec.lease` is the lease before reclamation: a released one no longer counts.
            let l = &rec.lease;
            st.account(Some(l), None);
            self.stats.g(G::ReclaimedLeases).add(1);
            if let Some(i) = st.subnet_index(l.subnet_id) {
                st.subnet_stats[i].at(S::ReclaimedLeases).add(1);
                if rec.was_declined {
                    st.subnet_stats[i].at(S::ReclaimedDeclinedAddresses).add(1);
                }
            }
            if rec.was_declined {
                self.stats.g(G::ReclaimedDeclinedAddresses).add(1);
            }
        }
        if let Some((addr, e)) = report.errors.first() {
            kea_log!(
                loggers::DHCP6,
                messages::DHCP6_RECLAIM_EXPIRED_LEASES_FAIL,
                format!("{addr}: {e}")
            );
        }
        kea_log!(
            loggers::ALLOC_ENGINE,
            messages::ALLOC_ENGINE_V6_LEASES_RECLAMATION_COMPLETE,
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

    /// The packet loop; runs on its own thread until [`Server::request_stop`]. With light
    /// traffic it blocks (in `recv` with one socket, in `poll` with several) and answers
    /// each query at once; under load it coalesces: pause, then serve all that queued
    /// ([`RxCoalescer`]).
    pub fn run_packet_loop(self: Arc<Self>, mut endpoints: Vec<Endpoint>) {
        let mut buf = vec![0u8; 65536];
        let mut replies = ReplyBatch::default();
        let mut ready = Vec::new();
        let mut coalescer = RxCoalescer::new();
        while !self.stop.load(Ordering::SeqCst) {
            if let Some(new) = self.new_endpoints.take() {
                endpoints = new;
            }
            let mut served = 0;
            match (coalescer.next_round(), endpoints.as_slice()) {
                (Round::PauseThenDrain, _) => {
                    coalescer.pause();
                    for e in &endpoints {
                        served += self.serve_queued(e, false, &mut buf, &mut replies);
                    }
                }
                (Round::Block, [only]) => {
                    served = self.serve_queued(only, true, &mut buf, &mut replies);
                }
                (Round::Block, _) => {
                    let mut fds = Vec::with_capacity(1 + endpoints.len());
                    fds.push(PollFd::new(self.wakeup.fd(), PollFlags::POLLIN));
                    fds.extend(
                        endpoints
                            .iter()
                            .map(|e| PollFd::new(e.fd(), PollFlags::POLLIN)),
                    );
                    match nix::poll::poll(&mut fds, PollTimeout::from(250u16)) {
                        Ok(0) | Err(nix::errno::Errno::EINTR) => continue,
                        Ok(_) => {}
                        Err(e) => {
                            kea_log!(loggers::DHCP6, messages::DHCP6_PACKET_RECEIVE_FAIL, e);
                            std::thread::sleep(std::time::Duration::from_millis(100));
                            continue;
                        }
                    }
                    ready.clear();
                    ready.extend(
                        fds.iter()
                            .map(|f| f.revents().is_some_and(|r| !r.is_empty())),
                    );
                    drop(fds);
                    if ready[0] {
                        self.wakeup.drain();
                    }
                    for (e, r) in endpoints.iter().zip(&ready[1..]) {
                        if *r {
                            served += self.serve_queued(e, false, &mut buf, &mut replies);
                        }
                    }
                }
            }
            coalescer.record(served, Instant::now());
        }
    }

    /// Serves what is queued on one socket (a bounded batch, so other sockets, stop and new
    /// sockets get their turn) and returns how many queries it read. With `wait` the first
    /// read blocks, bounded by the socket's receive timeout.
    fn serve_queued(
        &self,
        e: &Endpoint,
        wait: bool,
        buf: &mut [u8],
        replies: &mut ReplyBatch,
    ) -> usize {
        let mut served = 0;
        let mut batch_store = None;
        while served < 256 && self.serve_one(e, wait && served == 0, buf, replies, &mut batch_store)
        {
            served += 1;
        }
        // The round's lease file rows are written (one `write`) before any of its replies
        // goes out, so a client is never told of a lease the file does not hold.
        if let Some(store) = batch_store
            && let Err(err) = store.end_write_batch()
        {
            // The leases are in memory but not in the file: announce none of them. The
            // clients retransmit and are answered again once writing works.
            kea_log!(
                loggers::DHCP6,
                messages::DHCP6_PACKET_PROCESS_STD_EXCEPTION_MAIN,
                err
            );
            replies.clear();
        }
        replies.send_all(e);
        served
    }

    /// Receives and answers one query; false when there was none (timeout, error) or the
    /// loop should look at stop / new sockets.
    fn serve_one(
        &self,
        e: &Endpoint,
        wait: bool,
        buf: &mut [u8],
        replies: &mut ReplyBatch,
        batch_store: &mut Option<Arc<dyn LeaseStore6>>,
    ) -> bool {
        if self.stop.load(Ordering::Relaxed) || self.new_endpoints.pending() {
            return false;
        }
        {
            let (len, meta) = match e.recv(buf, wait) {
                Ok(x) => x,
                Err(err)
                    if matches!(
                        err.kind(),
                        std::io::ErrorKind::WouldBlock
                            | std::io::ErrorKind::TimedOut
                            | std::io::ErrorKind::Interrupted
                    ) =>
                {
                    return false;
                }
                Err(err) => {
                    kea_log!(loggers::DHCP6, messages::DHCP6_PACKET_RECEIVE_FAIL, err);
                    return false;
                }
            };
            // One clock read stamps all of this packet's statistic changes.
            let _clock = dhcpsrv::stats::PacketClock::start();
            let st = self.state.load();
            if batch_store.is_none() {
                st.leases.begin_write_batch();
                *batch_store = Some(st.leases.clone());
            }
            st.stats.g(G::Received).add(1);
            let q = match Pkt6::decode(&buf[..len]) {
                Ok(q) => q,
                Err(err) => {
                    st.stats.g(G::ParseFailed).add(1);
                    st.stats.g(G::ReceiveDrop).add(1);
                    kea_log!(
                        loggers::BAD_PACKETS,
                        messages::DHCP6_PACKET_DROP_PARSE_FAIL,
                        "[no info]",
                        meta.remote,
                        meta.local,
                        meta.iface,
                        err,
                        format!("{len} bytes")
                    );
                    return true;
                }
            };
            match pipeline::process(&st, &q, &meta, unix_now()) {
                Outcome::Reply(reply, send) => {
                    if let Err(err) = replies.push(&reply, send) {
                        kea_log!(loggers::PACKETS, messages::DHCP6_PACK_FAIL, Label(&q), err);
                    }
                }
                Outcome::Drop(d) => log_drop(&q, &meta.iface, &d),
            }
        }
        true
    }
}

/// Replies of one round, encoded back to back, sent after the round's lease writes.
#[derive(Default)]
struct ReplyBatch {
    bytes: Vec<u8>,
    replies: Vec<(std::ops::Range<usize>, SendMeta)>,
}

impl ReplyBatch {
    fn push(&mut self, reply: &Pkt6, send: SendMeta) -> Result<(), dhcp_packet::EncodeError> {
        let start = self.bytes.len();
        if let Err(err) = reply.encode(&mut self.bytes) {
            self.bytes.truncate(start);
            return Err(err);
        }
        self.replies.push((start..self.bytes.len(), send));
        Ok(())
    }

    fn clear(&mut self) {
        self.bytes.clear();
        self.replies.clear();
    }

    fn send_all(&mut self, e: &Endpoint) {
        for (range, send) in &self.replies {
            let payload = &self.bytes[range.clone()];
            if let Err(err) = e.send(payload, send) {
                // Only on this rare path is the client named again, from the reply itself.
                match Pkt6::decode(payload) {
                    Ok(p) => kea_log!(
                        loggers::PACKETS,
                        messages::DHCP6_PACKET_SEND_FAIL,
                        Label(&p),
                        err
                    ),
                    Err(_) => kea_log!(
                        loggers::PACKETS,
                        messages::DHCP6_PACKET_SEND_FAIL,
                        "[no info]",
                        err
                    ),
                }
            }
        }
        self.clear();
    }
}

fn log_drop(q: &Pkt6, iface: &str, d: &Drop) {
    match d {
        Drop::Disabled => kea_log!(
            loggers::PACKETS,
            messages::DHCP6_PACKET_DROP_DHCP_DISABLED,
            Label(q)
        ),
        Drop::UnknownType(t) => kea_log!(
            loggers::PACKETS,
            messages::DHCP6_UNKNOWN_MSG_RECEIVED,
            Label(q),
            t,
            iface
        ),
        Drop::Unicast => kea_log!(
            loggers::PACKETS,
            messages::DHCP6_PACKET_DROP_UNICAST,
            Label(q),
            q.msg_type.kea_name()
        ),
        Drop::ServerIdMismatch(theirs, ours) => kea_log!(
            loggers::PACKETS,
            messages::DHCP6_PACKET_DROP_SERVERID_MISMATCH,
            Label(q),
            theirs,
            ours
        ),
        Drop::Rfc(why) => kea_log!(
            loggers::PACKETS,
            messages::DHCP6_REQUIRED_OPTIONS_CHECK_FAIL,
            Label(q),
            q.msg_type.kea_name(),
            iface,
            why
        ),
        Drop::Failed(why) => kea_log!(
            loggers::PACKETS,
            messages::DHCP6_PACKET_PROCESS_FAIL,
            Label(q),
            q.msg_type.kea_name(),
            iface,
            why
        ),
        Drop::DropClass { after_host: false } => kea_log!(
            loggers::PACKETS,
            messages::DHCP6_PACKET_DROP_DROP_CLASS,
            Label(q),
            q.msg_type.kea_name()
        ),
        Drop::DropClass { after_host: true } => kea_log!(
            loggers::PACKETS,
            messages::DHCP6_PACKET_DROP_DROP_CLASS2,
            Label(q),
            q.msg_type.kea_name()
        ),
    }
}
