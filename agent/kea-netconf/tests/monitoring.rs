//! ietf-netconf-monitoring, ietf-yang-library and the session limits of the
//! real kea-netconf binary, through real clients: Debian's ncclient
//! (tests/py/monitoring.py) and, when installed, yangcli (yuma123) and
//! netconf-console2. No DHCP server is needed: the agent manages none.

mod common;

use std::path::PathBuf;
use std::process::{Child, Command};
use std::time::Duration;

use common::{PASSWORD, PYTHON, USER, free_port, run_bounded, stop, wait_for};
use serde_json::json;

const MAX_SESSIONS: u32 = 4;
/// Long enough that the busy sessions of the script never idle out on a
/// loaded machine; short enough to wait for.
const IDLE_TIMEOUT: u64 = 8;

/// kea-netconf with no managed server, on a free loopback port.
struct LoneAgent {
    dir: tempfile::TempDir,
    port: u16,
    child: Child,
}

impl LoneAgent {
    fn start() -> LoneAgent {
        Self::start_with(tempfile::tempdir().expect("tempdir"), json!({}), 30)
    }

    /// An agent managing `managed` (a `managed-servers` map) with the given
    /// change-timeout, its files in `dir`.
    fn start_with(
        dir: tempfile::TempDir,
        managed: serde_json::Value,
        change_timeout: u64,
    ) -> LoneAgent {
        let port = free_port();
        let config = json!({"Netconf": {
            "managed-servers": managed,
            "netconf-server": {
                "address": "127.0.0.1",
                "port": port,
                "users": [{"name": USER, "password": PASSWORD}],
                "host-key-file": dir.path().join("ssh_host_ed25519_key"),
                "datastore-directory": dir.path().join("datastore"),
                "drift-check-interval": 0,
                "max-sessions": MAX_SESSIONS,
                "idle-timeout": IDLE_TIMEOUT,
                "hello-timeout": 10,
                "change-timeout": change_timeout},
            "loggers": [{"name": "kea-netconf", "output-options": [{"output": "stderr"}],
                         "severity": "INFO"}]}});
        let file = dir.path().join("netconf.json");
        std::fs::write(&file, config.to_string()).expect("write config");
        let log = std::fs::File::create(dir.path().join("kea-netconf.out")).expect("log");
        let child = Command::new(env!("CARGO_BIN_EXE_kea-netconf"))
            .arg("-c")
            .arg(&file)
            .env("KEA_PIDFILE_DIR", dir.path())
            .env("KEA_LOCKFILE_DIR", dir.path())
            .stdout(log.try_clone().expect("log"))
            .stderr(log)
            .spawn()
            .expect("start kea-netconf");
        let mut agent = LoneAgent { dir, port, child };
        let up = wait_for(Duration::from_secs(30), || {
            std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()
        });
        if !up {
            stop(&mut agent.child);
            panic!("kea-netconf did not come up:\n{}", agent.log());
        }
        agent
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("kea-netconf.out")).unwrap_or_default()
    }
}

impl Drop for LoneAgent {
    fn drop(&mut self) {
        stop(&mut self.child);
    }
}

fn python_has(modules: &str) -> bool {
    Command::new(PYTHON)
        .args(["-c", &format!("import {modules}")])
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false)
}

#[test]
fn monitoring_yang_library_and_limits_with_ncclient() {
    if !python_has("ncclient, paramiko, lxml") {
        eprintln!("SKIPPED: {PYTHON} with ncclient (python3-ncclient) not found");
        return;
    }
    let agent = LoneAgent::start();
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/py/monitoring.py");
    let mut cmd = Command::new(PYTHON);
    cmd.arg(script)
        .env("KN_PORT", agent.port.to_string())
        .env("KN_USER", USER)
        .env("KN_PASSWORD", PASSWORD)
        .env("KN_MAX_SESSIONS", MAX_SESSIONS.to_string())
        .env("KN_IDLE_TIMEOUT", IDLE_TIMEOUT.to_string());
    let out = run_bounded(&mut cmd, Duration::from_secs(120));
    let stdout = String::from_utf8_lossy(&out.stdout);
    println!("{stdout}");
    assert!(
        out.status.success() && stdout.contains("ALL OK"),
        "monitoring.py failed:\n{stdout}\n{}\nagent log:\n{}",
        String::from_utf8_lossy(&out.stderr),
        common::tail(&agent.log(), 40)
    );
}

#[test]
fn netconf_console2_reads_monitoring_state() {
    let Some(nc2) = common::netconf_console2() else {
        eprintln!(
            "SKIPPED: netconf-console2 not found (scripts/install-deps.sh installs it in /opt/netconf-console2)"
        );
        return;
    };
    let agent = LoneAgent::start();
    let console = |args: &[&str]| {
        let mut cmd = Command::new(&nc2);
        cmd.args(["--host", "127.0.0.1", "--port", &agent.port.to_string()])
            .args(["-u", USER, "-p", PASSWORD])
            .args(args);
        let out = run_bounded(&mut cmd, Duration::from_secs(60));
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        (out.status.success(), text)
    };
    let (ok, text) = console(&["--hello"]);
    assert!(
        ok && text.contains("yang-library:1.1?revision=2019-01-04&amp;content-id="),
        "{text}"
    );
    let (ok, text) = console(&["--get", "-x", "/netconf-state/sessions"]);
    assert!(
        ok && text.contains("<username>admin</username>") && text.contains("netconf-ssh"),
        "{text}"
    );
    let (ok, text) = console(&["--get", "-x", "/yang-library/content-id"]);
    assert!(ok && text.contains("<content-id>"), "{text}");
    let (ok, text) = console(&["--get-schema", "ietf-netconf-monitoring"]);
    assert!(
        ok && text.contains("module ietf-netconf-monitoring"),
        "{text}"
    );
}

fn yangcli() -> Option<PathBuf> {
    let path = std::env::var_os("YANGCLI")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/yangcli"));
    path.exists().then_some(path)
}

/// Debian's yangcli (yuma123): logs in with a password over SSH, learns
/// the modules from the hello and get-schema, edits candidate under a lock,
/// validates and commits, copies running to startup, reads state with
/// `xget`, and gets a data-exists rpc-error whose error-path it can parse.
#[test]
fn yangcli_edits_commits_and_reads_state() {
    let Some(yangcli) = yangcli() else {
        eprintln!("SKIPPED: yangcli not found (apt-get install yangcli)");
        return;
    };
    let agent = LoneAgent::start();
    let home = agent.dir.path().join("home");
    std::fs::create_dir_all(&home).expect("home");
    let batch = agent.dir.path().join("batch.yangcli");
    let leaf = "/kea-dhcp4-server:config/valid-lifetime";
    std::fs::write(
        &batch,
        format!(
            "lock target=candidate\n\
             merge {leaf} value=7200\n\
             validate source=candidate\n\
             commit\n\
             unlock target=candidate\n\
             copy-config source=running target=startup\n\
             get-config source=startup\n\
             xget /netconf-state/sessions\n\
             xget /netconf-state/statistics\n\
             sget /yang-library/content-id\n\
             create {leaf} value=10\n\
             quit\n"
        ),
    )
    .expect("batch");
    let mut cmd = Command::new(&yangcli);
    cmd.env("HOME", &home)
        .arg("--server=127.0.0.1")
        .arg(format!("--ncport={}", agent.port))
        .arg(format!("--user={USER}"))
        .arg(format!("--password={PASSWORD}"))
        .arg("--batch-mode")
        .arg(format!("--run-script={}", batch.display()))
        .arg("--display-mode=xml");
    let out = run_bounded(&mut cmd, Duration::from_secs(90));
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    println!("{text}");
    // Six OK replies: lock, merge, validate, commit, unlock, copy-config.
    assert!(text.matches("RPC OK Reply").count() >= 6, "{text}");
    assert!(
        text.contains("<valid-lifetime>7200</valid-lifetime>"),
        "{text}"
    );
    assert!(text.contains("<username>admin</username>"), "{text}");
    assert!(text.contains("<in-sessions>"), "{text}");
    assert!(text.contains("<content-id>"), "{text}");
    assert!(
        text.contains("<error-tag>data-exists</error-tag>"),
        "{text}"
    );
    assert!(!text.contains("invalid reply"), "{text}");
    // The startup yangcli wrote is on disk.
    let startup = std::fs::read_to_string(agent.dir.path().join("datastore/startup.json"))
        .expect("startup.json");
    assert!(startup.contains("\"valid-lifetime\": 7200"), "{startup}");
}

/// A change subscriber (the agent validating with a server's config-test)
/// slower than `change-timeout`: the NETCONF commit fails with
/// operation-failed, running is unchanged, the server gets no config-set.
#[test]
fn slow_change_phase_fails_the_commit() {
    if !python_has("ncclient") {
        eprintln!("SKIPPED: {PYTHON} with ncclient (python3-ncclient) not found");
        return;
    }
    const CHANGE_TIMEOUT: u64 = 1;
    let dir = tempfile::tempdir().expect("tempdir");
    let socket = dir.path().join("fake-kea6.sock");
    let managed = json!({"dhcp6": {
        "boot-update": false,
        "control-socket": {"socket-type": "unix", "socket-name": socket}}});
    let agent = LoneAgent::start_with(dir, managed, CHANGE_TIMEOUT);
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/py/subscriber_timeout.py"
    );
    let mut cmd = Command::new(PYTHON);
    cmd.arg(script)
        .env("KN_PORT", agent.port.to_string())
        .env("KN_USER", USER)
        .env("KN_PASSWORD", PASSWORD)
        .env("KN_KEA_SOCKET", &socket)
        .env("KN_CHANGE_TIMEOUT", CHANGE_TIMEOUT.to_string());
    let out = run_bounded(&mut cmd, Duration::from_secs(120));
    let stdout = String::from_utf8_lossy(&out.stdout);
    println!("{stdout}");
    assert!(
        out.status.success() && stdout.contains("ALL OK"),
        "subscriber_timeout.py failed:\n{stdout}\n{}\nagent log:\n{}",
        String::from_utf8_lossy(&out.stderr),
        common::tail(&agent.log(), 40)
    );
}
