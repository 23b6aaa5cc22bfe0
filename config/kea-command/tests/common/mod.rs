//! Helpers shared by the socket tests.
#![allow(dead_code)]

use kea_command::{Answer, CommandRegistry, Request, ServerOptions};
use serde_json::{Value, json};
use std::path::Path;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// A registry with a few commands shaped like Kea's.
pub fn test_registry() -> CommandRegistry {
    let reg = CommandRegistry::new();
    reg.register("version-get", |_req: &Request| {
        Answer::success_text("3.0.0").with_arguments(json!({"extended": "3.0.0\nrust"}))
    });
    reg.register("status-get", |_req: &Request| {
        Answer::success_with(
            json!({"pid": 1, "uptime": 0, "reload": 0, "sockets": {"status": "ready"}}),
        )
    });
    reg.register("config-test", |req: &Request| match &req.arguments {
        None => Answer::error("Missing mandatory 'arguments' parameter."),
        Some(Value::Object(_)) => Answer::success_text("Configuration seems sane."),
        Some(_) => Answer::error("'arguments' must be a map"),
    });
    reg.register("echo", |req: &Request| {
        Answer::success_with(req.arguments.clone().unwrap_or(Value::Null))
    });
    reg.register_async("slow", |_req: Request| async {
        tokio::time::sleep(Duration::from_millis(300)).await;
        Answer::success_text("done")
    });
    reg
}

/// Options for tests: sockets in `dir`, short timeout, small size limit.
pub fn test_options(dir: &Path) -> ServerOptions {
    ServerOptions {
        socket_dir: dir.to_path_buf(),
        enforce_socket_dir: true,
        default_realm: "kea-dhcpv4-server".into(),
        timeout: Duration::from_secs(1),
        max_command_size: 64 * 1024,
    }
}

/// Writes `request` to a UNIX socket (optionally half-closing), reads until the server closes.
pub async fn unix_raw(path: &Path, request: &[u8], half_close: bool) -> String {
    let mut s = tokio::net::UnixStream::connect(path).await.unwrap();
    s.write_all(request).await.unwrap();
    if half_close {
        s.shutdown().await.unwrap();
    }
    let mut out = Vec::new();
    tokio::time::timeout(Duration::from_secs(15), s.read_to_end(&mut out))
        .await
        .expect("server did not close the connection")
        .unwrap();
    String::from_utf8(out).unwrap()
}

/// Whether a program is on PATH.
pub fn have(program: &str) -> bool {
    std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("command -v {program} >/dev/null"))
        .status()
        .map(|s| s.success())
        .unwrap_or(false)
}

/// One `>>>` / `<<<` pair of the Kea 2.2.0 samples file.
pub struct Sample {
    pub title: String,
    pub request: Vec<u8>,
    pub response: String,
}

/// Reads the samples file from ../shared, if present.
pub fn kea_samples() -> Option<Vec<Sample>> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/reference/kea-2.2.0-ctrl-samples.txt"
    );
    let text = std::fs::read_to_string(path).ok()?;
    let mut out = Vec::new();
    let mut title = String::new();
    let mut request: Option<Vec<String>> = None;
    for line in text.lines() {
        if let Some(t) = line.strip_prefix("## ") {
            title = t.to_string();
            request = None;
        } else if let Some(r) = line.strip_prefix(">>> ") {
            request = Some(vec![r.to_string()]);
        } else if let Some(resp) = line.strip_prefix("<<<") {
            if let Some(lines) = request.take() {
                out.push(Sample {
                    title: title.clone(),
                    request: lines.join("\n").into_bytes(),
                    response: resp.trim_start().to_string(),
                });
            }
        } else if let Some(lines) = request.as_mut() {
            lines.push(line.to_string());
        }
    }
    Some(out)
}

/// Sends raw bytes over TCP, reads until the server closes; returns (status, head, body).
pub async fn http_raw(addr: std::net::SocketAddr, request: &[u8]) -> (u16, String, String) {
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    s.write_all(request).await.unwrap();
    let mut out = Vec::new();
    tokio::time::timeout(Duration::from_secs(15), s.read_to_end(&mut out))
        .await
        .expect("server did not close the connection")
        .unwrap();
    split_http(&String::from_utf8(out).unwrap())
}

/// Splits a raw HTTP response into (status, head, body).
pub fn split_http(text: &str) -> (u16, String, String) {
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((text, ""));
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, head.to_string(), body.to_string())
}

/// A POST request with a JSON body and `Connection: close`.
pub fn post(body: &str, extra_headers: &str) -> Vec<u8> {
    format!(
        "POST / HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n{extra_headers}\r\n{body}",
        body.len()
    )
    .into_bytes()
}

/// Throwaway PKI made with the openssl tool: a CA, a server certificate for 127.0.0.1 /
/// localhost, a client certificate, and a client certificate from another CA.
pub struct Pki {
    pub dir: tempfile::TempDir,
}

impl Pki {
    pub fn path(&self, name: &str) -> String {
        self.dir.path().join(name).to_str().unwrap().to_string()
    }
}

fn sh(dir: &Path, script: &str) -> bool {
    std::process::Command::new("sh")
        .arg("-c")
        .arg(script)
        .current_dir(dir)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .map(|s| s.success())
        .unwrap_or(false)
}

/// Creates the PKI, or `None` (with a message) when openssl is missing.
pub fn make_pki() -> Option<Pki> {
    if !have("openssl") {
        eprintln!("skipping TLS part: openssl not installed");
        return None;
    }
    let dir = tempfile::tempdir().unwrap();
    let script = r#"
set -e
key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1"; }
ca() {
  key "$1.key"
  openssl req -x509 -new -key "$1.key" -subj "/CN=$1" -days 2 -out "$1.pem" \
    -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign
}
leaf() { # name ca san eku
  key "$1.key"
  openssl req -new -key "$1.key" -subj "/CN=$1" -out "$1.csr"
  printf 'subjectAltName=%s\nextendedKeyUsage=%s\nbasicConstraints=CA:FALSE\n' "$3" "$4" > "$1.ext"
  openssl x509 -req -in "$1.csr" -CA "$2.pem" -CAkey "$2.key" -CAcreateserial -days 2 -out "$1.pem" -extfile "$1.ext"
}
ca ca
ca rogue
leaf server ca "IP:127.0.0.1,DNS:localhost" serverAuth
leaf client ca "DNS:client" clientAuth
leaf intruder rogue "DNS:intruder" clientAuth
"#;
    if !sh(dir.path(), script) {
        eprintln!("skipping TLS part: openssl failed to make certificates");
        return None;
    }
    Some(Pki { dir })
}
