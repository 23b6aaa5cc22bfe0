//! `subnetX-delta-add` / `subnetX-delta-del`: merging a partial subnet into an existing one.
//!
//! Lists of pools, prefix pools and options are merged by identity: a pool by its address
//! range (`a-b`, `a - b` and `prefix/len` of the same range are one pool), a prefix pool by
//! (`prefix`, `prefix-len`, `delegated-len`), an option by its space (default `dhcp4` /
//! `dhcp6`) and its code or name (either may be given; standard and `option-def` definitions
//! fill in the other). Scalars are replaced (add) or removed (del); maps merge recursively;
//! other lists gain or lose equal items.
//!
//! For delete, an item given only by its identity (a pool with just `pool`, an option with
//! just `code`/`name`/`space`) is removed entirely; otherwise only the listed parts of it go,
//! and the item keeps its identity.

use std::net::IpAddr;

use dhcp_packet::optdef::{std_def_by_code, std_def_by_name};
use serde_json::{Map, Value};

use crate::Family;
use crate::args::{Res, err};
use crate::model::parse_prefix;

/// How an update treats the given subnet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// `subnetX-update`: the given subnet replaces the old one.
    Replace,
    /// `subnetX-delta-add`: parts are added or overwritten.
    Add,
    /// `subnetX-delta-del`: parts are removed.
    Del,
}

/// Option definitions in scope (custom `option-def` entries of the configuration).
pub(crate) struct Merger {
    family: Family,
    custom: Vec<(String, String, u64)>,
}

/// The identity keys of the items of list `key`.
fn identity_keys(key: &str) -> &'static [&'static str] {
    match key {
        "pools" => &["pool"],
        "pd-pools" => &["prefix", "prefix-len", "delegated-len"],
        "option-data" => &["code", "name", "space"],
        _ => &[],
    }
}

impl Merger {
    /// A merger knowing the configuration's custom option definitions.
    pub fn new(family: Family, daemon: &Map<String, Value>) -> Merger {
        let custom = crate::model::list(daemon, "option-def")
            .iter()
            .filter_map(|d| {
                let name = d.get("name")?.as_str()?.to_string();
                let code = d.get("code")?.as_u64()?;
                let space = d
                    .get("space")
                    .and_then(Value::as_str)
                    .unwrap_or(family.option_space())
                    .to_string();
                Some((space, name, code))
            })
            .collect();
        Merger { family, custom }
    }

    /// (space, code, name) of an option-data entry, filled from the definitions.
    fn option_identity(&self, o: &Map<String, Value>) -> (String, Option<u64>, Option<String>) {
        let space = o
            .get("space")
            .and_then(Value::as_str)
            .unwrap_or(self.family.option_space())
            .to_string();
        let mut code = o.get("code").and_then(Value::as_u64);
        let mut name = o.get("name").and_then(Value::as_str).map(str::to_string);
        let u = self.family.universe();
        if code.is_none()
            && let Some(n) = &name
        {
            code = std_def_by_name(u, &space, n)
                .map(|d| u64::from(d.code))
                .or_else(|| {
                    self.custom
                        .iter()
                        .find(|(s, cn, _)| *s == space && cn == n)
                        .map(|(_, _, c)| *c)
                });
        }
        if name.is_none()
            && let Some(c) = code
        {
            name = u16::try_from(c)
                .ok()
                .and_then(|c16| std_def_by_code(u, &space, c16))
                .map(|d| d.name.to_string())
                .or_else(|| {
                    self.custom
                        .iter()
                        .find(|(s, _, cc)| *s == space && *cc == c)
                        .map(|(_, n, _)| n.clone())
                });
        }
        (space, code, name)
    }

    fn options_match(&self, a: &Map<String, Value>, b: &Map<String, Value>) -> bool {
        let (sa, ca, na) = self.option_identity(a);
        let (sb, cb, nb) = self.option_identity(b);
        if sa != sb {
            return false;
        }
        match (ca, cb, na, nb) {
            (Some(x), Some(y), _, _) => x == y,
            (_, _, Some(x), Some(y)) => x == y,
            _ => false,
        }
    }

    /// Whether two items of list `key` are the same configuration object; `None` when the
    /// list has no identity (items are compared whole).
    fn same_item(&self, key: &str, a: &Value, b: &Value) -> Option<bool> {
        let (Value::Object(a), Value::Object(b)) = (a, b) else {
            return match key {
                "pools" | "pd-pools" | "option-data" => Some(false),
                _ => None,
            };
        };
        match key {
            "pools" => Some(match (pool_range(a), pool_range(b)) {
                (Some(x), Some(y)) => x == y,
                _ => false,
            }),
            "pd-pools" => Some(match (pd_identity(a), pd_identity(b)) {
                (Some(x), Some(y)) => x == y,
                _ => false,
            }),
            "option-data" => Some(self.options_match(a, b)),
            _ => None,
        }
    }

    /// Adds or overwrites the parts of `delta` in `old`; the keys in `identity` keep their
    /// configured spelling.
    pub fn add(
        &self,
        old: &mut Map<String, Value>,
        delta: &Map<String, Value>,
        identity: &[&str],
    ) -> Res<()> {
        for (k, v) in delta {
            if v.is_null() || (identity.contains(&k.as_str()) && old.contains_key(k)) {
                continue;
            }
            match (old.get_mut(k), v) {
                (Some(Value::Array(ol)), Value::Array(dl)) => self.add_list(k, ol, dl)?,
                (Some(Value::Object(om)), Value::Object(dm)) => self.add(om, dm, &[])?,
                (Some(cur), _) if cur.is_array() || cur.is_object() => {
                    return err(format!("'{k}' must be a {}", kind_name(cur)));
                }
                _ => {
                    old.insert(k.clone(), v.clone());
                }
            }
        }
        Ok(())
    }

    fn add_list(&self, key: &str, old: &mut Vec<Value>, delta: &[Value]) -> Res<()> {
        let existing = old.len();
        let mut appended: Vec<Value> = Vec::new();
        for d in delta {
            let mut found = false;
            for o in old.iter_mut().take(existing) {
                match self.same_item(key, o, d) {
                    Some(true) => {
                        found = true;
                        if let (Value::Object(om), Value::Object(dm)) = (&mut *o, d) {
                            self.add(om, dm, identity_keys(key))?;
                        }
                    }
                    Some(false) => {}
                    // Plain lists (classes, relay addresses): an equal item is already there.
                    None => found |= o == d,
                }
            }
            if !found && !appended.contains(d) {
                appended.push(d.clone());
            }
        }
        old.extend(appended);
        Ok(())
    }

    /// Removes the parts of `delta` from `old`; the keys in `identity` stay.
    pub fn del(
        &self,
        old: &mut Map<String, Value>,
        delta: &Map<String, Value>,
        identity: &[&str],
    ) -> Res<()> {
        for (k, v) in delta {
            if v.is_null() || identity.contains(&k.as_str()) {
                continue;
            }
            let Some(cur) = old.get_mut(k) else { continue };
            let emptied = match (cur, v) {
                (Value::Array(ol), Value::Array(dl)) => {
                    self.del_list(k, ol, dl)?;
                    ol.is_empty()
                }
                (Value::Object(om), Value::Object(dm)) => {
                    self.del(om, dm, &[])?;
                    om.is_empty()
                }
                (cur, _) if cur.is_array() || cur.is_object() => {
                    return err(format!("'{k}' must be a {}", kind_name(cur)));
                }
                // A scalar goes whatever value was given (Kea only needs a valid one).
                _ => true,
            };
            if emptied {
                old.remove(k);
            }
        }
        Ok(())
    }

    fn del_list(&self, key: &str, old: &mut Vec<Value>, delta: &[Value]) -> Res<()> {
        for d in delta {
            let mut i = 0;
            while i < old.len() {
                let remove = match self.same_item(key, &old[i], d) {
                    Some(true) => match (&mut old[i], d) {
                        (Value::Object(om), Value::Object(dm)) => {
                            if identity_only(key, dm) {
                                true
                            } else {
                                self.del(om, dm, identity_keys(key))?;
                                false
                            }
                        }
                        _ => true,
                    },
                    Some(false) => false,
                    None => old[i] == *d,
                };
                if remove {
                    old.remove(i);
                } else {
                    i += 1;
                }
            }
        }
        Ok(())
    }
}

fn kind_name(v: &Value) -> &'static str {
    if v.is_array() { "list" } else { "map" }
}

/// True when a delete item names only its identity (and at most an empty `option-data`).
fn identity_only(key: &str, m: &Map<String, Value>) -> bool {
    let ids = identity_keys(key);
    m.iter().all(|(k, v)| {
        ids.contains(&k.as_str())
            || (k == "option-data"
                && key != "option-data"
                && v.as_array().is_some_and(Vec::is_empty))
    })
}

fn addr_num(a: IpAddr) -> u128 {
    match a {
        IpAddr::V4(v) => u128::from(u32::from(v)),
        IpAddr::V6(v) => u128::from(v),
    }
}

/// The first and last address of a pool (`a-b`, `a - b` or `prefix/len`).
pub(crate) fn pool_range(p: &Map<String, Value>) -> Option<(u128, u128)> {
    let text = p.get("pool")?.as_str()?;
    if let Some((a, b)) = text.split_once('-') {
        let a: IpAddr = a.trim().parse().ok()?;
        let b: IpAddr = b.trim().parse().ok()?;
        return Some((addr_num(a), addr_num(b)));
    }
    let net = parse_prefix(text)?;
    Some((addr_num(net.network()), addr_num(net.broadcast())))
}

fn pd_identity(p: &Map<String, Value>) -> Option<(IpAddr, u64, u64)> {
    let prefix: IpAddr = p.get("prefix")?.as_str()?.trim().parse().ok()?;
    Some((
        prefix,
        p.get("prefix-len")?.as_u64()?,
        p.get("delegated-len")?.as_u64()?,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn obj(v: Value) -> Map<String, Value> {
        match v {
            Value::Object(m) => m,
            _ => Map::new(),
        }
    }

    fn merger(f: Family) -> Merger {
        Merger::new(
            f,
            &obj(json!({"option-def": [{"name": "my-opt", "code": 222, "type": "uint8"}]})),
        )
    }

    #[test]
    fn add_merges_scalars_pools_and_options() {
        let m = merger(Family::V4);
        let mut old = obj(json!({
            "id": 1, "subnet": "192.0.2.0/24", "valid-lifetime": 100,
            "option-data": [{"name": "routers", "data": "192.0.2.1"}],
            "pools": [{"pool": "192.0.2.10-192.0.2.20", "option-data": []}],
            "relay": {"ip-addresses": ["10.0.0.1"]}
        }));
        let delta = obj(json!({
            "id": 1, "valid-lifetime": 200,
            "option-data": [{"code": 3, "data": "192.0.2.254"}, {"name": "time-servers", "data": "192.0.2.5"}],
            "pools": [
                {"pool": "192.0.2.10 - 192.0.2.20", "option-data": [{"code": 222, "data": "7"}]},
                {"pool": "192.0.2.32/28"}
            ],
            "relay": {"ip-addresses": ["10.0.0.1", "10.0.0.2"]}
        }));
        m.add(&mut old, &delta, &["id", "subnet"]).unwrap();
        assert_eq!(old["valid-lifetime"], 200);
        let opts = old["option-data"].as_array().unwrap();
        assert_eq!(opts.len(), 2, "{opts:?}");
        assert_eq!(opts[0]["data"], "192.0.2.254", "routers matched by code 3");
        assert_eq!(opts[1]["name"], "time-servers");
        let pools = old["pools"].as_array().unwrap();
        assert_eq!(pools.len(), 2);
        assert_eq!(pools[0]["pool"], "192.0.2.10-192.0.2.20");
        assert_eq!(pools[0]["option-data"][0]["code"], 222);
        assert_eq!(pools[1]["pool"], "192.0.2.32/28");
        assert_eq!(
            old["relay"]["ip-addresses"],
            json!(["10.0.0.1", "10.0.0.2"])
        );
    }

    #[test]
    fn add_rejects_a_scalar_for_a_list() {
        let m = merger(Family::V4);
        let mut old = obj(json!({"pools": []}));
        let e = m.add(&mut old, &obj(json!({"pools": 5})), &[]).unwrap_err();
        assert_eq!(e.text.unwrap(), "'pools' must be a list");
    }

    #[test]
    fn del_removes_by_identity_or_parts() {
        let m = merger(Family::V4);
        let mut old = obj(json!({
            "id": 1, "subnet": "192.0.2.0/24", "valid-lifetime": 100,
            "option-data": [{"name": "routers", "code": 3, "data": "192.0.2.1", "space": "dhcp4"},
                            {"name": "time-servers", "data": "192.0.2.5"}],
            "pools": [
                {"pool": "192.0.2.10-192.0.2.20", "option-data": [{"code": 4, "data": "192.0.2.9"}, {"name": "routers", "data": "1.1.1.1"}]},
                {"pool": "192.0.2.32/28", "option-data": []}
            ]
        }));
        let delta = obj(json!({
            "id": 1, "subnet": "192.0.2.0/24", "valid-lifetime": 0,
            "option-data": [{"name": "routers"}],
            "pools": [
                {"pool": "192.0.2.10 - 192.0.2.20", "option-data": [{"name": "time-servers"}]},
                {"pool": "192.0.2.32-192.0.2.47"}
            ]
        }));
        m.del(&mut old, &delta, &["id", "subnet"]).unwrap();
        assert!(old.get("valid-lifetime").is_none());
        assert_eq!(old["id"], 1);
        assert_eq!(old["subnet"], "192.0.2.0/24");
        assert_eq!(
            old["option-data"],
            json!([{"name": "time-servers", "data": "192.0.2.5"}])
        );
        let pools = old["pools"].as_array().unwrap();
        assert_eq!(pools.len(), 1, "the /28 pool (named by range) is gone");
        assert_eq!(pools[0]["pool"], "192.0.2.10-192.0.2.20");
        assert_eq!(
            pools[0]["option-data"],
            json!([{"name": "routers", "data": "1.1.1.1"}]),
            "option 4 (time-servers) removed from the pool, routers stays"
        );
    }

    #[test]
    fn del_last_pool_option_keeps_the_pool() {
        let m = merger(Family::V4);
        let mut old = obj(
            json!({"id": 1, "pools": [{"pool": "192.0.2.10-192.0.2.20", "option-data": [{"code": 4, "data": "x"}]}]}),
        );
        let delta = obj(
            json!({"pools": [{"pool": "192.0.2.10-192.0.2.20", "option-data": [{"code": 4}]}]}),
        );
        m.del(&mut old, &delta, &["id", "subnet"]).unwrap();
        assert_eq!(old["pools"], json!([{"pool": "192.0.2.10-192.0.2.20"}]));
    }

    #[test]
    fn v6_pd_pools_and_custom_options() {
        let m = merger(Family::V6);
        let mut old = obj(json!({
            "pd-pools": [{"prefix": "2001:db8:3::", "prefix-len": 48, "delegated-len": 64,
                          "option-data": [{"code": 22, "data": "3000::1"}]},
                         {"prefix": "2001:db8:4::", "prefix-len": 48, "delegated-len": 64}],
            "option-data": [{"name": "my-opt", "data": "1", "space": "dhcp6"}]
        }));
        let delta = obj(json!({
            "pd-pools": [{"prefix": "2001:db8:3:0::", "prefix-len": 48, "delegated-len": 64,
                          "option-data": [{"name": "sip-server-addr"}]},
                         {"prefix": "2001:db8:4::", "prefix-len": 48, "delegated-len": 64}],
            "option-data": [{"code": 222}]
        }));
        m.del(&mut old, &delta, &["id", "subnet"]).unwrap();
        assert_eq!(
            old["pd-pools"],
            json!([{"prefix": "2001:db8:3::", "prefix-len": 48, "delegated-len": 64}])
        );
        assert!(
            old.get("option-data").is_none(),
            "custom option matched code↔name"
        );
    }

    #[test]
    fn pool_ranges() {
        let r = |s: &str| pool_range(&obj(json!({"pool": s})));
        assert_eq!(r("10.0.0.0/30"), r("10.0.0.0 - 10.0.0.3"));
        assert_eq!(r("2001:db8::/126"), r("2001:db8::-2001:db8::3"));
        assert!(r("nonsense").is_none());
    }
}
