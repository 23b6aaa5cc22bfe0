//! The UNIX control socket with real sockets: Kea's answers (samples file), timeouts, limits,
//! path rules, lock file, reconfiguration, client and socat.

mod common;

use common::*;
use kea_command::{
    ControlClient, ControlServer, RESULT_UNSUPPORTED, Request, SocketConfig, UnixSocketConfig,
};
use serde_json::json;
use std::time::{Duration, Instant};
use tokio::io::AsyncWriteExt;

fn unix(name: &str) -> Vec<SocketConfig> {
    vec![SocketConfig::Unix(UnixSocketConfig {
        socket_name: name.to_string(),
    })]
}

#[tokio::test]
async fn framework_answers_match_kea_samples() {
    let Some(samples) = kea_samples() else {
        eprintln!("skipping: ../shared/reference/kea-2.2.0-ctrl-samples.txt not found");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let server = ControlServer::start(
        test_registry(),
        &unix("kea4.sock"),
        test_options(dir.path()),
    )
    .await
    .unwrap();
    let path = dir.path().join("kea4.sock");
    let mut compared = 0;
    for s in samples
        .iter()
        .filter(|s| s.title.starts_with("kea-dhcp4: malformed"))
    {
        let half_close = s.title.contains("half-close");
        let got = unix_raw(&path, &s.request, half_close).await;
        if s.response.contains("\"result\": 0") {
            // Handler output (pid, uptime…) differs; the command must still succeed.
            assert!(got.contains("\"result\": 0"), "{}: {got}", s.title);
        } else {
            assert_eq!(got, s.response, "{}", s.title);
        }
        compared += 1;
    }
    assert!(compared >= 10, "only {compared} samples found");
    server.stop().await;
}

#[tokio::test]
async fn documents_in_pieces_comments_and_no_newline() {
    let dir = tempfile::tempdir().unwrap();
    let _server = ControlServer::start(test_registry(), &unix("k.sock"), test_options(dir.path()))
        .await
        .unwrap();
    let path = dir.path().join("k.sock");
    let mut s = tokio::net::UnixStream::connect(&path).await.unwrap();
    for piece in [
        "# comment\n{ \"command\"",
        ": \"echo\", // x\n \"argu",
        "ments\": {\"a\": \"}\"} }",
    ] {
        s.write_all(piece.as_bytes()).await.unwrap();
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let mut out = String::new();
    tokio::io::AsyncReadExt::read_to_string(&mut s, &mut out)
        .await
        .unwrap();
    assert_eq!(out, r#"{ "arguments": { "a": "}" }, "result": 0 }"#);
}

#[tokio::test]
async fn the_timeout_counts_from_the_last_data_like_kea() {
    let dir = tempfile::tempdir().unwrap();
    let _server = ControlServer::start(test_registry(), &unix("k.sock"), test_options(dir.path()))
        .await
        .unwrap();
    let mut s = tokio::net::UnixStream::connect(dir.path().join("k.sock"))
        .await
        .unwrap();
    // 3 pieces 0.6 s apart: 1.2 s in total, more than the 1 s timeout, never 1 s of silence.
    for piece in ["{\"command\": ", "\"version-get\"", "}"] {
        s.write_all(piece.as_bytes()).await.unwrap();
        tokio::time::sleep(Duration::from_millis(600)).await;
    }
    let mut out = String::new();
    tokio::io::AsyncReadExt::read_to_string(&mut s, &mut out)
        .await
        .unwrap();
    assert!(out.contains("\"text\": \"3.0.0\""), "{out}");
}

#[tokio::test]
async fn slow_client_times_out_and_others_are_served() {
    let dir = tempfile::tempdir().unwrap();
    let _server = ControlServer::start(test_registry(), &unix("k.sock"), test_options(dir.path()))
        .await
        .unwrap();
    let path = dir.path().join("k.sock");
    let stalled_path = path.clone();
    let start = Instant::now();
    let stalled = tokio::spawn(async move {
        unix_raw(&stalled_path, br#"{"command": "list-commands""#, false).await
    });
    // While one client stalls, others get answers at once.
    for _ in 0..5 {
        let got = unix_raw(&path, br#"{"command": "version-get"}"#, false).await;
        assert!(got.contains("\"text\": \"3.0.0\""), "{got}");
    }
    assert!(start.elapsed() < Duration::from_millis(900));
    let got = stalled.await.unwrap();
    assert!(start.elapsed() >= Duration::from_millis(950));
    assert_eq!(
        got,
        r#"{ "result": 1, "text": "Connection over control channel timed out, discarded partial command of 27 bytes" }"#
    );
    // A connection that sends nothing gets the short form.
    let got = unix_raw(&path, b"", false).await;
    assert_eq!(
        got,
        r#"{ "result": 1, "text": "Connection over control channel timed out" }"#
    );
}

#[tokio::test]
async fn oversize_commands_get_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let _server = ControlServer::start(test_registry(), &unix("k.sock"), test_options(dir.path()))
        .await
        .unwrap();
    let path = dir.path().join("k.sock");
    let big = format!(
        r#"{{"command": "echo", "arguments": "{}"}}"#,
        "x".repeat(100_000)
    );
    let got = unix_raw(&path, big.as_bytes(), false).await;
    assert!(
        got.starts_with(r#"{ "result": 1, "text": "command of "#),
        "{got}"
    );
    assert!(
        got.contains("exceeds the maximum size of 65536 bytes"),
        "{got}"
    );
    // The server is still fine.
    let got = unix_raw(&path, br#"{"command": "status-get"}"#, false).await;
    assert!(got.contains("\"result\": 0"));
}

#[tokio::test]
async fn client_unknown_command_and_argument_types() {
    let dir = tempfile::tempdir().unwrap();
    let _server = ControlServer::start(test_registry(), &unix("k.sock"), test_options(dir.path()))
        .await
        .unwrap();
    let client = ControlClient::unix(dir.path().join("k.sock"));
    let a = client.command("no-such-command", None).await.unwrap();
    assert_eq!(a.result, RESULT_UNSUPPORTED);
    assert_eq!(
        a.text.as_deref(),
        Some("'no-such-command' command not supported.")
    );
    let a = client
        .command("config-test", Some(json!([1, 2])))
        .await
        .unwrap();
    assert_eq!(a.result, 1);
    assert_eq!(a.text.as_deref(), Some("'arguments' must be a map"));
    let a = client.command("config-test", None).await.unwrap();
    assert_eq!(
        a.text.as_deref(),
        Some("Missing mandatory 'arguments' parameter.")
    );
    let a = client
        .command("echo", Some(json!({"é": "ü\u{1}"})))
        .await
        .unwrap();
    assert_eq!(a.arguments, Some(json!({"é": "ü\u{1}"})));
    let mut req = Request::new("list-commands", None);
    req.service = Some(json!(["dhcp4"]));
    let a = client.send(&req).await.unwrap();
    assert_eq!(
        a.arguments,
        Some(json!([
            "config-test",
            "echo",
            "list-commands",
            "slow",
            "status-get",
            "version-get"
        ]))
    );
}

#[tokio::test]
async fn client_times_out() {
    let dir = tempfile::tempdir().unwrap();
    let _server = ControlServer::start(test_registry(), &unix("k.sock"), test_options(dir.path()))
        .await
        .unwrap();
    let client =
        ControlClient::unix(dir.path().join("k.sock")).with_timeout(Duration::from_millis(100));
    let e = client.command("slow", None).await.unwrap_err();
    assert!(matches!(e, kea_command::ClientError::Timeout(_)), "{e}");
    let e = ControlClient::unix(dir.path().join("nope.sock"))
        .command("x", None)
        .await
        .unwrap_err();
    assert!(matches!(e, kea_command::ClientError::Connect { .. }), "{e}");
}

#[tokio::test]
async fn path_rules_lock_stale_socket_and_unlink() {
    let dir = tempfile::tempdir().unwrap();
    let opts = test_options(dir.path());
    // Outside the socket directory: refused.
    let e = ControlServer::start(test_registry(), &unix("/tmp/elsewhere.sock"), opts.clone())
        .await
        .unwrap_err();
    assert!(e.to_string().contains("supported path is"), "{e}");
    // Too long.
    assert!(
        ControlServer::start(test_registry(), &unix(&"x".repeat(120)), opts.clone())
            .await
            .is_err()
    );
    // A stale socket file (no lock holder) is replaced.
    let path = dir.path().join("k.sock");
    drop(std::os::unix::net::UnixListener::bind(&path).unwrap());
    assert!(path.exists());
    let full_name = path.to_str().unwrap().to_string();
    let server = ControlServer::start(test_registry(), &unix(&full_name), opts.clone())
        .await
        .unwrap();
    assert_eq!(server.unix_paths().await, vec![path.clone()]);
    // A second server on the same socket is refused by the lock.
    let e = ControlServer::start(test_registry(), &unix("k.sock"), opts.clone())
        .await
        .unwrap_err();
    assert!(e.to_string().contains("lock"), "{e}");
    assert!(
        unix_raw(&path, br#"{"command": "version-get"}"#, false)
            .await
            .contains("3.0.0")
    );
    // A regular file in the way is not deleted.
    std::fs::write(dir.path().join("file.sock"), "data").unwrap();
    assert!(
        ControlServer::start(test_registry(), &unix("file.sock"), opts.clone())
            .await
            .is_err()
    );
    assert!(dir.path().join("file.sock").exists());
    server.stop().await;
    assert!(!path.exists());
    assert!(!dir.path().join("k.sock.lock").exists());
}

#[tokio::test]
async fn reconfigure_keeps_moves_and_rolls_back() {
    let dir = tempfile::tempdir().unwrap();
    let server = ControlServer::start(test_registry(), &unix("a.sock"), test_options(dir.path()))
        .await
        .unwrap();
    let a = dir.path().join("a.sock");
    // Same socket: kept (a connection opened before stays served).
    let mut early = tokio::net::UnixStream::connect(&a).await.unwrap();
    server.reconfigure(&unix("a.sock")).await.unwrap();
    early
        .write_all(br#"{"command": "version-get"}"#)
        .await
        .unwrap();
    let mut out = String::new();
    tokio::io::AsyncReadExt::read_to_string(&mut early, &mut out)
        .await
        .unwrap();
    assert!(out.contains("3.0.0"));
    // Moved: old unlinked, new served.
    server.reconfigure(&unix("b.sock")).await.unwrap();
    assert!(!a.exists());
    let b = dir.path().join("b.sock");
    assert!(
        unix_raw(&b, br#"{"command": "version-get"}"#, false)
            .await
            .contains("3.0.0")
    );
    // A bad new set changes nothing.
    assert!(
        server
            .reconfigure(&unix("/elsewhere/c.sock"))
            .await
            .is_err()
    );
    assert!(b.exists());
    // Empty set closes everything.
    server.reconfigure(&[]).await.unwrap();
    assert!(!b.exists());
}

#[tokio::test]
async fn socat_talks_to_the_socket() {
    if !have("socat") {
        eprintln!("skipping: socat not installed");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let _server = ControlServer::start(test_registry(), &unix("k.sock"), test_options(dir.path()))
        .await
        .unwrap();
    let path = dir.path().join("k.sock");
    let script = format!(
        "echo '{{ \"command\": \"version-get\" }}' | socat UNIX:{} -,ignoreeof",
        path.display()
    );
    let out = tokio::task::spawn_blocking(move || {
        std::process::Command::new("sh")
            .arg("-c")
            .arg(script)
            .output()
    })
    .await
    .unwrap()
    .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        stdout,
        r#"{ "arguments": { "extended": "3.0.0\nrust" }, "result": 0, "text": "3.0.0" }"#
    );
}
