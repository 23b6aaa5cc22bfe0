//! Typed allocators: v4 addresses, v6 addresses, delegated prefixes.

use std::net::{Ipv4Addr, Ipv6Addr};

use crate::AllocError;
use crate::engine::{AllocatorKind, Engine};
use crate::pool::{PdPool, Pool4, Pool6};

/// An address picked by an allocator and the index of its pool.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Picked<A> {
    /// The address (or delegated prefix).
    pub address: A,
    /// Index of the pool in the list given at construction.
    pub pool: usize,
}

macro_rules! common_methods {
    ($addr:ty, $to:expr, $from:expr) => {
        /// Pick an address from the pools for which `pool_allowed(index)` holds (client
        /// classes) that `usable` accepts (the caller checks the lease store and
        /// reservations). Fails with [`AllocError::Exhausted`] when every candidate was tried.
        pub fn pick(
            &mut self,
            pool_allowed: &dyn Fn(usize) -> bool,
            usable: &mut dyn FnMut($addr) -> bool,
        ) -> Result<Picked<$addr>, AllocError> {
            let (pool, v) = self.engine.pick(pool_allowed, &mut |v| usable($to(v)))?;
            Ok(Picked {
                address: $to(v),
                pool,
            })
        }

        /// Fill the free lease queue (flq only; other kinds ignore it): every pool address
        /// for which `is_free` holds, in address order. Call at configuration time.
        pub fn populate_free(&mut self, is_free: &mut dyn FnMut($addr) -> bool) {
            self.engine.populate(&mut |v| is_free($to(v)));
        }

        /// A lease now holds `a` (flq: removed from the free queue).
        pub fn lease_added(&mut self, a: $addr) {
            self.engine.taken($from(a));
        }

        /// The lease on `a` was released, deleted or reclaimed (flq: queued as free).
        pub fn lease_freed(&mut self, a: $addr) {
            self.engine.freed($from(a));
        }

        /// The free queue contents (flq only), pool by pool, front first.
        pub fn free_addresses(&self) -> Option<Vec<$addr>> {
            let ranges = self.engine.ranges();
            self.engine.free_queues().map(|qs| {
                qs.iter()
                    .zip(ranges)
                    .flat_map(|(q, r)| q.iter().map(move |i| $to(r.value(i as u128))))
                    .collect()
            })
        }

        /// Stop after `n` candidates per pick even if untried ones remain (0 = try all).
        pub fn set_max_attempts(&mut self, n: u64) {
            self.engine.set_max_attempts(n);
        }

        /// Use a fixed random seed (tests, reproducible runs).
        pub fn seed(&mut self, seed: u64) {
            self.engine.reseed(seed);
        }
    };
}

fn v4(v: u128) -> Ipv4Addr {
    Ipv4Addr::from(v as u32)
}
fn from_v4(a: Ipv4Addr) -> u128 {
    u32::from(a) as u128
}
fn v6(v: u128) -> Ipv6Addr {
    Ipv6Addr::from(v)
}
fn from_v6(a: Ipv6Addr) -> u128 {
    u128::from(a)
}

/// Allocator for a subnet's DHCPv4 pools (`allocator`: iterative, random or flq).
pub struct Allocator4 {
    engine: Engine,
}

impl Allocator4 {
    /// An allocator over `pools` (kept in the given order).
    pub fn new(kind: AllocatorKind, pools: &[Pool4]) -> Result<Allocator4, AllocError> {
        Ok(Allocator4 {
            engine: Engine::new(kind, pools.iter().map(|p| p.range()).collect())?,
        })
    }
    common_methods!(Ipv4Addr, v4, from_v4);
}

/// Allocator for a subnet's DHCPv6 address pools (`allocator`: iterative or random; Kea
/// has no flq for v6 addresses).
pub struct Allocator6 {
    engine: Engine,
}

impl Allocator6 {
    /// An allocator over `pools`; [`AllocError::Unsupported`] for flq.
    pub fn new(kind: AllocatorKind, pools: &[Pool6]) -> Result<Allocator6, AllocError> {
        if kind == AllocatorKind::FreeLeaseQueue {
            return Err(AllocError::Unsupported(
                "the flq allocator is only available for DHCPv4 and prefix delegation".into(),
            ));
        }
        Ok(Allocator6 {
            engine: Engine::new(kind, pools.iter().map(|p| p.range()).collect())?,
        })
    }
    common_methods!(Ipv6Addr, v6, from_v6);
}

/// Allocator for a subnet's prefix delegation pools (`pd-allocator`). Picked addresses
/// are the delegated prefixes; their length is the pool's `delegated_len`.
pub struct PdAllocator {
    engine: Engine,
    delegated_lens: Vec<u8>,
}

impl PdAllocator {
    /// An allocator over `pools`.
    pub fn new(kind: AllocatorKind, pools: &[PdPool]) -> Result<PdAllocator, AllocError> {
        Ok(PdAllocator {
            engine: Engine::new(kind, pools.iter().map(|p| p.range()).collect())?,
            delegated_lens: pools.iter().map(|p| p.delegated_len()).collect(),
        })
    }

    /// Prefix length of prefixes delegated from pool `pool`.
    pub fn delegated_len(&self, pool: usize) -> Option<u8> {
        self.delegated_lens.get(pool).copied()
    }

    common_methods!(Ipv6Addr, v6, from_v6);
}
