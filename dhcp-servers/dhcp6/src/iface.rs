//! The server's interfaces: discovery comes from `dhcpsrv::iface` (names, indexes,
//! flags, hardware and IPv6 addresses); this module resolves `interfaces-config.interfaces` (`*`, `eth0`, `eth0/2001:db8::1` for a
//! unicast address).

use std::net::{IpAddr, Ipv6Addr};

use dhcpsrv::iface::Interface;
use kea_config::InterfaceSpec;

pub use dhcpsrv::iface::{Interface6, discover6 as discover, is_link_local};

/// An interface the server listens on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listen6 {
    pub iface: Interface,
    /// Source of replies to directly connected clients.
    pub link_local: Option<Ipv6Addr>,
    /// `eth0/<addr>`: the server also accepts unicast there and advertises it (option 12).
    pub unicast: Option<Ipv6Addr>,
}

/// Resolves configured entries against the discovered interfaces.
pub fn resolve(specs: &[InterfaceSpec], ifaces: &[Interface6]) -> Result<Vec<Listen6>, String> {
    let mut out: Vec<Listen6> = Vec::new();
    let mut push = |l: Listen6| match out.iter_mut().find(|o| o.iface.index == l.iface.index) {
        Some(o) => {
            if l.unicast.is_some() {
                o.unicast = l.unicast;
            }
        }
        None => out.push(l),
    };
    for spec in specs {
        match spec {
            InterfaceSpec::All => {
                for i in ifaces.iter().filter(|i| i.iface.up && !i.iface.loopback) {
                    push(Listen6 {
                        iface: i.iface.clone(),
                        link_local: i.link_local(),
                        unicast: None,
                    });
                }
            }
            InterfaceSpec::Name { name, address } => {
                let i = ifaces
                    .iter()
                    .find(|i| &i.iface.name == name)
                    .ok_or_else(|| format!("interface '{name}' not found"))?;
                let unicast = match address {
                    None => None,
                    Some(IpAddr::V6(a)) if i.addrs.contains(a) => Some(*a),
                    Some(IpAddr::V6(a)) => {
                        return Err(format!("interface '{name}' has no address {a}"));
                    }
                    Some(IpAddr::V4(a)) => {
                        return Err(format!(
                            "'{name}/{a}': an IPv4 address cannot be used by the DHCPv6 server"
                        ));
                    }
                };
                push(Listen6 {
                    iface: i.iface.clone(),
                    link_local: i.link_local(),
                    unicast,
                });
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Vec<Interface6> {
        vec![Interface6 {
            iface: Interface {
                name: "eth0".into(),
                index: 2,
                mac: [2, 0, 0, 0, 0, 1],
                up: true,
                loopback: false,
                addrs: vec![],
            },
            addrs: vec!["2001:db8::1".parse().unwrap(), "fe80::1".parse().unwrap()],
        }]
    }

    #[test]
    fn resolves_names_and_unicast() {
        let l = resolve(
            &[InterfaceSpec::Name {
                name: "eth0".into(),
                address: Some("2001:db8::1".parse().unwrap()),
            }],
            &sample(),
        )
        .unwrap();
        assert_eq!(l[0].link_local, Some("fe80::1".parse().unwrap()));
        assert_eq!(l[0].unicast, Some("2001:db8::1".parse().unwrap()));
        assert!(
            resolve(
                &[InterfaceSpec::Name {
                    name: "eth0".into(),
                    address: Some("2001:db8::9".parse().unwrap())
                }],
                &sample()
            )
            .is_err()
        );
        assert!(
            resolve(
                &[InterfaceSpec::Name {
                    name: "x".into(),
                    address: None
                }],
                &sample()
            )
            .is_err()
        );
        assert_eq!(resolve(&[InterfaceSpec::All], &sample()).unwrap().len(), 1);
    }

    #[test]
    fn discovers_loopback_v6() {
        let all = discover().unwrap();
        assert!(all.iter().any(|i| i.iface.loopback));
    }
}
