//! Black-box test with a real NETCONF client: Debian's python3-ncclient
//! connects over SSH on 127.0.0.1 (see ncclient_suite.py). Skipped with a
//! message when ncclient is not installed.

mod common;

use std::net::SocketAddr;
use std::process::Command;
use std::sync::Arc;
use std::time::Duration;

use common::MemBackend;
use netconf_server::{Limits, NetconfServer, SshConfig, UserAuth, UserConfig};

const PYTHON: &str = "/usr/bin/python3";
const MAX_SESSIONS: usize = 6;
const MAX_MESSAGE: usize = 256 * 1024;

fn ncclient_available() -> bool {
    Command::new(PYTHON)
        .args(["-c", "import ncclient, paramiko"])
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ncclient_suite() {
    if !ncclient_available() {
        eprintln!("skipping: {PYTHON} with ncclient and paramiko is not available");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let backend = MemBackend::new();
    let mut config = SshConfig::new(
        SocketAddr::from(([127, 0, 0, 1], 0)),
        dir.path().join("ssh_host_ed25519_key"),
        vec![UserConfig {
            name: "admin".into(),
            auth: UserAuth::Password("nc-pass".into()),
        }],
    );
    config.limits = Limits {
        max_sessions: MAX_SESSIONS,
        max_message_size: MAX_MESSAGE,
        ..Limits::default()
    };
    config.auth_rejection_time = Duration::from_millis(50);
    let server = NetconfServer::bind(config, backend.clone()).await.unwrap();
    backend.manager.set(Arc::downgrade(&server.sessions())).ok();
    let port = server.local_addr().unwrap().port();
    let sessions = server.sessions();
    tokio::spawn(server.run());

    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/ncclient_suite.py");
    let only = std::env::var("NCCLIENT_ONLY").unwrap_or_default();
    let output = tokio::task::spawn_blocking(move || {
        Command::new(PYTHON)
            .arg(script)
            .args([
                "--port",
                &port.to_string(),
                "--user",
                "admin",
                "--password",
                "nc-pass",
            ])
            .args(["--max-sessions", &MAX_SESSIONS.to_string()])
            .args(["--max-message", &MAX_MESSAGE.to_string()])
            .args(["--only", &only])
            .output()
    })
    .await
    .unwrap()
    .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    println!("{stdout}");
    assert!(
        output.status.success(),
        "ncclient suite failed:\n{stdout}\n{stderr}"
    );
    assert!(stdout.contains("ALL PASSED"));
    // Every session ended and was reported to the backend.
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        sessions.session_ids().is_empty(),
        "sessions left: {:?}",
        sessions.session_ids()
    );
    assert!(backend.closed_sessions().len() >= 10);
}
