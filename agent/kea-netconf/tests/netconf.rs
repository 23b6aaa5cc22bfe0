//! NETCONF clients (Debian's ncclient) over real SSH against kea-netconf
//! managing a real kea-dhcp6: RFC 6241 operations, state, confirmed
//! commits, server rejections, drift.

mod common;

use std::time::Duration;

use common::{Agent, AgentOptions, HOOKS_DIR, Kea, assert_script_ok, wait_for};
use serde_json::json;

fn hooks() -> serde_json::Value {
    json!([
        {"library": format!("{HOOKS_DIR}/libdhcp_lease_cmds.so")},
        {"library": format!("{HOOKS_DIR}/libdhcp_stat_cmds.so")}
    ])
}

#[test]
fn ncclient_operations_against_kea_dhcp6() {
    require_tools!(true);
    let kea = Kea::start(json!({ "hooks-libraries": hooks() }));
    let mut agent = Agent::configure(&kea.socket, &AgentOptions::default());
    agent.start();
    // The empty startup datastore was seeded from what the server runs.
    let startup = agent.export("startup");
    assert!(startup.contains("libdhcp_lease_cmds.so"), "{startup}");
    let out = agent.python("operations.py", &kea, &[]);
    assert_script_ok("operations.py", &out, &agent, &kea);
    assert!(String::from_utf8_lossy(&out.stdout).contains("ALL OK"));
}

/// A `config-set` behind the agent's back, as an operator with a socket
/// client would send it.
fn change_behind_the_agents_back(kea: &Kea) {
    let mut config = kea.config();
    config["subnet6"] = json!([{"id": 77, "subnet": "2001:db8:77::/64"}]);
    let answer = kea.command("config-set", Some(json!({ "Dhcp6": config })));
    assert_eq!(answer["result"], 0, "{answer}");
}

fn agent_with_subnet(kea: &Kea, policy: &'static str) -> Agent {
    let options = AgentOptions {
        drift_check_interval: 1,
        drift_policy: policy,
        ..AgentOptions::default()
    };
    let mut agent = Agent::configure(&kea.socket, &options);
    agent.start();
    let edit = format!(
        "<config xmlns=\"{}\">{}<subnet6><id>1</id><subnet>2001:db8:1::/64</subnet></subnet6></config>",
        common::NS6,
        kea.required_xml()
    );
    let file = agent.dir.path().join("subnet.xml");
    std::fs::write(&file, edit).expect("write edit");
    let out = agent.sysrepocfg(&["-d", "running", &format!("--edit={}", file.display())]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(kea.subnets(), ["2001:db8:1::/64"]);
    agent
}

#[test]
fn drift_is_reported() {
    require_tools!(false);
    let kea = Kea::start(json!({}));
    let agent = agent_with_subnet(&kea, "report");
    // Let a drift check record the hash of the pushed config first.
    std::thread::sleep(Duration::from_millis(1500));
    assert!(
        !agent.log().contains("NETCONF_CONFIG_DRIFT"),
        "{}",
        agent.log()
    );
    change_behind_the_agents_back(&kea);
    assert!(
        wait_for(Duration::from_secs(10), || agent
            .log()
            .contains("NETCONF_CONFIG_DRIFT")),
        "no drift reported:\n{}",
        agent.log()
    );
    // Reported, not undone.
    assert_eq!(kea.subnets(), ["2001:db8:77::/64"]);
    assert!(agent.export("running").contains("2001:db8:1::/64"));
}

#[test]
fn drift_is_reconciled() {
    require_tools!(false);
    let kea = Kea::start(json!({}));
    let agent = agent_with_subnet(&kea, "reconcile");
    std::thread::sleep(Duration::from_millis(1500));
    change_behind_the_agents_back(&kea);
    assert!(
        wait_for(Duration::from_secs(10), || kea.subnets()
            == ["2001:db8:1::/64"]),
        "running was not pushed back: server has {:?}\n{}",
        kea.subnets(),
        agent.log()
    );
    assert!(
        wait_for(Duration::from_secs(10), || agent
            .log()
            .contains("NETCONF_DRIFT_RECONCILED")),
        "{}",
        agent.log()
    );
}

/// Benchmark, not a test: `cargo test -p kea-netconf --test netconf --
/// --ignored --nocapture commit_latency`. Prints edit-config-on-running to
/// applied-on-the-server latency for a 1-subnet and a 1,000-subnet change.
#[test]
#[ignore]
fn commit_latency() {
    require_tools!(true);
    let kea = Kea::start(json!({}));
    let mut agent = Agent::configure(&kea.socket, &AgentOptions::default());
    agent.start();
    let out = agent.python("latency.py", &kea, &[]);
    assert_script_ok("latency.py", &out, &agent, &kea);
}

/// validate-changes off: the server refuses in the apply phase (the ARM's
/// fourth class of error) and the agent puts running back to the config the
/// server still runs.
#[test]
fn late_refusal_reverts_running() {
    require_tools!(false);
    let kea = Kea::start(json!({}));
    let options = AgentOptions {
        validate_changes: false,
        ..AgentOptions::default()
    };
    let mut agent = Agent::configure(&kea.socket, &options);
    agent.start();
    let edit = |body: &str| {
        let file = agent.dir.path().join("edit.xml");
        let xml = format!(
            "<config xmlns=\"{}\">{}{body}</config>",
            common::NS6,
            kea.required_xml()
        );
        std::fs::write(&file, xml).expect("write edit");
        agent.sysrepocfg(&["-d", "running", &format!("--edit={}", file.display())])
    };
    let out = edit("<subnet6><id>1</id><subnet>2001:db8:1::/64</subnet></subnet6>");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let running = agent.export("running");
    let server = kea.config();
    // Accepted by the datastore (no config-test), refused by config-set.
    let _ = edit(
        "<subnet6><id>2</id><subnet>2001:db8:2::/64</subnet><pool><start-address>2001:db8:9::1</start-address>\
         <end-address>2001:db8:9::ff</end-address><prefix>2001:db8:9::/120</prefix></pool></subnet6>",
    );
    assert!(
        wait_for(Duration::from_secs(10), || agent.export("running")
            == running),
        "running not reverted:\n{}\n{}",
        agent.export("running"),
        agent.log()
    );
    assert_eq!(kea.config(), server);
    assert!(agent.log().contains("NETCONF_REVERT_STARTED"));
}

#[test]
fn drift_is_adopted() {
    require_tools!(false);
    let kea = Kea::start(json!({}));
    let agent = agent_with_subnet(&kea, "adopt");
    std::thread::sleep(Duration::from_millis(1500));
    change_behind_the_agents_back(&kea);
    assert!(
        wait_for(Duration::from_secs(10), || agent
            .export("running")
            .contains("2001:db8:77::/64")),
        "the server's config was not taken into running:\n{}\n{}",
        agent.export("running"),
        agent.log()
    );
    assert!(!agent.export("running").contains("2001:db8:1::/64"));
    // Adopting is not a change to push back: the server keeps its config.
    std::thread::sleep(Duration::from_millis(2500));
    assert_eq!(kea.subnets(), ["2001:db8:77::/64"]);
    assert_eq!(
        agent.log().matches("NETCONF_CONFIG_DRIFT").count(),
        1,
        "{}",
        agent.log()
    );
}

#[test]
fn server_down_fails_state_and_commits_with_the_reason() {
    require_tools!(true);
    let dir = tempfile::tempdir().expect("tempdir");
    let absent = dir.path().join("absent.sock");
    let mut agent = Agent::configure(&absent, &AgentOptions::default());
    agent.start();
    let out = agent.python_with("server_down.py", &absent, "", &[]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    println!("{stdout}\n{}", common::tail(&agent.log(), 12));
    assert!(
        out.status.success() && stdout.contains("ALL OK"),
        "{stdout}\n{}\n{}",
        String::from_utf8_lossy(&out.stderr),
        agent.log()
    );
}

/// A second, unrelated client: OpenSSH's `ssh -s netconf` with public-key
/// authentication, speaking base:1.0 (end-of-message framing) by hand.
#[test]
fn openssh_client_with_public_key_and_base_1_0() {
    require_tools!(false);
    if !std::path::Path::new("/usr/bin/ssh").exists() {
        eprintln!("SKIPPED: /usr/bin/ssh not found");
        return;
    }
    let keys = tempfile::tempdir().expect("tempdir");
    let key = keys.path().join("id_ed25519");
    let out = common::run_bounded(
        std::process::Command::new("ssh-keygen")
            .args(["-q", "-t", "ed25519", "-N", "", "-f"])
            .arg(&key),
        Duration::from_secs(30),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let public = std::fs::read_to_string(key.with_extension("pub")).expect("public key");
    let kea = Kea::start(json!({}));
    let options = AgentOptions {
        authorized_key: Some(("operator".into(), public.trim().to_string())),
        ..AgentOptions::default()
    };
    let mut agent = Agent::configure(&kea.socket, &options);
    agent.start();
    const EOM: &str = "]]>]]>";
    let base = "urn:ietf:params:xml:ns:netconf:base:1.0";
    let input = format!(
        "<hello xmlns=\"{base}\"><capabilities><capability>urn:ietf:params:netconf:base:1.0</capability></capabilities></hello>{EOM}\
         <rpc message-id=\"1\" xmlns=\"{base}\"><edit-config><target><running/></target><config>\
         <config xmlns=\"{ns}\">{required}<subnet6><id>5</id><subnet>2001:db8:5::/64</subnet></subnet6></config>\
         </config></edit-config></rpc>{EOM}\
         <rpc message-id=\"2\" xmlns=\"{base}\"><get-config><source><running/></source></get-config></rpc>{EOM}\
         <rpc message-id=\"3\" xmlns=\"{base}\"><close-session/></rpc>{EOM}",
        ns = common::NS6,
        required = kea.required_xml()
    );
    let input_file = keys.path().join("input.xml");
    std::fs::write(&input_file, input).expect("write input");
    let out = common::run_bounded(
        std::process::Command::new("/usr/bin/ssh")
            .args([
                "-o",
                "BatchMode=yes",
                "-o",
                "StrictHostKeyChecking=no",
                "-o",
                "UserKnownHostsFile=/dev/null",
                "-o",
                "IdentitiesOnly=yes",
                "-i",
            ])
            .arg(&key)
            .args([
                "-p",
                &agent.port.to_string(),
                "-s",
                "operator@127.0.0.1",
                "netconf",
            ])
            .stdin(std::fs::File::open(&input_file).expect("input")),
        Duration::from_secs(60),
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.matches("<ok/>").count() >= 2,
        "{stdout}\n{}\n{}",
        String::from_utf8_lossy(&out.stderr),
        agent.log()
    );
    assert!(stdout.contains("2001:db8:5::/64"), "{stdout}");
    assert_eq!(kea.subnets(), ["2001:db8:5::/64"]);
}

/// The server is down when the agent boots; when it comes up with its own
/// file config, `reconcile` gives it running.
#[test]
fn a_server_starting_after_the_agent_gets_running_under_reconcile() {
    require_tools!(false);
    let kea_dir = tempfile::tempdir().expect("tempdir");
    let socket = kea_dir.path().join("kea6.sock");
    let options = AgentOptions {
        drift_check_interval: 1,
        drift_policy: "reconcile",
        ..AgentOptions::default()
    };
    let agent_plan = Agent::configure(&socket, &options);
    let mut required = format!(
        "<control-socket><socket-type>unix</socket-type><socket-name>{}</socket-name></control-socket>",
        socket.display()
    );
    if Kea::is_kea_2() {
        required.push_str(&format!(
            "<data-directory>{}</data-directory>",
            kea_dir.path().display()
        ));
    }
    let startup = agent_plan.dir.path().join("startup.xml");
    std::fs::write(
        &startup,
        format!(
            "<config xmlns=\"{}\">{required}<subnet6><id>3</id><subnet>2001:db8:3::/64</subnet></subnet6></config>",
            common::NS6
        ),
    )
    .expect("write startup");
    let out = agent_plan.sysrepocfg(&[
        "-d",
        "startup",
        "-m",
        "kea-dhcp6-server",
        &format!("--import={}", startup.display()),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut agent = agent_plan;
    agent.start();
    std::thread::sleep(Duration::from_millis(1500));
    let kea = Kea::start_in(kea_dir, json!({}));
    assert!(
        wait_for(Duration::from_secs(10), || kea.subnets()
            == ["2001:db8:3::/64"]),
        "server has {:?}\n{}",
        kea.subnets(),
        agent.log()
    );
}

#[test]
fn drift_notification_reaches_subscribers() {
    require_tools!(true);
    let kea = Kea::start(json!({}));
    let agent = agent_with_subnet(&kea, "report");
    let out = agent.python("drift_notification.py", &kea, &[]);
    assert_script_ok("drift_notification.py", &out, &agent, &kea);
    assert!(String::from_utf8_lossy(&out.stdout).contains("ALL OK"));
}

#[test]
fn sigterm_closes_open_sessions_and_exits() {
    require_tools!(true);
    let kea = Kea::start(json!({}));
    let mut agent = Agent::configure(&kea.socket, &AgentOptions::default());
    agent.start();
    let pid = agent.child().id().to_string();
    let out = agent.python("sigterm_with_session.py", &kea, &[("KN_AGENT_PID", pid)]);
    assert_script_ok("sigterm_with_session.py", &out, &agent, &kea);
    let status = common::wait_exit(agent.child(), Duration::from_secs(10)).expect("agent exits");
    assert!(status.success(), "{status}\n{}", agent.log());
    assert!(!agent.local_socket().exists());
}

/// Delegated prefixes over the threshold: one `pool-utilization`
/// notification with `pool-type` prefix (the v6 statistics `total-pds`,
/// `assigned-pds`).
#[test]
fn prefix_pool_over_threshold_is_notified() {
    require_tools!(true);
    let kea = Kea::start(json!({
        "hooks-libraries": hooks(),
        "subnet6": [{"id": 1, "subnet": "2001:db8:1::/64",
                     "pd-pools": [{"prefix": "2001:db8:8::", "prefix-len": 48, "delegated-len": 50}]}]
    }));
    let mut agent = Agent::configure(
        &kea.socket,
        &AgentOptions {
            pool_utilization_threshold: Some(0.75),
            pool_check_interval: 1,
            ..AgentOptions::default()
        },
    );
    agent.start();
    let out = agent.python("pool_utilization6.py", &kea, &[]);
    assert_script_ok("pool_utilization6.py", &out, &agent, &kea);
    assert!(String::from_utf8_lossy(&out.stdout).contains("ALL OK"));
}
