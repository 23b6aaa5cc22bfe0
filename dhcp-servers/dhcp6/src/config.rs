//! The `Dhcp6` configuration compiled for the packet path: kea-config's typed model
//! ([`kea_config::Dhcp6Config`]) with inheritance resolved, options encoded, pools turned
//! into dhcp-alloc pools and reservations indexed by identifier.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv6Addr};
use std::sync::Arc;

use dhcp_alloc::{PdPool, Pool6};
use ipnet::Ipv6Net;
use kea_config::{
    Allocator, Dhcp6Config, ExpiredLeasesProcessing, HostIdentifierType, InterfaceSpec,
    Reservation6, Triplet,
};

use crate::options::{OptionSet, ServerDefs};

/// Where the server learns a client's hardware address (`mac-sources`, ARM 10.11).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MacSource {
    /// From a DUID-LLT or DUID-LL.
    Duid,
    /// From the EUI-64 interface id of a link-local source (or relay peer) address.
    Ipv6LinkLocal,
    /// From the client link-layer address option (79) inserted by a relay.
    ClientLinkAddrOption,
    /// From the remote-id option (37) inserted by a relay (its bytes after the enterprise).
    RemoteId,
    /// From the subscriber-id option (38) inserted by a relay.
    SubscriberId,
}

impl MacSource {
    /// Parses one `mac-sources` entry; `any` expands to every supported source.
    pub fn parse_list(names: &[String]) -> Result<Vec<MacSource>, String> {
        use MacSource::*;
        let all = [
            Ipv6LinkLocal,
            ClientLinkAddrOption,
            RemoteId,
            SubscriberId,
            Duid,
        ];
        if names.is_empty() {
            return Ok(all.to_vec());
        }
        let mut out = Vec::new();
        for n in names {
            let add: &[MacSource] = match n.as_str() {
                "any" => &all,
                "duid" => &[Duid],
                "ipv6-link-local" => &[Ipv6LinkLocal],
                "client-link-addr-option" | "rfc6939" => &[ClientLinkAddrOption],
                "remote-id" | "rfc4649" => &[RemoteId],
                "subscriber-id" | "rfc4580" => &[SubscriberId],
                "raw" | "docsis-cmts" | "docsis-modem" => {
                    return Err(format!(
                        "mac-sources: '{n}' is not supported by this server (UDP sockets carry no link-layer header, DOCSIS options are not decoded)"
                    ));
                }
                other => return Err(format!("mac-sources: unknown source '{other}'")),
            };
            for s in add {
                if !out.contains(s) {
                    out.push(*s);
                }
            }
        }
        Ok(out)
    }
}

/// One host reservation, ready for lookups.
#[derive(Debug, Clone, PartialEq)]
pub struct Host {
    pub id_type: HostIdentifierType,
    pub id: Vec<u8>,
    pub addresses: Vec<Ipv6Addr>,
    pub prefixes: Vec<Ipv6Net>,
    pub hostname: Option<String>,
    pub classes: Vec<String>,
    pub options: OptionSet,
}

/// Reservations of one scope (a subnet or the global level), indexed by identifier.
#[derive(Debug, Clone, Default)]
pub struct HostTable {
    hosts: Vec<Arc<Host>>,
    by_id: HashMap<(u8, Vec<u8>), usize>,
    by_addr: HashMap<Ipv6Addr, usize>,
    by_prefix: HashMap<(Ipv6Addr, u8), usize>,
}

fn id_key(t: HostIdentifierType) -> u8 {
    match t {
        HostIdentifierType::HwAddress => 0,
        HostIdentifierType::Duid => 1,
        HostIdentifierType::CircuitId => 2,
        HostIdentifierType::ClientId => 3,
        HostIdentifierType::FlexId => 4,
    }
}

impl HostTable {
    fn build(list: &[Reservation6], defs: &ServerDefs, scope: &str) -> Result<Self, String> {
        let mut t = HostTable::default();
        for r in list {
            let options = OptionSet::compile(&r.option_data, defs)
                .map_err(|e| format!("{scope}: reservation: {e}"))?;
            let h = Host {
                id_type: r.identifier.kind,
                id: r.identifier.value.clone(),
                addresses: r.ip_addresses.clone(),
                prefixes: r.prefixes.clone(),
                hostname: r.hostname.clone(),
                classes: r.client_classes.clone(),
                options,
            };
            let i = t.hosts.len();
            let key = (id_key(h.id_type), h.id.clone());
            if t.by_id.insert(key, i).is_some() {
                return Err(format!(
                    "{scope}: more than one reservation for the {} identifier {}",
                    h.id_type,
                    dhcp_lease::hex_text(&h.id)
                ));
            }
            for a in &h.addresses {
                if t.by_addr.insert(*a, i).is_some() {
                    return Err(format!(
                        "{scope}: address {a} is reserved for more than one host"
                    ));
                }
            }
            for p in &h.prefixes {
                if t.by_prefix
                    .insert((p.network(), p.prefix_len()), i)
                    .is_some()
                {
                    return Err(format!(
                        "{scope}: prefix {p} is reserved for more than one host"
                    ));
                }
            }
            t.hosts.push(Arc::new(h));
        }
        Ok(t)
    }

    /// The reservation for an identifier.
    pub fn get(&self, t: HostIdentifierType, id: &[u8]) -> Option<&Arc<Host>> {
        // Small allocation only when there are reservations of this type at all.
        if self.hosts.is_empty() {
            return None;
        }
        self.by_id
            .get(&(id_key(t), id.to_vec()))
            .and_then(|&i| self.hosts.get(i))
    }

    /// The host an address is reserved for.
    pub fn by_addr(&self, a: Ipv6Addr) -> Option<&Arc<Host>> {
        self.by_addr.get(&a).and_then(|&i| self.hosts.get(i))
    }

    /// The host a prefix is reserved for.
    pub fn by_prefix(&self, p: Ipv6Addr, len: u8) -> Option<&Arc<Host>> {
        self.by_prefix
            .get(&(p, len))
            .and_then(|&i| self.hosts.get(i))
    }

    pub fn is_empty(&self) -> bool {
        self.hosts.is_empty()
    }

    pub fn len(&self) -> usize {
        self.hosts.len()
    }
}

/// An address pool with its options and class restrictions.
#[derive(Debug, Clone)]
pub struct AddrPool {
    pub pool: Pool6,
    pub options: OptionSet,
    /// `client-classes`: the pool serves members of any of these (empty: everyone).
    pub classes: Vec<String>,
    /// `evaluate-additional-classes`.
    pub additional_classes: Vec<String>,
}

/// A prefix delegation pool with its options and class restrictions.
#[derive(Debug, Clone)]
pub struct PrefixPool {
    pub pool: PdPool,
    pub options: OptionSet,
    pub classes: Vec<String>,
    pub additional_classes: Vec<String>,
}

/// A `client-classes` entry compiled for the packet path.
#[derive(Debug, Clone)]
pub struct ClientClass {
    /// Shared with the per-packet class sets (no copy when a packet joins the class).
    pub name: Arc<str>,
    /// The compiled `test` (none: membership only through reservations or additional
    /// evaluation).
    pub test: Option<dhcp_classify::Expr>,
    /// The compiled `template-test`: its value spawns `SPAWN_<name>_<value>`.
    pub template: Option<dhcp_classify::StringExpr>,
    /// `only-in-additional-list` (Kea 2's `only-if-required`).
    pub additional_only: bool,
    /// The test reads KNOWN/UNKNOWN, directly or through another class: it is evaluated
    /// after the reservation lookup.
    pub depends_on_known: bool,
    pub options: OptionSet,
    /// `valid-lifetime` (with `min-`/`max-`) for members: wins over the subnet's.
    pub valid: Option<Triplet>,
    /// `preferred-lifetime` (with `min-`/`max-`) for members.
    pub preferred: Option<Triplet>,
}

/// A subnet with every inherited parameter resolved.
#[derive(Debug, Clone)]
pub struct Subnet {
    pub id: u32,
    pub prefix: Ipv6Net,
    pub pools: Vec<AddrPool>,
    pub pd_pools: Vec<PrefixPool>,
    pub valid: Triplet,
    pub preferred: Triplet,
    pub renew_timer: Option<u32>,
    pub rebind_timer: Option<u32>,
    pub calculate_tee_times: bool,
    pub t1_percent: f64,
    pub t2_percent: f64,
    pub rapid_commit: bool,
    pub interface: Option<String>,
    pub interface_id: Option<Vec<u8>>,
    pub relay: Vec<Ipv6Addr>,
    pub allocator: Allocator,
    pub pd_allocator: Allocator,
    pub reservations_in_subnet: bool,
    pub reservations_global: bool,
    pub reservations_out_of_pool: bool,
    pub options: OptionSet,
    /// `client-classes` guard of the subnet.
    pub classes: Vec<String>,
    /// `evaluate-additional-classes`.
    pub additional_classes: Vec<String>,
    /// `ddns-qualifying-suffix` for partial client FQDNs ("" = root).
    pub qualifying_suffix: String,
    /// Index into [`ServerConfig::networks`].
    pub network: Option<usize>,
    pub hosts: HostTable,
}

impl Subnet {
    /// Addresses in the pools (`total-nas`), saturating.
    pub fn total_nas(&self) -> u128 {
        self.pools
            .iter()
            .fold(0u128, |a, p| a.saturating_add(p.pool.capacity()))
    }

    /// Prefixes in the pd-pools (`total-pds`), saturating.
    pub fn total_pds(&self) -> u128 {
        self.pd_pools
            .iter()
            .fold(0u128, |a, p| a.saturating_add(p.pool.capacity()))
    }

    /// The address pool holding `a`.
    pub fn pool_of(&self, a: Ipv6Addr) -> Option<usize> {
        self.pools.iter().position(|p| p.pool.contains(a))
    }

    /// The pd-pool holding the delegated prefix `p/len`.
    pub fn pd_pool_of(&self, p: Ipv6Addr, len: u8) -> Option<usize> {
        self.pd_pools
            .iter()
            .position(|x| x.pool.delegated_len() == len && x.pool.contains(p))
    }

    /// T1 and T2 for a lease with valid lifetime `valid`, as Kea computes them: configured
    /// timers win; otherwise, with `calculate-tee-times`, percentages of the preferred
    /// lifetime (RFC 8415 recommends 0.5 and 0.8).
    pub fn tee_times(&self, preferred: u32) -> (u32, u32) {
        let pct = |p: f64| ((f64::from(preferred)) * p) as u32;
        let t1 = self.renew_timer.or_else(|| {
            (self.calculate_tee_times && preferred != u32::MAX).then(|| pct(self.t1_percent))
        });
        let t2 = self.rebind_timer.or_else(|| {
            (self.calculate_tee_times && preferred != u32::MAX).then(|| pct(self.t2_percent))
        });
        let t2 = t2.unwrap_or(0);
        let t1 = t1.unwrap_or(0);
        // T1 must not exceed T2 (RFC 8415 §21.4); Kea then sends T1 = 0.
        if t2 > 0 && t1 > t2 { (0, t2) } else { (t1, t2) }
    }
}

/// A shared network: its subnets (indexes into [`ServerConfig::subnets`]) and options.
#[derive(Debug, Clone)]
pub struct Network {
    pub name: String,
    pub subnets: Vec<usize>,
    pub options: OptionSet,
    /// `client-classes` guard of the network.
    pub classes: Vec<String>,
    /// `evaluate-additional-classes`.
    pub additional_classes: Vec<String>,
}

/// The whole server configuration for the packet path.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    pub model: Arc<Dhcp6Config>,
    pub subnets: Vec<Subnet>,
    pub networks: Vec<Network>,
    pub options: OptionSet,
    pub global_hosts: HostTable,
    /// `client-classes`, in configuration order.
    pub classes: Vec<ClientClass>,
    /// Some class has a `test`: per-packet evaluation is needed at all.
    pub has_class_tests: bool,
    pub host_ids: Vec<HostIdentifierType>,
    pub mac_sources: Vec<MacSource>,
    pub interfaces: Vec<InterfaceSpec>,
    pub expired: ExpiredLeasesProcessing,
    pub decline_probation_period: u32,
    pub defs: ServerDefs,
    subnet_by_id: HashMap<u32, usize>,
    hash: dhcpsrv::config_hash::ConfigHashCache,
}

fn relay_v6(list: &[IpAddr]) -> Vec<Ipv6Addr> {
    list.iter()
        .filter_map(|a| match a {
            IpAddr::V6(v) => Some(*v),
            IpAddr::V4(_) => None,
        })
        .collect()
}

/// `interface-id` text as bytes (Kea compares the raw option value with the configured
/// string).
fn interface_id_bytes(s: &str) -> Vec<u8> {
    s.as_bytes().to_vec()
}

/// Compiles `client-classes` in order: a test may only name classes defined before it
/// (or built-in ones), as in Kea. Errors carry the class position and Kea's expression
/// message.
fn compile_classes(
    list: &[kea_config::ClientClass],
    defs: &ServerDefs,
) -> Result<Vec<ClientClass>, String> {
    let mut out: Vec<ClientClass> = Vec::with_capacity(list.len());
    for c in list {
        if out.iter().any(|x| *x.name == *c.name) {
            return Err(format!("{}: duplicate client class '{}'", c.pos, c.name));
        }
        let code = |n: &str| defs.code_of("dhcp6", n);
        let defined = |n: &str| out.iter().any(|x| &*x.name == n);
        let env = dhcp_classify::ParseEnv {
            family: dhcp_classify::Family::V6,
            option_code: &code,
            class_defined: &defined,
        };
        let nonempty = |t: &Option<String>| t.as_deref().is_some_and(|t| !t.trim().is_empty());
        if nonempty(&c.test) && nonempty(&c.template_test) {
            return Err(format!(
                "{}: client class '{}' has both 'test' and 'template-test'",
                c.pos, c.name
            ));
        }
        let template = match c.template_test.as_deref() {
            Some(t) if !t.trim().is_empty() => Some(
                dhcp_classify::StringExpr::parse(t, &env)
                    .map_err(|e| format!("{e} at ({})", c.pos))?,
            ),
            _ => None,
        };
        let test = match c.test.as_deref() {
            Some(t) if !t.trim().is_empty() => Some(
                dhcp_classify::Expr::parse(t, &env).map_err(|e| format!("{e} at ({})", c.pos))?,
            ),
            _ => None,
        };
        let late = |dep: &str| out.iter().any(|x| &*x.name == dep && x.depends_on_known);
        let depends_on_known = test.as_ref().is_some_and(|t| t.depends_on_known(late))
            || template.as_ref().is_some_and(|t| t.depends_on_known(late));
        let triplet = |d: Option<u32>, min: Option<u32>, max: Option<u32>| {
            d.map(|d| Triplet {
                default: d,
                min: min.unwrap_or(d),
                max: max.unwrap_or(d),
            })
        };
        out.push(ClientClass {
            valid: triplet(c.valid_lifetime, c.min_valid_lifetime, c.max_valid_lifetime),
            preferred: triplet(
                c.preferred_lifetime,
                c.min_preferred_lifetime,
                c.max_preferred_lifetime,
            ),
            name: Arc::from(c.name.as_str()),
            test,
            template,
            additional_only: c.only_in_additional_list,
            depends_on_known,
            options: OptionSet::compile(&c.option_data, defs)
                .map_err(|e| format!("client class '{}': {e}", c.name))?,
        });
    }
    Ok(out)
}

impl ServerConfig {
    /// The class definition called `name`.
    pub fn class(&self, name: &str) -> Option<&ClientClass> {
        self.classes.iter().find(|c| &*c.name == name)
    }

    /// The valid and preferred lifetime triplets for a client in `classes` served from
    /// `subnet`: the first of its classes (in the order it joined them) that sets one
    /// wins over the subnet's, as in Kea.
    pub fn lifetimes(
        &self,
        subnet: &Subnet,
        classes: &dhcp_classify::ClassSet,
    ) -> (Triplet, Triplet) {
        let mut valid = None;
        let mut preferred = None;
        if self
            .classes
            .iter()
            .any(|c| c.valid.is_some() || c.preferred.is_some())
        {
            for d in classes.iter().filter_map(|n| self.class(n)) {
                valid = valid.or(d.valid);
                preferred = preferred.or(d.preferred);
            }
        }
        (
            valid.unwrap_or(subnet.valid),
            preferred.unwrap_or(subnet.preferred),
        )
    }

    /// Compiles the typed model. Errors name the subnet or scope at fault.
    pub fn compile(model: Arc<Dhcp6Config>) -> Result<ServerConfig, String> {
        let defs = ServerDefs::build(&model.option_def)?;
        let options = OptionSet::compile(&model.option_data, &defs)
            .map_err(|e| format!("global option-data: {e}"))?;
        let mut networks: Vec<Network> = Vec::new();
        for n in &model.shared_networks {
            networks.push(Network {
                name: n.name.clone(),
                subnets: Vec::new(),
                options: OptionSet::compile(&n.option_data, &defs)
                    .map_err(|e| format!("shared network {}: {e}", n.name))?,
                classes: n.client_classes.clone(),
                additional_classes: n.evaluate_additional_classes.clone(),
            });
        }
        let mut subnets = Vec::with_capacity(model.subnets.len());
        let mut subnet_by_id = HashMap::new();
        for s in &model.subnets {
            let scope = format!("subnet {} ({})", s.id, s.subnet);
            let p = model.effective_params(s);
            let valid = p.valid_lifetime_triplet().unwrap_or(Triplet {
                default: 7200,
                min: 7200,
                max: 7200,
            });
            let preferred = p.preferred_lifetime_triplet().unwrap_or(Triplet {
                default: 3600,
                min: 3600,
                max: 3600,
            });
            let mut pools = Vec::new();
            for pl in &s.pools {
                let pool = Pool6::new(pl.first, pl.last).map_err(|e| format!("{scope}: {e}"))?;
                if !s.subnet.contains(&pl.first) || !s.subnet.contains(&pl.last) {
                    return Err(format!(
                        "{scope}: pool {}-{} is outside the subnet",
                        pl.first, pl.last
                    ));
                }
                pools.push(AddrPool {
                    pool,
                    options: OptionSet::compile(&pl.option_data, &defs)
                        .map_err(|e| format!("{scope}: pool: {e}"))?,
                    classes: pl.client_classes.clone(),
                    additional_classes: pl.evaluate_additional_classes.clone(),
                });
            }
            let mut pd_pools = Vec::new();
            for pp in &s.pd_pools {
                let excluded = pp.excluded_prefix.map(|x| (x.network(), x.prefix_len()));
                let pool = PdPool::new(
                    pp.prefix.network(),
                    pp.prefix.prefix_len(),
                    pp.delegated_len,
                    excluded,
                )
                .map_err(|e| format!("{scope}: {e}"))?;
                pd_pools.push(PrefixPool {
                    pool,
                    options: OptionSet::compile(&pp.option_data, &defs)
                        .map_err(|e| format!("{scope}: pd-pool: {e}"))?,
                    classes: pp.client_classes.clone(),
                    additional_classes: pp.evaluate_additional_classes.clone(),
                });
            }
            let network = match &s.shared_network {
                Some(n) => {
                    let i = networks
                        .iter()
                        .position(|x| &x.name == n)
                        .ok_or_else(|| format!("{scope}: shared network '{n}' is not defined"))?;
                    networks[i].subnets.push(subnets.len());
                    Some(i)
                }
                None => None,
            };
            let hosts = HostTable::build(&s.reservations, &defs, &scope)?;
            if subnet_by_id.insert(s.id, subnets.len()).is_some() {
                return Err(format!(
                    "subnet with the prefix of {} already exists",
                    s.subnet
                ));
            }
            subnets.push(Subnet {
                id: s.id,
                prefix: s.subnet,
                pools,
                pd_pools,
                valid,
                preferred,
                renew_timer: p.renew_timer,
                rebind_timer: p.rebind_timer,
                calculate_tee_times: p.calculate_tee_times.unwrap_or(true),
                t1_percent: p.t1_percent.unwrap_or(0.5),
                t2_percent: p.t2_percent.unwrap_or(0.8),
                rapid_commit: p.rapid_commit.unwrap_or(false),
                interface: p.interface.clone(),
                interface_id: p.interface_id.as_deref().map(interface_id_bytes),
                relay: p
                    .relay
                    .as_ref()
                    .map(|r| relay_v6(&r.ip_addresses))
                    .unwrap_or_default(),
                allocator: p.allocator.unwrap_or(Allocator::Iterative),
                pd_allocator: p.pd_allocator.unwrap_or(Allocator::Iterative),
                reservations_in_subnet: p.reservations_in_subnet.unwrap_or(true),
                reservations_global: p.reservations_global.unwrap_or(false),
                reservations_out_of_pool: p.reservations_out_of_pool.unwrap_or(false),
                options: OptionSet::compile(&s.option_data, &defs)
                    .map_err(|e| format!("{scope}: {e}"))?,
                classes: s.client_classes.clone(),
                additional_classes: s.evaluate_additional_classes.clone(),
                qualifying_suffix: model
                    .effective_ddns(s, None)
                    .qualifying_suffix
                    .unwrap_or_default()
                    .trim_matches('.')
                    .to_ascii_lowercase(),
                network,
                hosts,
            });
        }
        let classes = compile_classes(&model.client_classes, &defs)?;
        let has_class_tests = classes
            .iter()
            .any(|c| c.test.is_some() || c.template.is_some());
        let global_hosts = HostTable::build(&model.reservations, &defs, "global reservations")?;
        let mac_sources = MacSource::parse_list(&model.mac_sources)?;
        Ok(ServerConfig {
            subnets,
            networks,
            options,
            global_hosts,
            classes,
            has_class_tests,
            host_ids: model.host_reservation_identifiers.clone(),
            mac_sources,
            interfaces: model.interfaces_config.interfaces.clone(),
            expired: model.expired_leases_processing.clone(),
            decline_probation_period: model.decline_probation_period,
            defs,
            subnet_by_id,
            model,
            hash: Default::default(),
        })
    }

    /// The subnet with this id.
    pub fn subnet_by_id(&self, id: u32) -> Option<&Subnet> {
        self.subnet_by_id.get(&id).map(|&i| &self.subnets[i])
    }

    /// Index of the subnet with this id.
    pub fn subnet_index(&self, id: u32) -> Option<usize> {
        self.subnet_by_id.get(&id).copied()
    }

    /// The subnets a client selected into `i` may get leases from: the whole shared
    /// network (selected subnet first) or the subnet alone.
    pub fn candidates(&self, i: usize) -> impl Iterator<Item = usize> + '_ {
        let net = self.subnets[i].network.map(|n| &self.networks[n].subnets);
        std::iter::once(i).chain(
            net.into_iter()
                .flat_map(|v| v.iter().copied())
                .filter(move |&j| j != i),
        )
    }

    /// config-get: `{"Dhcp6": {...}}` as Kea prints it.
    pub fn model_json(&self) -> serde_json::Value {
        self.model.to_element().to_json()
    }

    /// config-hash-get.
    pub fn hash(&self) -> String {
        self.hash.get_or_compute(|| self.model.config_hash())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn compile(text: &str) -> Result<ServerConfig, String> {
        let m = Dhcp6Config::from_text(text, "<test>")
            .map_err(|e| e.to_string())?
            .config;
        ServerConfig::compile(Arc::new(m))
    }

    #[test]
    fn compiles_subnets_pools_and_inheritance() {
        let c = compile(
            r#"{"Dhcp6": {"preferred-lifetime": 3000, "valid-lifetime": 4000,
                "renew-timer": 1000, "rebind-timer": 2000,
                "shared-networks": [{"name": "net", "interface": "srv0", "rapid-commit": true,
                   "subnet6": [{"id": 1, "subnet": "2001:db8:1::/64",
                       "pools": [{"pool": "2001:db8:1::100-2001:db8:1::1ff"}],
                       "pd-pools": [{"prefix": "3000::", "prefix-len": 48, "delegated-len": 56}]}]}],
                "subnet6": [{"id": 2, "subnet": "2001:db8:2::/64", "relay": {"ip-addresses": ["2001:db8:2::ff"]},
                    "interface-id": "port1", "valid-lifetime": 500, "min-valid-lifetime": 100,
                    "pools": [{"pool": "2001:db8:2::/120"}]}]}}"#,
        )
        .unwrap();
        let s1 = c.subnet_by_id(1).unwrap();
        assert_eq!(s1.interface.as_deref(), Some("srv0"));
        assert!(s1.rapid_commit);
        assert_eq!(s1.total_nas(), 256);
        assert_eq!(s1.total_pds(), 256);
        assert_eq!(s1.preferred.default, 3000);
        assert_eq!(s1.tee_times(3000), (1000, 2000));
        let s2 = c.subnet_by_id(2).unwrap();
        assert_eq!(s2.valid.default, 500);
        assert_eq!(s2.valid.min, 100);
        assert_eq!(
            s2.relay,
            vec!["2001:db8:2::ff".parse::<Ipv6Addr>().unwrap()]
        );
        assert_eq!(s2.interface_id.as_deref(), Some(&b"port1"[..]));
        assert_eq!(c.candidates(0).collect::<Vec<_>>(), vec![0]);
    }

    #[test]
    fn tee_times_calculated_from_preferred() {
        let c =
            compile(r#"{"Dhcp6": {"subnet6": [{"id": 1, "subnet": "2001:db8:1::/64"}]}}"#).unwrap();
        let s = c.subnet_by_id(1).unwrap();
        assert_eq!(s.tee_times(1000), (500, 800));
        assert_eq!(s.tee_times(u32::MAX), (0, 0));
    }

    #[test]
    fn duplicate_reservations_are_errors() {
        let e = compile(
            r#"{"Dhcp6": {"subnet6": [{"id": 1, "subnet": "2001:db8:1::/64", "reservations": [
                {"duid": "01:02:03", "ip-addresses": ["2001:db8:1::5"]},
                {"duid": "01:02:04", "ip-addresses": ["2001:db8:1::5"]}]}]}}"#,
        )
        .unwrap_err();
        assert!(e.contains("reserved"), "{e}");
    }

    #[test]
    fn class_tests_compile_in_order() {
        let c = compile(
            r#"{"Dhcp6": {"client-classes": [
                {"name": "voip", "test": "option[16].exists",
                 "option-data": [{"name": "dns-servers", "data": "2001:db8::53"}]},
                {"name": "late", "test": "member('voip') and member('KNOWN')"},
                {"name": "later", "test": "member('late')"},
                {"name": "extra", "only-in-additional-list": true, "test": "member('ALL')"}]}}"#,
        )
        .unwrap();
        assert!(c.has_class_tests);
        assert!(!c.class("voip").unwrap().depends_on_known);
        assert!(c.class("late").unwrap().depends_on_known);
        assert!(c.class("later").unwrap().depends_on_known);
        assert!(c.class("extra").unwrap().additional_only);
        assert_eq!(c.class("voip").unwrap().options.items.len(), 1);
        assert!(
            !compile(r#"{"Dhcp6": {"client-classes": [{"name": "gold"}]}}"#)
                .unwrap()
                .has_class_tests
        );
    }

    #[test]
    fn bad_class_tests_are_config_errors() {
        for (test, want) in [
            ("member('later')", "Not defined client class 'later'"),
            ("pkt4.mac == 0x01", "pkt4 can only be used in DHCPv4."),
            ("option[16].hex ==", "syntax error, unexpected end of file"),
        ] {
            let text = format!(
                r#"{{"Dhcp6": {{"client-classes": [{{"name": "a", "test": "{test}"}},
                    {{"name": "later"}}]}}}}"#
            );
            let e = compile(&text).unwrap_err();
            assert!(e.contains(want), "{test}: {e}");
            assert!(e.contains(&format!("expression: [{test}]")), "{e}");
        }
        let e = compile(
            r#"{"Dhcp6": {"client-classes": [
                {"name": "t", "test": "'a' == 'a'", "template-test": "'a'"}]}}"#,
        )
        .unwrap_err();
        assert!(e.contains("both 'test' and 'template-test'"), "{e}");
        let c = compile(
            r#"{"Dhcp6": {"client-classes": [{"name": "t", "template-test": "pkt.iface"}]}}"#,
        )
        .unwrap();
        assert!(c.has_class_tests && c.class("t").unwrap().template.is_some());
    }

    #[test]
    fn mac_sources() {
        assert_eq!(
            MacSource::parse_list(&["duid".into(), "rfc6939".into()]).unwrap(),
            vec![MacSource::Duid, MacSource::ClientLinkAddrOption]
        );
        assert!(MacSource::parse_list(&["raw".into()]).is_err());
        assert!(MacSource::parse_list(&["bogus".into()]).is_err());
        assert_eq!(MacSource::parse_list(&[]).unwrap().len(), 5);
    }
}
