//! The validated `Dhcp6` configuration (ARM ch. 10, §29.2).

use std::collections::HashSet;
use std::net::Ipv6Addr;
use std::path::Path;

use ipnet::Ipv6Net;

use crate::element::{Element, Map, Position};
use crate::error::{ConfigError, Warning};
use crate::hooks::HooksLibrary;
use crate::load::{self, Daemon, Loaded};
use crate::model::common::{
    Allocator, ClientClass, ControlSocket, DatabaseConfig, DdnsParams, DhcpDdns,
    ExpiredLeasesProcessing, HostIdentifier, HostIdentifierType, InterfaceSpec, Logger,
    MultiThreading, OptionData, OptionDef, Relay, SanityChecks, Triplet, check_relay_family,
    check_triplet, read_control_sockets, read_host_ids,
};
use crate::model::dhcp4::{ConfigControl, check_unique};
use crate::model::read::{FromEl, Reader, inheritable, invalid, kea_enum};

inheritable! {
    /// Parameters a v6 subnet inherits from its shared network and from the global level.
    pub struct NetworkParams6 {
        valid_lifetime: u32 = "valid-lifetime",
        min_valid_lifetime: u32 = "min-valid-lifetime",
        max_valid_lifetime: u32 = "max-valid-lifetime",
        preferred_lifetime: u32 = "preferred-lifetime",
        min_preferred_lifetime: u32 = "min-preferred-lifetime",
        max_preferred_lifetime: u32 = "max-preferred-lifetime",
        renew_timer: u32 = "renew-timer",
        rebind_timer: u32 = "rebind-timer",
        calculate_tee_times: bool = "calculate-tee-times",
        t1_percent: f64 = "t1-percent",
        t2_percent: f64 = "t2-percent",
        cache_threshold: f64 = "cache-threshold",
        cache_max_age: u32 = "cache-max-age",
        reservations_global: bool = "reservations-global",
        reservations_in_subnet: bool = "reservations-in-subnet",
        reservations_out_of_pool: bool = "reservations-out-of-pool",
        store_extended_info: bool = "store-extended-info",
        allocator: Allocator = "allocator",
        pd_allocator: Allocator = "pd-allocator",
        interface: String = "interface",
        interface_id: String = "interface-id",
        rapid_commit: bool = "rapid-commit",
        relay: Relay = "relay",
    }
}

impl NetworkParams6 {
    /// Reads one level; an empty relay list or interface name counts as unset.
    pub(crate) fn read_level(r: &Reader<'_>) -> Result<Self, ConfigError> {
        check_relay_family(r, true)?;
        let mut p = Self::read(r)?;
        if p.relay.as_ref().is_some_and(|x| x.ip_addresses.is_empty()) {
            p.relay = None;
        }
        if p.interface.as_deref() == Some("") {
            p.interface = None;
        }
        Ok(p)
    }

    /// The valid-lifetime triplet.
    pub fn valid_lifetime_triplet(&self) -> Option<Triplet> {
        Triplet::resolve(
            self.valid_lifetime,
            self.min_valid_lifetime,
            self.max_valid_lifetime,
        )
    }

    /// The preferred-lifetime triplet.
    pub fn preferred_lifetime_triplet(&self) -> Option<Triplet> {
        Triplet::resolve(
            self.preferred_lifetime,
            self.min_preferred_lifetime,
            self.max_preferred_lifetime,
        )
    }
}

kea_enum! {
    /// `server-id.type`.
    pub enum DuidType {
        Llt = "LLT",
        En = "EN",
        Ll = "LL",
    }
}

/// `server-id`: how the server's DUID is made.
#[derive(Clone, Debug, PartialEq)]
pub struct ServerId {
    /// DUID type (default LLT).
    pub duid_type: DuidType,
    /// Hex identifier ("" = generate).
    pub identifier: String,
    /// LLT time (0 = now).
    pub time: u32,
    /// LLT/LL hardware type (0 = from the interface).
    pub htype: u16,
    /// EN enterprise number (0 = ISC's).
    pub enterprise_id: u32,
    /// Store the generated DUID in a file (default true).
    pub persist: bool,
    /// Free-form user context.
    pub user_context: Option<Map>,
}

/// `interfaces-config` of kea-dhcp6.
#[derive(Clone, Debug, PartialEq)]
pub struct InterfacesConfig6 {
    /// Interfaces (`*`, `eth0`, `eth0/2001:db8::1` for unicast).
    pub interfaces: Vec<InterfaceSpec>,
    /// Re-detect interfaces on reconfiguration (default true).
    pub re_detect: bool,
    /// Fail if any socket cannot be opened.
    pub service_sockets_require_all: bool,
    /// Milliseconds between socket open retries (default 5000).
    pub service_sockets_retry_wait_time: u32,
    /// Socket open retries (default 0).
    pub service_sockets_max_retries: u32,
    /// Free-form user context.
    pub user_context: Option<Map>,
}

/// A v6 address pool.
#[derive(Clone, Debug, PartialEq)]
pub struct Pool6 {
    /// First address.
    pub first: Ipv6Addr,
    /// Last address (inclusive).
    pub last: Ipv6Addr,
    /// Identifier used in statistics names (default 0).
    pub pool_id: u32,
    /// Options for leases from this pool.
    pub option_data: Vec<OptionData>,
    /// Restrict the pool to these classes.
    pub client_classes: Vec<String>,
    /// Classes evaluated for clients served from this pool.
    pub evaluate_additional_classes: Vec<String>,
    /// Pool-level DDNS overrides.
    pub ddns: DdnsParams,
    /// Free-form user context.
    pub user_context: Option<Map>,
    /// Where the pool starts.
    pub pos: Position,
}

impl Pool6 {
    /// True if `addr` is in the pool.
    pub fn contains(&self, addr: Ipv6Addr) -> bool {
        self.first <= addr && addr <= self.last
    }
}

/// A prefix-delegation pool.
#[derive(Clone, Debug, PartialEq)]
pub struct PdPool {
    /// The pool prefix (`prefix` / `prefix-len`).
    pub prefix: Ipv6Net,
    /// Length of delegated prefixes.
    pub delegated_len: u8,
    /// RFC 6603 excluded prefix (`excluded-prefix` / `excluded-prefix-len`).
    pub excluded_prefix: Option<Ipv6Net>,
    /// Identifier used in statistics names (default 0).
    pub pool_id: u32,
    /// Options for prefixes from this pool.
    pub option_data: Vec<OptionData>,
    /// Restrict the pool to these classes.
    pub client_classes: Vec<String>,
    /// Classes evaluated for clients served from this pool.
    pub evaluate_additional_classes: Vec<String>,
    /// Pool-level DDNS overrides.
    pub ddns: DdnsParams,
    /// Free-form user context.
    pub user_context: Option<Map>,
    /// Where the pool starts.
    pub pos: Position,
}

/// A v6 host reservation.
#[derive(Clone, Debug, PartialEq)]
pub struct Reservation6 {
    /// The client identifier (duid, hw-address or flex-id).
    pub identifier: HostIdentifier,
    /// Reserved addresses.
    pub ip_addresses: Vec<Ipv6Addr>,
    /// Reserved prefixes.
    pub prefixes: Vec<Ipv6Net>,
    /// Excluded prefixes for the reserved prefixes (RFC 6603).
    pub excluded_prefixes: Vec<Ipv6Net>,
    /// Reserved host name.
    pub hostname: Option<String>,
    /// Classes the client is put in.
    pub client_classes: Vec<String>,
    /// Options for this host.
    pub option_data: Vec<OptionData>,
    /// Free-form user context.
    pub user_context: Option<Map>,
    /// Where the reservation starts.
    pub pos: Position,
}

impl Subnet6 {
    /// Validates and reads one subnet map (as `subnet6-add` carries it).
    pub fn from_element(e: &Element) -> Result<Loaded<Self>, ConfigError> {
        let v = crate::Fragment::Subnet6.validate(e)?;
        Ok(Loaded {
            config: read_subnet6(&v.config, None)?,
            warnings: v.warnings,
        })
    }
}

impl Reservation6 {
    /// Validates and reads one reservation map (as `reservation-add` carries it).
    pub fn from_element(e: &Element) -> Result<Loaded<Self>, ConfigError> {
        let v = crate::Fragment::Reservation6.validate(e)?;
        Ok(Loaded {
            config: read_reservation6(&v.config)?,
            warnings: v.warnings,
        })
    }
}

/// A v6 subnet (top-level or inside a shared network).
#[derive(Clone, Debug, PartialEq)]
pub struct Subnet6 {
    /// Subnet identifier (1..=4294967294), unique.
    pub id: u32,
    /// The prefix as written (may be non-canonical; `subnet.trunc()` is the network).
    pub subnet: Ipv6Net,
    /// Name of the enclosing shared network.
    pub shared_network: Option<String>,
    /// Address pools.
    pub pools: Vec<Pool6>,
    /// Prefix-delegation pools.
    pub pd_pools: Vec<PdPool>,
    /// Host reservations.
    pub reservations: Vec<Reservation6>,
    /// Subnet options.
    pub option_data: Vec<OptionData>,
    /// Restrict the subnet to these classes.
    pub client_classes: Vec<String>,
    /// Classes evaluated for clients of this subnet.
    pub evaluate_additional_classes: Vec<String>,
    /// Values set on this subnet (see [`Dhcp6Config::effective_params`]).
    pub params: NetworkParams6,
    /// DDNS values set on this subnet.
    pub ddns: DdnsParams,
    /// Free-form user context.
    pub user_context: Option<Map>,
    /// Where the subnet starts.
    pub pos: Position,
}

/// A v6 shared network (its subnets are in [`Dhcp6Config::subnets`]).
#[derive(Clone, Debug, PartialEq)]
pub struct SharedNetwork6 {
    /// Unique name.
    pub name: String,
    /// Ids of the member subnets.
    pub subnet_ids: Vec<u32>,
    /// Network options.
    pub option_data: Vec<OptionData>,
    /// Restrict the network to these classes.
    pub client_classes: Vec<String>,
    /// Classes evaluated for clients of this network.
    pub evaluate_additional_classes: Vec<String>,
    /// Values set on this network.
    pub params: NetworkParams6,
    /// DDNS values set on this network.
    pub ddns: DdnsParams,
    /// Free-form user context.
    pub user_context: Option<Map>,
    /// Where the network starts.
    pub pos: Position,
}

/// MAC address sources accepted in `mac-sources` (ARM §10.11).
pub const MAC_SOURCES: &[&str] = &[
    "any",
    "raw",
    "duid",
    "ipv6-link-local",
    "client-link-addr-option",
    "rfc6939",
    "remote-id",
    "rfc4649",
    "subscriber-id",
    "rfc4580",
    "docsis-cmts",
    "docsis-modem",
];

/// The validated `Dhcp6` configuration. See [`crate::Dhcp4Config`] for the conventions.
#[derive(Clone, Debug)]
pub struct Dhcp6Config {
    /// Global values of the inheritable parameters (defaults filled in).
    pub params: NetworkParams6,
    /// Global DDNS values (defaults filled in).
    pub ddns: DdnsParams,
    /// Seconds a declined address stays unavailable (default 86400).
    pub decline_probation_period: u32,
    /// Identifier types tried for reservation lookup, in order.
    pub host_reservation_identifiers: Vec<HostIdentifierType>,
    /// Listening interfaces.
    pub interfaces_config: InterfacesConfig6,
    /// Lease storage (default memfile).
    pub lease_database: DatabaseConfig,
    /// Host databases.
    pub hosts_databases: Vec<DatabaseConfig>,
    /// Reclamation timers.
    pub expired_leases_processing: ExpiredLeasesProcessing,
    /// All subnets, including those of shared networks.
    pub subnets: Vec<Subnet6>,
    /// Shared networks.
    pub shared_networks: Vec<SharedNetwork6>,
    /// Custom option definitions.
    pub option_def: Vec<OptionDef>,
    /// Global options.
    pub option_data: Vec<OptionData>,
    /// Client class definitions.
    pub client_classes: Vec<ClientClass>,
    /// Global reservations.
    pub reservations: Vec<Reservation6>,
    /// Control sockets.
    pub control_sockets: Vec<ControlSocket>,
    /// Loggers.
    pub loggers: Vec<Logger>,
    /// Hook libraries as configured.
    pub hooks_libraries: Vec<HooksLibrary>,
    /// Multi-threading settings.
    pub multi_threading: MultiThreading,
    /// Lease sanity checks.
    pub sanity_checks: SanityChecks,
    /// `compatibility.lenient-option-parsing`.
    pub lenient_option_parsing: bool,
    /// D2 connection.
    pub dhcp_ddns: DhcpDdns,
    /// `dhcp-queue-control` (free-form map, defaults filled).
    pub dhcp_queue_control: Map,
    /// Configuration backends.
    pub config_control: Option<ConfigControl>,
    /// Server DUID settings.
    pub server_id: ServerId,
    /// Deprecated data directory.
    pub data_directory: Option<String>,
    /// MAC address sources, in order (default `any`).
    pub mac_sources: Vec<String>,
    /// Extra RSOO-enabled options (codes or names).
    pub relay_supplied_options: Vec<String>,
    /// Accept address registration (RFC 9686).
    pub allow_address_registration: Option<bool>,
    /// Server tag for configuration backends.
    pub server_tag: String,
    /// Parked packets limit (default 256).
    pub parked_packet_limit: u32,
    /// Default sample count of statistics.
    pub statistic_default_sample_count: u32,
    /// Default sample age of statistics.
    pub statistic_default_sample_age: u32,
    /// DHCPv4-over-DHCPv6 port (0 = off).
    pub dhcp4o6_port: u16,
    /// Look up global reservations before subnet selection.
    pub early_global_reservations_lookup: bool,
    /// At most one reservation per address/prefix (default true).
    pub ip_reservations_unique: bool,
    /// Look up reservations before leases.
    pub reservations_lookup_first: bool,
    /// Global user context.
    pub user_context: Option<Map>,
    element: Element,
}

fn parse_v6_range(e: &Element) -> Result<(Ipv6Addr, Ipv6Addr), ConfigError> {
    let s = e.as_str()?;
    let bad = |why: &str| invalid(e, "pool", &format!("'{s}': {why}"));
    if let Some((a, b)) = s.split_once('-') {
        let first: Ipv6Addr = a.trim().parse().map_err(|_| bad("invalid first address"))?;
        let last: Ipv6Addr = b.trim().parse().map_err(|_| bad("invalid last address"))?;
        if first > last {
            return Err(bad("the first address is greater than the last one"));
        }
        Ok((first, last))
    } else if s.contains('/') {
        let net: Ipv6Net = s.trim().parse().map_err(|_| bad("invalid prefix"))?;
        Ok((net.network(), net.broadcast()))
    } else {
        Err(bad("expected 'first - last' or 'prefix/length'"))
    }
}

fn read_pool6(e: &Element, subnet: &Ipv6Net) -> Result<Pool6, ConfigError> {
    let r = Reader::new(e, "pools")?;
    let pool_el = r.get("pool").ok_or_else(|| r.missing("pool"))?;
    let (first, last) = parse_v6_range(pool_el)?;
    if !subnet.contains(&first) || !subnet.contains(&last) {
        return Err(ConfigError::validation(
            Some(pool_el.pos.clone()),
            format!(
                "subnet configuration failed: a pool of type IA_NA, with the following address range: {first}-{last} does not match the prefix of a subnet: {subnet} to which it is being added"
            ),
        ));
    }
    Ok(Pool6 {
        first,
        last,
        pool_id: r.or("pool-id", 0)?,
        option_data: r.list("option-data", |o| OptionData::read(o, "dhcp6"))?,
        client_classes: r.or("client-classes", Vec::new())?,
        evaluate_additional_classes: r.or("evaluate-additional-classes", Vec::new())?,
        ddns: DdnsParams::read(&r)?,
        user_context: r.user_context(),
        pos: e.pos.clone(),
    })
}

fn prefix_from(e: &Element, key: &str, addr: Ipv6Addr, len: u8) -> Result<Ipv6Net, ConfigError> {
    Ipv6Net::new(addr, len).map_err(|_| invalid(e, key, &format!("invalid prefix length {len}")))
}

fn read_pd_pool(e: &Element) -> Result<PdPool, ConfigError> {
    let r = Reader::new(e, "pd-pools")?;
    let prefix_el = r.get("prefix").ok_or_else(|| r.missing("prefix"))?;
    let addr = Ipv6Addr::from_el(prefix_el, "prefix")?;
    let prefix_len: u8 = r.req("prefix-len")?;
    let delegated_len: u8 = r.req("delegated-len")?;
    let prefix = prefix_from(prefix_el, "prefix", addr, prefix_len)?;
    if prefix.trunc() != prefix {
        return Err(invalid(
            prefix_el,
            "prefix",
            &format!("{prefix} has bits set beyond the prefix length"),
        ));
    }
    if delegated_len < prefix_len {
        return Err(ConfigError::validation(
            Some(e.pos.clone()),
            format!(
                "delegated length ({delegated_len}) must be greater than or equal to prefix length ({prefix_len})"
            ),
        ));
    }
    let excluded_prefix = match r.get("excluded-prefix") {
        None => None,
        Some(x) => {
            let xaddr = Ipv6Addr::from_el(x, "excluded-prefix")?;
            let xlen: u8 = r.req("excluded-prefix-len")?;
            if xaddr.is_unspecified() && xlen == 0 {
                None
            } else {
                if xlen <= delegated_len {
                    return Err(ConfigError::validation(
                        Some(x.pos.clone()),
                        format!(
                            "excluded prefix length ({xlen}) must be greater than the delegated length ({delegated_len})"
                        ),
                    ));
                }
                let xnet = prefix_from(x, "excluded-prefix", xaddr, xlen)?;
                if !prefix.contains(&xnet) {
                    return Err(invalid(
                        x,
                        "excluded-prefix",
                        &format!("{xnet} is not within {prefix}"),
                    ));
                }
                Some(xnet)
            }
        }
    };
    Ok(PdPool {
        prefix,
        delegated_len,
        excluded_prefix,
        pool_id: r.or("pool-id", 0)?,
        option_data: r.list("option-data", |o| OptionData::read(o, "dhcp6"))?,
        client_classes: r.or("client-classes", Vec::new())?,
        evaluate_additional_classes: r.or("evaluate-additional-classes", Vec::new())?,
        ddns: DdnsParams::read(&r)?,
        user_context: r.user_context(),
        pos: e.pos.clone(),
    })
}

fn read_prefixes(r: &Reader<'_>, key: &str) -> Result<Vec<Ipv6Net>, ConfigError> {
    r.list(key, |p| {
        let s = p.as_str()?;
        s.trim()
            .parse::<Ipv6Net>()
            .map_err(|_| invalid(p, key, &format!("'{s}' is not a valid IPv6 prefix")))
    })
}

fn read_reservation6(e: &Element) -> Result<Reservation6, ConfigError> {
    let r = Reader::new(e, "reservations")?;
    Ok(Reservation6 {
        identifier: HostIdentifier::read(
            &r,
            &[
                HostIdentifierType::Duid,
                HostIdentifierType::HwAddress,
                HostIdentifierType::FlexId,
            ],
        )?,
        ip_addresses: r.list("ip-addresses", |a| Ipv6Addr::from_el(a, "ip-addresses"))?,
        prefixes: read_prefixes(&r, "prefixes")?,
        excluded_prefixes: read_prefixes(&r, "excluded-prefixes")?,
        hostname: r.opt_text("hostname")?,
        client_classes: r.or("client-classes", Vec::new())?,
        option_data: r.list("option-data", |o| OptionData::read(o, "dhcp6"))?,
        user_context: r.user_context(),
        pos: e.pos.clone(),
    })
}

fn read_subnet6(e: &Element, shared_network: Option<&str>) -> Result<Subnet6, ConfigError> {
    let r = Reader::new(e, "subnet6")?;
    let id: u32 = r.req("id")?;
    let subnet_el = r.get("subnet").ok_or_else(|| r.missing("subnet"))?;
    let text = subnet_el.as_str()?;
    let subnet: Ipv6Net = text.trim().parse().map_err(|_| {
        ConfigError::validation(
            Some(subnet_el.pos.clone()),
            format!(
                "subnet configuration failed: Invalid subnet syntax (prefix/len expected):{text}"
            ),
        )
    })?;
    check_triplet(&r, "valid-lifetime")?;
    check_triplet(&r, "preferred-lifetime")?;
    let reservations = r.list("reservations", read_reservation6)?;
    for res in &reservations {
        if let Some(a) = res.ip_addresses.iter().find(|a| !subnet.contains(*a)) {
            return Err(ConfigError::validation(
                Some(res.pos.clone()),
                format!(
                    "specified reservation for address {a} is not within the IPv6 subnet {subnet}"
                ),
            ));
        }
    }
    let pools = r.list("pools", |p| read_pool6(p, &subnet))?;
    let mut sorted: Vec<&Pool6> = pools.iter().collect();
    sorted.sort_by_key(|p| p.first);
    for w in sorted.windows(2) {
        if w[1].first <= w[0].last {
            return Err(ConfigError::validation(
                Some(w[1].pos.clone()),
                format!(
                    "a pool of type IA_NA, with the following address range: {}-{} overlaps with an existing pool in the subnet",
                    w[1].first, w[1].last
                ),
            ));
        }
    }
    let pd_pools = r.list("pd-pools", read_pd_pool)?;
    for (i, a) in pd_pools.iter().enumerate() {
        if let Some(b) = pd_pools[..i]
            .iter()
            .find(|b| b.prefix.contains(&a.prefix) || a.prefix.contains(&b.prefix))
        {
            return Err(ConfigError::validation(
                Some(a.pos.clone()),
                format!(
                    "pd-pool {} overlaps with pd-pool {} (at {})",
                    a.prefix, b.prefix, b.pos
                ),
            ));
        }
    }
    Ok(Subnet6 {
        id,
        subnet,
        shared_network: shared_network.map(str::to_string),
        pools,
        pd_pools,
        reservations,
        option_data: r.list("option-data", |o| OptionData::read(o, "dhcp6"))?,
        client_classes: r.or("client-classes", Vec::new())?,
        evaluate_additional_classes: r.or("evaluate-additional-classes", Vec::new())?,
        params: NetworkParams6::read_level(&r)?,
        ddns: DdnsParams::read(&r)?,
        user_context: r.user_context(),
        pos: e.pos.clone(),
    })
}

fn check_reservations6(res: &[Reservation6], ip_unique: bool) -> Result<(), ConfigError> {
    let mut ids: HashSet<&HostIdentifier> = HashSet::new();
    let mut addrs: HashSet<Ipv6Addr> = HashSet::new();
    let mut prefixes: HashSet<Ipv6Net> = HashSet::new();
    for h in res {
        if !ids.insert(&h.identifier) {
            return Err(ConfigError::validation(
                Some(h.pos.clone()),
                format!(
                    "duplicate {} reservation in the same scope",
                    h.identifier.kind
                ),
            ));
        }
        if ip_unique {
            if let Some(a) = h.ip_addresses.iter().find(|a| !addrs.insert(**a)) {
                return Err(ConfigError::validation(
                    Some(h.pos.clone()),
                    format!("address {a} is already reserved"),
                ));
            }
            if let Some(p) = h.prefixes.iter().find(|p| !prefixes.insert(**p)) {
                return Err(ConfigError::validation(
                    Some(h.pos.clone()),
                    format!("prefix {p} is already reserved"),
                ));
            }
        }
    }
    Ok(())
}

impl load::DaemonModel for Dhcp6Config {
    const DAEMON: Daemon = Daemon::Dhcp6;
    fn load_object(object: &Element) -> Result<Loaded<Self>, ConfigError> {
        Self::from_element(object)
    }
}

impl Dhcp6Config {
    /// Reads, parses and validates a configuration file holding a `Dhcp6` object.
    pub fn from_file(path: impl AsRef<Path>) -> Result<Loaded<Self>, ConfigError> {
        load::load_file(path)
    }

    /// Parses and validates text holding `{"Dhcp6": {...}}` (origin names it in positions).
    pub fn from_text(text: &str, origin: &str) -> Result<Loaded<Self>, ConfigError> {
        load::load_text(text, origin)
    }

    /// Validates a root map `{"Dhcp6": {...}, ...}` (a file, or config-set arguments).
    pub fn from_root(root: &Element) -> Result<Loaded<Self>, ConfigError> {
        load::load_root(root)
    }

    /// Validates the `Dhcp6` map itself.
    pub fn from_element(dhcp6: &Element) -> Result<Loaded<Self>, ConfigError> {
        let mut warnings: Vec<Warning> = Vec::new();
        let normalized = load::validate(dhcp6, Daemon::Dhcp6, &mut warnings)?;
        let config = Self::build(normalized)?;
        for s in &config.subnets {
            let p = config.effective_params(s);
            warnings.extend(crate::model::common::timer_warnings(
                s.id,
                &s.pos,
                p.renew_timer,
                p.rebind_timer,
                p.valid_lifetime,
            ));
        }
        Ok(Loaded { config, warnings })
    }

    fn build(normalized: Element) -> Result<Self, ConfigError> {
        let globals = load::defaulted_globals(&normalized, Daemon::Dhcp6);
        let g = Reader::new(&globals, "Dhcp6")?;
        let r = Reader::new(&normalized, "Dhcp6")?;
        check_triplet(&r, "valid-lifetime")?;
        check_triplet(&r, "preferred-lifetime")?;

        let mut subnets = r.list("subnet6", |s| read_subnet6(s, None))?;
        let mut shared_networks = Vec::new();
        for net_el in r
            .get("shared-networks")
            .map(Element::as_list)
            .transpose()?
            .unwrap_or(&[])
        {
            let nr = Reader::new(net_el, "shared-networks")?;
            let name: String = nr.req("name")?;
            check_triplet(&nr, "valid-lifetime")?;
            check_triplet(&nr, "preferred-lifetime")?;
            let members = nr.list("subnet6", |s| read_subnet6(s, Some(&name)))?;
            shared_networks.push(SharedNetwork6 {
                name,
                subnet_ids: members.iter().map(|s| s.id).collect(),
                option_data: nr.list("option-data", |o| OptionData::read(o, "dhcp6"))?,
                client_classes: nr.or("client-classes", Vec::new())?,
                evaluate_additional_classes: nr.or("evaluate-additional-classes", Vec::new())?,
                params: NetworkParams6::read_level(&nr)?,
                ddns: DdnsParams::read(&nr)?,
                user_context: nr.user_context(),
                pos: net_el.pos.clone(),
            });
            subnets.extend(members);
        }
        let mut ids: HashSet<u32> = HashSet::with_capacity(subnets.len());
        let mut prefixes: HashSet<Ipv6Net> = HashSet::with_capacity(subnets.len());
        for s in &subnets {
            if !ids.insert(s.id) {
                return Err(ConfigError::validation(
                    Some(s.pos.clone()),
                    format!(
                        "subnet configuration failed: ID of the new IPv6 subnet '{}' is already in use",
                        s.id
                    ),
                ));
            }
            if !prefixes.insert(s.subnet) {
                return Err(ConfigError::validation(
                    Some(s.pos.clone()),
                    format!(
                        "subnet configuration failed: subnet with the prefix of '{}' already exists",
                        s.subnet
                    ),
                ));
            }
        }
        check_unique(
            shared_networks.iter().map(|n| (n.name.as_str(), &n.pos)),
            "shared network",
        )?;
        let client_classes = r.list("client-classes", |c| ClientClass::read(c, "dhcp6"))?;
        check_unique(
            client_classes.iter().map(|c| (c.name.as_str(), &c.pos)),
            "client class",
        )?;

        let ip_reservations_unique = g.or("ip-reservations-unique", true)?;
        for s in &subnets {
            check_reservations6(&s.reservations, ip_reservations_unique)?;
        }
        let reservations = r.list("reservations", read_reservation6)?;
        check_reservations6(&reservations, ip_reservations_unique)?;

        let mut hosts_databases = Vec::new();
        if let Some(h) = r.get("hosts-database") {
            hosts_databases.push(DatabaseConfig::read(h, "hosts-database")?);
        }
        hosts_databases.extend(r.list("hosts-databases", |d| {
            DatabaseConfig::read(d, "hosts-databases")
        })?);

        let mac_sources: Vec<String> = r.or("mac-sources", vec!["any".to_string()])?;
        if let Some(el) = r.get("mac-sources") {
            if mac_sources.is_empty() {
                return Err(ConfigError::validation(
                    Some(el.pos.clone()),
                    "mac-sources must not be empty (use \"any\" or omit it)".to_string(),
                ));
            }
            if let Some(bad) = mac_sources
                .iter()
                .find(|m| !MAC_SOURCES.contains(&m.as_str()))
            {
                return Err(invalid(
                    el,
                    "mac-sources",
                    &format!("unknown MAC source '{bad}'"),
                ));
            }
        }

        let ifaces = g.get("interfaces-config").unwrap_or(&globals);
        let ir = Reader::new(ifaces, "interfaces-config")?;
        let interfaces_config = InterfacesConfig6 {
            interfaces: ir.list("interfaces", |i| InterfaceSpec::from_el(i, "interfaces"))?,
            re_detect: ir.or("re-detect", true)?,
            service_sockets_require_all: ir.or("service-sockets-require-all", false)?,
            service_sockets_retry_wait_time: ir.or("service-sockets-retry-wait-time", 5000)?,
            service_sockets_max_retries: ir.or("service-sockets-max-retries", 0)?,
            user_context: ir.user_context(),
        };
        let sid_el = g.get("server-id").unwrap_or(&globals);
        let sr = Reader::new(sid_el, "server-id")?;
        let server_id = ServerId {
            duid_type: sr.or("type", DuidType::Llt)?,
            identifier: sr.or("identifier", String::new())?,
            time: sr.or("time", 0)?,
            htype: sr.or("htype", 0)?,
            enterprise_id: sr.or("enterprise-id", 0)?,
            persist: sr.or("persist", true)?,
            user_context: sr.user_context(),
        };
        if !server_id.identifier.is_empty()
            && crate::model::read::parse_identifier(&server_id.identifier).is_none()
        {
            let pos = sid_el
                .get("identifier")
                .map_or(sid_el.pos.clone(), |e| e.pos.clone());
            return Err(ConfigError::validation(
                Some(pos),
                format!(
                    "invalid server-id identifier '{}': expected hex digits",
                    server_id.identifier
                ),
            ));
        }
        let lenient_option_parsing = match r.get("compatibility") {
            Some(c) => Reader::new(c, "compatibility")?.or("lenient-option-parsing", false)?,
            None => false,
        };
        let sanity_checks = SanityChecks::read(r.get("sanity-checks"))?;

        Ok(Dhcp6Config {
            params: NetworkParams6::read(&g)?,
            ddns: DdnsParams::read(&g)?,
            decline_probation_period: g.or("decline-probation-period", 86400)?,
            host_reservation_identifiers: read_host_ids(&g)?,
            interfaces_config,
            lease_database: match r.get("lease-database") {
                Some(d) => DatabaseConfig::read(d, "lease-database")?,
                None => DatabaseConfig::memfile_default(),
            },
            hosts_databases,
            expired_leases_processing: ExpiredLeasesProcessing::read(
                r.get("expired-leases-processing"),
            )?,
            subnets,
            shared_networks,
            option_def: r.list("option-def", |o| OptionDef::read(o, "dhcp6"))?,
            option_data: r.list("option-data", |o| OptionData::read(o, "dhcp6"))?,
            client_classes,
            reservations,
            control_sockets: read_control_sockets(&r, "kea-dhcpv6-server")?,
            loggers: r.list("loggers", Logger::read)?,
            hooks_libraries: r.list("hooks-libraries", HooksLibrary::read)?,
            multi_threading: MultiThreading::read(r.get("multi-threading"))?,
            sanity_checks,
            lenient_option_parsing,
            dhcp_ddns: DhcpDdns::read(r.get("dhcp-ddns"), true)?,
            dhcp_queue_control: g
                .get("dhcp-queue-control")
                .map(Element::as_map)
                .transpose()?
                .cloned()
                .unwrap_or_default(),
            config_control: ConfigControl::read(r.get("config-control"))?,
            server_id,
            data_directory: r.opt("data-directory")?,
            mac_sources,
            relay_supplied_options: r.or("relay-supplied-options", Vec::new())?,
            allow_address_registration: r.opt("allow-address-registration")?,
            server_tag: g.or("server-tag", String::new())?,
            parked_packet_limit: g.or("parked-packet-limit", 256)?,
            statistic_default_sample_count: g.or("statistic-default-sample-count", 20)?,
            statistic_default_sample_age: g.or("statistic-default-sample-age", 0)?,
            dhcp4o6_port: g.or("dhcp4o6-port", 0)?,
            early_global_reservations_lookup: g.or("early-global-reservations-lookup", false)?,
            ip_reservations_unique,
            reservations_lookup_first: g.or("reservations-lookup-first", false)?,
            user_context: r.user_context(),
            element: normalized,
        })
    }

    /// The subnet with this id.
    pub fn subnet(&self, id: u32) -> Option<&Subnet6> {
        self.subnets.iter().find(|s| s.id == id)
    }

    /// The shared network with this name.
    pub fn shared_network(&self, name: &str) -> Option<&SharedNetwork6> {
        self.shared_networks.iter().find(|n| n.name == name)
    }

    /// A subnet's effective parameters: own, then shared network, then global values.
    pub fn effective_params(&self, subnet: &Subnet6) -> NetworkParams6 {
        match subnet
            .shared_network
            .as_deref()
            .and_then(|n| self.shared_network(n))
        {
            Some(n) => subnet.params.inherit(&n.params.inherit(&self.params)),
            None => subnet.params.inherit(&self.params),
        }
    }

    /// Effective DDNS parameters for a subnet and optionally one of its address pools.
    pub fn effective_ddns(&self, subnet: &Subnet6, pool: Option<&Pool6>) -> DdnsParams {
        let upper = match subnet
            .shared_network
            .as_deref()
            .and_then(|n| self.shared_network(n))
        {
            Some(n) => subnet.ddns.inherit(&n.ddns.inherit(&self.ddns)),
            None => subnet.ddns.inherit(&self.ddns),
        };
        match pool {
            Some(p) => p.ddns.inherit(&upper),
            None => upper,
        }
    }

    /// The normalized `Dhcp6` map as configured.
    pub fn as_element(&self) -> &Element {
        &self.element
    }

    /// `config-get`: `{"Dhcp6": {...}}` with defaults filled in.
    pub fn to_element(&self) -> Element {
        load::unparse(&self.element, Daemon::Dhcp6)
    }

    /// `config-hash-get`: SHA-256 of [`Dhcp6Config::to_element`]'s compact text.
    pub fn config_hash(&self) -> String {
        load::config_hash(&self.to_element())
    }
}
