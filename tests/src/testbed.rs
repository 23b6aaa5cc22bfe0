//! Rust face of `tests/testbed/netns.sh`.

use std::process::{Command, Stdio};

use anyhow::{Context, Result, bail};

use crate::workspace_root;

/// Server and client namespaces joined by a veth pair:
/// `<name>-srv` with `srv0` (192.0.2.1/24, 2001:db8:1::1/64) and
/// `<name>-cli` with `cli0` (192.0.2.2/24, 2001:db8:1::2/64).
/// Dropping it removes both namespaces.
#[derive(Debug)]
pub struct Testbed {
    name: String,
}

impl Testbed {
    pub const SERVER_IF: &'static str = "srv0";
    pub const CLIENT_IF: &'static str = "cli0";
    pub const SERVER_V4: &'static str = "192.0.2.1";
    pub const CLIENT_V4: &'static str = "192.0.2.2";
    pub const SERVER_V6: &'static str = "2001:db8:1::1";
    pub const CLIENT_V6: &'static str = "2001:db8:1::2";

    /// Creates the namespaces. `name` must be unique among tests that run at
    /// the same time (letters, digits, `-`, `_`; keep it short).
    pub fn up(name: &str) -> Result<Self> {
        run_script("up", name)?;
        Ok(Self {
            name: name.to_string(),
        })
    }

    pub fn server_ns(&self) -> String {
        format!("{}-srv", self.name)
    }

    pub fn client_ns(&self) -> String {
        format!("{}-cli", self.name)
    }

    /// A command that runs `program` inside the server namespace.
    pub fn in_server(&self, program: &str) -> Command {
        in_ns(&self.server_ns(), program)
    }

    /// A command that runs `program` inside the client namespace.
    pub fn in_client(&self, program: &str) -> Command {
        in_ns(&self.client_ns(), program)
    }
}

impl Drop for Testbed {
    fn drop(&mut self) {
        if let Err(e) = run_script("down", &self.name) {
            eprintln!("testbed {}: teardown failed: {e:#}", self.name);
        }
    }
}

/// `ip netns exec NS program`: add arguments to the returned command.
pub fn in_ns(ns: &str, program: &str) -> Command {
    let mut cmd = Command::new("ip");
    cmd.args(["netns", "exec", ns, program]);
    cmd
}

fn run_script(action: &str, name: &str) -> Result<()> {
    let script = workspace_root().join("tests/testbed/netns.sh");
    let out = Command::new("bash")
        .arg(&script)
        .args([action, name])
        .stdin(Stdio::null())
        .output()
        .with_context(|| format!("running {}", script.display()))?;
    if !out.status.success() {
        bail!(
            "netns.sh {action} {name} failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    Ok(())
}
