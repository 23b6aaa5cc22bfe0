//! subnet_cmds and host_cmds on the real kea-dhcp4 binary (no DHCP traffic:
//! `"interfaces": []`), over its UNIX control socket: changes show in config-get, bad ones
//! leave the configuration (hash) untouched, leases stay, config-write + config-reload keep
//! them. Runs without root.

use std::path::Path;

use integration_tests::control::TempDaemon;
use serde_json::{Value, json};

const BIN: &str = env!("CARGO_BIN_EXE_kea-dhcp4");

/// kea-dhcp4 with the test's configuration, its files in a temporary directory.
fn start_server() -> TempDaemon {
    TempDaemon::start("kea-dhcp4", Path::new(BIN), "kea4.sock", |dir| {
        json!({"Dhcp4": {
            "interfaces-config": {"interfaces": []},
            "control-socket": {"socket-type": "unix", "socket-name": dir.join("kea4.sock")},
            "lease-database": {"type": "memfile", "persist": false},
            "valid-lifetime": 4000,
            "subnet4": [{"id": 1, "subnet": "192.0.2.0/24",
                         "pools": [{"pool": "192.0.2.100 - 192.0.2.199"}]}],
            "loggers": [{"name": "kea-dhcp4", "severity": "INFO",
                         "output-options": [{"output": dir.join("kea.log")}]}]
        }})
    })
}

fn subnet_ids(dhcp4: &Value) -> Vec<i64> {
    dhcp4["subnet4"]
        .as_array()
        .map(|l| l.iter().filter_map(|s| s["id"].as_i64()).collect())
        .unwrap_or_default()
}

#[test]
fn subnet_commands_change_the_running_configuration() {
    let d = start_server();
    let names = d.cmd("list-commands", None)["arguments"].clone();
    for c in dhcp_config_cmds::command_names(dhcp_config_cmds::Family::V4) {
        assert!(names.as_array().unwrap().contains(&json!(c)), "{c}");
    }
    // A lease in subnet 1 must survive every reconfiguration below.
    let l = d.cmd(
        "lease4-add",
        Some(json!({"ip-address": "192.0.2.150", "hw-address": "1a:1b:1c:1d:1e:1f"})),
    );
    assert_eq!(l["result"], 0, "{l}");

    let before = d.hash();
    let r = d.cmd(
        "subnet4-add",
        Some(json!({"subnet4": [{"id": 7, "subnet": "198.51.100.0/24",
        "pools": [{"pool": "198.51.100.10 - 198.51.100.20"}],
        "option-data": [{"name": "routers", "data": "198.51.100.1"}]}]})),
    );
    assert_eq!(
        r,
        json!({"arguments": {"subnets": [{"id": 7, "subnet": "198.51.100.0/24"}]}, "result": 0, "text": "IPv4 subnet added"})
    );
    assert_ne!(d.hash(), before);
    assert_eq!(subnet_ids(&d.config("Dhcp4")), vec![1, 7]);
    let g = d.cmd("subnet4-get", Some(json!({"subnet": "198.51.100.0/24"})));
    assert_eq!(
        g["text"],
        "Info about IPv4 subnet 198.51.100.0/24 (id 7) returned"
    );
    assert_eq!(
        g["arguments"]["subnet4"][0]["pools"][0]["pool"],
        "198.51.100.10-198.51.100.20"
    );
    assert_eq!(d.cmd("subnet4-list", None)["text"], "2 IPv4 subnets found");
    // The new subnet is live: statistics and lease commands know it.
    let st = d.cmd(
        "statistic-get",
        Some(json!({"name": "subnet[7].total-addresses"})),
    );
    assert_eq!(
        st["arguments"]["subnet[7].total-addresses"][0][0], 11,
        "{st}"
    );
    let l7 = d.cmd(
        "lease4-add",
        Some(json!({"ip-address": "198.51.100.15", "hw-address": "2a:2b:2c:2d:2e:2f"})),
    );
    assert_eq!(l7["result"], 0, "{l7}");

    // Rejected: nothing changes.
    d.rejected(
        "subnet4-add",
        json!({"subnet4": [{"id": 7, "subnet": "203.0.113.0/24"}]}),
        "ID of the new IPv4 subnet '7' is already in use",
    );
    d.rejected(
        "subnet4-add",
        json!({"subnet4": [{"id": 8, "subnet": "198.51.100.0/24"}]}),
        "subnet with the prefix of '198.51.100.0/24' already exists",
    );
    d.rejected(
        "subnet4-add",
        json!({"subnet4": [{"id": 8, "subnet": "203.0.113.0/24",
        "pools": [{"pool": "198.51.100.10-198.51.100.20"}]}]}),
        "does not match the prefix",
    );
    d.rejected(
        "subnet4-add",
        json!({"subnet4": [{"id": 8, "subnet": "203.0.113.0/24",
        "pools": [{"pool": "203.0.113.10-203.0.113.20"}, {"pool": "203.0.113.15-203.0.113.30"}]}]}),
        "overlaps",
    );
    d.rejected(
        "subnet4-add",
        json!({"subnet4": [{"id": 8, "subnet": "203.0.113.0/24",
        "option-data": [{"name": "no-such-option", "data": "1"}]}]}),
        "no-such-option",
    );
    d.rejected(
        "subnet4-update",
        json!({"subnet4": [{"id": 99, "subnet": "203.0.113.0/24"}]}),
        "Can't find subnet '99' to update",
    );

    // Update, delta-add, delta-del.
    let u = d.cmd(
        "subnet4-delta-add",
        Some(json!({"subnet4": [{"id": 7, "subnet": "198.51.100.0/24",
        "valid-lifetime": 600, "pools": [{"pool": "198.51.100.100-198.51.100.110"}]}]})),
    );
    assert_eq!(u["text"], "IPv4 subnet updated", "{u}");
    let s7 = &d.config("Dhcp4")["subnet4"][1];
    assert_eq!(s7["valid-lifetime"], 600);
    assert_eq!(s7["pools"].as_array().unwrap().len(), 2);
    let u = d.cmd(
        "subnet4-delta-del",
        Some(json!({"subnet4": [{"id": 7, "subnet": "198.51.100.0/24",
        "valid-lifetime": 0, "option-data": [{"name": "routers"}],
        "pools": [{"pool": "198.51.100.10-198.51.100.20"}]}]})),
    );
    assert_eq!(u["result"], 0, "{u}");
    let s7 = &d.config("Dhcp4")["subnet4"][1];
    assert!(s7.get("valid-lifetime").is_none(), "{s7}");
    assert_eq!(s7["option-data"], json!([]));
    assert_eq!(s7["pools"][0]["pool"], "198.51.100.100-198.51.100.110");

    // Shared networks.
    let n = d.cmd("network4-add", Some(json!({"shared-networks": [{"name": "floor13", "subnet4": [
        {"id": 20, "subnet": "203.0.113.0/24", "pools": [{"pool": "203.0.113.2-203.0.113.99"}]}]}]})));
    assert_eq!(
        n["text"], "A new IPv4 shared network 'floor13' added",
        "{n}"
    );
    let m = d.cmd(
        "network4-subnet-add",
        Some(json!({"name": "floor13", "id": 7})),
    );
    assert_eq!(
        m["text"],
        "IPv4 subnet 198.51.100.0/24 (id 7) is now part of shared network 'floor13'"
    );
    let nets = d.config("Dhcp4")["shared-networks"].clone();
    assert_eq!(
        subnet_ids(&json!({"subnet4": nets[0]["subnet4"]})),
        vec![20, 7]
    );
    let list = d.cmd("subnet4-list", None);
    assert_eq!(
        list["arguments"]["subnets"][1],
        json!({"id": 7, "shared-network-name": "floor13", "subnet": "198.51.100.0/24"})
    );
    let del = d.cmd("network4-del", Some(json!({"name": "floor13"})));
    assert_eq!(del["text"], "IPv4 shared network 'floor13' deleted");
    assert_eq!(subnet_ids(&d.config("Dhcp4")), vec![1, 20, 7]);
    let del = d.cmd("subnet4-del", Some(json!({"id": 20})));
    assert_eq!(
        del,
        json!({"arguments": {"subnets": [{"id": 20, "subnet": "203.0.113.0/24"}]},
        "result": 0, "text": "IPv4 subnet 203.0.113.0/24 (id 20) deleted"})
    );
    assert_eq!(d.cmd("subnet4-del", Some(json!({"id": 20})))["result"], 3);

    // The leases are still there.
    for ip in ["192.0.2.150", "198.51.100.15"] {
        let g = d.cmd("lease4-get", Some(json!({"ip-address": ip})));
        assert_eq!(g["result"], 0, "{ip}: {g}");
    }
}

#[test]
fn reservations_in_the_configuration_file() {
    let d = start_server();
    let r = d.cmd(
        "reservation-add",
        Some(json!({"reservation": {"subnet-id": 1,
        "hw-address": "01:02:03:04:05:06", "ip-address": "192.0.2.205", "hostname": "Printer"}})),
    );
    assert_eq!(r, json!({"result": 0, "text": "Host added."}));
    let res = &d.config("Dhcp4")["subnet4"][0]["reservations"];
    assert_eq!(res[0]["ip-address"], "192.0.2.205", "{res}");

    let g = d.cmd(
        "reservation-get-by-address",
        Some(json!({"ip-address": "192.0.2.205"})),
    );
    assert_eq!(g["text"], "1 IPv4 host(s) found.", "{g}");
    assert_eq!(g["arguments"]["hosts"][0]["subnet-id"], 1);
    let g = d.cmd(
        "reservation-get-by-id",
        Some(json!({"identifier-type": "hw-address", "identifier": "01:02:03:04:05:06"})),
    );
    assert_eq!(g["arguments"]["hosts"][0]["hostname"], "Printer", "{g}");
    let g = d.cmd(
        "reservation-get",
        Some(
            json!({"subnet-id": 1, "identifier-type": "hw-address", "identifier": "010203040506"}),
        ),
    );
    assert_eq!(g["text"], "Host found.");
    let g = d.cmd(
        "reservation-get-by-hostname",
        Some(json!({"hostname": "printer"})),
    );
    assert_eq!(g["text"], "1 IPv4 host(s) found.");

    // Without subnet-id and without an address: a global reservation.
    let r = d.cmd(
        "reservation-add",
        Some(json!({"reservation": {"client-id": "01:aa:bb", "hostname": "anywhere"}})),
    );
    assert_eq!(
        r["text"], "Host added. subnet-id not specified, assumed global (subnet-id 0).",
        "{r}"
    );
    // Kea prints client-id as plain upper-case hex.
    assert_eq!(d.config("Dhcp4")["reservations"][0]["client-id"], "01AABB");
    let g = d.cmd("reservation-get-all", Some(json!({"subnet-id": 0})));
    assert_eq!(g["text"], "1 IPv4 host(s) found.", "{g}");

    d.rejected("reservation-add", json!({"reservation": {"subnet-id": 1, "hw-address": "0a:0b:0c:0d:0e:0f", "ip-address": "192.0.2.205"}}),
        "There's already a reservation for this address");
    d.rejected("reservation-add", json!({"reservation": {"subnet-id": 1, "hw-address": "0a:0b:0c:0d:0e:0f", "ip-address": "10.0.0.1"}}),
        "is not matching the IPv4 subnet prefix");
    d.rejected(
        "reservation-add",
        json!({"reservation": {"subnet-id": 4, "hw-address": "0a:0b:0c:0d:0e:0f"}}),
        "IPv4 subnet with ID of '4' is not configured",
    );
    d.rejected("reservation-add", json!({"reservation": {"subnet-id": 1, "hw-address": "0a:0b:0c:0d:0e:0f"}, "operation-target": "database"}),
        "no hosts database");

    // config-write to the configuration file, then config-reload: the reservation and a
    // subnet added by command come back from the file.
    assert_eq!(
        d.cmd(
            "subnet4-add",
            Some(json!({"subnet4": [{"id": 2, "subnet": "10.0.0.0/8"}]}))
        )["result"],
        0
    );
    let hash = d.hash();
    let w = d.cmd("config-write", None);
    assert_eq!(w["result"], 0, "{w}");
    let file = w["arguments"]["filename"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let written: Value =
        serde_json::from_str(&std::fs::read_to_string(&file).expect("written file")).expect("json");
    assert_eq!(
        written["Dhcp4"]["subnet4"][0]["reservations"][0]["hw-address"],
        "01:02:03:04:05:06"
    );
    let rl = d.cmd("config-reload", None);
    assert_eq!(rl["result"], 0, "{rl}");
    assert_eq!(
        d.hash(),
        hash,
        "the written file is the running configuration"
    );
    assert_eq!(subnet_ids(&d.config("Dhcp4")), vec![1, 2]);

    let del = d.cmd(
        "reservation-del",
        Some(json!({"subnet-id": 1, "ip-address": "192.0.2.205"})),
    );
    assert_eq!(del, json!({"result": 0, "text": "Host deleted."}));
    let g = d.cmd(
        "reservation-get",
        Some(json!({"subnet-id": 1, "ip-address": "192.0.2.205"})),
    );
    assert_eq!(g, json!({"result": 3, "text": "Host not found."}));
    let del = d.cmd(
        "reservation-del",
        Some(json!({"subnet-id": 1, "ip-address": "192.0.2.205"})),
    );
    assert_eq!(del["result"], 3);
}
