//! Navigation in the configuration JSON: subnets (top level and inside shared networks),
//! shared networks, prefixes.

use std::net::IpAddr;

use ipnet::IpNet;
use serde_json::{Map, Value, json};

use crate::Family;
use crate::args::{Res, err};

/// Where a subnet sits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Loc {
    /// `subnetX[i]`.
    Top(usize),
    /// `shared-networks[n].subnetX[i]`.
    Net(usize, usize),
}

/// A subnet found in the configuration.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SubnetRef<'a> {
    pub loc: Loc,
    pub map: &'a Map<String, Value>,
    /// The enclosing shared network's name.
    pub network: Option<&'a str>,
}

impl SubnetRef<'_> {
    pub fn id(&self) -> Option<u32> {
        id_of(self.map)
    }

    pub fn prefix(&self) -> Option<IpNet> {
        prefix_of(self.map)
    }

    /// The prefix as Kea prints it (`10.0.0.0/8`).
    pub fn text(&self) -> String {
        subnet_text(self.map)
    }
}

/// The `DhcpX` map.
pub(crate) fn daemon(f: Family, root: &Value) -> Res<&Map<String, Value>> {
    match root.get(f.root_key()) {
        Some(Value::Object(m)) => Ok(m),
        _ => err(format!("no {} configuration found", f.root_key())),
    }
}

pub(crate) fn daemon_mut(f: Family, root: &mut Value) -> Res<&mut Map<String, Value>> {
    match root.get_mut(f.root_key()) {
        Some(Value::Object(m)) => Ok(m),
        _ => err(format!("no {} configuration found", f.root_key())),
    }
}

/// The list under `key`, or an empty slice.
pub(crate) fn list<'a>(m: &'a Map<String, Value>, key: &str) -> &'a [Value] {
    m.get(key)
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[])
}

/// The list under `key`, created when missing (a non-list is replaced).
pub(crate) fn list_mut<'a>(m: &'a mut Map<String, Value>, key: &str) -> &'a mut Vec<Value> {
    let slot = m
        .entry(key.to_string())
        .or_insert_with(|| Value::Array(Vec::new()));
    if !slot.is_array() {
        *slot = Value::Array(Vec::new());
    }
    match slot {
        Value::Array(v) => v,
        _ => unreachable!("slot was just made a list"),
    }
}

/// Every subnet of the family: top-level ones first, then those in shared networks.
pub(crate) fn subnets(f: Family, d: &Map<String, Value>) -> Vec<SubnetRef<'_>> {
    let key = f.subnet_key();
    let mut out = Vec::new();
    for (i, s) in list(d, key).iter().enumerate() {
        if let Value::Object(map) = s {
            out.push(SubnetRef {
                loc: Loc::Top(i),
                map,
                network: None,
            });
        }
    }
    for (n, net) in list(d, "shared-networks").iter().enumerate() {
        let Value::Object(nm) = net else { continue };
        let name = nm.get("name").and_then(Value::as_str);
        for (i, s) in list(nm, key).iter().enumerate() {
            if let Value::Object(map) = s {
                out.push(SubnetRef {
                    loc: Loc::Net(n, i),
                    map,
                    network: name,
                });
            }
        }
    }
    out
}

/// The subnet at `loc`, mutable.
pub(crate) fn subnet_mut(
    f: Family,
    d: &mut Map<String, Value>,
    loc: Loc,
) -> Option<&mut Map<String, Value>> {
    let slot = match loc {
        Loc::Top(i) => d.get_mut(f.subnet_key())?.get_mut(i)?,
        Loc::Net(n, i) => d
            .get_mut("shared-networks")?
            .get_mut(n)?
            .get_mut(f.subnet_key())?
            .get_mut(i)?,
    };
    slot.as_object_mut()
}

/// Removes the subnet at `loc` and returns it.
pub(crate) fn remove_subnet(f: Family, d: &mut Map<String, Value>, loc: Loc) -> Option<Value> {
    let list = match loc {
        Loc::Top(_) => d.get_mut(f.subnet_key())?,
        Loc::Net(n, _) => d
            .get_mut("shared-networks")?
            .get_mut(n)?
            .get_mut(f.subnet_key())?,
    };
    let i = match loc {
        Loc::Top(i) | Loc::Net(_, i) => i,
    };
    let v = list.as_array_mut()?;
    (i < v.len()).then(|| v.remove(i))
}

/// Index of the shared network called `name`.
pub(crate) fn network_index(d: &Map<String, Value>, name: &str) -> Option<usize> {
    list(d, "shared-networks")
        .iter()
        .position(|n| n.get("name").and_then(Value::as_str) == Some(name))
}

pub(crate) fn id_of(s: &Map<String, Value>) -> Option<u32> {
    s.get("id")
        .and_then(Value::as_u64)
        .and_then(|v| u32::try_from(v).ok())
}

pub(crate) fn prefix_of(s: &Map<String, Value>) -> Option<IpNet> {
    s.get("subnet")
        .and_then(Value::as_str)
        .and_then(parse_prefix)
}

/// `addr/len` (spaces around the parts allowed).
pub(crate) fn parse_prefix(text: &str) -> Option<IpNet> {
    let (a, l) = text.split_once('/')?;
    let addr: IpAddr = a.trim().parse().ok()?;
    let len: u8 = l.trim().parse().ok()?;
    IpNet::new(addr, len).ok()
}

/// The subnet's prefix as Kea prints it; the configured text when it does not parse.
pub(crate) fn subnet_text(s: &Map<String, Value>) -> String {
    match prefix_of(s) {
        Some(p) => format!("{}/{}", p.addr(), p.prefix_len()),
        None => s
            .get("subnet")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string(),
    }
}

/// `{"id": N, "subnet": "P"}`.
pub(crate) fn short(s: &SubnetRef<'_>) -> Value {
    json!({"id": s.id(), "subnet": s.text()})
}

/// A subnet as subnet-get shows it: Kea keeps reservations apart from subnets.
pub(crate) fn subnet_view(s: &Map<String, Value>) -> Value {
    let mut m = s.clone();
    m.remove("reservations");
    Value::Object(m)
}

/// A shared network as network-get shows it (subnets without reservations).
pub(crate) fn network_view(f: Family, n: &Map<String, Value>) -> Value {
    let mut m = n.clone();
    if let Some(Value::Array(subs)) = m.get_mut(f.subnet_key()) {
        for s in subs.iter_mut() {
            if let Value::Object(sm) = s {
                sm.remove("reservations");
            }
        }
    }
    Value::Object(m)
}

/// True when an address is inside the subnet's prefix.
pub(crate) fn in_prefix(p: &IpNet, a: IpAddr) -> bool {
    p.trunc().contains(&a)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn walks_top_level_and_network_subnets() {
        let root = json!({"Dhcp4": {
            "subnet4": [{"id": 1, "subnet": "192.0.2.0/24"}],
            "shared-networks": [{"name": "n", "subnet4": [{"id": 7, "subnet": "10.0.0.0/8"}]}]
        }});
        let d = daemon(Family::V4, &root).unwrap();
        let subs = subnets(Family::V4, d);
        assert_eq!(subs.len(), 2);
        assert_eq!(subs[0].loc, Loc::Top(0));
        assert_eq!(subs[1].loc, Loc::Net(0, 0));
        assert_eq!(subs[1].network, Some("n"));
        assert_eq!(subs[1].text(), "10.0.0.0/8");
        assert!(daemon(Family::V6, &root).is_err());
        let mut root = root;
        let d = daemon_mut(Family::V4, &mut root).unwrap();
        subnet_mut(Family::V4, d, Loc::Net(0, 0))
            .unwrap()
            .insert("x".into(), json!(1));
        let gone = remove_subnet(Family::V4, d, Loc::Net(0, 0)).unwrap();
        assert_eq!(gone["x"], 1);
        assert!(remove_subnet(Family::V4, d, Loc::Top(3)).is_none());
    }

    #[test]
    fn prefixes() {
        assert_eq!(
            parse_prefix("2001:db8:0::/64").map(|p| p.to_string()),
            Some("2001:db8::/64".into())
        );
        assert!(parse_prefix("10.0.0.0").is_none());
        assert!(parse_prefix("10.0.0.0/33").is_none());
        let p = parse_prefix("10.0.0.0/8").unwrap();
        assert!(in_prefix(&p, "10.1.2.3".parse().unwrap()));
        assert!(!in_prefix(&p, "11.1.2.3".parse().unwrap()));
    }
}
