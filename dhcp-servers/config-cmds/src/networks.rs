//! `networkX-list`, `-get`, `-add`, `-del`, `-subnet-add`, `-subnet-del`.

use kea_command::{Answer, RESULT_EMPTY, RESULT_SUCCESS};
use kea_config::{Element, Fragment};
use serde_json::{Map, Value, json};

use crate::args::{Cmd, Res, err};
use crate::model::{self, Loc, daemon, daemon_mut, network_index, subnets};
use crate::{Family, Outcome};

fn fragment(f: Family) -> Fragment {
    match f {
        Family::V4 => Fragment::SharedNetwork4,
        Family::V6 => Fragment::SharedNetwork6,
    }
}

fn name_of(n: &Value) -> Option<&str> {
    n.get("name").and_then(Value::as_str)
}

pub(crate) fn list(cx: &Cmd<'_>, cfg: &Value) -> Res<Outcome> {
    let f = cx.family;
    let d = daemon(f, cfg)?;
    let rows: Vec<Value> = model::list(d, "shared-networks")
        .iter()
        .filter_map(name_of)
        .map(|n| json!({"name": n}))
        .collect();
    let n = rows.len();
    let text = format!(
        "{n} {} network{} found",
        f.proto(),
        if n == 1 { "" } else { "s" }
    );
    let code = if n == 0 { RESULT_EMPTY } else { RESULT_SUCCESS };
    Ok(Answer::new(code, text)
        .with_arguments(json!({"shared-networks": rows}))
        .into())
}

pub(crate) fn get(cx: &Cmd<'_>, cfg: &Value) -> Res<Outcome> {
    let f = cx.family;
    let a = cx.map()?;
    let name = match a.get("name") {
        None => {
            return err(format!(
                "invalid '{}': missing mandatory 'name' parameter",
                cx.name
            ));
        }
        Some(Value::String(s)) => s,
        Some(_) => return err("'name' parameter must be a string"),
    };
    let d = daemon(f, cfg)?;
    let found = model::list(d, "shared-networks")
        .iter()
        .find(|n| name_of(n) == Some(name.as_str()));
    Ok(match found.and_then(Value::as_object) {
        Some(n) => Answer::success_text(format!(
            "Info about {} shared network '{name}' returned",
            f.proto()
        ))
        .with_arguments(json!({"shared-networks": [model::network_view(f, n)]}))
        .into(),
        None => Answer::empty(format!("No '{name}' shared network found")).into(),
    })
}

pub(crate) fn add(cx: &Cmd<'_>, cfg: &Value) -> Res<Outcome> {
    let f = cx.family;
    let a = cx.map()?;
    let list = match a.get("shared-networks") {
        None => {
            return err(format!(
                "missing 'shared-networks' argument for the '{}' command",
                cx.name
            ));
        }
        Some(Value::Array(l)) => l,
        Some(_) => {
            return err(format!(
                "'shared-networks' argument specified for the '{}' command is not a list",
                cx.name
            ));
        }
    };
    if list.len() != 1 {
        return err(format!(
            "invalid number of networks specified for the '{}' command. Expected one network",
            cx.name
        ));
    }
    if !list[0].is_object() {
        return err(format!(
            "invalid network information specified for the'{}' command. Expected a map",
            cx.name
        ));
    }
    let el = Element::from_json(&list[0], "<wire>").map_err(|e| Answer::error(e.command_text()))?;
    let checked = fragment(f)
        .validate(&el)
        .map_err(|e| Answer::error(e.command_text()))?;
    let Value::Object(network) = checked.config.to_json() else {
        return err("shared network information must be a map");
    };
    let Some(name) = network
        .get("name")
        .and_then(Value::as_str)
        .map(str::to_string)
    else {
        return err(format!(
            "missing parameter 'name' in the shared network for the '{}' command",
            cx.name
        ));
    };
    let d = daemon(f, cfg)?;
    if network_index(d, &name).is_some() {
        return err(format!("shared network with name '{name}' already exists"));
    }
    // The network's subnets join the configuration: same uniqueness rules as subnet-add,
    // also among themselves.
    let mut present: Vec<Map<String, Value>> =
        subnets(f, d).iter().map(|s| s.map.clone()).collect();
    for s in model::list(&network, f.subnet_key()) {
        let Value::Object(sm) = s else {
            return err(format!("{} entries must be maps", f.subnet_key()));
        };
        let refs: Vec<model::SubnetRef<'_>> = present
            .iter()
            .enumerate()
            .map(|(i, map)| model::SubnetRef {
                loc: Loc::Top(i),
                map,
                network: None,
            })
            .collect();
        crate::subnets::check_unique(f, &refs, sm, None)?;
        present.push(sm.clone());
    }
    let mut new = cfg.clone();
    let dm = daemon_mut(f, &mut new)?;
    model::list_mut(dm, "shared-networks").push(Value::Object(network));
    Ok(Outcome::Change {
        config: new,
        answer: Answer::success_text(format!("A new {} shared network '{name}' added", f.proto()))
            .with_arguments(json!({"shared-networks": [{"name": name}]})),
    })
}

pub(crate) fn del(cx: &Cmd<'_>, cfg: &Value) -> Res<Outcome> {
    let f = cx.family;
    let a = cx.map()?;
    let name = match a.get("name") {
        None => {
            return err(format!(
                "network name ('name') is required for the '{}' command",
                cx.name
            ));
        }
        Some(Value::String(s)) => s.clone(),
        Some(_) => {
            return err(format!(
                "network name ('name') specified for the '{}' is not a string",
                cx.name
            ));
        }
    };
    let delete_subnets = match a.get("subnets-action") {
        None => false,
        Some(Value::String(s)) if s == "keep" => false,
        Some(Value::String(s)) if s == "delete" => true,
        Some(Value::String(s)) => {
            return err(format!(
                "Invalid value for subnets-action parameter: {s}, Supported values: 'keep' and 'delete'."
            ));
        }
        Some(_) => {
            return err(format!(
                "subnets-action parameter for {} command must be a string. Supported values are: 'keep' and 'delete'.",
                cx.name
            ));
        }
    };
    let d = daemon(f, cfg)?;
    let Some(idx) = network_index(d, &name) else {
        return Ok(Answer::empty(format!("no shared network with name '{name}' found")).into());
    };
    let mut new = cfg.clone();
    let dm = daemon_mut(f, &mut new)?;
    let removed = model::list_mut(dm, "shared-networks").remove(idx);
    if !delete_subnets {
        // Demoted to plain subnets: they no longer inherit the network's values.
        let moved: Vec<Value> = removed
            .get(f.subnet_key())
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        model::list_mut(dm, f.subnet_key()).extend(moved);
    }
    Ok(Outcome::Change {
        config: new,
        answer: Answer::success_text(format!("{} shared network '{name}' deleted", f.proto()))
            .with_arguments(json!({"shared-networks": [{"name": name}]})),
    })
}

/// `name` and `id` of the network-subnet commands.
fn name_and_id(cx: &Cmd<'_>) -> Res<(String, i64)> {
    let a = cx.map()?;
    let name = match a.get("name") {
        None => {
            return err(format!(
                "missing 'name' argument for the '{}' command",
                cx.name
            ));
        }
        Some(Value::String(s)) => s.clone(),
        Some(_) => {
            return err(format!(
                "'name' argument specified for the '{}' command is not a string",
                cx.name
            ));
        }
    };
    let id = match a.get("id") {
        None => {
            return err(format!(
                "missing 'id' argument for the '{}' command",
                cx.name
            ));
        }
        Some(v) => match v.as_i64() {
            Some(i) => i,
            // Kea names the wrong parameter here.
            None => {
                return err(format!(
                    "'name' argument specified for the '{}' command is not an integer",
                    cx.name
                ));
            }
        },
    };
    Ok((name, id))
}

pub(crate) fn subnet_add(cx: &Cmd<'_>, cfg: &Value) -> Res<Outcome> {
    let f = cx.family;
    let (name, id) = name_and_id(cx)?;
    let d = daemon(f, cfg)?;
    let Some(net) = network_index(d, &name) else {
        return Ok(Answer::empty(format!(
            "no {} shared network with name '{name}' found",
            f.proto()
        ))
        .into());
    };
    let subs = subnets(f, d);
    let Some(s) = subs.iter().find(|s| s.id().map(i64::from) == Some(id)) else {
        return Ok(Answer::empty(format!("no {} subnet with id '{id}' found", f.proto())).into());
    };
    if s.network.is_some() {
        return err(format!(
            "subnet {id} being added to a shared network already belongs to a shared network"
        ));
    }
    let (loc, text) = (s.loc, s.text());
    let mut new = cfg.clone();
    let dm = daemon_mut(f, &mut new)?;
    let Some(subnet) = model::remove_subnet(f, dm, loc) else {
        return err(format!("unable to move subnet {id}"));
    };
    let Some(Value::Object(nm)) = model::list_mut(dm, "shared-networks").get_mut(net) else {
        return err(format!("unable to move subnet {id}"));
    };
    model::list_mut(nm, f.subnet_key()).push(subnet);
    Ok(Outcome::Change {
        config: new,
        answer: Answer::success_text(format!(
            "{} subnet {text} (id {id}) is now part of shared network '{name}'",
            f.proto()
        )),
    })
}

pub(crate) fn subnet_del(cx: &Cmd<'_>, cfg: &Value) -> Res<Outcome> {
    let f = cx.family;
    let (name, id) = name_and_id(cx)?;
    let d = daemon(f, cfg)?;
    let Some(net) = network_index(d, &name) else {
        return Ok(Answer::empty(format!(
            "no {} shared network with name '{name}' found",
            f.proto()
        ))
        .into());
    };
    let subs = subnets(f, d);
    let found = subs
        .iter()
        .find(|s| s.id().map(i64::from) == Some(id) && matches!(s.loc, Loc::Net(n, _) if n == net));
    let Some(s) = found else {
        return Ok(Answer::empty(format!(
            "The {} subnet with id {id} is not part of the shared network with name '{name}' found",
            f.proto()
        ))
        .into());
    };
    let (loc, text) = (s.loc, s.text());
    let mut new = cfg.clone();
    let dm = daemon_mut(f, &mut new)?;
    let Some(subnet) = model::remove_subnet(f, dm, loc) else {
        return err(format!("unable to move subnet {id}"));
    };
    model::list_mut(dm, f.subnet_key()).push(subnet);
    Ok(Outcome::Change {
        config: new,
        answer: Answer::success_text(format!(
            "{} subnet {text} (id {id}) is now removed from shared network '{name}'",
            f.proto()
        )),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::handle;

    fn cfg6() -> Value {
        json!({"Dhcp6": {
            "subnet6": [{"id": 1, "subnet": "2001:db8:1::/64", "reservations": [{"duid": "01:02", "ip-addresses": ["2001:db8:1::5"]}]}],
            "shared-networks": [{"name": "floor13", "interface": "eth0",
                                 "subnet6": [{"id": 5, "subnet": "2001:db8:5::/64", "reservations": []}]}]
        }})
    }

    fn run(cmd: &str, args: Value) -> Outcome {
        let a = if args.is_null() { None } else { Some(&args) };
        handle(Family::V6, cmd, &cfg6(), a).unwrap()
    }

    fn text(o: &Outcome) -> String {
        o.answer().text.clone().unwrap_or_default()
    }

    fn changed(o: Outcome) -> Value {
        match o {
            Outcome::Change { config, .. } => config,
            Outcome::Answer(a) => panic!("no change: {a}"),
        }
    }

    #[test]
    fn list_and_get() {
        let o = run("network6-list", Value::Null);
        assert_eq!(
            o.answer().to_kea_string(),
            r#"{ "arguments": { "shared-networks": [ { "name": "floor13" } ] }, "result": 0, "text": "1 IPv6 network found" }"#
        );
        let o = run("network6-get", json!({"name": "floor13"}));
        assert_eq!(
            text(&o),
            "Info about IPv6 shared network 'floor13' returned"
        );
        let n = &o.answer().arguments.as_ref().unwrap()["shared-networks"][0];
        assert_eq!(n["interface"], "eth0");
        assert!(n["subnet6"][0].get("reservations").is_none());
        let o = run("network6-get", json!({"name": "x"}));
        assert_eq!(
            (o.answer().result, text(&o)),
            (3, "No 'x' shared network found".into())
        );
        let o = run("network6-get", json!({}));
        assert_eq!(
            text(&o),
            "invalid 'network6-get': missing mandatory 'name' parameter"
        );
        let o = run("network6-get", json!({"name": 3}));
        assert_eq!(text(&o), "'name' parameter must be a string");
        let o = handle(Family::V6, "network6-list", &json!({"Dhcp6": {}}), None).unwrap();
        assert_eq!(
            (o.answer().result, text(&o)),
            (3, "0 IPv6 networks found".into())
        );
    }

    #[test]
    fn add_checks_name_and_subnet_ids() {
        let o = run(
            "network6-add",
            json!({"shared-networks": [{"name": "floor14", "subnet6": [{"id": 9, "subnet": "2001:db8:9::/64"}]}]}),
        );
        assert_eq!(
            o.answer().to_kea_string(),
            r#"{ "arguments": { "shared-networks": [ { "name": "floor14" } ] }, "result": 0, "text": "A new IPv6 shared network 'floor14' added" }"#
        );
        let c = changed(o);
        assert_eq!(c["Dhcp6"]["shared-networks"][1]["subnet6"][0]["id"], 9);
        for (args, msg) in [
            (
                json!({}),
                "missing 'shared-networks' argument for the 'network6-add' command",
            ),
            (
                json!({"shared-networks": {}}),
                "'shared-networks' argument specified for the 'network6-add' command is not a list",
            ),
            (
                json!({"shared-networks": [{"name": "a"}, {"name": "b"}]}),
                "invalid number of networks specified for the 'network6-add' command. Expected one network",
            ),
            (
                json!({"shared-networks": ["a"]}),
                "invalid network information specified for the'network6-add' command. Expected a map",
            ),
            (
                json!({"shared-networks": [{"name": "floor13"}]}),
                "shared network with name 'floor13' already exists",
            ),
            (
                json!({"shared-networks": [{"name": "n", "subnet6": [{"id": 1, "subnet": "2001:db8:7::/64"}]}]}),
                "ID of the new IPv6 subnet '1' is already in use",
            ),
            (
                json!({"shared-networks": [{"name": "n", "subnet6": [{"id": 7, "subnet": "2001:db8:7::/64"}, {"id": 7, "subnet": "2001:db8:8::/64"}]}]}),
                "ID of the new IPv6 subnet '7' is already in use",
            ),
            (
                json!({"shared-networks": [{"subnet6": []}]}),
                "missing parameter 'name' in the shared network for the 'network6-add' command",
            ),
        ] {
            let o = run("network6-add", args);
            assert_eq!((o.answer().result, text(&o)), (1, msg.to_string()));
        }
    }

    #[test]
    fn del_keeps_or_deletes_subnets() {
        let c = changed(run("network6-del", json!({"name": "floor13"})));
        assert_eq!(c["Dhcp6"]["shared-networks"], json!([]));
        assert_eq!(c["Dhcp6"]["subnet6"][1]["id"], 5, "demoted");
        let o = run(
            "network6-del",
            json!({"name": "floor13", "subnets-action": "delete"}),
        );
        assert_eq!(text(&o), "IPv6 shared network 'floor13' deleted");
        let c = changed(o);
        assert_eq!(c["Dhcp6"]["subnet6"].as_array().unwrap().len(), 1);
        let o = run("network6-del", json!({"name": "nope"}));
        assert_eq!(
            (o.answer().result, text(&o)),
            (3, "no shared network with name 'nope' found".into())
        );
        let o = run(
            "network6-del",
            json!({"name": "floor13", "subnets-action": "drop"}),
        );
        assert_eq!(
            text(&o),
            "Invalid value for subnets-action parameter: drop, Supported values: 'keep' and 'delete'."
        );
        let o = run("network6-del", json!({"name": 1}));
        assert_eq!(
            text(&o),
            "network name ('name') specified for the 'network6-del' is not a string"
        );
    }

    #[test]
    fn subnet_moves_in_and_out() {
        let o = run("network6-subnet-add", json!({"name": "floor13", "id": 1}));
        assert_eq!(
            text(&o),
            "IPv6 subnet 2001:db8:1::/64 (id 1) is now part of shared network 'floor13'"
        );
        let c = changed(o);
        assert_eq!(c["Dhcp6"]["subnet6"], json!([]));
        let in_net = &c["Dhcp6"]["shared-networks"][0]["subnet6"];
        assert_eq!(in_net[1]["id"], 1);
        assert_eq!(
            in_net[1]["reservations"][0]["duid"], "01:02",
            "reservations move along"
        );

        let o = run("network6-subnet-add", json!({"name": "floor13", "id": 5}));
        assert_eq!(
            (o.answer().result, text(&o)),
            (
                1,
                "subnet 5 being added to a shared network already belongs to a shared network"
                    .into()
            )
        );
        let o = run("network6-subnet-add", json!({"name": "floor13", "id": 8}));
        assert_eq!(
            (o.answer().result, text(&o)),
            (3, "no IPv6 subnet with id '8' found".into())
        );
        let o = run("network6-subnet-add", json!({"name": "x", "id": 1}));
        assert_eq!(
            (o.answer().result, text(&o)),
            (3, "no IPv6 shared network with name 'x' found".into())
        );
        let o = run("network6-subnet-add", json!({"name": "floor13"}));
        assert_eq!(
            text(&o),
            "missing 'id' argument for the 'network6-subnet-add' command"
        );

        let o = run("network6-subnet-del", json!({"name": "floor13", "id": 5}));
        assert_eq!(
            text(&o),
            "IPv6 subnet 2001:db8:5::/64 (id 5) is now removed from shared network 'floor13'"
        );
        let c = changed(o);
        assert_eq!(c["Dhcp6"]["subnet6"][1]["id"], 5);
        let o = run("network6-subnet-del", json!({"name": "floor13", "id": 1}));
        assert_eq!((o.answer().result, text(&o)), (3, "The IPv6 subnet with id 1 is not part of the shared network with name 'floor13' found".into()));
    }
}
