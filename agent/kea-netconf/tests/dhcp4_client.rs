//! The thin path end to end: a NETCONF edit adds a pool to our kea-dhcp4,
//! a real DHCP client in another network namespace gets an address from
//! it, and `<get>` shows that lease in the state subtree.

mod common;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use integration_tests::testbed::{Testbed, in_ns};
use serde_json::json;

#[test]
fn netconf_pool_serves_a_real_client_and_shows_its_lease() {
    if !integration_tests::can_use_netns("netconf_pool_serves_a_real_client") {
        return;
    }
    if !common::kea_dhcp4_bin().exists() || !integration_tests::command_exists("udhcpc") {
        eprintln!("SKIPPED: kea-dhcp4 (build the workspace) or udhcpc is missing");
        return;
    }
    if common::missing_tools(true).is_some() {
        eprintln!("SKIPPED: ncclient is missing");
        return;
    }
    let bed = Testbed::up("ncd4").expect("test bed");
    let dir = tempfile::tempdir().expect("tempdir");
    let socket = dir.path().join("kea4.sock");

    // kea-dhcp4 in the server namespace: subnet 1 without any pool yet.
    let _server = common::start_dhcp4_from(
        bed.in_server(&common::kea_dhcp4_bin().to_string_lossy()),
        dir.path(),
        json!({
            "interfaces-config": {"interfaces": ["srv0"]},
            "control-socket": {"socket-type": "unix", "socket-name": socket},
            "lease-database": {"type": "memfile", "persist": false},
            "valid-lifetime": 600,
            "subnet4": [{"id": 1, "subnet": "192.0.2.0/24", "interface": "srv0"}]
        }),
    );

    // kea-netconf managing it; its empty startup is seeded from the server.
    let port = common::free_port();
    let netconf = dir.path().join("netconf.json");
    std::fs::write(
        &netconf,
        json!({"Netconf": {
            "managed-servers": {"dhcp4": {"control-socket": {"socket-type": "unix", "socket-name": socket}}},
            "netconf-server": {
                "address": "127.0.0.1", "port": port,
                "users": [{"name": common::USER, "password": common::PASSWORD}],
                "host-key-file": dir.path().join("hostkey"),
                "datastore-directory": dir.path().join("datastore")}}})
        .to_string(),
    )
    .expect("write netconf.json");
    let agent_log = std::fs::File::create(dir.path().join("kea-netconf.out")).expect("log");
    let agent = Command::new(env!("CARGO_BIN_EXE_kea-netconf"))
        .arg("-c")
        .arg(&netconf)
        .env("KEA_PIDFILE_DIR", dir.path())
        .stdout(agent_log.try_clone().expect("log"))
        .stderr(agent_log)
        .spawn()
        .expect("start kea-netconf");
    let _agent = common::Stopped(agent);
    assert!(
        common::wait_for(Duration::from_secs(30), || std::net::TcpStream::connect((
            "127.0.0.1",
            port
        ))
        .is_ok()),
        "kea-netconf did not come up: {}",
        std::fs::read_to_string(dir.path().join("kea-netconf.out")).unwrap_or_default()
    );

    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/py/dhcp4_pool.py");
    let client = |phase: &str| {
        let mut cmd = Command::new(common::PYTHON);
        cmd.arg(&script)
            .env("KN_PORT", port.to_string())
            .env("KN_USER", common::USER)
            .env("KN_PASSWORD", common::PASSWORD)
            .env("KN_PHASE", phase);
        common::run_bounded(&mut cmd, Duration::from_secs(60))
    };
    let edit = client("edit");
    assert!(
        edit.status.success(),
        "edit-config failed: {}\nagent log:\n{}",
        String::from_utf8_lossy(&edit.stderr),
        common::tail(
            &std::fs::read_to_string(dir.path().join("kea-netconf.out")).unwrap_or_default(),
            40
        )
    );
    let config = common::kea_command(&socket, "config-get", None);
    let pool: String = config["arguments"]["Dhcp4"]["subnet4"][0]["pools"][0]["pool"]
        .as_str()
        .unwrap_or_default()
        .split_whitespace()
        .collect();
    assert_eq!(
        pool, "192.0.2.50-192.0.2.60",
        "the server runs the new pool: {config}"
    );

    // A real client in the other namespace.
    let mut udhcpc = in_ns(&bed.client_ns(), "udhcpc");
    udhcpc
        .args([
            "-i",
            "cli0",
            "-n",
            "-q",
            "-f",
            "-t",
            "5",
            "-T",
            "1",
            "-s",
            "/bin/true",
        ])
        .stdin(Stdio::null());
    let got = common::run_bounded(&mut udhcpc, Duration::from_secs(30));
    let output = format!(
        "{}{}",
        String::from_utf8_lossy(&got.stdout),
        String::from_utf8_lossy(&got.stderr)
    );
    assert!(got.status.success(), "udhcpc got no lease:\n{output}");
    let leased = output
        .split_whitespace()
        .find(|w| {
            w.starts_with("192.0.2.")
                && w.trim_end_matches(|c: char| !c.is_ascii_digit()) != "192.0.2.1"
        })
        .map(|w| {
            w.trim_end_matches(|c: char| !c.is_ascii_digit())
                .to_string()
        })
        .unwrap_or_default();
    let last: u8 = leased
        .rsplit('.')
        .next()
        .and_then(|o| o.parse().ok())
        .unwrap_or(0);
    assert!(
        (50..=60).contains(&last),
        "address {leased:?} is not from the new pool:\n{output}"
    );

    let state = client("state");
    let listed = String::from_utf8_lossy(&state.stdout);
    assert!(
        state.status.success() && listed.contains(&format!("lease {leased}")),
        "<get> does not show the lease {leased}: {listed}{}",
        String::from_utf8_lossy(&state.stderr)
    );
    drop(bed);
}
