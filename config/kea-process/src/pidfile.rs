//! Kea's PID file: `<pidfile dir>/<config file name without extension>.<process>.pid`
//! (ARM §9.1). A live process named in the file refuses a second start; a dead one's
//! file is taken over. The file is removed when the [`PidFile`] is dropped.

use std::fs::{File, OpenOptions};
use std::io::{self, Read, Seek, Write};
use std::os::fd::AsRawFd;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

/// Default PID-file directory.
pub const DEFAULT_PIDFILE_DIR: &str = "/run/kea";
/// Environment variable overriding [`DEFAULT_PIDFILE_DIR`].
pub const PIDFILE_DIR_ENV: &str = "KEA_PIDFILE_DIR";

/// Why a PID file could not be created.
#[derive(Debug, thiserror::Error)]
pub enum PidFileError {
    /// Another instance runs with the same configuration: log `DHCP4_ALREADY_RUNNING`
    /// (or `DHCP6_`/`DCTL_`) with the process name and this error, then exit 1.
    #[error("PID: {pid} exists, PID file: {}", path.display())]
    AlreadyRunning { pid: i32, path: PathBuf },
    #[error("Unable to read PID from file '{}'", path.display())]
    Unreadable { path: PathBuf },
    #[error("Missing config file name")]
    NoConfigName,
    #[error("Unable to open PID file '{}' for write: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
}

/// The PID-file directory: `KEA_PIDFILE_DIR` or `/run/kea`.
pub fn pidfile_dir() -> PathBuf {
    kea_log::paths::dir_from_env(PIDFILE_DIR_ENV, DEFAULT_PIDFILE_DIR)
}

/// `<dir>/<stem of config file>.<process>.pid`, e.g. `/run/kea/kea-dhcp4.kea-dhcp4.pid`
/// for `-c /etc/kea/kea-dhcp4.conf`.
pub fn pidfile_path(
    dir: &Path,
    config_file: &Path,
    process_name: &str,
) -> Result<PathBuf, PidFileError> {
    let stem = config_file
        .file_stem()
        .filter(|s| !s.is_empty())
        .ok_or(PidFileError::NoConfigName)?;
    let mut name = stem.to_os_string();
    name.push(format!(".{process_name}.pid"));
    Ok(dir.join(name))
}

/// A PID file we own; removed on drop.
#[derive(Debug)]
pub struct PidFile {
    path: PathBuf,
    // Kept open with an exclusive lock so two instances starting together cannot
    // both win; the lock goes away with the process.
    _file: File,
}

impl PidFile {
    /// Creates the PID file for this process in `dir` (created if missing).
    pub fn create(
        dir: &Path,
        config_file: &Path,
        process_name: &str,
    ) -> Result<PidFile, PidFileError> {
        let path = pidfile_path(dir, config_file, process_name)?;
        let io_err = |source| PidFileError::Io {
            path: path.clone(),
            source,
        };
        std::fs::create_dir_all(dir).map_err(io_err)?;
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .mode(0o644)
            .open(&path)
            .map_err(io_err)?;
        let mut content = String::new();
        // SAFETY: flock on a valid, owned descriptor.
        let locked = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) } == 0;
        file.read_to_string(&mut content).map_err(io_err)?;
        let recorded = content.trim();
        if !recorded.is_empty() {
            let pid: i32 = recorded
                .parse()
                .ok()
                .filter(|p| *p > 0)
                .ok_or_else(|| PidFileError::Unreadable { path: path.clone() })?;
            if !locked || (pid != std::process::id() as i32 && process_alive(pid)) {
                return Err(PidFileError::AlreadyRunning { pid, path });
            }
        } else if !locked {
            // Another instance is between locking and writing its PID.
            return Err(PidFileError::AlreadyRunning { pid: 0, path });
        }
        file.set_len(0).map_err(io_err)?;
        file.rewind().map_err(io_err)?;
        writeln!(file, "{}", std::process::id()).map_err(io_err)?;
        file.flush().map_err(io_err)?;
        Ok(PidFile { path, _file: file })
    }

    /// Creates the PID file in the configured directory ([`pidfile_dir`]).
    pub fn create_default(config_file: &Path, process_name: &str) -> Result<PidFile, PidFileError> {
        PidFile::create(&pidfile_dir(), config_file, process_name)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for PidFile {
    fn drop(&mut self) {
        // Only remove the file if it still names us.
        let ours = std::fs::read_to_string(&self.path)
            .map(|c| c.trim() == std::process::id().to_string())
            .unwrap_or(false);
        if ours {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// Whether `pid` names a live process (EPERM means alive but not ours).
fn process_alive(pid: i32) -> bool {
    // SAFETY: signal 0 only checks for existence and permission.
    let rc = unsafe { libc::kill(pid, 0) };
    rc == 0 || io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_follows_kea() {
        let p = pidfile_path(
            Path::new("/run/kea"),
            Path::new("/etc/kea/kea-dhcp4.conf"),
            "kea-dhcp4",
        )
        .unwrap();
        assert_eq!(p, PathBuf::from("/run/kea/kea-dhcp4.kea-dhcp4.pid"));
        let p = pidfile_path(Path::new("/d"), Path::new("my.conf.json"), "kea-netconf").unwrap();
        assert_eq!(p, PathBuf::from("/d/my.conf.kea-netconf.pid"));
        let p = pidfile_path(Path::new("/d"), Path::new("noext"), "kea-dhcp6").unwrap();
        assert_eq!(p, PathBuf::from("/d/noext.kea-dhcp6.pid"));
        assert!(matches!(
            pidfile_path(Path::new("/d"), Path::new(""), "kea-dhcp6"),
            Err(PidFileError::NoConfigName)
        ));
    }

    #[test]
    fn create_writes_pid_in_new_directory_and_drop_removes_it() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("run/kea");
        let pf = PidFile::create(&dir, Path::new("/etc/kea/a.json"), "kea-dhcp4").unwrap();
        let path = pf.path().to_path_buf();
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            format!("{}\n", std::process::id())
        );
        drop(pf);
        assert!(!path.exists());
    }

    #[test]
    fn live_process_refuses_second_instance() {
        let tmp = tempfile::tempdir().unwrap();
        let mut child = std::process::Command::new("sleep")
            .arg("30")
            .spawn()
            .unwrap();
        let path = pidfile_path(tmp.path(), Path::new("a.json"), "kea-dhcp6").unwrap();
        std::fs::write(&path, format!("{}\n", child.id())).unwrap();
        let err = PidFile::create(tmp.path(), Path::new("a.json"), "kea-dhcp6").unwrap_err();
        let _ = child.kill();
        let _ = child.wait();
        assert_eq!(
            err.to_string(),
            format!("PID: {} exists, PID file: {}", child.id(), path.display())
        );
        // The file of the other instance is left alone.
        assert!(path.exists());
    }

    #[test]
    fn locked_file_refuses_second_instance_in_same_process() {
        let tmp = tempfile::tempdir().unwrap();
        let first = PidFile::create(tmp.path(), Path::new("a.json"), "kea-dhcp4").unwrap();
        let second = PidFile::create(tmp.path(), Path::new("a.json"), "kea-dhcp4");
        assert!(
            matches!(second, Err(PidFileError::AlreadyRunning { .. })),
            "{second:?}"
        );
        drop(first);
    }

    #[test]
    fn stale_file_is_taken_over() {
        let tmp = tempfile::tempdir().unwrap();
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let dead = child.id();
        child.wait().unwrap();
        let path = pidfile_path(tmp.path(), Path::new("a.json"), "kea-dhcp4").unwrap();
        std::fs::write(&path, format!("{dead}\n")).unwrap();
        let pf = PidFile::create(tmp.path(), Path::new("a.json"), "kea-dhcp4").unwrap();
        assert_eq!(
            std::fs::read_to_string(pf.path()).unwrap(),
            format!("{}\n", std::process::id())
        );
    }

    #[test]
    fn garbage_content_is_an_error() {
        let tmp = tempfile::tempdir().unwrap();
        let path = pidfile_path(tmp.path(), Path::new("a.json"), "kea-dhcp4").unwrap();
        std::fs::write(&path, "not a pid\n").unwrap();
        let err = PidFile::create(tmp.path(), Path::new("a.json"), "kea-dhcp4").unwrap_err();
        assert_eq!(
            err.to_string(),
            format!("Unable to read PID from file '{}'", path.display())
        );
    }
}
