//! kea-netconf managing our kea-dhcp4 on loopback (no network namespace,
//! no DHCP traffic): the pool utilisation notification fed by leases added
//! over the control socket, and a managed server reached over HTTPS with
//! mutual TLS and basic authentication.

mod common;

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use serde_json::{Value, json};

/// Why these tests cannot run here, if they cannot.
fn missing() -> Option<String> {
    if !common::kea_dhcp4_bin().exists() {
        return Some(format!(
            "{} not found (build kea-dhcp4 or set KEA_DHCP4_BIN)",
            common::kea_dhcp4_bin().display()
        ));
    }
    common::missing_tools(true)
}

/// kea-netconf managing `dhcp4` (the managed-server map) with `extra`
/// merged into `netconf-server`; waits until NETCONF answers. The second
/// value is the NETCONF port.
fn start_agent(dir: &Path, name: &str, dhcp4: Value, extra: Value) -> (common::Stopped, u16) {
    let port = common::free_port();
    let mut netconf_server = json!({
        "address": "127.0.0.1", "port": port,
        "users": [{"name": common::USER, "password": common::PASSWORD}],
        "host-key-file": dir.join(format!("{name}-hostkey")),
        "datastore-directory": dir.join(format!("{name}-datastore")),
        "drift-check-interval": 0});
    for (k, v) in extra.as_object().into_iter().flatten() {
        netconf_server[k] = v.clone();
    }
    let config = dir.join(format!("{name}.json"));
    std::fs::write(
        &config,
        json!({"Netconf": {
            "managed-servers": {"dhcp4": dhcp4},
            "netconf-server": netconf_server,
            "loggers": [{"name": "kea-netconf", "output-options": [{"output": "stderr"}],
                         "severity": "DEBUG", "debuglevel": 99}]}})
        .to_string(),
    )
    .expect("write netconf.json");
    let log = std::fs::File::create(dir.join(format!("{name}.out"))).expect("log");
    let agent = common::Stopped(
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
    assert!(
        common::wait_for(Duration::from_secs(30), || std::net::TcpStream::connect((
            "127.0.0.1",
            port
        ))
        .is_ok()),
        "kea-netconf did not come up: {}",
        agent_log(dir, name)
    );
    (agent, port)
}

fn agent_log(dir: &Path, name: &str) -> String {
    std::fs::read_to_string(dir.join(format!("{name}.out"))).unwrap_or_default()
}

#[test]
fn pool_over_threshold_is_notified_once_each_way() {
    if let Some(why) = missing() {
        eprintln!("SKIPPED: {why}");
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let socket = dir.path().join("kea4.sock");
    let _server = common::start_dhcp4(
        dir.path(),
        json!({
            "interfaces-config": {"interfaces": []},
            "control-socket": {"socket-type": "unix", "socket-name": socket},
            "lease-database": {"type": "memfile", "persist": false},
            "subnet4": [{"id": 1, "subnet": "192.0.2.0/24",
                         "pools": [{"pool": "192.0.2.10 - 192.0.2.19"}]}]
        }),
    );
    let (_agent, port) = start_agent(
        dir.path(),
        "agent",
        json!({"pool-utilization-threshold": 0.8,
               "control-socket": {"socket-type": "unix", "socket-name": socket}}),
        json!({"pool-check-interval": 1}),
    );
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/py/pool_utilization.py");
    let mut cmd = Command::new(common::PYTHON);
    cmd.arg(&script)
        .env("KN_PORT", port.to_string())
        .env("KN_USER", common::USER)
        .env("KN_PASSWORD", common::PASSWORD)
        .env("KN_KEA_SOCKET", &socket);
    let out = common::run_bounded(&mut cmd, Duration::from_secs(120));
    let stdout = String::from_utf8_lossy(&out.stdout);
    println!("{stdout}");
    assert!(
        out.status.success() && stdout.contains("ALL OK"),
        "pool_utilization.py failed:\n{stdout}\n{}\nagent log:\n{}",
        String::from_utf8_lossy(&out.stderr),
        common::tail(&agent_log(dir.path(), "agent"), 40)
    );
    let log = agent_log(dir.path(), "agent");
    assert!(log.contains("NETCONF_POOL_UTILIZATION_HIGH"), "{log}");
    assert!(log.contains("NETCONF_POOL_UTILIZATION_NORMAL"), "{log}");
}

/// CA, a server certificate for 127.0.0.1 and a client certificate, made
/// with the openssl command (None when it is missing).
fn make_certificates(dir: &Path) -> Option<()> {
    let openssl = |args: &[&str]| -> bool {
        Command::new("openssl")
            .args(args)
            .current_dir(dir)
            .output()
            .map(|o| o.status.success())
            .unwrap_or(false)
    };
    std::fs::write(
        dir.join("leaf.cnf"),
        "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth,clientAuth\n",
    )
    .ok()?;
    let ec = [
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
    ];
    let mut ca = vec!["req", "-x509"];
    ca.extend(ec);
    ca.extend([
        "-keyout",
        "ca.key",
        "-out",
        "ca.pem",
        "-days",
        "2",
        "-subj",
        "/CN=kea-netconf test CA",
        "-addext",
        "basicConstraints=critical,CA:TRUE",
        "-addext",
        "keyUsage=critical,keyCertSign,cRLSign",
    ]);
    if !openssl(&ca) {
        return None;
    }
    for leaf in ["server", "agent"] {
        let (key, csr, pem) = (
            format!("{leaf}.key"),
            format!("{leaf}.csr"),
            format!("{leaf}.pem"),
        );
        let subject = format!("/CN={leaf}");
        let mut req = vec!["req"];
        req.extend(ec);
        req.extend(["-keyout", &key, "-out", &csr, "-subj", &subject]);
        let sign = [
            "x509",
            "-req",
            "-in",
            &csr,
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-out",
            &pem,
            "-days",
            "2",
            "-extfile",
            "leaf.cnf",
        ];
        if !openssl(&req) || !openssl(&sign) {
            return None;
        }
    }
    Some(())
}

#[test]
fn managed_server_over_https_with_client_certificate_and_basic_auth() {
    if let Some(why) = missing() {
        eprintln!("SKIPPED: {why}");
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    if make_certificates(d).is_none() {
        eprintln!("SKIPPED: openssl could not make the test certificates");
        return;
    }
    let socket = d.join("kea4.sock");
    let https_port = common::free_port();
    let _server = common::start_dhcp4(
        d,
        json!({
            "interfaces-config": {"interfaces": []},
            "lease-database": {"type": "memfile", "persist": false},
            "control-sockets": [
                {"socket-type": "unix", "socket-name": socket},
                {"socket-type": "https", "socket-address": "127.0.0.1", "socket-port": https_port,
                 "trust-anchor": d.join("ca.pem"), "cert-file": d.join("server.pem"),
                 "key-file": d.join("server.key"), "cert-required": true,
                 "authentication": {"type": "basic", "realm": "kea",
                                    "clients": [{"user": "agent", "password": "s3cret"}]}}],
            "subnet4": [{"id": 1, "subnet": "192.0.2.0/24"}]
        }),
    );
    let url = format!("https://127.0.0.1:{https_port}/");
    let managed = |password: &str| {
        json!({"control-socket": {"socket-type": "http", "socket-url": url,
            "trust-anchor": d.join("ca.pem"), "cert-file": d.join("agent.pem"),
            "key-file": d.join("agent.key"), "user": "agent", "password": password}})
    };

    // A wrong password: the server refuses, the agent says why.
    {
        let (_agent, _) = start_agent(d, "refused", managed("wrong"), json!({}));
        let log = agent_log(d, "refused");
        assert!(
            log.contains("NETCONF_GET_CONFIG_FAILED") && log.contains("401"),
            "no refused config-get in the log:\n{log}"
        );
    }

    let (_agent, _) = start_agent(d, "agent", managed("s3cret"), json!({}));
    // Startup was seeded from the config-get made over HTTPS.
    let sysrepocfg = |args: &[&str]| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_sysrepocfg"));
        cmd.args(args)
            .arg("--datastore-dir")
            .arg(d.join("agent-datastore"));
        common::run_bounded(&mut cmd, Duration::from_secs(60))
    };
    let export = sysrepocfg(&[
        "-d",
        "startup",
        "-f",
        "xml",
        "-m",
        "kea-dhcp4-server",
        "--export",
    ]);
    let exported = String::from_utf8_lossy(&export.stdout);
    assert!(
        export.status.success() && exported.contains("192.0.2.0/24"),
        "startup not seeded over HTTPS: {exported}{}\nagent log:\n{}",
        String::from_utf8_lossy(&export.stderr),
        common::tail(&agent_log(d, "agent"), 40)
    );
    // A commit goes to the server over HTTPS (config-test, config-set).
    let edit = d.join("edit.xml");
    std::fs::write(
        &edit,
        "<config xmlns=\"urn:ietf:params:xml:ns:yang:kea-dhcp4-server\">\
         <subnet4><id>2</id><subnet>198.51.100.0/24</subnet></subnet4></config>",
    )
    .expect("write edit");
    let edited = sysrepocfg(&["-d", "running", &format!("--edit={}", edit.display())]);
    assert!(
        edited.status.success(),
        "edit failed: {}{}\nagent log:\n{}",
        String::from_utf8_lossy(&edited.stdout),
        String::from_utf8_lossy(&edited.stderr),
        common::tail(&agent_log(d, "agent"), 40)
    );
    let config = common::kea_command(&socket, "config-get", None);
    let subnets: Vec<&str> = config["arguments"]["Dhcp4"]["subnet4"]
        .as_array()
        .map(|a| a.iter().filter_map(|s| s["subnet"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(subnets, ["192.0.2.0/24", "198.51.100.0/24"], "{config}");
    let log = agent_log(d, "agent");
    assert!(
        log.contains("NETCONF_VALIDATE_CONFIG_COMPLETED")
            && log.contains("NETCONF_UPDATE_CONFIG_COMPLETED"),
        "{}",
        common::tail(&log, 40)
    );
}
