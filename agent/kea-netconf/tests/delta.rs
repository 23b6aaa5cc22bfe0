//! Commits applied with subnet_cmds/host_cmds instead of config-set
//! (`apply-mode` delta), against our kea-dhcp4 holding 1,000 subnets and a
//! kea-dhcp6 (ours: delta; Kea 2.2 without the hooks: config-set). Each
//! commit is a `sysrepocfg --edit` of running through the agent; which path
//! it took is read from the agent's log.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use common::{Agent, AgentOptions, Kea};
use serde_json::{Value, json};

const NS4: &str = "urn:ietf:params:xml:ns:yang:kea-dhcp4-server";
const NC: &str = "urn:ietf:params:xml:ns:netconf:base:1.0";

/// Subnet `i` (1..=65535) as 10.x.y.0/24 with a pool.
fn subnet4(i: u32) -> Value {
    let (a, b) = (i / 256, i % 256);
    json!({"id": i, "subnet": format!("10.{a}.{b}.0/24"),
           "pools": [{"pool": format!("10.{a}.{b}.10 - 10.{a}.{b}.200")}]})
}

/// kea-netconf managing dhcp4 on `socket` with `apply-mode` `mode`.
struct Agent4 {
    _child: common::Stopped,
    dir: PathBuf,
    datastore: PathBuf,
}

impl Agent4 {
    fn start(dir: &Path, socket: &Path, mode: &str) -> Agent4 {
        let port = common::free_port();
        let datastore = dir.join("datastore");
        let config = dir.join("netconf.json");
        std::fs::write(
            &config,
            json!({"Netconf": {
                "managed-servers": {"dhcp4": {"apply-mode": mode,
                    "control-socket": {"socket-type": "unix", "socket-name": socket}}},
                "netconf-server": {"address": "127.0.0.1", "port": port,
                    "users": [{"name": common::USER, "password": common::PASSWORD}],
                    "host-key-file": dir.join("hostkey"), "datastore-directory": datastore,
                    "drift-check-interval": 0, "pool-check-interval": 0},
                "loggers": [{"name": "kea-netconf", "output-options": [{"output": "stderr"}],
                             "severity": "DEBUG", "debuglevel": 50}]}})
            .to_string(),
        )
        .expect("write netconf.json");
        let log = std::fs::File::create(dir.join("netconf.out")).expect("log");
        let child = common::Stopped(
            Command::new(env!("CARGO_BIN_EXE_kea-netconf"))
                .arg("-c")
                .arg(&config)
                .env("KEA_PIDFILE_DIR", dir)
                .env("KEA_LOCKFILE_DIR", dir)
                .stdout(log.try_clone().expect("log"))
                .stderr(log)
                .spawn()
                .expect("start kea-netconf"),
        );
        let local = datastore.join("kea-netconf.sock");
        let agent = Agent4 {
            _child: child,
            dir: dir.to_path_buf(),
            datastore,
        };
        assert!(
            common::wait_for(Duration::from_secs(60), || {
                std::os::unix::net::UnixStream::connect(&local).is_ok()
            }),
            "kea-netconf did not come up: {}",
            common::tail(&agent.log(), 30)
        );
        agent
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.dir.join("netconf.out")).unwrap_or_default()
    }

    /// Edits running with `xml` (under the kea-dhcp4-server namespace);
    /// returns the agent's log lines the commit wrote and how long it took.
    fn edit(&self, xml: &str) -> (String, Duration) {
        let before = self.log().len();
        let file = self.dir.join("edit.xml");
        std::fs::write(
            &file,
            format!("<config xmlns=\"{NS4}\" xmlns:nc=\"{NC}\">{xml}</config>"),
        )
        .expect("write edit");
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_sysrepocfg"));
        cmd.args(["-d", "running", &format!("--edit={}", file.display())])
            .arg("--datastore-dir")
            .arg(&self.datastore);
        let started = Instant::now();
        let out = common::run_bounded(&mut cmd, Duration::from_secs(120));
        let took = started.elapsed();
        assert!(
            out.status.success(),
            "edit failed: {}{}\nagent log:\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr),
            common::tail(&self.log(), 30)
        );
        (self.log()[before..].to_string(), took)
    }
}

fn ok(answer: &Value, what: &str) -> Value {
    assert_eq!(answer["result"], 0, "{what}: {answer}");
    answer["arguments"].clone()
}

/// `config-get` without the hash, and the hash.
fn config_and_hash(socket: &Path) -> (Value, String) {
    let mut config = ok(
        &common::kea_command(socket, "config-get", None),
        "config-get",
    );
    let hash = config
        .as_object_mut()
        .and_then(|m| m.remove("hash"))
        .and_then(|h| h.as_str().map(str::to_string))
        .unwrap_or_default();
    (config, hash)
}

fn assert_path(log: &str, delta_command: Option<&str>) {
    match delta_command {
        Some(command) => assert!(
            log.contains("NETCONF_UPDATE_CONFIG_DELTA_COMPLETED")
                && log.contains(command)
                && !log.contains("NETCONF_UPDATE_CONFIG_FULL")
                && !log.contains("NETCONF_UPDATE_CONFIG_DELTA_FAILED"),
            "expected {command} on the delta path:\n{}",
            common::tail(log, 30)
        ),
        None => assert!(
            log.contains("NETCONF_UPDATE_CONFIG_FULL")
                && log.contains("NETCONF_UPDATE_CONFIG_COMPLETED")
                && !log.contains("NETCONF_UPDATE_CONFIG_DELTA"),
            "expected config-set:\n{}",
            common::tail(log, 30)
        ),
    }
}

#[test]
fn dhcp4_subnet_changes_in_1000_subnets_use_subnet_cmds() {
    if !common::kea_dhcp4_bin().exists() {
        eprintln!(
            "SKIPPED: {} not found (build kea-dhcp4 or set KEA_DHCP4_BIN)",
            common::kea_dhcp4_bin().display()
        );
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let socket = d.join("kea4.sock");
    let _server = common::start_dhcp4(
        d,
        json!({
            "interfaces-config": {"interfaces": []},
            "control-socket": {"socket-type": "unix", "socket-name": socket},
            "lease-database": {"type": "memfile", "persist": false},
            "valid-lifetime": 4000,
            "subnet4": (1..=1000).map(subnet4).collect::<Vec<_>>()
        }),
    );
    let agent = Agent4::start(d, &socket, "delta");
    // A lease of a subnet no commit touches must survive every commit.
    let lease = json!({"ip-address": "10.0.5.20", "hw-address": "1a:1b:1c:1d:1e:1f",
                       "subnet-id": 5});
    ok(
        &common::kea_command(&socket, "lease4-add", Some(lease)),
        "lease4-add",
    );
    let lease_kept = || {
        let answer = common::kea_command(
            &socket,
            "lease4-get",
            Some(json!({"ip-address": "10.0.5.20"})),
        );
        answer["result"] == 0 && answer["arguments"]["hw-address"] == "1a:1b:1c:1d:1e:1f"
    };
    let (before, _) = config_and_hash(&socket);

    // 1. One subnet added: subnet4-add.
    let (log, took) = agent.edit("<subnet4><id>1001</id><subnet>10.3.233.0/24</subnet></subnet4>");
    println!("1 subnet added to 1,000 (delta): {} ms", took.as_millis());
    assert_path(&log, Some("subnet4-add"));
    assert!(lease_kept(), "the lease of subnet 5 is gone");
    let (after_delta, hash_delta) = config_and_hash(&socket);
    assert_eq!(
        after_delta["Dhcp4"]["subnet4"].as_array().map(Vec::len),
        Some(1001)
    );
    // What config-set of the expected config gives is what the commands
    // gave (same config-get, same hash).
    let mut expected = before.clone();
    expected["Dhcp4"]["subnet4"]
        .as_array_mut()
        .expect("subnet4")
        .push(json!({"id": 1001, "subnet": "10.3.233.0/24"}));
    ok(
        &common::kea_command(&socket, "config-set", Some(expected)),
        "config-set of the expected config",
    );
    let (after_set, hash_set) = config_and_hash(&socket);
    assert_eq!(after_set, after_delta);
    assert_eq!(hash_set, hash_delta);

    // 2. A reservation in an existing subnet: reservation-add.
    let (log, _) = agent.edit(
        "<subnet4><id>7</id><host><identifier-type>hw-address</identifier-type>\
         <identifier>0a:0b:0c:0d:0e:0f</identifier><ip-address>10.0.7.50</ip-address></host></subnet4>",
    );
    assert_path(&log, Some("reservation-add"));
    let host = common::kea_command(
        &socket,
        "reservation-get",
        Some(json!({"subnet-id": 7, "identifier-type": "hw-address",
                    "identifier": "0a:0b:0c:0d:0e:0f"})),
    );
    assert_eq!(ok(&host, "reservation-get")["ip-address"], "10.0.7.50");
    let get_host = || {
        common::kea_command(
            &socket,
            "reservation-get",
            Some(json!({"subnet-id": 7, "identifier-type": "hw-address",
                        "identifier": "0a:0b:0c:0d:0e:0f"})),
        )
    };

    // 2b. The subnet holding it changes: subnet4-update (the reservation stays).
    let (log, _) = agent.edit("<subnet4><id>7</id><valid-lifetime>600</valid-lifetime></subnet4>");
    assert_path(&log, Some("subnet4-update"));
    assert_eq!(
        ok(&get_host(), "reservation-get")["ip-address"],
        "10.0.7.50"
    );

    // 2c. The reservation changes: reservation-update.
    let (log, _) = agent.edit(
        "<subnet4><id>7</id><host><identifier-type>hw-address</identifier-type>\
         <identifier>0a:0b:0c:0d:0e:0f</identifier><ip-address>10.0.7.51</ip-address></host></subnet4>",
    );
    assert_path(&log, Some("reservation-update"));
    assert_eq!(
        ok(&get_host(), "reservation-get")["ip-address"],
        "10.0.7.51"
    );

    // 2d. The reservation goes: reservation-del.
    let (log, _) = agent.edit(
        "<subnet4><id>7</id><host nc:operation=\"delete\"><identifier-type>hw-address</identifier-type>\
         <identifier>0a:0b:0c:0d:0e:0f</identifier></host></subnet4>",
    );
    assert_path(&log, Some("reservation-del"));
    assert_ne!(get_host()["result"], 0, "the reservation is still there");

    // 3. A global: config-set.
    let (log, _) = agent.edit("<valid-lifetime>7200</valid-lifetime>");
    assert_path(&log, None);
    assert!(log.contains("'valid-lifetime' changed"), "{log}");
    let (config, _) = config_and_hash(&socket);
    assert_eq!(config["Dhcp4"]["valid-lifetime"], 7200);
    assert!(
        lease_kept(),
        "the lease of subnet 5 is gone after config-set"
    );

    // 4. A subnet deleted: subnet4-del.
    let (log, _) = agent.edit("<subnet4 nc:operation=\"delete\"><id>1001</id></subnet4>");
    assert_path(&log, Some("subnet4-del"));
    let (config, _) = config_and_hash(&socket);
    let subnets = config["Dhcp4"]["subnet4"].as_array().expect("subnet4");
    assert_eq!(subnets.len(), 1000);
    assert!(subnets.iter().all(|s| s["id"] != 1001));
    assert!(
        lease_kept(),
        "the lease of subnet 5 is gone after subnet4-del"
    );

    // 5. Someone changed the server behind the agent's back: the plan's
    //    starting point is not what it runs, so config-set puts it right.
    ok(
        &common::kea_command(
            &socket,
            "subnet4-add",
            Some(json!({"subnet4": [subnet4(3000)]})),
        ),
        "subnet4-add behind the agent's back",
    );
    let (log, _) = agent.edit("<subnet4><id>1002</id><subnet>10.3.234.0/24</subnet></subnet4>");
    assert_path(&log, None);
    assert!(log.contains("is not the expected"), "{log}");
    let (config, _) = config_and_hash(&socket);
    let ids: Vec<i64> = config["Dhcp4"]["subnet4"]
        .as_array()
        .expect("subnet4")
        .iter()
        .filter_map(|s| s["id"].as_i64())
        .collect();
    assert_eq!(ids.len(), 1001);
    assert!(ids.contains(&1002) && !ids.contains(&3000), "{ids:?}");
    assert!(
        lease_kept(),
        "the lease of subnet 5 is gone after the fallback"
    );
}

#[test]
fn dhcp4_apply_mode_full_always_sets_the_whole_config() {
    if !common::kea_dhcp4_bin().exists() {
        eprintln!("SKIPPED: {} not found", common::kea_dhcp4_bin().display());
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let socket = d.join("kea4.sock");
    let _server = common::start_dhcp4(
        d,
        json!({
            "interfaces-config": {"interfaces": []},
            "control-socket": {"socket-type": "unix", "socket-name": socket},
            "lease-database": {"type": "memfile", "persist": false},
            "subnet4": (1..=1000).map(subnet4).collect::<Vec<_>>()
        }),
    );
    let agent = Agent4::start(d, &socket, "full");
    let (log, took) = agent.edit("<subnet4><id>1001</id><subnet>10.3.233.0/24</subnet></subnet4>");
    println!("1 subnet added to 1,000 (full): {} ms", took.as_millis());
    assert_path(&log, None);
    assert!(log.contains("apply-mode is full"), "{log}");
    let (config, _) = config_and_hash(&socket);
    assert_eq!(
        config["Dhcp4"]["subnet4"].as_array().map(Vec::len),
        Some(1001)
    );
}

/// libyang keeps system-ordered lists sorted by key; a commit must still
/// leave the server's order of `host-reservation-identifiers` (its lookup
/// order) as it was.
#[test]
fn a_commit_keeps_the_order_of_host_reservation_identifiers() {
    if !common::kea_dhcp4_bin().exists() {
        eprintln!("SKIPPED: {} not found", common::kea_dhcp4_bin().display());
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let socket = d.join("kea4.sock");
    let order = json!(["hw-address", "duid", "circuit-id", "client-id"]);
    let _server = common::start_dhcp4(
        d,
        json!({
            "interfaces-config": {"interfaces": []},
            "control-socket": {"socket-type": "unix", "socket-name": socket},
            "lease-database": {"type": "memfile", "persist": false},
            "host-reservation-identifiers": order,
            "subnet4": [subnet4(1)]
        }),
    );
    let agent = Agent4::start(d, &socket, "full");
    let (log, _) = agent.edit("<subnet4><id>2</id><subnet>10.0.2.0/24</subnet></subnet4>");
    assert_path(&log, None);
    let (config, _) = config_and_hash(&socket);
    assert_eq!(config["Dhcp4"]["subnet4"].as_array().map(Vec::len), Some(2));
    assert_eq!(config["Dhcp4"]["host-reservation-identifiers"], order);
}

/// dhcp6: ours has the commands (delta); Kea 2.2 without the subnet_cmds
/// hook has not, and keeps working with config-set.
#[test]
fn dhcp6_subnet_add_and_delete() {
    require_tools!(false);
    let kea = Kea::start(json!({
        "subnet6": [{"id": 1, "subnet": "2001:db8:1::/64",
                     "pools": [{"pool": "2001:db8:1::100 - 2001:db8:1::1ff"}]}]
    }));
    let mut agent = Agent::configure(&kea.socket, &AgentOptions::default());
    agent.start();
    let has_commands = {
        let listed = kea.command("list-commands", None);
        listed["arguments"]
            .as_array()
            .is_some_and(|a| a.iter().any(|c| c == "subnet6-add"))
    };
    let edit = |xml: &str| {
        let before = agent.log().len();
        let file = agent.dir.path().join("edit.xml");
        std::fs::write(
            &file,
            format!(
                "<config xmlns=\"{}\" xmlns:nc=\"{NC}\">{}{xml}</config>",
                common::NS6,
                kea.required_xml()
            ),
        )
        .expect("write edit");
        let out = agent.sysrepocfg(&["-d", "running", &format!("--edit={}", file.display())]);
        assert!(
            out.status.success(),
            "edit failed: {}\n{}",
            String::from_utf8_lossy(&out.stderr),
            common::tail(&agent.log(), 30)
        );
        agent.log()[before..].to_string()
    };
    let log = edit("<subnet6><id>2</id><subnet>2001:db8:2::/64</subnet></subnet6>");
    if has_commands {
        assert_path(&log, Some("subnet6-add"));
    } else {
        assert_path(&log, None);
        assert!(log.contains("the server has no"), "{log}");
    }
    assert_eq!(kea.subnets(), ["2001:db8:1::/64", "2001:db8:2::/64"]);
    let log = edit("<subnet6 nc:operation=\"delete\"><id>1</id></subnet6>");
    if has_commands {
        assert_path(&log, Some("subnet6-del"));
    } else {
        assert_path(&log, None);
    }
    assert_eq!(kea.subnets(), ["2001:db8:2::/64"]);
}
