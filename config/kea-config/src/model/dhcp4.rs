//! The validated `Dhcp4` configuration (ARM ch. 9, §29.1).

use std::collections::{HashMap, HashSet};
use std::net::Ipv4Addr;
use std::path::Path;

use ipnet::Ipv4Net;

use crate::element::{Element, Map, Position};
use crate::error::{ConfigError, Warning};
use crate::hooks::HooksLibrary;
use crate::load::{self, Daemon, Loaded};
use crate::model::common::{
    Allocator, ClientClass, ControlSocket, DatabaseConfig, DdnsParams, DhcpDdns,
    ExpiredLeasesProcessing, HostIdentifier, HostIdentifierType, InterfaceSpec, LeaseChecks,
    Logger, MultiThreading, OptionData, OptionDef, Relay, SanityChecks, Triplet,
    check_relay_family, check_triplet, read_control_sockets, read_host_ids,
};
use crate::model::read::{FromEl, Reader, inheritable, invalid, kea_enum};

inheritable! {
    /// Parameters a subnet inherits from its shared network and from the global level.
    /// At the global level the ones with defaults are always set.
    pub struct NetworkParams4 {
        valid_lifetime: u32 = "valid-lifetime",
        min_valid_lifetime: u32 = "min-valid-lifetime",
        max_valid_lifetime: u32 = "max-valid-lifetime",
        renew_timer: u32 = "renew-timer",
        rebind_timer: u32 = "rebind-timer",
        calculate_tee_times: bool = "calculate-tee-times",
        t1_percent: f64 = "t1-percent",
        t2_percent: f64 = "t2-percent",
        cache_threshold: f64 = "cache-threshold",
        cache_max_age: u32 = "cache-max-age",
        offer_lifetime: u32 = "offer-lifetime",
        match_client_id: bool = "match-client-id",
        authoritative: bool = "authoritative",
        next_server: Ipv4Addr = "next-server",
        server_hostname: String = "server-hostname",
        boot_file_name: String = "boot-file-name",
        reservations_global: bool = "reservations-global",
        reservations_in_subnet: bool = "reservations-in-subnet",
        reservations_out_of_pool: bool = "reservations-out-of-pool",
        store_extended_info: bool = "store-extended-info",
        allocator: Allocator = "allocator",
        interface: String = "interface",
        relay: Relay = "relay",
    }
}

impl NetworkParams4 {
    /// Reads one level; an empty relay list or interface name counts as unset, so a
    /// config-get → config-set round trip keeps inheritance intact.
    pub(crate) fn read_level(r: &Reader<'_>) -> Result<Self, ConfigError> {
        check_relay_family(r, false)?;
        let mut p = Self::read(r)?;
        if p.relay.as_ref().is_some_and(|x| x.ip_addresses.is_empty()) {
            p.relay = None;
        }
        if p.interface.as_deref() == Some("") {
            p.interface = None;
        }
        Ok(p)
    }

    /// The valid-lifetime triplet (only `None` if no level sets `valid-lifetime`,
    /// which cannot happen for an effective set: the global default is 7200).
    pub fn valid_lifetime_triplet(&self) -> Option<Triplet> {
        Triplet::resolve(
            self.valid_lifetime,
            self.min_valid_lifetime,
            self.max_valid_lifetime,
        )
    }
}

kea_enum! {
    /// `interfaces-config.dhcp-socket-type`.
    pub enum DhcpSocketType {
        Raw = "raw",
        Udp = "udp",
    }
}

kea_enum! {
    /// `interfaces-config.outbound-interface`.
    pub enum OutboundInterface {
        SameAsInbound = "same-as-inbound",
        UseRouting = "use-routing",
    }
}

/// `interfaces-config` of kea-dhcp4.
#[derive(Clone, Debug, PartialEq)]
pub struct InterfacesConfig4 {
    /// Interfaces to listen on (`*`, `eth0`, `eth0/192.0.2.1`).
    pub interfaces: Vec<InterfaceSpec>,
    /// Raw (default) or UDP sockets.
    pub dhcp_socket_type: DhcpSocketType,
    /// How replies leave the server.
    pub outbound_interface: OutboundInterface,
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

impl InterfacesConfig4 {
    fn read(e: Option<&Element>) -> Result<Self, ConfigError> {
        let empty = Element::empty_map();
        let r = Reader::new(e.unwrap_or(&empty), "interfaces-config")?;
        Ok(InterfacesConfig4 {
            interfaces: r.list("interfaces", |i| InterfaceSpec::from_el(i, "interfaces"))?,
            dhcp_socket_type: r.or("dhcp-socket-type", DhcpSocketType::Raw)?,
            outbound_interface: r.or("outbound-interface", OutboundInterface::SameAsInbound)?,
            re_detect: r.or("re-detect", true)?,
            service_sockets_require_all: r.or("service-sockets-require-all", false)?,
            service_sockets_retry_wait_time: r.or("service-sockets-retry-wait-time", 5000)?,
            service_sockets_max_retries: r.or("service-sockets-max-retries", 0)?,
            user_context: r.user_context(),
        })
    }
}

/// `compatibility` of kea-dhcp4.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Compatibility4 {
    /// Accept some malformed options.
    pub lenient_option_parsing: bool,
    /// Do not drop packets whose server identifier is not ours.
    pub ignore_dhcp_server_identifier: bool,
    /// Ignore the RAI link-selection sub-option.
    pub ignore_rai_link_selection: bool,
    /// Never hand out .0 and .255 in prefixes of /24 or shorter.
    pub exclude_first_last_24: bool,
}

/// `config-control` (configuration backends).
#[derive(Clone, Debug, PartialEq)]
pub struct ConfigControl {
    /// Configuration databases.
    pub config_databases: Vec<DatabaseConfig>,
    /// Seconds between polls (default 30).
    pub config_fetch_wait_time: u32,
}

impl ConfigControl {
    pub(crate) fn read(e: Option<&Element>) -> Result<Option<Self>, ConfigError> {
        let Some(e) = e else { return Ok(None) };
        let r = Reader::new(e, "config-control")?;
        Ok(Some(ConfigControl {
            config_databases: r.list("config-databases", |d| {
                DatabaseConfig::read(d, "config-databases")
            })?,
            config_fetch_wait_time: r.or("config-fetch-wait-time", 30)?,
        }))
    }
}

/// A v4 address pool.
#[derive(Clone, Debug, PartialEq)]
pub struct Pool4 {
    /// First address.
    pub first: Ipv4Addr,
    /// Last address (inclusive).
    pub last: Ipv4Addr,
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

impl Pool4 {
    /// Number of addresses in the pool.
    pub fn size(&self) -> u64 {
        u64::from(u32::from(self.last)) - u64::from(u32::from(self.first)) + 1
    }

    /// True if `addr` is in the pool.
    pub fn contains(&self, addr: Ipv4Addr) -> bool {
        self.first <= addr && addr <= self.last
    }

    fn read(e: &Element, subnet: &Ipv4Net) -> Result<Self, ConfigError> {
        let r = Reader::new(e, "pools")?;
        let pool_el = r.get("pool").ok_or_else(|| r.missing("pool"))?;
        let (first, last) = parse_pool4(pool_el)?;
        if !subnet.contains(&first) || !subnet.contains(&last) {
            return Err(ConfigError::validation(
                Some(pool_el.pos.clone()),
                format!(
                    "subnet configuration failed: a pool of type V4, with the following address range: {first}-{last} does not match the prefix of a subnet: {subnet} to which it is being added"
                ),
            ));
        }
        Ok(Pool4 {
            first,
            last,
            pool_id: r.or("pool-id", 0)?,
            option_data: r.list("option-data", |o| OptionData::read(o, "dhcp4"))?,
            client_classes: r.or("client-classes", Vec::new())?,
            evaluate_additional_classes: r.or("evaluate-additional-classes", Vec::new())?,
            ddns: DdnsParams::read(&r)?,
            user_context: r.user_context(),
            pos: e.pos.clone(),
        })
    }
}

/// Parses `a - b`, `a-b` or `prefix/len`.
fn parse_pool4(e: &Element) -> Result<(Ipv4Addr, Ipv4Addr), ConfigError> {
    let s = e.as_str()?;
    let bad = |why: &str| invalid(e, "pool", &format!("'{s}': {why}"));
    if let Some((a, b)) = s.split_once('-') {
        let first: Ipv4Addr = a.trim().parse().map_err(|_| bad("invalid first address"))?;
        let last: Ipv4Addr = b.trim().parse().map_err(|_| bad("invalid last address"))?;
        if first > last {
            return Err(bad("the first address is greater than the last one"));
        }
        Ok((first, last))
    } else if s.contains('/') {
        let net: Ipv4Net = s.trim().parse().map_err(|_| bad("invalid prefix"))?;
        Ok((net.network(), net.broadcast()))
    } else {
        Err(bad("expected 'first - last' or 'prefix/length'"))
    }
}

/// A v4 host reservation (global or in a subnet).
#[derive(Clone, Debug, PartialEq)]
pub struct Reservation4 {
    /// The client identifier.
    pub identifier: HostIdentifier,
    /// Reserved address.
    pub ip_address: Option<Ipv4Addr>,
    /// Reserved host name.
    pub hostname: Option<String>,
    /// Classes the client is put in.
    pub client_classes: Vec<String>,
    /// Options for this host.
    pub option_data: Vec<OptionData>,
    /// siaddr for this host.
    pub next_server: Option<Ipv4Addr>,
    /// sname for this host.
    pub server_hostname: Option<String>,
    /// file for this host.
    pub boot_file_name: Option<String>,
    /// Free-form user context.
    pub user_context: Option<Map>,
    /// Where the reservation starts.
    pub pos: Position,
}

impl Reservation4 {
    /// Validates and reads one reservation map (as `reservation-add` carries it).
    pub fn from_element(e: &Element) -> Result<Loaded<Self>, ConfigError> {
        let v = crate::Fragment::Reservation4.validate(e)?;
        Ok(Loaded {
            config: Self::read(&v.config)?,
            warnings: v.warnings,
        })
    }

    pub(crate) fn read(e: &Element) -> Result<Self, ConfigError> {
        let r = Reader::new(e, "reservations")?;
        Ok(Reservation4 {
            identifier: HostIdentifier::read(&r, HostIdentifierType::ALL)?,
            ip_address: r.opt("ip-address")?,
            hostname: r.opt_text("hostname")?,
            client_classes: r.or("client-classes", Vec::new())?,
            option_data: r.list("option-data", |o| OptionData::read(o, "dhcp4"))?,
            next_server: r.opt_v4("next-server")?,
            server_hostname: r.opt_text("server-hostname")?,
            boot_file_name: r.opt_text("boot-file-name")?,
            user_context: r.user_context(),
            pos: e.pos.clone(),
        })
    }
}

/// DHCPv4-over-DHCPv6 selectors of a subnet.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Subnet4o6 {
    /// `4o6-interface`.
    pub interface: Option<String>,
    /// `4o6-interface-id`.
    pub interface_id: Option<String>,
    /// `4o6-subnet` (an IPv6 prefix).
    pub subnet: Option<String>,
}

/// A v4 subnet (top-level or inside a shared network).
#[derive(Clone, Debug, PartialEq)]
pub struct Subnet4 {
    /// Subnet identifier (1..=4294967294), unique.
    pub id: u32,
    /// The prefix as written: Kea accepts non-canonical forms (`192.0.2.1/24`) and compares
    /// subnets textually, so use `subnet.trunc()` for the network itself.
    pub subnet: Ipv4Net,
    /// Name of the enclosing shared network.
    pub shared_network: Option<String>,
    /// Dynamic pools.
    pub pools: Vec<Pool4>,
    /// Host reservations.
    pub reservations: Vec<Reservation4>,
    /// Subnet options.
    pub option_data: Vec<OptionData>,
    /// Restrict the subnet to these classes.
    pub client_classes: Vec<String>,
    /// Classes evaluated for clients of this subnet.
    pub evaluate_additional_classes: Vec<String>,
    /// Values set on this subnet (see [`Dhcp4Config::effective_params`]).
    pub params: NetworkParams4,
    /// DDNS values set on this subnet.
    pub ddns: DdnsParams,
    /// 4o6 selectors.
    pub dhcp4o6: Subnet4o6,
    /// Free-form user context.
    pub user_context: Option<Map>,
    /// Where the subnet starts.
    pub pos: Position,
}

impl Subnet4 {
    /// Validates and reads one subnet map (as `subnet4-add` carries it).
    pub fn from_element(e: &Element) -> Result<Loaded<Self>, ConfigError> {
        let v = crate::Fragment::Subnet4.validate(e)?;
        Ok(Loaded {
            config: Self::read(&v.config, None)?,
            warnings: v.warnings,
        })
    }

    fn read(e: &Element, shared_network: Option<&str>) -> Result<Self, ConfigError> {
        let r = Reader::new(e, "subnet4")?;
        let id: u32 = r.req("id")?;
        let subnet_el = r.get("subnet").ok_or_else(|| r.missing("subnet"))?;
        let text = subnet_el.as_str()?;
        let subnet: Ipv4Net = text.trim().parse().map_err(|_| {
            ConfigError::validation(
                Some(subnet_el.pos.clone()),
                format!("subnet configuration failed: Invalid subnet syntax (prefix/len expected):{text}"),
            )
        })?;
        check_triplet(&r, "valid-lifetime")?;
        let reservations = r.list("reservations", Reservation4::read)?;
        for res in &reservations {
            if let Some(a) = res.ip_address
                && !subnet.contains(&a)
            {
                return Err(ConfigError::validation(
                    Some(res.pos.clone()),
                    format!(
                        "specified reservation for address {a} is not within the IPv4 subnet {subnet}"
                    ),
                ));
            }
        }
        let pools = r.list("pools", |p| Pool4::read(p, &subnet))?;
        check_pool_overlap(&pools)?;
        Ok(Subnet4 {
            id,
            subnet,
            shared_network: shared_network.map(str::to_string),
            pools,
            reservations,
            option_data: r.list("option-data", |o| OptionData::read(o, "dhcp4"))?,
            client_classes: r.or("client-classes", Vec::new())?,
            evaluate_additional_classes: r.or("evaluate-additional-classes", Vec::new())?,
            params: NetworkParams4::read_level(&r)?,
            ddns: DdnsParams::read(&r)?,
            dhcp4o6: Subnet4o6 {
                interface: r.opt_text("4o6-interface")?,
                interface_id: r.opt_text("4o6-interface-id")?,
                subnet: match r.opt_text("4o6-subnet")? {
                    None => None,
                    Some(text) => {
                        if text.parse::<ipnet::Ipv6Net>().is_err() {
                            let pos = r.get("4o6-subnet").map_or(e.pos.clone(), |x| x.pos.clone());
                            return Err(ConfigError::validation(
                                Some(pos),
                                format!(
                                    "subnet configuration failed: invalid 4o6-subnet '{text}', expected format: prefix6/length"
                                ),
                            ));
                        }
                        Some(text)
                    }
                },
            },
            user_context: r.user_context(),
            pos: e.pos.clone(),
        })
    }
}

fn check_pool_overlap(pools: &[Pool4]) -> Result<(), ConfigError> {
    let mut sorted: Vec<&Pool4> = pools.iter().collect();
    sorted.sort_by_key(|p| p.first);
    for w in sorted.windows(2) {
        if w[1].first <= w[0].last {
            return Err(ConfigError::validation(
                Some(w[1].pos.clone()),
                format!(
                    "a pool of type V4, with the following address range: {}-{} overlaps with an existing pool in the subnet",
                    w[1].first, w[1].last
                ),
            ));
        }
    }
    Ok(())
}

/// A v4 shared network (its subnets are in [`Dhcp4Config::subnets`]).
#[derive(Clone, Debug, PartialEq)]
pub struct SharedNetwork4 {
    /// Unique name.
    pub name: String,
    /// Ids of the member subnets, in configuration order.
    pub subnet_ids: Vec<u32>,
    /// Network options.
    pub option_data: Vec<OptionData>,
    /// Restrict the network to these classes.
    pub client_classes: Vec<String>,
    /// Classes evaluated for clients of this network.
    pub evaluate_additional_classes: Vec<String>,
    /// Values set on this network.
    pub params: NetworkParams4,
    /// DDNS values set on this network.
    pub ddns: DdnsParams,
    /// Free-form user context.
    pub user_context: Option<Map>,
    /// Where the network starts.
    pub pos: Position,
}

/// The validated `Dhcp4` configuration.
///
/// The normalized element tree is kept: [`Dhcp4Config::to_element`] (config-get) is
/// derived from it, so changing a configuration means changing the tree and validating
/// again with [`Dhcp4Config::from_element`].
#[derive(Clone, Debug)]
pub struct Dhcp4Config {
    /// Global values of the inheritable parameters (defaults filled in).
    pub params: NetworkParams4,
    /// Global DDNS values (defaults filled in).
    pub ddns: DdnsParams,
    /// Seconds a declined address stays unavailable (default 86400).
    pub decline_probation_period: u32,
    /// Echo the client-id option (default true).
    pub echo_client_id: bool,
    /// Reuse RAI from SELECTING requests (default false).
    pub stash_agent_options: bool,
    /// Identifier types tried for reservation lookup, in order.
    pub host_reservation_identifiers: Vec<HostIdentifierType>,
    /// Listening interfaces.
    pub interfaces_config: InterfacesConfig4,
    /// Lease storage (default memfile).
    pub lease_database: DatabaseConfig,
    /// Host databases (`hosts-database` and `hosts-databases`).
    pub hosts_databases: Vec<DatabaseConfig>,
    /// Reclamation timers.
    pub expired_leases_processing: ExpiredLeasesProcessing,
    /// All subnets, including those of shared networks, in configuration order.
    pub subnets: Vec<Subnet4>,
    /// Shared networks.
    pub shared_networks: Vec<SharedNetwork4>,
    /// Custom option definitions.
    pub option_def: Vec<OptionDef>,
    /// Global options.
    pub option_data: Vec<OptionData>,
    /// Client class definitions, in order.
    pub client_classes: Vec<ClientClass>,
    /// Global reservations.
    pub reservations: Vec<Reservation4>,
    /// Control sockets (`control-socket` and `control-sockets`).
    pub control_sockets: Vec<ControlSocket>,
    /// Loggers.
    pub loggers: Vec<Logger>,
    /// Hook libraries as configured (see [`crate::check_hooks_supported`]).
    pub hooks_libraries: Vec<HooksLibrary>,
    /// Multi-threading settings.
    pub multi_threading: MultiThreading,
    /// Lease sanity checks.
    pub sanity_checks: SanityChecks,
    /// Compatibility switches.
    pub compatibility: Compatibility4,
    /// D2 connection.
    pub dhcp_ddns: DhcpDdns,
    /// `dhcp-queue-control` as given (free-form map, defaults filled).
    pub dhcp_queue_control: Map,
    /// Configuration backends.
    pub config_control: Option<ConfigControl>,
    /// Server tag for configuration backends.
    pub server_tag: String,
    /// Parked packets limit (default 256).
    pub parked_packet_limit: u32,
    /// Default sample count of statistics (default 20).
    pub statistic_default_sample_count: u32,
    /// Default sample age of statistics (default 0).
    pub statistic_default_sample_age: u32,
    /// DHCPv4-over-DHCPv6 port (0 = off).
    pub dhcp4o6_port: u16,
    /// Look up global reservations before subnet selection.
    pub early_global_reservations_lookup: bool,
    /// At most one reservation per address (default true).
    pub ip_reservations_unique: bool,
    /// Look up reservations before leases.
    pub reservations_lookup_first: bool,
    /// Global user context.
    pub user_context: Option<Map>,
    /// The normalized `Dhcp4` map as configured (no defaults).
    element: Element,
}

impl load::DaemonModel for Dhcp4Config {
    const DAEMON: Daemon = Daemon::Dhcp4;
    fn load_object(object: &Element) -> Result<Loaded<Self>, ConfigError> {
        Self::from_element(object)
    }
}

impl Dhcp4Config {
    /// Reads, parses and validates a configuration file holding a `Dhcp4` object.
    pub fn from_file(path: impl AsRef<Path>) -> Result<Loaded<Self>, ConfigError> {
        load::load_file(path)
    }

    /// Parses and validates text holding `{"Dhcp4": {...}}` (origin names it in positions).
    pub fn from_text(text: &str, origin: &str) -> Result<Loaded<Self>, ConfigError> {
        load::load_text(text, origin)
    }

    /// Validates a root map `{"Dhcp4": {...}, ...}` (a file, or config-set arguments).
    pub fn from_root(root: &Element) -> Result<Loaded<Self>, ConfigError> {
        load::load_root(root)
    }

    /// Validates the `Dhcp4` map itself.
    pub fn from_element(dhcp4: &Element) -> Result<Loaded<Self>, ConfigError> {
        let mut warnings: Vec<Warning> = Vec::new();
        let normalized = load::validate(dhcp4, Daemon::Dhcp4, &mut warnings)?;
        let config = Self::build(normalized, &mut warnings)?;
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

    fn build(normalized: Element, warnings: &mut Vec<Warning>) -> Result<Self, ConfigError> {
        // Global values come from a defaulted copy of the top level (without the big
        // lists, which are read from the tree as configured; readers apply defaults).
        let globals = load::defaulted_globals(&normalized, Daemon::Dhcp4);
        let g = Reader::new(&globals, "Dhcp4")?;
        let r = Reader::new(&normalized, "Dhcp4")?;
        check_triplet(&r, "valid-lifetime")?;

        let mut subnets = r.list("subnet4", |s| Subnet4::read(s, None))?;
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
            let members = nr.list("subnet4", |s| Subnet4::read(s, Some(&name)))?;
            shared_networks.push(SharedNetwork4 {
                name,
                subnet_ids: members.iter().map(|s| s.id).collect(),
                option_data: nr.list("option-data", |o| OptionData::read(o, "dhcp4"))?,
                client_classes: nr.or("client-classes", Vec::new())?,
                evaluate_additional_classes: nr.or("evaluate-additional-classes", Vec::new())?,
                params: NetworkParams4::read_level(&nr)?,
                ddns: DdnsParams::read(&nr)?,
                user_context: nr.user_context(),
                pos: net_el.pos.clone(),
            });
            subnets.extend(members);
        }
        check_unique_subnets(&subnets)?;
        check_unique(
            shared_networks.iter().map(|n| (n.name.as_str(), &n.pos)),
            "shared network",
        )?;

        let client_classes = r.list("client-classes", |c| ClientClass::read(c, "dhcp4"))?;
        check_unique(
            client_classes.iter().map(|c| (c.name.as_str(), &c.pos)),
            "client class",
        )?;

        let mut hosts_databases = Vec::new();
        if let Some(h) = r.get("hosts-database") {
            hosts_databases.push(DatabaseConfig::read(h, "hosts-database")?);
        }
        hosts_databases.extend(r.list("hosts-databases", |d| {
            DatabaseConfig::read(d, "hosts-databases")
        })?);

        let ip_reservations_unique = r.or("ip-reservations-unique", true)?;
        for s in &subnets {
            check_reservations_unique(&s.reservations, ip_reservations_unique)?;
        }
        let reservations = r.list("reservations", Reservation4::read)?;
        check_reservations_unique(&reservations, ip_reservations_unique)?;

        let compat = match r.get("compatibility") {
            None => Compatibility4::default(),
            Some(c) => {
                let cr = Reader::new(c, "compatibility")?;
                Compatibility4 {
                    lenient_option_parsing: cr.or("lenient-option-parsing", false)?,
                    ignore_dhcp_server_identifier: cr.or("ignore-dhcp-server-identifier", false)?,
                    ignore_rai_link_selection: cr.or("ignore-rai-link-selection", false)?,
                    exclude_first_last_24: cr.or("exclude-first-last-24", false)?,
                }
            }
        };
        let multi_threading = MultiThreading::read(r.get("multi-threading"))?;
        let sanity_checks = SanityChecks::read(r.get("sanity-checks"))?;
        if sanity_checks.lease_checks == LeaseChecks::None {
            warnings.push(Warning {
                pos: r.get("sanity-checks").map(|e| e.pos.clone()),
                message: "lease sanity checks are disabled".to_string(),
            });
        }

        Ok(Dhcp4Config {
            params: NetworkParams4::read(&g)?,
            ddns: DdnsParams::read(&g)?,
            decline_probation_period: r.or("decline-probation-period", 86400)?,
            echo_client_id: r.or("echo-client-id", true)?,
            stash_agent_options: r.or("stash-agent-options", false)?,
            host_reservation_identifiers: read_host_ids(&g)?,
            interfaces_config: InterfacesConfig4::read(r.get("interfaces-config"))?,
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
            option_def: r.list("option-def", |o| OptionDef::read(o, "dhcp4"))?,
            option_data: r.list("option-data", |o| OptionData::read(o, "dhcp4"))?,
            client_classes,
            reservations,
            control_sockets: read_control_sockets(&r, "kea-dhcpv4-server")?,
            loggers: r.list("loggers", Logger::read)?,
            hooks_libraries: r.list("hooks-libraries", HooksLibrary::read)?,
            multi_threading,
            sanity_checks,
            compatibility: compat,
            dhcp_ddns: DhcpDdns::read(r.get("dhcp-ddns"), false)?,
            dhcp_queue_control: g
                .get("dhcp-queue-control")
                .map(Element::as_map)
                .transpose()?
                .cloned()
                .unwrap_or_default(),
            config_control: ConfigControl::read(r.get("config-control"))?,
            server_tag: r.or("server-tag", String::new())?,
            parked_packet_limit: r.or("parked-packet-limit", 256)?,
            statistic_default_sample_count: r.or("statistic-default-sample-count", 20)?,
            statistic_default_sample_age: r.or("statistic-default-sample-age", 0)?,
            dhcp4o6_port: r.or("dhcp4o6-port", 0)?,
            early_global_reservations_lookup: r.or("early-global-reservations-lookup", false)?,
            ip_reservations_unique,
            reservations_lookup_first: r.or("reservations-lookup-first", false)?,
            user_context: r.user_context(),
            element: normalized,
        })
    }

    /// The subnet with this id.
    pub fn subnet(&self, id: u32) -> Option<&Subnet4> {
        self.subnets.iter().find(|s| s.id == id)
    }

    /// The shared network with this name.
    pub fn shared_network(&self, name: &str) -> Option<&SharedNetwork4> {
        self.shared_networks.iter().find(|n| n.name == name)
    }

    /// A subnet's effective parameters: its own values, then its shared network's,
    /// then the global ones.
    pub fn effective_params(&self, subnet: &Subnet4) -> NetworkParams4 {
        let net = subnet
            .shared_network
            .as_deref()
            .and_then(|n| self.shared_network(n));
        match net {
            Some(n) => subnet.params.inherit(&n.params.inherit(&self.params)),
            None => subnet.params.inherit(&self.params),
        }
    }

    /// Effective DDNS parameters for a subnet (and optionally one of its pools).
    pub fn effective_ddns(&self, subnet: &Subnet4, pool: Option<&Pool4>) -> DdnsParams {
        let net = subnet
            .shared_network
            .as_deref()
            .and_then(|n| self.shared_network(n));
        let upper = match net {
            Some(n) => subnet.ddns.inherit(&n.ddns.inherit(&self.ddns)),
            None => subnet.ddns.inherit(&self.ddns),
        };
        match pool {
            Some(p) => p.ddns.inherit(&upper),
            None => upper,
        }
    }

    /// The normalized `Dhcp4` map as configured (comments moved, aliases renamed, no defaults).
    pub fn as_element(&self) -> &Element {
        &self.element
    }

    /// The effective configuration as `config-get` shows it: `{"Dhcp4": {...}}` with
    /// defaults filled in. Parsing it again gives the same configuration.
    pub fn to_element(&self) -> Element {
        load::unparse(&self.element, Daemon::Dhcp4)
    }

    /// `config-hash-get`: SHA-256 of [`Dhcp4Config::to_element`]'s compact text.
    pub fn config_hash(&self) -> String {
        load::config_hash(&self.to_element())
    }
}

fn check_unique_subnets(subnets: &[Subnet4]) -> Result<(), ConfigError> {
    let mut ids: HashSet<u32> = HashSet::with_capacity(subnets.len());
    let mut prefixes: HashSet<Ipv4Net> = HashSet::with_capacity(subnets.len());
    for s in subnets {
        if !ids.insert(s.id) {
            return Err(ConfigError::validation(
                Some(s.pos.clone()),
                format!(
                    "subnet configuration failed: ID of the new IPv4 subnet '{}' is already in use",
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
    Ok(())
}

pub(crate) fn check_unique<'a>(
    items: impl Iterator<Item = (&'a str, &'a Position)>,
    what: &str,
) -> Result<(), ConfigError> {
    let mut seen: HashMap<&str, &Position> = HashMap::new();
    for (name, pos) in items {
        if name.is_empty() {
            return Err(ConfigError::validation(
                Some(pos.clone()),
                format!("{what} name must not be empty"),
            ));
        }
        if let Some(prev) = seen.insert(name, pos) {
            return Err(ConfigError::validation(
                Some(pos.clone()),
                format!("duplicate {what} name '{name}' (previous at {prev})"),
            ));
        }
    }
    Ok(())
}

fn check_reservations_unique(res: &[Reservation4], ip_unique: bool) -> Result<(), ConfigError> {
    let mut ids: HashSet<&HostIdentifier> = HashSet::new();
    let mut addrs: HashSet<Ipv4Addr> = HashSet::new();
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
        if ip_unique
            && let Some(a) = h.ip_address
            && !addrs.insert(a)
        {
            return Err(ConfigError::validation(
                Some(h.pos.clone()),
                format!(
                    "failed to add new host using the HW address or client-id: address {a} is already reserved"
                ),
            ));
        }
    }
    Ok(())
}
