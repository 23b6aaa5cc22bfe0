//! The control channel of the real kea-dhcp6 binary (no DHCP traffic: `"interfaces": []`)
//! over a UNIX socket in a temporary directory: the lease, statistics and selection
//! commands added for Kea 3.0 parity. Runs without root.

use std::path::Path;
use std::time::Duration;

use integration_tests::control::Daemon;
use serde_json::{Value, json};

const BIN: &str = env!("CARGO_BIN_EXE_kea-dhcp6");

fn config(dir: &Path) -> Value {
    json!({"Dhcp6": {
        "data-directory": dir,
        "interfaces-config": {"interfaces": []},
        "control-socket": {"socket-type": "unix", "socket-name": dir.join("kea6.sock")},
        "lease-database": {"type": "memfile", "persist": true,
                           "name": dir.join("leases6.csv"), "lfc-interval": 0},
        "server-tag": "blue",
        "subnet6": [
            {"id": 1, "subnet": "2001:db8:1::/64", "interface": "eth-test",
             "pools": [{"pool": "2001:db8:1::100 - 2001:db8:1::1ff"}],
             "pd-pools": [{"prefix": "2001:db8:8::", "prefix-len": 56, "delegated-len": 64}]},
            {"id": 2, "subnet": "2001:db8:2::/64", "client-classes": ["gold"]}
        ],
        "shared-networks": [{"name": "net", "subnet6": [{"id": 5, "subnet": "2001:db8:5::/64"}]}]
    }})
}

struct Fixture {
    daemon: Daemon,
    dir: tempfile::TempDir,
}

impl Fixture {
    fn start() -> Fixture {
        let dir = tempfile::tempdir().expect("tempdir");
        let daemon = Daemon::start(
            "kea-dhcp6",
            Path::new(BIN),
            &["-X"],
            &config(dir.path()),
            dir.path(),
            dir.path().join("kea6.sock"),
        );
        Fixture { daemon, dir }
    }

    fn cmd(&self, c: &str, a: Option<Value>) -> Value {
        self.daemon.cmd(c, a)
    }

    fn samples(&self, name: &str) -> Vec<i64> {
        self.cmd("statistic-get", Some(json!({ "name": name })))["arguments"][name]
            .as_array()
            .map(|a| a.iter().filter_map(|s| s[0].as_i64()).collect())
            .unwrap_or_default()
    }
}

fn na(ip: &str, duid: &str, iaid: u32) -> Value {
    json!({"ip-address": ip, "duid": duid, "iaid": iaid, "subnet-id": 1})
}

#[test]
fn lease_commands_added_for_kea_3() {
    let f = Fixture::start();
    for c in [
        "lease6-bulk-apply",
        "lease6-get-by-duid",
        "lease6-get-by-hostname",
        "lease6-resend-ddns",
        "lease6-write",
        "server-tag-get",
        "config-backend-pull",
        "subnet6-select-test",
        "statistic-sample-age-set",
        "statistic-sample-age-set-all",
        "statistic-sample-count-set",
        "statistic-sample-count-set-all",
    ] {
        let list = f.cmd("list-commands", None);
        assert!(
            list["arguments"]
                .as_array()
                .is_some_and(|a| a.iter().any(|n| n == c)),
            "{c} missing from {list}"
        );
    }
    let mut host = na("2001:db8:1::100", "01:02:03:04", 7);
    host["hostname"] = json!("Host.Example.org");
    assert_eq!(f.cmd("lease6-add", Some(host))["result"], 0);

    let a = f.cmd(
        "lease6-bulk-apply",
        Some(json!({
            "deleted-leases": [{"ip-address": "2001:db8:1::100"}, {"ip-address": "2001:db8:1::1ff"}],
            "leases": [na("2001:db8:1::101", "01:02:03:04", 8), na("2001:db8:1::102", "0a:0b", 1)]
        })),
    );
    assert_eq!(a["result"], 0, "{a}");
    assert_eq!(a["text"], "Bulk apply of 3 IPv6 leases completed.");
    assert_eq!(
        a["arguments"]["failed-deleted-leases"],
        json!([{"ip-address": "2001:db8:1::1ff", "type": "IA_NA", "result": 3,
                "error-message": "lease not found"}])
    );
    // A malformed entry changes nothing.
    let a = f.cmd(
        "lease6-bulk-apply",
        Some(
            json!({"deleted-leases": [{"ip-address": "2001:db8:1::101"}],
                    "leases": [{"ip-address": "2001:db8:1::150"}]}),
        ),
    );
    assert_eq!(a["result"], 1, "{a}");
    assert_eq!(
        f.cmd("lease6-get", Some(json!({"ip-address": "2001:db8:1::101"})))["result"],
        0
    );
    assert_eq!(f.samples("subnet[1].assigned-nas")[0], 2);

    let by_duid = f.cmd("lease6-get-by-duid", Some(json!({"duid": "01:02:03:04"})));
    assert_eq!(by_duid["text"], "1 IPv6 lease(s) found.");
    assert_eq!(by_duid["arguments"]["leases"][0]["iaid"], 8);
    assert_eq!(
        f.cmd(
            "lease6-get-by-hostname",
            Some(json!({"hostname": "host.example.org"}))
        )["result"],
        3,
        "the host-named lease was deleted by the bulk apply"
    );
    assert_eq!(
        f.cmd(
            "lease6-resend-ddns",
            Some(json!({"ip-address": "2001:db8:1::101"}))
        ),
        json!({"result": 1, "text": "DDNS updating is not enabled"})
    );
    assert_eq!(
        f.cmd("server-tag-get", None),
        json!({"result": 0, "arguments": {"server-tag": "blue"}})
    );

    let file = f.dir.path().join("dump6.csv");
    let a = f.cmd("lease6-write", Some(json!({"filename": file})));
    assert_eq!(a["result"], 0, "{a}");
    let text = std::fs::read_to_string(&file).expect("dump");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], dhcp_lease::V6_COLUMNS.join(","));
    assert_eq!(lines.len(), 3, "{text}");
}

#[test]
fn statistics_keep_the_configured_samples() {
    let f = Fixture::start();
    let name = "subnet[1].assigned-nas";
    for i in 0..4 {
        let a = f.cmd(
            "lease6-add",
            Some(na(&format!("2001:db8:1::11{i}"), "01:02", i)),
        );
        assert_eq!(a["result"], 0, "{a}");
    }
    assert_eq!(f.samples(name)[..4], [4, 3, 2, 1]);
    assert_eq!(
        f.cmd(
            "statistic-sample-count-set",
            Some(json!({"name": name, "max-samples": 2}))
        )["result"],
        0
    );
    assert_eq!(f.samples(name), [4, 3]);
    assert_eq!(
        f.cmd(
            "statistic-sample-age-set",
            Some(json!({"name": name, "duration": 1}))
        )["result"],
        0
    );
    std::thread::sleep(Duration::from_millis(1300));
    f.cmd("lease6-del", Some(json!({"ip-address": "2001:db8:1::110"})));
    assert_eq!(f.samples(name), [3]);
    assert_eq!(
        f.cmd(
            "statistic-sample-age-set",
            Some(json!({"name": name, "duration": -1}))
        ),
        json!({"result": 1, "text": "'duration' parameter must not be negative"})
    );
}

#[test]
fn subnet6_select_test_uses_the_server_selection() {
    let f = Fixture::start();
    let sel = |a: Value| f.cmd("subnet6-select-test", Some(a));
    assert_eq!(
        sel(json!({"interface": "eth-test"})),
        json!({"result": 0, "text": "selected subnet '2001:db8:1::/64' id 1"})
    );
    assert_eq!(
        sel(json!({"remote": "2001:db8:2::9"})),
        json!({"result": 3, "text": "no subnet selected"})
    );
    assert_eq!(
        sel(json!({"remote": "2001:db8:2::9", "classes": ["gold"]})),
        json!({"result": 0, "text": "selected subnet '2001:db8:2::/64' id 2"})
    );
    assert_eq!(
        sel(json!({"link": "2001:db8:5::1"})),
        json!({"result": 0, "text": "selected shared network 'net' starting with subnet '2001:db8:5::/64' id 5"})
    );
    assert_eq!(
        sel(json!({"remote": "192.0.2.1"})),
        json!({"result": 1, "text": "bad 'remote' entry: not IPv6"})
    );
    assert_eq!(
        f.cmd("subnet6-select-test", None),
        json!({"result": 1, "text": "empty arguments"})
    );
}
