//! Network interface discovery for both servers: names, indexes, flags,
//! hardware addresses, and the IPv4 ([`discover`]) or also the IPv6
//! ([`discover6`]) addresses of each interface.

use std::net::{Ipv4Addr, Ipv6Addr};

use nix::net::if_::InterfaceFlags;

/// One network interface as seen at startup or reconfiguration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Interface {
    pub name: String,
    pub index: u32,
    pub mac: [u8; 6],
    pub up: bool,
    pub loopback: bool,
    /// IPv4 addresses in the order the kernel lists them (the first is the primary).
    pub addrs: Vec<Ipv4Addr>,
}

/// Lists the system's interfaces with their IPv4 addresses and hardware addresses.
pub fn discover() -> std::io::Result<Vec<Interface>> {
    let mut out: Vec<Interface> = Vec::new();
    for ia in nix::ifaddrs::getifaddrs().map_err(std::io::Error::from)? {
        let pos = match out.iter().position(|i| i.name == ia.interface_name) {
            Some(p) => p,
            None => {
                let index = nix::net::if_::if_nametoindex(ia.interface_name.as_str())
                    .map_err(std::io::Error::from)?;
                out.push(Interface {
                    name: ia.interface_name.clone(),
                    index,
                    mac: [0; 6],
                    up: ia.flags.contains(InterfaceFlags::IFF_UP),
                    loopback: ia.flags.contains(InterfaceFlags::IFF_LOOPBACK),
                    addrs: Vec::new(),
                });
                out.len() - 1
            }
        };
        let Some(addr) = ia.address else { continue };
        if let Some(sin) = addr.as_sockaddr_in() {
            out[pos].addrs.push(sin.ip());
        } else if let Some(ll) = addr.as_link_addr()
            && let Some(mac) = ll.addr()
        {
            out[pos].mac = mac;
        }
    }
    Ok(out)
}

/// An interface with its IPv6 addresses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Interface6 {
    pub iface: Interface,
    pub addrs: Vec<Ipv6Addr>,
}

impl Interface6 {
    /// The first link-local address (replies to directly connected clients leave from it).
    pub fn link_local(&self) -> Option<Ipv6Addr> {
        self.addrs.iter().copied().find(is_link_local)
    }
}

/// True for fe80::/10.
pub fn is_link_local(a: &Ipv6Addr) -> bool {
    (a.segments()[0] & 0xffc0) == 0xfe80
}

/// Lists the interfaces with their IPv6 addresses.
pub fn discover6() -> std::io::Result<Vec<Interface6>> {
    let base = discover()?;
    let mut out: Vec<Interface6> = base
        .into_iter()
        .map(|iface| Interface6 {
            iface,
            addrs: Vec::new(),
        })
        .collect();
    for ia in nix::ifaddrs::getifaddrs().map_err(std::io::Error::from)? {
        let Some(sin6) = ia.address.as_ref().and_then(|a| a.as_sockaddr_in6()) else {
            continue;
        };
        if let Some(i) = out.iter_mut().find(|i| i.iface.name == ia.interface_name) {
            i.addrs.push(sin6.ip());
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_loopback_interface_is_found_with_its_addresses() {
        let v4 = discover().expect("getifaddrs");
        let lo = v4
            .iter()
            .find(|i| i.loopback)
            .expect("a loopback interface");
        assert!(lo.addrs.contains(&Ipv4Addr::LOCALHOST), "{lo:?}");
        let v6 = discover6().expect("getifaddrs");
        assert_eq!(v6.len(), v4.len());
        assert!(is_link_local(&"fe80::1".parse().unwrap()));
        assert!(!is_link_local(&"2001:db8::1".parse().unwrap()));
    }
}
