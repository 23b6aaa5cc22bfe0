//! Subnet selection (ARM §9.6, Kea's CfgSubnets4::selectSubnet).
//!
//! 1. An address from the relay's link-selection sub-option (82/5) or else the
//!    subnet-selection option (118) picks the subnet containing it.
//! 2. A relayed query (giaddr) first matches subnets or shared networks listing giaddr in
//!    `relay.ip-addresses`, then the subnet containing giaddr.
//! 3. A direct query uses ciaddr (renewing), else its source address when it was unicast,
//!    else the interface: a subnet (or shared network) with a matching `interface`, then the
//!    subnet containing the interface's address.
//!
//! Every match also requires the client's classes to be allowed in the subnet.

use std::net::Ipv4Addr;

use dhcp_packet::Pkt4;

use crate::classify::ClassSet;
use crate::config::ServerConfig;
use crate::socket::RecvMeta;

/// Inputs of subnet selection, extracted once from the query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selector<'a> {
    pub option_select: Option<Ipv4Addr>,
    pub giaddr: Ipv4Addr,
    pub ciaddr: Ipv4Addr,
    pub remote: Ipv4Addr,
    pub local: Ipv4Addr,
    pub iface: &'a str,
    pub iface_addr: Ipv4Addr,
}

impl<'a> Selector<'a> {
    /// `ignore_link_selection` is `compatibility.ignore-rai-link-selection`.
    pub fn from_query(q: &Pkt4, meta: &'a RecvMeta, ignore_link_selection: bool) -> Self {
        let link_select = q
            .relay_agent_info()
            .and_then(Result::ok)
            .and_then(|r| r.link_selection())
            .filter(|_| !ignore_link_selection);
        Selector {
            option_select: link_select.or_else(|| q.subnet_selection()),
            giaddr: q.giaddr,
            ciaddr: q.ciaddr,
            remote: meta.remote_addr,
            local: meta.local_addr,
            iface: &meta.iface,
            iface_addr: meta.server_addr,
        }
    }
}

fn allowed(cfg: &ServerConfig, i: usize, classes: &ClassSet) -> bool {
    let s = &cfg.subnets[i];
    if !classes.allows(&s.client_classes) {
        return false;
    }
    match s.network {
        Some(n) => classes.allows(&cfg.networks[n].client_classes),
        None => true,
    }
}

fn by_address(cfg: &ServerConfig, a: Ipv4Addr, classes: &ClassSet) -> Option<usize> {
    (0..cfg.subnets.len()).find(|&i| cfg.subnets[i].prefix.contains(a) && allowed(cfg, i, classes))
}

/// Selects a subnet index for the query.
pub fn select_subnet(cfg: &ServerConfig, sel: &Selector<'_>, classes: &ClassSet) -> Option<usize> {
    if let Some(a) = sel.option_select {
        return by_address(cfg, a, classes);
    }
    let address;
    if !sel.giaddr.is_unspecified() {
        for (i, s) in cfg.subnets.iter().enumerate() {
            let net_match = s
                .network
                .is_some_and(|n| cfg.networks[n].relay_addrs.contains(&sel.giaddr));
            if (net_match || s.relay_addrs.contains(&sel.giaddr)) && allowed(cfg, i, classes) {
                return Some(i);
            }
        }
        address = sel.giaddr;
    } else if !sel.ciaddr.is_unspecified() && !sel.local.is_broadcast() {
        address = sel.ciaddr;
    } else if !sel.remote.is_unspecified() && !sel.local.is_broadcast() {
        address = sel.remote;
    } else {
        for (i, s) in cfg.subnets.iter().enumerate() {
            let iface = s
                .interface
                .as_deref()
                .or_else(|| s.network.and_then(|n| cfg.networks[n].interface.as_deref()));
            if iface == Some(sel.iface) && allowed(cfg, i, classes) {
                return Some(i);
            }
        }
        address = sel.iface_addr;
    }
    if address.is_unspecified() {
        return None;
    }
    by_address(cfg, address, classes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg() -> ServerConfig {
        let e = kea_config::parse_str(
            r#"{"Dhcp4": {
            "subnet4": [
              {"id": 1, "subnet": "192.0.2.0/24"},
              {"id": 2, "subnet": "10.0.0.0/24", "relay": {"ip-addresses": ["192.0.2.2"]}},
              {"id": 3, "subnet": "172.16.0.0/24", "interface": "eth1"},
              {"id": 4, "subnet": "198.51.100.0/24", "client-classes": ["gold"]}
            ],
            "shared-networks": [{"name": "n", "relay": {"ip-addresses": ["203.0.113.1"]},
                 "subnet4": [{"id": 5, "subnet": "100.64.0.0/24"}]}]
        }}"#,
            "t",
        )
        .unwrap();
        ServerConfig::from_element(&e).unwrap()
    }

    fn sel(iface: &str) -> Selector<'_> {
        Selector {
            option_select: None,
            giaddr: Ipv4Addr::UNSPECIFIED,
            ciaddr: Ipv4Addr::UNSPECIFIED,
            remote: Ipv4Addr::UNSPECIFIED,
            local: Ipv4Addr::BROADCAST,
            iface,
            iface_addr: Ipv4Addr::new(192, 0, 2, 1),
        }
    }

    fn id(c: &ServerConfig, i: Option<usize>) -> Option<u32> {
        i.map(|i| c.subnets[i].id)
    }

    #[test]
    fn selection_rules() {
        let c = cfg();
        let none = ClassSet::default();
        // Direct: interface address.
        assert_eq!(id(&c, select_subnet(&c, &sel("eth0"), &none)), Some(1));
        // Direct: interface name match.
        assert_eq!(id(&c, select_subnet(&c, &sel("eth1"), &none)), Some(3));
        // Relayed: relay address match beats giaddr-in-subnet.
        let mut s = sel("eth0");
        s.giaddr = Ipv4Addr::new(192, 0, 2, 2);
        assert_eq!(id(&c, select_subnet(&c, &s, &none)), Some(2));
        s.giaddr = Ipv4Addr::new(192, 0, 2, 3);
        assert_eq!(id(&c, select_subnet(&c, &s, &none)), Some(1));
        s.giaddr = Ipv4Addr::new(203, 0, 113, 1);
        assert_eq!(id(&c, select_subnet(&c, &s, &none)), Some(5));
        // Renewing: ciaddr.
        let mut s = sel("eth0");
        s.ciaddr = Ipv4Addr::new(10, 0, 0, 9);
        s.local = Ipv4Addr::new(192, 0, 2, 1);
        assert_eq!(id(&c, select_subnet(&c, &s, &none)), Some(2));
        // Subnet selection option wins; classes guard subnet 4.
        let mut s = sel("eth0");
        s.option_select = Some(Ipv4Addr::new(198, 51, 100, 7));
        assert_eq!(select_subnet(&c, &s, &none), None);
        let mut gold = ClassSet::default();
        gold.insert("gold");
        assert_eq!(id(&c, select_subnet(&c, &s, &gold)), Some(4));
        // Nothing matches.
        let mut s = sel("eth9");
        s.iface_addr = Ipv4Addr::new(8, 8, 8, 8);
        assert_eq!(select_subnet(&c, &s, &none), None);
    }
}
