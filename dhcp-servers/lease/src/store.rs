//! The lease store API (Kea's `LeaseMgr`), independent of the backend.

use std::sync::Arc;

use crate::error::StoreError;
use crate::lease::{Lease4, Lease6, LeaseRecord, LeaseState, LeaseType, SubnetId};

/// Address type of a store's leases.
pub type AddrOf<S> = <<S as LeaseStore>::Lease as LeaseRecord>::Addr;

/// Lease counts by state for one (subnet, pool, lease type).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct StateCounts {
    /// State 0.
    pub default: u64,
    /// State 1.
    pub declined: u64,
    /// State 2.
    pub expired_reclaimed: u64,
    /// State 3.
    pub released: u64,
    /// State 4.
    pub registered: u64,
    /// Any other state value.
    pub other: u64,
}

impl StateCounts {
    /// Kea's `assigned-addresses` / `assigned-nas` / `assigned-pds`: default and declined
    /// leases (Kea's statistics recount counts declined leases as assigned too).
    pub fn assigned(&self) -> u64 {
        self.default + self.declined
    }

    pub(crate) fn slot(&mut self, state: LeaseState) -> &mut u64 {
        match state {
            LeaseState::DEFAULT => &mut self.default,
            LeaseState::DECLINED => &mut self.declined,
            LeaseState::EXPIRED_RECLAIMED => &mut self.expired_reclaimed,
            LeaseState::RELEASED => &mut self.released,
            LeaseState::REGISTERED => &mut self.registered,
            _ => &mut self.other,
        }
    }

    pub(crate) fn is_zero(&self) -> bool {
        *self == StateCounts::default()
    }
}

/// Counts for one (subnet, pool, lease type) group.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LeaseCounts {
    /// Subnet id.
    pub subnet_id: SubnetId,
    /// Pool id (0 when unknown).
    pub pool_id: u32,
    /// v6 lease type; `None` for v4.
    pub lease_type: Option<LeaseType>,
    /// Counts by state.
    pub counts: StateCounts,
}

/// Kea's lease manager API, common to v4 and v6. Synchronous and thread-safe so the
/// memfile and later a PostgreSQL backend can sit behind the same callers.
///
/// Lookups return shared, immutable leases; to change one, clone it, edit the copy and
/// [`LeaseStore::update`] it. Any error means the store was left unchanged.
pub trait LeaseStore: Send + Sync {
    /// [`Lease4`] or [`Lease6`].
    type Lease: LeaseRecord;

    /// Add a new lease; fails with [`StoreError::AlreadyExists`] if the address has one.
    fn add(&self, lease: Self::Lease) -> Result<(), StoreError>;
    /// The lease for an address.
    fn get(&self, addr: AddrOf<Self>) -> Option<Arc<Self::Lease>>;
    /// Replace the lease with the same address; [`StoreError::NotFound`] if there is none.
    fn update(&self, lease: Self::Lease) -> Result<(), StoreError>;
    /// Delete the lease for an address; returns it, or `None` if there was none.
    fn delete(&self, addr: AddrOf<Self>) -> Result<Option<Arc<Self::Lease>>, StoreError>;
    /// Replace `expected` (as returned by a lookup) with `lease`, only if the stored lease is
    /// still `expected`; otherwise [`StoreError::Conflict`] (Kea's optimistic update check,
    /// so e.g. reclamation never overwrites a renewal made meanwhile).
    fn update_if(&self, expected: &Arc<Self::Lease>, lease: Self::Lease) -> Result<(), StoreError>;
    /// Delete `expected` only if the stored lease is still `expected`; otherwise
    /// [`StoreError::Conflict`].
    fn delete_if(&self, expected: &Arc<Self::Lease>) -> Result<(), StoreError>;
    /// Leases whose host name equals `hostname` exactly (Kea stores them lower-case).
    fn get_by_hostname(&self, hostname: &str) -> Vec<Arc<Self::Lease>>;
    /// Leases of one subnet, in address order.
    fn get_by_subnet(&self, subnet_id: SubnetId) -> Vec<Arc<Self::Lease>>;
    /// Up to `limit` leases with addresses greater than `after` (from the lowest when
    /// `None`), in address order: `lease4-get-page` / `lease6-get-page`.
    fn get_page(&self, after: Option<AddrOf<Self>>, limit: usize) -> Vec<Arc<Self::Lease>>;
    /// All leases in address order.
    fn get_all(&self) -> Vec<Arc<Self::Lease>>;
    /// Leases that expired before `now` and are not yet reclaimed, oldest first; at most
    /// `limit` (0 = no limit).
    fn get_expired(&self, now: i64, limit: usize) -> Vec<Arc<Self::Lease>>;
    /// Delete expired-reclaimed leases that expired at least `secs` seconds before `now`
    /// (expire <= now - secs, as Kea); returns how many.
    fn delete_expired_reclaimed(&self, now: i64, secs: u32) -> Result<u64, StoreError>;
    /// Delete all leases of a subnet (`Some`) or all leases (`None`); returns how many.
    fn wipe(&self, subnet_id: Option<SubnetId>) -> Result<u64, StoreError>;
    /// Counts by state per (subnet, pool, type), for statistics.
    fn counts(&self) -> Vec<LeaseCounts>;
    /// Number of leases.
    fn len(&self) -> usize;
    /// True when there are no leases.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Opens a write batch: until [`LeaseStore::end_write_batch`], lease file rows are
    /// collected instead of written one `write` each. The packet loop opens one around
    /// the queries it serves in a round and sends their replies only after closing it, so
    /// a reply never announces a lease the file does not have yet. Default: nothing.
    fn begin_write_batch(&self) {}
    /// Closes the write batch, writing what it collected. Default: nothing.
    fn end_write_batch(&self) -> Result<(), StoreError> {
        Ok(())
    }
}

/// v4 lookups by client identification.
pub trait LeaseStore4: LeaseStore<Lease = Lease4> {
    /// All leases with this hardware address (bytes only, as Kea's index).
    fn get_by_hw_address(&self, hw: &[u8]) -> Vec<Arc<Lease4>>;
    /// The lease with this hardware address in a subnet.
    fn get_by_hw_address_subnet(&self, hw: &[u8], subnet_id: SubnetId) -> Option<Arc<Lease4>>;
    /// All leases with this client identifier.
    fn get_by_client_id(&self, client_id: &[u8]) -> Vec<Arc<Lease4>>;
    /// The lease with this client identifier in a subnet.
    fn get_by_client_id_subnet(&self, client_id: &[u8], subnet_id: SubnetId)
    -> Option<Arc<Lease4>>;
}

/// v6 lookups by client identification.
pub trait LeaseStore6: LeaseStore<Lease = Lease6> {
    /// Leases of one IA: DUID, IAID and type, optionally restricted to a subnet.
    fn get_by_duid_iaid(
        &self,
        duid: &[u8],
        iaid: u32,
        lease_type: LeaseType,
        subnet_id: Option<SubnetId>,
    ) -> Vec<Arc<Lease6>>;
    /// All leases of a DUID (`lease6-get-by-duid`).
    fn get_by_duid(&self, duid: &[u8]) -> Vec<Arc<Lease6>>;
    /// The lease for an address if it has the given type (Kea `getLease6(type, addr)`).
    fn get_typed(&self, lease_type: LeaseType, addr: std::net::Ipv6Addr) -> Option<Arc<Lease6>> {
        self.get(addr).filter(|l| l.lease_type == lease_type)
    }
}
