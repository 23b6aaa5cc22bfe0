//! UNIX stream control socket: one JSON command per connection, answer, close (Kea 3.0 rules for
//! the socket path, a lock file against two servers on one socket, stale socket replaced).

use crate::answer::Answer;
use crate::error::ControlError;
use crate::json::{FeedStatus, JsonFeed};
use crate::registry::CommandRegistry;
use crate::request::Transport;
use crate::server::ServerOptions;
use std::fs::{File, OpenOptions};
use std::os::unix::fs::{FileTypeExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{UnixListener, UnixStream};
use tokio::task::JoinHandle;
use tokio::time::{Instant, timeout_at};

/// Longest socket path Linux accepts (`sun_path` is 108 bytes, one for the NUL).
pub const MAX_SOCKET_PATH_LEN: usize = 107;

/// Resolves `socket-name` against the control socket directory: a bare name goes into the
/// directory; a path must lie in it unless enforcement is lifted (`-X`).
pub fn resolve_socket_path(name: &str, options: &ServerOptions) -> Result<PathBuf, ControlError> {
    let dir = &options.socket_dir;
    let given = Path::new(name);
    let path = match given.parent().filter(|p| !p.as_os_str().is_empty()) {
        None => dir.join(given),
        Some(parent) => {
            if options.enforce_socket_dir && !same_dir(parent, dir) {
                return Err(ControlError::Config(format!(
                    "'socket-name' {name} is invalid: invalid path specified: '{}', supported path is '{}'",
                    parent.display(),
                    dir.display()
                )));
            }
            given.to_path_buf()
        }
    };
    let len = path.as_os_str().len();
    if len > MAX_SOCKET_PATH_LEN {
        return Err(ControlError::Config(format!(
            "the socket name '{}' is too long: {len} > {MAX_SOCKET_PATH_LEN}",
            path.display()
        )));
    }
    Ok(path)
}

fn same_dir(a: &Path, b: &Path) -> bool {
    let norm = |p: &Path| p.components().collect::<PathBuf>();
    if norm(a) == norm(b) {
        return true;
    }
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(x), Ok(y)) => x == y,
        _ => false,
    }
}

/// An open UNIX control socket; dropping it stops accepting and removes the socket and lock files.
pub(crate) struct UnixListenerHandle {
    pub(crate) path: PathBuf,
    lock_path: PathBuf,
    _lock: File,
    accept_task: JoinHandle<()>,
}

impl UnixListenerHandle {
    /// Stops accepting and waits until the listening socket is closed; then the files go.
    pub(crate) async fn close(mut self) {
        self.accept_task.abort();
        let _ = (&mut self.accept_task).await;
    }
}

impl Drop for UnixListenerHandle {
    fn drop(&mut self) {
        self.accept_task.abort();
        let _ = std::fs::remove_file(&self.path);
        let _ = std::fs::remove_file(&self.lock_path);
        tracing::info!(
            "COMMAND_SOCKET_CLOSED Closed command socket {}",
            self.path.display()
        );
    }
}

fn lock_path_for(path: &Path) -> PathBuf {
    let mut s = path.as_os_str().to_os_string();
    s.push(".lock");
    PathBuf::from(s)
}

/// Opens the socket at an already resolved path. Must run inside a tokio runtime.
pub(crate) fn open_unix(
    path: &Path,
    registry: CommandRegistry,
    options: &ServerOptions,
) -> Result<UnixListenerHandle, ControlError> {
    if let Some(parent) = path.parent()
        && let Ok(meta) = std::fs::metadata(parent)
        && meta.permissions().mode() & 0o027 != 0
    {
        tracing::warn!(
            "COMMAND_UNIX_SOCKET_PERMISSIONS_SECURITY_WARNING socket directory {} has mode {:o}, more permissive than 0750",
            parent.display(),
            meta.permissions().mode() & 0o7777
        );
    }
    let lock_path = lock_path_for(path);
    let lock = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .mode(0o600)
        .open(&lock_path)
        .map_err(|e| {
            ControlError::io(
                format!("cannot create socket lockfile, {}", lock_path.display()),
                e,
            )
        })?;
    if let Err(e) = lock.try_lock() {
        return Err(ControlError::Config(format!(
            "cannot lock socket lockfile, {}: {e} (another server uses this socket)",
            lock_path.display()
        )));
    }
    // We hold the lock: a socket file left there belongs to a dead server.
    match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_socket() => {
            std::fs::remove_file(path).map_err(|e| {
                ControlError::io(format!("cannot remove stale socket {}", path.display()), e)
            })?;
        }
        Ok(_) => {
            return Err(ControlError::Config(format!(
                "'{}' exists and is not a socket",
                path.display()
            )));
        }
        Err(_) => {}
    }
    let std_listener = std::os::unix::net::UnixListener::bind(path).map_err(|e| {
        ControlError::io(
            format!("failed to bind control socket {}", path.display()),
            e,
        )
    })?;
    let listener = std_listener
        .set_nonblocking(true)
        .and_then(|()| UnixListener::from_std(std_listener))
        .map_err(|e| ControlError::io("failed to register control socket", e))?;
    tracing::info!(
        "COMMAND_ACCEPTOR_START Starting to accept connections via unix domain socket bound to {}",
        path.display()
    );
    let options = options.clone();
    let accept_task = tokio::spawn(async move {
        loop {
            match listener.accept().await {
                Ok((stream, _)) => {
                    let registry = registry.clone();
                    let options = options.clone();
                    tokio::spawn(async move { serve_connection(stream, registry, options).await });
                }
                Err(e) => {
                    tracing::warn!(
                        "COMMAND_SOCKET_ACCEPT_FAIL Failed to accept incoming connection: {e}"
                    );
                    // Avoid a busy loop on persistent errors such as EMFILE.
                    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                }
            }
        }
    });
    Ok(UnixListenerHandle {
        path: path.to_path_buf(),
        lock_path,
        _lock: lock,
        accept_task,
    })
}

/// Reads one command (until a complete JSON document arrived), answers it, closes.
/// A client silent for the timeout gets Kea's timeout answer.
/// EOF before a complete document closes without an answer, as Kea does.
async fn serve_connection(
    mut stream: UnixStream,
    registry: CommandRegistry,
    options: ServerOptions,
) {
    // Like Kea, the timeout counts from the last data received, not from the connection start.
    let mut deadline = Instant::now() + options.timeout;
    let mut feed = JsonFeed::new();
    let mut unread_input = false;
    let mut buf = vec![0u8; 32 * 1024];
    let answer = loop {
        let n = match timeout_at(deadline, stream.read(&mut buf)).await {
            Err(_) => {
                let mut text = "Connection over control channel timed out".to_string();
                if !feed.received().is_empty() {
                    text.push_str(&format!(
                        ", discarded partial command of {} bytes",
                        feed.received().len()
                    ));
                }
                tracing::info!("COMMAND_SOCKET_CONNECTION_TIMEOUT {text}");
                break Answer::error(text);
            }
            Ok(Err(e)) => {
                tracing::info!(
                    "COMMAND_SOCKET_READ_FAIL Error while reading from command socket: {e}"
                );
                return;
            }
            Ok(Ok(0)) => {
                tracing::debug!("COMMAND_SOCKET_CONNECTION_CLOSED_BY_PEER");
                return;
            }
            Ok(Ok(n)) => {
                deadline = Instant::now() + options.timeout;
                n
            }
        };
        match feed.push(&buf[..n]) {
            FeedStatus::NeedMore => {
                if feed.received().len() > options.max_command_size {
                    unread_input = true;
                    break too_large(feed.received().len(), options.max_command_size);
                }
            }
            FeedStatus::Complete { len } => {
                if len > options.max_command_size {
                    break too_large(len, options.max_command_size);
                }
                break registry
                    .process_bytes(&feed.received()[..len], Transport::Unix)
                    .await;
            }
            FeedStatus::Error(msg) => break Answer::error(msg),
        }
    };
    let reply = answer.to_kea_string();
    let write = async {
        stream.write_all(reply.as_bytes()).await?;
        stream.shutdown().await
    };
    if tokio::time::timeout(options.timeout, write).await.is_err() {
        tracing::info!("COMMAND_SOCKET_WRITE_FAIL timed out sending the answer");
        return;
    }
    if unread_input {
        // Closing with unread input makes the kernel send a reset, which can destroy the answer
        // before the client reads it: discard what the client still sends, for a bounded time.
        let drain = async {
            while let Ok(n) = stream.read(&mut buf).await {
                if n == 0 {
                    break;
                }
            }
        };
        let _ = tokio::time::timeout(options.timeout, drain).await;
    }
}

fn too_large(size: usize, max: usize) -> Answer {
    Answer::error(format!(
        "command of {size} bytes exceeds the maximum size of {max} bytes"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts(dir: &str, enforce: bool) -> ServerOptions {
        ServerOptions {
            socket_dir: PathBuf::from(dir),
            enforce_socket_dir: enforce,
            ..ServerOptions::default()
        }
    }

    #[test]
    fn bare_names_go_into_the_socket_dir() {
        let p = resolve_socket_path("kea4.sock", &opts("/run/kea", true)).unwrap();
        assert_eq!(p, PathBuf::from("/run/kea/kea4.sock"));
        let p = resolve_socket_path("/run/kea/kea4.sock", &opts("/run/kea/", true)).unwrap();
        assert_eq!(p, PathBuf::from("/run/kea/kea4.sock"));
    }

    #[test]
    fn paths_outside_the_dir_are_refused_unless_lifted() {
        let e = resolve_socket_path("/tmp/kea4.sock", &opts("/run/kea", true)).unwrap_err();
        assert!(
            e.to_string().contains("supported path is '/run/kea'"),
            "{e}"
        );
        let p = resolve_socket_path("/tmp/kea4.sock", &opts("/run/kea", false)).unwrap();
        assert_eq!(p, PathBuf::from("/tmp/kea4.sock"));
    }

    #[test]
    fn long_names_are_refused() {
        let long = "x".repeat(120);
        assert!(resolve_socket_path(&long, &opts("/run/kea", true)).is_err());
        let ok = "x".repeat(MAX_SOCKET_PATH_LEN - "/run/kea/".len());
        assert!(resolve_socket_path(&ok, &opts("/run/kea", true)).is_ok());
    }
}
