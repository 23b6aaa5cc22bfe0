//! Allocation engine algorithms (ARM §9.16, §10.22, ch. 12), independent of configuration
//! and packet types so the servers can glue them to both.
//!
//! * [`Pool4`], [`Pool6`], [`PdPool`] — address ranges and prefix delegation pools.
//! * [`Allocator4`], [`Allocator6`], [`PdAllocator`] — one per subnet and pool type, built
//!   with an [`AllocatorKind`] (`iterative`, `random`, `flq`). [`Allocator4::pick`] takes
//!   a pool filter (client classes) and a "candidate is usable" predicate (lease store and
//!   reservations) and returns the address and its pool, or [`AllocError::Exhausted`].
//!   The flq kind is filled from the lease store with `populate_free` and kept in step with
//!   `lease_added` / `lease_freed`.
//! * [`Reclaimer`] — one reclamation cycle over any [`dhcp_lease::LeaseStore`] with Kea's
//!   `expired-leases-processing` limits, returning what changed for statistics and logs.
//!
//! ```
//! use dhcp_alloc::{Allocator4, AllocatorKind, Pool4};
//! let pool = Pool4::new("192.0.2.10".parse().unwrap(), "192.0.2.20".parse().unwrap()).unwrap();
//! let mut alloc = Allocator4::new(AllocatorKind::Iterative, &[pool]).unwrap();
//! let got = alloc.pick(&|_| true, &mut |a| a.octets()[3] != 10).unwrap();
//! assert_eq!(got.address.to_string(), "192.0.2.11");
//! ```

mod allocator;
mod engine;
mod pool;
mod reclaim;

pub use allocator::{Allocator4, Allocator6, PdAllocator, Picked};
pub use engine::{AllocatorKind, FLQ_MAX_POOL};
pub use pool::{PdPool, Pool4, Pool6};
pub use reclaim::{ReclaimAction, ReclaimConfig, ReclaimReport, Reclaimed, Reclaimer};

/// Allocation errors.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AllocError {
    /// Every candidate of the eligible pools was tried and none was usable.
    #[error("address pool exhausted after {attempts} attempts")]
    Exhausted {
        /// Candidates tried.
        attempts: u128,
    },
    /// No pool is allowed for this client.
    #[error("no pool is available to this client")]
    NoPool,
    /// Invalid pool definition.
    #[error("invalid pool: {0}")]
    InvalidPool(String),
    /// A combination Kea does not support.
    #[error("{0}")]
    Unsupported(String),
}

#[cfg(test)]
mod tests;
