//! Output sinks: console, files with log4cplus-style rotation, syslog.

use std::ffi::CString;
use std::fs::{File, OpenOptions};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

use crate::config::{Destination, OutputConfig};
use crate::level::Level;

/// Identity of a sink: two outputs with the same key share one sink, which lets a
/// reconfiguration keep files open instead of reopening them.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct SinkKey {
    destination: Destination,
    flush: bool,
    maxsize: u64,
    maxver: u32,
}

impl SinkKey {
    pub(crate) fn of(output: &OutputConfig) -> SinkKey {
        let file = matches!(output.destination, Destination::File(_));
        SinkKey {
            destination: output.destination.clone(),
            flush: output.flush,
            // Rotation settings only matter for files.
            maxsize: if file && output.rotates() {
                output.maxsize
            } else {
                0
            },
            maxver: if file { output.maxver } else { 0 },
        }
    }
}

#[derive(Debug)]
pub(crate) enum Sink {
    Stdout { flush: bool },
    Stderr,
    Syslog { facility: i32 },
    File(FileSink),
}

impl Sink {
    /// Opens the sink for `key` (creates/appends files).
    pub(crate) fn open(key: &SinkKey, ident: &str) -> io::Result<Sink> {
        Ok(match &key.destination {
            Destination::Stdout => Sink::Stdout { flush: key.flush },
            Destination::Stderr => Sink::Stderr,
            Destination::Syslog(f) => {
                open_syslog(ident);
                Sink::Syslog { facility: f.code }
            }
            Destination::File(path) => {
                Sink::File(FileSink::open(path, key.maxsize, key.maxver, key.flush)?)
            }
        })
    }

    /// Writes one formatted line. Failures are reported once on stderr: a logger has
    /// nowhere else to report its own failure.
    pub(crate) fn write(&self, line: &str, level: Level) {
        match self {
            Sink::Stdout { flush } => {
                let mut out = io::stdout().lock();
                let _ = out.write_all(line.as_bytes());
                if *flush {
                    let _ = out.flush();
                }
            }
            Sink::Stderr => {
                let _ = io::stderr().lock().write_all(line.as_bytes());
            }
            Sink::Syslog { facility } => write_syslog(*facility, level, line),
            Sink::File(f) => f.write(line),
        }
    }

    pub(crate) fn flush(&self) {
        match self {
            Sink::Stdout { .. } => {
                let _ = io::stdout().flush();
            }
            Sink::File(f) => f.flush(),
            Sink::Stderr | Sink::Syslog { .. } => {}
        }
    }
}

#[derive(Debug)]
pub(crate) struct FileSink {
    path: PathBuf,
    /// 0: never rotate.
    maxsize: u64,
    maxver: u32,
    flush: bool,
    state: Mutex<FileState>,
}

#[derive(Debug)]
struct FileState {
    writer: Option<BufWriter<File>>,
    size: u64,
    error_reported: bool,
}

impl FileSink {
    fn open(path: &Path, maxsize: u64, maxver: u32, flush: bool) -> io::Result<FileSink> {
        let file = open_append(path)?;
        let size = file.metadata()?.len();
        Ok(FileSink {
            path: path.to_path_buf(),
            maxsize,
            maxver: maxver.max(1),
            flush,
            state: Mutex::new(FileState {
                writer: Some(BufWriter::new(file)),
                size,
                error_reported: false,
            }),
        })
    }

    fn write(&self, line: &str) {
        let mut state = match self.state.lock() {
            Ok(s) => s,
            Err(poisoned) => poisoned.into_inner(),
        };
        let result = (|| -> io::Result<()> {
            let writer = match state.writer.as_mut() {
                Some(w) => w,
                None => {
                    // A failed rotation left no file: try to open it again.
                    state.writer = Some(BufWriter::new(open_append(&self.path)?));
                    state
                        .writer
                        .as_mut()
                        .ok_or_else(|| io::Error::other("log file not open"))?
                }
            };
            writer.write_all(line.as_bytes())?;
            if self.flush {
                writer.flush()?;
            }
            state.size += line.len() as u64;
            if self.maxsize > 0 && state.size >= self.maxsize {
                self.rotate(&mut state)?;
            }
            Ok(())
        })();
        if let Err(e) = result
            && !state.error_reported
        {
            state.error_reported = true;
            eprintln!(
                "kea-log: cannot write log file {}: {e}",
                self.path.display()
            );
        }
    }

    /// log4cplus' scheme: drop `file.maxver`, shift `file.i` to `file.i+1`, move the
    /// current file to `file.1`, start a new file.
    fn rotate(&self, state: &mut FileState) -> io::Result<()> {
        if let Some(mut w) = state.writer.take() {
            w.flush()?;
        }
        let numbered = |i: u32| {
            let mut p = self.path.clone().into_os_string();
            p.push(format!(".{i}"));
            PathBuf::from(p)
        };
        ignore_missing(std::fs::remove_file(numbered(self.maxver)))?;
        for i in (1..self.maxver).rev() {
            ignore_missing(std::fs::rename(numbered(i), numbered(i + 1)))?;
        }
        std::fs::rename(&self.path, numbered(1))?;
        state.writer = Some(BufWriter::new(open_append(&self.path)?));
        state.size = 0;
        Ok(())
    }

    fn flush(&self) {
        if let Ok(mut state) = self.state.lock()
            && let Some(w) = state.writer.as_mut()
        {
            let _ = w.flush();
        }
    }
}

fn open_append(path: &Path) -> io::Result<File> {
    OpenOptions::new().create(true).append(true).open(path)
}

fn ignore_missing(r: io::Result<()>) -> io::Result<()> {
    match r {
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        other => other,
    }
}

fn open_syslog(ident: &str) {
    // openlog keeps the pointer, so the identity must live for the whole process.
    static IDENT: OnceLock<CString> = OnceLock::new();
    let ident = IDENT.get_or_init(|| CString::new(ident.replace('\0', "")).unwrap_or_default());
    // SAFETY: `ident` is a NUL-terminated string that is never freed.
    unsafe {
        libc::openlog(
            ident.as_ptr(),
            libc::LOG_PID | libc::LOG_NDELAY,
            libc::LOG_USER,
        )
    };
}

fn write_syslog(facility: i32, level: Level, line: &str) {
    let priority = match level {
        Level::Fatal => libc::LOG_CRIT,
        Level::Error => libc::LOG_ERR,
        Level::Warn => libc::LOG_WARNING,
        Level::Info => libc::LOG_INFO,
        Level::Debug(_) => libc::LOG_DEBUG,
    };
    let text = line.strip_suffix('\n').unwrap_or(line);
    let Ok(text) = CString::new(text.replace('\0', "")) else {
        return;
    };
    // SAFETY: the format is a literal "%s" and `text` is NUL-terminated.
    unsafe { libc::syslog(facility | priority, c"%s".as_ptr(), text.as_ptr()) };
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(p: &Path) -> String {
        std::fs::read_to_string(p).unwrap_or_default()
    }

    #[test]
    fn file_rotation_keeps_maxver_files() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("kea.log");
        let sink = FileSink::open(&path, 1000, 2, true).unwrap();
        let line = format!("{}\n", "x".repeat(99)); // 100 bytes
        for i in 0..35 {
            sink.write(&line.replacen('x', &format!("{i:02}"), 1));
        }
        // 35 lines of 100 bytes, rotating at 1000: kea.log.2 has lines 10-19,
        // kea.log.1 lines 20-29, kea.log lines 30-34; lines 0-9 were discarded.
        let current = read(&path);
        let first = read(&dir.path().join("kea.log.1"));
        let second = read(&dir.path().join("kea.log.2"));
        assert_eq!(current.lines().count(), 5);
        assert!(current.starts_with("30"), "{current}");
        assert!(first.starts_with("20") && first.lines().count() == 10);
        assert!(second.starts_with("10") && second.lines().count() == 10);
        assert!(!dir.path().join("kea.log.3").exists());
    }

    #[test]
    fn no_rotation_when_maxsize_is_zero_and_appends_to_existing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("kea.log");
        std::fs::write(&path, "old\n").unwrap();
        let sink = FileSink::open(&path, 0, 1, false).unwrap();
        for _ in 0..100 {
            sink.write("0123456789\n");
        }
        sink.flush();
        assert_eq!(read(&path).len(), 4 + 1100);
        assert!(!dir.path().join("kea.log.1").exists());
    }

    #[test]
    fn opening_in_a_missing_directory_fails() {
        assert!(FileSink::open(Path::new("/nonexistent-dir/kea.log"), 0, 1, true).is_err());
    }
}
