//! The DHCPv6 packet pipeline (RFC 8415, ARM 10.17): a synchronous function from a
//! decoded query and how it arrived to a reply and where it goes. No sockets here.
//!
//! Stages: service enabled → message type → unicast rules → client/server identifier rules
//! → subnet selection (interface, interface-id, relay link address, `relay` addresses) →
//! host reservation lookup → per-message handling (IA_NA and IA_PD assignment, release,
//! decline, confirm, information-request) → options by ORO → destination.

use std::fmt;
use std::net::{Ipv6Addr, SocketAddrV6};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use dhcp_alloc::{Allocator6, AllocatorKind, PdAllocator};
use dhcp_lease::{HwAddr, Lease6, LeaseState, LeaseStore6, LeaseType};
use dhcp_packet::v6::{code, status};
use dhcp_packet::{Ia, IaAddr, MessageType6, Pkt6};
use kea_config::{Allocator, HostIdentifierType};
use kea_log::{kea_log, loggers, messages};

use dhcp_classify::ClassSet;

use crate::classify::{self as cls, Env6};
use crate::config::{Host, MacSource, ServerConfig, Subnet};
use crate::iface::{Listen6, is_link_local};
use crate::options::OptionSet;
use crate::socket::{RecvMeta, SendMeta};
use crate::stats::{G, S, Stats, SubnetStats};

/// Server and client UDP ports (`-p`, `-P`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ports {
    pub server: u16,
    pub client: u16,
}

impl Default for Ports {
    fn default() -> Self {
        Ports {
            server: 547,
            client: 546,
        }
    }
}

/// Per-subnet allocators behind uncontended mutexes (the packet thread is their only
/// regular user; commands and reclamation only report freed addresses).
pub struct SubnetAlloc {
    na: Option<Mutex<Allocator6>>,
    pd: Option<Mutex<PdAllocator>>,
}

fn kind(a: Allocator) -> AllocatorKind {
    match a {
        Allocator::Iterative => AllocatorKind::Iterative,
        Allocator::Random => AllocatorKind::Random,
        Allocator::Flq => AllocatorKind::FreeLeaseQueue,
    }
}

impl SubnetAlloc {
    fn new(s: &Subnet, is_free: &mut dyn FnMut(Ipv6Addr) -> bool) -> Result<SubnetAlloc, String> {
        let na = if s.pools.is_empty() {
            None
        } else {
            let pools: Vec<_> = s.pools.iter().map(|p| p.pool).collect();
            Some(Mutex::new(
                Allocator6::new(kind(s.allocator), &pools)
                    .map_err(|e| format!("subnet {}: {e}", s.id))?,
            ))
        };
        let pd = if s.pd_pools.is_empty() {
            None
        } else {
            let pools: Vec<_> = s.pd_pools.iter().map(|p| p.pool).collect();
            let mut a = PdAllocator::new(kind(s.pd_allocator), &pools)
                .map_err(|e| format!("subnet {}: {e}", s.id))?;
            if s.pd_allocator == Allocator::Flq {
                a.populate_free(is_free);
            }
            Some(Mutex::new(a))
        };
        Ok(SubnetAlloc { na, pd })
    }

    /// The lease on `a` went away (flq bookkeeping).
    pub fn freed(&self, t: LeaseType, a: Ipv6Addr) {
        if t == LeaseType::Pd
            && let Some(pd) = &self.pd
        {
            pd.lock().unwrap_or_else(|p| p.into_inner()).lease_freed(a);
        }
    }

    fn taken(&self, t: LeaseType, a: Ipv6Addr) {
        if t == LeaseType::Pd
            && let Some(pd) = &self.pd
        {
            pd.lock().unwrap_or_else(|p| p.into_inner()).lease_added(a);
        }
    }
}

/// Everything the pipeline needs for one configuration generation.
pub struct ServerState {
    pub cfg: Arc<ServerConfig>,
    pub server_duid: Arc<[u8]>,
    pub leases: Arc<dyn LeaseStore6>,
    pub stats: Arc<Stats>,
    /// Parallel to `cfg.subnets`.
    pub subnet_stats: Vec<Arc<SubnetStats>>,
    /// Parallel to `cfg.subnets`.
    pub allocators: Vec<SubnetAlloc>,
    /// The interfaces listened on (reply source addresses, unicast option).
    pub listens: Vec<Listen6>,
    pub ports: Ports,
    pub disabled: Arc<AtomicBool>,
}

impl fmt::Debug for ServerState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServerState")
            .field("subnets", &self.cfg.subnets.len())
            .finish()
    }
}

/// Leases that count as assigned in statistics.
fn counted(l: &Lease6) -> bool {
    l.state == LeaseState::DEFAULT || l.state == LeaseState::DECLINED
}

impl ServerState {
    /// Builds a generation: allocators, and subnet statistics recounted from the store.
    pub fn new(
        cfg: Arc<ServerConfig>,
        server_duid: Arc<[u8]>,
        leases: Arc<dyn LeaseStore6>,
        stats: Arc<Stats>,
        listens: Vec<Listen6>,
        ports: Ports,
        disabled: Arc<AtomicBool>,
    ) -> Result<ServerState, String> {
        let counts = leases.counts();
        let mut subnet_stats = Vec::with_capacity(cfg.subnets.len());
        let mut declined_total = 0i64;
        for s in &cfg.subnets {
            let ss = SubnetStats::new(s.id);
            ss.at(S::TotalNas)
                .set(i64::try_from(s.total_nas()).unwrap_or(i64::MAX));
            ss.at(S::TotalPds)
                .set(i64::try_from(s.total_pds()).unwrap_or(i64::MAX));
            for c in counts.iter().filter(|c| c.subnet_id == s.id) {
                let n = (c.counts.default + c.counts.declined) as i64;
                match c.lease_type {
                    Some(LeaseType::Pd) => ss.at(S::AssignedPds).add(n),
                    _ => ss.at(S::AssignedNas).add(n),
                }
                ss.at(S::DeclinedAddresses).add(c.counts.declined as i64);
                declined_total += c.counts.declined as i64;
            }
            subnet_stats.push(Arc::new(ss));
        }
        stats.g(G::DeclinedAddresses).set(declined_total);
        let now = unix_now();
        let mut allocators = Vec::with_capacity(cfg.subnets.len());
        for s in &cfg.subnets {
            let mut is_free = |a: Ipv6Addr| match leases.get(a) {
                None => true,
                Some(l) => !counted(&l) || l.is_expired(now),
            };
            allocators.push(SubnetAlloc::new(s, &mut is_free)?);
        }
        Ok(ServerState {
            cfg,
            server_duid,
            leases,
            stats,
            subnet_stats,
            allocators,
            listens,
            ports,
            disabled,
        })
    }

    /// Index of the subnet with this id.
    pub fn subnet_index(&self, id: u32) -> Option<usize> {
        self.cfg.subnet_index(id)
    }

    /// Statistics and allocator bookkeeping for a lease change made outside the packet
    /// path (commands, reclamation) or inside it.
    pub fn account(&self, old: Option<&Lease6>, new: Option<&Lease6>) {
        let adjust = |l: &Lease6, d: i64| {
            let Some(i) = self.subnet_index(l.subnet_id) else {
                return;
            };
            let ss = &self.subnet_stats[i];
            if counted(l) {
                match l.lease_type {
                    LeaseType::Pd => ss.at(S::AssignedPds).add(d),
                    _ => ss.at(S::AssignedNas).add(d),
                }
            }
            if l.state == LeaseState::DECLINED {
                ss.at(S::DeclinedAddresses).add(d);
                self.stats.g(G::DeclinedAddresses).add(d);
            }
        };
        if let Some(o) = old {
            adjust(o, -1);
            if counted(o)
                && new.is_none_or(|n| !counted(n))
                && let Some(i) = self.subnet_index(o.subnet_id)
            {
                self.allocators[i].freed(o.lease_type, o.address);
            }
        }
        if let Some(n) = new {
            adjust(n, 1);
            if counted(n)
                && let Some(i) = self.subnet_index(n.subnet_id)
            {
                self.allocators[i].taken(n.lease_type, n.address);
            }
        }
    }
}

/// Unix time in seconds.
pub fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// Why a query got no reply; each maps to a Kea log message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Drop {
    /// DHCP6_PACKET_DROP_DHCP_DISABLED
    Disabled,
    /// DHCP6_UNKNOWN_MSG_RECEIVED (also server-to-client types sent to the server)
    UnknownType(u8),
    /// DHCP6_PACKET_DROP_UNICAST
    Unicast,
    /// DHCP6_PACKET_DROP_SERVERID_MISMATCH (theirs, ours)
    ServerIdMismatch(String, String),
    /// DHCP6_REQUIRED_OPTIONS_CHECK_FAIL
    Rfc(&'static str),
    /// DHCP6_PACKET_PROCESS_FAIL
    Failed(String),
    /// DHCP6_PACKET_DROP_DROP_CLASS (early) / DHCP6_PACKET_DROP_DROP_CLASS2 (after the
    /// reservation lookup): the query is in the special class DROP.
    DropClass { after_host: bool },
}

/// The result of processing one query.
#[derive(Debug)]
pub enum Outcome {
    Reply(Pkt6, SendMeta),
    Drop(Drop),
}

/// Kea's v6 client label: `duid=[..], [no hwaddr info], tid=0x..`.
pub struct Label<'a>(pub &'a Pkt6);

impl fmt::Display for Label<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("duid=[")?;
        match self.0.client_id() {
            Some(d) if !d.is_empty() => {
                for (i, b) in d.iter().enumerate() {
                    if i > 0 {
                        f.write_str(":")?;
                    }
                    write!(f, "{b:02x}")?;
                }
            }
            _ => f.write_str("no info")?,
        }
        write!(f, "], [no hwaddr info], tid=0x{:x}", self.0.transaction_id)
    }
}

/// Kea's status texts.
mod text {
    pub const NO_SUBNET: &str = "Sorry, no subnet available.";
    pub const NO_ADDRS: &str = "Sorry, no address could be allocated.";
    pub const NO_PREFIX: &str = "Sorry, no prefixes could be allocated.";
    pub const RELEASED: &str = "Lease released. Thank you, please come again.";
    pub const RELEASE_NO_BINDING: &str =
        "Sorry, no known leases for this duid/iaid, can't release.";
    pub const RELEASE_NOT_YOURS: &str = "This address does not belong to you, you can't release it";
    pub const RELEASE_WRONG_IAID: &str = "This is your address, but you used wrong IAID";
    pub const DECLINED: &str = "Lease declined. Hopefully the next one will be better.";
    pub const DECLINE_NO_BINDING: &str = "Server does not know about such an address.";
    pub const ON_LINK: &str = "All addresses are on-link";
    pub const USE_MULTICAST: &str = "Unicast not allowed for this message; use multicast.";
    pub const RELEASE_SUMMARY: &str = "Summary status for all processed IA_NAs";
}

/// Appends one option (header and value) to `out`.
fn put_opt(out: &mut Vec<u8>, c: u16, value: &[u8]) {
    out.extend_from_slice(&c.to_be_bytes());
    out.extend_from_slice(&(value.len().min(usize::from(u16::MAX)) as u16).to_be_bytes());
    out.extend_from_slice(value);
}

fn put_status(out: &mut Vec<u8>, c: u16, msg: &str) {
    out.extend_from_slice(&code::STATUS_CODE.to_be_bytes());
    out.extend_from_slice(&((2 + msg.len()) as u16).to_be_bytes());
    out.extend_from_slice(&c.to_be_bytes());
    out.extend_from_slice(msg.as_bytes());
}

fn status_value(c: u16, msg: &str) -> Vec<u8> {
    let mut v = Vec::with_capacity(2 + msg.len());
    v.extend_from_slice(&c.to_be_bytes());
    v.extend_from_slice(msg.as_bytes());
    v
}

fn put_iaaddr(out: &mut Vec<u8>, a: Ipv6Addr, pref: u32, valid: u32) {
    out.extend_from_slice(&code::IAADDR.to_be_bytes());
    out.extend_from_slice(&24u16.to_be_bytes());
    out.extend_from_slice(&a.octets());
    out.extend_from_slice(&pref.to_be_bytes());
    out.extend_from_slice(&valid.to_be_bytes());
}

fn put_iaprefix(out: &mut Vec<u8>, p: Ipv6Addr, len: u8, pref: u32, valid: u32, sub: &[u8]) {
    out.extend_from_slice(&code::IAPREFIX.to_be_bytes());
    out.extend_from_slice(&((25 + sub.len()) as u16).to_be_bytes());
    out.extend_from_slice(&pref.to_be_bytes());
    out.extend_from_slice(&valid.to_be_bytes());
    out.push(len);
    out.extend_from_slice(&p.octets());
    out.extend_from_slice(sub);
}

/// IA header (IAID, T1, T2) followed by `body`.
fn ia_value(iaid: u32, t1: u32, t2: u32, body: &[u8]) -> Vec<u8> {
    let mut v = Vec::with_capacity(12 + body.len());
    v.extend_from_slice(&iaid.to_be_bytes());
    v.extend_from_slice(&t1.to_be_bytes());
    v.extend_from_slice(&t2.to_be_bytes());
    v.extend_from_slice(body);
    v
}

/// Which exchange an IA is processed for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Exchange {
    Solicit,
    Request,
    Renew,
    Rebind,
}

/// What the pipeline learned about the client.
struct Client<'a> {
    q: &'a Pkt6,
    duid: &'a [u8],
    hw: Option<HwAddr>,
    /// Selected subnet (index into the configuration).
    subnet: Option<usize>,
    /// Reservation and the subnet it was found in (`None` = global).
    host: Option<(Arc<Host>, Option<usize>)>,
    now: i64,
    commit: bool,
    ex: Exchange,
    /// Host name for the leases (from the client FQDN option or the reservation).
    hostname: Option<String>,
    /// Pool of the first assigned address (pool-level options).
    na_pool: Option<(usize, usize)>,
    pd_pool: Option<(usize, usize)>,
    /// The classes the query belongs to, in assignment order.
    classes: ClassSet,
}

/// Processes one query at time `now`.
pub fn process(st: &ServerState, q: &Pkt6, meta: &RecvMeta, now: i64) -> Outcome {
    let g = &st.stats;
    let t = q.msg_type;
    let recv_stat = match t {
        MessageType6::SOLICIT => G::SolicitReceived,
        MessageType6::ADVERTISE => G::AdvertiseReceived,
        MessageType6::REQUEST => G::RequestReceived,
        MessageType6::REPLY => G::ReplyReceived,
        MessageType6::RENEW => G::RenewReceived,
        MessageType6::REBIND => G::RebindReceived,
        MessageType6::RELEASE => G::ReleaseReceived,
        MessageType6::DECLINE => G::DeclineReceived,
        MessageType6::INFORMATION_REQUEST => G::InfRequestReceived,
        MessageType6::DHCPV4_QUERY => G::Dhcpv4QueryReceived,
        MessageType6::DHCPV4_RESPONSE => G::Dhcpv4ResponseReceived,
        _ => G::UnknownReceived,
    };
    g.g(recv_stat).add(1);
    let out = process_inner(st, q, meta, now);
    match &out {
        Outcome::Reply(r, _) => {
            g.g(G::Sent).add(1);
            if r.msg_type == MessageType6::ADVERTISE {
                g.g(G::AdvertiseSent).add(1);
            } else {
                g.g(G::ReplySent).add(1);
            }
        }
        Outcome::Drop(_) => g.g(G::ReceiveDrop).add(1),
    }
    out
}

fn process_inner(st: &ServerState, q: &Pkt6, meta: &RecvMeta, now: i64) -> Outcome {
    if st.disabled.load(Ordering::Relaxed) {
        return Outcome::Drop(Drop::Disabled);
    }
    let t = q.msg_type;
    let known = matches!(
        t,
        MessageType6::SOLICIT
            | MessageType6::REQUEST
            | MessageType6::CONFIRM
            | MessageType6::RENEW
            | MessageType6::REBIND
            | MessageType6::RELEASE
            | MessageType6::DECLINE
            | MessageType6::INFORMATION_REQUEST
    );
    if !known {
        return Outcome::Drop(Drop::UnknownType(t.0));
    }
    // Classification (ARM 16.1.1): built-in classes and tests not depending on KNOWN.
    let env = Env6 { q, meta };
    let mut classes = ClassSet::default();
    cls::early(&st.cfg, &env, &mut classes);
    if classes.contains("DROP") {
        return Outcome::Drop(Drop::DropClass { after_host: false });
    }
    let listen = st.listens.iter().find(|l| l.iface.index == meta.ifindex);
    let direct = q.relays.is_empty();
    // RFC 8415 §16: these must be multicast by the client.
    if direct
        && meta.is_unicast()
        && matches!(
            t,
            MessageType6::SOLICIT
                | MessageType6::CONFIRM
                | MessageType6::REBIND
                | MessageType6::INFORMATION_REQUEST
        )
    {
        return Outcome::Drop(Drop::Unicast);
    }
    // Identifier rules (RFC 8415 §16.2-16.12).
    let duid = q.client_id();
    let sid = q.server_id();
    match t {
        MessageType6::SOLICIT | MessageType6::CONFIRM | MessageType6::REBIND => {
            if duid.is_none() {
                return Outcome::Drop(Drop::Rfc("missing client-id"));
            }
            if sid.is_some() {
                return Outcome::Drop(Drop::Rfc("server-id is not allowed"));
            }
        }
        MessageType6::REQUEST
        | MessageType6::RENEW
        | MessageType6::RELEASE
        | MessageType6::DECLINE => {
            if duid.is_none() {
                return Outcome::Drop(Drop::Rfc("missing client-id"));
            }
            if sid.is_none() {
                return Outcome::Drop(Drop::Rfc("missing server-id"));
            }
        }
        _ => {}
    }
    if let Some(s) = sid
        && s != &*st.server_duid
    {
        return Outcome::Drop(Drop::ServerIdMismatch(
            dhcp_lease::hex_text(s),
            dhcp_lease::hex_text(&st.server_duid),
        ));
    }
    let duid = duid.unwrap_or(&[]);
    if !duid.is_empty() && dhcp_packet::Duid::decode(duid).is_err() {
        return Outcome::Drop(Drop::Rfc("invalid client-id (DUID)"));
    }
    // Unicast REQUEST/RENEW/RELEASE/DECLINE without a unicast address configured.
    let unicast_ok = listen.is_some_and(|l| l.unicast.is_some());
    let use_multicast = direct && meta.is_unicast() && !unicast_ok;

    let subnet = select_subnet(&st.cfg, q, meta, &classes);
    let hw = hw_address(&st.cfg.mac_sources, q, meta);
    let host = find_host(&st.cfg, subnet, duid, hw.as_ref());
    cls::after_host(
        &st.cfg,
        &env,
        &mut classes,
        host.as_ref().map(|(h, _)| &**h),
    );
    if classes.contains("DROP") {
        return Outcome::Drop(Drop::DropClass { after_host: true });
    }
    let rapid = t == MessageType6::SOLICIT
        && q.rapid_commit()
        && subnet.is_some_and(|i| st.cfg.subnets[i].rapid_commit);
    let reply_type = if t == MessageType6::SOLICIT && !rapid {
        MessageType6::ADVERTISE
    } else {
        MessageType6::REPLY
    };
    let mut r = q.new_reply(reply_type);
    r.options.push(code::SERVERID, &st.server_duid);
    if !duid.is_empty() {
        r.options.push(code::CLIENTID, duid);
    }
    if use_multicast {
        r.options.push(
            code::STATUS_CODE,
            &status_value(status::USE_MULTICAST, text::USE_MULTICAST),
        );
        return Outcome::Reply(r, destination(st, q, meta, listen));
    }
    let ex = match t {
        MessageType6::SOLICIT => Some(Exchange::Solicit),
        MessageType6::REQUEST => Some(Exchange::Request),
        MessageType6::RENEW => Some(Exchange::Renew),
        MessageType6::REBIND => Some(Exchange::Rebind),
        _ => None,
    };
    let mut c = Client {
        q,
        duid,
        hw,
        subnet,
        host,
        now,
        commit: t != MessageType6::SOLICIT || rapid,
        ex: ex.unwrap_or(Exchange::Request),
        hostname: None,
        na_pool: None,
        pd_pool: None,
        classes,
    };
    match t {
        MessageType6::SOLICIT
        | MessageType6::REQUEST
        | MessageType6::RENEW
        | MessageType6::REBIND => {
            if rapid {
                kea_log!(loggers::DHCP6, messages::DHCP6_RAPID_COMMIT, Label(q));
                r.options.push(code::RAPID_COMMIT, &[]);
            }
            if let Some(Ok(f)) = q.client_fqdn() {
                let (value, name) = fqdn_reply(&st.cfg, &c, &f);
                r.options.push(code::CLIENT_FQDN, &value);
                c.hostname = name;
            }
            let mut scratch = Vec::with_capacity(64);
            for ia in q.options.get_all(code::IA_NA) {
                match Ia::decode(code::IA_NA, ia) {
                    Ok(ia) => {
                        let v = assign_ia(st, &mut c, LeaseType::Na, &ia, &mut scratch);
                        r.options.push(code::IA_NA, &v);
                    }
                    Err(e) => return Outcome::Drop(Drop::Failed(format!("malformed IA_NA: {e}"))),
                }
            }
            for ia in q.options.get_all(code::IA_PD) {
                match Ia::decode(code::IA_PD, ia) {
                    Ok(ia) => {
                        let v = assign_ia(st, &mut c, LeaseType::Pd, &ia, &mut scratch);
                        r.options.push(code::IA_PD, &v);
                    }
                    Err(e) => return Outcome::Drop(Drop::Failed(format!("malformed IA_PD: {e}"))),
                }
            }
        }
        MessageType6::RELEASE => release(st, &c, &mut r),
        MessageType6::DECLINE => decline(st, &c, &mut r),
        MessageType6::CONFIRM => {
            if let Some(d) = confirm(st, &c, &mut r) {
                return Outcome::Drop(d);
            }
        }
        _ => {} // INFORMATION-REQUEST: options only.
    }
    if let Some(u) = listen.and_then(|l| l.unicast) {
        r.options.push(code::UNICAST, &u.octets());
    }
    // Kea answers RELEASE and DECLINE without configuration options.
    if !matches!(t, MessageType6::RELEASE | MessageType6::DECLINE) {
        additional_classes(st, &env, &mut c);
        add_options(st, &c, &mut r);
    }
    Outcome::Reply(r, destination(st, q, meta, listen))
}

/// The port relay agents listen on (RFC 8415 §7.2).
const RELAY_PORT: u16 = 547;

/// Where the reply goes: to the relay that sent the RELAY-FORW (server port, or its
/// relay-source-port), or to the client on the client port; from the address the query
/// reached, or the interface's link-local address for multicast.
fn destination(st: &ServerState, q: &Pkt6, meta: &RecvMeta, listen: Option<&Listen6>) -> SendMeta {
    let port = match q.relays.first() {
        Some(r) => r
            .options
            .get(code::RELAY_SOURCE_PORT)
            .and_then(|v| v.get(..2))
            .map(|b| u16::from_be_bytes([b[0], b[1]]))
            .filter(|p| *p != 0)
            // Relays listen on the server port (Kea answers there, whatever the source).
            .unwrap_or(RELAY_PORT),
        None => st.ports.client,
    };
    let source = if meta.is_unicast() && !meta.local.is_unspecified() {
        Some(meta.local)
    } else {
        listen.and_then(|l| l.link_local)
    };
    let scope = if is_link_local(meta.remote.ip()) {
        meta.ifindex
    } else {
        0
    };
    SendMeta {
        dest: SocketAddrV6::new(*meta.remote.ip(), port, 0, scope),
        source,
        ifindex: meta.ifindex,
    }
}

/// Subnet selection (ARM 10.9), as Kea does it: for a relayed query whose relays give a
/// link address that is neither unspecified nor link-local (innermost first), the
/// interface-id option decides, else that link address (`relay` addresses, then subnet
/// prefixes). Otherwise (direct queries, relays on the server's link) the receiving
/// interface decides, then the source address.
///
/// Subnets (and shared networks) guarded by `client-classes` are skipped unless the query
/// is in one of their classes.
pub fn select_subnet(
    cfg: &ServerConfig,
    q: &Pkt6,
    meta: &RecvMeta,
    classes: &ClassSet,
) -> Option<usize> {
    let link = q
        .relays
        .iter()
        .rev()
        .map(|r| r.link_address)
        .find(|a| !a.is_unspecified() && !is_link_local(a));
    let inputs = SelectInputs {
        link,
        interface_id: q.relays.iter().rev().find_map(|r| r.interface_id()),
        iface: meta.iface.as_str(),
        remote: *meta.remote.ip(),
    };
    select_with(cfg, &inputs, &|i| subnet_allowed(cfg, i, classes))
}

/// What subnet selection looks at (from a query, or from `subnet6-select-test`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SelectInputs<'a> {
    /// The first relay link address that is neither unspecified nor link-local.
    pub link: Option<Ipv6Addr>,
    /// The interface-id option of the relays (innermost first).
    pub interface_id: Option<&'a [u8]>,
    /// The receiving interface.
    pub iface: &'a str,
    /// The source address.
    pub remote: Ipv6Addr,
}

/// Subnet selection over `inputs`, skipping subnets (by index) that `allowed` refuses
/// (client classes).
pub fn select_with(
    cfg: &ServerConfig,
    inputs: &SelectInputs<'_>,
    allowed: &dyn Fn(usize) -> bool,
) -> Option<usize> {
    let subs = &cfg.subnets;
    let find = |pred: &dyn Fn(&Subnet) -> bool| {
        subs.iter()
            .enumerate()
            .position(|(i, s)| pred(s) && allowed(i))
    };
    if let Some(link) = inputs.link {
        if let Some(id) = inputs.interface_id
            && let Some(i) = find(&|s| s.interface_id.as_deref() == Some(id))
        {
            return Some(i);
        }
        if let Some(i) = find(&|s| s.relay.contains(&link)) {
            return Some(i);
        }
        return find(&|s| s.relay.is_empty() && s.prefix.contains(&link));
    }
    if let Some(i) = find(&|s| s.interface.as_deref() == Some(inputs.iface)) {
        return Some(i);
    }
    let src = inputs.remote;
    if !src.is_unspecified() && !is_link_local(&src) {
        return find(&|s| s.prefix.contains(&src));
    }
    None
}

/// The subnet's and its shared network's class guards admit the query.
fn subnet_allowed(cfg: &ServerConfig, i: usize, classes: &ClassSet) -> bool {
    let s = &cfg.subnets[i];
    classes.allows(&s.classes)
        && s.network
            .is_none_or(|n| classes.allows(&cfg.networks[n].classes))
}

// Kea's HWADDR_SOURCE_* bits, stored with the lease.
const SRC_DUID: u32 = 0x0002;
const SRC_LINK_LOCAL: u32 = 0x0004;
const SRC_RELAY_OPTION: u32 = 0x0008;
const SRC_REMOTE_ID: u32 = 0x0010;
const SRC_SUBSCRIBER_ID: u32 = 0x0020;

/// The client's hardware address from the configured sources, in order (ARM 10.11).
pub fn hw_address(sources: &[MacSource], q: &Pkt6, meta: &RecvMeta) -> Option<HwAddr> {
    let inner = q.relays.last();
    for s in sources {
        let found = match s {
            MacSource::Duid => q.client_id().and_then(|d| {
                let t = u16::from_be_bytes([*d.first()?, *d.get(1)?]);
                match t {
                    1 if d.len() > 8 => HwAddr::new(u16::from_be_bytes([d[2], d[3]]), &d[8..]).ok(),
                    3 if d.len() > 4 => HwAddr::new(u16::from_be_bytes([d[2], d[3]]), &d[4..]).ok(),
                    _ => None,
                }
                .map(|h| h.with_source(SRC_DUID))
            }),
            MacSource::Ipv6LinkLocal => {
                let a = match inner {
                    Some(r) => r.peer_address,
                    None => *meta.remote.ip(),
                };
                let o = a.octets();
                (is_link_local(&a) && o[11] == 0xff && o[12] == 0xfe)
                    .then(|| [o[8] ^ 0x02, o[9], o[10], o[13], o[14], o[15]])
                    .and_then(|m| HwAddr::new(1, &m).ok())
                    .map(|h| h.with_source(SRC_LINK_LOCAL))
            }
            MacSource::ClientLinkAddrOption => inner
                .and_then(|r| r.options.get(code::CLIENT_LINKLAYER_ADDR))
                .filter(|v| v.len() > 2)
                .and_then(|v| HwAddr::new(u16::from_be_bytes([v[0], v[1]]), &v[2..]).ok())
                .map(|h| h.with_source(SRC_RELAY_OPTION)),
            MacSource::RemoteId => inner
                .and_then(|r| r.remote_id())
                .filter(|(_, id)| !id.is_empty())
                .and_then(|(_, id)| HwAddr::new(1, id).ok())
                .map(|h| h.with_source(SRC_REMOTE_ID)),
            MacSource::SubscriberId => inner
                .and_then(|r| r.subscriber_id())
                .filter(|id| !id.is_empty())
                .and_then(|id| HwAddr::new(1, id).ok())
                .map(|h| h.with_source(SRC_SUBSCRIBER_ID)),
        };
        if found.is_some() {
            return found;
        }
    }
    None
}

/// Host reservation lookup by `host-reservation-identifiers` order: in the candidate
/// subnets (when `reservations-in-subnet`), then globally (when `reservations-global`).
fn find_host(
    cfg: &ServerConfig,
    subnet: Option<usize>,
    duid: &[u8],
    hw: Option<&HwAddr>,
) -> Option<(Arc<Host>, Option<usize>)> {
    let si = subnet?;
    let ids = cfg.host_ids.iter().filter_map(|t| match t {
        HostIdentifierType::Duid if !duid.is_empty() => Some((*t, duid)),
        HostIdentifierType::HwAddress => hw.map(|h| (*t, h.as_bytes())),
        _ => None,
    });
    let any_in_subnets = cfg
        .candidates(si)
        .any(|i| cfg.subnets[i].reservations_in_subnet && !cfg.subnets[i].hosts.is_empty());
    let global = cfg.subnets[si].reservations_global && !cfg.global_hosts.is_empty();
    if !any_in_subnets && !global {
        return None;
    }
    for (t, id) in ids {
        for i in cfg.candidates(si) {
            let s = &cfg.subnets[i];
            if s.reservations_in_subnet
                && let Some(h) = s.hosts.get(t, id)
            {
                return Some((h.clone(), Some(i)));
            }
        }
        if global && let Some(h) = cfg.global_hosts.get(t, id) {
            return Some((h.clone(), None));
        }
    }
    None
}

/// True when `addr` (a /128 or a delegated prefix) may be given to this client's IA.
fn is_free(
    st: &ServerState,
    c: &Client<'_>,
    si: usize,
    lt: LeaseType,
    addr: Ipv6Addr,
    len: u8,
    iaid: u32,
) -> bool {
    let s = &st.cfg.subnets[si];
    let reserved = match lt {
        LeaseType::Pd => s
            .hosts
            .by_prefix(addr, len)
            .or_else(|| st.cfg.global_hosts.by_prefix(addr, len)),
        _ => s
            .hosts
            .by_addr(addr)
            .or_else(|| st.cfg.global_hosts.by_addr(addr)),
    };
    if let Some(h) = reserved
        && c.host
            .as_ref()
            .is_none_or(|(mine, _)| !Arc::ptr_eq(mine, h))
    {
        return false;
    }
    match st.leases.get(addr) {
        None => true,
        Some(l) => {
            (l.duid.as_ref() == c.duid && l.iaid == iaid && l.lease_type == lt)
                || !counted(&l)
                || l.is_expired(c.now)
        }
    }
}

/// One IA_NA or IA_PD of SOLICIT/REQUEST/RENEW/REBIND: the option value for the reply.
fn assign_ia(
    st: &ServerState,
    c: &mut Client<'_>,
    lt: LeaseType,
    ia: &Ia,
    scratch: &mut Vec<u8>,
) -> Vec<u8> {
    scratch.clear();
    let pd = lt == LeaseType::Pd;
    let (fail_code, fail_text) = if pd {
        (status::NO_PREFIX_AVAIL, text::NO_PREFIX)
    } else {
        (status::NO_ADDRS_AVAIL, text::NO_ADDRS)
    };
    // Client hints: (address or prefix, length, preferred, valid).
    let mut hints: Vec<(Ipv6Addr, u8, u32, u32)> = Vec::new();
    if pd {
        for p in ia.prefixes().flatten() {
            hints.push((p.prefix, p.prefix_len, p.preferred, p.valid));
        }
    } else {
        for a in ia.addresses().flatten() {
            hints.push((a.addr, 128, a.preferred, a.valid));
        }
    }
    match (c.ex, pd) {
        (Exchange::Solicit, false) => kea_log!(
            loggers::LEASES,
            messages::DHCP6_PROCESS_IA_NA_SOLICIT,
            Label(c.q),
            ia.iaid,
            hint_text(&hints)
        ),
        (Exchange::Solicit, true) => kea_log!(
            loggers::LEASES,
            messages::DHCP6_PROCESS_IA_PD_SOLICIT,
            Label(c.q),
            ia.iaid,
            hint_text(&hints)
        ),
        (Exchange::Request, false) => kea_log!(
            loggers::LEASES,
            messages::DHCP6_PROCESS_IA_NA_REQUEST,
            Label(c.q),
            ia.iaid,
            hint_text(&hints)
        ),
        (Exchange::Request, true) => kea_log!(
            loggers::LEASES,
            messages::DHCP6_PROCESS_IA_PD_REQUEST,
            Label(c.q),
            ia.iaid,
            hint_text(&hints)
        ),
        (_, false) => kea_log!(
            loggers::LEASES,
            messages::DHCP6_PROCESS_IA_NA_EXTEND,
            Label(c.q),
            ia.iaid
        ),
        (_, true) => kea_log!(
            loggers::LEASES,
            messages::DHCP6_PROCESS_IA_PD_EXTEND,
            Label(c.q),
            ia.iaid
        ),
    }
    let Some(sel) = c.subnet else {
        put_status(scratch, fail_code, text::NO_SUBNET);
        return ia_value(ia.iaid, 0, 0, scratch);
    };
    // The selected subnet, then the rest of its shared network (no allocation).
    let cands = || {
        st.cfg
            .candidates(sel)
            .filter(|&i| subnet_allowed(&st.cfg, i, &c.classes))
    };
    let in_cands = |id: u32| st.subnet_index(id).filter(|i| cands().any(|j| j == *i));

    // 1. The IA's current lease (prefer one the client names).
    let mut chosen: Option<(usize, Ipv6Addr, u8)> = None;
    let mut reused = false;
    let existing = st.leases.get_by_duid_iaid(c.duid, ia.iaid, lt, None);
    let mut best: Option<&Arc<Lease6>> = None;
    let mut returning: Option<&Arc<Lease6>> = None;
    for l in &existing {
        if in_cands(l.subnet_id).is_none() {
            continue;
        }
        if l.state != LeaseState::DEFAULT {
            // Lease affinity: a released or reclaimed lease of this IA, if still free.
            if returning.is_none()
                && (l.state == LeaseState::RELEASED || l.state == LeaseState::EXPIRED_RECLAIMED)
            {
                returning = Some(l);
            }
            continue;
        }
        let named = hints.iter().any(|h| h.0 == l.address);
        if best.is_none() || named {
            best = Some(l);
        }
    }
    if let Some(l) = best
        && let Some(i) = in_cands(l.subnet_id)
    {
        chosen = Some((i, l.address, l.prefix_len));
        reused = true;
    } else if let Some(l) = returning
        && let Some(i) = in_cands(l.subnet_id)
        && is_free(st, c, i, lt, l.address, l.prefix_len, ia.iaid)
    {
        chosen = Some((i, l.address, l.prefix_len));
    }
    // 2. Reservations.
    if chosen.is_none()
        && let Some((h, _)) = &c.host
    {
        let reserved: Vec<(Ipv6Addr, u8)> = if pd {
            h.prefixes
                .iter()
                .map(|p| (p.network(), p.prefix_len()))
                .collect()
        } else {
            h.addresses.iter().map(|a| (*a, 128)).collect()
        };
        for (a, len) in reserved {
            if let Some(i) = cands().find(|&i| st.cfg.subnets[i].prefix.contains(&a) || pd)
                && is_free(st, c, i, lt, a, len, ia.iaid)
            {
                chosen = Some((i, a, len));
                break;
            }
        }
    }
    // 3. A hint inside a pool.
    if chosen.is_none() {
        for &(a, len, _, _) in &hints {
            if a.is_unspecified() {
                continue;
            }
            let fits = |s: &Subnet| {
                if pd {
                    s.pd_pool_of(a, len).is_some()
                } else {
                    s.pool_of(a).is_some()
                }
            };
            if let Some(i) = cands().find(|&i| fits(&st.cfg.subnets[i]))
                && is_free(st, c, i, lt, a, len, ia.iaid)
            {
                chosen = Some((i, a, len));
                break;
            }
        }
    }
    // 4. The allocator, subnet by subnet.
    if chosen.is_none() {
        for i in cands() {
            let s = &st.cfg.subnets[i];
            let allowed = |p: usize| {
                let classes = if pd {
                    s.pd_pools.get(p).map(|x| &x.classes)
                } else {
                    s.pools.get(p).map(|x| &x.classes)
                };
                classes.is_some_and(|cl| c.classes.allows(cl))
            };
            let picked = if pd {
                st.allocators[i].pd.as_ref().and_then(|m| {
                    let mut a = m.lock().unwrap_or_else(|p| p.into_inner());
                    let len_of =
                        |pool: usize| s.pd_pools.get(pool).map_or(128, |p| p.pool.delegated_len());
                    a.pick(&allowed, &mut |p| {
                        let len = s
                            .pd_pools
                            .iter()
                            .find(|x| x.pool.contains(p))
                            .map_or(128, |x| x.pool.delegated_len());
                        is_free(st, c, i, lt, p, len, ia.iaid)
                    })
                    .ok()
                    .map(|p| (p.address, len_of(p.pool)))
                })
            } else {
                st.allocators[i].na.as_ref().and_then(|m| {
                    let mut a = m.lock().unwrap_or_else(|p| p.into_inner());
                    a.pick(&allowed, &mut |x| is_free(st, c, i, lt, x, 128, ia.iaid))
                        .ok()
                        .map(|p| (p.address, 128))
                })
            };
            if let Some((a, len)) = picked {
                chosen = Some((i, a, len));
                break;
            }
        }
    }
    let Some((si, addr, len)) = chosen else {
        st.stats.g(G::AllocationFail).add(1);
        // Kea's reason counters: no pools of this type, pools closed by classes, or full.
        let pool_classes = |i: usize| -> Vec<&Vec<String>> {
            let sub = &st.cfg.subnets[i];
            if pd {
                sub.pd_pools.iter().map(|p| &p.classes).collect()
            } else {
                sub.pools.iter().map(|p| &p.classes).collect()
            }
        };
        let all: Vec<&Vec<String>> = cands().flat_map(pool_classes).collect();
        let reason = if all.is_empty() {
            G::AllocationFailNoPools
        } else if all.iter().all(|cl| !c.classes.allows(cl)) {
            G::AllocationFailClasses
        } else if cands().nth(1).is_some() {
            G::AllocationFailSharedNetwork
        } else {
            G::AllocationFailSubnet
        };
        st.stats.g(reason).add(1);
        if let Some(ss) = st.subnet_stats.get(sel) {
            ss.at(S::AllocationFail).add(1);
        }
        if pd {
            kea_log!(
                loggers::LEASES,
                messages::DHCP6_PD_LEASE_ALLOC_FAIL,
                Label(c.q),
                ia.iaid
            );
        } else {
            kea_log!(
                loggers::LEASES,
                messages::DHCP6_LEASE_ALLOC_FAIL,
                Label(c.q),
                ia.iaid
            );
        }
        put_status(scratch, fail_code, fail_text);
        // Renew/Rebind: the client's addresses are no longer valid for it.
        if matches!(c.ex, Exchange::Renew | Exchange::Rebind) {
            zero_lifetimes(scratch, &hints, pd, None);
        }
        return ia_value(ia.iaid, 0, 0, scratch);
    };
    let s = &st.cfg.subnets[si];
    let hint = hints.iter().find(|h| h.0 == addr).or(hints.first());
    let (valid_t, pref_t) = st.cfg.lifetimes(s, &c.classes);
    let valid = valid_t.choose(hint.map(|h| h.3));
    let pref = pref_t.choose(hint.map(|h| h.2)).min(valid);
    let (t1, t2) = s.tee_times(pref);
    let pool = if pd {
        s.pd_pool_of(addr, len)
    } else {
        s.pool_of(addr)
    };
    if let Some(p) = pool {
        if pd {
            c.pd_pool.get_or_insert((si, p));
        } else {
            c.na_pool.get_or_insert((si, p));
        }
    }
    if c.commit {
        let mut l =
            Lease6::new(lt, addr, len, c.duid, ia.iaid, s.id).with_lifetimes(pref, valid, c.now);
        l.pool_id = pool.unwrap_or(0) as u32;
        l.hw_address = c.hw;
        if let Some(name) = &c.hostname {
            l.hostname = name.as_str().into();
        } else if let Some((h, _)) = &c.host
            && let Some(name) = &h.hostname
        {
            l.hostname = name.to_ascii_lowercase().into_boxed_str();
        }
        let old = st.leases.get(addr);
        // Statistics only look at address, type, subnet and state: a DUID-less shadow
        // stands in for the lease moved into the store.
        let shadow = Lease6::new(lt, addr, len, &[], ia.iaid, s.id);
        let res = match &old {
            Some(_) => st.leases.update(l),
            None => st.leases.add(l),
        };
        if let Err(e) = res {
            kea_log!(
                loggers::LEASES,
                messages::DHCP6_PACKET_PROCESS_FAIL,
                Label(c.q),
                c.q.msg_type.kea_name(),
                "-",
                e
            );
            put_status(scratch, fail_code, fail_text);
            return ia_value(ia.iaid, 0, 0, scratch);
        }
        st.account(old.as_deref(), Some(&shadow));
        let fresh = old
            .as_ref()
            .is_none_or(|o| !counted(o) || o.duid.as_ref() != c.duid || o.iaid != ia.iaid);
        if fresh {
            let (g, sub) = if pd {
                (G::CumulativeAssignedPds, S::CumulativeAssignedPds)
            } else {
                (G::CumulativeAssignedNas, S::CumulativeAssignedNas)
            };
            st.stats.g(g).add(1);
            st.subnet_stats[si].at(sub).add(1);
        }
        match (pd, reused) {
            (false, false) => kea_log!(
                loggers::LEASES,
                messages::DHCP6_LEASE_ALLOC,
                Label(c.q),
                addr,
                ia.iaid,
                valid
            ),
            (true, false) => kea_log!(
                loggers::LEASES,
                messages::DHCP6_PD_LEASE_ALLOC,
                Label(c.q),
                addr,
                len,
                ia.iaid,
                valid
            ),
            (false, true) => kea_log!(
                loggers::LEASES,
                messages::DHCP6_LEASE_RENEW,
                Label(c.q),
                addr,
                ia.iaid
            ),
            (true, true) => kea_log!(
                loggers::LEASES,
                messages::DHCP6_PD_LEASE_RENEW,
                Label(c.q),
                addr,
                len,
                ia.iaid
            ),
        }
    } else if pd {
        kea_log!(
            loggers::LEASES,
            messages::DHCP6_PD_LEASE_ADVERT,
            Label(c.q),
            addr,
            len,
            ia.iaid
        );
    } else {
        kea_log!(
            loggers::LEASES,
            messages::DHCP6_LEASE_ADVERT,
            Label(c.q),
            addr,
            ia.iaid
        );
    }
    if pd {
        let mut sub = Vec::new();
        let wants_exclude =
            c.q.oro()
                .is_some_and(|mut o| o.any(|x| x == code::PD_EXCLUDE));
        if wants_exclude
            && let Some(p) = pool
            && let Some((ex, ex_len)) = s.pd_pools[p].pool.excluded()
        {
            let mut v = Vec::with_capacity(17);
            let ex_in = {
                // The excluded prefix is given relative to the pool; place it inside
                // the delegated prefix at the same offset (RFC 6603 §4.2).
                let m = if len == 0 {
                    0
                } else {
                    u128::MAX << (128 - u32::from(len))
                };
                Ipv6Addr::from((u128::from(addr) & m) | (u128::from(ex) & !m))
            };
            if dhcp_packet::v6::encode_pd_exclude(addr, len, ex_in, ex_len, &mut v).is_ok() {
                put_opt(&mut sub, code::PD_EXCLUDE, &v);
            }
        }
        put_iaprefix(scratch, addr, len, pref, valid, &sub);
    } else {
        put_iaaddr(scratch, addr, pref, valid);
    }
    if matches!(c.ex, Exchange::Renew | Exchange::Rebind) {
        zero_lifetimes(scratch, &hints, pd, Some(addr));
    }
    ia_value(ia.iaid, t1, t2, scratch)
}

/// The Client FQDN option (39) answered as Kea does with DNS updates off: N set, O set
/// when the client asked the server to update (S), the name lower-cased and qualified
/// with `ddns-qualifying-suffix` (a reserved host name wins). Returns the option value and
/// the host name stored in leases (with the final dot, as Kea stores it).
fn fqdn_reply(
    cfg: &ServerConfig,
    c: &Client<'_>,
    f: &dhcp_packet::v6::ClientFqdn6,
) -> (Vec<u8>, Option<String>) {
    const S: u8 = 0x01;
    const O: u8 = 0x02;
    const N: u8 = 0x04;
    let flags = N | if f.flags & S != 0 { O } else { 0 };
    let suffix = c
        .subnet
        .map_or("", |i| cfg.subnets[i].qualifying_suffix.as_str());
    let reserved = c.host.as_ref().and_then(|(h, _)| h.hostname.as_deref());
    let (base, qualified) = match reserved {
        Some(h) => (
            h.trim_end_matches('.').to_ascii_lowercase(),
            h.ends_with('.'),
        ),
        None => (f.name.to_ascii_lowercase(), f.fully_qualified),
    };
    let name = if base.is_empty() || qualified || suffix.is_empty() {
        base
    } else {
        format!("{base}.{suffix}")
    };
    let reply = dhcp_packet::v6::ClientFqdn6 {
        flags,
        name: name.clone(),
        fully_qualified: true,
    };
    let mut value = Vec::with_capacity(name.len() + 3);
    if reply.encode(&mut value).is_err() {
        // A name we cannot encode (label too long): answer the flags only.
        value.clear();
        value.push(flags);
        return (value, None);
    }
    let stored = (!name.is_empty()).then(|| format!("{name}."));
    (value, stored)
}

/// Adds the client's other addresses/prefixes with zero lifetimes (RFC 8415 §18.3.4).
fn zero_lifetimes(
    out: &mut Vec<u8>,
    hints: &[(Ipv6Addr, u8, u32, u32)],
    pd: bool,
    keep: Option<Ipv6Addr>,
) {
    for &(a, len, _, _) in hints {
        if a.is_unspecified() || Some(a) == keep {
            continue;
        }
        if pd {
            put_iaprefix(out, a, len, 0, 0, &[]);
        } else {
            put_iaaddr(out, a, 0, 0);
        }
    }
}

fn hint_text(h: &[(Ipv6Addr, u8, u32, u32)]) -> String {
    match h.first() {
        Some((a, 128, _, _)) => a.to_string(),
        Some((a, l, _, _)) => format!("{a}/{l}"),
        None => "(no hint)".to_string(),
    }
}

/// Evaluates the `evaluate-additional-classes` lists of the pools, subnet and shared
/// network the client was served from (ARM 16.1.1 step 12).
fn additional_classes(st: &ServerState, env: &Env6<'_>, c: &mut Client<'_>) {
    let cfg = &st.cfg;
    let subnet = c.na_pool.or(c.pd_pool).map(|x| x.0).or(c.subnet);
    let Some(si) = subnet else {
        return;
    };
    let s = &cfg.subnets[si];
    let na = c
        .na_pool
        .and_then(|(i, p)| cfg.subnets[i].pools.get(p))
        .map(|p| &p.additional_classes[..]);
    let pd = c
        .pd_pool
        .and_then(|(i, p)| cfg.subnets[i].pd_pools.get(p))
        .map(|p| &p.additional_classes[..]);
    let net = s.network.map(|n| &cfg.networks[n].additional_classes[..]);
    let lists = [na, pd, Some(&s.additional_classes[..]), net];
    if lists.iter().flatten().all(|l| l.is_empty()) {
        return;
    }
    cls::additional(cfg, env, &mut c.classes, lists.into_iter().flatten());
}

/// RELEASE (RFC 8415 §18.3.7).
fn release(st: &ServerState, c: &Client<'_>, r: &mut Pkt6) {
    let mut all_ok = true;
    let mut body = Vec::new();
    for (oc, lt) in [(code::IA_NA, LeaseType::Na), (code::IA_PD, LeaseType::Pd)] {
        for raw in c.q.options.get_all(oc) {
            let Ok(ia) = Ia::decode(oc, raw) else {
                all_ok = false;
                continue;
            };
            if lt == LeaseType::Na {
                kea_log!(
                    loggers::LEASES,
                    messages::DHCP6_PROCESS_IA_NA_RELEASE,
                    Label(c.q),
                    ia.iaid
                );
            }
            let items: Vec<(Ipv6Addr, u8)> = if lt == LeaseType::Pd {
                ia.prefixes()
                    .flatten()
                    .map(|p| (p.prefix, p.prefix_len))
                    .collect()
            } else {
                ia.addresses().flatten().map(|a| (a.addr, 128)).collect()
            };
            let mut ok = !items.is_empty();
            // Kea uses the same text for IA_NA and IA_PD.
            let mut why = text::RELEASE_NO_BINDING;
            for (a, len) in items {
                match st.leases.get(a) {
                    Some(l)
                        if l.lease_type == lt
                            && l.state == LeaseState::DEFAULT
                            && l.duid.as_ref() == c.duid
                            && l.iaid == ia.iaid =>
                    {
                        if release_one(st, c, &l, len) {
                            if lt == LeaseType::Pd {
                                kea_log!(
                                    loggers::LEASES,
                                    messages::DHCP6_RELEASE_PD,
                                    Label(c.q),
                                    a,
                                    len,
                                    ia.iaid
                                );
                            } else {
                                kea_log!(
                                    loggers::LEASES,
                                    messages::DHCP6_RELEASE_NA,
                                    Label(c.q),
                                    a,
                                    ia.iaid
                                );
                            }
                        } else {
                            ok = false;
                        }
                    }
                    Some(l)
                        if l.lease_type == lt
                            && l.state == LeaseState::DEFAULT
                            && l.duid.as_ref() != c.duid =>
                    {
                        why = text::RELEASE_NOT_YOURS;
                        if lt == LeaseType::Na {
                            kea_log!(
                                loggers::LEASES,
                                messages::DHCP6_RELEASE_NA_FAIL_WRONG_DUID,
                                Label(c.q),
                                a,
                                dhcp_lease::hex_text(&l.duid)
                            );
                        } else {
                            kea_log!(
                                loggers::LEASES,
                                messages::DHCP6_RELEASE_PD_FAIL_WRONG_DUID,
                                Label(c.q),
                                a,
                                len,
                                dhcp_lease::hex_text(&l.duid)
                            );
                        }
                        ok = false;
                    }
                    Some(l) if l.lease_type == lt && l.state == LeaseState::DEFAULT => {
                        why = text::RELEASE_WRONG_IAID;
                        if lt == LeaseType::Na {
                            kea_log!(
                                loggers::LEASES,
                                messages::DHCP6_RELEASE_NA_FAIL_WRONG_IAID,
                                Label(c.q),
                                a,
                                l.iaid,
                                ia.iaid
                            );
                        } else {
                            kea_log!(
                                loggers::LEASES,
                                messages::DHCP6_RELEASE_PD_FAIL_WRONG_IAID,
                                Label(c.q),
                                a,
                                len,
                                l.iaid,
                                ia.iaid
                            );
                        }
                        ok = false;
                    }
                    _ => ok = false,
                }
            }
            body.clear();
            if ok {
                put_status(&mut body, status::SUCCESS, text::RELEASED);
            } else {
                all_ok = false;
                put_status(&mut body, status::NO_BINDING, why);
            }
            r.options.push(oc, &ia_value(ia.iaid, 0, 0, &body));
        }
    }
    let overall = if all_ok {
        status::SUCCESS
    } else {
        status::NO_BINDING
    };
    r.options.push(
        code::STATUS_CODE,
        &status_value(overall, text::RELEASE_SUMMARY),
    );
}

/// Releases one lease the client owns. With lease affinity (`hold-reclaimed-time` and
/// `flush-reclaimed-timer-wait-time` both set, ARM 12.4) the lease is kept, expired, in the
/// released state so the client can get it back; otherwise it is deleted.
fn release_one(st: &ServerState, c: &Client<'_>, l: &Arc<Lease6>, len: u8) -> bool {
    let e = &st.cfg.expired;
    let pd = l.lease_type == LeaseType::Pd;
    if e.hold_reclaimed_time > 0 && e.flush_reclaimed_timer_wait_time > 0 {
        let mut kept = (**l).clone();
        kept.state = LeaseState::RELEASED;
        kept.preferred_lifetime = 0;
        kept.valid_lifetime = 0;
        kept.cltt = c.now;
        if st.leases.update(kept.clone()).is_err() {
            return false;
        }
        st.account(Some(l), Some(&kept));
        if pd {
            kea_log!(
                loggers::LEASES,
                messages::DHCP6_RELEASE_PD_EXPIRED,
                Label(c.q),
                l.address,
                len,
                l.iaid
            );
        } else {
            kea_log!(
                loggers::LEASES,
                messages::DHCP6_RELEASE_NA_EXPIRED,
                Label(c.q),
                l.address,
                l.iaid
            );
        }
        return true;
    }
    match st.leases.delete(l.address) {
        Ok(Some(gone)) => {
            st.account(Some(&gone), None);
            if pd {
                kea_log!(
                    loggers::LEASES,
                    messages::DHCP6_RELEASE_PD_DELETED,
                    Label(c.q),
                    l.address,
                    len,
                    l.iaid
                );
            } else {
                kea_log!(
                    loggers::LEASES,
                    messages::DHCP6_RELEASE_NA_DELETED,
                    Label(c.q),
                    l.address,
                    l.iaid
                );
            }
            true
        }
        _ => false,
    }
}

/// DECLINE (RFC 8415 §18.3.8): the addresses go into probation.
fn decline(st: &ServerState, c: &Client<'_>, r: &mut Pkt6) {
    let mut body = Vec::new();
    for raw in c.q.options.get_all(code::IA_NA) {
        let Ok(ia) = Ia::decode(code::IA_NA, raw) else {
            continue;
        };
        let mut ok = true;
        let mut any = false;
        for a in ia.addresses().flatten() {
            any = true;
            // Only an active lease can be declined (a released one is no binding).
            match st
                .leases
                .get(a.addr)
                .filter(|l| l.state == LeaseState::DEFAULT)
            {
                Some(l)
                    if l.lease_type == LeaseType::Na
                        && l.state == LeaseState::DEFAULT
                        && l.duid.as_ref() == c.duid
                        && l.iaid == ia.iaid =>
                {
                    let mut d = (*l).clone();
                    d.state = LeaseState::DECLINED;
                    d.preferred_lifetime = 0;
                    d.valid_lifetime = st.cfg.decline_probation_period;
                    d.cltt = c.now;
                    d.duid = dhcp_lease::Duid::new(&[0]);
                    d.hw_address = None;
                    d.hostname = Box::from("");
                    d.fqdn_fwd = false;
                    d.fqdn_rev = false;
                    if st.leases.update(d.clone()).is_ok() {
                        st.account(Some(&l), Some(&d));
                        kea_log!(
                            loggers::LEASES,
                            messages::DHCP6_DECLINE_LEASE,
                            Label(c.q),
                            a.addr,
                            st.cfg.decline_probation_period
                        );
                    } else {
                        ok = false;
                    }
                }
                Some(l) if l.duid.as_ref() == c.duid && l.lease_type == LeaseType::Na => {
                    kea_log!(
                        loggers::LEASES,
                        messages::DHCP6_DECLINE_FAIL_IAID_MISMATCH,
                        Label(c.q),
                        a.addr,
                        ia.iaid,
                        l.iaid
                    );
                    ok = false;
                }
                Some(l) => {
                    kea_log!(
                        loggers::LEASES,
                        messages::DHCP6_DECLINE_FAIL_DUID_MISMATCH,
                        Label(c.q),
                        a.addr,
                        dhcp_lease::hex_text(&l.duid)
                    );
                    ok = false;
                }
                None => {
                    kea_log!(
                        loggers::LEASES,
                        messages::DHCP6_DECLINE_FAIL_NO_LEASE,
                        Label(c.q),
                        a.addr
                    );
                    ok = false;
                }
            }
        }
        body.clear();
        if ok && any {
            put_status(&mut body, status::SUCCESS, text::DECLINED);
        } else {
            put_status(&mut body, status::NO_BINDING, text::DECLINE_NO_BINDING);
        }
        r.options.push(code::IA_NA, &ia_value(ia.iaid, 0, 0, &body));
    }
}

/// CONFIRM (RFC 8415 §18.3.3): are the client's addresses on-link? No addresses or no
/// subnet: no reply.
fn confirm(st: &ServerState, c: &Client<'_>, r: &mut Pkt6) -> Option<Drop> {
    let mut addrs = Vec::new();
    for raw in c.q.options.get_all(code::IA_NA) {
        if let Ok(ia) = Ia::decode(code::IA_NA, raw) {
            addrs.extend(ia.addresses().flatten().map(|a: IaAddr| a.addr));
        }
    }
    if addrs.is_empty() {
        return Some(Drop::Rfc("CONFIRM without addresses"));
    }
    let Some(si) = c.subnet else {
        return Some(Drop::Rfc("CONFIRM from a link with no subnet"));
    };
    let off_link = addrs.iter().find(|a| {
        !st.cfg
            .candidates(si)
            .any(|i| st.cfg.subnets[i].prefix.contains(*a))
    });
    let (code_, msg) = match off_link {
        None => (status::SUCCESS, text::ON_LINK.to_string()),
        Some(a) => (status::NOT_ON_LINK, format!("Address {a} is not on link.")),
    };
    r.options
        .push(code::STATUS_CODE, &status_value(code_, &msg));
    None
}

/// Options the client asked for (ORO) or that are always sent, from the most specific
/// scope: reservation, pool, subnet, shared network, global.
fn add_options(st: &ServerState, c: &Client<'_>, r: &mut Pkt6) {
    let cfg = &st.cfg;
    let mut scopes: [Option<&OptionSet>; 5] = [None; 5];
    if let Some((h, _)) = &c.host {
        scopes[0] = Some(&h.options);
    }
    if let Some((si, p)) = c.na_pool {
        scopes[1] = cfg.subnets[si].pools.get(p).map(|x| &x.options);
    }
    if let Some((si, p)) = c.pd_pool {
        scopes[2] = cfg.subnets[si].pd_pools.get(p).map(|x| &x.options);
    }
    let subnet = c.na_pool.or(c.pd_pool).map(|x| x.0).or(c.subnet);
    if let Some(si) = subnet {
        let s = &cfg.subnets[si];
        scopes[3] = Some(&s.options);
        scopes[4] = s.network.map(|n| &cfg.networks[n].options);
    }
    // Then the options of the client's classes, in the order it joined them (the first
    // class defining an option wins), then the global ones (ARM 16.1.1 step 13).
    let class_scopes = c
        .classes
        .iter()
        .filter_map(|n| cfg.class(n))
        .map(|d| &d.options)
        .filter(|o| !o.is_empty());
    let mut oro: [u16; 64] = [0; 64];
    let mut n = 0;
    if let Some(it) = c.q.oro() {
        for o in it {
            if n < oro.len() {
                oro[n] = o;
                n += 1;
            }
        }
    }
    let requested = &oro[..n];
    let mut sent: [u16; 64] = [0; 64];
    let mut ns = 0;
    let all = scopes
        .iter()
        .flatten()
        .copied()
        .chain(class_scopes)
        .chain(std::iter::once(&cfg.options));
    for scope in all {
        for o in &scope.items {
            if sent[..ns].contains(&o.code) {
                continue;
            }
            if o.never_send {
                // A more specific never-send hides the option from wider scopes.
                if ns < sent.len() {
                    sent[ns] = o.code;
                    ns += 1;
                }
                continue;
            }
            if !(o.always_send || requested.contains(&o.code)) {
                continue;
            }
            if !c.classes.allows(&o.classes) {
                continue;
            }
            if r.options.contains(o.code) {
                continue;
            }
            r.options.push(o.code, &o.data);
            if ns < sent.len() {
                sent[ns] = o.code;
                ns += 1;
            }
        }
    }
}

#[cfg(test)]
#[path = "pipeline_tests.rs"]
mod tests;
