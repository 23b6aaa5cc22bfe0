//! subnet_cmds and host_cmds on the real kea-dhcp6 binary (no DHCP traffic:
//! `"interfaces": []`), over its UNIX control socket: changes show in config-get, bad ones
//! leave the configuration (hash) untouched, leases stay, config-write + config-reload keep
//! them. Runs without root.

use std::path::Path;

use integration_tests::control::TempDaemon;
use serde_json::{Value, json};

const BIN: &str = env!("CARGO_BIN_EXE_kea-dhcp6");

/// kea-dhcp6 with the test's configuration, its files in a temporary directory.
fn start_server() -> TempDaemon {
    TempDaemon::start("kea-dhcp6", Path::new(BIN), "kea6.sock", |dir| {
        json!({"Dhcp6": {
            "interfaces-config": {"interfaces": []},
            "control-socket": {"socket-type": "unix", "socket-name": dir.join("kea6.sock")},
            "lease-database": {"type": "memfile", "persist": false},
            "server-id": {"type": "LL", "htype": 1, "identifier": "0a0b0c0d0e0f", "persist": false},
            "subnet6": [{"id": 1, "subnet": "2001:db8:1::/64",
                         "pools": [{"pool": "2001:db8:1::100 - 2001:db8:1::1ff"}]}],
            "loggers": [{"name": "kea-dhcp6", "severity": "INFO",
                         "output-options": [{"output": dir.join("kea.log")}]}]
        }})
    })
}

fn subnet_ids(list: &Value) -> Vec<i64> {
    list.as_array()
        .map(|l| l.iter().filter_map(|s| s["id"].as_i64()).collect())
        .unwrap_or_default()
}

#[test]
fn subnet_commands_change_the_running_configuration() {
    let d = start_server();
    let names = d.cmd("list-commands", None)["arguments"].clone();
    for c in dhcp_config_cmds::command_names(dhcp_config_cmds::Family::V6) {
        assert!(names.as_array().unwrap().contains(&json!(c)), "{c}");
    }
    let l = d.cmd(
        "lease6-add",
        Some(json!({"ip-address": "2001:db8:1::150", "duid": "01:02:03:04", "iaid": 1234})),
    );
    assert_eq!(l["result"], 0, "{l}");

    let before = d.hash();
    let r = d.cmd(
        "subnet6-add",
        Some(json!({"subnet6": [{"id": 7, "subnet": "2001:db8:7::/64",
        "pools": [{"pool": "2001:db8:7::10 - 2001:db8:7::20"}],
        "pd-pools": [{"prefix": "2001:db8:70::", "prefix-len": 48, "delegated-len": 64}],
        "option-data": [{"name": "dns-servers", "data": "2001:db8::53"}]}]})),
    );
    assert_eq!(
        r,
        json!({"arguments": {"subnets": [{"id": 7, "subnet": "2001:db8:7::/64"}]}, "result": 0, "text": "IPv6 subnet added"})
    );
    assert_ne!(d.hash(), before);
    assert_eq!(subnet_ids(&d.config("Dhcp6")["subnet6"]), vec![1, 7]);
    let g = d.cmd("subnet6-get", Some(json!({"id": 7})));
    assert_eq!(
        g["text"],
        "Info about IPv6 subnet 2001:db8:7::/64 (id 7) returned"
    );
    assert_eq!(
        g["arguments"]["subnet6"][0]["pd-pools"][0]["delegated-len"],
        64
    );

    d.rejected(
        "subnet6-add",
        json!({"subnet6": [{"id": 7, "subnet": "2001:db8:8::/64"}]}),
        "ID of the new IPv6 subnet '7' is already in use",
    );
    d.rejected(
        "subnet6-add",
        json!({"subnet6": [{"id": 8, "subnet": "2001:db8:7::/64"}]}),
        "subnet with the prefix of '2001:db8:7::/64' already exists",
    );
    d.rejected(
        "subnet6-add",
        json!({"subnet6": [{"id": 8, "subnet": "2001:db8:8::/64",
        "pools": [{"pool": "2001:db8:7::10-2001:db8:7::20"}]}]}),
        "does not match the prefix",
    );
    d.rejected(
        "subnet6-add",
        json!({"subnet6": [{"id": 8, "subnet": "2001:db8:8::/64", "match-client-id": true}]}),
        "match-client-id",
    );

    // delta-del removes a pd-pool named by its identity and a subnet option.
    let u = d.cmd(
        "subnet6-delta-del",
        Some(json!({"subnet6": [{"id": 7, "subnet": "2001:db8:7::/64",
        "option-data": [{"name": "dns-servers"}],
        "pd-pools": [{"prefix": "2001:db8:70::", "prefix-len": 48, "delegated-len": 64}]}]})),
    );
    assert_eq!(u["text"], "IPv6 subnet updated", "{u}");
    let s7 = &d.config("Dhcp6")["subnet6"][1];
    assert_eq!(s7["option-data"], json!([]), "{s7}");
    assert!(s7["pd-pools"].as_array().is_none_or(Vec::is_empty), "{s7}");
    let u = d.cmd(
        "subnet6-update",
        Some(
            json!({"subnet6": [{"id": 7, "subnet": "2001:db8:7::/64", "preferred-lifetime": 300}]}),
        ),
    );
    assert_eq!(u["result"], 0, "{u}");
    assert_eq!(d.config("Dhcp6")["subnet6"][1]["preferred-lifetime"], 300);

    let n = d.cmd(
        "network6-add",
        Some(json!({"shared-networks": [{"name": "floor13", "subnet6": []}]})),
    );
    assert_eq!(
        n["text"], "A new IPv6 shared network 'floor13' added",
        "{n}"
    );
    let m = d.cmd(
        "network6-subnet-add",
        Some(json!({"name": "floor13", "id": 7})),
    );
    assert_eq!(
        m["text"],
        "IPv6 subnet 2001:db8:7::/64 (id 7) is now part of shared network 'floor13'"
    );
    assert_eq!(
        subnet_ids(&d.config("Dhcp6")["shared-networks"][0]["subnet6"]),
        vec![7]
    );
    assert_eq!(d.cmd("network6-list", None)["text"], "1 IPv6 network found");
    let m = d.cmd(
        "network6-subnet-del",
        Some(json!({"name": "floor13", "id": 7})),
    );
    assert_eq!(m["result"], 0, "{m}");
    let del = d.cmd("network6-del", Some(json!({"name": "floor13"})));
    assert_eq!(del["text"], "IPv6 shared network 'floor13' deleted");
    let del = d.cmd("subnet6-del", Some(json!({"id": 7})));
    assert_eq!(del["text"], "IPv6 subnet 2001:db8:7::/64 (id 7) deleted");
    assert_eq!(subnet_ids(&d.config("Dhcp6")["subnet6"]), vec![1]);

    let g = d.cmd("lease6-get", Some(json!({"ip-address": "2001:db8:1::150"})));
    assert_eq!(g["result"], 0, "lease kept: {g}");
}

#[test]
fn reservations_in_the_configuration_file() {
    let d = start_server();
    let r = d.cmd(
        "reservation-add",
        Some(json!({"reservation": {"subnet-id": 1,
        "duid": "01:02:03:04:05:06", "ip-addresses": ["2001:db8:1::5"],
        "prefixes": ["2001:db8:2:cafe::/64"], "hostname": "foo.example.com"}})),
    );
    assert_eq!(r, json!({"result": 0, "text": "Host added."}));
    assert_eq!(
        d.config("Dhcp6")["subnet6"][0]["reservations"][0]["duid"],
        "01:02:03:04:05:06"
    );

    let g = d.cmd(
        "reservation-get-by-address",
        Some(json!({"ip-address": "2001:db8:2:cafe::"})),
    );
    assert_eq!(g["text"], "1 IPv6 host(s) found.", "{g}");
    let g = d.cmd(
        "reservation-get-by-address",
        Some(json!({"ip-address": "2001:db8:1::5", "subnet-id": 1})),
    );
    assert_eq!(g["arguments"]["hosts"][0]["subnet-id"], 1, "{g}");
    let g = d.cmd(
        "reservation-get-by-id",
        Some(json!({"identifier-type": "duid", "identifier": "01:02:03:04:05:06"})),
    );
    assert_eq!(
        g["arguments"]["hosts"][0]["hostname"], "foo.example.com",
        "{g}"
    );
    let p = d.cmd("reservation-get-page", Some(json!({"limit": 10})));
    assert_eq!(p["arguments"]["count"], 1, "{p}");

    d.rejected("reservation-add", json!({"reservation": {"subnet-id": 1, "duid": "0a:0b", "ip-addresses": ["2001:db8:1::5"]}}),
        "There's already reservation for this address/prefix");
    d.rejected("reservation-add", json!({"reservation": {"subnet-id": 1, "duid": "0a:0b", "ip-addresses": ["2001:db8:9::5"]}}),
        "is not matching the IPv6 subnet prefix");
    d.rejected(
        "reservation-add",
        json!({"reservation": {"subnet-id": 1, "client-id": "0a:0b"}}),
        "client-id",
    );

    let u = d.cmd(
        "reservation-update",
        Some(json!({"reservation": {"subnet-id": 1,
        "duid": "01:02:03:04:05:06", "ip-addresses": ["2001:db8:1::6"]}})),
    );
    assert_eq!(u, json!({"result": 0, "text": "Host updated."}));

    let hash = d.hash();
    let w = d.cmd("config-write", None);
    assert_eq!(w["result"], 0, "{w}");
    let rl = d.cmd("config-reload", None);
    assert_eq!(rl["result"], 0, "{rl}");
    assert_eq!(
        d.hash(),
        hash,
        "the written file is the running configuration"
    );
    let g = d.cmd(
        "reservation-get",
        Some(json!({"subnet-id": 1, "ip-address": "2001:db8:1::6"})),
    );
    assert_eq!(g["text"], "Host found.", "{g}");

    let del = d.cmd(
        "reservation-del",
        Some(json!({"subnet-id": 1, "identifier-type": "duid", "identifier": "01:02:03:04:05:06"})),
    );
    assert_eq!(del, json!({"result": 0, "text": "Host deleted."}));
    assert_eq!(
        d.cmd("reservation-get-all", Some(json!({"subnet-id": 1})))["result"],
        3
    );
}
