//! `subnetX-list`, `-get`, `-add`, `-update`, `-delta-add`, `-delta-del`, `-del`.

use kea_command::{Answer, RESULT_EMPTY, RESULT_SUCCESS};
use kea_config::{Element, Fragment};
use serde_json::{Map, Value, json};

use crate::args::{Cmd, Res, SUBNET_ID_MAX, err, get_integer};
use crate::delta::{Merger, Mode};
use crate::model::{self, Loc, SubnetRef, daemon, daemon_mut, parse_prefix, subnets};
use crate::{Family, Outcome};

fn fragment(f: Family) -> Fragment {
    match f {
        Family::V4 => Fragment::Subnet4,
        Family::V6 => Fragment::Subnet6,
    }
}

/// Checks one subnet map against the configuration keywords; the normalized copy.
pub(crate) fn validate(f: Family, v: &Value) -> Res<Map<String, Value>> {
    let el = Element::from_json(v, "<wire>").map_err(|e| Answer::error(e.command_text()))?;
    let checked = fragment(f)
        .validate(&el)
        .map_err(|e| Answer::error(e.command_text()))?;
    match checked.config.to_json() {
        Value::Object(m) => Ok(m),
        _ => err("subnet information must be a map"),
    }
}

/// Kea's checks when a subnet joins the configuration: unique id, unique prefix.
pub(crate) fn check_unique(
    f: Family,
    existing: &[SubnetRef<'_>],
    new: &Map<String, Value>,
    replacing: Option<Loc>,
) -> Res<()> {
    let others = existing.iter().filter(|s| Some(s.loc) != replacing);
    let id = model::id_of(new);
    let prefix = model::prefix_of(new);
    for s in others {
        if id.is_some() && s.id() == id && replacing.is_none() {
            return err(format!(
                "ID of the new {} subnet '{}' is already in use",
                f.proto(),
                id.unwrap_or_default()
            ));
        }
        if prefix.is_some() && s.prefix() == prefix {
            return err(format!(
                "subnet with the prefix of '{}' already exists",
                model::subnet_text(new)
            ));
        }
    }
    Ok(())
}

pub(crate) fn list(cx: &Cmd<'_>, cfg: &Value) -> Res<Outcome> {
    let f = cx.family;
    let d = daemon(f, cfg)?;
    let mut subs = subnets(f, d);
    subs.sort_by_key(|s| s.id());
    let rows: Vec<Value> = subs
        .iter()
        .map(|s| {
            let mut v = model::short(s);
            v["shared-network-name"] = json!(s.network);
            v
        })
        .collect();
    let n = rows.len();
    let text = format!(
        "{n} {} subnet{} found",
        f.proto(),
        if n == 1 { "" } else { "s" }
    );
    let code = if n == 0 { RESULT_EMPTY } else { RESULT_SUCCESS };
    Ok(Answer::new(code, text)
        .with_arguments(json!({"subnets": rows}))
        .into())
}

pub(crate) fn get(cx: &Cmd<'_>, cfg: &Value) -> Res<Outcome> {
    let f = cx.family;
    let a = cx.map()?;
    if a.len() != 1 {
        return err(format!(
            "invalid number of arguments {} for the '{}' command. Expecting 'id' or 'subnet'",
            a.len(),
            cx.name
        ));
    }
    let d = daemon(f, cfg)?;
    let subs = subnets(f, d);
    let (found, missing) = if let Some(p) = a.get("subnet") {
        let Some(text) = p.as_str() else {
            return err("'subnet' parameter must be a string");
        };
        let want = parse_prefix(text);
        (
            subs.iter().find(|s| want.is_some() && s.prefix() == want),
            format!("No {text} subnet found"),
        )
    } else if let Some(id) = a.get("id") {
        let Some(id) = id.as_i64() else {
            return err("'id' parameter must be an integer");
        };
        (
            subs.iter().find(|s| s.id().map(i64::from) == Some(id)),
            format!("No subnet with id {id} found"),
        )
    } else {
        return err("'id' or 'subnet' parameter required");
    };
    Ok(match found {
        Some(s) => Answer::success_text(format!(
            "Info about {} subnet {} (id {}) returned",
            f.proto(),
            s.text(),
            s.id().unwrap_or_default()
        ))
        .with_arguments(json!({ f.subnet_key(): [model::subnet_view(s.map)] }))
        .into(),
        None => Answer::empty(missing).into(),
    })
}

/// The single subnet map of `{"subnetX": [ {...} ]}` with subnet_cmds' checks.
fn single_subnet<'a>(cx: &Cmd<'a>) -> Res<&'a Map<String, Value>> {
    let key = cx.family.subnet_key();
    let a = cx.map()?;
    if a.len() != 1 {
        return err(format!(
            "invalid number of arguments {} for the '{}' command. Expecting '{key}' list",
            a.len(),
            cx.name
        ));
    }
    let list = match a.get(key) {
        None => {
            return err(format!(
                "missing '{key}' argument for the '{}' command",
                cx.name
            ));
        }
        Some(Value::Array(l)) => l,
        Some(_) => {
            return err(format!(
                "'{key}' argument specified for the '{}' command is not a list",
                cx.name
            ));
        }
    };
    if list.len() != 1 {
        return err(format!(
            "invalid number of subnets specified for the '{}' command. Expected one subnet",
            cx.name
        ));
    }
    let Value::Object(s) = &list[0] else {
        // Kea's text has no space after "the".
        return err(format!(
            "invalid subnet information specified for the'{}' command. Expected a map",
            cx.name
        ));
    };
    if s.contains_key("reservations") {
        let hint = if cx.name.ends_with("-add") {
            ". Use 'reservation-add' to add a reservation to a subnet"
        } else {
            "."
        };
        return err(format!(
            "must not specify host reservations with '{}'{hint}",
            cx.name
        ));
    }
    Ok(s)
}

pub(crate) fn add(cx: &Cmd<'_>, cfg: &Value) -> Res<Outcome> {
    let f = cx.family;
    let given = single_subnet(cx)?;
    let subnet = validate(f, &Value::Object(given.clone()))?;
    let d = daemon(f, cfg)?;
    check_unique(f, &subnets(f, d), &subnet, None)?;
    let info = json!({"id": model::id_of(&subnet), "subnet": model::subnet_text(&subnet)});
    let mut new = cfg.clone();
    let dm = daemon_mut(f, &mut new)?;
    model::list_mut(dm, f.subnet_key()).push(Value::Object(subnet));
    Ok(Outcome::Change {
        config: new,
        answer: Answer::success_text(format!("{} subnet added", f.proto()))
            .with_arguments(json!({"subnets": [info]})),
    })
}

pub(crate) fn update(cx: &Cmd<'_>, cfg: &Value, mode: Mode) -> Res<Outcome> {
    let f = cx.family;
    let given = single_subnet(cx)?;
    if !given.contains_key("id") {
        return err(format!(
            "must specify subnet id with '{}' command.",
            cx.name
        ));
    }
    let id = get_integer(given, "id", 1, SUBNET_ID_MAX as i64)? as u32;
    let delta = validate(f, &Value::Object(given.clone()))?;
    let d = daemon(f, cfg)?;
    let subs = subnets(f, d);
    let Some(old) = subs.iter().find(|s| s.id() == Some(id)) else {
        return err(format!("Can't find subnet '{id}' to update"));
    };
    let loc = old.loc;
    // Reservations belong to the hosts, not to the subnet definition: they stay.
    let reservations = old.map.get("reservations").cloned();
    let mut subnet = match mode {
        Mode::Replace => delta,
        Mode::Add | Mode::Del => {
            let mut merged = old.map.clone();
            merged.remove("reservations");
            let merger = Merger::new(f, d);
            if mode == Mode::Add {
                merger.add(&mut merged, &delta, &["id"])?;
            } else {
                merger.del(&mut merged, &delta, &["id", "subnet"])?;
            }
            merged
        }
    };
    check_unique(f, &subs, &subnet, Some(loc))?;
    if let Some(r) = reservations {
        subnet.insert("reservations".into(), r);
    }
    let info = json!({"id": id, "subnet": model::subnet_text(&subnet)});
    let mut new = cfg.clone();
    let dm = daemon_mut(f, &mut new)?;
    match model::subnet_mut(f, dm, loc) {
        Some(slot) => *slot = subnet,
        None => {
            return err(format!(
                "Unable to update subnet '{id}' in the configuration"
            ));
        }
    }
    Ok(Outcome::Change {
        config: new,
        answer: Answer::success_text(format!("{} subnet updated", f.proto()))
            .with_arguments(json!({"subnets": [info]})),
    })
}

pub(crate) fn del(cx: &Cmd<'_>, cfg: &Value) -> Res<Outcome> {
    let f = cx.family;
    let a = cx.map()?;
    if a.len() != 1 {
        // Kea's text lacks the closing quote after the command name.
        return err(format!(
            "invalid number of arguments specified for the '{} command. Expected subnet identifier",
            cx.name
        ));
    }
    let id = match a.get("id") {
        None => {
            return err(format!(
                "subnet identifier is required for the '{}' command",
                cx.name
            ));
        }
        Some(v) => match v.as_i64() {
            Some(i) => i,
            None => {
                return err(format!(
                    "subnet identifier specified for the '{}' is not a number",
                    cx.name
                ));
            }
        },
    };
    let d = daemon(f, cfg)?;
    let subs = subnets(f, d);
    let Some(s) = subs.iter().find(|s| s.id().map(i64::from) == Some(id)) else {
        return Ok(Answer::empty(format!("no subnet with id {id} found")).into());
    };
    let (loc, info, text) = (s.loc, model::short(s), s.text());
    let mut new = cfg.clone();
    let dm = daemon_mut(f, &mut new)?;
    if model::remove_subnet(f, dm, loc).is_none() {
        return err(format!("unable to delete subnet {id}"));
    }
    Ok(Outcome::Change {
        config: new,
        answer: Answer::success_text(format!("{} subnet {text} (id {id}) deleted", f.proto()))
            .with_arguments(json!({"subnets": [info]})),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::handle;

    fn cfg4() -> Value {
        json!({"Dhcp4": {
            "valid-lifetime": 4000,
            "subnet4": [
                {"id": 1, "subnet": "192.0.2.0/24", "pools": [{"pool": "192.0.2.10-192.0.2.20", "option-data": []}],
                 "option-data": [{"name": "routers", "data": "192.0.2.1"}],
                 "reservations": [{"hw-address": "aa:bb:cc:dd:ee:ff", "ip-address": "192.0.2.50"}]}
            ],
            "shared-networks": [{"name": "floor13", "subnet4": [{"id": 5, "subnet": "10.0.0.0/8"}]}]
        }})
    }

    fn run(cmd: &str, args: Value) -> Outcome {
        let a = if args.is_null() { None } else { Some(&args) };
        handle(Family::V4, cmd, &cfg4(), a).unwrap()
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
    fn list_includes_network_subnets_sorted() {
        let o = run("subnet4-list", Value::Null);
        assert_eq!(
            o.answer().to_kea_string(),
            r#"{ "arguments": { "subnets": [ { "id": 1, "shared-network-name": null, "subnet": "192.0.2.0/24" }, { "id": 5, "shared-network-name": "floor13", "subnet": "10.0.0.0/8" } ] }, "result": 0, "text": "2 IPv4 subnets found" }"#
        );
        let empty = handle(Family::V6, "subnet6-list", &json!({"Dhcp6": {}}), None).unwrap();
        assert_eq!(
            empty.answer().to_kea_string(),
            r#"{ "arguments": { "subnets": [  ] }, "result": 3, "text": "0 IPv6 subnets found" }"#
        );
    }

    #[test]
    fn get_by_id_or_prefix() {
        let o = run("subnet4-get", json!({"id": 1}));
        assert_eq!(
            text(&o),
            "Info about IPv4 subnet 192.0.2.0/24 (id 1) returned"
        );
        let s = &o.answer().arguments.as_ref().unwrap()["subnet4"][0];
        assert_eq!(s["id"], 1);
        assert!(s.get("reservations").is_none());
        let o = run("subnet4-get", json!({"subnet": "10.0.0.0/8"}));
        assert_eq!(
            text(&o),
            "Info about IPv4 subnet 10.0.0.0/8 (id 5) returned"
        );
        let o = run("subnet4-get", json!({"subnet": "10.0.0.0/16"}));
        assert_eq!(o.answer().result, 3);
        assert_eq!(text(&o), "No 10.0.0.0/16 subnet found");
        let o = run("subnet4-get", json!({"id": 9}));
        assert_eq!(
            (o.answer().result, text(&o)),
            (3, "No subnet with id 9 found".into())
        );
    }

    #[test]
    fn get_bad_arguments() {
        for (args, msg) in [
            (
                Value::Null,
                "no arguments specified for the 'subnet4-get' command",
            ),
            (
                json!([1]),
                "arguments specified for the 'subnet4-get' command are not a map",
            ),
            (
                json!({"id": 1, "subnet": "x"}),
                "invalid number of arguments 2 for the 'subnet4-get' command. Expecting 'id' or 'subnet'",
            ),
            (json!({"id": "1"}), "'id' parameter must be an integer"),
            (json!({"subnet": 1}), "'subnet' parameter must be a string"),
            (json!({"name": 1}), "'id' or 'subnet' parameter required"),
        ] {
            let o = run("subnet4-get", args);
            assert_eq!((o.answer().result, text(&o)), (1, msg.to_string()));
        }
    }

    #[test]
    fn add_appends_and_answers_id_and_prefix() {
        let o = run(
            "subnet4-add",
            json!({"subnet4": [{"id": 7, "subnet": "198.51.100.0/24", "pools": [{"pool": "198.51.100.10 - 198.51.100.20"}]}]}),
        );
        assert_eq!(
            o.answer().to_kea_string(),
            r#"{ "arguments": { "subnets": [ { "id": 7, "subnet": "198.51.100.0/24" } ] }, "result": 0, "text": "IPv4 subnet added" }"#
        );
        let c = changed(o);
        let subs = c["Dhcp4"]["subnet4"].as_array().unwrap();
        assert_eq!(subs.len(), 2);
        assert_eq!(
            subs[1]["pools"][0]["pool"], "198.51.100.10-198.51.100.20",
            "normalized"
        );
    }

    #[test]
    fn add_bad_arguments_change_nothing() {
        for (args, msg) in [
            (
                json!({}),
                "invalid number of arguments 0 for the 'subnet4-add' command. Expecting 'subnet4' list",
            ),
            (
                json!({"subnet6": []}),
                "missing 'subnet4' argument for the 'subnet4-add' command",
            ),
            (
                json!({"subnet4": {}}),
                "'subnet4' argument specified for the 'subnet4-add' command is not a list",
            ),
            (
                json!({"subnet4": []}),
                "invalid number of subnets specified for the 'subnet4-add' command. Expected one subnet",
            ),
            (
                json!({"subnet4": [1]}),
                "invalid subnet information specified for the'subnet4-add' command. Expected a map",
            ),
            (
                json!({"subnet4": [{"id": 8, "subnet": "198.51.100.0/24", "reservations": []}]}),
                "must not specify host reservations with 'subnet4-add'. Use 'reservation-add' to add a reservation to a subnet",
            ),
            (
                json!({"subnet4": [{"id": 1, "subnet": "198.51.100.0/24"}]}),
                "ID of the new IPv4 subnet '1' is already in use",
            ),
            (
                json!({"subnet4": [{"id": 8, "subnet": "10.0.0.0/8"}]}),
                "subnet with the prefix of '10.0.0.0/8' already exists",
            ),
        ] {
            let o = run("subnet4-add", args);
            assert!(matches!(o, Outcome::Answer(_)));
            assert_eq!((o.answer().result, text(&o)), (1, msg.to_string()));
        }
        let o = run(
            "subnet4-add",
            json!({"subnet4": [{"id": 8, "subnet": "198.51.100.0/24", "bogus": 1}]}),
        );
        assert_eq!(o.answer().result, 1);
        assert!(text(&o).contains("bogus"), "{}", text(&o));
    }

    #[test]
    fn update_replaces_and_keeps_reservations_and_network() {
        let o = run(
            "subnet4-update",
            json!({"subnet4": [{"id": 1, "subnet": "192.0.2.0/24", "valid-lifetime": 99}]}),
        );
        assert_eq!(text(&o), "IPv4 subnet updated");
        let c = changed(o);
        let s = &c["Dhcp4"]["subnet4"][0];
        assert_eq!(s["valid-lifetime"], 99);
        assert!(s.get("pools").is_none(), "replaced whole");
        assert_eq!(s["reservations"][0]["ip-address"], "192.0.2.50");
        let o = run(
            "subnet4-update",
            json!({"subnet4": [{"id": 5, "subnet": "10.0.0.0/8", "valid-lifetime": 7}]}),
        );
        let c = changed(o);
        assert_eq!(
            c["Dhcp4"]["shared-networks"][0]["subnet4"][0]["valid-lifetime"],
            7
        );
        let o = run(
            "subnet4-update",
            json!({"subnet4": [{"id": 3, "subnet": "10.0.0.0/8"}]}),
        );
        assert_eq!(
            (o.answer().result, text(&o)),
            (1, "Can't find subnet '3' to update".into())
        );
        let o = run(
            "subnet4-update",
            json!({"subnet4": [{"subnet": "10.0.0.0/8"}]}),
        );
        assert_eq!(
            text(&o),
            "must specify subnet id with 'subnet4-update' command."
        );
        let o = run(
            "subnet4-update",
            json!({"subnet4": [{"id": 0, "subnet": "10.0.0.0/8"}]}),
        );
        assert_eq!(
            text(&o),
            "The 'id' value (0) is not within expected range: (1 - 4294967294)"
        );
        let o = run(
            "subnet4-update",
            json!({"subnet4": [{"id": 1, "subnet": "10.0.0.0/8"}]}),
        );
        assert_eq!(
            text(&o),
            "subnet with the prefix of '10.0.0.0/8' already exists"
        );
    }

    #[test]
    fn delta_add_and_del() {
        let o = run(
            "subnet4-delta-add",
            json!({"subnet4": [{"id": 1, "subnet": "192.0.2.0/24", "valid-lifetime": 120,
            "option-data": [{"code": 3, "data": "192.0.2.2"}],
            "pools": [{"pool": "192.0.2.10 - 192.0.2.20", "option-data": [{"name": "time-servers", "data": "192.0.2.4"}]}]}]}),
        );
        assert_eq!(text(&o), "IPv4 subnet updated");
        let c = changed(o);
        let s = &c["Dhcp4"]["subnet4"][0];
        assert_eq!(s["valid-lifetime"], 120);
        assert_eq!(s["option-data"].as_array().unwrap().len(), 1);
        assert_eq!(s["option-data"][0]["data"], "192.0.2.2");
        assert_eq!(s["pools"].as_array().unwrap().len(), 1);
        assert_eq!(s["pools"][0]["option-data"][0]["name"], "time-servers");
        assert_eq!(s["reservations"].as_array().unwrap().len(), 1);

        let o = handle(
            Family::V4,
            "subnet4-delta-del",
            &c,
            Some(
                &json!({"subnet4": [{"id": 1, "subnet": "192.0.2.0/24", "valid-lifetime": 0,
            "option-data": [{"name": "routers"}], "pools": [{"pool": "192.0.2.10-192.0.2.20"}]}]}),
            ),
        )
        .unwrap();
        let c = changed(o);
        let s = &c["Dhcp4"]["subnet4"][0];
        assert!(s.get("valid-lifetime").is_none());
        assert!(s.get("option-data").is_none());
        assert!(s.get("pools").is_none());
        assert_eq!(s["id"], 1);
        assert_eq!(s["subnet"], "192.0.2.0/24");
    }

    #[test]
    fn del_answers_with_id_and_prefix() {
        let o = run("subnet4-del", json!({"id": 5}));
        assert_eq!(
            o.answer().to_kea_string(),
            r#"{ "arguments": { "subnets": [ { "id": 5, "subnet": "10.0.0.0/8" } ] }, "result": 0, "text": "IPv4 subnet 10.0.0.0/8 (id 5) deleted" }"#
        );
        let c = changed(o);
        assert_eq!(c["Dhcp4"]["shared-networks"][0]["subnet4"], json!([]));
        let o = run("subnet4-del", json!({"id": 6}));
        assert_eq!(
            (o.answer().result, text(&o)),
            (3, "no subnet with id 6 found".into())
        );
        for (args, msg) in [
            (
                json!({"id": 1, "x": 2}),
                "invalid number of arguments specified for the 'subnet4-del command. Expected subnet identifier",
            ),
            (
                json!({"x": 2}),
                "subnet identifier is required for the 'subnet4-del' command",
            ),
            (
                json!({"id": "2"}),
                "subnet identifier specified for the 'subnet4-del' is not a number",
            ),
        ] {
            let o = run("subnet4-del", args);
            assert_eq!((o.answer().result, text(&o)), (1, msg.to_string()));
        }
    }
}
