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
