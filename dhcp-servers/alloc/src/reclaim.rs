//! Lease reclamation (ARM ch. 12, `expired-leases-processing`).

use std::sync::Arc;
use std::time::{Duration, Instant};

use dhcp_lease::{LeaseRecord, LeaseState, LeaseStore, StoreError};

/// `expired-leases-processing` settings (Kea defaults in [`Default`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReclaimConfig {
    /// Seconds between the end of one cycle and the start of the next; 0 disables.
    pub reclaim_timer_wait_time: u32,
    /// Seconds between removals of expired-reclaimed leases; 0 means reclaimed leases are
    /// deleted at once (no lease affinity).
    pub flush_reclaimed_timer_wait_time: u32,
    /// Seconds an expired-reclaimed lease is kept for affinity.
    pub hold_reclaimed_time: u32,
    /// Leases per cycle; 0 = no limit.
    pub max_reclaim_leases: u32,
    /// Milliseconds per cycle; 0 = no limit.
    pub max_reclaim_time: u32,
    /// Incomplete cycles in a row tolerated before warning; 0 = never warn.
    pub unwarned_reclaim_cycles: u32,
}

impl Default for ReclaimConfig {
    fn default() -> ReclaimConfig {
        ReclaimConfig {
            reclaim_timer_wait_time: 10,
            flush_reclaimed_timer_wait_time: 25,
            hold_reclaimed_time: 3600,
            max_reclaim_leases: 100,
            max_reclaim_time: 250,
            unwarned_reclaim_cycles: 5,
        }
    }
}

impl ReclaimConfig {
    /// True when reclaimed leases are deleted rather than kept (Kea: the flush timer is 0).
    pub fn removes_leases(&self) -> bool {
        self.flush_reclaimed_timer_wait_time == 0
    }
}

/// What the caller's per-lease hook (the `lease4_expire` / `lease6_expire` callouts, DNS
/// removal) decides.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReclaimAction {
    /// Reclaim the lease.
    Reclaim,
    /// Leave it as it is (a callout returned SKIP); it stays expired.
    Skip,
}

/// One reclaimed lease.
#[derive(Clone, Debug)]
pub struct Reclaimed<L> {
    /// The lease as it was before reclamation.
    pub lease: Arc<L>,
    /// It was declined (probation ended): statistics move from declined to
    /// reclaimed-declined.
    pub was_declined: bool,
    /// It was deleted (otherwise kept as expired-reclaimed).
    pub removed: bool,
}

/// The result of one cycle, for statistics and logging.
#[derive(Debug)]
pub struct ReclaimReport<L: LeaseRecord> {
    /// Leases reclaimed, oldest first.
    pub reclaimed: Vec<Reclaimed<L>>,
    /// Leases the hook skipped.
    pub skipped: usize,
    /// Leases that could not be updated in the store: [`StoreError::Conflict`] when the
    /// lease was renewed or deleted meanwhile (nothing to do), other errors leave it expired.
    pub errors: Vec<(L::Addr, StoreError)>,
    /// Expired leases were left for the next cycle (limit or time budget reached).
    pub incomplete: bool,
    /// Too many incomplete cycles in a row: log `ALLOC_ENGINE_V4_LEASES_RECLAMATION_SLOW`
    /// (or `_V6_`).
    pub warn_slow: bool,
    /// Time the cycle took.
    pub elapsed: Duration,
}

/// Runs reclamation cycles and remembers how many in a row were incomplete.
#[derive(Debug)]
pub struct Reclaimer {
    config: ReclaimConfig,
    incomplete_cycles: u32,
}

impl Reclaimer {
    /// A reclaimer with these settings.
    pub fn new(config: ReclaimConfig) -> Reclaimer {
        Reclaimer {
            config,
            incomplete_cycles: 0,
        }
    }

    /// The settings.
    pub fn config(&self) -> &ReclaimConfig {
        &self.config
    }

    /// One cycle over leases expired before `now` (Unix seconds): at most
    /// `max-reclaim-leases`, stopping when `max-reclaim-time` has passed (at least one lease
    /// is always processed). Each lease goes through `hook`, then is deleted or set to
    /// expired-reclaimed (host name and DNS flags cleared). Declined leases whose probation
    /// ended are reclaimed the same way. Registered leases (v6) are always deleted.
    pub fn reclaim<S>(
        &mut self,
        store: &S,
        now: i64,
        hook: &mut dyn FnMut(&S::Lease) -> ReclaimAction,
    ) -> ReclaimReport<S::Lease>
    where
        S: LeaseStore + ?Sized,
    {
        let start = Instant::now();
        self.reclaim_with_clock(store, now, hook, &mut || start.elapsed())
    }

    pub(crate) fn reclaim_with_clock<S>(
        &mut self,
        store: &S,
        now: i64,
        hook: &mut dyn FnMut(&S::Lease) -> ReclaimAction,
        elapsed: &mut dyn FnMut() -> Duration,
    ) -> ReclaimReport<S::Lease>
    where
        S: LeaseStore + ?Sized,
    {
        let max = self.config.max_reclaim_leases as usize;
        let mut incomplete = false;
        let mut leases = if max > 0 {
            // One more than the limit tells whether leases are left for the next cycle.
            let mut v = store.get_expired(now, max + 1);
            if v.len() > max {
                v.truncate(max);
                incomplete = true;
            }
            v
        } else {
            store.get_expired(now, 0)
        };
        let budget = Duration::from_millis(self.config.max_reclaim_time as u64);
        let mut report = ReclaimReport {
            reclaimed: Vec::with_capacity(leases.len()),
            skipped: 0,
            errors: Vec::new(),
            incomplete: false,
            warn_slow: false,
            elapsed: Duration::ZERO,
        };
        let total = leases.len();
        for (n, lease) in leases.drain(..).enumerate() {
            match hook(&lease) {
                ReclaimAction::Skip => report.skipped += 1,
                ReclaimAction::Reclaim => {
                    let remove =
                        self.config.removes_leases() || lease.state() == LeaseState::REGISTERED;
                    // Conditional: a renewal made since the lease was read wins.
                    let result = if remove {
                        store.delete_if(&lease)
                    } else {
                        store.update_if(&lease, lease.to_reclaimed())
                    };
                    match result {
                        Ok(()) => report.reclaimed.push(Reclaimed {
                            was_declined: lease.state() == LeaseState::DECLINED,
                            removed: remove,
                            lease,
                        }),
                        Err(e) => {
                            tracing::error!(
                                "ALLOC_ENGINE_LEASE_RECLAMATION_FAILED failed to reclaim the lease {}: {e}",
                                lease.address()
                            );
                            report.errors.push((lease.address(), e));
                        }
                    }
                }
            }
            if budget > Duration::ZERO && elapsed() >= budget {
                if n + 1 < total {
                    incomplete = true;
                }
                break;
            }
        }
        report.incomplete = incomplete;
        if incomplete {
            self.incomplete_cycles += 1;
            let limit = self.config.unwarned_reclaim_cycles;
            if limit > 0 && self.incomplete_cycles > limit {
                report.warn_slow = true;
                self.incomplete_cycles = 0;
            }
        } else {
            self.incomplete_cycles = 0;
        }
        report.elapsed = elapsed();
        report
    }

    /// Delete expired-reclaimed leases older than `hold-reclaimed-time` (the flush timer).
    pub fn flush<S: LeaseStore + ?Sized>(&self, store: &S, now: i64) -> Result<u64, StoreError> {
        store.delete_expired_reclaimed(now, self.config.hold_reclaimed_time)
    }
}
