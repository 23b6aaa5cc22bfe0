//! Shared plumbing for the end-to-end tests of the real binaries.
//!
//! - [`testbed::Testbed`]: two network namespaces joined by a veth pair
//!   (`tests/testbed/netns.sh`), removed again when dropped.
//! - [`process::ChildGuard`]: a started process that is stopped, by its PID,
//!   when the guard is dropped — tests never kill anything they did not start.
//! - [`control`]: Kea's command channel over a UNIX socket, and a daemon waited for
//!   until it answers.
//! - [`kea_diff`]: the same commands to Debian's Kea 2.2.0 and to ours, answers compared.
//! - [`shared_dir`]: the read-only `../shared` reference material, if present.

pub mod control;
pub mod kea_diff;
pub mod process;
pub mod testbed;

use std::path::{Path, PathBuf};

/// Root of the workspace (the directory holding the top-level Cargo.toml).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

/// `../shared` beside the workspace, or `None` (with a message on stderr
/// naming the test that skips) when it is absent.
pub fn shared_dir(test: &str) -> Option<PathBuf> {
    let dir = workspace_root().join("../shared");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("SKIP {test}: ../shared (reference material) is absent");
        None
    }
}

/// True when the tests run as root, which namespace tests need.
pub fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() == 0 }
}

/// Skips (returns `false` and says why) unless the test may create network
/// namespaces: root, and the `ip` command present.
pub fn can_use_netns(test: &str) -> bool {
    if !is_root() {
        eprintln!("SKIP {test}: needs root for network namespaces");
        return false;
    }
    if !command_exists("ip") {
        eprintln!("SKIP {test}: the `ip` command (iproute2) is missing");
        return false;
    }
    true
}

/// True when `name` is an executable on PATH.
pub fn command_exists(name: &str) -> bool {
    std::env::var_os("PATH")
        .map(|paths| std::env::split_paths(&paths).any(|dir| dir.join(name).is_file()))
        .unwrap_or(false)
}

/// A TCP port that was free a moment ago on 127.0.0.1.
pub fn free_tcp_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or(0)
}
