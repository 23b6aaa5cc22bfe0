//! The DHCPv4 packet pipeline: a synchronous function from a query (plus how it arrived) to
//! a reply (plus where it goes), with no sockets involved.
//!
//! Stages, named after Kea's: sanity checks → server-id acceptance → early classification
//! ([`crate::classify`], the hook point) → subnet selection ([`select`]) → host reservation
//! lookup (KNOWN/UNKNOWN) → per-message handler (DISCOVER, REQUEST, RELEASE, DECLINE, INFORM)
//! → options assembly ([`reply`]) → destination ([`dest`]).

pub mod alloc;
pub mod dest;
mod names;
pub mod reply;
pub mod select;

use std::net::Ipv4Addr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use dhcp_lease::{HwAddr, Lease4, LeaseState, LeaseStore4};
use dhcp_packet::{MessageType4, Pkt4};

use crate::classify::{ClassSet, builtin_classes};
use crate::config::{Host, IdentifierType, ServerConfig, Subnet4};
use crate::socket::{RecvMeta, SendMeta};
use crate::stats::{Stats, SubnetStats};

pub use dest::Ports;

/// Everything the pipeline needs for one configuration generation. Cheap to share: the
/// packet path holds it through an `Arc` swapped on reconfiguration.
pub struct ServerState {
    pub cfg: Arc<ServerConfig>,
    /// Parallel to `cfg.subnets`.
    pub subnet_stats: Vec<Arc<SubnetStats>>,
    /// Parallel to `cfg.subnets`.
    pub allocators: Vec<alloc::SubnetAllocator>,
    pub leases: Arc<dyn LeaseStore4>,
    pub stats: Arc<Stats>,
    /// Addresses of this host's interfaces: a query carrying one as server identifier is ours.
    pub local_addrs: Vec<Ipv4Addr>,
    pub ports: Ports,
    /// True when replies can be unicast to clients without an address (raw sockets).
    pub direct_unicast: bool,
    /// dhcp-disable / dhcp-enable.
    pub disabled: Arc<AtomicBool>,
}

impl std::fmt::Debug for ServerState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServerState")
            .field("subnets", &self.cfg.subnets.len())
            .finish()
    }
}

impl ServerState {
    /// Builds the state for `cfg`, registering subnet statistics (total-addresses set,
    /// assigned/declined recounted from the lease store as Kea does on reconfiguration).
    pub fn new(
        cfg: Arc<ServerConfig>,
        leases: Arc<dyn LeaseStore4>,
        stats: Arc<Stats>,
        local_addrs: Vec<Ipv4Addr>,
        ports: Ports,
        disabled: Arc<AtomicBool>,
    ) -> Result<Self, String> {
        // Fresh counters, registered by the caller when this generation goes in service.
        let subnet_stats: Vec<Arc<SubnetStats>> = cfg
            .subnets
            .iter()
            .map(|s| Arc::new(SubnetStats::new(s.id, s.pools.len())))
            .collect();
        let counts = leases.counts();
        let mut g_declined = 0i64;
        for (s, st) in cfg.subnets.iter().zip(&subnet_stats) {
            st.c.total_addresses.set(s.total_addresses() as i64);
            for (p, pc) in s.pools.iter().zip(&st.pools) {
                pc.total_addresses.set(p.size() as i64);
            }
            let (mut a, mut d) = (0u64, 0u64);
            for c in counts.iter().filter(|c| c.subnet_id == s.id) {
                a += c.counts.assigned();
                d += c.counts.declined;
                if let Some(pc) = st.pools.get(c.pool_id as usize) {
                    pc.assigned_addresses.add(c.counts.assigned() as i64);
                    pc.declined_addresses.add(c.counts.declined as i64);
                }
            }
            st.c.assigned_addresses.set(a as i64);
            st.c.declined_addresses.set(d as i64);
            g_declined += d as i64;
        }
        stats.global.declined_addresses.set(g_declined);
        let now = unix_now();
        let mut allocators = Vec::with_capacity(cfg.subnets.len());
        for s in &cfg.subnets {
            let mut is_free = |a: Ipv4Addr| match leases.get(a) {
                None => true,
                Some(l) => l.state == LeaseState::EXPIRED_RECLAIMED || l.is_expired(now),
            };
            allocators.push(alloc::SubnetAllocator::new(s, &mut is_free)?);
        }
        Ok(ServerState {
            direct_unicast: cfg.socket_type == crate::socket::SocketType::Raw,
            cfg,
            subnet_stats,
            allocators,
            leases,
            stats,
            local_addrs,
            ports,
            disabled,
        })
    }

    /// Index of the subnet with this id.
    pub fn subnet_index(&self, id: u32) -> Option<usize> {
        self.cfg.subnet_index(id)
    }

    /// Subnet and pool counters for a lease of `subnet_id` on `addr`.
    fn counters(
        &self,
        subnet_id: u32,
        addr: Ipv4Addr,
    ) -> Option<(&SubnetStats, Option<&crate::stats::PoolCounters>)> {
        let i = self.subnet_index(subnet_id)?;
        let ss = &self.subnet_stats[i];
        let pool = self.cfg.subnets[i]
            .pools
            .iter()
            .position(|p| p.contains(addr));
        Some((ss, pool.and_then(|p| ss.pools.get(p))))
    }

    /// assigned-addresses (subnet and pool) changes by `d`.
    pub fn count_assigned(&self, subnet_id: u32, addr: Ipv4Addr, d: i64) {
        if let Some((s, p)) = self.counters(subnet_id, addr) {
            s.c.assigned_addresses.add(d);
            if let Some(p) = p {
                p.assigned_addresses.add(d);
            }
        }
    }

    /// A new assignment: cumulative-assigned-addresses (global, subnet, pool).
    pub fn count_cumulative(&self, subnet_id: u32, addr: Ipv4Addr) {
        self.stats.global.cumulative_assigned_addresses.inc();
        if let Some((s, p)) = self.counters(subnet_id, addr) {
            s.c.cumulative_assigned_addresses.inc();
            if let Some(p) = p {
                p.cumulative_assigned_addresses.inc();
            }
        }
    }

    /// declined-addresses (global, subnet, pool) changes by `d`.
    pub fn count_declined(&self, subnet_id: u32, addr: Ipv4Addr, d: i64) {
        self.stats.global.declined_addresses.add(d);
        if let Some((s, p)) = self.counters(subnet_id, addr) {
            s.c.declined_addresses.add(d);
            if let Some(p) = p {
                p.declined_addresses.add(d);
            }
        }
    }

    /// A lease was reclaimed: reclaimed-leases, and for a declined one the declined
    /// counters move to reclaimed-declined-addresses; assigned-addresses drops.
    pub fn count_reclaimed(&self, subnet_id: u32, addr: Ipv4Addr, was_declined: bool) {
        let g = &self.stats.global;
        g.reclaimed_leases.inc();
        if was_declined {
            g.reclaimed_declined_addresses.inc();
            g.declined_addresses.add(-1);
        }
        if let Some((s, p)) = self.counters(subnet_id, addr) {
            s.c.assigned_addresses.add(-1);
            s.c.reclaimed_leases.inc();
            if was_declined {
                s.c.declined_addresses.add(-1);
                s.c.reclaimed_declined_addresses.inc();
            }
            if let Some(p) = p {
                p.assigned_addresses.add(-1);
                p.reclaimed_leases.inc();
                if was_declined {
                    p.declined_addresses.add(-1);
                    p.reclaimed_declined_addresses.inc();
                }
            }
        }
    }

    /// Tells the subnet's allocator that `addr` is now leased (flq bookkeeping).
    pub fn note_taken(&self, subnet_id: u32, addr: Ipv4Addr) {
        if let Some(i) = self.subnet_index(subnet_id) {
            self.allocators[i].taken(addr);
        }
    }

    /// Tells the subnet's allocator that `addr` is free again.
    pub fn note_freed(&self, subnet_id: u32, addr: Ipv4Addr) {
        if let Some(i) = self.subnet_index(subnet_id) {
            self.allocators[i].freed(addr);
        }
    }
}

/// Why a query got no reply. Each maps to the Kea log message that reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Drop {
    /// DHCP4_PACKET_DROP_0008
    Disabled,
    /// DHCP4_PACKET_DROP_0007 (a BOOTREPLY sent to the server)
    NotRequest,
    /// DHCP4_PACKET_DROP_0009
    Bootp,
    /// DHCP4_PACKET_DROP_0005
    UnknownType(u8),
    /// DHCP4_PACKET_DROP_0006
    Unsupported(MessageType4),
    /// DHCP4_PACKET_DROP_0003
    ForeignServerId,
    /// DHCP4_PACKET_DROP_0002 / DHCP4_SUBNET_SELECTION_FAILED
    NoSubnet,
    /// DHCP4_PACKET_DROP_0007: RFC 2131 violations found by the sanity check.
    Rfc(&'static str),
    /// DHCP4_NO_LEASE_INIT_REBOOT: non-authoritative server knows nothing about the client.
    InitRebootUnknown,
    /// DHCP4_PACKET_DROP_0007: allocation failed (pools exhausted).
    AllocFailed,
    /// DHCP4_PACKET_DROP_0007: the lease store refused a change.
    Store(String),
    /// DHCP4_PACKET_DROP_0010: classified into the special class DROP.
    DropClass,
    /// DHCP4_PACKET_DROP_0013: in the class DROP after the host reservation lookup (its
    /// test reads KNOWN/UNKNOWN).
    DropClassAfterHost,
}

impl Drop {
    /// Kea's message ID for this drop.
    pub fn log_id(&self) -> &'static str {
        match self {
            Drop::Disabled => "DHCP4_PACKET_DROP_0008",
            Drop::Bootp => "DHCP4_PACKET_DROP_0009",
            Drop::UnknownType(_) => "DHCP4_PACKET_DROP_0005",
            Drop::Unsupported(_) => "DHCP4_PACKET_DROP_0006",
            Drop::ForeignServerId => "DHCP4_PACKET_DROP_0003",
            Drop::NoSubnet => "DHCP4_SUBNET_SELECTION_FAILED",
            Drop::DropClass => "DHCP4_PACKET_DROP_0010",
            Drop::DropClassAfterHost => "DHCP4_PACKET_DROP_0013",
            Drop::InitRebootUnknown => "DHCP4_NO_LEASE_INIT_REBOOT",
            Drop::AllocFailed => "DHCP4_PACKET_ALLOC_FAIL",
            Drop::NotRequest | Drop::Rfc(_) | Drop::Store(_) => "DHCP4_PACKET_DROP_0007",
        }
    }

    /// Human-readable reason.
    pub fn reason(&self) -> String {
        match self {
            Drop::Disabled => "DHCP service is globally disabled".into(),
            Drop::NotRequest => "failed to process packet: not a BOOTREQUEST".into(),
            Drop::Bootp => {
                "Option 53 missing (no DHCP message type), is this a BOOTP packet?".into()
            }
            Drop::UnknownType(t) => format!("unrecognized type {t} in option 53"),
            Drop::Unsupported(t) => format!("unsupported DHCPv4 message type {}", t.kea_name()),
            Drop::ForeignServerId => "it contains a foreign server identifier".into(),
            Drop::NoSubnet => "failed to select subnet for the client".into(),
            Drop::Rfc(r) => format!("failed to process packet: {r}"),
            Drop::InitRebootUnknown => {
                "client is in INIT-REBOOT state and has no lease; the server is not authoritative"
                    .into()
            }
            Drop::AllocFailed => "failed to allocate an IPv4 address".into(),
            Drop::Store(e) => format!("failed to process packet: {e}"),
            Drop::DropClass => "dropped as member of the special class 'DROP'".into(),
            Drop::DropClassAfterHost => {
                "dropped as member of the special class 'DROP' after host reservation lookup".into()
            }
        }
    }
}

/// Result of processing one query.
// The reply travels by value: boxing it would cost an allocation per packet.
#[allow(clippy::large_enum_variant)]
#[derive(Debug)]
pub enum Outcome {
    /// Send this reply.
    Reply(Pkt4, SendMeta),
    /// Processed, nothing to send (RELEASE, DECLINE).
    Done,
    /// Dropped.
    Drop(Drop),
}

/// What happened to a lease, for logging (DHCP4_LEASE_OFFER / DHCP4_LEASE_ALLOC).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LeaseEvent {
    Offer(Ipv4Addr, u32),
    Alloc(Ipv4Addr, u32),
    Nak,
    Release(Ipv4Addr),
    Decline(Ipv4Addr),
}

/// Per-query state, like Kea's ClientContext4.
pub(crate) struct Ctx<'a> {
    pub st: &'a ServerState,
    pub q: &'a Pkt4,
    pub meta: &'a RecvMeta,
    pub now: i64,
    pub classes: ClassSet,
    pub subnet: Option<usize>,
    pub host: Option<Arc<Host>>,
    pub event: Option<LeaseEvent>,
    /// Host name for the lease (from [`names`]).
    pub hostname: Option<String>,
}

impl<'a> Ctx<'a> {
    fn cfg(&self) -> &'a ServerConfig {
        &self.st.cfg
    }

    pub(crate) fn subnet(&self) -> Option<&'a Subnet4> {
        let cfg: &'a ServerConfig = &self.st.cfg;
        self.subnet.map(|i| &cfg.subnets[i])
    }

    /// What class expressions may read.
    pub(crate) fn env(&self) -> crate::classify::Env<'a> {
        crate::classify::Env {
            pkt: self.q,
            iface: &self.meta.iface,
            src: self.meta.remote_addr,
            dst: self.meta.local_addr,
        }
    }

    fn client_id(&self) -> Option<&'a [u8]> {
        self.q.client_id().filter(|c| !c.is_empty())
    }

    /// Subnets the client may be moved to: the selected one, then the others of its shared
    /// network that its classes allow.
    fn candidate_subnets(&self) -> Vec<usize> {
        let Some(si) = self.subnet else {
            return Vec::new();
        };
        let cfg = self.cfg();
        let mut out = vec![si];
        if let Some(ni) = cfg.subnets[si].network {
            for &o in &cfg.networks[ni].subnets {
                if o != si && self.classes.allows(&cfg.subnets[o].client_classes) {
                    out.push(o);
                }
            }
        }
        out
    }
}

fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// Processes one query; `None` means no reply (the reason has been counted).
pub fn process(st: &ServerState, q: Pkt4, meta: RecvMeta) -> Option<(Pkt4, SendMeta)> {
    match process_at(st, &q, &meta, unix_now()).0 {
        Outcome::Reply(p, m) => Some((p, m)),
        _ => None,
    }
}

/// Processes one query at time `now` (unix seconds); returns the outcome and the lease event
/// for logging. Statistics of received and sent packets are updated here, except
/// `pkt4-received` and `pkt4-parse-failed`, which the receive loop counts before decoding.
pub fn process_at(
    st: &ServerState,
    q: &Pkt4,
    meta: &RecvMeta,
    now: i64,
) -> (Outcome, Option<LeaseEvent>) {
    let mut ctx = Ctx {
        st,
        q,
        meta,
        now,
        classes: ClassSet::default(),
        subnet: None,
        host: None,
        event: None,
        hostname: None,
    };
    let out = match run(&mut ctx) {
        Ok(Some(reply)) => {
            let send = dest::reply_destination(q, &reply, meta, st.ports, st.direct_unicast);
            count_sent(&st.stats, &reply);
            Outcome::Reply(reply, send)
        }
        Ok(None) => Outcome::Done,
        Err(d) => {
            st.stats.global.pkt4_receive_drop.inc();
            Outcome::Drop(d)
        }
    };
    (out, ctx.event)
}

fn count_sent(stats: &Stats, reply: &Pkt4) {
    stats.global.pkt4_sent.inc();
    match reply.message_type() {
        Some(MessageType4::Offer) => stats.global.pkt4_offer_sent.inc(),
        Some(MessageType4::Ack) => stats.global.pkt4_ack_sent.inc(),
        Some(MessageType4::Nak) => stats.global.pkt4_nak_sent.inc(),
        _ => {}
    }
}

fn count_received(stats: &Stats, t: Option<MessageType4>) {
    let g = &stats.global;
    match t {
        Some(MessageType4::Discover) => g.pkt4_discover_received.inc(),
        Some(MessageType4::Offer) => g.pkt4_offer_received.inc(),
        Some(MessageType4::Request) => g.pkt4_request_received.inc(),
        Some(MessageType4::Ack) => g.pkt4_ack_received.inc(),
        Some(MessageType4::Nak) => g.pkt4_nak_received.inc(),
        Some(MessageType4::Release) => g.pkt4_release_received.inc(),
        Some(MessageType4::Decline) => g.pkt4_decline_received.inc(),
        Some(MessageType4::Inform) => g.pkt4_inform_received.inc(),
        _ => g.pkt4_unknown_received.inc(),
    }
}

fn run(ctx: &mut Ctx<'_>) -> Result<Option<Pkt4>, Drop> {
    let q = ctx.q;
    let mt = q.message_type();
    count_received(&ctx.st.stats, mt);
    if ctx.st.disabled.load(Ordering::Relaxed) {
        return Err(Drop::Disabled);
    }
    if q.op != dhcp_packet::v4::BOOTREQUEST {
        return Err(Drop::NotRequest);
    }
    let Some(mt) = mt else {
        return Err(if q.options.contains(dhcp_packet::v4::code::MESSAGE_TYPE) {
            Drop::Rfc("malformed message type option")
        } else {
            Drop::Bootp
        });
    };
    match mt {
        MessageType4::Discover
        | MessageType4::Request
        | MessageType4::Release
        | MessageType4::Decline
        | MessageType4::Inform => {}
        MessageType4::Other(t) => return Err(Drop::UnknownType(t)),
        other => return Err(Drop::Unsupported(other)),
    }
    // Sanity checks (Kea's sanityCheck): client identification and server-id presence rules.
    if q.hwaddr().is_empty() && ctx.client_id().is_none() {
        return Err(Drop::Rfc(
            "missing or useless client-id and no HW address provided",
        ));
    }
    let sid = q.server_id();
    match (mt, sid) {
        (MessageType4::Discover, Some(_)) => {
            return Err(Drop::Rfc(
                "server-id option was not expected, but received in DHCPDISCOVER",
            ));
        }
        (MessageType4::Release | MessageType4::Decline, None) => {
            return Err(Drop::Rfc("server-id option was expected, but not received"));
        }
        (_, Some(id)) if !accept_server_id(ctx, id) => return Err(Drop::ForeignServerId),
        _ => {}
    }
    // Early classification: the hook point for classes that depend only on the packet.
    builtin_classes(q, &mut ctx.classes);
    let env = ctx.env();
    crate::classify::evaluate_configured(ctx.cfg(), &env, &mut ctx.classes, false);
    // Kea's special class: members are dropped.
    if ctx.classes.contains("DROP") {
        return Err(Drop::DropClass);
    }
    match mt {
        MessageType4::Discover => handlers::discover(ctx),
        MessageType4::Request => handlers::request(ctx),
        MessageType4::Release => handlers::release(ctx).map(|_| None),
        MessageType4::Decline => handlers::decline(ctx).map(|_| None),
        MessageType4::Inform => handlers::inform(ctx),
        _ => Ok(None),
    }
}

/// Kea's acceptServerId: our interface addresses, configured server identifiers, or the
/// relay's server-id-override.
fn accept_server_id(ctx: &Ctx<'_>, id: Ipv4Addr) -> bool {
    if ctx.cfg().ignore_server_id {
        return true;
    }
    if ctx.st.local_addrs.contains(&id) || ctx.meta.server_addr == id || ctx.meta.local_addr == id {
        return true;
    }
    if ctx.cfg().configured_server_ids.contains(&id) {
        return true;
    }
    if let Some(Ok(rai)) = ctx.q.relay_agent_info()
        && rai.server_id_override() == Some(id)
    {
        return true;
    }
    false
}

/// Identifier bytes of `t` in the query, if present.
fn identifier<'a>(q: &'a Pkt4, t: IdentifierType) -> Option<std::borrow::Cow<'a, [u8]>> {
    use std::borrow::Cow;
    match t {
        IdentifierType::HwAddress => Some(Cow::Borrowed(q.hwaddr())).filter(|h| !h.is_empty()),
        IdentifierType::ClientId => q.client_id().filter(|c| !c.is_empty()).map(Cow::Borrowed),
        // RFC 4361 client identifier: type 255, IAID (4 bytes), DUID.
        IdentifierType::Duid => q
            .client_id()
            .filter(|c| c.len() > 5 && c[0] == 255)
            .map(|c| Cow::Borrowed(&c[5..])),
        IdentifierType::CircuitId => q
            .relay_agent_info()
            .and_then(Result::ok)
            .and_then(|r| r.circuit_id())
            .map(|c| Cow::Owned(c.to_vec())),
        // flex-id needs the flex_id hook library's expression; not available.
        IdentifierType::FlexId => None,
    }
}

/// Looks up the client's reservation: in-subnet first, then global (per the subnet's flags).
pub(crate) fn find_host(ctx: &Ctx<'_>, subnet: Option<&Subnet4>) -> Option<Arc<Host>> {
    let cfg = ctx.cfg();
    let (in_subnet, global) = match subnet {
        Some(s) => (
            s.params.reservations_in_subnet,
            s.params.reservations_global,
        ),
        None => (false, cfg.global_params.reservations_global),
    };
    let subnet_hosts = subnet
        .filter(|s| in_subnet && !s.hosts.is_empty())
        .map(|s| &s.hosts);
    let global_hosts = Some(&cfg.global_hosts).filter(|h| global && !h.is_empty());
    if subnet_hosts.is_none() && global_hosts.is_none() {
        return None;
    }
    for table in [subnet_hosts, global_hosts].into_iter().flatten() {
        for &t in &cfg.host_identifiers {
            if !table.types_present.contains(&t) {
                continue;
            }
            if let Some(id) = identifier(ctx.q, t)
                && let Some(h) = table.get(t, &id)
            {
                return Some(h.clone());
            }
        }
    }
    None
}

/// Kea's Lease4::belongsToClient: client-id decides when both sides have one, else chaddr.
pub(crate) fn lease_belongs_to(
    lease: &Lease4,
    hw: &[u8],
    cid: Option<&[u8]>,
    match_cid: bool,
) -> bool {
    if match_cid && let (Some(lc), Some(qc)) = (lease.client_id.as_deref(), cid) {
        return lc == qc;
    }
    !hw.is_empty() && lease.hw_bytes() == hw
}

/// Finds the client's lease in the candidate subnets (client-id first, then chaddr).
pub(crate) fn find_client_lease(ctx: &Ctx<'_>, subnets: &[usize]) -> Option<(usize, Arc<Lease4>)> {
    let cfg = ctx.cfg();
    let leases = &ctx.st.leases;
    let hw = ctx.q.hwaddr();
    let cid = ctx.client_id();
    for &si in subnets {
        let s = &cfg.subnets[si];
        if s.params.match_client_id
            && let Some(c) = cid
            && let Some(l) = leases.get_by_client_id_subnet(c, s.id)
        {
            return Some((si, l));
        }
        if !hw.is_empty()
            && let Some(l) = leases.get_by_hw_address_subnet(hw, s.id)
        {
            // A lease recorded with another client-id belongs to another client.
            let other_cid = s.params.match_client_id
                && matches!((l.client_id.as_deref(), cid), (Some(a), Some(b)) if a != b);
            if !other_cid {
                return Some((si, l));
            }
        }
    }
    None
}

pub(crate) fn new_lease(ctx: &Ctx<'_>, si: usize, addr: Ipv4Addr, valid: u32) -> Lease4 {
    let s = &ctx.cfg().subnets[si];
    let mut l = Lease4::new(addr, s.id, valid, ctx.now);
    let hw = ctx.q.hwaddr();
    if !hw.is_empty() {
        l.hw_address = HwAddr::new(u16::from(ctx.q.htype), hw).ok();
    }
    if s.params.match_client_id {
        l.client_id = ctx.client_id().map(|c| c.to_vec().into_boxed_slice());
    }
    if let Some(h) = &ctx.hostname {
        l.hostname = h.to_ascii_lowercase().into_boxed_str();
    } else if let Some(h) = ctx.host.as_ref().and_then(|h| h.hostname.as_deref()) {
        l.hostname = h.to_ascii_lowercase().into_boxed_str();
    }
    l.pool_id = s.pools.iter().position(|p| p.contains(addr)).unwrap_or(0) as u32;
    if s.params.store_extended_info {
        l.user_context = extended_info(ctx.q);
    }
    l.state = LeaseState::DEFAULT;
    l
}

/// Kea's extended lease information: the relay agent options of the query, as
/// `{"ISC": {"relay-agent-info": {"sub-options": HEX, "remote-id": HEX, "relay-id": HEX}}}`.
fn extended_info(q: &Pkt4) -> Option<Box<str>> {
    let raw = q.options.get(dhcp_packet::v4::code::RELAY_AGENT_INFO)?;
    let hex = |b: &[u8]| b.iter().map(|x| format!("{x:02X}")).collect::<String>();
    let mut rai = serde_json::Map::new();
    rai.insert("sub-options".into(), serde_json::Value::String(hex(raw)));
    if let Some(Ok(sub)) = q.relay_agent_info() {
        if let Some(r) = sub.remote_id() {
            rai.insert("remote-id".into(), serde_json::Value::String(hex(r)));
        }
        if let Some(r) = sub.relay_id() {
            rai.insert("relay-id".into(), serde_json::Value::String(hex(r)));
        }
    }
    let v = serde_json::json!({"ISC": {"relay-agent-info": rai}});
    Some(v.to_string().into_boxed_str())
}

mod handlers;

#[cfg(test)]
mod tests;
