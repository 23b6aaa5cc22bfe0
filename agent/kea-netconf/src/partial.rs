//! Models that describe only part of a server's configuration
//! (`ietf-dhcpv6-server`: subnets, prefix pools and pd-pools). Pushing the
//! translation alone with `config-set` would replace everything else the
//! server runs (options, classes, control sockets, interfaces…) with
//! defaults, so the agent merges it into the server's current config:
//!
//! - top-level `subnet6` is the model's list: subnets absent from the model
//!   are removed, new ones added; subnets in `shared-networks` are left
//!   alone (the model has no shared networks);
//! - for a subnet of both, keys the model carries (`subnet`, `pools`,
//!   `pd-pools`, `user-context.description`; the lifetimes and timers when
//!   the subnet has a pool, since the model holds them per pool) come from
//!   the model, all other keys (options, reservations, relay, interface…)
//!   are kept from the server;
//! - pools are matched on their prefix and pd-pools on prefix and length,
//!   keeping a matched pool's other keys (options…); range pools (`a - b`),
//!   which the model cannot express, are kept from the server.
//!
//! [`project_ietf`] is the other direction: the part of a server config the
//! model can hold (used to seed an empty startup datastore).

use serde_json::{Map, Value, json};

/// The path of a model's top config container: `/ietf-dhcpv6-server:server`,
/// `/<module>:config` for Kea's models.
pub fn config_root(module: &str) -> String {
    if module == "ietf-dhcpv6-server" {
        format!("/{module}:server")
    } else {
        format!("/{module}:config")
    }
}

/// Subnet keys the model sets (absent from the model = removed).
const SUBNET_KEYS: &[&str] = &["subnet", "pools", "pd-pools"];
/// Subnet keys the model holds only through pools.
const TIMER_KEYS: &[&str] = &[
    "valid-lifetime",
    "preferred-lifetime",
    "renew-timer",
    "rebind-timer",
];
const POOL_KEYS: &[&str] = &["pool", "client-class"];
const PD_POOL_KEYS: &[&str] = &["prefix", "prefix-len", "delegated-len", "client-class"];

fn inner<'v>(config: &'v Value, what: &str) -> Result<&'v Map<String, Value>, String> {
    config
        .get("Dhcp6")
        .and_then(Value::as_object)
        .ok_or_else(|| format!("{what} has no Dhcp6 map"))
}

fn list<'v>(map: &'v Map<String, Value>, key: &str) -> &'v [Value] {
    map.get(key)
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default()
}

/// A pool text without blanks (`2001:db8::/64`, `a-b`).
fn pool_text(pool: &Value) -> Option<String> {
    pool.get("pool")
        .and_then(Value::as_str)
        .map(|p| p.split_whitespace().collect())
}

fn is_prefix_pool(pool: &Value) -> bool {
    pool_text(pool).is_some_and(|p| p.contains('/'))
}

fn pd_key(pool: &Value) -> Option<(String, u64)> {
    Some((
        pool.get("prefix")?.as_str()?.to_string(),
        pool.get("prefix-len")?.as_u64()?,
    ))
}

/// `base` without `covered`, then `model`'s entries over it.
fn overlay(
    base: Option<&Value>,
    covered: &[&str],
    model: &Map<String, Value>,
) -> Map<String, Value> {
    let mut out = base.and_then(Value::as_object).cloned().unwrap_or_default();
    for key in covered {
        out.remove(*key);
    }
    for (k, v) in model {
        out.insert(k.clone(), v.clone());
    }
    out
}

fn merge_subnet(server: Option<&Value>, model: &Map<String, Value>) -> Value {
    let has_pools = !list(model, "pools").is_empty() || !list(model, "pd-pools").is_empty();
    let mut covered: Vec<&str> = SUBNET_KEYS.to_vec();
    if has_pools {
        covered.extend(TIMER_KEYS);
    }
    let mut without_context = model.clone();
    let description = without_context
        .remove("user-context")
        .and_then(|u| u.get("description").cloned());
    let mut out = overlay(server, &covered, &without_context);

    // user-context: only `description` belongs to the model.
    let mut context = out
        .remove("user-context")
        .and_then(|u| u.as_object().cloned())
        .unwrap_or_default();
    match description {
        Some(d) => {
            context.insert("description".into(), d);
        }
        None => {
            context.remove("description");
        }
    }
    if !context.is_empty() {
        out.insert("user-context".into(), Value::Object(context));
    }

    let server_pools = server
        .and_then(|s| s.as_object())
        .map(|s| list(s, "pools"))
        .unwrap_or_default();
    let mut pools: Vec<Value> = list(model, "pools")
        .iter()
        .map(|pool| {
            let text = pool_text(pool);
            let base = server_pools
                .iter()
                .find(|p| text.is_some() && pool_text(p) == text);
            Value::Object(overlay(
                base,
                POOL_KEYS,
                pool.as_object().unwrap_or(&Map::new()),
            ))
        })
        .collect();
    pools.extend(server_pools.iter().filter(|p| !is_prefix_pool(p)).cloned());
    if pools.is_empty() {
        out.remove("pools");
    } else {
        out.insert("pools".into(), Value::Array(pools));
    }

    let server_pd = server
        .and_then(|s| s.as_object())
        .map(|s| list(s, "pd-pools"))
        .unwrap_or_default();
    let pd_pools: Vec<Value> = list(model, "pd-pools")
        .iter()
        .map(|pool| {
            let key = pd_key(pool);
            let base = server_pd.iter().find(|p| key.is_some() && pd_key(p) == key);
            Value::Object(overlay(
                base,
                PD_POOL_KEYS,
                pool.as_object().unwrap_or(&Map::new()),
            ))
        })
        .collect();
    if pd_pools.is_empty() {
        out.remove("pd-pools");
    } else {
        out.insert("pd-pools".into(), Value::Array(pd_pools));
    }
    Value::Object(out)
}

/// The server's config (`{"Dhcp6": {...}}`, from `config-get`) with the
/// subnets of the model's translation (`{"Dhcp6": {"subnet6": [...]}}`)
/// merged in, as described in the module documentation.
pub fn merge_ietf(server: &Value, translated: &Value) -> Result<Value, String> {
    let server = inner(server, "the server's configuration")?;
    let model = inner(translated, "the translated configuration")?;
    if let Some(key) = model.keys().find(|k| *k != "subnet6") {
        return Err(format!(
            "the ietf-dhcpv6-server translation holds \"{key}\"; only subnet6 can be merged"
        ));
    }
    let server_subnets = list(server, "subnet6");
    let mut subnets = Vec::new();
    for subnet in list(model, "subnet6") {
        let map = subnet
            .as_object()
            .ok_or_else(|| "a translated subnet6 entry is not a map".to_string())?;
        let id = map.get("id").and_then(Value::as_u64);
        let base = server_subnets
            .iter()
            .find(|s| id.is_some() && s.get("id").and_then(Value::as_u64) == id);
        subnets.push(merge_subnet(base, map));
    }
    let mut out = server.clone();
    out.remove("hash");
    out.insert("subnet6".into(), Value::Array(subnets));
    Ok(json!({ "Dhcp6": out }))
}

/// The part of a server config (`{"Dhcp6": {...}}`) the ietf model holds:
/// top-level subnets with their id, prefix, description, prefix pools,
/// pd-pools and the lifetimes and timers (inherited global ones included).
pub fn project_ietf(server: &Value) -> Result<Value, String> {
    let server = inner(server, "the server's configuration")?;
    let mut subnets = Vec::new();
    for subnet in list(server, "subnet6") {
        let Some(map) = subnet.as_object() else {
            continue;
        };
        let mut out = Map::new();
        for key in ["id", "subnet"] {
            if let Some(v) = map.get(key) {
                out.insert(key.to_string(), v.clone());
            }
        }
        // The model holds lifetimes and timers on every pool (mandatory
        // leaves): the global value a subnet inherits is written rather
        // than the translator's fixed default, so the effective value
        // survives the round trip.
        for key in TIMER_KEYS {
            if let Some(v) = map.get(*key).or_else(|| server.get(*key)) {
                out.insert(key.to_string(), v.clone());
            }
        }
        if let Some(d) = map
            .get("user-context")
            .and_then(|u| u.get("description"))
            .filter(|d| d.is_string())
        {
            out.insert("user-context".into(), json!({ "description": d }));
        }
        let pick = |pool: &Value, keys: &[&str]| -> Value {
            let mut p = Map::new();
            for key in keys {
                if let Some(v) = pool.get(*key) {
                    p.insert(key.to_string(), v.clone());
                }
            }
            Value::Object(p)
        };
        let pools: Vec<Value> = list(map, "pools")
            .iter()
            .filter(|p| is_prefix_pool(p))
            .map(|p| pick(p, POOL_KEYS))
            .collect();
        if !pools.is_empty() {
            out.insert("pools".into(), Value::Array(pools));
        }
        let pd_pools: Vec<Value> = list(map, "pd-pools")
            .iter()
            .map(|p| pick(p, PD_POOL_KEYS))
            .collect();
        if !pd_pools.is_empty() {
            out.insert("pd-pools".into(), Value::Array(pd_pools));
        }
        subnets.push(Value::Object(out));
    }
    Ok(json!({ "Dhcp6": { "subnet6": subnets } }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn server() -> Value {
        json!({"Dhcp6": {
        "hash": "AB",
        "control-socket": {"socket-type": "unix", "socket-name": "/run/kea/k6"},
        "option-data": [{"name": "dns-servers", "data": "2001:db8::53"}],
            "preferred-lifetime": 3000,
        "shared-networks": [{"name": "net", "subnet6": [{"id": 9, "subnet": "2001:db8:9::/64"}]}],
        "subnet6": [
            {"id": 1, "subnet": "2001:db8:1::/64", "valid-lifetime": 4000,
             "interface": "eth0", "user-context": {"description": "old", "site": "a"},
             "option-data": [{"name": "dns-servers", "data": "2001:db8:1::53"}],
             "pools": [{"pool": "2001:db8:1::/80", "option-data": [{"name": "preference", "data": "7"}]},
                       {"pool": "2001:db8:1::1:0 - 2001:db8:1::1:ff"}],
             "pd-pools": [{"prefix": "2001:db8:a::", "prefix-len": 48, "delegated-len": 56,
                           "excluded-prefix": "2001:db8:a::", "excluded-prefix-len": 64}]},
            {"id": 2, "subnet": "2001:db8:2::/64"}
        ]}})
    }

    #[test]
    fn merge_keeps_what_the_model_cannot_hold() {
        let translated = json!({"Dhcp6": {"subnet6": [
            {"id": 1, "subnet": "2001:db8:1::/64", "valid-lifetime": 3000,
             "pools": [{"pool": "2001:db8:1::/80"}, {"pool": "2001:db8:1:0:1::/80", "client-class": "x"}],
             "pd-pools": [{"prefix": "2001:db8:a::", "prefix-len": 48, "delegated-len": 60}]},
            {"id": 3, "subnet": "2001:db8:3::/64", "user-context": {"description": "new"}}
        ]}});
        let merged = merge_ietf(&server(), &translated).unwrap();
        let d = &merged["Dhcp6"];
        assert!(d.get("hash").is_none());
        assert_eq!(d["control-socket"]["socket-name"], "/run/kea/k6");
        assert_eq!(d["option-data"][0]["data"], "2001:db8::53");
        assert_eq!(d["shared-networks"][0]["subnet6"][0]["id"], 9);
        let subnets = d["subnet6"].as_array().unwrap();
        assert_eq!(subnets.len(), 2, "subnet 2 left the model: {d}");
        let s1 = &subnets[0];
        assert_eq!(s1["valid-lifetime"], 3000);
        assert_eq!(s1["interface"], "eth0");
        assert_eq!(s1["option-data"][0]["data"], "2001:db8:1::53");
        assert_eq!(
            s1["user-context"],
            json!({"site": "a"}),
            "description removed"
        );
        let pools = s1["pools"].as_array().unwrap();
        assert_eq!(pools.len(), 3, "{pools:?}");
        assert_eq!(
            pools[0]["option-data"][0]["data"], "7",
            "matched pool keeps its options"
        );
        assert_eq!(pools[1]["client-class"], "x");
        assert_eq!(
            pools[2]["pool"], "2001:db8:1::1:0 - 2001:db8:1::1:ff",
            "range pool kept"
        );
        assert_eq!(s1["pd-pools"][0]["delegated-len"], 60);
        assert_eq!(s1["pd-pools"][0]["excluded-prefix-len"], 64);
        assert_eq!(subnets[1]["id"], 3);
        assert_eq!(subnets[1]["user-context"]["description"], "new");
    }

    #[test]
    fn timers_of_a_subnet_without_pools_stay_with_the_server() {
        let translated = json!({"Dhcp6": {"subnet6": [{"id": 1, "subnet": "2001:db8:1::/64"}]}});
        let merged = merge_ietf(&server(), &translated).unwrap();
        let s1 = &merged["Dhcp6"]["subnet6"][0];
        assert_eq!(s1["valid-lifetime"], 4000);
        // Only the range pool, which the model cannot hold, is left.
        assert_eq!(s1["pools"].as_array().unwrap().len(), 1);
        assert!(s1.get("pd-pools").is_none());
    }

    #[test]
    fn projection_holds_only_model_nodes() {
        let p = project_ietf(&server()).unwrap();
        let subnets = p["Dhcp6"]["subnet6"].as_array().unwrap();
        assert_eq!(p["Dhcp6"].as_object().unwrap().len(), 1);
        assert_eq!(subnets.len(), 2);
        assert_eq!(
            subnets[0],
            json!({"id": 1, "subnet": "2001:db8:1::/64", "valid-lifetime": 4000,
                   "preferred-lifetime": 3000, "user-context": {"description": "old"},
                   "pools": [{"pool": "2001:db8:1::/80"}],
                   "pd-pools": [{"prefix": "2001:db8:a::", "prefix-len": 48, "delegated-len": 56}]})
        );
    }

    #[test]
    fn bad_input_is_refused() {
        assert!(merge_ietf(&json!({"Dhcp4": {}}), &json!({"Dhcp6": {}})).is_err());
        assert!(merge_ietf(&server(), &json!({"Dhcp6": {"option-data": []}})).is_err());
    }
}
