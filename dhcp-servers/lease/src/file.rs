//! Reading and appending lease files.

use std::fs::{File, OpenOptions};
use std::io::{self, BufRead, BufReader, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::csv::{CsvLease, Header, header_for};
use crate::error::StoreError;
use crate::lease::LeaseRecord;

/// A row that could not be loaded (it was skipped; the other rows were kept).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RowError {
    /// The file.
    pub file: PathBuf,
    /// 1-based line number.
    pub line: u64,
    /// What is wrong with it.
    pub message: String,
}

/// What loading the lease files found.
#[derive(Clone, Debug, Default)]
pub struct LoadReport {
    /// Files read, in order.
    pub files: Vec<PathBuf>,
    /// Data rows read (good and bad).
    pub rows: u64,
    /// Leases in memory after loading.
    pub leases: usize,
    /// Skipped rows.
    pub errors: Vec<RowError>,
    /// True when a file was in another schema and was rewritten in the current one.
    pub converted: bool,
}

/// Append the rows of `path` to `out`, in file order. Returns the header, or `None` for an
/// empty file. Bad rows are skipped and recorded in `report`; more than `max_errors` bad rows
/// (when non-zero) is an error, as Kea's `max-row-errors`.
pub(crate) fn read_rows<L: CsvLease>(
    path: &Path,
    max_errors: u32,
    out: &mut Vec<L>,
    report: &mut LoadReport,
) -> Result<Option<Header>, StoreError> {
    let file = File::open(path).map_err(|e| StoreError::io(path, e))?;
    report.files.push(path.to_path_buf());
    let mut reader = BufReader::with_capacity(1 << 20, file);
    let mut buf = Vec::with_capacity(512);
    let mut header: Option<Header> = None;
    let mut line_no = 0u64;
    let mut errors = 0u32;
    loop {
        buf.clear();
        let n = reader
            .read_until(b'\n', &mut buf)
            .map_err(|e| StoreError::io(path, e))?;
        if n == 0 {
            break;
        }
        line_no += 1;
        while matches!(buf.last(), Some(b'\n' | b'\r')) {
            buf.pop();
        }
        if buf.is_empty() {
            continue;
        }
        let parsed = match std::str::from_utf8(&buf) {
            Err(_) => Err("row is not UTF-8".to_string()),
            Ok(line) => match header {
                None => {
                    let h = header_for::<L>(line).map_err(|message| StoreError::BadHeader {
                        path: path.to_path_buf(),
                        message,
                    })?;
                    header = Some(h);
                    continue;
                }
                Some(h) => L::parse_row(line, h),
            },
        };
        report.rows += 1;
        match parsed {
            Ok(l) => out.push(l),
            Err(message) => {
                tracing::warn!(
                    "DHCPSRV_MEMFILE_READ_ERROR discarding row {} of {}: {}",
                    line_no,
                    path.display(),
                    message
                );
                report.errors.push(RowError {
                    file: path.to_path_buf(),
                    line: line_no,
                    message,
                });
                errors += 1;
                if max_errors != 0 && errors > max_errors {
                    return Err(StoreError::TooManyRowErrors {
                        path: path.to_path_buf(),
                        errors,
                        max: max_errors,
                    });
                }
            }
        }
    }
    Ok(header)
}

/// Replay rows in order: a later row for an address replaces an earlier one, and a row with
/// valid lifetime 0 (Kea's deletion record) removes the lease. Returns leases by address.
pub(crate) fn resolve<L: LeaseRecord>(rows: Vec<L>) -> Vec<Arc<L>> {
    let mut order: Vec<(L::Addr, u32)> = rows
        .iter()
        .enumerate()
        .map(|(i, l)| (l.address(), i as u32))
        .collect();
    order.sort_unstable();
    let mut slots: Vec<Option<L>> = rows.into_iter().map(Some).collect();
    let mut out = Vec::with_capacity(order.len());
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        while j + 1 < order.len() && order[j + 1].0 == order[i].0 {
            j += 1;
        }
        // order[j] is the last row for this address.
        if let Some(l) = slots[order[j].1 as usize].take()
            && l.valid_lifetime() != 0
        {
            out.push(Arc::new(l));
        }
        i = j + 1;
    }
    out
}

/// Appends rows to the live lease file: one `write` per change, no fsync (as Kea).
pub(crate) struct LeaseWriter {
    path: PathBuf,
    file: File,
    buf: String,
    /// The file may end in a partial row (failed write or crash): start with a newline so
    /// the next row is not glued to it.
    broken_line: bool,
}

impl LeaseWriter {
    /// Open `path` for appending, creating it with the current header if missing or empty.
    pub(crate) fn open<L: CsvLease>(path: &Path) -> Result<LeaseWriter, StoreError> {
        let mut file = OpenOptions::new()
            .read(true)
            .append(true)
            .create(true)
            .open(path)
            .map_err(|e| StoreError::io(path, e))?;
        let len = file.metadata().map_err(|e| StoreError::io(path, e))?.len();
        let mut w = LeaseWriter {
            path: path.to_path_buf(),
            file: file.try_clone().map_err(|e| StoreError::io(path, e))?,
            buf: String::with_capacity(512),
            broken_line: false,
        };
        if len == 0 {
            let mut h = String::new();
            L::write_header(&mut h);
            w.file
                .write_all(h.as_bytes())
                .map_err(|e| StoreError::io(path, e))?;
        } else {
            let mut last = [0u8; 1];
            file.seek(SeekFrom::End(-1))
                .map_err(|e| StoreError::io(path, e))?;
            file.read_exact(&mut last)
                .map_err(|e| StoreError::io(path, e))?;
            w.broken_line = last[0] != b'\n';
        }
        Ok(w)
    }

    #[cfg(test)]
    pub(crate) fn from_file_for_test(file: File) -> LeaseWriter {
        LeaseWriter {
            path: PathBuf::from("test"),
            file,
            buf: String::new(),
            broken_line: false,
        }
    }

    /// Append one lease row.
    pub(crate) fn append<L: CsvLease>(&mut self, lease: &L) -> Result<(), StoreError> {
        self.buf.clear();
        if self.broken_line {
            self.buf.push('\n');
        }
        lease.write_row(&mut self.buf);
        self.write_buf()
    }

    /// Append complete rows collected elsewhere (a write batch), with one `write`.
    pub(crate) fn append_rows(&mut self, rows: &str) -> Result<(), StoreError> {
        self.buf.clear();
        if self.broken_line {
            self.buf.push('\n');
        }
        self.buf.push_str(rows);
        self.write_buf()
    }

    fn write_buf(&mut self) -> Result<(), StoreError> {
        match self.file.write_all(self.buf.as_bytes()) {
            Ok(()) => {
                self.broken_line = false;
                Ok(())
            }
            Err(e) => {
                self.broken_line = true;
                Err(StoreError::io(&self.path, e))
            }
        }
    }
}

/// Write a complete lease file (header and one row per lease) to `path`, synced to disk.
pub(crate) fn write_file<'a, L: CsvLease + 'a>(
    path: &Path,
    leases: impl Iterator<Item = &'a Arc<L>>,
) -> Result<usize, StoreError> {
    let run = || -> io::Result<usize> {
        let file = File::create(path)?;
        let mut w = BufWriter::with_capacity(1 << 20, file);
        let mut buf = String::with_capacity(1 << 16);
        L::write_header(&mut buf);
        let mut n = 0;
        for l in leases {
            l.write_row(&mut buf);
            n += 1;
            if buf.len() > 60_000 {
                w.write_all(buf.as_bytes())?;
                buf.clear();
            }
        }
        w.write_all(buf.as_bytes())?;
        let file = w.into_inner().map_err(|e| e.into_error())?;
        file.sync_all()?;
        Ok(n)
    };
    run().map_err(|e| StoreError::io(path, e))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lease::{HwAddr, Lease4};
    use std::net::Ipv4Addr;

    fn lease(last: u8, valid: u32) -> Lease4 {
        let mut l = Lease4::new(Ipv4Addr::new(10, 0, 0, last), 1, valid, 100);
        l.hw_address = Some(HwAddr::ethernet([0, 0, 0, 0, 0, last]));
        l
    }

    #[test]
    fn later_rows_win_and_zero_lifetime_deletes() {
        let rows = vec![
            lease(2, 10),
            lease(1, 10),
            lease(2, 20),
            lease(3, 10),
            lease(3, 0),
            lease(4, 0),
        ];
        let out = resolve(rows);
        let got: Vec<(u8, u32)> = out
            .iter()
            .map(|l| (l.address.octets()[3], l.valid_lifetime))
            .collect();
        assert_eq!(got, vec![(1, 10), (2, 20)]);
    }

    #[test]
    fn corrupt_rows_are_reported_with_line_numbers() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("l.csv");
        std::fs::write(
            &p,
            "address,hwaddr,client_id,valid_lifetime,expire,subnet_id,fqdn_fwd,fqdn_rev,hostname,state,user_context,pool_id\n\
             10.0.0.1,01:02,,10,20,1,0,0,,0,,0\n\
             garbage\n\
             \n\
             10.0.0.2,01:02,,10,20,1,0,0,,0,,0\n\
             10.0.0.3,01:02,,10,20,1,0,9,,0,,0\n",
        )
        .unwrap();
        let mut rows = Vec::new();
        let mut report = LoadReport::default();
        read_rows::<Lease4>(&p, 0, &mut rows, &mut report).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(report.rows, 4);
        let lines: Vec<u64> = report.errors.iter().map(|e| e.line).collect();
        assert_eq!(lines, vec![3, 6]);
        // max-row-errors 1: the second bad row fails the load.
        let mut report = LoadReport::default();
        let err = read_rows::<Lease4>(&p, 1, &mut Vec::new(), &mut report).unwrap_err();
        assert!(
            matches!(err, StoreError::TooManyRowErrors { errors: 2, .. }),
            "{err}"
        );
        assert!(read_rows::<Lease4>(&p, 2, &mut Vec::new(), &mut LoadReport::default()).is_ok());
    }

    #[test]
    fn bad_header_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("l.csv");
        std::fs::write(&p, "address,duid\n").unwrap();
        let err =
            read_rows::<Lease4>(&p, 0, &mut Vec::new(), &mut LoadReport::default()).unwrap_err();
        assert!(matches!(err, StoreError::BadHeader { .. }));
    }

    #[test]
    fn writer_recovers_from_partial_last_row() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("l.csv");
        {
            let mut w = LeaseWriter::open::<Lease4>(&p).unwrap();
            w.append(&lease(1, 10)).unwrap();
        }
        // Simulate a crash in the middle of a row.
        let mut f = OpenOptions::new().append(true).open(&p).unwrap();
        f.write_all(b"10.0.0.9,01:0").unwrap();
        drop(f);
        let mut w = LeaseWriter::open::<Lease4>(&p).unwrap();
        w.append(&lease(2, 10)).unwrap();
        let mut rows = Vec::new();
        let mut report = LoadReport::default();
        read_rows::<Lease4>(&p, 0, &mut rows, &mut report).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(report.errors.len(), 1);
        assert_eq!(report.errors[0].line, 3);
    }
}
