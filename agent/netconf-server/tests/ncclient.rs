//! Black-box tests with real NETCONF clients over SSH on 127.0.0.1:
//! Debian's python3-ncclient (ncclient_suite.py) and, when installed,
//! netconf-console2 (`NETCONF_CONSOLE2`, else /opt/netconf-console2, where
//! scripts/install-deps.sh installs it).
//! Each test is skipped with a message when its client is missing.

mod common;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Arc;
use std::time::Duration;

use common::MemBackend;
use netconf_server::{
    Limits, NetconfServer, SessionManager, SshConfig, UserAuth, UserConfig, load_or_create_host_key,
};
use russh::keys::ssh_key::LineEnding;
use russh::keys::{Algorithm, PrivateKey};

const PYTHON: &str = "/usr/bin/python3";
const MAX_SESSIONS: usize = 6;
const MAX_MESSAGE: usize = 256 * 1024;
const PASSWORD: &str = "nc-pass";

fn ncclient_available() -> bool {
    Command::new(PYTHON)
        .args(["-c", "import ncclient, paramiko"])
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false)
}

/// Writes a new client key pair; returns the private key path and the public line.
fn client_key(dir: &Path, name: &str) -> (PathBuf, String) {
    use std::os::unix::fs::PermissionsExt;
    let key = PrivateKey::random(&mut russh::keys::key::safe_rng(), Algorithm::Ed25519).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, key.to_openssh(LineEnding::LF).unwrap().as_bytes()).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    (path, key.public_key().to_openssh().unwrap())
}

struct Running {
    port: u16,
    backend: Arc<MemBackend>,
    sessions: Arc<SessionManager<MemBackend>>,
    host_pub: String,
    key_file: PathBuf,
    bad_key_file: PathBuf,
    _dir: tempfile::TempDir,
}

async fn start_server() -> Running {
    let dir = tempfile::tempdir().unwrap();
    let (key_file, key_pub) = client_key(dir.path(), "robot_key");
    let (bad_key_file, _) = client_key(dir.path(), "stranger_key");
    let host_key_path = dir.path().join("ssh_host_ed25519_key");
    let backend = MemBackend::new();
    let mut config = SshConfig::new(
        SocketAddr::from(([127, 0, 0, 1], 0)),
        host_key_path.clone(),
        vec![
            UserConfig {
                name: "admin".into(),
                auth: UserAuth::Password(PASSWORD.into()),
            },
            UserConfig {
                name: "robot".into(),
                auth: UserAuth::AuthorizedKey(format!("{key_pub} robot@test")),
            },
        ],
    );
    config.limits = Limits {
        max_sessions: MAX_SESSIONS,
        max_message_size: MAX_MESSAGE,
        ..Limits::default()
    };
    config.auth_rejection_time = Duration::from_millis(50);
    let server = NetconfServer::bind(config, backend.clone()).await.unwrap();
    // The key file now exists and is what the server presents.
    let host_pub = load_or_create_host_key(&host_key_path)
        .unwrap()
        .public_key()
        .to_openssh()
        .unwrap();
    backend.manager.set(Arc::downgrade(&server.sessions())).ok();
    let port = server.local_addr().unwrap().port();
    let sessions = server.sessions();
    tokio::spawn(server.run());
    Running {
        port,
        backend,
        sessions,
        host_pub,
        key_file,
        bad_key_file,
        _dir: dir,
    }
}

async fn run(cmd: Command) -> Output {
    let mut cmd = cmd;
    tokio::task::spawn_blocking(move || cmd.output())
        .await
        .unwrap()
        .unwrap()
}

async fn all_sessions_closed(sessions: &SessionManager<MemBackend>) {
    for _ in 0..50 {
        if sessions.session_ids().is_empty() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("sessions left open: {:?}", sessions.session_ids());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ncclient_suite() {
    if !ncclient_available() {
        eprintln!("skipping: {PYTHON} with ncclient and paramiko is not available");
        return;
    }
    let s = start_server().await;
    let mut cmd = Command::new(PYTHON);
    cmd.arg(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/ncclient_suite.py"
    ))
    .args([
        "--port",
        &s.port.to_string(),
        "--user",
        "admin",
        "--password",
        PASSWORD,
    ])
    .args(["--max-sessions", &MAX_SESSIONS.to_string()])
    .args(["--max-message", &MAX_MESSAGE.to_string()])
    .args(["--key-user", "robot"])
    .arg("--key-file")
    .arg(&s.key_file)
    .arg("--bad-key-file")
    .arg(&s.bad_key_file)
    .args(["--host-pub", &s.host_pub])
    .args([
        "--only",
        &std::env::var("NCCLIENT_ONLY").unwrap_or_default(),
    ]);
    let output = run(cmd).await;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    println!("{stdout}");
    assert!(
        output.status.success(),
        "ncclient suite failed:\n{stdout}\n{stderr}"
    );
    assert!(stdout.contains("ALL PASSED"));
    all_sessions_closed(&s.sessions).await;
    assert!(s.backend.closed_sessions().len() >= 10);
}

/// netconf-console2 from `NETCONF_CONSOLE2`, where scripts/install-deps.sh
/// puts it, or an older manual venv.
fn console2() -> Option<PathBuf> {
    [
        std::env::var_os("NETCONF_CONSOLE2").map(PathBuf::from),
        Some(PathBuf::from("/opt/netconf-console2/bin/netconf-console2")),
        Some(PathBuf::from("/tmp/nc2venv/bin/netconf-console2")),
    ]
    .into_iter()
    .flatten()
    .find(|p| p.exists())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn netconf_console2() {
    let Some(nc2) = console2() else {
        eprintln!(
            "skipping: netconf-console2 not found (scripts/install-deps.sh installs it in /opt/netconf-console2)"
        );
        return;
    };
    let s = start_server().await;
    let console = |args: &[&str]| {
        let mut cmd = Command::new(&nc2);
        cmd.args([
            "--host",
            "127.0.0.1",
            "--port",
            &s.port.to_string(),
            "-u",
            "admin",
            "-p",
            PASSWORD,
        ]);
        cmd.args(args);
        cmd
    };
    let text = |o: &Output| {
        format!(
            "{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        )
    };

    let o = run(console(&["--hello"])).await;
    assert!(
        o.status.success() && text(&o).contains("urn:ietf:params:netconf:base:1.1"),
        "{}",
        text(&o)
    );

    let edit = s._dir.path().join("edit.xml");
    std::fs::write(&edit, format!(r#"<config xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"><top xmlns="{}"><name>from-console</name></top></config>"#, common::TEST_NS)).unwrap();
    let o = run(console(&[
        "--db",
        "running",
        "--edit-config",
        edit.to_str().unwrap(),
    ]))
    .await;
    assert!(o.status.success(), "{}", text(&o));
    let o = run(console(&["--get-config"])).await;
    assert!(
        o.status.success() && text(&o).contains("from-console"),
        "{}",
        text(&o)
    );

    let o = run(console(&["--get-schema", "test"])).await;
    assert!(
        o.status.success() && text(&o).contains("module test"),
        "{}",
        text(&o)
    );

    let o = run(console(&["--db", "candidate", "--lock", "--unlock"])).await;
    assert!(o.status.success(), "{}", text(&o));

    // Public-key login. netconf-console2 passes its password (default
    // "admin") as the key passphrase, which fails for an unencrypted key;
    // an empty password avoids that and password auth is refused anyway.
    let mut cmd = Command::new(&nc2);
    cmd.args([
        "--host",
        "127.0.0.1",
        "--port",
        &s.port.to_string(),
        "-u",
        "robot",
        "-p",
        "",
        "--privKeyFile",
    ])
    .arg(&s.key_file)
    .arg("--get-config");
    let o = run(cmd).await;
    assert!(
        o.status.success() && text(&o).contains("from-console"),
        "{}",
        text(&o)
    );

    // An rpc-error is reported.
    let o = run(console(&["--get-schema", "missing"])).await;
    assert!(text(&o).contains("invalid-value"), "{}", text(&o));

    all_sessions_closed(&s.sessions).await;
}
