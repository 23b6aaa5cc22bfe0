//! `ietf-dhcpv6-server` (the 2018-09-04 draft Kea supports) ⇄ Kea `Dhcp6`.
//!
//! Like ISC's agent, only the subnet part of the model is translated:
//!
//! | YANG (`/server/server-config/network-ranges/network-range`) | Kea `Dhcp6` |
//! | --- | --- |
//! | `network-range-id`, `network-prefix` | `subnet6[].id`, `subnet` |
//! | `network-description` | `user-context.description` |
//! | `address-pools/address-pool`: `pool-prefix` | `pools[].pool` (prefix pools only) |
//! | pool `valid-lifetime`, `preferred-lifetime`, `renew-time`, `rebind-time` | subnet `valid-lifetime`, `preferred-lifetime`, `renew-timer`, `rebind-timer` (all pools must agree) |
//! | pool and pd-pool `client-class` | `client-class` |
//! | `pd-pools/pd-pool`: `prefix` (addr/len), `prefix-length` | `pd-pools[]`: `prefix` + `prefix-len`, `delegated-len` |
//!
//! Declared deviations (not translated, as in Kea): option sets, host
//! reservations, `serv-attributes`, relay options, `rsoo-enabled-options`,
//! the `server-state` subtree, and every Kea feature that has no IETF node.
//! Timer leaves are `yang:timeticks` in the model, but hold seconds here,
//! as ISC's translator treats them.
//!
//! Kea → YANG writes what the draft makes mandatory so that the data
//! validates: lifetimes default to Kea's (valid 7200, preferred 3600,
//! renew 1800, rebind 2880 s), `rapid-commit` to the subnet's (or false),
//! `max-address-count` / `max-pd-space-utilization` to `disabled`,
//! `option-set-id` to an empty option set 0, and `serv-attributes/vendor-info/
//! ent-num` to ISC's enterprise number 2495 when absent.

use std::ffi::CString;

use serde_json::{Map, Value, json};
use yang2::context::Context;
use yang2::data::{Data, DataFormat, DataNodeRef, DataParserFlags, DataTree, DataValidationFlags};

use crate::TranslateError;
use crate::to_yang::parse_pool;

pub const MODULE: &str = "ietf-dhcpv6-server";
const RANGES: &str = "/ietf-dhcpv6-server:server/server-config/network-ranges/network-range";
const ISC_ENTERPRISE_NUMBER: u32 = 2495;

const DEFAULT_VALID: u64 = 7200;
const DEFAULT_PREFERRED: u64 = 3600;
const DEFAULT_RENEW: u64 = 1800;
const DEFAULT_REBIND: u64 = 2880;

/// Pool timers: YANG leaf → Kea subnet key.
const TIMERS: [(&str, &str); 4] = [
    ("valid-lifetime", "valid-lifetime"),
    ("preferred-lifetime", "preferred-lifetime"),
    ("renew-time", "renew-timer"),
    ("rebind-time", "rebind-timer"),
];

fn child<'a>(node: &DataNodeRef<'a, 'static>, name: &str) -> Option<DataNodeRef<'a, 'static>> {
    node.children().find(|c| c.schema().name() == name)
}

fn text(node: &DataNodeRef<'_, 'static>, name: &str) -> Option<String> {
    child(node, name).and_then(|c| c.value_canonical())
}

fn number(
    node: &DataNodeRef<'_, 'static>,
    name: &str,
    path: &str,
) -> Result<Option<u64>, TranslateError> {
    match text(node, name) {
        None => Ok(None),
        Some(t) => t
            .parse::<u64>()
            .map(Some)
            .map_err(|_| TranslateError::yang(path, format!("{name} is not a number: {t}"))),
    }
}

/// YANG → `{"Dhcp6": {"subnet6": [...]}}`.
pub fn to_kea(tree: &DataTree<'static>) -> Result<Value, TranslateError> {
    let mut subnets = Vec::new();
    if tree.reference().is_some()
        && let Ok(set) = tree.find_xpath(RANGES)
    {
        for range in set {
            subnets.push(range_to_subnet(&range)?);
        }
    }
    let mut dhcp6 = Map::new();
    if !subnets.is_empty() {
        dhcp6.insert("subnet6".into(), Value::Array(subnets));
    }
    Ok(json!({ "Dhcp6": dhcp6 }))
}

fn range_to_subnet(range: &DataNodeRef<'_, 'static>) -> Result<Value, TranslateError> {
    let path = range.path();
    let mut subnet = Map::new();
    let id = number(range, "network-range-id", &path)?
        .ok_or_else(|| TranslateError::yang(&path, "network range without id"))?;
    subnet.insert("id".into(), id.into());
    if let Some(prefix) = text(range, "network-prefix") {
        subnet.insert("subnet".into(), prefix.into());
    }
    if let Some(description) = text(range, "network-description") {
        subnet.insert("user-context".into(), json!({ "description": description }));
    }
    let mut timers: Map<String, Value> = Map::new();
    let mut pools = Vec::new();
    if let Some(container) = child(range, "address-pools") {
        for pool in container
            .children()
            .filter(|c| c.schema().name() == "address-pool")
        {
            let pool_path = pool.path();
            let prefix = text(&pool, "pool-prefix").ok_or_else(|| {
                TranslateError::yang(&pool_path, "address pool without pool-prefix")
            })?;
            let mut entry = Map::new();
            entry.insert("pool".into(), prefix.into());
            if let Some(class) = text(&pool, "client-class") {
                entry.insert("client-class".into(), class.into());
            }
            // The draft puts timers on pools, Kea on subnets: lift them, and
            // refuse pools that disagree rather than pick one.
            for (leaf, key) in TIMERS {
                if let Some(value) = number(&pool, leaf, &pool_path)? {
                    match timers.get(key).and_then(Value::as_u64) {
                        Some(seen) if seen != value => {
                            return Err(TranslateError::yang(
                                &pool_path,
                                format!(
                                    "inconsistent {leaf} across the pools of network range {id}"
                                ),
                            ));
                        }
                        _ => {
                            timers.insert(key.to_string(), value.into());
                        }
                    }
                }
            }
            pools.push(Value::Object(entry));
        }
    }
    if !pools.is_empty() {
        subnet.insert("pools".into(), Value::Array(pools));
    }
    subnet.extend(timers);
    let mut pd_pools = Vec::new();
    if let Some(container) = child(range, "pd-pools") {
        for pool in container
            .children()
            .filter(|c| c.schema().name() == "pd-pool")
        {
            let pool_path = pool.path();
            let prefix = text(&pool, "prefix")
                .ok_or_else(|| TranslateError::yang(&pool_path, "pd-pool without prefix"))?;
            let (addr, len) = prefix
                .split_once('/')
                .and_then(|(a, l)| l.parse::<u8>().ok().map(|l| (a.to_string(), l)))
                .ok_or_else(|| TranslateError::yang(&pool_path, format!("bad prefix {prefix}")))?;
            let mut entry = Map::new();
            entry.insert("prefix".into(), addr.into());
            entry.insert("prefix-len".into(), len.into());
            if let Some(delegated) = number(&pool, "prefix-length", &pool_path)? {
                entry.insert("delegated-len".into(), delegated.into());
            }
            if let Some(class) = text(&pool, "client-class") {
                entry.insert("client-class".into(), class.into());
            }
            pd_pools.push(Value::Object(entry));
        }
    }
    if !pd_pools.is_empty() {
        subnet.insert("pd-pools".into(), Value::Array(pd_pools));
    }
    Ok(Value::Object(subnet))
}

/// `{"Dhcp6": {"subnet6": [...]}}` → a validated YANG tree.
pub fn to_yang(
    context: &'static Context,
    dhcp6: &Map<String, Value>,
) -> Result<DataTree<'static>, TranslateError> {
    for key in dhcp6.keys() {
        if key != "subnet6" {
            return Err(TranslateError::json(
                &format!("Dhcp6/{key}"),
                format!("the {MODULE} model holds only subnets (subnet6), not \"{key}\""),
            ));
        }
    }
    let subnets = match dhcp6.get("subnet6") {
        None => &Vec::new(),
        Some(v) => v
            .as_array()
            .ok_or_else(|| TranslateError::json("Dhcp6/subnet6", "expected a list"))?,
    };
    let mut ranges = Vec::new();
    for (i, subnet) in subnets.iter().enumerate() {
        ranges.push(subnet_to_range(subnet, &format!("Dhcp6/subnet6[{i}]"))?);
    }
    let doc = json!({
        "ietf-dhcpv6-server:server": {
            "server-config": {
                "serv-attributes": { "vendor-info": { "ent-num": ISC_ENTERPRISE_NUMBER } },
                "option-sets": { "option-set": [ { "option-set-id": 0 } ] },
                "network-ranges": { "network-range": ranges }
            }
        }
    });
    let text = CString::new(doc.to_string())
        .map_err(|_| TranslateError::json("Dhcp6", "NUL character"))?;
    DataTree::parse_string(
        context,
        text.as_bytes_with_nul(),
        DataFormat::JSON,
        DataParserFlags::STRICT | DataParserFlags::NO_STATE,
        DataValidationFlags::NO_STATE,
    )
    .map_err(|e| TranslateError::Validation {
        path: e.path,
        message: e.msg.unwrap_or_else(|| "unknown libyang error".into()),
    })
}

const SUBNET_KEYS: [&str; 11] = [
    "id",
    "subnet",
    "pools",
    "pd-pools",
    "user-context",
    "valid-lifetime",
    "preferred-lifetime",
    "renew-timer",
    "rebind-timer",
    "rapid-commit",
    "comment",
];

fn subnet_to_range(subnet: &Value, path: &str) -> Result<Value, TranslateError> {
    let map = subnet
        .as_object()
        .ok_or_else(|| TranslateError::json(path, "expected a map"))?;
    for key in map.keys() {
        if !SUBNET_KEYS.contains(&key.as_str()) {
            return Err(TranslateError::json(
                &format!("{path}/{key}"),
                format!("the {MODULE} model has no node for \"{key}\""),
            ));
        }
    }
    let id = map.get("id").and_then(Value::as_u64).ok_or_else(|| {
        TranslateError::json(path, "the ietf model needs an \"id\" on every subnet")
    })?;
    let prefix = map
        .get("subnet")
        .and_then(Value::as_str)
        .ok_or_else(|| TranslateError::json(path, "subnet without \"subnet\""))?;
    let description = map
        .get("user-context")
        .and_then(|u| u.get("description"))
        .and_then(Value::as_str)
        .or_else(|| map.get("comment").and_then(Value::as_str))
        .unwrap_or("");
    let timer = |key: &str, default: u64| map.get(key).and_then(Value::as_u64).unwrap_or(default);
    let valid = timer("valid-lifetime", DEFAULT_VALID);
    let preferred = timer("preferred-lifetime", DEFAULT_PREFERRED);
    let renew = timer("renew-timer", DEFAULT_RENEW);
    let rebind = timer("rebind-timer", DEFAULT_REBIND);
    let rapid_commit = map
        .get("rapid-commit")
        .and_then(Value::as_bool)
        .unwrap_or(false);

    let mut pools = Vec::new();
    for (i, pool) in map
        .get("pools")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
    {
        let pool_path = format!("{path}/pools[{i}]");
        let text = pool
            .get("pool")
            .and_then(Value::as_str)
            .ok_or_else(|| TranslateError::json(&pool_path, "pool without \"pool\""))?;
        let (start, end, prefix) =
            parse_pool(text).map_err(|m| TranslateError::json(&pool_path, m))?;
        let prefix = prefix.ok_or_else(|| {
            TranslateError::json(
                &pool_path,
                format!("the {MODULE} model holds prefix pools only, not \"{text}\""),
            )
        })?;
        let mut entry = json!({
            "pool-id": i, "pool-prefix": prefix, "start-address": start, "end-address": end,
            "valid-lifetime": valid, "preferred-lifetime": preferred, "renew-time": renew,
            "rebind-time": rebind, "rapid-commit": rapid_commit, "max-address-count": "disabled",
            "option-set-id": 0
        });
        if let Some(class) = pool.get("client-class").and_then(Value::as_str) {
            entry["client-class"] = class.into();
        }
        pools.push(entry);
    }
    let mut pd_pools = Vec::new();
    for (i, pool) in map
        .get("pd-pools")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
    {
        let pool_path = format!("{path}/pd-pools[{i}]");
        let addr = pool
            .get("prefix")
            .and_then(Value::as_str)
            .ok_or_else(|| TranslateError::json(&pool_path, "pd-pool without \"prefix\""))?;
        let len = pool
            .get("prefix-len")
            .and_then(Value::as_u64)
            .ok_or_else(|| TranslateError::json(&pool_path, "pd-pool without \"prefix-len\""))?;
        let delegated = pool
            .get("delegated-len")
            .and_then(Value::as_u64)
            .ok_or_else(|| TranslateError::json(&pool_path, "pd-pool without \"delegated-len\""))?;
        let mut entry = json!({
            "pool-id": i, "prefix": format!("{addr}/{len}"), "prefix-length": delegated,
            "valid-lifetime": valid, "preferred-lifetime": preferred, "renew-time": renew,
            "rebind-time": rebind, "rapid-commit": rapid_commit, "max-pd-space-utilization": "disabled",
            "option-set-id": 0
        });
        if let Some(class) = pool.get("client-class").and_then(Value::as_str) {
            entry["client-class"] = class.into();
        }
        pd_pools.push(entry);
    }
    let mut range = json!({
        "network-range-id": id,
        "network-description": description,
        "network-prefix": prefix,
    });
    if !pools.is_empty() {
        range["address-pools"] = json!({ "address-pool": pools });
    }
    if !pd_pools.is_empty() {
        range["pd-pools"] = json!({ "pd-pool": pd_pools });
    }
    Ok(range)
}
