//! HTTP and HTTPS control sockets with real sockets: answers wrapped in a list, HTTP errors,
//! limits, timeouts, basic authentication, TLS with and without client certificates, curl.

mod common;

use common::*;
use kea_command::{ClientError, ClientTlsOptions, ControlClient, ControlServer, SocketConfig};
use serde_json::{Value, json};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

async fn start(sockets: Value) -> (ControlServer, Vec<SocketAddr>, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let sockets = SocketConfig::list_from_value(&sockets).unwrap();
    let server = ControlServer::start(test_registry(), &sockets, test_options(dir.path()))
        .await
        .unwrap();
    let addrs = server.http_addrs().await;
    (server, addrs, dir)
}

fn http0() -> Value {
    json!({"socket-type": "http", "socket-port": 0,
           "http-headers": [{"name": "Strict-Transport-Security", "value": "max-age=31536000"}]})
}

#[tokio::test]
async fn answers_are_wrapped_in_a_list_with_extra_headers() {
    let (_server, addrs, _dir) = start(json!([http0()])).await;
    let (status, head, body) = http_raw(addrs[0], &post(r#"{"command": "version-get"}"#, "")).await;
    assert_eq!(status, 200, "{head}");
    assert!(head.starts_with("HTTP/1.1 200 OK\r\n"), "{head}");
    let lower = head.to_ascii_lowercase();
    assert!(lower.contains("content-type: application/json"), "{head}");
    assert!(
        lower.contains("strict-transport-security: max-age=31536000"),
        "{head}"
    );
    assert_eq!(
        body,
        r#"[ { "arguments": { "extended": "3.0.0\nrust" }, "result": 0, "text": "3.0.0" } ]"#
    );
    let (status, _, body) = http_raw(
        addrs[0],
        &post(r#"{"command": "nope", "service": ["dhcp4"]}"#, ""),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        body,
        r#"[ { "result": 2, "text": "'nope' command not supported." } ]"#
    );
    let (_, _, body) = http_raw(addrs[0], &post(r#"{"command": 42}"#, "")).await;
    assert_eq!(
        body,
        r#"[ { "result": 1, "text": "Error during command processing: 'command' element in command message is not a string" } ]"#
    );
    let (_, _, body) = http_raw(
        addrs[0],
        &post(r#"{"command": "config-test", "arguments": "x"}"#, ""),
    )
    .await;
    assert_eq!(
        body,
        r#"[ { "result": 1, "text": "'arguments' must be a map" } ]"#
    );
}

#[tokio::test]
async fn http_errors_are_bare_maps() {
    let (_server, addrs, _dir) = start(json!([http0()])).await;
    let bad_request = r#"{ "result": 400, "text": "Bad Request" }"#;
    let (status, head, body) = http_raw(addrs[0], &post(r#"{"command": list-commands}"#, "")).await;
    assert_eq!((status, body.as_str()), (400, bad_request));
    assert!(
        head.to_ascii_lowercase()
            .contains("strict-transport-security"),
        "headers on errors too"
    );
    let get = b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    let (status, _, body) = http_raw(addrs[0], get).await;
    assert_eq!((status, body.as_str()), (400, bad_request));
    let text = b"POST / HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}";
    let (status, _, _) = http_raw(addrs[0], text).await;
    assert_eq!(status, 400);
    // Not HTTP at all.
    let (status, _, _) = http_raw(addrs[0], b"hello there\r\n\r\n").await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn oversize_bodies_get_413_and_the_server_survives() {
    let (_server, addrs, _dir) = start(json!([http0()])).await;
    let big = format!(
        r#"{{"command": "echo", "arguments": "{}"}}"#,
        "x".repeat(100_000)
    );
    let (status, _, body) = http_raw(addrs[0], &post(&big, "")).await;
    assert_eq!(status, 413);
    assert_eq!(body, r#"{ "result": 413, "text": "Payload Too Large" }"#);
    // Chunked, no Content-Length: caught while reading.
    let mut s = tokio::net::TcpStream::connect(addrs[0]).await.unwrap();
    s.write_all(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n").await.unwrap();
    let chunk = "y".repeat(30_000);
    for _ in 0..3 {
        let _ = s
            .write_all(format!("{:x}\r\n{chunk}\r\n", chunk.len()).as_bytes())
            .await;
    }
    let mut out = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(5), s.read_to_end(&mut out)).await;
    let (status, _, _) = split_http(&String::from_utf8_lossy(&out));
    assert_eq!(status, 413);
    let (status, _, _) = http_raw(addrs[0], &post(r#"{"command": "status-get"}"#, "")).await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn slow_client_gets_408_while_others_are_served() {
    let (_server, addrs, _dir) = start(json!([http0()])).await;
    let addr = addrs[0];
    let start = Instant::now();
    let stalled = tokio::spawn(async move {
        let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
        s.write_all(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"command\": ").await.unwrap();
        let mut out = Vec::new();
        s.read_to_end(&mut out).await.unwrap();
        String::from_utf8(out).unwrap()
    });
    let headers_only = tokio::spawn(async move {
        let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
        s.write_all(b"POST / HTTP/1.1\r\nHost: x\r\n")
            .await
            .unwrap();
        let mut out = Vec::new();
        let _ = s.read_to_end(&mut out).await;
        out.len()
    });
    for _ in 0..5 {
        let (status, _, _) = http_raw(addr, &post(r#"{"command": "version-get"}"#, "")).await;
        assert_eq!(status, 200);
    }
    assert!(start.elapsed() < Duration::from_millis(900));
    let raw = stalled.await.unwrap();
    assert!(start.elapsed() >= Duration::from_millis(950));
    let (status, _, body) = split_http(&raw);
    assert_eq!(status, 408);
    assert_eq!(body, r#"{ "result": 408, "text": "Request Timeout" }"#);
    // A client stuck in its headers is disconnected.
    let _ = tokio::time::timeout(Duration::from_secs(5), headers_only)
        .await
        .expect("not disconnected");
}

#[tokio::test]
async fn keep_alive_serves_several_requests_on_one_connection() {
    let (_server, addrs, _dir) = start(json!([http0()])).await;
    let mut s = tokio::net::TcpStream::connect(addrs[0]).await.unwrap();
    let one = r#"{"command": "status-get"}"#;
    let req = format!(
        "POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{one}",
        one.len()
    );
    s.write_all(format!("{req}{req}").as_bytes()).await.unwrap();
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    while got.windows(15).filter(|w| w == b"HTTP/1.1 200 OK").count() < 2
        || !got.ends_with(b"] ") && !got.ends_with(b" ]")
    {
        let n = tokio::time::timeout(Duration::from_secs(5), s.read(&mut buf))
            .await
            .unwrap()
            .unwrap();
        assert!(n > 0);
        got.extend_from_slice(&buf[..n]);
    }
    // An idle kept-alive connection is closed after the timeout (1 s in these tests).
    let n = tokio::time::timeout(Duration::from_secs(5), s.read(&mut buf))
        .await
        .expect("idle connection not closed")
        .unwrap_or(0);
    assert_eq!(n, 0);
}

#[tokio::test]
async fn basic_authentication() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("pw"), "secret\n").unwrap();
    let auth = json!({"type": "basic", "directory": dir.path().to_str().unwrap(),
        "clients": [{"user": "admin", "password": "1234"}, {"user": "ops", "password-file": "pw"}]});
    let (_server, addrs, _d) =
        start(json!([{"socket-type": "http", "socket-port": 0, "authentication": auth}])).await;
    let unauthorized = r#"{ "result": 401, "text": "Unauthorized" }"#;
    let (status, head, body) = http_raw(addrs[0], &post(r#"{"command": "version-get"}"#, "")).await;
    assert_eq!((status, body.as_str()), (401, unauthorized));
    assert!(
        head.contains("www-authenticate: Basic realm=\"kea-dhcpv4-server\"")
            || head.contains("WWW-Authenticate: Basic realm=\"kea-dhcpv4-server\""),
        "{head}"
    );
    // YWRtaW46MTIzNA== is admin:1234; the scheme is case-insensitive.
    let (status, _, _) = http_raw(
        addrs[0],
        &post(
            r#"{"command": "version-get"}"#,
            "Authorization: bAsIc YWRtaW46MTIzNA==\r\n",
        ),
    )
    .await;
    assert_eq!(status, 200);
    let (status, _, _) = http_raw(
        addrs[0],
        &post(
            r#"{"command": "version-get"}"#,
            "Authorization: Basic YWRtaW46MTIzNQ==\r\n",
        ),
    )
    .await;
    assert_eq!(status, 401);
    let (status, _, _) = http_raw(
        addrs[0],
        &post(
            r#"{"command": "version-get"}"#,
            "Authorization: Bearer x\r\n",
        ),
    )
    .await;
    assert_eq!(status, 401);
    let url = format!("http://{}/", addrs[0]);
    let a = ControlClient::http(&url)
        .unwrap()
        .with_basic_auth("ops", "secret")
        .command("version-get", None)
        .await
        .unwrap();
    assert_eq!(a.text.as_deref(), Some("3.0.0"));
    let e = ControlClient::http(&url)
        .unwrap()
        .with_basic_auth("ops", "bad")
        .command("version-get", None)
        .await
        .unwrap_err();
    assert!(matches!(e, ClientError::Status { status: 401, .. }), "{e}");
}

#[tokio::test]
async fn several_sockets_and_reconfiguration() {
    let dir = tempfile::tempdir().unwrap();
    let sockets = SocketConfig::list_from_value(&json!([
        {"socket-type": "unix", "socket-name": "k.sock"},
        {"socket-type": "http", "socket-port": 0},
        {"socket-type": "http", "socket-address": "::1", "socket-port": 0}
    ]))
    .unwrap();
    let server = ControlServer::start(test_registry(), &sockets, test_options(dir.path()))
        .await
        .unwrap();
    let addrs = server.http_addrs().await;
    assert_eq!(addrs.len(), 2);
    for addr in &addrs {
        let a = ControlClient::http(&format!("http://{addr}/"))
            .unwrap()
            .command("version-get", None)
            .await
            .unwrap();
        assert!(a.is_success());
    }
    let a = ControlClient::unix(dir.path().join("k.sock"))
        .command("version-get", None)
        .await
        .unwrap();
    assert!(a.is_success());
    // Same port, now with authentication: the listener stays, the new settings apply.
    let port = addrs[0].port();
    let with_auth = SocketConfig::list_from_value(&json!([{"socket-type": "http", "socket-port": port,
        "authentication": {"type": "basic", "realm": "r", "clients": [{"user": "u", "password": "p"}]}}]))
    .unwrap();
    server.reconfigure(&with_auth).await.unwrap();
    assert_eq!(server.http_addrs().await, vec![addrs[0]]);
    assert!(!dir.path().join("k.sock").exists());
    let (status, head, _) = http_raw(addrs[0], &post(r#"{"command": "version-get"}"#, "")).await;
    assert_eq!(status, 401);
    assert!(head.contains("realm=\"r\""), "{head}");
    // The removed IPv6 socket is closed.
    assert!(tokio::net::TcpStream::connect(addrs[1]).await.is_err());
    // Switching that port to HTTPS is refused and changes nothing.
    if let Some(pki) = make_pki() {
        let https = SocketConfig::list_from_value(&json!([{"socket-type": "https", "socket-port": port,
            "trust-anchor": pki.path("ca.pem"), "cert-file": pki.path("server.pem"), "key-file": pki.path("server.key")}]))
        .unwrap();
        let e = server.reconfigure(&https).await.unwrap_err();
        assert!(e.to_string().contains("HTTP and HTTPS"), "{e}");
        let (status, _, _) = http_raw(addrs[0], &post(r#"{"command": "version-get"}"#, "")).await;
        assert_eq!(status, 401);
    }
    // Files that cannot be read make the whole reconfiguration fail.
    let bad = SocketConfig::list_from_value(&json!([{"socket-type": "https", "socket-port": 0,
        "trust-anchor": "/nonexistent/ca", "cert-file": "/nonexistent/c", "key-file": "/nonexistent/k"}]))
    .unwrap();
    assert!(server.reconfigure(&bad).await.is_err());
    assert!(ControlServer::check(&bad, &test_options(dir.path())).is_err());
    assert_eq!(server.http_addrs().await, vec![addrs[0]]);
    server.stop().await;
    assert!(tokio::net::TcpStream::connect(addrs[0]).await.is_err());
}

fn tls_socket(pki: &Pki, cert_required: bool) -> Value {
    json!({"socket-type": "https", "socket-port": 0, "cert-required": cert_required,
           "trust-anchor": pki.path("ca.pem"), "cert-file": pki.path("server.pem"), "key-file": pki.path("server.key")})
}

fn tls_client(
    addr: SocketAddr,
    pki: &Pki,
    cert: Option<&str>,
) -> Result<ControlClient, ClientError> {
    ControlClient::http(&format!("https://{addr}/"))?.with_tls(&ClientTlsOptions {
        ca: PathBuf::from(pki.path("ca.pem")),
        cert_and_key: cert.map(|c| {
            (
                PathBuf::from(pki.path(&format!("{c}.pem"))),
                PathBuf::from(pki.path(&format!("{c}.key"))),
            )
        }),
    })
}

#[tokio::test]
async fn https_with_mutual_tls() {
    let Some(pki) = make_pki() else { return };
    let (_server, addrs, _dir) = start(json!([tls_socket(&pki, true)])).await;
    let addr = addrs[0];
    let a = tls_client(addr, &pki, Some("client"))
        .unwrap()
        .command("version-get", None)
        .await
        .unwrap();
    assert_eq!(a.text.as_deref(), Some("3.0.0"));
    // No client certificate, or one from another CA: the handshake fails.
    for cert in [None, Some("intruder")] {
        let r = tls_client(addr, &pki, cert)
            .unwrap()
            .command("version-get", None)
            .await;
        assert!(r.is_err(), "{cert:?} accepted");
    }
    // Plain HTTP on the HTTPS port gets nothing useful.
    let r = ControlClient::http(&format!("http://{addr}/"))
        .unwrap()
        .with_timeout(Duration::from_secs(2))
        .command("version-get", None)
        .await;
    assert!(r.is_err());
    // Also the CA directory form of trust-anchor works on the client side.
    let r = ControlClient::http(&format!("https://{addr}/"))
        .unwrap()
        .with_tls(&ClientTlsOptions {
            ca: pki.dir.path().to_path_buf(),
            cert_and_key: Some((
                PathBuf::from(pki.path("client.pem")),
                PathBuf::from(pki.path("client.key")),
            )),
        })
        .unwrap()
        .command("status-get", None)
        .await
        .unwrap();
    assert!(r.is_success());
    if have("curl") {
        let cmd = format!(
            "curl -s --cacert {} --cert {} --key {} -H 'Content-Type: application/json' -d '{{\"command\": \"version-get\"}}' https://127.0.0.1:{}/",
            pki.path("ca.pem"),
            pki.path("client.pem"),
            pki.path("client.key"),
            addr.port()
        );
        let out = tokio::task::spawn_blocking(move || {
            std::process::Command::new("sh").arg("-c").arg(cmd).output()
        })
        .await
        .unwrap()
        .unwrap();
        assert_eq!(
            String::from_utf8_lossy(&out.stdout),
            r#"[ { "arguments": { "extended": "3.0.0\nrust" }, "result": 0, "text": "3.0.0" } ]"#
        );
    } else {
        eprintln!("skipping curl part: curl not installed");
    }
}

#[tokio::test]
async fn https_without_required_client_certificates() {
    let Some(pki) = make_pki() else { return };
    let (_server, addrs, _dir) = start(json!([tls_socket(&pki, false)])).await;
    let a = tls_client(addrs[0], &pki, None)
        .unwrap()
        .command("version-get", None)
        .await
        .unwrap();
    assert!(a.is_success());
    let a = tls_client(addrs[0], &pki, Some("client"))
        .unwrap()
        .command("version-get", None)
        .await
        .unwrap();
    assert!(a.is_success());
    // A certificate that is presented must still be valid.
    assert!(
        tls_client(addrs[0], &pki, Some("intruder"))
            .unwrap()
            .command("version-get", None)
            .await
            .is_err()
    );
}

#[tokio::test]
async fn curl_plain_http() {
    if !have("curl") {
        eprintln!("skipping: curl not installed");
        return;
    }
    let (_server, addrs, _dir) = start(json!([http0()])).await;
    let cmd = format!(
        "curl -s -X POST -H 'Content-Type: application/json' -d '{{ \"command\": \"list-commands\" }}' http://{}/",
        addrs[0]
    );
    let out = tokio::task::spawn_blocking(move || {
        std::process::Command::new("sh").arg("-c").arg(cmd).output()
    })
    .await
    .unwrap()
    .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        r#"[ { "arguments": [ "config-test", "echo", "list-commands", "slow", "status-get", "version-get" ], "result": 0 } ]"#
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn config_set_style_handler_reconfigures_the_socket_it_is_served_on() {
    let dir = tempfile::tempdir().unwrap();
    let reg = test_registry();
    let server = ControlServer::new(reg.clone(), test_options(dir.path()));
    let handle = server.clone();
    reg.register_async("socket-set", move |req: kea_command::Request| {
        let server = handle.clone();
        async move {
            let sockets = match SocketConfig::list_from_value(&req.arguments.unwrap_or(Value::Null))
            {
                Ok(s) => s,
                Err(e) => return kea_command::Answer::error(e.to_string()),
            };
            match server.reconfigure(&sockets).await {
                Ok(()) => kea_command::Answer::success_text("sockets changed"),
                Err(e) => kea_command::Answer::error(e.to_string()),
            }
        }
    });
    server
        .reconfigure(
            &SocketConfig::list_from_value(&json!([{"socket-type": "http", "socket-port": 0}]))
                .unwrap(),
        )
        .await
        .unwrap();
    let addr = server.http_addrs().await[0];
    let url = format!("http://{addr}/");
    // Same port, authentication added: the answer still comes back on this connection.
    let args = json!([{"socket-type": "http", "socket-port": addr.port(),
        "authentication": {"type": "basic", "clients": [{"user": "u", "password": "p"}]}}]);
    let a = ControlClient::http(&url)
        .unwrap()
        .command("socket-set", Some(args))
        .await
        .unwrap();
    assert_eq!(a.text.as_deref(), Some("sockets changed"));
    let e = ControlClient::http(&url)
        .unwrap()
        .command("version-get", None)
        .await
        .unwrap_err();
    assert!(matches!(e, ClientError::Status { status: 401, .. }), "{e}");
    // Move to a UNIX socket only: the HTTP port closes, the answer is still delivered.
    let args = json!([{"socket-type": "unix", "socket-name": "moved.sock"}]);
    let a = ControlClient::http(&url)
        .unwrap()
        .with_basic_auth("u", "p")
        .command("socket-set", Some(args))
        .await
        .unwrap();
    assert_eq!(a.text.as_deref(), Some("sockets changed"));
    assert!(server.http_addrs().await.is_empty());
    assert!(tokio::net::TcpStream::connect(addr).await.is_err());
    // The blocking client, from a plain thread.
    let client = ControlClient::unix(dir.path().join("moved.sock"));
    let a = tokio::task::spawn_blocking(move || client.command_blocking("version-get", None))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(a.text.as_deref(), Some("3.0.0"));
    // Rebinding the same port on another address once the old listener is gone.
    let again = SocketConfig::list_from_value(&json!([{"socket-type": "http", "socket-address": "127.0.0.1", "socket-port": addr.port()}])).unwrap();
    server.reconfigure(&again).await.unwrap();
    let moved = SocketConfig::list_from_value(
        &json!([{"socket-type": "http", "socket-address": "0.0.0.0", "socket-port": addr.port()}]),
    )
    .unwrap();
    server.reconfigure(&moved).await.unwrap();
    assert_eq!(server.http_addrs().await[0].port(), addr.port());
    assert!(
        ControlClient::http(&url)
            .unwrap()
            .command("version-get", None)
            .await
            .unwrap()
            .is_success()
    );
    server.stop().await;
}
