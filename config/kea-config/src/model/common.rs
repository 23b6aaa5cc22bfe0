//! Typed structures shared by the Dhcp4 and Dhcp6 models (and partly Netconf).

use std::net::IpAddr;

use crate::element::{Element, Map, Position};
use crate::error::ConfigError;
use crate::model::read::{FromEl, Reader, inheritable, invalid, kea_enum, parse_identifier};

kea_enum! {
    /// `ddns-replace-client-name`.
    pub enum ReplaceClientName {
        WhenPresent = "when-present",
        Never = "never",
        Always = "always",
        WhenNotPresent = "when-not-present",
    }
}

kea_enum! {
    /// `ddns-conflict-resolution-mode`.
    pub enum ConflictResolutionMode {
        CheckWithDhcid = "check-with-dhcid",
        NoCheckWithDhcid = "no-check-with-dhcid",
        CheckExistsWithDhcid = "check-exists-with-dhcid",
        NoCheckWithoutDhcid = "no-check-without-dhcid",
    }
}

kea_enum! {
    /// `allocator` / `pd-allocator`.
    pub enum Allocator {
        Iterative = "iterative",
        Random = "random",
        Flq = "flq",
    }
}

kea_enum! {
    /// Host reservation identifier types (`host-reservation-identifiers`, reservation keys).
    pub enum HostIdentifierType {
        HwAddress = "hw-address",
        Duid = "duid",
        CircuitId = "circuit-id",
        ClientId = "client-id",
        FlexId = "flex-id",
    }
}

kea_enum! {
    /// Lease / host database backend type.
    pub enum DatabaseType {
        Memfile = "memfile",
        Mysql = "mysql",
        Postgresql = "postgresql",
    }
}

kea_enum! {
    /// `on-fail` of a database.
    pub enum OnFail {
        StopRetryExit = "stop-retry-exit",
        ServeRetryExit = "serve-retry-exit",
        ServeRetryContinue = "serve-retry-continue",
    }
}

kea_enum! {
    /// Logger `severity`.
    pub enum Severity {
        Fatal = "FATAL",
        Error = "ERROR",
        Warn = "WARN",
        Info = "INFO",
        Debug = "DEBUG",
        None = "NONE",
    }
}

kea_enum! {
    /// `sanity-checks.lease-checks`.
    pub enum LeaseChecks {
        None = "none",
        Warn = "warn",
        Fix = "fix",
        FixDel = "fix-del",
        Del = "del",
    }
}

kea_enum! {
    /// `sanity-checks.extended-info-checks`.
    pub enum ExtendedInfoChecks {
        None = "none",
        Fix = "fix",
        Strict = "strict",
        Pedantic = "pedantic",
    }
}

kea_enum! {
    /// `socket-type` of a DHCP server's control socket.
    pub enum ControlSocketType {
        Unix = "unix",
        Http = "http",
        Https = "https",
    }
}

inheritable! {
    /// DDNS and hostname-sanitizing parameters, settable globally, per shared network,
    /// per subnet and per pool. Use [`DdnsParams::inherit`] to resolve.
    pub struct DdnsParams {
        send_updates: bool = "ddns-send-updates",
        override_no_update: bool = "ddns-override-no-update",
        override_client_update: bool = "ddns-override-client-update",
        replace_client_name: ReplaceClientName = "ddns-replace-client-name",
        generated_prefix: String = "ddns-generated-prefix",
        qualifying_suffix: String = "ddns-qualifying-suffix",
        update_on_renew: bool = "ddns-update-on-renew",
        conflict_resolution_mode: ConflictResolutionMode = "ddns-conflict-resolution-mode",
        ttl_percent: f64 = "ddns-ttl-percent",
        ttl: u32 = "ddns-ttl",
        ttl_min: u32 = "ddns-ttl-min",
        ttl_max: u32 = "ddns-ttl-max",
        hostname_char_set: String = "hostname-char-set",
        hostname_char_replacement: String = "hostname-char-replacement",
    }
}

/// A lifetime triplet (`X`, `min-X`, `max-X`) after inheritance.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Triplet {
    /// The value used when the client asks for nothing.
    pub default: u32,
    /// Lower bound for client requests.
    pub min: u32,
    /// Upper bound for client requests.
    pub max: u32,
}

impl Triplet {
    /// Builds a triplet: a missing bound equals the default; a missing default is the
    /// given bound (as Kea does when only min/max are configured).
    pub fn resolve(default: Option<u32>, min: Option<u32>, max: Option<u32>) -> Option<Triplet> {
        let d = default.or(min).or(max)?;
        Some(Triplet {
            default: d,
            min: min.unwrap_or(d),
            max: max.unwrap_or(d),
        })
    }

    /// The lifetime for a client that requested `requested` (0 / None = no preference).
    pub fn choose(&self, requested: Option<u32>) -> u32 {
        match requested {
            Some(r) if r > 0 => r.clamp(self.min, self.max),
            _ => self.default,
        }
    }
}

/// Checks `min <= default <= max` for one level's explicit values.
pub(crate) fn check_triplet(r: &Reader<'_>, name: &str) -> Result<(), ConfigError> {
    let d: Option<u32> = r.opt(name)?;
    let min: Option<u32> = r.opt(&format!("min-{name}"))?;
    let max: Option<u32> = r.opt(&format!("max-{name}"))?;
    let pos = r
        .get(name)
        .or_else(|| r.get(&format!("min-{name}")))
        .map(|e| e.pos.clone());
    let bad = |m: String| {
        Err(ConfigError::validation(
            pos.clone().or(Some(r.pos.clone())),
            m,
        ))
    };
    if let (Some(min), Some(max)) = (min, max)
        && min > max
    {
        return bad(format!(
            "the value of min-{name} ({min}) is greater than max-{name} ({max})"
        ));
    }
    if let Some(d) = d {
        if let Some(min) = min
            && min > d
        {
            return bad(format!(
                "the value of min-{name} ({min}) is greater than (default) {name} ({d})"
            ));
        }
        if let Some(max) = max
            && max < d
        {
            return bad(format!(
                "the value of max-{name} ({max}) is less than (default) {name} ({d})"
            ));
        }
    }
    Ok(())
}

/// Warnings for inconsistent effective timers of one subnet (Kea warns and ignores
/// the offending timer rather than failing).
pub(crate) fn timer_warnings(
    id: u32,
    pos: &Position,
    renew: Option<u32>,
    rebind: Option<u32>,
    valid: Option<u32>,
) -> Vec<crate::error::Warning> {
    let mut out = Vec::new();
    let mut warn = |message: String| {
        out.push(crate::error::Warning {
            pos: Some(pos.clone()),
            message,
        })
    };
    if let (Some(t1), Some(t2)) = (renew, rebind)
        && t1 >= t2
    {
        warn(format!(
            "subnet {id}: renew-timer ({t1}) is not less than rebind-timer ({t2}); renew-timer will not be sent"
        ));
    }
    if let (Some(t2), Some(v)) = (rebind, valid)
        && t2 >= v
    {
        warn(format!(
            "subnet {id}: rebind-timer ({t2}) is not less than valid-lifetime ({v}); rebind-timer will not be sent"
        ));
    }
    out
}

/// `relay` of a subnet or shared network.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Relay {
    /// Relay agent addresses that select this network.
    pub ip_addresses: Vec<IpAddr>,
}

impl FromEl for Relay {
    fn from_el(e: &Element, _key: &str) -> Result<Self, ConfigError> {
        let r = Reader::new(e, "relay")?;
        let ip_addresses = r.list("ip-addresses", |a| IpAddr::from_el(a, "ip-addresses"))?;
        Ok(Relay { ip_addresses })
    }
}

/// Relay addresses must be of the daemon's family.
pub(crate) fn check_relay_family(r: &Reader<'_>, v6: bool) -> Result<(), ConfigError> {
    let Some(relay) = r.get("relay") else {
        return Ok(());
    };
    let Some(list) = relay.get("ip-addresses") else {
        return Ok(());
    };
    for a in list.as_list()? {
        let ip = IpAddr::from_el(a, "ip-addresses")?;
        if ip.is_ipv6() != v6 {
            let family = if v6 { "IPv6" } else { "IPv4" };
            return Err(ConfigError::validation(
                Some(a.pos.clone()),
                format!("relay address {ip} is not an {family} address"),
            ));
        }
    }
    Ok(())
}

/// `host-reservation-identifiers`: known types, each at most once.
pub(crate) fn read_host_ids(r: &Reader<'_>) -> Result<Vec<HostIdentifierType>, ConfigError> {
    let mut out: Vec<HostIdentifierType> = Vec::new();
    for e in r
        .get("host-reservation-identifiers")
        .map(Element::as_list)
        .transpose()?
        .unwrap_or(&[])
    {
        let t = HostIdentifierType::from_el(e, "host-reservation-identifiers")?;
        if out.contains(&t) {
            return Err(ConfigError::validation(
                Some(e.pos.clone()),
                format!("duplicate host identifier '{t}'"),
            ));
        }
        out.push(t);
    }
    Ok(out)
}

/// One `option-data` entry.
#[derive(Clone, Debug, PartialEq)]
pub struct OptionData {
    /// Option name (standard or defined in `option-def`).
    pub name: Option<String>,
    /// Option code.
    pub code: Option<u16>,
    /// Option space (`dhcp4` / `dhcp6` by default).
    pub space: String,
    /// The value text (CSV or hex, per `csv_format`).
    pub data: String,
    /// `data` is comma-separated values (true) or hex / quoted text (false).
    pub csv_format: bool,
    /// Send even if the client did not ask.
    pub always_send: bool,
    /// Never send, even if asked.
    pub never_send: bool,
    /// Only for clients in one of these classes (empty = everyone).
    pub client_classes: Vec<String>,
    /// Free-form user context.
    pub user_context: Option<Map>,
    /// Where the entry starts.
    pub pos: Position,
}

impl OptionData {
    /// Validates and reads one option-data map.
    pub fn from_element(e: &Element, v6: bool) -> Result<Self, ConfigError> {
        let (frag, space) = if v6 {
            (crate::Fragment::OptionData6, "dhcp6")
        } else {
            (crate::Fragment::OptionData4, "dhcp4")
        };
        Self::read(&frag.validate(e)?.config, space)
    }

    pub(crate) fn read(e: &Element, default_space: &str) -> Result<Self, ConfigError> {
        let r = Reader::new(e, "option-data")?;
        let name: Option<String> = r.opt("name")?;
        let code: Option<u16> = r.opt("code")?;
        if name.is_none() && code.is_none() {
            return Err(ConfigError::validation(
                Some(e.pos.clone()),
                "option data configuration must include either name or code".to_string(),
            ));
        }
        Ok(OptionData {
            name,
            code,
            space: r.or("space", default_space.to_string())?,
            data: r.or("data", String::new())?,
            csv_format: r.or("csv-format", true)?,
            always_send: r.or("always-send", false)?,
            never_send: r.or("never-send", false)?,
            client_classes: r.or("client-classes", Vec::new())?,
            user_context: r.user_context(),
            pos: e.pos.clone(),
        })
    }
}

/// One `option-def` entry.
#[derive(Clone, Debug, PartialEq)]
pub struct OptionDef {
    /// Option name.
    pub name: String,
    /// Option code.
    pub code: u16,
    /// Data type (`uint8`, `string`, `record`, ...).
    pub option_type: String,
    /// Field types of a `record` (comma separated).
    pub record_types: String,
    /// Option space.
    pub space: String,
    /// Space of encapsulated sub-options ("" = none).
    pub encapsulate: String,
    /// Array of `option_type`.
    pub array: bool,
    /// Free-form user context.
    pub user_context: Option<Map>,
    /// Where the entry starts.
    pub pos: Position,
}

impl OptionDef {
    /// Validates and reads one option-def map.
    pub fn from_element(e: &Element, v6: bool) -> Result<Self, ConfigError> {
        let (frag, space) = if v6 {
            (crate::Fragment::OptionDef6, "dhcp6")
        } else {
            (crate::Fragment::OptionDef4, "dhcp4")
        };
        Self::read(&frag.validate(e)?.config, space)
    }

    pub(crate) fn read(e: &Element, default_space: &str) -> Result<Self, ConfigError> {
        let r = Reader::new(e, "option-def")?;
        Ok(OptionDef {
            name: r.req("name")?,
            code: r.req("code")?,
            option_type: r.req("type")?,
            record_types: r.or("record-types", String::new())?,
            space: r.or("space", default_space.to_string())?,
            encapsulate: r.or("encapsulate", String::new())?,
            array: r.or("array", false)?,
            user_context: r.user_context(),
            pos: e.pos.clone(),
        })
    }
}

/// One `client-classes` definition (v4 and v6; v4-only fields are `None` in v6).
#[derive(Clone, Debug, PartialEq)]
pub struct ClientClass {
    /// Class name.
    pub name: String,
    /// Classification expression ("" = membership only by other means).
    pub test: Option<String>,
    /// Template expression spawning `SPAWN_<name>_<value>` classes.
    pub template_test: Option<String>,
    /// Evaluated only when listed in `evaluate-additional-classes`.
    pub only_in_additional_list: bool,
    /// Options for members of the class.
    pub option_data: Vec<OptionData>,
    /// Option definitions local to the class (v4 only).
    pub option_def: Vec<OptionDef>,
    /// v4 `siaddr` for members.
    pub next_server: Option<std::net::Ipv4Addr>,
    /// v4 `sname` for members.
    pub server_hostname: Option<String>,
    /// v4 `file` for members.
    pub boot_file_name: Option<String>,
    /// Valid-lifetime triplet values set on the class.
    pub valid_lifetime: Option<u32>,
    /// `min-valid-lifetime`.
    pub min_valid_lifetime: Option<u32>,
    /// `max-valid-lifetime`.
    pub max_valid_lifetime: Option<u32>,
    /// v6 preferred lifetime.
    pub preferred_lifetime: Option<u32>,
    /// `min-preferred-lifetime` (v6).
    pub min_preferred_lifetime: Option<u32>,
    /// `max-preferred-lifetime` (v6).
    pub max_preferred_lifetime: Option<u32>,
    /// v4 `offer-lifetime`.
    pub offer_lifetime: Option<u32>,
    /// Free-form user context.
    pub user_context: Option<Map>,
    /// Where the class starts.
    pub pos: Position,
}

impl ClientClass {
    /// Validates and reads one class map (as `class-add` carries it).
    pub fn from_element(e: &Element, v6: bool) -> Result<crate::Loaded<Self>, ConfigError> {
        let (frag, space) = if v6 {
            (crate::Fragment::ClientClass6, "dhcp6")
        } else {
            (crate::Fragment::ClientClass4, "dhcp4")
        };
        let v = frag.validate(e)?;
        Ok(crate::Loaded {
            config: Self::read(&v.config, space)?,
            warnings: v.warnings,
        })
    }

    pub(crate) fn read(e: &Element, default_space: &str) -> Result<Self, ConfigError> {
        let r = Reader::new(e, "client-classes")?;
        check_triplet(&r, "valid-lifetime")?;
        check_triplet(&r, "preferred-lifetime")?;
        Ok(ClientClass {
            name: r.req("name")?,
            test: r.opt("test")?,
            template_test: r.opt("template-test")?,
            only_in_additional_list: r.or("only-in-additional-list", false)?,
            option_data: r.list("option-data", |o| OptionData::read(o, default_space))?,
            option_def: r.list("option-def", |o| OptionDef::read(o, default_space))?,
            next_server: r.opt_v4("next-server")?,
            server_hostname: r.opt_text("server-hostname")?,
            boot_file_name: r.opt_text("boot-file-name")?,
            valid_lifetime: r.opt("valid-lifetime")?,
            min_valid_lifetime: r.opt("min-valid-lifetime")?,
            max_valid_lifetime: r.opt("max-valid-lifetime")?,
            preferred_lifetime: r.opt("preferred-lifetime")?,
            min_preferred_lifetime: r.opt("min-preferred-lifetime")?,
            max_preferred_lifetime: r.opt("max-preferred-lifetime")?,
            offer_lifetime: r.opt("offer-lifetime")?,
            user_context: r.user_context(),
            pos: e.pos.clone(),
        })
    }
}

/// A host identifier: type and raw bytes.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct HostIdentifier {
    /// Which identifier.
    pub kind: HostIdentifierType,
    /// Its bytes (hex decoded, or the text of a `'quoted'` identifier).
    pub value: Vec<u8>,
}

impl HostIdentifier {
    /// Reads the single identifier of a reservation map, allowing only `allowed` types.
    pub(crate) fn read(
        r: &Reader<'_>,
        allowed: &[HostIdentifierType],
    ) -> Result<Self, ConfigError> {
        let mut found: Option<HostIdentifier> = None;
        for kind in HostIdentifierType::ALL {
            let Some(e) = r.get(kind.as_str()) else {
                continue;
            };
            if !allowed.contains(kind) {
                continue;
            }
            if found.is_some() {
                return Err(ConfigError::validation(
                    Some(r.pos.clone()),
                    "the host reservation must contain exactly one identifier: hw-address, duid, circuit-id, client-id or flex-id"
                        .to_string(),
                ));
            }
            let s = e.as_str()?;
            let value = parse_identifier(s).ok_or_else(|| {
                invalid(
                    e,
                    kind.as_str(),
                    &format!("'{s}' is not a valid {kind} identifier"),
                )
            })?;
            found = Some(HostIdentifier { kind: *kind, value });
        }
        found.ok_or_else(|| {
            ConfigError::validation(
                Some(r.pos.clone()),
                "the host reservation must contain an identifier: one of hw-address, duid, circuit-id, client-id, flex-id"
                    .to_string(),
            )
        })
    }
}

/// One entry of `interfaces-config.interfaces`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum InterfaceSpec {
    /// `*`: all interfaces.
    All,
    /// `eth0` or `eth0/192.0.2.1` (v4: listen on one address) / `eth0/2001:db8::1` (v6 unicast).
    Name {
        /// Interface name.
        name: String,
        /// Address after the slash, if any.
        address: Option<IpAddr>,
    },
}

impl FromEl for InterfaceSpec {
    fn from_el(e: &Element, key: &str) -> Result<Self, ConfigError> {
        let s = e.as_str()?;
        if s == "*" {
            return Ok(InterfaceSpec::All);
        }
        let (name, address) = match s.split_once('/') {
            None => (s, None),
            Some((n, a)) => {
                let addr = a.parse::<IpAddr>().map_err(|_| {
                    invalid(e, key, &format!("'{a}' in '{s}' is not a valid IP address"))
                })?;
                (n, Some(addr))
            }
        };
        if name.is_empty() || name.contains(char::is_whitespace) {
            return Err(invalid(
                e,
                key,
                &format!("'{s}' is not a valid interface name"),
            ));
        }
        Ok(InterfaceSpec::Name {
            name: name.to_string(),
            address,
        })
    }
}

/// `lease-database`, `hosts-database(s)` and `config-databases` entries.
#[derive(Clone, Debug, PartialEq)]
pub struct DatabaseConfig {
    /// Backend type.
    pub db_type: DatabaseType,
    /// Database name or (memfile) lease file name.
    pub name: Option<String>,
    /// Server host.
    pub host: Option<String>,
    /// Server port.
    pub port: Option<u16>,
    /// User name.
    pub user: Option<String>,
    /// Password.
    pub password: Option<String>,
    /// Memfile: write leases to disk (default true).
    pub persist: bool,
    /// Memfile: seconds between lease-file cleanups (default 3600, 0 = never).
    pub lfc_interval: u32,
    /// Memfile: stop after this many bad rows while loading (0 = unlimited).
    pub max_row_errors: u32,
    /// Host databases: read-only.
    pub readonly: bool,
    /// Seconds to wait for a connection.
    pub connect_timeout: Option<u32>,
    /// MySQL read timeout.
    pub read_timeout: Option<u32>,
    /// MySQL write timeout.
    pub write_timeout: Option<u32>,
    /// PostgreSQL TCP user timeout.
    pub tcp_user_timeout: Option<u32>,
    /// Reconnect attempts.
    pub max_reconnect_tries: Option<u32>,
    /// Milliseconds between reconnect attempts.
    pub reconnect_wait_time: Option<u32>,
    /// What to do when the connection cannot be restored.
    pub on_fail: OnFail,
    /// Retry the connection at start-up.
    pub retry_on_startup: bool,
    /// TLS CA file/directory.
    pub trust_anchor: Option<String>,
    /// TLS client certificate.
    pub cert_file: Option<String>,
    /// TLS client key.
    pub key_file: Option<String>,
    /// TLS cipher list.
    pub cipher_list: Option<String>,
    /// Where the entry starts.
    pub pos: Position,
}

impl DatabaseConfig {
    /// The default lease database: memfile with its defaults.
    pub fn memfile_default() -> Self {
        DatabaseConfig {
            db_type: DatabaseType::Memfile,
            name: None,
            host: None,
            port: None,
            user: None,
            password: None,
            persist: true,
            lfc_interval: 3600,
            max_row_errors: 0,
            readonly: false,
            connect_timeout: None,
            read_timeout: None,
            write_timeout: None,
            tcp_user_timeout: None,
            max_reconnect_tries: None,
            reconnect_wait_time: None,
            on_fail: OnFail::StopRetryExit,
            retry_on_startup: false,
            trust_anchor: None,
            cert_file: None,
            key_file: None,
            cipher_list: None,
            pos: Position::unknown(),
        }
    }

    pub(crate) fn read(e: &Element, ctx: &'static str) -> Result<Self, ConfigError> {
        let r = Reader::new(e, ctx)?;
        Ok(DatabaseConfig {
            db_type: r.req("type")?,
            name: r.opt("name")?,
            host: r.opt("host")?,
            port: r.opt("port")?,
            user: r.opt("user")?,
            password: r.opt("password")?,
            persist: r.or("persist", true)?,
            lfc_interval: r.or("lfc-interval", 3600)?,
            max_row_errors: r.or("max-row-errors", 0)?,
            readonly: r.or("readonly", false)?,
            connect_timeout: r.opt("connect-timeout")?,
            read_timeout: r.opt("read-timeout")?,
            write_timeout: r.opt("write-timeout")?,
            tcp_user_timeout: r.opt("tcp-user-timeout")?,
            max_reconnect_tries: r.opt("max-reconnect-tries")?,
            reconnect_wait_time: r.opt("reconnect-wait-time")?,
            on_fail: r.or("on-fail", OnFail::StopRetryExit)?,
            retry_on_startup: r.or("retry-on-startup", false)?,
            trust_anchor: r.opt("trust-anchor")?,
            cert_file: r.opt("cert-file")?,
            key_file: r.opt("key-file")?,
            cipher_list: r.opt("cipher-list")?,
            pos: e.pos.clone(),
        })
    }
}

/// `expired-leases-processing` (ch. 12).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExpiredLeasesProcessing {
    /// Seconds between reclamation cycles.
    pub reclaim_timer_wait_time: u32,
    /// Seconds between removals of reclaimed leases (0 = never remove).
    pub flush_reclaimed_timer_wait_time: u32,
    /// Seconds a reclaimed lease is kept.
    pub hold_reclaimed_time: u32,
    /// Leases per cycle (0 = unlimited).
    pub max_reclaim_leases: u32,
    /// Milliseconds per cycle (0 = unlimited).
    pub max_reclaim_time: u32,
    /// Cycles with leftovers before a warning.
    pub unwarned_reclaim_cycles: u32,
}

impl ExpiredLeasesProcessing {
    pub(crate) fn read(e: Option<&Element>) -> Result<Self, ConfigError> {
        let empty = Element::empty_map();
        let r = Reader::new(e.unwrap_or(&empty), "expired-leases-processing")?;
        Ok(ExpiredLeasesProcessing {
            reclaim_timer_wait_time: r.or("reclaim-timer-wait-time", 10)?,
            flush_reclaimed_timer_wait_time: r.or("flush-reclaimed-timer-wait-time", 25)?,
            hold_reclaimed_time: r.or("hold-reclaimed-time", 3600)?,
            max_reclaim_leases: r.or("max-reclaim-leases", 100)?,
            max_reclaim_time: r.or("max-reclaim-time", 250)?,
            unwarned_reclaim_cycles: r.or("unwarned-reclaim-cycles", 5)?,
        })
    }
}

/// `multi-threading`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MultiThreading {
    /// On by default since Kea 2.3.5.
    pub enable_multi_threading: bool,
    /// Worker threads (0 = number of CPUs).
    pub thread_pool_size: u32,
    /// Queue length per thread (0 = unlimited).
    pub packet_queue_size: u32,
}

impl MultiThreading {
    pub(crate) fn read(e: Option<&Element>) -> Result<Self, ConfigError> {
        let empty = Element::empty_map();
        let r = Reader::new(e.unwrap_or(&empty), "multi-threading")?;
        Ok(MultiThreading {
            enable_multi_threading: r.or("enable-multi-threading", true)?,
            thread_pool_size: r.or("thread-pool-size", 0)?,
            packet_queue_size: r.or("packet-queue-size", 64)?,
        })
    }
}

/// `sanity-checks`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SanityChecks {
    /// Lease/subnet consistency check on load.
    pub lease_checks: LeaseChecks,
    /// Extended-info consistency check on load.
    pub extended_info_checks: ExtendedInfoChecks,
}

impl SanityChecks {
    pub(crate) fn read(e: Option<&Element>) -> Result<Self, ConfigError> {
        let empty = Element::empty_map();
        let r = Reader::new(e.unwrap_or(&empty), "sanity-checks")?;
        Ok(SanityChecks {
            lease_checks: r.or("lease-checks", LeaseChecks::Warn)?,
            extended_info_checks: r.or("extended-info-checks", ExtendedInfoChecks::Fix)?,
        })
    }
}

/// `dhcp-ddns`: the connection to kea-dhcp-ddns (accepted and kept; D2 itself is separate).
#[derive(Clone, Debug, PartialEq)]
pub struct DhcpDdns {
    /// Send name change requests.
    pub enable_updates: bool,
    /// D2 address.
    pub server_ip: IpAddr,
    /// D2 port.
    pub server_port: u16,
    /// Local address for sending (unspecified = any).
    pub sender_ip: IpAddr,
    /// Local port (0 = any).
    pub sender_port: u16,
    /// Queue length for requests.
    pub max_queue_size: u32,
    /// `UDP` (only UDP works in Kea).
    pub ncr_protocol: String,
    /// `JSON`.
    pub ncr_format: String,
    /// Free-form user context.
    pub user_context: Option<Map>,
}

impl DhcpDdns {
    pub(crate) fn read(e: Option<&Element>, v6: bool) -> Result<Self, ConfigError> {
        let empty = Element::empty_map();
        let r = Reader::new(e.unwrap_or(&empty), "dhcp-ddns")?;
        let any: IpAddr = if v6 {
            IpAddr::V6(std::net::Ipv6Addr::UNSPECIFIED)
        } else {
            IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED)
        };
        Ok(DhcpDdns {
            enable_updates: r.or("enable-updates", false)?,
            server_ip: r.or("server-ip", IpAddr::V4(std::net::Ipv4Addr::LOCALHOST))?,
            server_port: r.or("server-port", 53001)?,
            sender_ip: r.or("sender-ip", any)?,
            sender_port: r.or("sender-port", 0)?,
            max_queue_size: r.or("max-queue-size", 1024)?,
            ncr_protocol: r
                .or("ncr-protocol", "UDP".to_string())?
                .to_ascii_uppercase(),
            ncr_format: r.or("ncr-format", "JSON".to_string())?,
            user_context: r.user_context(),
        })
    }
}

/// One basic-authentication client of an HTTP control socket.
#[derive(Clone, Debug, PartialEq)]
pub struct AuthClient {
    /// User name (or read from `user_file`).
    pub user: Option<String>,
    /// File holding the user name.
    pub user_file: Option<String>,
    /// Password (or read from `password_file`).
    pub password: Option<String>,
    /// File holding the password (or `user:password` when no user is given).
    pub password_file: Option<String>,
    /// Free-form user context.
    pub user_context: Option<Map>,
}

/// `authentication` of an HTTP control socket.
#[derive(Clone, Debug, PartialEq)]
pub struct Authentication {
    /// Always `basic`.
    pub auth_type: String,
    /// Realm in the `WWW-Authenticate` header.
    pub realm: String,
    /// Base directory for `user-file` / `password-file`.
    pub directory: Option<String>,
    /// Accepted clients.
    pub clients: Vec<AuthClient>,
    /// Free-form user context.
    pub user_context: Option<Map>,
}

/// One `http-headers` entry.
#[derive(Clone, Debug, PartialEq)]
pub struct HttpHeader {
    /// Header name.
    pub name: String,
    /// Header value.
    pub value: String,
    /// Free-form user context.
    pub user_context: Option<Map>,
}

/// A DHCP server control socket (`control-socket` or a `control-sockets` entry).
#[derive(Clone, Debug, PartialEq)]
pub struct ControlSocket {
    /// unix, http or https.
    pub socket_type: ControlSocketType,
    /// UNIX socket path (unix only).
    pub socket_name: Option<String>,
    /// Listen address (http/https; default 127.0.0.1, `::1` for kea-dhcp6).
    pub socket_address: Option<String>,
    /// Listen port (http/https; default 8000).
    pub socket_port: Option<u16>,
    /// TLS CA.
    pub trust_anchor: Option<String>,
    /// TLS server certificate.
    pub cert_file: Option<String>,
    /// TLS server key.
    pub key_file: Option<String>,
    /// Require client certificates (default true).
    pub cert_required: bool,
    /// Basic authentication.
    pub authentication: Option<Authentication>,
    /// Extra response headers.
    pub http_headers: Vec<HttpHeader>,
    /// Free-form user context.
    pub user_context: Option<Map>,
    /// Where the socket entry starts.
    pub pos: Position,
}

impl ControlSocket {
    pub(crate) fn read(
        e: &Element,
        ctx: &'static str,
        default_realm: &str,
    ) -> Result<Self, ConfigError> {
        let r = Reader::new(e, ctx)?;
        let socket_type: ControlSocketType = r.req("socket-type")?;
        let authentication = match r.get("authentication") {
            None => None,
            Some(a) => {
                let ar = Reader::new(a, "authentication")?;
                let clients = ar.list("clients", |c| {
                    let cr = Reader::new(c, "clients")?;
                    Ok(AuthClient {
                        user: cr.opt("user")?,
                        user_file: cr.opt("user-file")?,
                        password: cr.opt("password")?,
                        password_file: cr.opt("password-file")?,
                        user_context: cr.user_context(),
                    })
                })?;
                Some(Authentication {
                    auth_type: ar.req("type")?,
                    realm: ar.or("realm", default_realm.to_string())?,
                    directory: ar.opt("directory")?,
                    clients,
                    user_context: ar.user_context(),
                })
            }
        };
        let http_headers = r.list("http-headers", |h| {
            let hr = Reader::new(h, "http-headers")?;
            Ok(HttpHeader {
                name: hr.req("name")?,
                value: hr.req("value")?,
                user_context: hr.user_context(),
            })
        })?;
        let sock = ControlSocket {
            socket_type,
            socket_name: r.opt("socket-name")?,
            socket_address: r.opt("socket-address")?,
            socket_port: r.opt("socket-port")?,
            trust_anchor: r.opt("trust-anchor")?,
            cert_file: r.opt("cert-file")?,
            key_file: r.opt("key-file")?,
            cert_required: r.or("cert-required", true)?,
            authentication,
            http_headers,
            user_context: r.user_context(),
            pos: e.pos.clone(),
        };
        if sock.socket_type == ControlSocketType::Unix && sock.socket_name.is_none() {
            return Err(r.missing("socket-name"));
        }
        let tls = [&sock.trust_anchor, &sock.cert_file, &sock.key_file];
        let given = tls.iter().filter(|t| t.is_some()).count();
        if given != 0 && given != 3 {
            return Err(ConfigError::validation(
                Some(e.pos.clone()),
                "trust-anchor, cert-file and key-file must be all specified or none of them"
                    .to_string(),
            ));
        }
        if sock.socket_type == ControlSocketType::Https && given != 3 {
            return Err(ConfigError::validation(
                Some(e.pos.clone()),
                "https control socket requires trust-anchor, cert-file and key-file".to_string(),
            ));
        }
        Ok(sock)
    }
}

/// Reads `control-socket` and `control-sockets` into one list (at most one UNIX socket).
pub(crate) fn read_control_sockets(
    r: &Reader<'_>,
    default_realm: &str,
) -> Result<Vec<ControlSocket>, ConfigError> {
    let mut out = Vec::new();
    if let Some(e) = r.get("control-socket") {
        out.push(ControlSocket::read(e, "control-socket", default_realm)?);
    }
    out.extend(r.list("control-sockets", |e| {
        ControlSocket::read(e, "control-sockets", default_realm)
    })?);
    let unix: Vec<&ControlSocket> = out
        .iter()
        .filter(|s| s.socket_type == ControlSocketType::Unix)
        .collect();
    if unix.len() > 1 {
        return Err(ConfigError::validation(
            Some(unix[1].pos.clone()),
            "only one unix control socket can be configured".to_string(),
        ));
    }
    Ok(out)
}

/// One `output-options` entry of a logger.
#[derive(Clone, Debug, PartialEq)]
pub struct OutputOption {
    /// `stdout`, `stderr`, `syslog`, `syslog:name` or a file path.
    pub output: String,
    /// Flush after each message (default true).
    pub flush: bool,
    /// Rotate files at this size in bytes (default 10240000; 0 = never).
    pub maxsize: u64,
    /// Rotated files kept (default 1).
    pub maxver: u32,
    /// log4cplus-style pattern ("" = default).
    pub pattern: String,
}

/// One `loggers` entry.
#[derive(Clone, Debug, PartialEq)]
pub struct Logger {
    /// Logger name, e.g. `kea-dhcp4` or `kea-dhcp4.leases`.
    pub name: String,
    /// Minimum severity (default INFO).
    pub severity: Severity,
    /// Debug level 0..=99 (only with DEBUG).
    pub debuglevel: u8,
    /// Destinations (empty = stdout).
    pub output_options: Vec<OutputOption>,
    /// Free-form user context.
    pub user_context: Option<Map>,
    /// Where the logger starts.
    pub pos: Position,
}

impl Logger {
    pub(crate) fn read(e: &Element) -> Result<Self, ConfigError> {
        let r = Reader::new(e, "loggers")?;
        let output_options = r.list("output-options", |o| {
            let or = Reader::new(o, "output-options")?;
            Ok(OutputOption {
                output: or.or("output", "stdout".to_string())?,
                flush: or.or("flush", true)?,
                maxsize: or.or("maxsize", 10_240_000)?,
                maxver: or.or("maxver", 1)?,
                pattern: or.or("pattern", String::new())?,
            })
        })?;
        Ok(Logger {
            name: r.req("name")?,
            severity: r.or("severity", Severity::Info)?,
            debuglevel: r.or("debuglevel", 0)?,
            output_options,
            user_context: r.user_context(),
            pos: e.pos.clone(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn triplet_resolution() {
        let t = Triplet::resolve(Some(100), None, Some(200)).unwrap();
        assert_eq!(
            t,
            Triplet {
                default: 100,
                min: 100,
                max: 200
            }
        );
        assert_eq!(t.choose(Some(500)), 200);
        assert_eq!(t.choose(Some(50)), 100);
        assert_eq!(t.choose(None), 100);
        assert_eq!(Triplet::resolve(None, Some(5), Some(9)).unwrap().default, 5);
        assert!(Triplet::resolve(None, None, None).is_none());
    }

    #[test]
    fn inherit_prefers_own_values() {
        let own = DdnsParams {
            ttl: Some(5),
            ..Default::default()
        };
        let parent = DdnsParams {
            ttl: Some(9),
            send_updates: Some(true),
            ..Default::default()
        };
        let r = own.inherit(&parent);
        assert_eq!(r.ttl, Some(5));
        assert_eq!(r.send_updates, Some(true));
    }

    #[test]
    fn interface_specs() {
        let e = Element::string("eth0/192.0.2.1");
        assert_eq!(
            InterfaceSpec::from_el(&e, "interfaces").unwrap(),
            InterfaceSpec::Name {
                name: "eth0".into(),
                address: Some("192.0.2.1".parse().unwrap())
            }
        );
        assert_eq!(
            InterfaceSpec::from_el(&Element::string("*"), "i").unwrap(),
            InterfaceSpec::All
        );
        assert!(InterfaceSpec::from_el(&Element::string("eth0/x"), "i").is_err());
        assert!(InterfaceSpec::from_el(&Element::string(""), "i").is_err());
    }
}
