//! Incremental application of a commit: the commands (Kea's `subnet_cmds`
//! and `host_cmds`, ARM 17.27 and 17.14) that turn the configuration a
//! server runs into the new one, when the change is limited to whole
//! top-level subnets and their reservations.
//!
//! [`plan`] compares two translated configurations (`{"Dhcp4": {...}}` or
//! `{"Dhcp6": {...}}`) and returns the commands, or why the change needs a
//! `config-set`. [`expected_hash`] predicts the `config-hash-get` answer of
//! this project's servers for a configuration, which is how the agent
//! proves, before and after the commands, that the server runs exactly what
//! a `config-set` would have given it.
//!
//! The commands are planned so that the server's lists end up in the order
//! of the new configuration (additions go to the end of a list, as the
//! servers append them): a change that reorders subnets or reservations is
//! left to `config-set`, since list order is part of the configuration.

use std::collections::{HashMap, HashSet};

use serde_json::{Map, Value, json};

/// More commands than this and one `config-set` is cheaper: each command
/// makes the server apply a whole configuration.
pub const MAX_COMMANDS: usize = 16;

/// One control command of a plan.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    pub command: String,
    pub arguments: Value,
}

impl Step {
    fn new(command: impl Into<String>, arguments: Value) -> Self {
        Self {
            command: command.into(),
            arguments,
        }
    }
}

/// Why a change cannot be applied with commands.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct NotIncremental(pub String);

fn not(reason: impl Into<String>) -> NotIncremental {
    NotIncremental(reason.into())
}

/// The server family of a configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    V4,
    V6,
}

impl Family {
    fn of(config: &Value) -> Option<Family> {
        let map = config.as_object()?;
        if map.len() != 1 {
            return None;
        }
        match map.keys().next().map(String::as_str) {
            Some("Dhcp4") => Some(Family::V4),
            Some("Dhcp6") => Some(Family::V6),
            _ => None,
        }
    }

    fn root(self) -> &'static str {
        match self {
            Family::V4 => "Dhcp4",
            Family::V6 => "Dhcp6",
        }
    }

    fn subnets(self) -> &'static str {
        match self {
            Family::V4 => "subnet4",
            Family::V6 => "subnet6",
        }
    }

    /// Host identifier keys a reservation is matched by (host_cmds').
    fn identifiers(self) -> &'static [&'static str] {
        match self {
            Family::V4 => &["hw-address", "duid", "circuit-id", "client-id", "flex-id"],
            Family::V6 => &["hw-address", "duid", "flex-id"],
        }
    }
}

/// The commands a plan needs the server to have, for a check against
/// `list-commands`.
pub fn required_commands(steps: &[Step]) -> Vec<&str> {
    let mut names: Vec<&str> = steps.iter().map(|s| s.command.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    names
}

/// The commands turning `old` into `new`, in a safe order: reservation
/// deletions, subnet deletions, subnet updates, subnet additions,
/// reservation updates, reservation additions. An empty plan means the
/// configurations are equal.
pub fn plan(old: &Value, new: &Value) -> Result<Vec<Step>, NotIncremental> {
    let family = Family::of(new).ok_or_else(|| not("not a Dhcp4 or Dhcp6 configuration"))?;
    if Family::of(old) != Some(family) {
        return Err(not("the previous configuration is of another server"));
    }
    let key = family.subnets();
    let (Some(old_map), Some(new_map)) = (
        old[family.root()].as_object(),
        new[family.root()].as_object(),
    ) else {
        return Err(not("the configuration is not a map"));
    };
    if let Some(changed) = changed_key(old_map, new_map, &[key]) {
        return Err(not(format!("'{changed}' changed")));
    }
    let old_subnets = subnet_list(old_map, key)?;
    let new_subnets = subnet_list(new_map, key)?;
    let old_by_id: HashMap<i64, &Map<String, Value>> = old_subnets.iter().copied().collect();
    let new_ids: HashSet<i64> = new_subnets.iter().map(|(id, _)| *id).collect();

    // The servers append additions: the new order must be the old one
    // without the deleted subnets, then the added ones.
    let kept: Vec<i64> = old_subnets
        .iter()
        .map(|(id, _)| *id)
        .filter(|id| new_ids.contains(id))
        .collect();
    let new_order: Vec<i64> = new_subnets.iter().map(|(id, _)| *id).collect();
    if new_order[..kept.len().min(new_order.len())] != kept[..]
        || new_order[kept.len()..]
            .iter()
            .any(|id| old_by_id.contains_key(id))
    {
        return Err(not(format!("the order of the {key} list changed")));
    }

    let mut reservation_dels = Vec::new();
    let mut subnet_dels = Vec::new();
    let mut subnet_updates = Vec::new();
    let mut subnet_adds = Vec::new();
    let mut reservation_updates = Vec::new();
    let mut reservation_adds = Vec::new();

    for (id, _) in &old_subnets {
        if !new_ids.contains(id) {
            subnet_dels.push(Step::new(format!("{key}-del"), json!({ "id": id })));
        }
    }
    for (id, subnet) in &new_subnets {
        let body = without_reservations(subnet);
        let new_hosts = reservations(family, subnet, *id)?;
        match old_by_id.get(id) {
            None => {
                subnet_adds.push(Step::new(format!("{key}-add"), json!({ key: [body] })));
                for (_, host) in new_hosts {
                    reservation_adds.push(add_step(host, *id));
                }
            }
            Some(old_subnet) => {
                if without_reservations(old_subnet) != body {
                    subnet_updates.push(Step::new(format!("{key}-update"), json!({ key: [body] })));
                }
                let old_hosts = reservations(family, old_subnet, *id)?;
                let old_index: HashMap<&HostKey, Entry<'_>> =
                    old_hosts.iter().map(|(k, h)| (k, *h)).collect();
                let new_keys: HashSet<&HostKey> = new_hosts.iter().map(|(k, _)| k).collect();
                for (ident, _) in &old_hosts {
                    if !new_keys.contains(ident) {
                        reservation_dels.push(Step::new(
                            "reservation-del",
                            json!({"subnet-id": id, "identifier-type": ident.0,
                                   "identifier": ident.1}),
                        ));
                    }
                }
                let kept: Vec<&HostKey> = old_hosts
                    .iter()
                    .map(|(k, _)| k)
                    .filter(|k| new_keys.contains(k))
                    .collect();
                let order: Vec<&HostKey> = new_hosts.iter().map(|(k, _)| k).collect();
                if order[..kept.len().min(order.len())] != kept[..] {
                    return Err(not(format!(
                        "the order of the reservations of subnet {id} changed"
                    )));
                }
                for (ident, host) in &new_hosts {
                    match old_index.get(ident) {
                        None => reservation_adds.push(add_step(host, *id)),
                        Some(old_host) if old_host != host => {
                            let mut reservation = (*host).clone();
                            reservation.insert("subnet-id".into(), json!(id));
                            reservation_updates.push(Step::new(
                                "reservation-update",
                                json!({ "reservation": reservation }),
                            ));
                        }
                        Some(_) => {}
                    }
                }
            }
        }
    }
    let steps: Vec<Step> = [
        reservation_dels,
        subnet_dels,
        subnet_updates,
        subnet_adds,
        reservation_updates,
        reservation_adds,
    ]
    .into_iter()
    .flatten()
    .collect();
    if steps.len() > MAX_COMMANDS {
        return Err(not(format!(
            "{} commands needed, more than {MAX_COMMANDS}",
            steps.len()
        )));
    }
    Ok(steps)
}

fn add_step(host: &Map<String, Value>, subnet_id: i64) -> Step {
    let mut reservation = host.clone();
    reservation.insert("subnet-id".into(), json!(subnet_id));
    Step::new("reservation-add", json!({ "reservation": reservation }))
}

/// The first key (other than `except`) whose value differs.
fn changed_key<'a>(
    old: &'a Map<String, Value>,
    new: &'a Map<String, Value>,
    except: &[&str],
) -> Option<&'a str> {
    old.keys()
        .chain(new.keys())
        .filter(|k| !except.contains(&k.as_str()))
        .find(|k| old.get(*k) != new.get(*k))
        .map(String::as_str)
}

/// A JSON map of a configuration (a subnet, a reservation).
type Entry<'a> = &'a Map<String, Value>;

/// A reservation's identifier: (type, value), e.g. ("hw-address", "aa:…").
type HostKey = (String, String);

/// The subnets of a list with their ids (unique, present).
fn subnet_list<'a>(
    map: &'a Map<String, Value>,
    key: &str,
) -> Result<Vec<(i64, Entry<'a>)>, NotIncremental> {
    let Some(list) = map.get(key) else {
        return Ok(Vec::new());
    };
    let list = list
        .as_array()
        .ok_or_else(|| not(format!("'{key}' is not a list")))?;
    let mut seen = HashSet::new();
    let mut out = Vec::with_capacity(list.len());
    for subnet in list {
        let subnet = subnet
            .as_object()
            .ok_or_else(|| not(format!("a '{key}' entry is not a map")))?;
        let id = subnet
            .get("id")
            .and_then(Value::as_i64)
            .filter(|id| *id > 0)
            .ok_or_else(|| not(format!("a '{key}' entry has no id")))?;
        if !seen.insert(id) {
            return Err(not(format!("subnet id {id} appears twice")));
        }
        out.push((id, subnet));
    }
    Ok(out)
}

fn without_reservations(subnet: &Map<String, Value>) -> Value {
    let mut body = subnet.clone();
    body.remove("reservations");
    Value::Object(body)
}

/// A subnet's reservations keyed by (identifier type, identifier), which
/// must be unique for host_cmds to address them.
fn reservations(
    family: Family,
    subnet: &Map<String, Value>,
    id: i64,
) -> Result<Vec<(HostKey, Entry<'_>)>, NotIncremental> {
    let Some(list) = subnet.get("reservations") else {
        return Ok(Vec::new());
    };
    let list = list
        .as_array()
        .ok_or_else(|| not(format!("the reservations of subnet {id} are not a list")))?;
    let mut seen = HashSet::new();
    let mut out = Vec::with_capacity(list.len());
    for host in list {
        let host = host
            .as_object()
            .ok_or_else(|| not(format!("a reservation of subnet {id} is not a map")))?;
        let ident = family
            .identifiers()
            .iter()
            .find_map(|k| Some((k.to_string(), host.get(*k)?.as_str()?.to_string())))
            .ok_or_else(|| not(format!("a reservation of subnet {id} has no identifier")))?;
        if !seen.insert(ident.clone()) {
            return Err(not(format!(
                "two reservations of subnet {id} have the {} {}",
                ident.0, ident.1
            )));
        }
        out.push((ident, host));
    }
    Ok(out)
}

/// What `config-hash-get` of this project's kea-dhcp4/kea-dhcp6 answers
/// once it runs `config`: the hash of the server's normalized form
/// (`config-get` with defaults), computed with the same configuration
/// layer the servers load with.
pub fn expected_hash(config: &Value) -> Result<String, String> {
    let family = Family::of(config).ok_or("not a Dhcp4 or Dhcp6 configuration")?;
    let root = kea_config::Element::from_json(config, "<agent>").map_err(|e| e.to_string())?;
    match family {
        Family::V4 => kea_config::Dhcp4Config::from_root(&root)
            .map(|l| l.config.config_hash())
            .map_err(|e| e.to_string()),
        Family::V6 => kea_config::Dhcp6Config::from_root(&root)
            .map(|l| l.config.config_hash())
            .map_err(|e| e.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v4(subnets: Value) -> Value {
        json!({"Dhcp4": {"valid-lifetime": 4000, "subnet4": subnets}})
    }

    fn names(steps: &[Step]) -> Vec<&str> {
        steps.iter().map(|s| s.command.as_str()).collect()
    }

    #[test]
    fn equal_configs_need_nothing() {
        let c = v4(json!([{"id": 1, "subnet": "192.0.2.0/24"}]));
        assert_eq!(plan(&c, &c), Ok(vec![]));
    }

    #[test]
    fn added_subnet_is_one_add_then_its_reservations() {
        let old = v4(json!([{"id": 1, "subnet": "192.0.2.0/24"}]));
        let new = v4(json!([{"id": 1, "subnet": "192.0.2.0/24"},
            {"id": 2, "subnet": "198.51.100.0/24",
             "reservations": [{"hw-address": "aa:bb:cc:dd:ee:ff", "ip-address": "198.51.100.5"}]}]));
        let steps = plan(&old, &new).expect("plan");
        assert_eq!(names(&steps), ["subnet4-add", "reservation-add"]);
        assert_eq!(
            steps[0].arguments,
            json!({"subnet4": [{"id": 2, "subnet": "198.51.100.0/24"}]})
        );
        assert_eq!(
            steps[1].arguments["reservation"]["subnet-id"],
            json!(2),
            "{:?}",
            steps[1]
        );
    }

    #[test]
    fn deletions_come_before_updates_and_additions() {
        let old = v4(json!([
            {"id": 1, "subnet": "192.0.2.0/24",
             "reservations": [{"hw-address": "01:02:03:04:05:06", "ip-address": "192.0.2.9"},
                              {"client-id": "01:aa", "ip-address": "192.0.2.10"}]},
            {"id": 2, "subnet": "198.51.100.0/24"}]));
        let new = v4(json!([
            {"id": 1, "subnet": "192.0.2.0/24", "valid-lifetime": 600,
             "reservations": [{"client-id": "01:aa", "ip-address": "192.0.2.11"},
                              {"hw-address": "0a:0b:0c:0d:0e:0f", "ip-address": "192.0.2.9"}]},
            {"id": 3, "subnet": "198.51.100.0/24"}]));
        let steps = plan(&old, &new).expect("plan");
        assert_eq!(
            names(&steps),
            [
                "reservation-del",
                "subnet4-del",
                "subnet4-update",
                "subnet4-add",
                "reservation-update",
                "reservation-add"
            ]
        );
        assert_eq!(
            steps[0].arguments,
            json!({"subnet-id": 1, "identifier-type": "hw-address",
                   "identifier": "01:02:03:04:05:06"})
        );
        assert_eq!(steps[1].arguments, json!({"id": 2}));
        assert!(
            steps[2].arguments["subnet4"][0]
                .get("reservations")
                .is_none()
        );
        assert_eq!(required_commands(&steps).len(), 6);
    }

    #[test]
    fn global_changes_and_reorders_need_config_set() {
        let old = v4(json!([{"id": 1, "subnet": "192.0.2.0/24"},
                            {"id": 2, "subnet": "198.51.100.0/24"}]));
        let mut new = old.clone();
        new["Dhcp4"]["valid-lifetime"] = json!(10);
        assert_eq!(
            plan(&old, &new),
            Err(NotIncremental("'valid-lifetime' changed".into()))
        );
        let swapped = v4(json!([{"id": 2, "subnet": "198.51.100.0/24"},
                                {"id": 1, "subnet": "192.0.2.0/24"}]));
        assert!(plan(&old, &swapped).unwrap_err().0.contains("order"));
        // A new subnet in front of old ones cannot be appended.
        let front = v4(json!([{"id": 5, "subnet": "203.0.113.0/24"},
                              {"id": 1, "subnet": "192.0.2.0/24"},
                              {"id": 2, "subnet": "198.51.100.0/24"}]));
        assert!(plan(&old, &front).unwrap_err().0.contains("order"));
        let mut shared = old.clone();
        shared["Dhcp4"]["shared-networks"] = json!([{"name": "n"}]);
        assert!(plan(&old, &shared).is_err());
        let v6 = json!({"Dhcp6": {"subnet6": []}});
        assert!(plan(&old, &v6).is_err());
    }

    #[test]
    fn ambiguous_subnets_or_hosts_need_config_set() {
        let old = v4(json!([{"id": 1, "subnet": "192.0.2.0/24"}]));
        let dup = v4(json!([{"id": 1, "subnet": "192.0.2.0/24"},
                            {"id": 1, "subnet": "198.51.100.0/24"}]));
        assert!(plan(&old, &dup).unwrap_err().0.contains("twice"));
        let anonymous = v4(json!([{"id": 1, "subnet": "192.0.2.0/24",
            "reservations": [{"ip-address": "192.0.2.5"}]}]));
        assert!(plan(&old, &anonymous).unwrap_err().0.contains("identifier"));
        let no_id = v4(json!([{"subnet": "192.0.2.0/24"}]));
        assert!(plan(&old, &no_id).is_err());
    }

    #[test]
    fn too_many_commands_need_config_set() {
        let old = v4(json!([]));
        let many: Vec<Value> = (1..=MAX_COMMANDS as i64 + 1)
            .map(|i| json!({"id": i, "subnet": format!("10.0.{i}.0/24")}))
            .collect();
        assert!(
            plan(&old, &v4(json!(many)))
                .unwrap_err()
                .0
                .contains("commands")
        );
    }

    #[test]
    fn v6_uses_subnet6_commands_and_duid() {
        let old = json!({"Dhcp6": {"subnet6": [{"id": 1, "subnet": "2001:db8::/64",
            "reservations": [{"duid": "01:02", "ip-addresses": ["2001:db8::5"]}]}]}});
        let new = json!({"Dhcp6": {"subnet6": []}});
        assert_eq!(names(&plan(&old, &new).expect("plan")), ["subnet6-del"]);
    }

    #[test]
    fn expected_hash_follows_the_configuration() {
        let a = v4(json!([{"id": 1, "subnet": "192.0.2.0/24"}]));
        let b = v4(json!([{"id": 1, "subnet": "192.0.3.0/24"}]));
        let ha = expected_hash(&a).expect("hash");
        assert_eq!(ha.len(), 64);
        assert_eq!(ha, expected_hash(&a.clone()).expect("hash"));
        assert_ne!(ha, expected_hash(&b).expect("hash"));
        assert!(expected_hash(&json!({"Dhcp4": {"subnet4": "x"}})).is_err());
    }
}
