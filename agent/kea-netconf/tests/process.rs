//! The kea-netconf process: `-t`, SIGHUP, SIGTERM. No DHCP server needed:
//! the managed server's socket does not exist, which the agent logs and
//! survives.

mod common;

use std::process::Command;
use std::time::Duration;

use common::{Agent, AgentOptions, run_bounded, wait_exit, wait_for};

fn check(config: &str) -> std::process::Output {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("netconf.json");
    std::fs::write(&file, config).expect("write");
    run_bounded(
        Command::new(env!("CARGO_BIN_EXE_kea-netconf"))
            .arg("-t")
            .arg(&file),
        Duration::from_secs(30),
    )
}

#[test]
fn check_mode_accepts_good_and_refuses_bad_configs() {
    let good = check(
        r#"{"Netconf": {
            // Kea's JSON dialect: comments are fine.
            "managed-servers": {"dhcp6": {"control-socket":
                {"socket-type": "unix", "socket-name": "/tmp/none/kea6.sock"}}},
            "netconf-server": {"port": 18300, "users": [{"name": "a", "password": "b"}]}}}"#,
    );
    assert!(
        good.status.success(),
        "{}",
        String::from_utf8_lossy(&good.stderr)
    );
    for (config, needle) in [
        (r#"{"Netconf": {"bogus": 1}}"#, "bogus"),
        (
            r#"{"Netconf": {"managed-servers": {"dhcp7": {}}}}"#,
            "dhcp7",
        ),
        (
            r#"{"Netconf": {"managed-servers": {"dhcp4": {"model": "no-such-model"}}}}"#,
            "no-such-model",
        ),
        (
            // Kea's wording, at the value: netconf.json:1:41.
            r#"{"Netconf": {"netconf-server": {"port": "830"}}}"#,
            ":1:41: syntax error, unexpected constant string, expecting integer",
        ),
        (r#"{"Netconf": "#, ""),
        (r#"{"Dhcp4": {}}"#, "Netconf"),
    ] {
        let out = check(config);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{config}: {stderr}");
        assert!(stderr.contains(needle), "{config}: {stderr}");
    }
}

#[test]
fn sighup_reloads_and_sigterm_exits_cleanly() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut agent = Agent::configure(&dir.path().join("absent.sock"), &AgentOptions::default());
    agent.start();
    let port = agent.port;
    let socket = agent.local_socket();
    let pid_file = agent.dir.path().join("netconf.kea-netconf.pid");
    assert!(pid_file.exists(), "no PID file {}", pid_file.display());

    // SIGHUP with a broken file: logged, the agent keeps running.
    let good = std::fs::read_to_string(&agent.config_file).expect("read config");
    std::fs::write(&agent.config_file, r#"{"Netconf": {"bogus": 1}}"#).expect("write");
    common::signal(agent.child(), libc::SIGHUP);
    assert!(
        wait_for(Duration::from_secs(10), || agent
            .log()
            .contains("NETCONF_CONFIG_FAIL")),
        "{}",
        agent.log()
    );
    // SIGHUP with a good file whose listener changed: reloaded, and told
    // that the listener changes at the next restart; still serving.
    let mut changed: serde_json::Value = serde_json::from_str(&good).expect("JSON");
    changed["Netconf"]["netconf-server"]["port"] = serde_json::json!(common::free_port());
    std::fs::write(&agent.config_file, changed.to_string()).expect("write");
    common::signal(agent.child(), libc::SIGHUP);
    assert!(
        wait_for(Duration::from_secs(10), || agent
            .log()
            .contains("NETCONF_RESTART_NEEDED")),
        "{}",
        agent.log()
    );
    assert!(agent.child().try_wait().expect("try_wait").is_none());
    assert!(std::os::unix::net::UnixStream::connect(&socket).is_ok());
    assert!(agent.export("running").is_empty());

    // SIGTERM: exits 0, closes NETCONF, removes its socket and PID file.
    common::signal(agent.child(), libc::SIGTERM);
    let status = wait_exit(agent.child(), Duration::from_secs(10)).expect("exits on SIGTERM");
    assert!(status.success(), "{status}\n{}", agent.log());
    assert!(agent.log().contains("NETCONF_RUN_EXIT"), "{}", agent.log());
    assert!(!socket.exists(), "local socket left behind");
    assert!(!pid_file.exists(), "PID file left behind");
    assert!(std::net::TcpStream::connect(("127.0.0.1", port)).is_err());
}

/// ISC's walk-through agent config (read from ../shared) passes `-t` as is.
#[test]
fn check_mode_accepts_the_walk_through_netconf_json() {
    let file = std::path::Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/reference/kea-examples/netconf/kea-dhcp6-operations/netconf.json"
    ));
    let Ok(text) = std::fs::read_to_string(file) else {
        eprintln!("SKIPPED: {} is absent", file.display());
        return;
    };
    let out = check(&text);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
