//! End-to-end client classification: kea-dhcp6 in a network namespace, perfdhcp -6 in
//! another. A subnet guarded by a class whose test reads the vendor class option (16)
//! serves only the clients sending it; the others get the open subnet.
//!
//! Needs root and `ip netns` (prints SKIP and passes otherwise). Every process started here
//! is stopped by PID through a guard; every wait is bounded.

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use integration_tests::process::{ChildGuard, wait_until};
use integration_tests::testbed::Testbed;
use kea_command::ControlClient;
use serde_json::{Value, json};

const BIN: &str = env!("CARGO_BIN_EXE_kea-dhcp6");

struct Server6 {
    // First, so the server stops before its directory is removed.
    _guard: ChildGuard,
    dir: tempfile::TempDir,
}

impl Server6 {
    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn stat(&self, name: &str) -> i64 {
        ControlClient::unix(self.path("kea6.sock"))
            .with_timeout(Duration::from_secs(10))
            .command_blocking("statistic-get", Some(json!({"name": name})))
            .map(|a| a.to_value())
            .unwrap_or(Value::Null)["arguments"][name][0][0]
            .as_i64()
            .unwrap_or(-1)
    }
}

fn start(tb: &Testbed, mut dhcp6: Value) -> Server6 {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    dhcp6["control-socket"] = json!({"socket-type": "unix", "socket-name": d.join("kea6.sock")});
    dhcp6["lease-database"] = json!({"type": "memfile", "persist": false});
    dhcp6["data-directory"] = json!(d);
    dhcp6["loggers"] = json!([{"name": "kea-dhcp6", "severity": "INFO",
        "output-options": [{"output": d.join("kea.log")}]}]);
    let cfg = d.join("kea-dhcp6.json");
    std::fs::write(&cfg, json!({"Dhcp6": dhcp6}).to_string()).expect("write config");
    let mut cmd = tb.in_server(BIN);
    cmd.args(["-X", "-c"]).arg(&cfg).env("KEA_PIDFILE_DIR", d);
    cmd.stdout(Stdio::null()).stderr(Stdio::null());
    let guard = ChildGuard::spawn("kea-dhcp6", &mut cmd).expect("start kea-dhcp6");
    let s = Server6 { _guard: guard, dir };
    let up = wait_until(Duration::from_secs(10), || s.stat("pkt6-received") >= 0);
    let log = std::fs::read_to_string(s.path("kea.log")).unwrap_or_default();
    assert!(up, "kea-dhcp6 did not come up; log:\n{log}");
    s
}

/// Runs perfdhcp -6 in the client namespace (bounded by `timeout`); returns stdout.
fn perfdhcp(tb: &Testbed, extra: &[&str]) -> String {
    let mut c = tb.in_client("timeout");
    c.args(["60", "perfdhcp", "-6", "-l", "cli0"]).args(extra);
    let out = c.output().expect("perfdhcp");
    String::from_utf8_lossy(&out.stdout).to_string()
}

#[test]
fn class_test_guards_a_subnet_for_perfdhcp_clients() {
    let test = "class_test_guards_a_subnet_for_perfdhcp_clients";
    if !integration_tests::can_use_netns(test) {
        return;
    }
    if !integration_tests::command_exists("perfdhcp") {
        eprintln!("SKIP {test}: perfdhcp is not installed");
        return;
    }
    let tb = Testbed::up("clsf6").expect("testbed");
    let s = start(
        &tb,
        json!({
            "interfaces-config": {"interfaces": ["srv0"]},
            "preferred-lifetime": 3000, "valid-lifetime": 4000,
            "client-classes": [{"name": "modems",
                "test": "vendor-class[4491].data == 'docsis3.0' and pkt.iface == 'srv0'"}],
            "subnet6": [
                {"id": 1, "subnet": "2001:db8:1::/64", "interface": "srv0",
                 "client-classes": ["modems"],
                 "pools": [{"pool": "2001:db8:1::1000-2001:db8:1::ffff"}]},
                {"id": 2, "subnet": "2001:db8:2::/64", "interface": "srv0",
                 "pools": [{"pool": "2001:db8:2::1000-2001:db8:2::ffff"}]}]
        }),
    );
    // Vendor class: enterprise 4491, one data chunk "docsis3.0".
    let vc = "16,0000118b0009646f63736973332e30";
    let common = ["-r", "50", "-R", "100", "-n", "50", "-p", "5"];
    let text = perfdhcp(&tb, &[&common[..], &["-o", vc]].concat());
    let modems = s.stat("subnet[1].assigned-nas");
    assert!(
        modems >= 45,
        "subnet 1 assigned {modems}; perfdhcp:\n{text}"
    );
    assert_eq!(s.stat("subnet[2].assigned-nas"), 0, "perfdhcp:\n{text}");
    let text = perfdhcp(&tb, &common);
    let others = s.stat("subnet[2].assigned-nas");
    assert!(
        others >= 45,
        "subnet 2 assigned {others}; perfdhcp:\n{text}"
    );
    assert_eq!(
        s.stat("subnet[1].assigned-nas"),
        modems,
        "perfdhcp:\n{text}"
    );
}
