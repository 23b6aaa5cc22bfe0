//! In-memory lease indexes (Kea memfile's multi-index containers).
//!
//! Leases live once, behind `Arc`, in a hash table by address. Secondary indexes: hash
//! tables keyed by a hash of the client identification (v4: hardware address, client id,
//! host name; v6: DUID, host name), so a lookup hashes the borrowed query bytes and
//! allocates nothing (collisions and the IAID/type of a v6 query are resolved by comparing
//! the lease), and ordered sets by address, subnet and expiration.
//!
//! The hash tables are `hashbrown::HashTable`s holding only the lease's `Arc` (8 bytes a
//! slot): the key is recomputed from the lease when the table grows, never stored. At a
//! million leases this is about half the memory of maps that store keys and buckets.

use std::collections::hash_map::RandomState;
use std::collections::{BTreeSet, HashMap};
use std::hash::{BuildHasher, BuildHasherDefault, Hash, Hasher};

use hashbrown::HashTable;
use std::ops::Bound;
use std::sync::Arc;

use crate::csv::CsvLease;
use crate::lease::{Lease4, Lease6, LeaseState, LeaseType, SubnetId};
use crate::store::{LeaseCounts, StateCounts};

mod sealed {
    pub trait Sealed {}
    impl Sealed for crate::Lease4 {}
    impl Sealed for crate::Lease6 {}
}

/// Number of hash indexes per lease kind.
pub(crate) const HASHED: usize = 3;

/// v4: hardware address, client id, host name. v6: DUID, (unused), host name.
///
/// v6 has no index by DUID, IAID and type: a client has few leases, so the DUID index
/// finds an IA's leases by comparing them, and a second table of a million entries
/// (19 bytes a lease) is saved.
pub(crate) const IDX_DUID: usize = 0;
pub(crate) const IDX_HOSTNAME: usize = 2;

/// A lease kind the memfile can hold ([`Lease4`] or [`Lease6`]).
pub trait MemfileLease: CsvLease + sealed::Sealed {
    #[doc(hidden)]
    const MIN_ADDR: Self::Addr;
    /// The bytes the lease is found by in each hash index; `None` keeps it out of that index.
    #[doc(hidden)]
    fn index_keys(&self) -> [Option<&[u8]>; HASHED];
}

pub(crate) fn hash_bytes(h: &RandomState, b: &[u8]) -> u64 {
    h.hash_one(b)
}

fn hashed_keys<L: MemfileLease>(l: &L, h: &RandomState) -> [Option<u64>; HASHED] {
    l.index_keys().map(|k| k.map(|b| hash_bytes(h, b)))
}

fn non_empty(b: &[u8]) -> Option<&[u8]> {
    (!b.is_empty()).then_some(b)
}

impl MemfileLease for Lease4 {
    const MIN_ADDR: std::net::Ipv4Addr = std::net::Ipv4Addr::UNSPECIFIED;
    fn index_keys(&self) -> [Option<&[u8]>; HASHED] {
        [
            non_empty(self.hw_bytes()),
            self.client_id.as_deref().and_then(non_empty),
            non_empty(self.hostname.as_bytes()),
        ]
    }
}

impl MemfileLease for Lease6 {
    const MIN_ADDR: std::net::Ipv6Addr = std::net::Ipv6Addr::UNSPECIFIED;
    fn index_keys(&self) -> [Option<&[u8]>; HASHED] {
        [Some(&self.duid), None, non_empty(self.hostname.as_bytes())]
    }
}

/// Fast hasher for address keys (FxHash-style multiply-rotate). Addresses come from
/// configured pools, so they need no protection against chosen collisions.
#[derive(Default)]
pub(crate) struct AddrHasher(u64);

impl Hasher for AddrHasher {
    /// Final avalanche (MurmurHash3 fmix64): the multiply alone leaves the low bits, which
    /// pick the bucket, depending only on the low input bits (constant for a subnet).
    fn finish(&self) -> u64 {
        let mut h = self.0;
        h ^= h >> 33;
        h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
        h ^= h >> 33;
        h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
        h ^ (h >> 33)
    }
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut b = [0u8; 8];
            b[..chunk.len()].copy_from_slice(chunk);
            self.write_u64(u64::from_le_bytes(b));
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
    fn write_u32(&mut self, n: u32) {
        self.write_u64(n as u64);
    }
    fn write_usize(&mut self, n: usize) {
        self.write_u64(n as u64);
    }
}

/// One secondary index: leases by the hash of one part of their client identification.
/// Leases with equal keys (a client's several leases) are separate entries.
type HashIndex<L> = HashTable<Arc<L>>;

/// The key of `l` in hash index `i`, for moving entries when a table grows.
fn rehash<L: MemfileLease>(hasher: &RandomState, l: &Arc<L>, i: usize) -> u64 {
    l.index_keys()[i].map_or(0, |b| hash_bytes(hasher, b))
}

fn addr_hash<A: Hash>(a: &A) -> u64 {
    BuildHasherDefault::<AddrHasher>::default().hash_one(a)
}

type CountKey = (SubnetId, u32, Option<LeaseType>);

/// All leases of one kind with their indexes.
pub(crate) struct Core<L: MemfileLease> {
    /// Point lookups (the allocation hot path): one hash probe.
    by_addr: HashTable<Arc<L>>,
    /// Address order, for pages and full listings.
    order: BTreeSet<L::Addr>,
    hashed: [HashIndex<L>; HASHED],
    by_subnet: BTreeSet<(SubnetId, L::Addr)>,
    /// Leases not in the expired-reclaimed state, by expiration time.
    by_expire: BTreeSet<(i64, L::Addr)>,
    /// Expired-reclaimed leases by expiration time.
    reclaimed: BTreeSet<(i64, L::Addr)>,
    counts: HashMap<CountKey, StateCounts>,
    hasher: RandomState,
}

impl<L: MemfileLease> Core<L> {
    pub(crate) fn new() -> Core<L> {
        Core {
            by_addr: HashTable::new(),
            order: BTreeSet::new(),
            hashed: Default::default(),
            by_subnet: BTreeSet::new(),
            by_expire: BTreeSet::new(),
            reclaimed: BTreeSet::new(),
            counts: HashMap::new(),
            hasher: RandomState::new(),
        }
    }

    /// Build from leases sorted by address with unique addresses (bulk construction).
    pub(crate) fn from_sorted(leases: Vec<Arc<L>>) -> Core<L> {
        let mut core = Core::<L>::new();
        // The ordered sets first, one at a time: building each sorts a temporary copy of
        // its keys, and the large hash tables allocated afterwards can reuse that space
        // instead of leaving it as a hole under the tree nodes.
        let reclaimed = |l: &&Arc<L>| l.state() == LeaseState::EXPIRED_RECLAIMED;
        core.order = leases.iter().map(|l| l.address()).collect();
        core.by_subnet = leases
            .iter()
            .map(|l| (l.subnet_id(), l.address()))
            .collect();
        core.by_expire = leases
            .iter()
            .filter(|l| !reclaimed(l))
            .map(|l| (l.expire(), l.address()))
            .collect();
        core.reclaimed = leases
            .iter()
            .filter(reclaimed)
            .map(|l| (l.expire(), l.address()))
            .collect();
        let hasher = &core.hasher;
        let mut keyed = [0; HASHED];
        for l in &leases {
            for (n, k) in keyed.iter_mut().zip(l.index_keys()) {
                *n += usize::from(k.is_some());
            }
        }
        for (i, idx) in core.hashed.iter_mut().enumerate() {
            idx.reserve(keyed[i], |l| rehash(hasher, l, i));
        }
        for l in &leases {
            core.index_secondary(l);
        }
        core.by_addr
            .reserve(leases.len(), |l| addr_hash(&l.address()));
        for l in leases {
            core.by_addr
                .insert_unique(addr_hash(&l.address()), l, |l| addr_hash(&l.address()));
        }
        core
    }

    fn index_secondary(&mut self, l: &Arc<L>) {
        let hasher = &self.hasher;
        for (i, k) in hashed_keys(&**l, hasher).into_iter().enumerate() {
            if let Some(k) = k {
                self.hashed[i].insert_unique(k, l.clone(), |x| rehash(hasher, x, i));
            }
        }
        *self
            .counts
            .entry((l.subnet_id(), l.pool_id(), l.lease_type()))
            .or_default()
            .slot(l.state()) += 1;
    }

    pub(crate) fn len(&self) -> usize {
        self.by_addr.len()
    }

    pub(crate) fn get(&self, a: L::Addr) -> Option<&Arc<L>> {
        self.by_addr.find(addr_hash(&a), |l| l.address() == a)
    }

    /// Insert a lease whose address is not present.
    pub(crate) fn insert(&mut self, l: Arc<L>) {
        let a = l.address();
        self.index_secondary(&l);
        self.by_subnet.insert((l.subnet_id(), a));
        if l.state() == LeaseState::EXPIRED_RECLAIMED {
            self.reclaimed.insert((l.expire(), a));
        } else {
            self.by_expire.insert((l.expire(), a));
        }
        self.order.insert(a);
        self.by_addr
            .insert_unique(addr_hash(&a), l, |x| addr_hash(&x.address()));
    }

    /// Remove and return the lease for `a`.
    pub(crate) fn remove(&mut self, a: L::Addr) -> Option<Arc<L>> {
        let (l, _) = self
            .by_addr
            .find_entry(addr_hash(&a), |l| l.address() == a)
            .ok()?
            .remove();
        self.order.remove(&a);
        for (i, k) in hashed_keys(&*l, &self.hasher).into_iter().enumerate() {
            if let Some(k) = k
                && let Ok(e) = self.hashed[i].find_entry(k, |x| Arc::ptr_eq(x, &l))
            {
                e.remove();
            }
        }
        self.by_subnet.remove(&(l.subnet_id(), a));
        if l.state() == LeaseState::EXPIRED_RECLAIMED {
            self.reclaimed.remove(&(l.expire(), a));
        } else {
            self.by_expire.remove(&(l.expire(), a));
        }
        let key = (l.subnet_id(), l.pool_id(), l.lease_type());
        if let Some(c) = self.counts.get_mut(&key) {
            let slot = c.slot(l.state());
            *slot = slot.saturating_sub(1);
            if c.is_zero() {
                self.counts.remove(&key);
            }
        }
        Some(l)
    }

    pub(crate) fn hasher(&self) -> &RandomState {
        &self.hasher
    }

    /// Visit leases in hash index `idx` under `key` that satisfy `matches`.
    /// The table may also yield leases of other keys: `f` checks the lease itself.
    pub(crate) fn for_hashed(&self, idx: usize, key: u64, mut f: impl FnMut(&Arc<L>) -> bool) {
        for l in self.hashed[idx].iter_hash(key) {
            if !f(l) {
                break;
            }
        }
    }

    /// Leases in hash index `idx` under `key` that satisfy `pred`, in address order.
    pub(crate) fn collect_hashed(
        &self,
        idx: usize,
        key: u64,
        pred: impl Fn(&L) -> bool,
    ) -> Vec<Arc<L>> {
        let mut out = Vec::new();
        self.for_hashed(idx, key, |l| {
            if pred(l) {
                out.push(l.clone());
            }
            true
        });
        out.sort_by_key(|l| l.address());
        out
    }

    /// First lease (lowest address) in index `idx` under `key` matching `pred`.
    pub(crate) fn find_hashed(
        &self,
        idx: usize,
        key: u64,
        pred: impl Fn(&L) -> bool,
    ) -> Option<Arc<L>> {
        let mut best: Option<L::Addr> = None;
        self.for_hashed(idx, key, |l| {
            if pred(l) && best.is_none_or(|b| l.address() < b) {
                best = Some(l.address());
            }
            true
        });
        best.and_then(|a| self.get(a).cloned())
    }

    pub(crate) fn by_hostname(&self, hostname: &str) -> Vec<Arc<L>> {
        if hostname.is_empty() {
            return Vec::new();
        }
        let k = hash_bytes(&self.hasher, hostname.as_bytes());
        self.collect_hashed(IDX_HOSTNAME, k, |l| l.hostname() == hostname)
    }

    pub(crate) fn subnet_addrs(&self, subnet_id: SubnetId) -> impl Iterator<Item = L::Addr> + '_ {
        self.by_subnet
            .range((subnet_id, L::MIN_ADDR)..)
            .take_while(move |(s, _)| *s == subnet_id)
            .map(|(_, a)| *a)
    }

    pub(crate) fn by_subnet(&self, subnet_id: SubnetId) -> Vec<Arc<L>> {
        self.subnet_addrs(subnet_id)
            .filter_map(|a| self.get(a).cloned())
            .collect()
    }

    pub(crate) fn page(&self, after: Option<L::Addr>, limit: usize) -> Vec<Arc<L>> {
        let lower = match after {
            Some(a) => Bound::Excluded(a),
            None => Bound::Unbounded,
        };
        self.order
            .range((lower, Bound::Unbounded))
            .take(limit)
            .filter_map(|a| self.get(*a).cloned())
            .collect()
    }

    pub(crate) fn all(&self) -> Vec<Arc<L>> {
        self.values().cloned().collect()
    }

    /// Leases in address order.
    pub(crate) fn values(&self) -> impl Iterator<Item = &Arc<L>> {
        self.order.iter().filter_map(|a| self.get(*a))
    }

    pub(crate) fn expired(&self, now: i64, limit: usize) -> Vec<Arc<L>> {
        let limit = if limit == 0 { usize::MAX } else { limit };
        self.by_expire
            .iter()
            .take_while(|(e, _)| *e < now)
            .take(limit)
            .filter_map(|(_, a)| self.get(*a).cloned())
            .collect()
    }

    /// Addresses of expired-reclaimed leases that expired at or before `limit`.
    pub(crate) fn reclaimed_until(&self, limit: i64) -> Vec<L::Addr> {
        self.reclaimed
            .iter()
            .take_while(|(e, _)| *e <= limit)
            .map(|(_, a)| *a)
            .collect()
    }

    pub(crate) fn counts(&self) -> Vec<LeaseCounts> {
        let mut v: Vec<LeaseCounts> = self
            .counts
            .iter()
            .map(|(&(subnet_id, pool_id, lease_type), &counts)| LeaseCounts {
                subnet_id,
                pool_id,
                lease_type,
                counts,
            })
            .collect();
        v.sort_by_key(|c| (c.subnet_id, c.pool_id, c.lease_type));
        v
    }

    /// Check that every index agrees with the address map (for tests).
    #[cfg(test)]
    pub(crate) fn check_consistency(&self) {
        let n = self.by_addr.len();
        assert_eq!(self.order.len(), n);
        assert_eq!(self.by_subnet.len(), n);
        assert_eq!(self.by_expire.len() + self.reclaimed.len(), n);
        let total: u64 = self
            .counts
            .values()
            .map(|c| {
                c.default + c.declined + c.expired_reclaimed + c.released + c.registered + c.other
            })
            .sum();
        assert_eq!(total as usize, n);
        for (i, idx) in self.hashed.iter().enumerate() {
            let mut entries = 0;
            for l in idx.iter() {
                let current = self.get(l.address()).expect("indexed lease is present");
                assert!(
                    Arc::ptr_eq(l, current),
                    "hash index {i} holds a stale lease"
                );
                entries += 1;
            }
            let expected = self
                .by_addr
                .iter()
                .filter(|l| l.index_keys()[i].is_some())
                .count();
            assert_eq!(entries, expected, "hash index {i}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::hash::BuildHasher;

    #[test]
    fn address_hash_spreads_low_bits() {
        // Addresses of one /16 must not share the low bits hashbrown uses for buckets.
        let b = BuildHasherDefault::<AddrHasher>::default();
        let low: std::collections::HashSet<u64> = (0..1024u32)
            .map(|i| b.hash_one(std::net::Ipv4Addr::from(0x0a00_0000 + i)) & 0x3ff)
            .collect();
        assert!(
            low.len() > 500,
            "only {} distinct low-bit patterns",
            low.len()
        );
    }
}
