//! Kea control-socket client (unix socket, one JSON command per connection).

use std::io::{Read, Write};
use std::os::unix::net::UnixStream;
use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use serde_json::{Value, json};

/// Sends `command` (with optional `arguments`) and returns the parsed answer.
pub fn command(sock: &Path, command: &str, arguments: Option<Value>) -> Result<Value> {
    let mut req = json!({ "command": command });
    if let Some(a) = arguments {
        req["arguments"] = a;
    }
    let mut s = UnixStream::connect(sock).with_context(|| format!("connect {}", sock.display()))?;
    s.set_read_timeout(Some(Duration::from_secs(30)))?;
    s.write_all(req.to_string().as_bytes())?;
    let mut out = String::new();
    s.read_to_string(&mut out).context("read answer")?;
    serde_json::from_str(&out).with_context(|| format!("answer is not JSON: {out}"))
}

/// Polls `status-get`-like `command` until it answers with result 0, at most `limit`; returns
/// the time it took.
pub fn wait_ready(sock: &Path, command_name: &str, limit: Duration) -> Result<Duration> {
    let start = Instant::now();
    loop {
        if let Ok(v) = command(sock, command_name, None)
            && v["result"] == 0
        {
            return Ok(start.elapsed());
        }
        if start.elapsed() > limit {
            bail!("{} did not answer within {limit:?}", sock.display());
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}
