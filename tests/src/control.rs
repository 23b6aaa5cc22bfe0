//! Kea's command channel over a UNIX control socket, and a daemon started with a
//! configuration file and waited for until its socket answers: what every control-channel
//! test of kea-dhcp4 and kea-dhcp6 (and the differential tests against Kea 2.2.0) needs.

use std::io::{Read, Write};
use std::ops::Deref;
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use serde_json::{Value, json};

use crate::process::{ChildGuard, wait_until};

/// `{"command": name, "arguments": arguments}` (no `arguments` key when `None`).
pub fn request(name: &str, arguments: Option<Value>) -> Value {
    let mut req = json!({ "command": name });
    if let Some(a) = arguments {
        req["arguments"] = a;
    }
    req
}

/// One request to a control socket; `Value::Null` when the daemon does not answer.
pub fn send(sock: &Path, req: &Value) -> Value {
    let Ok(mut s) = UnixStream::connect(sock) else {
        return Value::Null;
    };
    let _ = s.set_read_timeout(Some(Duration::from_secs(10)));
    if s.write_all(req.to_string().as_bytes()).is_err() {
        return Value::Null;
    }
    let mut out = String::new();
    let _ = s.read_to_string(&mut out);
    serde_json::from_str(&out).unwrap_or(Value::Null)
}

/// [`send`] of [`request`].
pub fn command(sock: &Path, name: &str, arguments: Option<Value>) -> Value {
    send(sock, &request(name, arguments))
}

/// A running daemon with its control socket; stopped by PID when dropped.
pub struct Daemon {
    pub guard: ChildGuard,
    pub sock: PathBuf,
    pub config_file: PathBuf,
}

impl Daemon {
    /// Writes `config` to `dir/<what>.json`, starts `bin <extra> -c <file>` with its PID
    /// and lock files in `dir`, stderr in `dir/<what>.stderr`, and waits until `sock`
    /// answers `status-get`.
    pub fn start(
        what: &str,
        bin: &Path,
        extra: &[&str],
        config: &Value,
        dir: &Path,
        sock: PathBuf,
    ) -> Daemon {
        let config_file = dir.join(format!("{what}.json"));
        std::fs::write(
            &config_file,
            serde_json::to_string_pretty(config).expect("config json"),
        )
        .expect("write config");
        let stderr = dir.join(format!("{what}.stderr"));
        let mut cmd = Command::new(bin);
        cmd.args(extra)
            .arg("-c")
            .arg(&config_file)
            .env("KEA_PIDFILE_DIR", dir)
            .env("KEA_LOCKFILE_DIR", dir)
            .stdout(Stdio::null())
            .stderr(
                std::fs::File::create(&stderr)
                    .map(Stdio::from)
                    .unwrap_or_else(|_| Stdio::null()),
            );
        let guard = ChildGuard::spawn(what, &mut cmd).expect("spawn daemon");
        let d = Daemon {
            guard,
            sock,
            config_file,
        };
        assert!(
            wait_until(Duration::from_secs(15), || {
                d.cmd("status-get", None)["result"] == 0
            }),
            "{what} did not open its control socket: {}",
            std::fs::read_to_string(&stderr).unwrap_or_default()
        );
        d
    }

    /// One command to this daemon.
    pub fn cmd(&self, name: &str, arguments: Option<Value>) -> Value {
        command(&self.sock, name, arguments)
    }

    /// The configuration's hash (`config-hash-get`), empty when there is no answer.
    pub fn hash(&self) -> String {
        self.cmd("config-hash-get", None)["arguments"]["hash"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    /// The running configuration's top-level map (`Dhcp4` or `Dhcp6`) from `config-get`.
    pub fn config(&self, root: &str) -> Value {
        self.cmd("config-get", None)["arguments"][root].clone()
    }

    /// Sends a command that must fail with result 1, a text containing `text_part`, and
    /// leave the configuration (its hash) as it was.
    pub fn rejected(&self, name: &str, arguments: Value, text_part: &str) {
        let before = self.hash();
        let r = self.cmd(name, Some(arguments));
        assert_eq!(r["result"], 1, "{name}: {r}");
        let text = r["text"].as_str().unwrap_or_default();
        assert!(text.contains(text_part), "{name}: {text}");
        assert_eq!(self.hash(), before, "{name} changed the configuration");
    }
}

/// A daemon whose configuration, socket, logs and lease files live in a temporary directory
/// of its own, removed when this is dropped (after the daemon is stopped).
pub struct TempDaemon {
    // Field order matters: the daemon stops before its directory goes.
    pub daemon: Daemon,
    pub dir: tempfile::TempDir,
}

impl TempDaemon {
    /// Starts `bin -X` (Kea 3.0's path rules lifted for the temporary directory) with the
    /// configuration `config` builds for the directory, its control socket at `dir/sock_name`.
    pub fn start(
        what: &str,
        bin: &Path,
        sock_name: &str,
        config: impl FnOnce(&Path) -> Value,
    ) -> TempDaemon {
        let dir = tempfile::tempdir().expect("tempdir");
        let config = config(dir.path());
        let daemon = Daemon::start(
            what,
            bin,
            &["-X"],
            &config,
            dir.path(),
            dir.path().join(sock_name),
        );
        TempDaemon { daemon, dir }
    }
}

impl Deref for TempDaemon {
    type Target = Daemon;

    fn deref(&self) -> &Daemon {
        &self.daemon
    }
}
