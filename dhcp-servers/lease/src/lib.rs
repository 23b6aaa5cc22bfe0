//! Leases and the lease store: Kea's `LeaseMgr` API with the memfile backend.
//!
//! * [`Lease4`], [`Lease6`] — lease records ([`HwAddr`], [`LeaseState`], [`LeaseType`]).
//! * [`LeaseStore`] (+ [`LeaseStore4`], [`LeaseStore6`]) — the backend-independent API:
//!   add/get/update/delete, lookups by client identification, host name, subnet, pages,
//!   expired leases, wipe and per-subnet counts for statistics. Thread-safe, synchronous.
//! * [`Memfile4`] / [`Memfile6`] — in-memory indexes; with `persist` every change is
//!   appended to a CSV file in Kea 3.0's format before memory changes. Files written by
//!   Kea 2.2 (older schema) are read and converted; Kea 2.2 reads ours (it ignores the
//!   extra `pool_id` column and converts the file itself).
//! * Lease file cleanup: [`Memfile::run_lfc`] every `lfc-interval` on a background
//!   thread, and [`lfc_once`] for a standalone `kea-lfc`.
//!
//! ```
//! use dhcp_lease::{HwAddr, Lease4, LeaseStore, LeaseStore4, Memfile4};
//! let store = Memfile4::in_memory();
//! let mut lease = Lease4::new("192.0.2.10".parse().unwrap(), 1, 3600, 1_700_000_000);
//! lease.hw_address = Some(HwAddr::ethernet([0, 1, 2, 3, 4, 5]));
//! store.add(lease).unwrap();
//! assert!(store.get_by_hw_address_subnet(&[0, 1, 2, 3, 4, 5], 1).is_some());
//! ```

mod csv;
mod error;
mod file;
mod index;
mod lease;
mod lfc;
mod memfile;
mod store;

pub use csv::{CsvLease, V4_COLUMNS, V6_COLUMNS};
pub use error::{LeaseError, StoreError};
pub use file::{LoadReport, RowError};
pub use index::MemfileLease;
pub use lease::{
    Duid, HwAddr, INFINITE_LIFETIME, Lease4, Lease6, LeaseRecord, LeaseState, LeaseType, SubnetId,
    hex_text, parse_hex,
};
pub use lfc::{LfcPaths, LfcReport, Universe, lfc_once};
pub use memfile::{Memfile, Memfile4, Memfile6, MemfileConfig};
pub use store::{AddrOf, LeaseCounts, LeaseStore, LeaseStore4, LeaseStore6, StateCounts};
