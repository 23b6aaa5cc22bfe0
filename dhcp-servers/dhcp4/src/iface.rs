//! Network interface discovery and the `interfaces-config.interfaces` selection syntax
//! (`eth0`, `eth0/192.0.2.1`, `*`).

use std::net::Ipv4Addr;

pub use dhcpsrv::iface::{Interface, discover};

/// One entry of `interfaces-config.interfaces`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InterfaceSpec {
    /// `*`: every non-loopback interface that is up.
    All,
    /// `eth0`: the interface, using its first IPv4 address as server address.
    Name(String),
    /// `eth0/192.0.2.1`: the interface, using this address.
    NameAddr(String, Ipv4Addr),
}

impl InterfaceSpec {
    /// Parses one entry, with Kea's error wording in spirit.
    pub fn parse(s: &str) -> Result<Self, String> {
        let s = s.trim();
        if s == "*" {
            return Ok(InterfaceSpec::All);
        }
        if s.is_empty() {
            return Err("empty interface name".into());
        }
        match s.split_once('/') {
            None => Ok(InterfaceSpec::Name(s.to_string())),
            Some((name, addr)) => {
                if name.is_empty() {
                    return Err(format!("empty interface name in '{s}'"));
                }
                let ip: Ipv4Addr = addr
                    .parse()
                    .map_err(|_| format!("invalid IPv4 address '{addr}' in '{s}'"))?;
                Ok(InterfaceSpec::NameAddr(name.to_string(), ip))
            }
        }
    }
}

/// An interface the server listens on, with the address it uses as its own on that link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listen {
    pub iface: Interface,
    /// Server address on this interface (0.0.0.0 if the interface has none).
    pub addr: Ipv4Addr,
    /// True when the entry named an explicit address (UDP sockets then bind to it).
    pub explicit_addr: bool,
}

/// Resolves configured entries against the discovered interfaces.
pub fn resolve(specs: &[InterfaceSpec], ifaces: &[Interface]) -> Result<Vec<Listen>, String> {
    let mut out: Vec<Listen> = Vec::new();
    let mut push = |l: Listen| {
        if !out.iter().any(|o| o.iface.index == l.iface.index) {
            out.push(l);
        }
    };
    for spec in specs {
        match spec {
            InterfaceSpec::All => {
                for i in ifaces.iter().filter(|i| i.up && !i.loopback) {
                    push(Listen {
                        iface: i.clone(),
                        addr: i.addrs.first().copied().unwrap_or(Ipv4Addr::UNSPECIFIED),
                        explicit_addr: false,
                    });
                }
            }
            InterfaceSpec::Name(n) => {
                let i = ifaces
                    .iter()
                    .find(|i| &i.name == n)
                    .ok_or_else(|| format!("interface '{n}' not found"))?;
                push(Listen {
                    iface: i.clone(),
                    addr: i.addrs.first().copied().unwrap_or(Ipv4Addr::UNSPECIFIED),
                    explicit_addr: false,
                });
            }
            InterfaceSpec::NameAddr(n, a) => {
                let i = ifaces
                    .iter()
                    .find(|i| &i.name == n)
                    .ok_or_else(|| format!("interface '{n}' not found"))?;
                if !i.addrs.contains(a) {
                    return Err(format!("interface '{n}' has no address {a}"));
                }
                push(Listen {
                    iface: i.clone(),
                    addr: *a,
                    explicit_addr: true,
                });
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ifs() -> Vec<Interface> {
        vec![
            Interface {
                name: "lo".into(),
                index: 1,
                mac: [0; 6],
                up: true,
                loopback: true,
                addrs: vec![Ipv4Addr::LOCALHOST],
            },
            Interface {
                name: "eth0".into(),
                index: 2,
                mac: [2, 0, 0, 0, 0, 1],
                up: true,
                loopback: false,
                addrs: vec![Ipv4Addr::new(192, 0, 2, 1), Ipv4Addr::new(192, 0, 2, 5)],
            },
        ]
    }

    #[test]
    fn parses_forms() {
        assert_eq!(InterfaceSpec::parse("*"), Ok(InterfaceSpec::All));
        assert_eq!(
            InterfaceSpec::parse("eth0"),
            Ok(InterfaceSpec::Name("eth0".into()))
        );
        assert_eq!(
            InterfaceSpec::parse("eth0/192.0.2.5"),
            Ok(InterfaceSpec::NameAddr(
                "eth0".into(),
                Ipv4Addr::new(192, 0, 2, 5)
            ))
        );
        assert!(InterfaceSpec::parse("eth0/2001:db8::1").is_err());
        assert!(InterfaceSpec::parse("/1.2.3.4").is_err());
        assert!(InterfaceSpec::parse("").is_err());
    }

    #[test]
    fn resolves_against_system() {
        let all = resolve(&[InterfaceSpec::All], &ifs()).unwrap();
        assert_eq!(all.len(), 1);
        assert_eq!(all[0].addr, Ipv4Addr::new(192, 0, 2, 1));
        let pinned = resolve(
            &[InterfaceSpec::NameAddr(
                "eth0".into(),
                Ipv4Addr::new(192, 0, 2, 5),
            )],
            &ifs(),
        )
        .unwrap();
        assert_eq!(pinned[0].addr, Ipv4Addr::new(192, 0, 2, 5));
        assert!(pinned[0].explicit_addr);
        assert!(resolve(&[InterfaceSpec::Name("eth9".into())], &ifs()).is_err());
        assert!(
            resolve(
                &[InterfaceSpec::NameAddr(
                    "eth0".into(),
                    Ipv4Addr::new(10, 0, 0, 1)
                )],
                &ifs()
            )
            .is_err()
        );
        // Duplicates collapse; explicit loopback is allowed.
        let lo = resolve(
            &[
                InterfaceSpec::Name("lo".into()),
                InterfaceSpec::Name("lo".into()),
            ],
            &ifs(),
        )
        .unwrap();
        assert_eq!(lo.len(), 1);
    }

    #[test]
    fn discovers_loopback() {
        let found = discover().unwrap();
        assert!(found.iter().any(|i| i.loopback));
    }
}
