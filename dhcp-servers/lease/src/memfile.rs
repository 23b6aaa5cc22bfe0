//! The memfile backend: indexed leases in memory, each change appended to a CSV file.

use std::path::{Path, PathBuf};
use std::sync::{
    Arc, Condvar, Mutex, RwLock, RwLockReadGuard, RwLockWriteGuard, TryLockError, Weak,
};
use std::thread::JoinHandle;
use std::time::Duration;

use crate::error::StoreError;
use crate::file::{LeaseWriter, LoadReport, read_rows, resolve};
use crate::index::{Core, IDX_DUID, MemfileLease, hash_bytes};
use crate::lease::{Lease4, Lease6, LeaseType, SubnetId};
use crate::lfc::{LfcPaths, LfcReport, finish_rotation};
use crate::store::{LeaseCounts, LeaseStore, LeaseStore4, LeaseStore6};

/// Memfile settings (`lease-database` with `type: memfile`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MemfileConfig {
    /// Write changes to `name` and load it at start (`persist`, default true).
    pub persist: bool,
    /// Lease file path (`name`).
    pub name: PathBuf,
    /// Seconds between lease file cleanups; 0 disables (`lfc-interval`, default 3600).
    pub lfc_interval: u32,
    /// Fail loading after this many bad rows in one file; 0 = never (`max-row-errors`).
    pub max_row_errors: u32,
}

impl MemfileConfig {
    /// Persistent memfile at `name` with Kea's defaults.
    pub fn persistent(name: impl Into<PathBuf>) -> MemfileConfig {
        MemfileConfig {
            persist: true,
            name: name.into(),
            lfc_interval: 3600,
            max_row_errors: 0,
        }
    }
}

/// In-memory v4 lease store (see [`Memfile`]).
pub type Memfile4 = Memfile<Lease4>;
/// In-memory v6 lease store (see [`Memfile`]).
pub type Memfile6 = Memfile<Lease6>;

struct State<L: MemfileLease> {
    core: Core<L>,
    writer: Option<LeaseWriter>,
    /// The thread with an open write batch: its rows collect in `batch` and reach the file
    /// with one `write` when it closes (see [`LeaseStore::end_write_batch`]). Changes made
    /// by other threads (commands, reclamation) are written at once as always.
    batching: Option<std::thread::ThreadId>,
    batch: String,
}

struct Shared<L: MemfileLease> {
    state: RwLock<State<L>>,
    /// Held while a cleanup runs, so cleanups never overlap.
    lfc_busy: Mutex<()>,
    config: MemfileConfig,
}

struct LfcThread {
    stop: Arc<(Mutex<bool>, Condvar)>,
    handle: Option<JoinHandle<()>>,
}

/// Kea's memfile lease manager for [`Lease4`] or [`Lease6`]: all leases indexed in memory
/// and, with `persist`, every change appended to the lease file before memory changes.
/// A background thread runs lease file cleanup every `lfc-interval` seconds.
pub struct Memfile<L: MemfileLease> {
    shared: Arc<Shared<L>>,
    lfc: Option<LfcThread>,
}

impl<L: MemfileLease> Memfile<L> {
    /// A store that keeps leases in memory only (`persist: false`).
    pub fn in_memory() -> Memfile<L> {
        let config = MemfileConfig {
            persist: false,
            name: PathBuf::new(),
            lfc_interval: 0,
            max_row_errors: 0,
        };
        Memfile::from_parts(Core::new(), None, config)
    }

    /// Open the store: with `persist`, load the lease files (recovering from an interrupted
    /// cleanup: `.completed` if present, otherwise `.2` then `.1`, then the live file; later
    /// rows win), convert files of another schema, and start the cleanup thread.
    pub fn open(config: MemfileConfig) -> Result<(Memfile<L>, LoadReport), StoreError> {
        if !config.persist {
            let mut m = Memfile::in_memory();
            if let Some(s) = Arc::get_mut(&mut m.shared) {
                s.config = config;
            }
            return Ok((m, LoadReport::default()));
        }
        let paths = LfcPaths::for_lease_file(&config.name);
        let mut report = LoadReport::default();
        let mut rows = Vec::new();
        let mut needs_conversion = false;
        let mut load =
            |p: &Path, rows: &mut Vec<L>, report: &mut LoadReport| -> Result<(), StoreError> {
                if p.exists() {
                    let h = read_rows::<L>(p, config.max_row_errors, rows, report)?;
                    needs_conversion |= h.is_some_and(|h| h.needs_conversion::<L>());
                }
                Ok(())
            };
        if paths.finish.exists() {
            load(&paths.finish, &mut rows, &mut report)?;
        } else {
            load(&paths.previous, &mut rows, &mut report)?;
            load(&paths.input, &mut rows, &mut report)?;
        }
        load(&config.name, &mut rows, &mut report)?;
        let leases = resolve(rows);
        report.leases = leases.len();
        let core = Core::from_sorted(leases);
        needs_conversion |= live_header_outdated::<L>(&config.name)?;
        let writer = if needs_conversion {
            None
        } else {
            Some(LeaseWriter::open::<L>(&config.name)?)
        };
        let mut m = Memfile::from_parts(core, writer, config);
        if needs_conversion {
            // Kea converts at start with a cleanup: the old-schema live file becomes the
            // input and a fresh file in the current schema is started.
            tracing::warn!(
                "DHCPSRV_MEMFILE_CONVERTING_LEASE_FILES running LFC now to convert lease files to the current schema"
            );
            m.convert_files(&paths)?;
            report.converted = true;
        }
        m.start_lfc_thread();
        Ok((m, report))
    }

    fn from_parts(core: Core<L>, writer: Option<LeaseWriter>, config: MemfileConfig) -> Memfile<L> {
        Memfile {
            shared: Arc::new(Shared {
                state: RwLock::new(State {
                    core,
                    writer,
                    batching: None,
                    batch: String::new(),
                }),
                lfc_busy: Mutex::new(()),
                config,
            }),
            lfc: None,
        }
    }

    fn convert_files(&mut self, paths: &LfcPaths) -> Result<(), StoreError> {
        let _busy = self
            .shared
            .lfc_busy
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        // A leftover input from an interrupted cleanup is merged first so the live file can
        // be rotated.
        if paths.input.exists() || paths.finish.exists() {
            crate::lfc::run::<L>(paths)?;
        }
        let mut st = self.shared.write();
        if self.shared.config.name.exists() {
            std::fs::rename(&self.shared.config.name, &paths.input)
                .map_err(|e| StoreError::io(&self.shared.config.name, e))?;
        }
        st.writer = Some(LeaseWriter::open::<L>(&self.shared.config.name)?);
        drop(st);
        // The previous and input files now hold exactly the rows just loaded, so their
        // merge is the leases in memory: written from there instead of parsing every row
        // again (which at a million leases took a second and left tens of megabytes of
        // freed heap behind).
        let st = self.shared.read();
        crate::lfc::run_from(paths, st.core.values())?;
        Ok(())
    }

    fn start_lfc_thread(&mut self) {
        let interval = self.shared.config.lfc_interval;
        if !self.shared.config.persist || interval == 0 {
            return;
        }
        let stop = Arc::new((Mutex::new(false), Condvar::new()));
        let weak: Weak<Shared<L>> = Arc::downgrade(&self.shared);
        let stop2 = stop.clone();
        let spawned = std::thread::Builder::new()
            .name("kea-lfc".into())
            .spawn(move || {
                let (lock, cv) = &*stop2;
                loop {
                    let guard = lock.lock().unwrap_or_else(|e| e.into_inner());
                    let (guard, _) = cv
                        .wait_timeout_while(
                            guard,
                            Duration::from_secs(interval as u64),
                            |stopped| !*stopped,
                        )
                        .unwrap_or_else(|e| e.into_inner());
                    if *guard {
                        return;
                    }
                    drop(guard);
                    let Some(shared) = weak.upgrade() else { return };
                    match shared.run_lfc() {
                        Ok(r) if r.skipped => tracing::info!(
                            "DHCPSRV_MEMFILE_LFC_SKIPPED lease file cleanup still running"
                        ),
                        Ok(r) => tracing::info!(
                            "DHCPSRV_MEMFILE_LFC_DONE lease file cleanup of {} wrote {} leases",
                            shared.config.name.display(),
                            r.leases
                        ),
                        Err(e) => tracing::error!(
                            "DHCPSRV_MEMFILE_LFC_EXECUTE_FAIL lease file cleanup failed: {e}"
                        ),
                    }
                }
            });
        match spawned {
            Ok(h) => {
                self.lfc = Some(LfcThread {
                    stop,
                    handle: Some(h),
                })
            }
            Err(e) => tracing::error!(
                "DHCPSRV_MEMFILE_LFC_SETUP could not start the lease file cleanup thread: {e}"
            ),
        }
    }

    /// Run one lease file cleanup now (what the timer does): rotate the live file and merge.
    /// Returns a report with `skipped` set when a cleanup is already running.
    pub fn run_lfc(&self) -> Result<LfcReport, StoreError> {
        self.shared.run_lfc()
    }

    /// The configuration the store was opened with.
    pub fn config(&self) -> &MemfileConfig {
        &self.shared.config
    }

    /// Write all leases to `path` as a complete lease file (`lease4-write` /
    /// `lease6-write`). When `path` is the live lease file, the old file is first renamed
    /// to `<name>.bak<pid>` (as Kea) and appending continues in the new file.
    pub fn write_snapshot(&self, path: &Path) -> Result<usize, StoreError> {
        let live = self.shared.config.persist && same_file(path, &self.shared.config.name);
        if !live {
            let st = self.shared.read();
            return crate::file::write_file(path, st.core.values());
        }
        let mut st = self.shared.write();
        let mut backup = self.shared.config.name.as_os_str().to_owned();
        backup.push(format!(".bak{}", std::process::id()));
        std::fs::rename(&self.shared.config.name, &backup).map_err(|e| StoreError::io(path, e))?;
        let written = crate::file::write_file(path, st.core.values());
        match written {
            Ok(n) => {
                st.writer = Some(LeaseWriter::open::<L>(path)?);
                Ok(n)
            }
            Err(e) => {
                // Put the old file back so appends keep going to a complete file.
                let _ = std::fs::rename(&backup, &self.shared.config.name);
                Err(e)
            }
        }
    }

    /// Check that every index agrees with the lease map (tests).
    #[cfg(test)]
    pub(crate) fn check_consistency(&self) {
        self.shared.read().core.check_consistency();
    }
}

/// The stored lease is the one read earlier (same object, or equal in every field).
fn still_current<L: MemfileLease>(current: Option<&Arc<L>>, expected: &Arc<L>) -> bool {
    current.is_some_and(|c| Arc::ptr_eq(c, expected) || **c == **expected)
}

/// True when `a` and `b` name the same file (or the same path when `a` does not exist).
fn same_file(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(x), Ok(y)) => x == y,
        _ => a == b,
    }
}

/// True when the live file exists with a header other than the current schema's (appending
/// current rows to it would make it unreadable).
fn live_header_outdated<L: MemfileLease>(path: &Path) -> Result<bool, StoreError> {
    use std::io::BufRead;
    let file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(false),
        Err(e) => return Err(StoreError::io(path, e)),
    };
    let mut line = String::new();
    std::io::BufReader::new(file)
        .read_line(&mut line)
        .map_err(|e| StoreError::io(path, e))?;
    Ok(!line.is_empty() && line.trim_end() != L::COLUMNS.join(","))
}

impl<L: MemfileLease> Shared<L> {
    fn read(&self) -> RwLockReadGuard<'_, State<L>> {
        self.state.read().unwrap_or_else(|e| e.into_inner())
    }

    fn write(&self) -> RwLockWriteGuard<'_, State<L>> {
        self.state.write().unwrap_or_else(|e| e.into_inner())
    }

    fn run_lfc(&self) -> Result<LfcReport, StoreError> {
        if !self.config.persist {
            return Err(StoreError::Lfc("lease file cleanup needs persist".into()));
        }
        let _busy = match self.lfc_busy.try_lock() {
            Ok(g) => g,
            Err(TryLockError::Poisoned(e)) => e.into_inner(),
            Err(TryLockError::WouldBlock) => {
                return Ok(LfcReport {
                    skipped: true,
                    ..Default::default()
                });
            }
        };
        let paths = LfcPaths::for_lease_file(&self.config.name);
        self.rotate(&paths)?;
        crate::lfc::run::<L>(&paths)
    }

    /// Step 1 of a cleanup: move the live file to the input name and start a new live file.
    fn rotate(&self, paths: &LfcPaths) -> Result<(), StoreError> {
        let mut st = self.write();
        // An input file means an earlier cleanup did not finish; it is merged as is and
        // the live file is left alone (Kea does the same).
        if paths.input.exists() {
            return Ok(());
        }
        if paths.finish.exists() {
            // The earlier cleanup died after deleting its input but before the last
            // rename; complete it so the new input is not deleted unmerged.
            finish_rotation(paths)?;
        }
        std::fs::rename(&self.config.name, &paths.input)
            .map_err(|e| StoreError::io(&self.config.name, e))?;
        match LeaseWriter::open::<L>(&self.config.name) {
            Ok(w) => {
                st.writer = Some(w);
                Ok(())
            }
            Err(e) => {
                // Keep writing to the old file under its old name.
                let _ = std::fs::rename(&paths.input, &self.config.name);
                Err(e)
            }
        }
    }

    fn persist(st: &mut State<L>, row: &L) -> Result<(), StoreError> {
        match &mut st.writer {
            Some(_)
                if st
                    .batching
                    .is_some_and(|t| t == std::thread::current().id()) =>
            {
                row.write_row(&mut st.batch);
                Ok(())
            }
            Some(w) => w.append(row),
            None => Ok(()),
        }
    }

    fn delete_locked(st: &mut State<L>, addr: L::Addr) -> Result<Option<Arc<L>>, StoreError> {
        let Some(old) = st.core.get(addr).cloned() else {
            return Ok(None);
        };
        Self::persist(st, &old.to_deleted_row())?;
        Ok(st.core.remove(addr))
    }
}

impl<L: MemfileLease> Drop for Memfile<L> {
    fn drop(&mut self) {
        if let Some(t) = &mut self.lfc {
            let (lock, cv) = &*t.stop;
            *lock.lock().unwrap_or_else(|e| e.into_inner()) = true;
            cv.notify_all();
            if let Some(h) = t.handle.take() {
                let _ = h.join();
            }
        }
    }
}

impl<L: MemfileLease> LeaseStore for Memfile<L> {
    type Lease = L;

    fn add(&self, lease: L) -> Result<(), StoreError> {
        let mut st = self.shared.write();
        if st.core.get(lease.address()).is_some() {
            return Err(StoreError::AlreadyExists(lease.address().to_string()));
        }
        Shared::persist(&mut st, &lease)?;
        st.core.insert(Arc::new(lease));
        Ok(())
    }

    fn get(&self, addr: L::Addr) -> Option<Arc<L>> {
        self.shared.read().core.get(addr).cloned()
    }

    fn update(&self, lease: L) -> Result<(), StoreError> {
        let mut st = self.shared.write();
        let addr = lease.address();
        if st.core.get(addr).is_none() {
            return Err(StoreError::NotFound(addr.to_string()));
        }
        Shared::persist(&mut st, &lease)?;
        st.core.remove(addr);
        st.core.insert(Arc::new(lease));
        Ok(())
    }

    fn delete(&self, addr: L::Addr) -> Result<Option<Arc<L>>, StoreError> {
        let mut st = self.shared.write();
        Shared::delete_locked(&mut st, addr)
    }

    fn update_if(&self, expected: &Arc<L>, lease: L) -> Result<(), StoreError> {
        let mut st = self.shared.write();
        let addr = expected.address();
        if !still_current(st.core.get(addr), expected) || lease.address() != addr {
            return Err(StoreError::Conflict(addr.to_string()));
        }
        Shared::persist(&mut st, &lease)?;
        st.core.remove(addr);
        st.core.insert(Arc::new(lease));
        Ok(())
    }

    fn delete_if(&self, expected: &Arc<L>) -> Result<(), StoreError> {
        let mut st = self.shared.write();
        let addr = expected.address();
        if !still_current(st.core.get(addr), expected) {
            return Err(StoreError::Conflict(addr.to_string()));
        }
        Shared::delete_locked(&mut st, addr).map(|_| ())
    }

    fn get_by_hostname(&self, hostname: &str) -> Vec<Arc<L>> {
        self.shared.read().core.by_hostname(hostname)
    }

    fn get_by_subnet(&self, subnet_id: SubnetId) -> Vec<Arc<L>> {
        self.shared.read().core.by_subnet(subnet_id)
    }

    fn get_page(&self, after: Option<L::Addr>, limit: usize) -> Vec<Arc<L>> {
        self.shared.read().core.page(after, limit)
    }

    fn get_all(&self) -> Vec<Arc<L>> {
        self.shared.read().core.all()
    }

    fn get_expired(&self, now: i64, limit: usize) -> Vec<Arc<L>> {
        self.shared.read().core.expired(now, limit)
    }

    fn delete_expired_reclaimed(&self, now: i64, secs: u32) -> Result<u64, StoreError> {
        let mut st = self.shared.write();
        let victims = st.core.reclaimed_until(now.saturating_sub(secs as i64));
        let mut n = 0;
        for a in victims {
            if Shared::delete_locked(&mut st, a)?.is_some() {
                n += 1;
            }
        }
        Ok(n)
    }

    /// Unlike Kea's memfile (which only drops them from memory), wiped leases are also
    /// written as deleted so they do not come back at the next start.
    fn wipe(&self, subnet_id: Option<SubnetId>) -> Result<u64, StoreError> {
        let mut st = self.shared.write();
        let victims: Vec<L::Addr> = match subnet_id {
            Some(s) => st.core.subnet_addrs(s).collect(),
            None => st.core.values().map(|l| l.address()).collect(),
        };
        let mut n = 0;
        for a in victims {
            if Shared::delete_locked(&mut st, a)?.is_some() {
                n += 1;
            }
        }
        Ok(n)
    }

    fn counts(&self) -> Vec<LeaseCounts> {
        self.shared.read().core.counts()
    }

    fn len(&self) -> usize {
        self.shared.read().core.len()
    }

    fn begin_write_batch(&self) {
        let mut st = self.shared.write();
        if st.writer.is_some() {
            st.batching = Some(std::thread::current().id());
        }
    }

    fn end_write_batch(&self) -> Result<(), StoreError> {
        let mut st = self.shared.write();
        st.batching = None;
        if st.batch.is_empty() {
            return Ok(());
        }
        let State { writer, batch, .. } = &mut *st;
        let res = match writer {
            Some(w) => w.append_rows(batch),
            None => Ok(()),
        };
        batch.clear();
        res
    }
}

impl LeaseStore4 for Memfile<Lease4> {
    fn get_by_hw_address(&self, hw: &[u8]) -> Vec<Arc<Lease4>> {
        if hw.is_empty() {
            return Vec::new();
        }
        let st = self.shared.read();
        let k = hash_bytes(st.core.hasher(), hw);
        st.core.collect_hashed(0, k, |l| l.hw_bytes() == hw)
    }

    fn get_by_hw_address_subnet(&self, hw: &[u8], subnet_id: SubnetId) -> Option<Arc<Lease4>> {
        if hw.is_empty() {
            return None;
        }
        let st = self.shared.read();
        let k = hash_bytes(st.core.hasher(), hw);
        st.core
            .find_hashed(0, k, |l| l.subnet_id == subnet_id && l.hw_bytes() == hw)
    }

    fn get_by_client_id(&self, client_id: &[u8]) -> Vec<Arc<Lease4>> {
        if client_id.is_empty() {
            return Vec::new();
        }
        let st = self.shared.read();
        let k = hash_bytes(st.core.hasher(), client_id);
        st.core
            .collect_hashed(1, k, |l| l.client_id.as_deref() == Some(client_id))
    }

    fn get_by_client_id_subnet(
        &self,
        client_id: &[u8],
        subnet_id: SubnetId,
    ) -> Option<Arc<Lease4>> {
        if client_id.is_empty() {
            return None;
        }
        let st = self.shared.read();
        let k = hash_bytes(st.core.hasher(), client_id);
        st.core.find_hashed(1, k, |l| {
            l.subnet_id == subnet_id && l.client_id.as_deref() == Some(client_id)
        })
    }
}

impl LeaseStore6 for Memfile<Lease6> {
    fn get_by_duid_iaid(
        &self,
        duid: &[u8],
        iaid: u32,
        lease_type: LeaseType,
        subnet_id: Option<SubnetId>,
    ) -> Vec<Arc<Lease6>> {
        let st = self.shared.read();
        let k = hash_bytes(st.core.hasher(), duid);
        st.core.collect_hashed(IDX_DUID, k, |l| {
            &*l.duid == duid
                && l.iaid == iaid
                && l.lease_type == lease_type
                && subnet_id.is_none_or(|s| s == l.subnet_id)
        })
    }

    fn get_by_duid(&self, duid: &[u8]) -> Vec<Arc<Lease6>> {
        if duid.is_empty() {
            return Vec::new();
        }
        let st = self.shared.read();
        let k = hash_bytes(st.core.hasher(), duid);
        st.core.collect_hashed(IDX_DUID, k, |l| &*l.duid == duid)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lease::{HwAddr, LeaseRecord, LeaseState};
    use std::net::{Ipv4Addr, Ipv6Addr};

    fn v4(last: u16, subnet: u32, mac: u8) -> Lease4 {
        let mut l = Lease4::new(
            Ipv4Addr::new(10, 0, (last >> 8) as u8, last as u8),
            subnet,
            100,
            1000 + last as i64,
        );
        l.hw_address = Some(HwAddr::ethernet([0, 0, 0, 0, 0, mac]));
        l
    }

    fn cfg(dir: &Path) -> MemfileConfig {
        MemfileConfig {
            persist: true,
            name: dir.join("leases4.csv"),
            lfc_interval: 0,
            max_row_errors: 0,
        }
    }

    #[test]
    fn stores_are_shareable_trait_objects() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<Memfile4>();
        assert_send_sync::<Memfile6>();
        let s: Arc<dyn LeaseStore4> = Arc::new(Memfile4::in_memory());
        let s2 = s.clone();
        std::thread::spawn(move || s2.add(v4(1, 1, 1)).unwrap())
            .join()
            .unwrap();
        assert_eq!(s.len(), 1);
        let _: Box<dyn LeaseStore6> = Box::new(Memfile6::in_memory());
    }

    #[test]
    fn v4_indexes() {
        let s = Memfile4::in_memory();
        let mut a = v4(1, 1, 1);
        a.client_id = Some(Box::from(&[1u8, 1][..]));
        a.hostname = "host-a".into();
        s.add(a.clone()).unwrap();
        let mut b = v4(2, 2, 1);
        b.client_id = Some(Box::from(&[1u8, 1][..]));
        s.add(b.clone()).unwrap();
        let mut c = v4(3, 1, 3);
        c.state = LeaseState::DECLINED;
        c.hostname = "host-a".into();
        s.add(c).unwrap();
        assert!(matches!(
            s.add(v4(1, 9, 9)),
            Err(StoreError::AlreadyExists(_))
        ));

        assert_eq!(s.get(a.address).unwrap().as_ref(), &a);
        assert_eq!(s.get_by_hw_address(&[0, 0, 0, 0, 0, 1]).len(), 2);
        assert_eq!(
            s.get_by_hw_address_subnet(&[0, 0, 0, 0, 0, 1], 2)
                .unwrap()
                .address,
            b.address
        );
        assert!(s.get_by_hw_address_subnet(&[0, 0, 0, 0, 0, 1], 3).is_none());
        assert!(s.get_by_hw_address(&[0, 0, 0, 0, 0, 2]).is_empty());
        assert_eq!(s.get_by_client_id(&[1, 1]).len(), 2);
        assert_eq!(
            s.get_by_client_id_subnet(&[1, 1], 1).unwrap().address,
            a.address
        );
        assert_eq!(s.get_by_hostname("host-a").len(), 2);
        assert!(s.get_by_hostname("").is_empty());
        assert_eq!(s.get_by_subnet(1).len(), 2);
        assert_eq!(s.get_by_subnet(2).len(), 1);
        assert!(s.get_by_subnet(3).is_empty());

        let page = s.get_page(None, 2);
        assert_eq!(
            page.iter()
                .map(|l| l.address.octets()[3])
                .collect::<Vec<_>>(),
            vec![1, 2]
        );
        let page = s.get_page(Some(page[1].address), 2);
        assert_eq!(page.len(), 1);

        let counts = s.counts();
        let s1: Vec<_> = counts.iter().filter(|c| c.subnet_id == 1).collect();
        assert_eq!(s1.len(), 1);
        assert_eq!(s1[0].counts.default, 1);
        assert_eq!(s1[0].counts.declined, 1);
        assert_eq!(s1[0].counts.assigned(), 2);

        // Update moves the lease between index entries.
        let mut a2 = a.clone();
        a2.hw_address = Some(HwAddr::ethernet([9; 6]));
        a2.subnet_id = 5;
        a2.hostname = "".into();
        s.update(a2.clone()).unwrap();
        assert!(s.get_by_hw_address_subnet(&[0, 0, 0, 0, 0, 1], 1).is_none());
        assert_eq!(
            s.get_by_hw_address_subnet(&[9; 6], 5).unwrap().as_ref(),
            &a2
        );
        assert_eq!(s.get_by_hostname("host-a").len(), 1);
        assert!(matches!(
            s.update(v4(77, 1, 1)),
            Err(StoreError::NotFound(_))
        ));
        s.check_consistency();

        assert_eq!(s.delete(a.address).unwrap().unwrap().as_ref(), &a2);
        assert!(s.delete(a.address).unwrap().is_none());
        assert!(s.get_by_hw_address(&[9; 6]).is_empty());
        s.check_consistency();
        assert_eq!(s.wipe(Some(1)).unwrap(), 1);
        assert_eq!(s.len(), 1);
        assert_eq!(s.wipe(None).unwrap(), 1);
        assert!(s.is_empty());
        assert!(s.counts().is_empty());
        s.check_consistency();
    }

    #[test]
    fn conditional_update_and_delete() {
        let s = Memfile4::in_memory();
        s.add(v4(1, 1, 1)).unwrap();
        let read = s.get(Ipv4Addr::new(10, 0, 0, 1)).unwrap();
        // Someone renews meanwhile.
        let mut renewed = (*read).clone();
        renewed.cltt += 50;
        s.update(renewed.clone()).unwrap();
        assert!(matches!(
            s.update_if(&read, read.to_reclaimed()),
            Err(StoreError::Conflict(_))
        ));
        assert!(matches!(s.delete_if(&read), Err(StoreError::Conflict(_))));
        assert_eq!(s.get(read.address).unwrap().as_ref(), &renewed);
        let now = s.get(read.address).unwrap();
        s.update_if(&now, now.to_reclaimed()).unwrap();
        let now = s.get(read.address).unwrap();
        // An equal copy counts as current.
        s.delete_if(&Arc::new((*now).clone())).unwrap();
        assert!(s.is_empty());
        assert!(matches!(s.delete_if(&now), Err(StoreError::Conflict(_))));
        s.check_consistency();
    }

    #[test]
    fn expired_and_reclaimed() {
        let s = Memfile4::in_memory();
        for i in 1..=5u16 {
            s.add(v4(i, 1, i as u8)).unwrap(); // expires at 1100 + i
        }
        let mut inf = v4(6, 1, 6);
        inf.valid_lifetime = crate::INFINITE_LIFETIME;
        s.add(inf).unwrap();
        let exp = s.get_expired(1104, 0);
        assert_eq!(
            exp.iter()
                .map(|l| l.address.octets()[3])
                .collect::<Vec<_>>(),
            vec![1, 2, 3]
        );
        assert_eq!(s.get_expired(1104, 2).len(), 2);
        assert_eq!(s.get_expired(i64::MAX, 0).len(), 5);
        // Reclaim two; they leave the expired list.
        for l in &exp[..2] {
            s.update(l.to_reclaimed()).unwrap();
        }
        assert_eq!(s.get_expired(1104, 0).len(), 1);
        // Reclaimed ones expired at 1101 and 1102: hold 10 s.
        assert_eq!(s.delete_expired_reclaimed(1110, 10).unwrap(), 0);
        assert_eq!(s.delete_expired_reclaimed(1111, 10).unwrap(), 1);
        assert_eq!(s.delete_expired_reclaimed(1200, 10).unwrap(), 1);
        assert_eq!(s.len(), 4);
        s.check_consistency();
    }

    #[test]
    fn v6_indexes() {
        let s = Memfile6::in_memory();
        let a: Ipv6Addr = "2001:db8::1".parse().unwrap();
        let p: Ipv6Addr = "2001:db8:8::".parse().unwrap();
        s.add(Lease6::new(LeaseType::Na, a, 64, &[1, 2, 3], 7, 1).with_lifetimes(50, 100, 1000))
            .unwrap();
        s.add(Lease6::new(LeaseType::Pd, p, 56, &[1, 2, 3], 7, 1).with_lifetimes(50, 100, 1000))
            .unwrap();
        s.add(
            Lease6::new(
                LeaseType::Na,
                "2001:db8::2".parse().unwrap(),
                128,
                &[1, 2, 3],
                8,
                2,
            )
            .with_lifetimes(50, 100, 1000),
        )
        .unwrap();
        assert_eq!(s.get(a).unwrap().prefix_len, 128);
        assert_eq!(
            s.get_by_duid_iaid(&[1, 2, 3], 7, LeaseType::Na, None).len(),
            1
        );
        assert_eq!(
            s.get_by_duid_iaid(&[1, 2, 3], 7, LeaseType::Pd, Some(1))[0].address,
            p
        );
        assert!(
            s.get_by_duid_iaid(&[1, 2, 3], 7, LeaseType::Pd, Some(2))
                .is_empty()
        );
        assert!(
            s.get_by_duid_iaid(&[1, 2, 3], 9, LeaseType::Na, None)
                .is_empty()
        );
        assert_eq!(s.get_by_duid(&[1, 2, 3]).len(), 3);
        assert!(s.get_typed(LeaseType::Pd, a).is_none());
        assert!(s.get_typed(LeaseType::Na, a).is_some());
        let c = s.counts();
        assert!(c.iter().any(|c| c.subnet_id == 1
            && c.lease_type == Some(LeaseType::Pd)
            && c.counts.default == 1));
        s.delete(p).unwrap();
        assert!(
            s.get_by_duid_iaid(&[1, 2, 3], 7, LeaseType::Pd, None)
                .is_empty()
        );
        s.check_consistency();
    }

    #[test]
    fn persistence_round_trip_v4() {
        let dir = tempfile::tempdir().unwrap();
        let c = cfg(dir.path());
        {
            let (s, r) = Memfile4::open(c.clone()).unwrap();
            assert_eq!(r.leases, 0);
            for i in 1..=10 {
                let mut l = v4(i, 1, i as u8);
                l.user_context = Some(r#"{ "a": [1, 2], "b": "x,y" }"#.into());
                l.hostname = "h,1".into();
                s.add(l).unwrap();
            }
            let mut l = (*s.get(Ipv4Addr::new(10, 0, 0, 3)).unwrap()).clone();
            l.valid_lifetime = 500;
            s.update(l).unwrap();
            s.delete(Ipv4Addr::new(10, 0, 0, 4)).unwrap();
            s.wipe(Some(7)).unwrap();
        }
        let text = std::fs::read_to_string(&c.name).unwrap();
        assert!(text.starts_with(&format!("{}\n", V4_HEADER)));
        assert!(
            text.contains("10.0.0.4,00:00:00:00:00:04,,0,1004,1,0,0,h&#x2c1,0,"),
            "{text}"
        );
        let (s, r) = Memfile4::open(c.clone()).unwrap();
        assert_eq!(r.leases, 9);
        assert!(r.errors.is_empty());
        assert_eq!(
            s.get(Ipv4Addr::new(10, 0, 0, 3)).unwrap().valid_lifetime,
            500
        );
        assert!(s.get(Ipv4Addr::new(10, 0, 0, 4)).is_none());
        let l = s.get(Ipv4Addr::new(10, 0, 0, 5)).unwrap();
        assert_eq!(&*l.hostname, "h,1");
        assert_eq!(
            l.user_context.as_deref(),
            Some(r#"{ "a": [1, 2], "b": "x,y" }"#)
        );
        assert_eq!(
            s.get_by_hw_address_subnet(&[0, 0, 0, 0, 0, 5], 1)
                .unwrap()
                .address,
            l.address
        );
        s.check_consistency();
    }

    const V4_HEADER: &str = "address,hwaddr,client_id,valid_lifetime,expire,subnet_id,fqdn_fwd,fqdn_rev,hostname,state,user_context,pool_id";

    #[test]
    fn persistence_round_trip_v6() {
        let dir = tempfile::tempdir().unwrap();
        let c = MemfileConfig {
            name: dir.path().join("l6.csv"),
            ..cfg(dir.path())
        };
        let p: Ipv6Addr = "2001:db8:8:100::".parse().unwrap();
        let mut pd = Lease6::new(LeaseType::Pd, p, 56, &[1, 2], 3, 4).with_lifetimes(50, 100, 1000);
        pd.hw_address = Some(
            HwAddr::new(6, &[7, 8])
                .unwrap()
                .with_source(HwAddr::SOURCE_DUID),
        );
        pd.pool_id = 2;
        {
            let (s, _) = Memfile6::open(c.clone()).unwrap();
            s.add(pd.clone()).unwrap();
            s.add(
                Lease6::new(
                    LeaseType::Na,
                    "2001:db8::5".parse().unwrap(),
                    128,
                    &[1],
                    1,
                    4,
                )
                .with_lifetimes(5, 10, 10),
            )
            .unwrap();
            s.delete("2001:db8::5".parse().unwrap()).unwrap();
        }
        let (s, r) = Memfile6::open(c).unwrap();
        assert_eq!(r.leases, 1);
        assert_eq!(s.get(p).unwrap().as_ref(), &pd);
    }

    #[test]
    fn a_write_batch_reaches_the_file_when_it_closes() {
        let dir = tempfile::tempdir().unwrap();
        let c = MemfileConfig {
            name: dir.path().join("l6.csv"),
            ..cfg(dir.path())
        };
        let na = |last: u16, lifetime: u32| {
            let a = Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, last);
            Lease6::new(LeaseType::Na, a, 128, &[1, last as u8], 1, 4)
                .with_lifetimes(lifetime, lifetime, 1000)
        };
        let (s, _) = Memfile6::open(c.clone()).unwrap();
        let rows = || std::fs::read_to_string(&c.name).unwrap().lines().count();
        let header_only = rows();
        s.begin_write_batch();
        s.add(na(1, 100)).unwrap();
        s.add(na(2, 100)).unwrap();
        s.update(na(1, 200)).unwrap();
        s.delete(na(2, 100).address).unwrap();
        // Memory has changed, the file not yet.
        assert_eq!(s.len(), 1);
        assert_eq!(rows(), header_only);
        // Another thread (a command) is not part of the batch: written at once.
        std::thread::scope(|t| {
            t.spawn(|| s.add(na(4, 100)).unwrap());
        });
        assert_eq!(rows(), header_only + 1);
        s.end_write_batch().unwrap();
        assert_eq!(rows(), header_only + 5);
        // Outside a batch every change is written at once again.
        s.add(na(3, 100)).unwrap();
        assert_eq!(rows(), header_only + 6);
        drop(s);
        let (s, r) = Memfile6::open(c).unwrap();
        assert_eq!(r.leases, 3);
        assert_eq!(s.get(na(1, 0).address).unwrap().valid_lifetime(), 200);
    }

    #[test]
    fn snapshot_to_another_file_and_to_the_live_file() {
        let dir = tempfile::tempdir().unwrap();
        let c = cfg(dir.path());
        let (s, _) = Memfile4::open(c.clone()).unwrap();
        for i in 1..=3 {
            s.add(v4(i, 1, i as u8)).unwrap();
        }
        s.delete(Ipv4Addr::new(10, 0, 0, 2)).unwrap();
        let other = dir.path().join("dump.csv");
        assert_eq!(s.write_snapshot(&other).unwrap(), 2);
        assert_eq!(std::fs::read_to_string(&other).unwrap().lines().count(), 3);
        assert_eq!(s.write_snapshot(&c.name).unwrap(), 2);
        let backup = dir
            .path()
            .join(format!("leases4.csv.bak{}", std::process::id()));
        assert_eq!(std::fs::read_to_string(backup).unwrap().lines().count(), 5);
        s.add(v4(4, 1, 4)).unwrap();
        drop(s);
        let (s, r) = Memfile4::open(c).unwrap();
        assert_eq!(r.rows, 3);
        assert_eq!(s.len(), 3);
    }

    #[test]
    fn corrupt_rows_skipped_and_max_row_errors() {
        let dir = tempfile::tempdir().unwrap();
        let c = cfg(dir.path());
        std::fs::write(
            &c.name,
            format!(
                "{V4_HEADER}\n10.0.0.1,01:02,,10,20,1,0,0,,0,,0\n10.0.0.2,zz,,10,20,1,0,0,,0,,0\n10.0.0.3,01:03,,10,20,1,0,0,,0,,0\n"
            ),
        )
        .unwrap();
        let (s, r) = Memfile4::open(c.clone()).unwrap();
        assert_eq!(r.leases, 2);
        assert_eq!(r.errors.len(), 1);
        assert_eq!(r.errors[0].line, 3);
        // Appending after a load keeps the file readable.
        s.add(v4(9, 1, 9)).unwrap();
        drop(s);
        assert!(
            Memfile4::open(MemfileConfig {
                max_row_errors: 1,
                ..c.clone()
            })
            .is_ok()
        );
        std::fs::write(&c.name, format!("{V4_HEADER}\nx\ny\n")).unwrap();
        assert!(matches!(
            Memfile4::open(MemfileConfig {
                max_row_errors: 1,
                ..c
            }),
            Err(StoreError::TooManyRowErrors { .. })
        ));
    }

    #[test]
    fn persist_failure_changes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let c = cfg(dir.path());
        let (s, _) = Memfile4::open(c).unwrap();
        s.add(v4(1, 1, 1)).unwrap();
        // Make writes fail: swap the writer for one on a read-only handle.
        {
            let mut st = s.shared.write();
            let ro = std::fs::File::open(dir.path().join("leases4.csv")).unwrap();
            st.writer = Some(LeaseWriter::from_file_for_test(ro));
        }
        assert!(s.add(v4(2, 1, 2)).is_err());
        assert!(s.get(Ipv4Addr::new(10, 0, 0, 2)).is_none());
        assert!(s.delete(Ipv4Addr::new(10, 0, 0, 1)).is_err());
        assert!(s.get(Ipv4Addr::new(10, 0, 0, 1)).is_some());
        s.check_consistency();
    }
}

#[cfg(test)]
mod lfc_tests {
    use super::*;
    use crate::lease::HwAddr;
    use crate::lfc::merge;
    use std::net::Ipv4Addr;

    fn cfg(dir: &Path) -> MemfileConfig {
        MemfileConfig {
            persist: true,
            name: dir.join("kea-leases4.csv"),
            lfc_interval: 0,
            max_row_errors: 0,
        }
    }

    /// New leases, updates of older ones and a deletion, so that row order across files
    /// matters.
    fn churn(s: &Memfile4, round: u16) {
        for i in 0..20u16 {
            let n = round * 20 + i + 1;
            let mut l = Lease4::new(Ipv4Addr::new(10, 0, (n >> 8) as u8, n as u8), 1, 100, 1000);
            l.hw_address = Some(HwAddr::ethernet([0, 0, 0, 0, round as u8, i as u8]));
            s.add(l).unwrap();
        }
        let all = s.get_all();
        for l in all.iter().skip(round as usize % 5).step_by(5) {
            let mut x = (**l).clone();
            x.valid_lifetime += 1;
            s.update(x).unwrap();
        }
        s.delete(all[(all.len() / 2 + round as usize) % all.len()].address)
            .unwrap();
    }

    fn snapshot(s: &Memfile4) -> Vec<Lease4> {
        s.get_all().iter().map(|l| (**l).clone()).collect()
    }

    fn assert_clean(paths: &LfcPaths) {
        assert!(paths.previous.exists());
        for p in [&paths.input, &paths.output, &paths.finish, &paths.pid] {
            assert!(!p.exists(), "{} left behind", p.display());
        }
    }

    #[derive(Clone, Copy, Debug)]
    enum Crash {
        AfterRotate,
        PartialOutput,
        AfterFinish,
        AfterUnlinkPrevious,
        AfterUnlinkInput,
    }

    fn crash_scenario(crash: Crash) {
        let dir = tempfile::tempdir().unwrap();
        let c = cfg(dir.path());
        let paths = LfcPaths::for_lease_file(&c.name);
        let (s, _) = Memfile4::open(c.clone()).unwrap();
        churn(&s, 0);
        let r = s.run_lfc().unwrap();
        assert!(r.merged && !r.skipped);
        assert_clean(&paths);
        churn(&s, 1);
        s.shared.rotate(&paths).unwrap();
        churn(&s, 2);
        match crash {
            Crash::AfterRotate => {}
            Crash::PartialOutput => {
                std::fs::write(&paths.output, "address,hwaddr\n10.9.9.9,").unwrap()
            }
            Crash::AfterFinish => {
                merge::<Lease4>(&paths).unwrap();
            }
            Crash::AfterUnlinkPrevious => {
                merge::<Lease4>(&paths).unwrap();
                std::fs::remove_file(&paths.previous).unwrap();
            }
            Crash::AfterUnlinkInput => {
                merge::<Lease4>(&paths).unwrap();
                std::fs::remove_file(&paths.previous).unwrap();
                std::fs::remove_file(&paths.input).unwrap();
            }
        }
        let expected = snapshot(&s);
        drop(s);

        let (s, r) = Memfile4::open(c.clone()).unwrap();
        assert!(r.errors.is_empty(), "{crash:?}: {:?}", r.errors);
        assert_eq!(snapshot(&s), expected, "{crash:?}: recovery load");
        churn(&s, 3);
        let expected = snapshot(&s);
        let r = s.run_lfc().unwrap();
        assert!(!r.skipped);
        assert_clean(&paths);
        drop(s);
        let (s, _) = Memfile4::open(c).unwrap();
        assert_eq!(snapshot(&s), expected, "{crash:?}: after the next cleanup");
        s.check_consistency();
    }

    #[test]
    fn interrupted_after_rotate() {
        crash_scenario(Crash::AfterRotate);
    }
    #[test]
    fn interrupted_while_writing_output() {
        crash_scenario(Crash::PartialOutput);
    }
    #[test]
    fn interrupted_after_finish() {
        crash_scenario(Crash::AfterFinish);
    }
    #[test]
    fn interrupted_after_unlink_previous() {
        crash_scenario(Crash::AfterUnlinkPrevious);
    }
    #[test]
    fn interrupted_after_unlink_input() {
        crash_scenario(Crash::AfterUnlinkInput);
    }

    #[test]
    fn compaction_keeps_newest_row() {
        let dir = tempfile::tempdir().unwrap();
        let c = cfg(dir.path());
        let paths = LfcPaths::for_lease_file(&c.name);
        let (s, _) = Memfile4::open(c.clone()).unwrap();
        churn(&s, 0);
        churn(&s, 1);
        let expected = snapshot(&s);
        let rows_before = std::fs::read_to_string(&c.name).unwrap().lines().count();
        let r = s.run_lfc().unwrap();
        assert_eq!(r.leases, expected.len());
        let text = std::fs::read_to_string(&paths.previous).unwrap();
        assert_eq!(text.lines().count(), expected.len() + 1);
        assert!(rows_before > expected.len() + 1);
        assert_eq!(std::fs::read_to_string(&c.name).unwrap().lines().count(), 1);
        drop(s);
        let (s, _) = Memfile4::open(c).unwrap();
        assert_eq!(snapshot(&s), expected);
    }

    #[test]
    fn pid_file_of_a_live_process_skips() {
        let dir = tempfile::tempdir().unwrap();
        let c = cfg(dir.path());
        let paths = LfcPaths::for_lease_file(&c.name);
        let (s, _) = Memfile4::open(c).unwrap();
        churn(&s, 0);
        std::fs::write(&paths.pid, format!("{}\n", std::process::id())).unwrap();
        assert!(s.run_lfc().unwrap().skipped);
        // The live file was rotated, the merge waits for the next run.
        assert!(paths.input.exists());
        std::fs::write(&paths.pid, "4000000000\n").unwrap();
        let r = s.run_lfc().unwrap();
        assert!(!r.skipped);
        assert_clean(&paths);
    }

    #[test]
    fn lfc_once_standalone() {
        let dir = tempfile::tempdir().unwrap();
        let c = cfg(dir.path());
        let paths = LfcPaths::for_lease_file(&c.name);
        let (s, _) = Memfile4::open(c.clone()).unwrap();
        churn(&s, 0);
        let expected = snapshot(&s);
        drop(s);
        std::fs::rename(&c.name, &paths.input).unwrap();
        let r = crate::lfc_once(crate::Universe::V4, &paths).unwrap();
        assert_eq!(r.leases, expected.len());
        assert_clean(&paths);
        let (s, _) = Memfile4::open(c).unwrap();
        assert_eq!(snapshot(&s), expected);
    }

    #[test]
    fn background_thread_runs_cleanup() {
        let dir = tempfile::tempdir().unwrap();
        let c = MemfileConfig {
            lfc_interval: 1,
            ..cfg(dir.path())
        };
        let paths = LfcPaths::for_lease_file(&c.name);
        let (s, _) = Memfile4::open(c).unwrap();
        churn(&s, 0);
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        while !paths.previous.exists() && std::time::Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(50));
        }
        assert!(paths.previous.exists());
        drop(s); // joins the thread promptly
    }

    #[test]
    fn old_schema_files_are_converted() {
        let dir = tempfile::tempdir().unwrap();
        let c = cfg(dir.path());
        let paths = LfcPaths::for_lease_file(&c.name);
        // As Kea 2.2.0 writes it (schema 2.1, no pool_id).
        std::fs::write(
            &c.name,
            "address,hwaddr,client_id,valid_lifetime,expire,subnet_id,fqdn_fwd,fqdn_rev,hostname,state,user_context\n\
             192.0.2.20,1a:1b:1c:1d:1e:1f,01:02:03,7200,1795427161,1,0,0,my&#x2chost,0,{ \"a\": 1 }\n\
             192.0.2.21,1a:1b:1c:1d:1e:10,,200,1795420166,1,0,0,,0,\n\
             192.0.2.21,1a:1b:1c:1d:1e:10,,0,1795419966,1,0,0,,0,\n",
        )
        .unwrap();
        let (s, r) = Memfile4::open(c.clone()).unwrap();
        assert!(r.converted);
        assert_eq!(s.len(), 1);
        let header = crate::V4_COLUMNS.join(",");
        assert_eq!(
            std::fs::read_to_string(&c.name).unwrap(),
            format!("{header}\n")
        );
        let prev = std::fs::read_to_string(&paths.previous).unwrap();
        assert!(prev.starts_with(&header));
        assert!(prev.contains("192.0.2.20,1a:1b:1c:1d:1e:1f,01:02:03,7200,1795427161,1,0,0,my&#x2chost,0,{ \"a\": 1 },0"));
        s.add({
            let mut l = Lease4::new(Ipv4Addr::new(192, 0, 2, 30), 1, 10, 10);
            l.client_id = Some(Box::from(&[1u8, 2][..]));
            l
        })
        .unwrap();
        drop(s);
        let (s, r) = Memfile4::open(c).unwrap();
        assert!(!r.converted);
        assert_eq!(s.len(), 2);
    }

    #[test]
    fn conversion_merges_previous_and_live_files() {
        let dir = tempfile::tempdir().unwrap();
        let c = cfg(dir.path());
        let paths = LfcPaths::for_lease_file(&c.name);
        let old = "address,hwaddr,client_id,valid_lifetime,expire,subnet_id,fqdn_fwd,fqdn_rev,hostname,state,user_context\n";
        std::fs::write(
            &paths.previous,
            format!(
                "{old}192.0.2.1,01:01,,100,1100,1,0,0,,0,\n192.0.2.2,02:02,,100,1100,1,0,0,,0,\n"
            ),
        )
        .unwrap();
        std::fs::write(
            &c.name,
            format!(
                "{old}192.0.2.1,01:01,,100,1200,1,0,0,,0,\n192.0.2.2,02:02,,0,1100,1,0,0,,0,\n192.0.2.3,03:03,,100,1300,1,0,0,,0,\n"
            ),
        )
        .unwrap();
        let (s, r) = Memfile4::open(c.clone()).unwrap();
        assert!(r.converted);
        assert!(!paths.input.exists() && !paths.finish.exists() && !paths.output.exists());
        let header = crate::V4_COLUMNS.join(",");
        assert_eq!(
            std::fs::read_to_string(&paths.previous).unwrap(),
            format!(
                "{header}\n192.0.2.1,01:01,,100,1200,1,0,0,,0,,0\n192.0.2.3,03:03,,100,1300,1,0,0,,0,,0\n"
            )
        );
        let before = s.get_all();
        drop(s);
        let (s, r) = Memfile4::open(c).unwrap();
        assert!(!r.converted);
        assert_eq!(s.get_all(), before);
    }
}
