//! Kea 3.0's directory rules (ARM §5.3.6) for the files a configuration names.
//! [`PathPolicy`] is built from `-X`; each `*_path` method returns the resolved path
//! or Kea's error text (`invalid path specified: '/tmp', supported path is '/var/lib/kea'`).

use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
use std::path::{Path, PathBuf};

pub use kea_log::paths::{PathError, dir_from_env, log_file_dir, validate_path};

/// Default directory of lease files, DUID file, host-cache dumps.
pub const DEFAULT_DATA_DIR: &str = "/var/lib/kea";
/// Environment variable overriding [`DEFAULT_DATA_DIR`].
pub const DATA_DIR_ENV: &str = "KEA_DHCP_DATA_DIR";
/// Default directory of UNIX control sockets.
pub const DEFAULT_CONTROL_SOCKET_DIR: &str = "/run/kea";
/// Environment variable overriding [`DEFAULT_CONTROL_SOCKET_DIR`].
pub const CONTROL_SOCKET_DIR_ENV: &str = "KEA_CONTROL_SOCKET_DIR";
/// Required mode of the control socket directory (no more permissive than this).
pub const CONTROL_SOCKET_DIR_MODE: u32 = 0o750;

/// The data directory: `KEA_DHCP_DATA_DIR` or `/var/lib/kea`.
pub fn data_dir() -> PathBuf {
    dir_from_env(DATA_DIR_ENV, DEFAULT_DATA_DIR)
}

/// The control socket directory: `KEA_CONTROL_SOCKET_DIR` or `/run/kea`.
pub fn control_socket_dir() -> PathBuf {
    dir_from_env(CONTROL_SOCKET_DIR_ENV, DEFAULT_CONTROL_SOCKET_DIR)
}

/// Errors about the control socket directory itself.
#[derive(Debug, thiserror::Error)]
pub enum SocketDirError {
    #[error(transparent)]
    Path(#[from] PathError),
    #[error("cannot create socket directory '{}': {source}", dir.display())]
    Create {
        dir: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("socket path: '{}' has permissions {mode:o}, more permissive than {CONTROL_SOCKET_DIR_MODE:o}", dir.display())]
    Permissions { dir: PathBuf, mode: u32 },
}

/// Whether path restrictions apply (they do unless the daemon was started with `-X`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PathPolicy {
    pub unrestricted: bool,
}

impl PathPolicy {
    /// Policy for `-X` given (`true`) or not.
    pub fn new(unrestricted: bool) -> PathPolicy {
        PathPolicy { unrestricted }
    }

    /// Checks `input` against `dir` unless restrictions are lifted.
    pub fn check(&self, dir: &Path, input: &str) -> Result<PathBuf, PathError> {
        validate_path((!self.unrestricted).then_some(dir), input)
    }

    /// A lease file, DUID file or host-cache dump name (data directory).
    pub fn data_file_path(&self, input: &str) -> Result<PathBuf, PathError> {
        self.check(&data_dir(), input)
    }

    /// A UNIX control socket name (control socket directory).
    pub fn socket_path(&self, input: &str) -> Result<PathBuf, PathError> {
        self.check(&control_socket_dir(), input)
    }

    /// A log file name (log directory).
    pub fn log_file_path(&self, input: &str) -> Result<PathBuf, PathError> {
        self.check(&log_file_dir(), input)
    }

    /// A `config-write` target: only the directory of the `-c` file.
    pub fn config_write_path(&self, config_file: &Path, input: &str) -> Result<PathBuf, PathError> {
        let dir = match config_file.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => std::env::current_dir().unwrap_or_else(|_| PathBuf::from(".")),
        };
        self.check(&dir, input)
    }

    /// What kea-log needs to check `output` file names.
    pub fn log_file_policy(&self) -> kea_log::LogFilePolicy {
        if self.unrestricted {
            kea_log::LogFilePolicy::Unrestricted
        } else {
            kea_log::LogFilePolicy::from_env()
        }
    }

    /// Validates a control socket name and makes sure its directory exists (created
    /// with mode 0750) and, when restricted, is not more permissive than 0750.
    pub fn prepare_socket(&self, input: &str) -> Result<PathBuf, SocketDirError> {
        self.prepare_socket_in(&control_socket_dir(), input)
    }

    /// [`prepare_socket`](Self::prepare_socket) with an explicit socket directory.
    pub fn prepare_socket_in(
        &self,
        socket_dir: &Path,
        input: &str,
    ) -> Result<PathBuf, SocketDirError> {
        let path = self.check(socket_dir, input)?;
        let dir = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        if !dir.exists() {
            std::fs::DirBuilder::new()
                .recursive(true)
                .mode(CONTROL_SOCKET_DIR_MODE)
                .create(&dir)
                .map_err(|source| SocketDirError::Create {
                    dir: dir.clone(),
                    source,
                })?;
        }
        if !self.unrestricted {
            let mode = std::fs::metadata(&dir)
                .map_err(|source| SocketDirError::Create {
                    dir: dir.clone(),
                    source,
                })?
                .permissions()
                .mode()
                & 0o777;
            if mode & !CONTROL_SOCKET_DIR_MODE != 0 {
                return Err(SocketDirError::Permissions { dir, mode });
            }
        }
        Ok(path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn restricted_policy_uses_keas_directories() {
        let p = PathPolicy::new(false);
        let dir = data_dir();
        assert_eq!(
            p.data_file_path("kea-leases4.csv").unwrap(),
            dir.join("kea-leases4.csv")
        );
        let err = p.data_file_path("/tmp/kea-leases4.csv").unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "invalid path specified: '/tmp', supported path is '{}'",
                dir.display()
            )
        );
        assert_eq!(
            p.socket_path("kea4-ctrl-socket").unwrap(),
            control_socket_dir().join("kea4-ctrl-socket")
        );
        assert_eq!(
            p.log_file_path("a.log").unwrap(),
            log_file_dir().join("a.log")
        );
        assert_eq!(p.log_file_policy(), kea_log::LogFilePolicy::from_env());
    }

    #[test]
    fn unrestricted_policy_accepts_anything_with_a_file_name() {
        let p = PathPolicy::new(true);
        assert_eq!(
            p.data_file_path("/tmp/x.csv").unwrap(),
            PathBuf::from("/tmp/x.csv")
        );
        assert_eq!(p.log_file_policy(), kea_log::LogFilePolicy::Unrestricted);
        assert!(p.data_file_path("/tmp/").is_err());
    }

    #[test]
    fn config_write_stays_next_to_the_config_file() {
        let p = PathPolicy::new(false);
        let cfg = Path::new("/etc/kea/kea-dhcp4.conf");
        assert_eq!(
            p.config_write_path(cfg, "new.conf").unwrap(),
            PathBuf::from("/etc/kea/new.conf")
        );
        assert_eq!(
            p.config_write_path(cfg, "/etc/kea/new.conf").unwrap(),
            PathBuf::from("/etc/kea/new.conf")
        );
        assert!(p.config_write_path(cfg, "/tmp/new.conf").is_err());
    }

    #[test]
    fn socket_directory_is_created_0750_and_checked() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("run-kea");
        // -X: the path is taken as given, the directory is still created.
        let sock = PathPolicy::new(true)
            .prepare_socket(&format!("{}/s.sock", dir.display()))
            .unwrap();
        assert_eq!(sock, dir.join("s.sock"));
        assert_eq!(
            std::fs::metadata(&dir).unwrap().permissions().mode() & 0o777,
            0o750 & !umask()
        );
    }

    #[test]
    fn restricted_socket_directory_must_not_be_too_open() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("sockets");
        let p = PathPolicy::new(false);
        // Missing: created 0750 (minus umask bits), accepted.
        assert_eq!(
            p.prepare_socket_in(&dir, "kea4.sock").unwrap(),
            dir.join("kea4.sock")
        );
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
        let err = p.prepare_socket_in(&dir, "kea4.sock").unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "socket path: '{}' has permissions 755, more permissive than 750",
                dir.display()
            )
        );
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700)).unwrap();
        assert!(
            p.prepare_socket_in(&dir, &format!("{}/kea4.sock", dir.display()))
                .is_ok()
        );
        // Another directory is refused before anything is created.
        let other = tmp.path().join("other");
        let err = p
            .prepare_socket_in(&dir, &format!("{}/kea4.sock", other.display()))
            .unwrap_err();
        assert!(
            matches!(err, SocketDirError::Path(PathError::NotSupported { .. })),
            "{err}"
        );
        assert!(!other.exists());
        // -X accepts the open directory.
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o777)).unwrap();
        assert!(
            PathPolicy::new(true)
                .prepare_socket_in(&dir, &format!("{}/k.sock", dir.display()))
                .is_ok()
        );
    }

    fn umask() -> u32 {
        // SAFETY: umask is always safe; set it back immediately.
        unsafe {
            let old = libc::umask(0o022);
            libc::umask(old);
            old
        }
    }
}
