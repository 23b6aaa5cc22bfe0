//! The kea-shell binary against real HTTP and HTTPS control sockets.

mod common;

use common::*;
use kea_command::{ControlServer, SocketConfig};
use serde_json::{Value, json};
use std::io::Write;
use std::process::{Command, Stdio};

async fn shell(args: Vec<String>, stdin: &str) -> (bool, String) {
    let stdin = stdin.to_string();
    tokio::task::spawn_blocking(move || {
        let mut child = Command::new(env!("CARGO_BIN_EXE_kea-shell"))
            .args(&args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(stdin.as_bytes())
            .unwrap();
        let out = child.wait_with_output().unwrap();
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
        )
    })
    .await
    .unwrap()
}

async fn start(sockets: Value) -> (ControlServer, u16, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let sockets = SocketConfig::list_from_value(&sockets).unwrap();
    let server = ControlServer::start(test_registry(), &sockets, test_options(dir.path()))
        .await
        .unwrap();
    let port = server.http_addrs().await[0].port();
    (server, port, dir)
}

fn s(v: &[&str]) -> Vec<String> {
    v.iter().map(|x| x.to_string()).collect()
}

#[tokio::test]
async fn plain_http_with_auth_and_stdin_arguments() {
    let dir = tempfile::tempdir().unwrap();
    let pw = dir.path().join("pw");
    std::fs::write(&pw, "1234\nignored second line\n").unwrap();
    let (_server, port, _d) = start(json!([{"socket-type": "http", "socket-port": 0,
        "authentication": {"type": "basic", "clients": [{"user": "admin", "password": "1234"}]}}]))
    .await;
    let port = port.to_string();
    let (ok, out) = shell(
        s(&[
            "--port",
            &port,
            "--auth-user",
            "admin",
            "--auth-password",
            "1234",
            "echo",
        ]),
        "\"a\": [1, 2], # comment\n\"b\": \"x\"\n",
    )
    .await;
    assert!(ok, "{out}");
    assert_eq!(
        out,
        "[ { \"arguments\": { \"a\": [ 1, 2 ], \"b\": \"x\" }, \"result\": 0 } ]\n"
    );
    let pw = pw.to_str().unwrap();
    let (ok, out) = shell(
        s(&[
            "--port",
            &port,
            "--auth-user",
            "admin",
            "--auth-password",
            "wrong",
            "--auth-password-file",
            pw,
            "--service",
            "dhcp4",
        ]),
        "",
    )
    .await;
    assert!(ok, "{out}");
    assert!(
        out.starts_with("[ { \"arguments\": [ \"config-test\""),
        "{out}"
    );
    let (ok, out) = shell(s(&["--port", &port, "version-get"]), "").await;
    assert!(!ok);
    assert_eq!(out, "Failed to run: HTTP Error 401: Unauthorized\n");
}

#[tokio::test]
async fn errors_and_version() {
    let (ok, out) = shell(s(&["-v"]), "").await;
    assert!(ok);
    assert_eq!(out, "3.0.0\n");
    // Nothing listens on port 1.
    let (ok, out) = shell(s(&["--port", "1", "version-get"]), "").await;
    assert!(!ok);
    assert!(out.starts_with("Failed to run: "), "{out}");
    let (ok, _) = shell(s(&["--cert", "x", "version-get"]), "").await;
    assert!(!ok);
}

#[tokio::test]
async fn timeout_is_reported() {
    // A listener that never answers.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port().to_string();
    let _keep = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((stream, _)) = listener.accept().await {
            held.push(stream);
        }
    });
    let (ok, out) = shell(s(&["--port", &port, "--timeout", "1", "version-get"]), "").await;
    assert!(!ok);
    assert_eq!(out, "Connection timeout\n");
}

#[tokio::test]
async fn https_with_client_certificate() {
    let Some(pki) = make_pki() else { return };
    let (_server, port, _d) = start(json!([{"socket-type": "https", "socket-port": 0,
        "trust-anchor": pki.path("ca.pem"), "cert-file": pki.path("server.pem"), "key-file": pki.path("server.key")}])).await;
    let port = port.to_string();
    let (ca, cert, key) = (
        pki.path("ca.pem"),
        pki.path("client.pem"),
        pki.path("client.key"),
    );
    let (ok, out) = shell(
        s(&[
            "--port",
            &port,
            "--ca",
            &ca,
            "--cert",
            &cert,
            "--key",
            &key,
            "version-get",
        ]),
        "",
    )
    .await;
    assert!(ok, "{out}");
    assert_eq!(
        out,
        "[ { \"arguments\": { \"extended\": \"3.0.0\\nrust\" }, \"result\": 0, \"text\": \"3.0.0\" } ]\n"
    );
    let (ok, out) = shell(s(&["--port", &port, "--ca", &ca, "version-get"]), "").await;
    assert!(!ok, "{out}");
}
