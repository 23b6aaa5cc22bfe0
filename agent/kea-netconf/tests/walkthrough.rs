//! ARM 22.1.10, "kea-dhcp6 operations", end to end: ISC's walk-through
//! files (read from ../shared, never copied) imported with `sysrepocfg`
//! into the datastores of a running kea-netconf managing a real kea-dhcp6;
//! each good change shows in the server's `config-get`, each BAD-* file is
//! refused at the stage the ARM describes and changes nothing.

mod common;

use std::path::{Path, PathBuf};

use common::{Agent, AgentOptions, Kea};
use serde_json::{Value, json};

fn examples_dir() -> PathBuf {
    Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/reference/kea-examples/netconf/kea-dhcp6-operations"
    ))
    .to_path_buf()
}

/// One of ISC's files adapted to this test's tempdirs: the control socket
/// path is the test server's, the data directory is added for Kea 2.x, and
/// `eth1` (absent here) is dropped so no DHCP socket is opened.
fn adapted(name: &str, kea: &Kea, dir: &Path) -> PathBuf {
    let text = std::fs::read_to_string(examples_dir().join(name))
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    let mut text = text
        .replace(
            "<socket-name>kea6-ctrl-socket</socket-name>",
            &format!("<socket-name>{}</socket-name>", kea.socket.display()),
        )
        .replace("<interfaces>eth1</interfaces>", "");
    if kea.needs_data_directory {
        let open = "<config xmlns=\"urn:ietf:params:xml:ns:yang:kea-dhcp6-server\">";
        text = text.replacen(
            open,
            &format!(
                "{open}<data-directory>{}</data-directory>",
                kea.dir.path().display()
            ),
            1,
        );
    }
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write adapted file");
    path
}

fn pools(subnet: &Value) -> Vec<String> {
    subnet["pools"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|p| p["pool"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

fn import(agent: &Agent, datastore: &str, file: &Path) -> std::process::Output {
    let file = format!("--import={}", file.display());
    agent.sysrepocfg(&[
        "-d",
        datastore,
        "-f",
        "xml",
        "-m",
        "kea-dhcp6-server",
        &file,
    ])
}

#[test]
fn walk_through_22_1_10_with_sysrepocfg() {
    require_tools!(false);
    if !examples_dir().join("startup.xml").exists() {
        eprintln!("SKIPPED: {} is absent", examples_dir().display());
        return;
    }
    // boot.json: the server starts with nothing but its control socket.
    let kea = Kea::start(json!({}));
    assert_eq!(kea.subnets(), Vec::<String>::new());
    let mut agent = Agent::configure(&kea.socket, &AgentOptions::default());
    let files = tempfile::tempdir().expect("tempdir");

    // sysrepocfg -d startup -m kea-dhcp6-server --import=startup.xml, with
    // the agent stopped; starting the agent pushes startup (boot-update).
    let out = import(
        &agent,
        "startup",
        &adapted("startup.xml", &kea, files.path()),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    agent.start();
    let config = kea.config();
    assert_eq!(kea.subnets(), ["2001:db8::/64"], "{config}");
    assert_eq!(pools(&config["subnet6"][0]), ["2001:db8::1:0/112"]);

    // twopools.xml into running: the second pool reaches the server.
    let out = import(
        &agent,
        "running",
        &adapted("twopools.xml", &kea, files.path()),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        pools(&kea.config()["subnet6"][0]),
        ["2001:db8::1:0/112", "2001:db8::2:0/112"]
    );

    // twosubnets.xml: two subnets with one pool each.
    let out = import(
        &agent,
        "running",
        &adapted("twosubnets.xml", &kea, files.path()),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let config = kea.config();
    assert_eq!(kea.subnets(), ["2001:db8:1::/64", "2001:db8:2::/64"]);
    assert_eq!(pools(&config["subnet6"][1]), ["2001:db8:2::/112"]);

    // logging.xml: back to one subnet, plus a DEBUG logger.
    let out = import(
        &agent,
        "running",
        &adapted("logging.xml", &kea, files.path()),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let config = kea.config();
    assert_eq!(kea.subnets(), ["2001:db8::/64"]);
    let logger = &config["loggers"][0];
    assert_eq!(logger["name"], "kea-dhcp6", "{config}");
    assert_eq!(logger["severity"], "DEBUG");
    assert_eq!(logger["debuglevel"], 99);
    if !kea.needs_data_directory {
        // Kea 3 spelling; Kea 2.2 only knows `output_options` and ignores
        // the `output-options` the translators (Kea 3.0's model) produce.
        assert_eq!(logger["output-options"][0]["output"], "stderr", "{config}");
    }

    // The three BAD files: each refused where the ARM says, nothing changes.
    let running_before = agent.export("running");
    let server_before = kea.config();
    for (file, stage) in [
        // subnet4 is not in the kea-dhcp6-server model.
        ("BAD-schema.xml", "subnet4"),
        // user-context must hold JSON: the translator refuses it.
        ("BAD-translator.xml", "translation to Kea JSON failed"),
        // The pool is outside its subnet: kea-dhcp6's config-test refuses it.
        ("BAD-config.xml", "config-test failed"),
    ] {
        let out = import(&agent, "running", &adapted(file, &kea, files.path()));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{file} was accepted");
        assert!(stderr.contains(stage), "{file}: {stderr}");
        assert_eq!(
            agent.export("running"),
            running_before,
            "{file} changed running"
        );
        assert_eq!(kea.config(), server_before, "{file} changed the server");
    }
    // The server's own words reach the operator for BAD-config.
    let out = import(
        &agent,
        "running",
        &adapted("BAD-config.xml", &kea, files.path()),
    );
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("does not match the prefix of a subnet")
            || !kea.needs_data_directory,
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // Restarting the agent starts over from startup, as Kea's does: running
    // becomes startup again and the server gets startup.xml's config.
    agent.stop();
    agent.start();
    assert_eq!(agent.export("running"), agent.export("startup"));
    assert_eq!(kea.subnets(), ["2001:db8::/64"]);
    assert_eq!(pools(&kea.config()["subnet6"][0]), ["2001:db8::1:0/112"]);
}

/// Our kea-dhcp6 started empty and an agent managing it, plus a directory for
/// the adapted files; `None` (with a message) when ISC's files are absent.
fn running_stack() -> Option<(Kea, Agent, tempfile::TempDir)> {
    if !examples_dir().join("startup.xml").exists() {
        eprintln!("SKIPPED: {} is absent", examples_dir().display());
        return None;
    }
    let kea = Kea::start(json!({}));
    let mut agent = Agent::configure(&kea.socket, &AgentOptions::default());
    agent.start();
    Some((kea, agent, tempfile::tempdir().expect("tempdir")))
}

/// The same walk-through with ncclient: each file is an edit-config on
/// running with default-operation replace.
#[test]
fn walk_through_22_1_10_with_ncclient() {
    require_tools!(true);
    let Some((kea, agent, files)) = running_stack() else {
        return;
    };
    for name in [
        "startup.xml",
        "twopools.xml",
        "twosubnets.xml",
        "logging.xml",
        "BAD-schema.xml",
        "BAD-translator.xml",
        "BAD-config.xml",
    ] {
        adapted(name, &kea, files.path());
    }
    let out = agent.python(
        "walkthrough.py",
        &kea,
        &[("KN_FILES_DIR", files.path().display().to_string())],
    );
    common::assert_script_ok("walkthrough.py", &out, &agent, &kea);
    assert!(String::from_utf8_lossy(&out.stdout).contains("ALL OK"));
}

/// The walk-through with netconf-console2 (PyPI): each good file is
/// copy-config'd into candidate and committed, each BAD file is
/// copy-config'd straight into running and must be refused there.
#[test]
fn walk_through_22_1_10_with_netconf_console2() {
    require_tools!(false);
    let Some(console2) = common::netconf_console2() else {
        eprintln!(
            "SKIPPED: netconf-console2 not found (scripts/install-deps.sh installs it in /opt/netconf-console2)"
        );
        return;
    };
    let Some((kea, agent, files)) = running_stack() else {
        return;
    };
    let console = |args: &[&str]| {
        let mut cmd = std::process::Command::new(&console2);
        cmd.args(["--host", "127.0.0.1", "--port", &agent.port.to_string()])
            .args(["-u", common::USER, "-p", common::PASSWORD])
            .args(args);
        let out = common::run_bounded(&mut cmd, std::time::Duration::from_secs(60));
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        (out.status.success() && !text.contains("<rpc-error"), text)
    };
    let commit = |name: &str| {
        let file = adapted(name, &kea, files.path());
        let file = file.to_str().expect("utf-8 path");
        let (ok, text) = console(&["--db", "candidate", "--copy-config", file, "--commit"]);
        assert!(
            ok,
            "{name}: {text}\nagent log:\n{}",
            common::tail(&agent.log(), 30)
        );
    };

    commit("startup.xml");
    assert_eq!(kea.subnets(), ["2001:db8::/64"]);
    assert_eq!(pools(&kea.config()["subnet6"][0]), ["2001:db8::1:0/112"]);
    commit("twopools.xml");
    assert_eq!(
        pools(&kea.config()["subnet6"][0]),
        ["2001:db8::1:0/112", "2001:db8::2:0/112"]
    );
    commit("twosubnets.xml");
    assert_eq!(kea.subnets(), ["2001:db8:1::/64", "2001:db8:2::/64"]);
    commit("logging.xml");
    let config = kea.config();
    assert_eq!(kea.subnets(), ["2001:db8::/64"]);
    assert_eq!(config["loggers"][0]["severity"], "DEBUG", "{config}");

    let (ok, running_before) = console(&["--get-config", "--db", "running"]);
    assert!(ok, "{running_before}");
    let server_before = kea.config();
    for (name, needle) in [
        ("BAD-schema.xml", "unknown-element"),
        ("BAD-translator.xml", "translation to Kea JSON failed"),
        ("BAD-config.xml", "config-test failed"),
    ] {
        let file = adapted(name, &kea, files.path());
        let file = file.to_str().expect("utf-8 path");
        let (ok, text) = console(&["--db", "running", "--copy-config", file]);
        assert!(!ok, "{name} was accepted: {text}");
        assert!(text.contains(needle), "{name}: {text}");
        println!("{name} refused: {}", text.trim());
        let (_, running) = console(&["--get-config", "--db", "running"]);
        assert_eq!(running, running_before, "{name} changed running");
        assert_eq!(kea.config(), server_before, "{name} changed the server");
    }
}
