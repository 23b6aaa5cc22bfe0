//! The control channel of the real binary (no DHCP traffic: `"interfaces": []`), over a UNIX
//! socket in a temporary directory. Runs without root.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use integration_tests::control::TempDaemon;
use integration_tests::process::wait_until;
use serde_json::{Value, json};

const BIN: &str = env!("CARGO_BIN_EXE_kea-dhcp4");

fn config(dir: &Path, valid: u32) -> Value {
    json!({"Dhcp4": {
        "interfaces-config": {"interfaces": []},
        "control-socket": {"socket-type": "unix", "socket-name": dir.join("kea4.sock")},
        "lease-database": {"type": "memfile", "persist": true, "name": dir.join("leases4.csv"), "lfc-interval": 0},
        "valid-lifetime": valid,
        "subnet4": [{"id": 1, "subnet": "192.0.2.0/24", "pools": [{"pool": "192.0.2.100 - 192.0.2.199"}]},
                    {"id": 2, "subnet": "198.51.100.0/24"}],
        "loggers": [{"name": "kea-dhcp4", "severity": "INFO", "output-options": [{"output": dir.join("kea.log")}]}]
    }})
}

/// kea-dhcp4 with [`config`], its files in a temporary directory.
fn start() -> TempDaemon {
    start_with(|_| {})
}

/// Starts with [`config`] as `adjust` leaves it.
fn start_with(adjust: impl FnOnce(&mut Value)) -> TempDaemon {
    TempDaemon::start("kea-dhcp4", Path::new(BIN), "kea4.sock", |dir| {
        let mut cfg = config(dir, 4000);
        adjust(&mut cfg);
        cfg
    })
}

#[test]
fn config_commands_are_transactional() {
    let d = start();
    let get = d.cmd("config-get", None);
    assert_eq!(get["result"], 0);
    assert_eq!(get["arguments"]["Dhcp4"]["valid-lifetime"], 4000);
    let hash = d.hash();
    assert_eq!(hash.len(), 64);
    assert_eq!(get["arguments"]["hash"], hash.as_str());

    let t = d.cmd("config-test", Some(config(d.dir.path(), 5000)));
    assert_eq!(t["result"], 0, "{t}");
    assert_eq!(d.hash(), hash, "config-test changes nothing");

    let mut bad = config(d.dir.path(), 5000);
    bad["Dhcp4"]["subnet4"][0]["subnet"] = json!("not-a-subnet");
    let r = d.cmd("config-set", Some(bad.clone()));
    assert_eq!(r["result"], 1, "{r}");
    assert!(
        r["text"]
            .as_str()
            .unwrap_or_default()
            .contains("not-a-subnet"),
        "{r}"
    );
    assert_eq!(
        d.hash(),
        hash,
        "rejected config-set leaves the running config"
    );
    let mut unknown = config(d.dir.path(), 5000);
    unknown["Dhcp4"]["no-such-parameter"] = json!(1);
    assert_eq!(d.cmd("config-test", Some(unknown))["result"], 1);
    assert_eq!(
        d.cmd("config-test", None)["text"],
        "Missing mandatory 'arguments' parameter."
    );

    let ok = d.cmd("config-set", Some(config(d.dir.path(), 5000)));
    assert_eq!(
        ok,
        json!({"result": 0, "text": "Configuration successful."})
    );
    assert_ne!(d.hash(), hash);
    assert_eq!(
        d.cmd("config-get", None)["arguments"]["Dhcp4"]["valid-lifetime"],
        5000
    );

    // config-get output goes back through config-set unchanged (hash included).
    let got = d.cmd("config-get", None)["arguments"].clone();
    let before = d.hash();
    let back = d.cmd("config-set", Some(got));
    assert_eq!(back["result"], 0, "{back}");
    assert_eq!(d.hash(), before, "same configuration, same hash");

    // config-write, then config-reload from the (edited) file, then SIGHUP.
    let out = d.dir.path().join("written.json");
    let w = d.cmd("config-write", Some(json!({"filename": out})));
    assert_eq!(w["result"], 0, "{w}");
    let written: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(written["Dhcp4"]["valid-lifetime"], 5000);
    std::fs::write(&d.config_file, config(d.dir.path(), 6000).to_string()).unwrap();
    let rl = d.cmd("config-reload", None);
    assert_eq!(rl["result"], 0, "{rl}");
    assert_eq!(
        d.cmd("config-get", None)["arguments"]["Dhcp4"]["valid-lifetime"],
        6000
    );
    std::fs::write(&d.config_file, config(d.dir.path(), 7000).to_string()).unwrap();
    d.guard.signal(libc::SIGHUP).unwrap();
    assert!(wait_until(Duration::from_secs(10), || {
        d.cmd("config-get", None)["arguments"]["Dhcp4"]["valid-lifetime"] == 7000
    }));
    // A broken file on SIGHUP keeps the running configuration.
    std::fs::write(&d.config_file, "{ not json").unwrap();
    d.guard.signal(libc::SIGHUP).unwrap();
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(
        d.cmd("config-get", None)["arguments"]["Dhcp4"]["valid-lifetime"],
        7000
    );
    assert_eq!(d.cmd("status-get", None)["result"], 0);
}

#[test]
fn lease_and_statistics_commands() {
    let d = start();
    let list = d.cmd("list-commands", None);
    let names: Vec<&str> = list["arguments"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    for c in [
        "build-report",
        "config-get",
        "config-hash-get",
        "config-reload",
        "config-set",
        "config-test",
        "config-write",
        "dhcp-disable",
        "dhcp-enable",
        "lease4-add",
        "lease4-del",
        "lease4-get",
        "lease4-get-all",
        "lease4-get-page",
        "lease4-update",
        "lease4-wipe",
        "leases-reclaim",
        "list-commands",
        "shutdown",
        "stat-lease4-get",
        "statistic-get",
        "statistic-get-all",
        "statistic-remove",
        "statistic-remove-all",
        "statistic-reset",
        "statistic-reset-all",
        "status-get",
        "version-get",
    ] {
        assert!(names.contains(&c), "{c} missing from {names:?}");
    }
    assert_eq!(d.cmd("version-get", None)["text"], "3.0.0");
    let st = d.cmd("status-get", None);
    assert_eq!(st["arguments"]["pid"], d.guard.pid());
    assert_eq!(st["arguments"]["multi-threading-enabled"], false);

    let add = d.cmd(
        "lease4-add",
        Some(json!({"ip-address": "192.0.2.150", "hw-address": "1a:1b:1c:1d:1e:1f"})),
    );
    assert_eq!(
        add,
        json!({"result": 0, "text": "Lease for address 192.0.2.150, subnet-id 1 added."})
    );
    let dup = d.cmd(
        "lease4-add",
        Some(json!({"ip-address": "192.0.2.150", "hw-address": "1a:1b:1c:1d:1e:1f"})),
    );
    assert_ne!(dup["result"], 0);
    let bad = d.cmd(
        "lease4-add",
        Some(json!({"ip-address": "10.1.1.1", "hw-address": "1a:1b:1c:1d:1e:1f"})),
    );
    assert_eq!(bad["result"], 1, "{bad}");
    let got = d.cmd("lease4-get", Some(json!({"ip-address": "192.0.2.150"})));
    assert_eq!(got["text"], "IPv4 lease found.");
    assert_eq!(got["arguments"]["hw-address"], "1a:1b:1c:1d:1e:1f");
    assert_eq!(got["arguments"]["valid-lft"], 4000);
    assert_eq!(got["arguments"]["subnet-id"], 1);
    let by_hw = d.cmd("lease4-get", Some(json!({"identifier-type": "hw-address", "identifier": "1a:1b:1c:1d:1e:1f", "subnet-id": 1})));
    assert_eq!(by_hw["arguments"]["ip-address"], "192.0.2.150");
    assert_eq!(
        d.cmd(
            "statistic-get",
            Some(json!({"name": "subnet[1].assigned-addresses"}))
        )["arguments"]["subnet[1].assigned-addresses"][0][0],
        1
    );
    let upd = d.cmd("lease4-update", Some(json!({"ip-address": "192.0.2.150", "hw-address": "1a:1b:1c:1d:1e:1f", "hostname": "Host.Example.org"})));
    assert_eq!(upd["text"], "IPv4 lease updated.");
    assert_eq!(
        d.cmd("lease4-get", Some(json!({"ip-address": "192.0.2.150"})))["arguments"]["hostname"],
        "host.example.org"
    );
    d.cmd(
        "lease4-add",
        Some(json!({"ip-address": "192.0.2.151", "hw-address": "1a:1b:1c:1d:1e:20"})),
    );
    d.cmd("lease4-add", Some(json!({"ip-address": "198.51.100.5", "hw-address": "1a:1b:1c:1d:1e:21", "subnet-id": 2})));
    let page = d.cmd(
        "lease4-get-page",
        Some(json!({"from": "start", "limit": 2})),
    );
    assert_eq!(page["arguments"]["count"], 2);
    assert_eq!(page["text"], "2 IPv4 lease(s) found.");
    let next = d.cmd(
        "lease4-get-page",
        Some(json!({"from": "192.0.2.151", "limit": 2})),
    );
    assert_eq!(next["arguments"]["leases"][0]["ip-address"], "198.51.100.5");
    let all = d.cmd("lease4-get-all", Some(json!({"subnets": [2]})));
    assert_eq!(all["text"], "1 IPv4 lease(s) found.");
    let sl = d.cmd("stat-lease4-get", None);
    assert_eq!(sl["text"], "stat-lease4-get[all subnets]: 2 rows found");
    assert_eq!(
        sl["arguments"]["result-set"]["rows"][0],
        json!([1, 100, 0, 2, 0])
    );
    let del = d.cmd("lease4-del", Some(json!({"ip-address": "192.0.2.151"})));
    assert_eq!(del["text"], "IPv4 lease deleted.");
    assert_eq!(
        d.cmd("lease4-del", Some(json!({"ip-address": "192.0.2.151"})))["result"],
        3
    );
    let wipe = d.cmd("lease4-wipe", Some(json!({"subnet-id": 1})));
    assert_eq!(wipe["text"], "Deleted 1 IPv4 lease(s) from subnet(s) 1");
    assert_eq!(
        d.cmd("lease4-get", Some(json!({"ip-address": "192.0.2.150"})))["result"],
        3
    );
    assert_eq!(
        d.cmd("leases-reclaim", Some(json!({"remove": true})))["result"],
        0
    );
    // The CSV has every change.
    let csv = std::fs::read_to_string(d.dir.path().join("leases4.csv")).unwrap();
    assert!(csv.contains("192.0.2.150,1a:1b:1c:1d:1e:1f"), "{csv}");

    // Statistics commands.
    assert_eq!(
        d.cmd("statistic-reset", Some(json!({"name": "pkt4-received"})))["text"],
        "Statistic 'pkt4-received' reset."
    );
    assert_eq!(
        d.cmd("statistic-reset", Some(json!({"name": "nope"})))["result"],
        1
    );
    assert_eq!(
        d.cmd("statistic-remove", Some(json!({"name": "pkt4-received"})))["result"],
        0
    );
    assert_eq!(
        d.cmd("statistic-get", Some(json!({"name": "pkt4-received"})))["arguments"],
        json!({})
    );
    let all = d.cmd("statistic-get-all", None);
    assert!(all["arguments"]["pkt4-discover-received"].is_array());
    assert_eq!(d.cmd("statistic-reset-all", None)["result"], 0);
    assert_eq!(d.cmd("statistic-remove-all", None)["result"], 0);
    assert_eq!(d.cmd("statistic-get-all", None)["arguments"], json!({}));

    assert_eq!(
        d.cmd("dhcp-disable", Some(json!({"max-period": 30})))["text"],
        "DHCPv4 service disabled for 30 seconds"
    );
    assert_eq!(
        d.cmd("dhcp-enable", None)["text"],
        "DHCP service successfully enabled"
    );
    assert!(
        d.cmd("build-report", None)["text"]
            .as_str()
            .unwrap_or_default()
            .contains("Kea source configure results")
    );
    assert_eq!(d.cmd("no-such-command", None)["result"], 2);

    let sh = d.cmd("shutdown", Some(json!({"exit-value": 3})));
    assert_eq!(sh["text"], "Shutting down.");
    let mut g = d.daemon.guard;
    let status = g.wait_timeout(Duration::from_secs(10)).unwrap();
    assert_eq!(status.and_then(|s| s.code()), Some(3), "{status:?}");
}

#[test]
fn check_mode() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("good.json");
    std::fs::write(&good, config(dir.path(), 4000).to_string()).unwrap();
    let out = Command::new(BIN)
        .args(["-X", "-t"])
        .arg(&good)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let bad = dir.path().join("bad.json");
    let mut c = config(dir.path(), 4000);
    c["Dhcp4"]["subnet4"][0]["pools"][0]["pool"] = json!("10.0.0.1 - 10.0.0.5");
    std::fs::write(&bad, c.to_string()).unwrap();
    let out = Command::new(BIN)
        .args(["-X", "-t"])
        .arg(&bad)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{out:?}");
}

#[test]
fn lease_lookups_by_identifier() {
    let d = start();
    d.cmd("lease4-add", Some(json!({"ip-address": "192.0.2.160", "hw-address": "0a:0b:0c:0d:0e:0f", "client-id": "01:02:03", "hostname": "pc.example.org"})));
    let by_hw = d.cmd(
        "lease4-get-by-hw-address",
        Some(json!({"hw-address": "0a:0b:0c:0d:0e:0f"})),
    );
    assert_eq!(by_hw["text"], "1 IPv4 lease(s) found.", "{by_hw}");
    let by_cid = d.cmd(
        "lease4-get-by-client-id",
        Some(json!({"client-id": "01:02:03"})),
    );
    assert_eq!(
        by_cid["arguments"]["leases"][0]["ip-address"],
        "192.0.2.160"
    );
    let by_name = d.cmd(
        "lease4-get-by-hostname",
        Some(json!({"hostname": "PC.example.org"})),
    );
    assert_eq!(by_name["arguments"]["leases"][0]["client-id"], "01:02:03");
    assert_eq!(
        d.cmd("lease4-get-by-hostname", Some(json!({"hostname": "nope"})))["result"],
        3
    );
    assert_eq!(
        d.cmd("lease4-get-by-hw-address", Some(json!({})))["result"],
        1
    );
    assert_eq!(d.cmd("server-tag-get", None)["arguments"]["server-tag"], "");
}

/// Expired leases are reclaimed by the expired-leases-processing timer (and counted).
#[test]
fn reclamation_timer_reclaims_expired_leases() {
    let d = start_with(|cfg| {
        cfg["Dhcp4"]["expired-leases-processing"] = json!({"reclaim-timer-wait-time": 1, "flush-reclaimed-timer-wait-time": 0, "hold-reclaimed-time": 0});
    });
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let add = d.cmd("lease4-add",
        Some(
            json!({"ip-address": "192.0.2.170", "hw-address": "0a:0b:0c:0d:0e:01", "valid-lft": 10, "expire": now - 5}),
        ),
    );
    assert_eq!(add["result"], 0, "{add}");
    assert_eq!(
        d.cmd(
            "statistic-get",
            Some(json!({"name": "subnet[1].assigned-addresses"}))
        )["arguments"]["subnet[1].assigned-addresses"][0][0],
        1
    );
    let reclaimed = wait_until(Duration::from_secs(10), || {
        d.cmd("statistic-get", Some(json!({"name": "reclaimed-leases"})))["arguments"]["reclaimed-leases"]
            [0][0]
            == 1
    });
    assert!(reclaimed, "lease not reclaimed");
    assert_eq!(
        d.cmd(
            "statistic-get",
            Some(json!({"name": "subnet[1].assigned-addresses"}))
        )["arguments"]["subnet[1].assigned-addresses"][0][0],
        0
    );
    // flush-reclaimed-timer-wait-time 0 means reclaimed leases are removed.
    assert_eq!(
        d.cmd("lease4-get", Some(json!({"ip-address": "192.0.2.170"})))["result"],
        3
    );
}

/// The sample values of a statistic, newest first.
fn samples(d: &TempDaemon, name: &str) -> Vec<i64> {
    d.cmd("statistic-get", Some(json!({ "name": name })))["arguments"][name]
        .as_array()
        .map(|a| a.iter().filter_map(|s| s[0].as_i64()).collect())
        .unwrap_or_default()
}

fn add_lease(d: &TempDaemon, ip: &str, mac: &str) -> Value {
    d.cmd(
        "lease4-add",
        Some(json!({"ip-address": ip, "hw-address": mac})),
    )
}

#[test]
fn statistics_keep_the_configured_samples() {
    let d = start();
    let name = "subnet[1].assigned-addresses";
    for i in 1..=5 {
        let a = add_lease(
            &d,
            &format!("192.0.2.10{i}"),
            &format!("00:00:00:00:00:0{i}"),
        );
        assert_eq!(a["result"], 0, "{a}");
    }
    let s = samples(&d, name);
    assert_eq!(
        s[..5],
        [5, 4, 3, 2, 1],
        "every change is a sample, newest first"
    );

    let a = d.cmd(
        "statistic-sample-count-set",
        Some(json!({"name": name, "max-samples": 3})),
    );
    assert_eq!(
        a,
        json!({"result": 0, "text": format!("Statistic '{name}' count limit is set.")})
    );
    assert_eq!(samples(&d, name), [5, 4, 3], "the limit applies at once");
    assert_eq!(
        d.cmd("lease4-del", Some(json!({"ip-address": "192.0.2.101"})))["result"],
        0
    );
    assert_eq!(samples(&d, name), [4, 5, 4]);
    // Other statistics keep the default 20.
    assert_eq!(
        d.cmd(
            "statistic-sample-count-set",
            Some(json!({"name": "no-such", "max-samples": 3}))
        ),
        json!({"result": 1, "text": "No 'no-such' statistic found"})
    );

    // Age limit: samples older than the duration go with the next change.
    let a = d.cmd("statistic-sample-age-set-all", Some(json!({"duration": 1})));
    assert_eq!(
        a,
        json!({"result": 0, "text": "All statistics duration limit are set."})
    );
    std::thread::sleep(Duration::from_millis(1300));
    add_lease(&d, "192.0.2.110", "00:00:00:00:00:10");
    assert_eq!(samples(&d, name), [5]);

    // Count limit for all, then a reset keeps one sample.
    let a = d.cmd(
        "statistic-sample-count-set-all",
        Some(json!({"max-samples": 2})),
    );
    assert_eq!(
        a,
        json!({"result": 0, "text": "All statistics count limit are set."})
    );
    for i in 1..=3 {
        add_lease(
            &d,
            &format!("192.0.2.12{i}"),
            &format!("00:00:00:00:01:0{i}"),
        );
    }
    assert_eq!(samples(&d, name), [8, 7]);
    assert_eq!(
        d.cmd("statistic-reset", Some(json!({ "name": name })))["result"],
        0
    );
    assert_eq!(samples(&d, name), [0]);
    assert_eq!(
        d.cmd(
            "statistic-sample-count-set-all",
            Some(json!({"max-samples": 0}))
        )["text"],
        "'max-samples' parameter must not be zero"
    );
}

#[test]
fn default_sample_count_comes_from_the_configuration() {
    let d = start();
    let mut cfg = config(d.dir.path(), 4000);
    cfg["Dhcp4"]["statistic-default-sample-count"] = json!(3);
    assert_eq!(d.cmd("config-set", Some(cfg))["result"], 0);
    for i in 1..=5 {
        add_lease(
            &d,
            &format!("192.0.2.10{i}"),
            &format!("00:00:00:00:00:0{i}"),
        );
    }
    assert_eq!(samples(&d, "subnet[1].assigned-addresses"), [5, 4, 3]);
    let mut cfg = config(d.dir.path(), 4000);
    cfg["Dhcp4"]["statistic-default-sample-count"] = json!(0);
    cfg["Dhcp4"]["statistic-default-sample-age"] = json!(3600);
    assert_eq!(d.cmd("config-set", Some(cfg))["result"], 0);
    for i in 6..=9 {
        add_lease(
            &d,
            &format!("192.0.2.10{i}"),
            &format!("00:00:00:00:00:0{i}"),
        );
    }
    assert!(
        samples(&d, "subnet[1].assigned-addresses").len() >= 4,
        "age-limited statistics keep every recent sample"
    );
}

#[test]
fn lease4_write_dumps_the_lease_database() {
    let d = start();
    add_lease(&d, "192.0.2.101", "00:00:00:00:00:01");
    add_lease(&d, "198.51.100.7", "00:00:00:00:00:02");
    let file = d.dir.path().join("dump4.csv");
    let a = d.cmd("lease4-write", Some(json!({"filename": file})));
    assert_eq!(
        a,
        json!({"result": 0, "text": format!("IPv4 lease database into '{}'.", file.display())})
    );
    let text = std::fs::read_to_string(&file).expect("dump written");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], dhcp_lease::V4_COLUMNS.join(","));
    assert_eq!(lines.len(), 3, "{text}");
    assert!(lines[1..].iter().any(|l| l.starts_with("198.51.100.7,")));
    for (args, text) in [
        (json!({}), "'filename' parameter not specified"),
        (json!({"filename": ""}), "'filename' parameter is empty"),
        (
            json!({"filename": 7}),
            "'filename' parameter must be a string",
        ),
    ] {
        assert_eq!(
            d.cmd("lease4-write", Some(args)),
            json!({"result": 1, "text": text})
        );
    }
    // Onto the live file: the old one is kept as .bak<pid> and appends go on in the new one.
    let live = d.dir.path().join("leases4.csv");
    assert_eq!(
        d.cmd("lease4-write", Some(json!({"filename": live})))["result"],
        0
    );
    let bak = d
        .dir
        .path()
        .join(format!("leases4.csv.bak{}", d.guard.pid()));
    assert!(bak.exists(), "backup {}", bak.display());
    add_lease(&d, "192.0.2.150", "00:00:00:00:00:03");
    let live_text = std::fs::read_to_string(&live).unwrap();
    assert!(live_text.lines().any(|l| l.starts_with("192.0.2.150,")));
}

#[test]
fn select_test_and_ddns_and_backend_answers() {
    let d = start();
    let sel = |a: Value| d.cmd("subnet4-select-test", Some(a));
    assert_eq!(
        sel(json!({"address": "192.0.2.5"})),
        json!({"result": 0, "text": "selected subnet '192.0.2.0/24' id 1"})
    );
    assert_eq!(
        sel(json!({"relay": "198.51.100.1"})),
        json!({"result": 0, "text": "selected subnet '198.51.100.0/24' id 2"})
    );
    assert_eq!(
        sel(json!({"subnet": "10.9.9.9"})),
        json!({"result": 3, "text": "no subnet selected"})
    );
    assert_eq!(sel(json!({"interface": "lo"}))["result"], 3);
    assert_eq!(
        sel(json!({"interface": "no-such-if0"}))["result"],
        1,
        "a missing interface is an error"
    );
    assert_eq!(
        sel(json!({"bogus": 1})),
        json!({"result": 1, "text": "unknown entry 'bogus'"})
    );
    assert_eq!(
        d.cmd(
            "subnet4o6-select-test",
            Some(json!({"remote": "2001:db8::1"}))
        ),
        json!({"result": 3, "text": "no subnet selected"})
    );
    add_lease(&d, "192.0.2.101", "00:00:00:00:00:01");
    assert_eq!(
        d.cmd(
            "lease4-resend-ddns",
            Some(json!({"ip-address": "192.0.2.101"}))
        ),
        json!({"result": 1, "text": "DDNS updating is not enabled"})
    );
    assert_eq!(
        d.cmd("config-backend-pull", None),
        json!({"result": 3, "text": "No config backend."})
    );
    let a = d.cmd(
        "stat-lease4-get",
        Some(json!({"subnet-range": {"first-subnet-id": 2, "last-subnet-id": 9}})),
    );
    assert_eq!(
        a["text"],
        "stat-lease4-get[subnets 2 through 9]: 1 rows found"
    );
    assert_eq!(
        a["arguments"]["result-set"]["rows"],
        json!([[2, 0, 0, 0, 0]])
    );
}
