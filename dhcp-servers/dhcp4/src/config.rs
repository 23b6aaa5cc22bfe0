//! The running configuration of the server, compiled from the `Dhcp4` element.
//!
//! Compilation resolves parameter inheritance (global → shared network → subnet) once, so the
//! packet path reads plain fields. Everything is checked here: a configuration that compiles is
//! one the server can run, and a rejected one changes nothing (config-set is transactional).

use std::collections::HashMap;
use std::net::Ipv4Addr;
use std::path::PathBuf;
use std::sync::Arc;

use kea_config::{ConfigError, Element, Map, Value};

use crate::iface::InterfaceSpec;
use crate::options::{CfgOption, OptionSet};
use crate::socket::SocketType;

pub(crate) fn verr(e: &Element, msg: impl Into<String>) -> ConfigError {
    ConfigError::validation(Some(e.pos.clone()), msg.into())
}

pub(crate) fn get_map<'a>(e: &'a Element, what: &str) -> Result<&'a Map, ConfigError> {
    e.as_map()
        .map_err(|_| verr(e, format!("{what} must be a map")))
}

pub(crate) fn opt_str<'a>(m: &'a Map, key: &str) -> Result<Option<&'a str>, ConfigError> {
    match m.get(key) {
        None => Ok(None),
        Some(e) => e
            .as_str()
            .map(Some)
            .map_err(|_| verr(e, format!("'{key}' must be a string"))),
    }
}

pub(crate) fn opt_bool(m: &Map, key: &str) -> Result<Option<bool>, ConfigError> {
    match m.get(key) {
        None => Ok(None),
        Some(e) => e
            .as_bool()
            .map(Some)
            .map_err(|_| verr(e, format!("'{key}' must be a boolean"))),
    }
}

pub(crate) fn opt_u32(m: &Map, key: &str) -> Result<Option<u32>, ConfigError> {
    match m.get(key) {
        None => Ok(None),
        Some(e) => {
            let v = e
                .as_int()
                .map_err(|_| verr(e, format!("'{key}' must be an integer")))?;
            u32::try_from(v).map(Some).map_err(|_| {
                verr(
                    e,
                    format!("'{key}' value {v} is out of range 0..4294967295"),
                )
            })
        }
    }
}

fn opt_f64(m: &Map, key: &str) -> Result<Option<f64>, ConfigError> {
    match m.get(key) {
        None => Ok(None),
        Some(e) => match &e.value {
            Value::Float(f) => Ok(Some(*f)),
            Value::Int(i) => Ok(Some(*i as f64)),
            _ => Err(verr(e, format!("'{key}' must be a real number"))),
        },
    }
}

fn opt_ipv4(m: &Map, key: &str) -> Result<Option<Ipv4Addr>, ConfigError> {
    match opt_str(m, key)? {
        None => Ok(None),
        Some(s) => s.parse().map(Some).map_err(|_| {
            verr(
                m.get(key).unwrap_or(&Element::null()),
                format!("'{key}' is not an IPv4 address: {s}"),
            )
        }),
    }
}

fn list<'a>(m: &'a Map, key: &str) -> Result<&'a [Element], ConfigError> {
    match m.get(key) {
        None => Ok(&[]),
        Some(e) => e
            .as_list()
            .map_err(|_| verr(e, format!("'{key}' must be a list"))),
    }
}

/// Parameters inherited global → shared network → subnet.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PartialParams {
    pub valid_lifetime: Option<u32>,
    pub min_valid_lifetime: Option<u32>,
    pub max_valid_lifetime: Option<u32>,
    pub renew_timer: Option<u32>,
    pub rebind_timer: Option<u32>,
    pub calculate_tee_times: Option<bool>,
    pub t1_percent: Option<f64>,
    pub t2_percent: Option<f64>,
    pub match_client_id: Option<bool>,
    pub authoritative: Option<bool>,
    pub next_server: Option<Ipv4Addr>,
    pub server_hostname: Option<String>,
    pub boot_file_name: Option<String>,
    pub reservations_global: Option<bool>,
    pub reservations_in_subnet: Option<bool>,
    pub reservations_out_of_pool: Option<bool>,
    pub cache_threshold: Option<f64>,
    pub cache_max_age: Option<u32>,
    pub allocator: Option<String>,
    pub offer_lifetime: Option<u32>,
    pub store_extended_info: Option<bool>,
    pub ddns_qualifying_suffix: Option<String>,
    pub ddns_generated_prefix: Option<String>,
    pub ddns_replace_client_name: Option<String>,
    pub hostname_char_set: Option<String>,
}

impl PartialParams {
    fn parse(m: &Map) -> Result<Self, ConfigError> {
        let p = PartialParams {
            valid_lifetime: opt_u32(m, "valid-lifetime")?,
            min_valid_lifetime: opt_u32(m, "min-valid-lifetime")?,
            max_valid_lifetime: opt_u32(m, "max-valid-lifetime")?,
            renew_timer: opt_u32(m, "renew-timer")?,
            rebind_timer: opt_u32(m, "rebind-timer")?,
            calculate_tee_times: opt_bool(m, "calculate-tee-times")?,
            t1_percent: opt_f64(m, "t1-percent")?,
            t2_percent: opt_f64(m, "t2-percent")?,
            match_client_id: opt_bool(m, "match-client-id")?,
            authoritative: opt_bool(m, "authoritative")?,
            next_server: opt_ipv4(m, "next-server")?,
            server_hostname: opt_str(m, "server-hostname")?.map(str::to_string),
            boot_file_name: opt_str(m, "boot-file-name")?.map(str::to_string),
            reservations_global: opt_bool(m, "reservations-global")?,
            reservations_in_subnet: opt_bool(m, "reservations-in-subnet")?,
            reservations_out_of_pool: opt_bool(m, "reservations-out-of-pool")?,
            cache_threshold: opt_f64(m, "cache-threshold")?,
            cache_max_age: opt_u32(m, "cache-max-age")?,
            allocator: opt_str(m, "allocator")?.map(str::to_string),
            offer_lifetime: opt_u32(m, "offer-lifetime")?,
            store_extended_info: opt_bool(m, "store-extended-info")?,
            ddns_qualifying_suffix: opt_str(m, "ddns-qualifying-suffix")?.map(str::to_string),
            ddns_generated_prefix: opt_str(m, "ddns-generated-prefix")?.map(str::to_string),
            ddns_replace_client_name: opt_str(m, "ddns-replace-client-name")?.map(str::to_string),
            hostname_char_set: opt_str(m, "hostname-char-set")?.map(str::to_string),
        };
        if let Some(r) = &p.ddns_replace_client_name
            && ReplaceClientName::parse(r).is_none()
            && let Some(e) = m.get("ddns-replace-client-name")
        {
            return Err(verr(
                e,
                format!("invalid ddns-replace-client-name value '{r}'"),
            ));
        }
        if let Some(cs) = &p.hostname_char_set
            && !cs.is_empty()
            && cs != DEFAULT_CHAR_SET
            && let Some(e) = m.get("hostname-char-set")
        {
            return Err(verr(
                e,
                format!(
                    "hostname-char-set '{cs}' is not supported (only the default {DEFAULT_CHAR_SET})"
                ),
            ));
        }
        for key in ["t1-percent", "t2-percent"] {
            let v = if key == "t1-percent" {
                p.t1_percent
            } else {
                p.t2_percent
            };
            if let (Some(v), Some(e)) = (v, m.get(key))
                && !(v > 0.0 && v < 1.0)
            {
                return Err(verr(
                    e,
                    format!(
                        "{key}:  {v} is invalid, it must be greater than 0.0 and less than 1.0"
                    ),
                ));
            }
        }
        if let Some(a) = &p.allocator
            && !matches!(a.as_str(), "iterative" | "random" | "flq")
            && let Some(e) = m.get("allocator")
        {
            return Err(verr(
                e,
                format!("supported allocators are: iterative, random and flq, got '{a}'"),
            ));
        }
        Ok(p)
    }

    /// Fills unset fields from `parent`.
    fn inherit(&self, parent: &PartialParams) -> PartialParams {
        macro_rules! pick {
            ($($f:ident),*) => { PartialParams { $($f: self.$f.clone().or_else(|| parent.$f.clone()),)* } };
        }
        pick!(
            valid_lifetime,
            min_valid_lifetime,
            max_valid_lifetime,
            renew_timer,
            rebind_timer,
            calculate_tee_times,
            t1_percent,
            t2_percent,
            match_client_id,
            authoritative,
            next_server,
            server_hostname,
            boot_file_name,
            reservations_global,
            reservations_in_subnet,
            reservations_out_of_pool,
            cache_threshold,
            cache_max_age,
            allocator,
            offer_lifetime,
            store_extended_info,
            ddns_qualifying_suffix,
            ddns_generated_prefix,
            ddns_replace_client_name,
            hostname_char_set
        )
    }
}

/// `allocator` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AllocatorKind {
    Iterative,
    Random,
    Flq,
}

/// Fully resolved parameters of one subnet.
#[derive(Debug, Clone, PartialEq)]
pub struct Params {
    pub valid_lifetime: u32,
    pub min_valid_lifetime: u32,
    pub max_valid_lifetime: u32,
    pub renew_timer: Option<u32>,
    pub rebind_timer: Option<u32>,
    pub calculate_tee_times: bool,
    pub t1_percent: f64,
    pub t2_percent: f64,
    pub match_client_id: bool,
    pub authoritative: bool,
    pub next_server: Ipv4Addr,
    pub server_hostname: String,
    pub boot_file_name: String,
    pub reservations_global: bool,
    pub reservations_in_subnet: bool,
    pub reservations_out_of_pool: bool,
    /// Lease caching threshold (None = caching off).
    pub cache_threshold: Option<f64>,
    pub cache_max_age: Option<u32>,
    pub allocator: AllocatorKind,
    pub offer_lifetime: u32,
    /// Keep the relay agent information in the lease's user context.
    pub store_extended_info: bool,
    pub ddns_qualifying_suffix: String,
    pub ddns_generated_prefix: String,
    pub ddns_replace_client_name: ReplaceClientName,
}

/// Kea's default `hostname-char-set`.
pub const DEFAULT_CHAR_SET: &str = "[^A-Za-z0-9.-]";

/// `ddns-replace-client-name`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReplaceClientName {
    Never,
    Always,
    WhenPresent,
    WhenNotPresent,
}

impl ReplaceClientName {
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "never" => ReplaceClientName::Never,
            "always" => ReplaceClientName::Always,
            "when-present" => ReplaceClientName::WhenPresent,
            "when-not-present" => ReplaceClientName::WhenNotPresent,
            _ => return None,
        })
    }
}

impl Params {
    fn resolve(p: &PartialParams, at: &Element) -> Result<Params, ConfigError> {
        let valid = p.valid_lifetime.unwrap_or(7200);
        let min = p.min_valid_lifetime.unwrap_or(valid);
        let max = p.max_valid_lifetime.unwrap_or(valid);
        if min > max || valid < min || valid > max {
            return Err(verr(
                at,
                format!(
                    "the value of min-valid-lifetime ({min}) is not less than max-valid-lifetime ({max}) or does not bound valid-lifetime ({valid})"
                ),
            ));
        }
        let t1 = p.t1_percent.unwrap_or(0.5);
        let t2 = p.t2_percent.unwrap_or(0.875);
        if p.calculate_tee_times.unwrap_or(false) && t1 >= t2 {
            return Err(verr(
                at,
                format!("t1-percent:  {t1} is invalid, it must be less than t2-percent: {t2}"),
            ));
        }
        Ok(Params {
            valid_lifetime: valid,
            min_valid_lifetime: min,
            max_valid_lifetime: max,
            renew_timer: p.renew_timer,
            rebind_timer: p.rebind_timer,
            calculate_tee_times: p.calculate_tee_times.unwrap_or(false),
            t1_percent: t1,
            t2_percent: t2,
            match_client_id: p.match_client_id.unwrap_or(true),
            authoritative: p.authoritative.unwrap_or(false),
            next_server: p.next_server.unwrap_or(Ipv4Addr::UNSPECIFIED),
            server_hostname: p.server_hostname.clone().unwrap_or_default(),
            boot_file_name: p.boot_file_name.clone().unwrap_or_default(),
            reservations_global: p.reservations_global.unwrap_or(false),
            reservations_in_subnet: p.reservations_in_subnet.unwrap_or(true),
            reservations_out_of_pool: p.reservations_out_of_pool.unwrap_or(false),
            cache_threshold: match (p.cache_threshold, p.cache_max_age) {
                (_, Some(0)) => None,
                (Some(t), _) if t > 0.0 && t < 1.0 => Some(t),
                (Some(_), _) => None,
                (None, _) => Some(0.25),
            },
            cache_max_age: p.cache_max_age,
            allocator: match p.allocator.as_deref() {
                Some("random") => AllocatorKind::Random,
                Some("flq") => AllocatorKind::Flq,
                _ => AllocatorKind::Iterative,
            },
            offer_lifetime: p.offer_lifetime.unwrap_or(0),
            store_extended_info: p.store_extended_info.unwrap_or(false),
            ddns_qualifying_suffix: p.ddns_qualifying_suffix.clone().unwrap_or_default(),
            ddns_generated_prefix: p
                .ddns_generated_prefix
                .clone()
                .unwrap_or_else(|| "myhost".into()),
            ddns_replace_client_name: p
                .ddns_replace_client_name
                .as_deref()
                .and_then(ReplaceClientName::parse)
                .unwrap_or(ReplaceClientName::Never),
        })
    }
}

/// Host identifier types (`host-reservation-identifiers`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum IdentifierType {
    HwAddress,
    Duid,
    CircuitId,
    ClientId,
    FlexId,
}

impl IdentifierType {
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "hw-address" => IdentifierType::HwAddress,
            "duid" => IdentifierType::Duid,
            "circuit-id" => IdentifierType::CircuitId,
            "client-id" => IdentifierType::ClientId,
            "flex-id" => IdentifierType::FlexId,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            IdentifierType::HwAddress => "hw-address",
            IdentifierType::Duid => "duid",
            IdentifierType::CircuitId => "circuit-id",
            IdentifierType::ClientId => "client-id",
            IdentifierType::FlexId => "flex-id",
        }
    }

    const ALL: [IdentifierType; 5] = [
        IdentifierType::HwAddress,
        IdentifierType::Duid,
        IdentifierType::CircuitId,
        IdentifierType::ClientId,
        IdentifierType::FlexId,
    ];
}

/// Parses an identifier value: hex with optional `:`/`-`/space separators, `0x` prefix, or a
/// quoted string `'text'` (Kea allows quoted text for circuit-id, flex-id and client-id).
pub fn parse_identifier(text: &str) -> Result<Vec<u8>, String> {
    let t = text.trim();
    if t.len() >= 2 && t.starts_with('\'') && t.ends_with('\'') {
        let inner = &t[1..t.len() - 1];
        if inner.is_empty() {
            return Err("empty quoted identifier".into());
        }
        return Ok(inner.as_bytes().to_vec());
    }
    let hex = t.strip_prefix("0x").unwrap_or(t);
    let mut out = Vec::new();
    for part in hex.split([':', '-', ' ']) {
        if part.is_empty()
            || part.len() > 2
                && part.len() % 2 != 0
                && part.contains(|c: char| !c.is_ascii_hexdigit())
        {
            return Err(format!("invalid identifier '{text}'"));
        }
        let padded;
        let part = if part.len() % 2 == 1 {
            padded = format!("0{part}");
            padded.as_str()
        } else {
            part
        };
        for i in (0..part.len()).step_by(2) {
            let b = u8::from_str_radix(&part[i..i + 2], 16)
                .map_err(|_| format!("invalid identifier '{text}'"))?;
            out.push(b);
        }
    }
    if out.is_empty() {
        return Err(format!("invalid identifier '{text}'"));
    }
    Ok(out)
}

/// A host reservation.
#[derive(Debug, Clone, PartialEq)]
pub struct Host {
    pub id_type: IdentifierType,
    pub id: Vec<u8>,
    pub ip: Option<Ipv4Addr>,
    pub hostname: Option<String>,
    pub options: OptionSet,
    pub classes: Vec<String>,
    pub next_server: Option<Ipv4Addr>,
    pub server_hostname: Option<String>,
    pub boot_file_name: Option<String>,
}

/// Reservations of one scope (a subnet, or global) indexed by identifier and by address.
#[derive(Debug, Clone, Default)]
pub struct HostTable {
    /// Per identifier type, so lookups borrow the query's bytes (no key allocation).
    by_id: HashMap<IdentifierType, HashMap<Vec<u8>, Arc<Host>>>,
    count: usize,
    by_addr: HashMap<Ipv4Addr, Arc<Host>>,
    /// `ip-reservations-unique` (default true): one reservation per address.
    unique_ips: bool,
    pub types_present: Vec<IdentifierType>,
}

impl HostTable {
    /// An empty table; `unique_ips` is `ip-reservations-unique`.
    pub fn new(unique_ips: bool) -> Self {
        HostTable {
            unique_ips,
            ..Default::default()
        }
    }

    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    pub fn len(&self) -> usize {
        self.count
    }

    /// Host with this identifier.
    pub fn get(&self, t: IdentifierType, id: &[u8]) -> Option<&Arc<Host>> {
        self.by_id.get(&t)?.get(id)
    }

    /// Host reserving this address.
    pub fn by_addr(&self, a: Ipv4Addr) -> Option<&Arc<Host>> {
        self.by_addr.get(&a)
    }

    pub fn iter(&self) -> impl Iterator<Item = &Arc<Host>> {
        self.by_id.values().flat_map(|m| m.values())
    }

    fn insert(&mut self, h: Host, at: &Element) -> Result<(), ConfigError> {
        if self.get(h.id_type, &h.id).is_some() {
            return Err(verr(
                at,
                format!(
                    "failed to add new host using the {} identifier to the configuration: duplicate host",
                    h.id_type.name()
                ),
            ));
        }
        let h = Arc::new(h);
        if let Some(ip) = h.ip {
            if self.unique_ips && self.by_addr.contains_key(&ip) {
                return Err(verr(
                    at,
                    format!(
                        "failed to add new host: there is already a reservation for the IPv4 address {ip}"
                    ),
                ));
            }
            self.by_addr.entry(ip).or_insert_with(|| h.clone());
        }
        if !self.types_present.contains(&h.id_type) {
            self.types_present.push(h.id_type);
        }
        self.by_id
            .entry(h.id_type)
            .or_default()
            .insert(h.id.clone(), h);
        self.count += 1;
        Ok(())
    }
}

fn parse_host(e: &Element, defs: &crate::options::OptionDefs) -> Result<Host, ConfigError> {
    let m = get_map(e, "reservation")?;
    let mut found = None;
    for t in IdentifierType::ALL {
        if let Some(v) = m.get(t.name()) {
            if found.is_some() {
                return Err(verr(
                    v,
                    "the following list of parameters contains more than one identifier",
                ));
            }
            let s = v
                .as_str()
                .map_err(|_| verr(v, format!("'{}' must be a string", t.name())))?;
            let id = parse_identifier(s).map_err(|msg| verr(v, msg))?;
            found = Some((t, id));
        }
    }
    let Some((id_type, id)) = found else {
        return Err(verr(
            e,
            "one of the supported identifiers must be specified for host reservation: hw-address, duid, circuit-id, client-id, flex-id",
        ));
    };
    let classes = list(m, "client-classes")?
        .iter()
        .map(|c| {
            c.as_str()
                .map(str::to_string)
                .map_err(|_| verr(c, "client class name must be a string"))
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Host {
        id_type,
        id,
        ip: opt_ipv4(m, "ip-address")?,
        hostname: opt_str(m, "hostname")?.map(str::to_string),
        options: OptionSet::parse(list(m, "option-data")?, defs)?,
        classes,
        next_server: opt_ipv4(m, "next-server")?,
        server_hostname: opt_str(m, "server-hostname")?.map(str::to_string),
        boot_file_name: opt_str(m, "boot-file-name")?.map(str::to_string),
    })
}

/// An address pool.
#[derive(Debug, Clone, PartialEq)]
pub struct Pool4 {
    pub first: Ipv4Addr,
    pub last: Ipv4Addr,
    pub options: OptionSet,
    pub client_classes: Vec<String>,
    /// Additional classes evaluated after allocation.
    pub additional_classes: Vec<String>,
}

impl Pool4 {
    pub fn contains(&self, a: Ipv4Addr) -> bool {
        a >= self.first && a <= self.last
    }

    pub fn size(&self) -> u64 {
        u64::from(u32::from(self.last)) - u64::from(u32::from(self.first)) + 1
    }
}

fn parse_pool_range(s: &str) -> Option<(Ipv4Addr, Ipv4Addr)> {
    if let Some((a, b)) = s.split_once('-') {
        let a: Ipv4Addr = a.trim().parse().ok()?;
        let b: Ipv4Addr = b.trim().parse().ok()?;
        return Some((a, b));
    }
    let (addr, len) = s.split_once('/')?;
    let addr: Ipv4Addr = addr.trim().parse().ok()?;
    let len: u32 = len.trim().parse().ok()?;
    if len > 32 {
        return None;
    }
    let mask = if len == 0 { 0 } else { u32::MAX << (32 - len) };
    let base = u32::from(addr) & mask;
    Some((Ipv4Addr::from(base), Ipv4Addr::from(base | !mask)))
}

/// An IPv4 prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Prefix4 {
    pub addr: Ipv4Addr,
    pub len: u8,
}

impl Prefix4 {
    pub fn parse(s: &str) -> Option<Self> {
        let (a, l) = s.split_once('/')?;
        let addr: Ipv4Addr = a.trim().parse().ok()?;
        let len: u8 = l.trim().parse().ok()?;
        if len > 32 {
            return None;
        }
        Some(Prefix4 { addr, len })
    }

    pub fn mask(&self) -> u32 {
        if self.len == 0 {
            0
        } else {
            u32::MAX << (32 - u32::from(self.len))
        }
    }

    pub fn netmask(&self) -> Ipv4Addr {
        Ipv4Addr::from(self.mask())
    }

    pub fn contains(&self, a: Ipv4Addr) -> bool {
        u32::from(a) & self.mask() == u32::from(self.addr) & self.mask()
    }

    pub fn first(&self) -> Ipv4Addr {
        Ipv4Addr::from(u32::from(self.addr) & self.mask())
    }

    pub fn last(&self) -> Ipv4Addr {
        Ipv4Addr::from((u32::from(self.addr) & self.mask()) | !self.mask())
    }
}

impl std::fmt::Display for Prefix4 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.addr, self.len)
    }
}

/// A subnet with everything resolved.
#[derive(Debug, Clone)]
pub struct Subnet4 {
    pub id: u32,
    pub prefix: Prefix4,
    pub pools: Vec<Pool4>,
    pub options: OptionSet,
    pub relay_addrs: Vec<Ipv4Addr>,
    pub interface: Option<String>,
    /// Only clients in these classes may use the subnet (empty = everyone).
    pub client_classes: Vec<String>,
    /// Additional classes evaluated after allocation.
    pub additional_classes: Vec<String>,
    pub params: Params,
    /// Index into [`ServerConfig::networks`].
    pub network: Option<usize>,
    pub hosts: HostTable,
}

impl Subnet4 {
    /// Total number of addresses in the pools.
    pub fn total_addresses(&self) -> u64 {
        self.pools.iter().map(Pool4::size).sum()
    }

    /// The pool containing `a`.
    pub fn pool_of(&self, a: Ipv4Addr) -> Option<&Pool4> {
        self.pools.iter().find(|p| p.contains(a))
    }

    pub fn in_pool(&self, a: Ipv4Addr) -> bool {
        self.pool_of(a).is_some()
    }
}

/// A shared network.
#[derive(Debug, Clone)]
pub struct SharedNetwork {
    pub name: String,
    pub options: OptionSet,
    pub relay_addrs: Vec<Ipv4Addr>,
    pub interface: Option<String>,
    pub client_classes: Vec<String>,
    /// Additional classes evaluated after allocation.
    pub additional_classes: Vec<String>,
    /// Indexes into [`ServerConfig::subnets`].
    pub subnets: Vec<usize>,
}

/// A client class definition.
#[derive(Debug, Clone)]
pub struct ClientClassDef {
    /// Shared with the per-packet class sets (no copy when a packet joins the class).
    pub name: std::sync::Arc<str>,
    pub test: Option<crate::classify::Expr>,
    /// The compiled `template-test`: its value spawns `SPAWN_<name>_<value>`.
    pub template: Option<dhcp_classify::StringExpr>,
    pub only_if_required: bool,
    /// The test reads KNOWN/UNKNOWN (directly or through another class): evaluated after the
    /// reservation lookup.
    pub depends_on_known: bool,
    pub options: OptionSet,
    pub next_server: Option<Ipv4Addr>,
    pub server_hostname: Option<String>,
    pub boot_file_name: Option<String>,
    pub valid_lifetime: Option<u32>,
}

/// `lease-database`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeaseDbConfig {
    pub persist: bool,
    pub name: Option<PathBuf>,
    pub lfc_interval: u32,
    /// Rows that may fail to load before the lease file is rejected (0 = no limit).
    pub max_row_errors: u32,
}

/// `expired-leases-processing`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpiredConfig {
    pub reclaim_timer_wait_time: u32,
    pub flush_reclaimed_timer_wait_time: u32,
    pub hold_reclaimed_time: u32,
    pub max_reclaim_leases: u32,
    pub max_reclaim_time: u32,
    pub unwarned_reclaim_cycles: u32,
}

impl Default for ExpiredConfig {
    fn default() -> Self {
        ExpiredConfig {
            reclaim_timer_wait_time: 10,
            flush_reclaimed_timer_wait_time: 25,
            hold_reclaimed_time: 3600,
            max_reclaim_leases: 100,
            max_reclaim_time: 250,
            unwarned_reclaim_cycles: 5,
        }
    }
}

/// The compiled server configuration.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// The configuration as given (`{"Dhcp4": {...}}`), for config-get / config-write.
    pub source: serde_json::Value,
    pub interfaces: Vec<InterfaceSpec>,
    pub socket_type: SocketType,
    pub lease_db: LeaseDbConfig,
    pub expired: ExpiredConfig,
    pub decline_probation_period: u32,
    pub echo_client_id: bool,
    pub host_identifiers: Vec<IdentifierType>,
    pub subnets: Vec<Subnet4>,
    pub networks: Vec<SharedNetwork>,
    pub global_options: OptionSet,
    pub global_params: Params,
    pub classes: Vec<ClientClassDef>,
    pub global_hosts: HostTable,
    pub option_defs: crate::options::OptionDefs,
    /// `control-socket` / `control-sockets` elements, for the command channel.
    pub control_sockets: Vec<Element>,
    /// `loggers`, for the logging setup.
    pub loggers: Option<Element>,
    /// Server identifiers configured anywhere (option 54), accepted in queries.
    pub configured_server_ids: Vec<Ipv4Addr>,
    /// `ip-reservations-unique`.
    pub ip_reservations_unique: bool,
    /// `compatibility.ignore-dhcp-server-identifier`: accept any server identifier.
    pub ignore_server_id: bool,
    /// `compatibility.ignore-rai-link-selection`: do not select subnets by RAI link-selection.
    pub ignore_rai_link_selection: bool,
    /// `compatibility.exclude-first-last-24`: never hand out x.x.x.0 / x.x.x.255 in /24 or
    /// larger subnets.
    pub exclude_first_last_24: bool,
    subnet_by_id: HashMap<u32, usize>,
    /// kea-config's validated model (config-get, hash), attached by the loader.
    pub model: Option<Arc<kea_config::Dhcp4Config>>,
    hash: dhcpsrv::config_hash::ConfigHashCache,
}

impl ServerConfig {
    /// Subnet by id.
    pub fn subnet_by_id(&self, id: u32) -> Option<&Subnet4> {
        self.subnet_by_id.get(&id).map(|&i| &self.subnets[i])
    }

    /// Index of a subnet by id.
    pub fn subnet_index(&self, id: u32) -> Option<usize> {
        self.subnet_by_id.get(&id).copied()
    }

    /// The `Dhcp4` map of the source.
    pub fn dhcp4_json(&self) -> &serde_json::Value {
        &self.source["Dhcp4"]
    }

    /// What config-get returns: the validated model with defaults (`{"Dhcp4": {...}}`).
    pub fn model_json(&self) -> serde_json::Value {
        match &self.model {
            Some(m) => m.to_element().to_json(),
            None => self.source.clone(),
        }
    }

    /// config-hash-get.
    pub fn hash(&self) -> String {
        match &self.model {
            Some(m) => self.hash.get_or_compute(|| m.config_hash()),
            None => String::new(),
        }
    }

    /// Compiles a whole configuration element (`{"Dhcp4": {...}}`, other top-level keys such as
    /// `Logging` or `Control-agent` are tolerated like Kea does).
    pub fn from_element(root: &Element) -> Result<ServerConfig, ConfigError> {
        let top = get_map(root, "configuration")?;
        let dhcp4 = top
            .get("Dhcp4")
            .ok_or_else(|| verr(root, "no Dhcp4 configuration found"))?;
        let m = get_map(dhcp4, "Dhcp4")?;
        Self::compile(root, dhcp4, m)
    }

    fn compile(root: &Element, dhcp4: &Element, m: &Map) -> Result<ServerConfig, ConfigError> {
        let option_defs = crate::options::OptionDefs::parse(list(m, "option-def")?)?;
        // interfaces-config
        let mut interfaces = Vec::new();
        let mut socket_type = SocketType::Raw;
        if let Some(ic) = m.get("interfaces-config") {
            let icm = get_map(ic, "interfaces-config")?;
            for i in list(icm, "interfaces")? {
                let s = i
                    .as_str()
                    .map_err(|_| verr(i, "interface name must be a string"))?;
                interfaces.push(InterfaceSpec::parse(s).map_err(|msg| verr(i, msg))?);
            }
            if let Some(t) = opt_str(icm, "dhcp-socket-type")? {
                socket_type = SocketType::parse(t)
                    .map_err(|msg| verr(icm.get("dhcp-socket-type").unwrap_or(ic), msg))?;
            }
        }
        // lease-database
        let mut lease_db = LeaseDbConfig {
            persist: true,
            name: None,
            lfc_interval: 3600,
            max_row_errors: 0,
        };
        if let Some(ld) = m.get("lease-database") {
            let lm = get_map(ld, "lease-database")?;
            match opt_str(lm, "type")? {
                Some("memfile") => {}
                Some(other) => {
                    return Err(verr(
                        ld,
                        format!(
                            "lease database type '{other}' is not supported by this server (only memfile)"
                        ),
                    ));
                }
                None => return Err(verr(ld, "lease database type must be specified")),
            }
            if let Some(p) = opt_bool(lm, "persist")? {
                lease_db.persist = p;
            }
            lease_db.name = opt_str(lm, "name")?.map(PathBuf::from);
            if let Some(l) = opt_u32(lm, "lfc-interval")? {
                lease_db.lfc_interval = l;
            }
            if let Some(l) = opt_u32(lm, "max-row-errors")? {
                lease_db.max_row_errors = l;
            }
        }
        let mut expired = ExpiredConfig::default();
        if let Some(ex) = m.get("expired-leases-processing") {
            let em = get_map(ex, "expired-leases-processing")?;
            macro_rules! ex {
                ($f:ident, $k:literal) => {
                    if let Some(v) = opt_u32(em, $k)? {
                        expired.$f = v;
                    }
                };
            }
            ex!(reclaim_timer_wait_time, "reclaim-timer-wait-time");
            ex!(
                flush_reclaimed_timer_wait_time,
                "flush-reclaimed-timer-wait-time"
            );
            ex!(hold_reclaimed_time, "hold-reclaimed-time");
            ex!(max_reclaim_leases, "max-reclaim-leases");
            ex!(max_reclaim_time, "max-reclaim-time");
            ex!(unwarned_reclaim_cycles, "unwarned-reclaim-cycles");
        }
        let mut host_identifiers = IdentifierType::ALL.to_vec();
        if let Some(h) = m.get("host-reservation-identifiers") {
            host_identifiers.clear();
            for i in h
                .as_list()
                .map_err(|_| verr(h, "host-reservation-identifiers must be a list"))?
            {
                let s = i
                    .as_str()
                    .map_err(|_| verr(i, "identifier must be a string"))?;
                let t = IdentifierType::parse(s)
                    .ok_or_else(|| verr(i, format!("invalid host identifier type '{s}'")))?;
                host_identifiers.push(t);
            }
        }
        if let Some(p) = m.get("dhcp4o6-port")
            && p.as_int().unwrap_or(0) != 0
        {
            return Err(verr(
                p,
                "DHCPv4-over-DHCPv6 (dhcp4o6-port) is not supported by this server",
            ));
        }
        let global_partial = PartialParams::parse(m)?;
        let global_params = Params::resolve(&global_partial, dhcp4)?;
        let global_options = OptionSet::parse(list(m, "option-data")?, &option_defs)?;
        let ip_reservations_unique = opt_bool(m, "ip-reservations-unique")?.unwrap_or(true);
        let mut global_hosts = HostTable::new(ip_reservations_unique);
        for r in list(m, "reservations")? {
            global_hosts.insert(parse_host(r, &option_defs)?, r)?;
        }
        let mut classes: Vec<ClientClassDef> = Vec::new();
        for c in list(m, "client-classes")? {
            let mut def = parse_class(c, &option_defs, &classes)?;
            if classes.iter().any(|x| x.name == def.name) {
                return Err(verr(c, format!("duplicate client class '{}'", def.name)));
            }
            // Classes reading KNOWN/UNKNOWN (directly or through an earlier class) wait
            // for the reservation lookup.
            let late = |dep: &str| {
                classes
                    .iter()
                    .any(|x| &*x.name == dep && x.depends_on_known)
            };
            def.depends_on_known = def.test.as_ref().is_some_and(|t| t.depends_on_known(late))
                || def
                    .template
                    .as_ref()
                    .is_some_and(|t| t.depends_on_known(late));
            classes.push(def);
        }
        let mut cfg = ServerConfig {
            source: root.to_json(),
            interfaces,
            socket_type,
            lease_db,
            expired,
            decline_probation_period: opt_u32(m, "decline-probation-period")?.unwrap_or(86400),
            echo_client_id: opt_bool(m, "echo-client-id")?.unwrap_or(true),
            host_identifiers,
            subnets: Vec::new(),
            networks: Vec::new(),
            global_options,
            global_params,
            classes,
            global_hosts,
            option_defs,
            control_sockets: Vec::new(),
            loggers: m.get("loggers").cloned(),
            configured_server_ids: Vec::new(),
            ip_reservations_unique,
            ignore_server_id: false,
            ignore_rai_link_selection: false,
            exclude_first_last_24: false,
            subnet_by_id: HashMap::new(),
            hash: Default::default(),
            model: None,
        };
        if let Some(c) = m.get("compatibility") {
            let cm = get_map(c, "compatibility")?;
            cfg.ignore_server_id = opt_bool(cm, "ignore-dhcp-server-identifier")?.unwrap_or(false);
            cfg.ignore_rai_link_selection =
                opt_bool(cm, "ignore-rai-link-selection")?.unwrap_or(false);
            cfg.exclude_first_last_24 = opt_bool(cm, "exclude-first-last-24")?.unwrap_or(false);
        }
        if let Some(cs) = m.get("control-socket") {
            cfg.control_sockets.push(cs.clone());
        }
        for cs in list(m, "control-sockets")? {
            cfg.control_sockets.push(cs.clone());
        }
        for s in list(m, "subnet4")? {
            cfg.add_subnet(s, &global_partial, None)?;
        }
        for n in list(m, "shared-networks")? {
            let nm = get_map(n, "shared network")?;
            let name = opt_str(nm, "name")?
                .ok_or_else(|| verr(n, "missing parameter 'name'"))?
                .to_string();
            if cfg.networks.iter().any(|x| x.name == name) {
                return Err(verr(
                    n,
                    format!("a shared network with the name '{name}' already exists"),
                ));
            }
            let net_partial = PartialParams::parse(nm)?.inherit(&global_partial);
            let idx = cfg.networks.len();
            cfg.networks.push(SharedNetwork {
                name,
                options: OptionSet::parse(list(nm, "option-data")?, &cfg.option_defs)?,
                relay_addrs: parse_relay(nm)?,
                interface: opt_str(nm, "interface")?.map(str::to_string),
                client_classes: parse_class_list(nm)?,
                additional_classes: parse_additional(nm)?,
                subnets: Vec::new(),
            });
            for s in list(nm, "subnet4")? {
                let si = cfg.add_subnet(s, &net_partial, Some(idx))?;
                cfg.networks[idx].subnets.push(si);
            }
        }
        // Server identifiers configured at any level are accepted as ours.
        let mut ids = Vec::new();
        let mut collect = |o: &OptionSet| {
            if let Some(v) = o.get(54)
                && let Ok(b) = <[u8; 4]>::try_from(v.data.as_slice())
            {
                ids.push(Ipv4Addr::from(b));
            }
        };
        collect(&cfg.global_options);
        cfg.subnets.iter().for_each(|s| collect(&s.options));
        cfg.networks.iter().for_each(|n| collect(&n.options));
        cfg.classes.iter().for_each(|c| collect(&c.options));
        cfg.configured_server_ids = ids;
        Ok(cfg)
    }

    fn add_subnet(
        &mut self,
        e: &Element,
        parent: &PartialParams,
        network: Option<usize>,
    ) -> Result<usize, ConfigError> {
        let m = get_map(e, "subnet4 entry")?;
        for key in ["4o6-subnet", "4o6-interface", "4o6-interface-id"] {
            if let Some(v) = m.get(key)
                && v.as_str().is_ok_and(|t| !t.is_empty())
            {
                return Err(verr(
                    v,
                    format!("'{key}': DHCPv4-over-DHCPv6 is not supported by this server"),
                ));
            }
        }
        let prefix_s = opt_str(m, "subnet")?.ok_or_else(|| {
            verr(
                e,
                "mandatory 'subnet' parameter is missing for a subnet being configured",
            )
        })?;
        let prefix = Prefix4::parse(prefix_s).ok_or_else(|| {
            verr(
                m.get("subnet").unwrap_or(e),
                format!("Invalid subnet syntax (prefix/len expected):{prefix_s}"),
            )
        })?;
        let id = match opt_u32(m, "id")? {
            Some(0) | None => {
                // Kea 3 requires ids; auto-assign like older Kea for compatibility.
                self.subnets.iter().map(|s| s.id).max().unwrap_or(0) + 1
            }
            Some(id) => id,
        };
        if self.subnet_by_id.contains_key(&id) {
            return Err(verr(
                e,
                format!(
                    "subnet with the prefix of '{prefix}' has a duplicated subnet-id of '{id}'"
                ),
            ));
        }
        if self
            .subnets
            .iter()
            .any(|s| s.prefix.first() == prefix.first() && s.prefix.len == prefix.len)
        {
            return Err(verr(
                e,
                format!("subnet with the prefix of '{prefix}' already exists"),
            ));
        }
        let mut pools = Vec::new();
        for p in list(m, "pools")? {
            let pm = get_map(p, "pool")?;
            let ps = opt_str(pm, "pool")?.ok_or_else(|| verr(p, "missing parameter 'pool'"))?;
            let (first, last) = parse_pool_range(ps)
                .ok_or_else(|| verr(p, format!("Failed to create pool defined by: {ps}")))?;
            if first > last {
                return Err(verr(
                    p,
                    format!(
                        "Failed to create pool defined by: {ps} (first address is greater than last)"
                    ),
                ));
            }
            if !prefix.contains(first) || !prefix.contains(last) {
                return Err(verr(
                    p,
                    format!(
                        "a pool of type V4, with the following address range: {first}-{last} does not match the prefix of a subnet: {prefix} to which it is being added"
                    ),
                ));
            }
            if pools.iter().any(|q: &Pool4| {
                q.contains(first) || q.contains(last) || (first <= q.first && last >= q.last)
            }) {
                return Err(verr(
                    p,
                    format!(
                        "a pool of type V4, with the following address range: {first}-{last} overlaps with an existing pool in the subnet: {prefix} to which it is being added"
                    ),
                ));
            }
            let mut pool_classes = parse_class_list(pm)?;
            if let Some(c) = opt_str(pm, "client-class")? {
                pool_classes.push(c.to_string());
            }
            pools.push(Pool4 {
                first,
                last,
                options: OptionSet::parse(list(pm, "option-data")?, &self.option_defs)?,
                client_classes: pool_classes,
                additional_classes: parse_additional(pm)?,
            });
        }
        let partial = PartialParams::parse(m)?.inherit(parent);
        let params = Params::resolve(&partial, e)?;
        let mut hosts = HostTable::new(self.ip_reservations_unique);
        for r in list(m, "reservations")? {
            let h = parse_host(r, &self.option_defs)?;
            if let Some(ip) = h.ip
                && !prefix.contains(ip)
            {
                return Err(verr(
                    r,
                    format!(
                        "specified reservation for address {ip} is not matching the IPv4 subnet prefix {prefix}"
                    ),
                ));
            }
            hosts.insert(h, r)?;
        }
        let mut client_classes = parse_class_list(m)?;
        if let Some(c) = opt_str(m, "client-class")? {
            client_classes.push(c.to_string());
        }
        let idx = self.subnets.len();
        self.subnets.push(Subnet4 {
            id,
            prefix,
            pools,
            options: OptionSet::parse(list(m, "option-data")?, &self.option_defs)?,
            relay_addrs: parse_relay(m)?,
            interface: opt_str(m, "interface")?.map(str::to_string),
            client_classes,
            additional_classes: parse_additional(m)?,
            params,
            network,
            hosts,
        });
        self.subnet_by_id.insert(id, idx);
        Ok(idx)
    }
}

/// `require-client-classes` (Kea 2) / `evaluate-additional-classes` (Kea 3).
fn parse_additional(m: &Map) -> Result<Vec<String>, ConfigError> {
    let mut out = Vec::new();
    for key in ["require-client-classes", "evaluate-additional-classes"] {
        for c in list(m, key)? {
            out.push(
                c.as_str()
                    .map(str::to_string)
                    .map_err(|_| verr(c, "client class name must be a string"))?,
            );
        }
    }
    Ok(out)
}

fn parse_class_list(m: &Map) -> Result<Vec<String>, ConfigError> {
    list(m, "client-classes")?
        .iter()
        .map(|c| {
            c.as_str()
                .map(str::to_string)
                .map_err(|_| verr(c, "client class name must be a string"))
        })
        .collect()
}

fn parse_relay(m: &Map) -> Result<Vec<Ipv4Addr>, ConfigError> {
    let Some(r) = m.get("relay") else {
        return Ok(Vec::new());
    };
    let rm = get_map(r, "relay")?;
    let mut out = Vec::new();
    if let Some(a) = opt_str(rm, "ip-address")? {
        out.push(
            a.parse()
                .map_err(|_| verr(r, format!("invalid relay address '{a}'")))?,
        );
    }
    for a in list(rm, "ip-addresses")? {
        let s = a
            .as_str()
            .map_err(|_| verr(a, "relay address must be a string"))?;
        out.push(
            s.parse()
                .map_err(|_| verr(a, format!("address is not IPv4: {s}")))?,
        );
    }
    Ok(out)
}

fn parse_class(
    e: &Element,
    defs: &crate::options::OptionDefs,
    earlier: &[ClientClassDef],
) -> Result<ClientClassDef, ConfigError> {
    let m = get_map(e, "client class")?;
    let name = opt_str(m, "name")?
        .ok_or_else(|| verr(e, "missing parameter 'name'"))?
        .to_string();
    let defined = |n: &str| earlier.iter().any(|c| &*c.name == n);
    let test = match opt_str(m, "test")? {
        Some(t) if !t.trim().is_empty() => Some(
            crate::classify::parse_test(t, defs, &defined)
                .map_err(|err| verr(m.get("test").unwrap_or(e), err.to_string()))?,
        ),
        _ => None,
    };
    let template = match opt_str(m, "template-test")? {
        Some(t) if !t.trim().is_empty() => {
            if test.is_some() {
                return Err(verr(
                    e,
                    format!("client class '{name}' has both 'test' and 'template-test'"),
                ));
            }
            Some(
                crate::classify::parse_template(t, defs, &defined)
                    .map_err(|err| verr(m.get("template-test").unwrap_or(e), err.to_string()))?,
            )
        }
        _ => None,
    };
    Ok(ClientClassDef {
        depends_on_known: false,
        test,
        template,
        only_if_required: opt_bool(m, "only-if-required")?
            .or(opt_bool(m, "only-in-additional-list")?)
            .unwrap_or(false),
        options: OptionSet::parse(list(m, "option-data")?, defs)?,
        next_server: opt_ipv4(m, "next-server")?,
        server_hostname: opt_str(m, "server-hostname")?.map(str::to_string),
        boot_file_name: opt_str(m, "boot-file-name")?.map(str::to_string),
        valid_lifetime: opt_u32(m, "valid-lifetime")?,
        name: name.into(),
    })
}

/// Finds a configured option across scopes (used for server-identifier checks).
pub fn find_option<'a>(sets: &[&'a OptionSet], code: u8) -> Option<&'a CfgOption> {
    sets.iter().find_map(|s| s.get(code))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn compile(text: &str) -> Result<ServerConfig, ConfigError> {
        let e = kea_config::parse_str(text, "test").unwrap();
        ServerConfig::from_element(&e)
    }

    #[test]
    fn inheritance_and_defaults() {
        let c = compile(r#"{"Dhcp4": {
            "valid-lifetime": 4000, "renew-timer": 1000, "match-client-id": false,
            "interfaces-config": {"interfaces": ["eth0", "eth1/10.0.0.1"], "dhcp-socket-type": "udp"},
            "subnet4": [{"id": 1, "subnet": "192.0.2.0/24", "pools": [{"pool": "192.0.2.10 - 192.0.2.19"}, {"pool": "192.0.2.64/26"}],
                         "valid-lifetime": 3000, "match-client-id": true}],
            "shared-networks": [{"name": "net", "authoritative": true, "rebind-timer": 2000,
                 "subnet4": [{"id": 2, "subnet": "10.0.0.0/8", "relay": {"ip-addresses": ["10.0.0.1"]}}]}]
        }}"#).unwrap();
        assert_eq!(c.socket_type, SocketType::Udp);
        assert_eq!(c.interfaces.len(), 2);
        let s1 = c.subnet_by_id(1).unwrap();
        assert_eq!(s1.params.valid_lifetime, 3000);
        assert_eq!(s1.params.renew_timer, Some(1000));
        assert!(s1.params.match_client_id);
        assert_eq!(s1.total_addresses(), 10 + 64);
        let s2 = c.subnet_by_id(2).unwrap();
        assert_eq!(s2.params.valid_lifetime, 4000);
        assert!(!s2.params.match_client_id);
        assert!(s2.params.authoritative);
        assert_eq!(s2.params.rebind_timer, Some(2000));
        assert_eq!(s2.network, Some(0));
        assert_eq!(s2.relay_addrs, vec![Ipv4Addr::new(10, 0, 0, 1)]);
        assert!(c.lease_db.persist);
        assert_eq!(c.decline_probation_period, 86400);
    }

    #[test]
    fn rejects_bad_input_with_position() {
        let e = compile(r#"{"Dhcp4": {"subnet4": [{"id": 1, "subnet": "not-a-subnet"}]}}"#)
            .unwrap_err();
        assert!(e.to_string().contains("test:1:"), "{e}");
        assert!(compile(r#"{"Dhcp4": {"subnet4": [{"id": 1, "subnet": "192.0.2.0/24", "pools": [{"pool": "10.0.0.1 - 10.0.0.5"}]}]}}"#).is_err());
        assert!(compile(r#"{"Dhcp4": {"subnet4": [{"id": 1, "subnet": "192.0.2.0/24"}, {"id": 1, "subnet": "192.0.3.0/24"}]}}"#).is_err());
        assert!(compile(r#"{"Dhcp4": {"valid-lifetime": -1}}"#).is_err());
        assert!(compile(r#"{"Dhcp4": {"lease-database": {"type": "mysql"}}}"#).is_err());
        assert!(
            compile(r#"{"Dhcp4": {"interfaces-config": {"interfaces": ["eth0/zz"]}}}"#).is_err()
        );
        assert!(compile(r#"{"Dhcp6": {}}"#).is_err());
        assert!(
            compile(r#"{"Dhcp4": {"min-valid-lifetime": 100, "valid-lifetime": 50}}"#).is_err()
        );
    }

    #[test]
    fn reservations() {
        let c = compile(r#"{"Dhcp4": {"subnet4": [{"id": 1, "subnet": "192.0.2.0/24",
            "reservations": [{"hw-address": "aa:bb:cc:dd:ee:ff", "ip-address": "192.0.2.5", "hostname": "h1"},
                             {"circuit-id": "'gw1'", "ip-address": "192.0.2.6"}]}],
            "reservations": [{"client-id": "01:02:03", "hostname": "g"}]}}"#).unwrap();
        let s = c.subnet_by_id(1).unwrap();
        let h = s
            .hosts
            .get(
                IdentifierType::HwAddress,
                &[0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff],
            )
            .unwrap();
        assert_eq!(h.ip, Some(Ipv4Addr::new(192, 0, 2, 5)));
        assert!(s.hosts.get(IdentifierType::CircuitId, b"gw1").is_some());
        assert_eq!(
            s.hosts.by_addr(Ipv4Addr::new(192, 0, 2, 6)).unwrap().id,
            b"gw1"
        );
        assert!(
            c.global_hosts
                .get(IdentifierType::ClientId, &[1, 2, 3])
                .is_some()
        );
        assert!(
            compile(
                r#"{"Dhcp4": {"subnet4": [{"id": 1, "subnet": "192.0.2.0/24",
            "reservations": [{"hw-address": "aa:bb:cc:dd:ee:ff", "ip-address": "10.0.0.1"}]}]}}"#
            )
            .is_err()
        );
    }

    #[test]
    fn identifiers() {
        assert_eq!(parse_identifier("01:02:0a").unwrap(), vec![1, 2, 10]);
        assert_eq!(parse_identifier("01020a").unwrap(), vec![1, 2, 10]);
        assert_eq!(parse_identifier("'abc'").unwrap(), b"abc".to_vec());
        assert!(parse_identifier("zz").is_err());
        assert!(parse_identifier("").is_err());
    }
}

#[cfg(test)]
mod more_tests {
    use super::*;

    #[test]
    fn ip_reservations_unique_flag() {
        let text = |unique: bool| {
            format!(
                r#"{{"Dhcp4": {{"ip-reservations-unique": {unique}, "subnet4": [{{"id": 1, "subnet": "192.0.2.0/24",
                "reservations": [{{"hw-address": "aa:bb:cc:dd:ee:01", "ip-address": "192.0.2.5"}},
                                 {{"hw-address": "aa:bb:cc:dd:ee:02", "ip-address": "192.0.2.5"}}]}}]}}}}"#
            )
        };
        let parse =
            |t: String| ServerConfig::from_element(&kea_config::parse_str(&t, "t").unwrap());
        assert!(parse(text(true)).is_err());
        let c = parse(text(false)).unwrap();
        assert_eq!(c.subnets[0].hosts.len(), 2);
    }
}
