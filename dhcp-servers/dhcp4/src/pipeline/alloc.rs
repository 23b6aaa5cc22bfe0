//! Address picking within a subnet's pools through dhcp-alloc's allocators (iterative,
//! random, flq), one per subnet behind an uncontended mutex (the packet path is the only
//! regular user; commands and reclamation only report freed or taken addresses).

use std::net::Ipv4Addr;
use std::sync::Mutex;

use dhcp_alloc::{Allocator4, AllocatorKind};

use crate::classify::ClassSet;
use crate::config::{AllocatorKind as CfgKind, Subnet4};

/// Per-subnet allocation state.
pub struct SubnetAllocator {
    inner: Mutex<Allocator4>,
}

impl std::fmt::Debug for SubnetAllocator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SubnetAllocator")
    }
}

impl SubnetAllocator {
    /// Builds the allocator of `subnet`; flq queues are filled from `is_free`.
    pub fn new(
        subnet: &Subnet4,
        is_free: &mut dyn FnMut(Ipv4Addr) -> bool,
    ) -> Result<Self, String> {
        let kind = match subnet.params.allocator {
            CfgKind::Iterative => AllocatorKind::Iterative,
            CfgKind::Random => AllocatorKind::Random,
            CfgKind::Flq => AllocatorKind::FreeLeaseQueue,
        };
        let pools = subnet
            .pools
            .iter()
            .map(|p| dhcp_alloc::Pool4::new(p.first, p.last))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| format!("subnet {}: {e}", subnet.id))?;
        let mut a =
            Allocator4::new(kind, &pools).map_err(|e| format!("subnet {}: {e}", subnet.id))?;
        if kind == AllocatorKind::FreeLeaseQueue {
            a.populate_free(is_free);
        }
        Ok(SubnetAllocator {
            inner: Mutex::new(a),
        })
    }

    /// A usable address from the pools the client's classes admit.
    pub fn pick(
        &self,
        subnet: &Subnet4,
        classes: &ClassSet,
        mut usable: impl FnMut(Ipv4Addr) -> bool,
    ) -> Option<Ipv4Addr> {
        let allowed = |i: usize| {
            subnet
                .pools
                .get(i)
                .is_some_and(|p| classes.allows(&p.client_classes))
        };
        let mut a = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        a.pick(&allowed, &mut usable).ok().map(|p| p.address)
    }

    /// A lease now holds `addr`.
    pub fn taken(&self, addr: Ipv4Addr) {
        self.inner
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .lease_added(addr);
    }

    /// The lease on `addr` went away.
    pub fn freed(&self, addr: Ipv4Addr) {
        self.inner
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .lease_freed(addr);
    }
}
