//! Address picking within a subnet's pools.
//!
//! dhcp-alloc's allocators had not landed when this was written; this is Kea's iterative
//! allocator (next address after the last one handed out, wrapping through the pools), kept
//! per subnet with an atomic cursor so the packet path takes no lock. `random` and `flq`
//! configurations use it too until dhcp-alloc is wired in.

use std::net::Ipv4Addr;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::classify::ClassSet;
use crate::config::Subnet4;

/// Per-subnet allocation state.
#[derive(Debug, Default)]
pub struct SubnetAllocator {
    /// Offset (across all pools) of the next candidate.
    cursor: AtomicU64,
}

impl SubnetAllocator {
    /// Returns the first address, starting after the last one picked, for which `usable`
    /// holds, trying each pool address at most once. Pools not allowed for `classes` are
    /// skipped.
    pub fn pick(
        &self,
        subnet: &Subnet4,
        classes: &ClassSet,
        mut usable: impl FnMut(Ipv4Addr) -> bool,
    ) -> Option<Ipv4Addr> {
        let total: u64 = subnet.total_addresses();
        if total == 0 {
            return None;
        }
        let start = self.cursor.load(Ordering::Relaxed) % total;
        for step in 0..total {
            let off = (start + step) % total;
            let Some((addr, pool_ok)) = nth_address(subnet, off, classes) else {
                continue;
            };
            if !pool_ok {
                continue;
            }
            if usable(addr) {
                self.cursor.store(off + 1, Ordering::Relaxed);
                return Some(addr);
            }
        }
        None
    }
}

/// Address at `off` across the pools, and whether its pool admits `classes`.
fn nth_address(subnet: &Subnet4, mut off: u64, classes: &ClassSet) -> Option<(Ipv4Addr, bool)> {
    for p in &subnet.pools {
        let n = p.size();
        if off < n {
            let a = Ipv4Addr::from(u32::from(p.first) + off as u32);
            return Some((a, classes.allows(&p.client_classes)));
        }
        off -= n;
    }
    None
}
