//! Lease File Cleanup (Kea's `kea-lfc`, ARM ch. 15).
//!
//! The lease file only grows, so it is compacted now and then with a crash-safe file dance.
//! For a live file `F`:
//! 1. the server renames `F` to `F.1` (input) and starts a fresh `F` (see `Memfile::run_lfc`);
//! 2. [`lfc_once`] merges `F.2` (previous result) and `F.1`, newest row per lease, into
//!    `F.output`, then renames it to `F.completed`;
//! 3. it deletes `F.2` and `F.1` and renames `F.completed` to `F.2`.
//!
//! `F.pid` holds the running cleaner's process id. Whatever step is interrupted, loading
//! `F.completed` if present, otherwise `F.2` then `F.1`, and `F` last gives every lease
//! (see `Memfile::open`), and the next [`lfc_once`] finishes the interrupted cycle.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::csv::CsvLease;
use crate::error::StoreError;
use crate::file::{LoadReport, RowError, read_rows, resolve, write_file};
use crate::lease::{Lease4, Lease6};

/// The files of one cleanup, as `kea-lfc`'s `-x -i -o -f -p` options.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LfcPaths {
    /// Result of the previous cleanup (`<file>.2`).
    pub previous: PathBuf,
    /// The rotated lease file to merge (`<file>.1`).
    pub input: PathBuf,
    /// Output being written (`<file>.output`).
    pub output: PathBuf,
    /// Finished output, before the final rename (`<file>.completed`).
    pub finish: PathBuf,
    /// Process id of the running cleaner (`<file>.pid`).
    pub pid: PathBuf,
}

fn with_suffix(p: &Path, suffix: &str) -> PathBuf {
    let mut s = p.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

impl LfcPaths {
    /// The names Kea derives from the lease file name.
    pub fn for_lease_file(live: &Path) -> LfcPaths {
        LfcPaths {
            previous: with_suffix(live, ".2"),
            input: with_suffix(live, ".1"),
            output: with_suffix(live, ".output"),
            finish: with_suffix(live, ".completed"),
            pid: with_suffix(live, ".pid"),
        }
    }
}

/// Which lease file format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Universe {
    /// `kea-leases4.csv`.
    V4,
    /// `kea-leases6.csv`.
    V6,
}

/// What one cleanup did.
#[derive(Clone, Debug, Default)]
pub struct LfcReport {
    /// Another cleaner was running (live pid file); nothing was done.
    pub skipped: bool,
    /// Leases were merged into a new file (false when a finished output from an interrupted
    /// run was only moved into place).
    pub merged: bool,
    /// Leases written.
    pub leases: usize,
    /// Rows of the inputs that were skipped as corrupt.
    pub row_errors: Vec<RowError>,
}

/// Run one cleanup over `paths` (what the `kea-lfc` binary does).
pub fn lfc_once(universe: Universe, paths: &LfcPaths) -> Result<LfcReport, StoreError> {
    match universe {
        Universe::V4 => run::<Lease4>(paths),
        Universe::V6 => run::<Lease6>(paths),
    }
}

/// Removes the pid file when the cleanup ends.
struct PidGuard<'a>(&'a Path);

impl Drop for PidGuard<'_> {
    fn drop(&mut self) {
        let _ = fs::remove_file(self.0);
    }
}

/// True when the pid file names a live process (Linux: `/proc/<pid>` exists).
fn pid_file_is_live(path: &Path) -> bool {
    match fs::read_to_string(path) {
        Ok(s) => match s.trim().parse::<u32>() {
            Ok(pid) => Path::new("/proc").join(pid.to_string()).exists(),
            Err(_) => false,
        },
        Err(_) => false,
    }
}

fn remove_if_exists(p: &Path) -> Result<(), StoreError> {
    match fs::remove_file(p) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(StoreError::io(p, e)),
        _ => Ok(()),
    }
}

/// Step 3: drop the merged inputs and make the finished output the new previous file.
pub(crate) fn finish_rotation(paths: &LfcPaths) -> Result<(), StoreError> {
    remove_if_exists(&paths.previous)?;
    remove_if_exists(&paths.input)?;
    fs::rename(&paths.finish, &paths.previous).map_err(|e| StoreError::io(&paths.finish, e))
}

/// Step 2: merge previous and input into the output, then rename it to the finish file.
/// A stale output from a crash is overwritten.
pub(crate) fn merge<L: CsvLease>(paths: &LfcPaths) -> Result<(usize, Vec<RowError>), StoreError> {
    let mut rows = Vec::new();
    let mut load = LoadReport::default();
    for p in [&paths.previous, &paths.input] {
        if p.exists() {
            read_rows::<L>(p, 0, &mut rows, &mut load)?;
        }
    }
    let leases = resolve(rows);
    let n = write_output(paths, leases.iter())?;
    Ok((n, load.errors))
}

/// Write `leases` as the output, then rename it to the finish file.
fn write_output<'a, L: CsvLease + 'a>(
    paths: &LfcPaths,
    leases: impl Iterator<Item = &'a Arc<L>>,
) -> Result<usize, StoreError> {
    let n = write_file(&paths.output, leases)?;
    fs::rename(&paths.output, &paths.finish).map_err(|e| StoreError::io(&paths.output, e))?;
    Ok(n)
}

pub(crate) fn run<L: CsvLease>(paths: &LfcPaths) -> Result<LfcReport, StoreError> {
    run_with(paths, || merge::<L>(paths))
}

/// A cleanup whose merge result is already in memory: `leases` are what merging the
/// previous and input files would give (the server converting the files it has just
/// loaded), so they are written as the output without reading the inputs again.
pub(crate) fn run_from<'a, L: CsvLease + 'a>(
    paths: &LfcPaths,
    leases: impl Iterator<Item = &'a Arc<L>>,
) -> Result<LfcReport, StoreError> {
    run_with(paths, || Ok((write_output(paths, leases)?, Vec::new())))
}

/// The pid file, step 2 (`merge`, skipped when a finished output is already there) and
/// step 3.
fn run_with(
    paths: &LfcPaths,
    merge: impl FnOnce() -> Result<(usize, Vec<RowError>), StoreError>,
) -> Result<LfcReport, StoreError> {
    let mut report = LfcReport::default();
    if pid_file_is_live(&paths.pid) {
        report.skipped = true;
        return Ok(report);
    }
    fs::write(&paths.pid, format!("{}\n", std::process::id()))
        .map_err(|e| StoreError::io(&paths.pid, e))?;
    let _guard = PidGuard(&paths.pid);
    if !paths.finish.exists() {
        let (leases, errors) = merge()?;
        report.leases = leases;
        report.row_errors = errors;
        report.merged = true;
    }
    finish_rotation(paths)?;
    Ok(report)
}
