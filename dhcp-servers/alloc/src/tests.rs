//! Allocator and reclamation tests.

use std::collections::{BTreeSet, HashSet};
use std::net::{Ipv4Addr, Ipv6Addr};
use std::time::Duration;

use dhcp_lease::{HwAddr, Lease4, LeaseRecord, LeaseState, LeaseStore, Memfile4};

use crate::*;

fn ip(s: &str) -> Ipv4Addr {
    s.parse().unwrap()
}

fn pools() -> Vec<Pool4> {
    vec![
        Pool4::new(ip("10.0.0.10"), ip("10.0.0.12")).unwrap(),
        Pool4::new(ip("10.0.0.20"), ip("10.0.0.21")).unwrap(),
    ]
}

fn last(a: Ipv4Addr) -> u8 {
    a.octets()[3]
}

#[test]
fn iterative_order_wraps_across_pools() {
    let mut a = Allocator4::new(AllocatorKind::Iterative, &pools()).unwrap();
    let got: Vec<(u8, usize)> = (0..6)
        .map(|_| {
            let p = a.pick(&|_| true, &mut |_| true).unwrap();
            (last(p.address), p.pool)
        })
        .collect();
    assert_eq!(
        got,
        vec![(10, 0), (11, 0), (12, 0), (20, 1), (21, 1), (10, 0)]
    );
}

#[test]
fn iterative_skips_unusable_and_disallowed() {
    let mut a = Allocator4::new(AllocatorKind::Iterative, &pools()).unwrap();
    let p = a.pick(&|p| p == 1, &mut |_| true).unwrap();
    assert_eq!(last(p.address), 20);
    let p = a
        .pick(&|_| true, &mut |x| last(x) != 21 && last(x) != 10)
        .unwrap();
    assert_eq!(last(p.address), 11);
    assert_eq!(a.pick(&|_| false, &mut |_| true), Err(AllocError::NoPool));
}

#[test]
fn exhaustion_is_reported_after_every_candidate() {
    for kind in [AllocatorKind::Iterative, AllocatorKind::Random] {
        let mut a = Allocator4::new(kind, &pools()).unwrap();
        let mut tried = HashSet::new();
        let err = a
            .pick(&|_| true, &mut |x| {
                tried.insert(x);
                false
            })
            .unwrap_err();
        assert!(matches!(err, AllocError::Exhausted { .. }), "{kind:?}");
        assert_eq!(tried.len(), 5, "{kind:?}: every candidate tried");
        // Only one pool allowed: only its candidates.
        let mut tried = HashSet::new();
        let _ = a.pick(&|p| p == 1, &mut |x| {
            tried.insert(last(x));
            false
        });
        assert_eq!(tried, HashSet::from([20, 21]), "{kind:?}");
    }
}

#[test]
fn max_attempts_limits_a_pick() {
    let mut a = Allocator4::new(AllocatorKind::Iterative, &pools()).unwrap();
    a.set_max_attempts(2);
    assert_eq!(
        a.pick(&|_| true, &mut |_| false),
        Err(AllocError::Exhausted { attempts: 2 })
    );
}

#[test]
fn random_has_no_repeats_until_exhausted() {
    let pool = Pool4::from_prefix(ip("10.1.0.0"), 26).unwrap();
    let mut a = Allocator4::new(AllocatorKind::Random, &[pool]).unwrap();
    a.seed(1);
    let round: Vec<Ipv4Addr> = (0..64)
        .map(|_| a.pick(&|_| true, &mut |_| true).unwrap().address)
        .collect();
    let distinct: HashSet<_> = round.iter().collect();
    assert_eq!(distinct.len(), 64);
    let sorted: Vec<_> = {
        let mut s = round.clone();
        s.sort();
        s
    };
    assert_ne!(round, sorted, "random order");
    // Next round starts over.
    assert!(pool.contains(a.pick(&|_| true, &mut |_| true).unwrap().address));
    // Finds the single usable candidate.
    let target = ip("10.1.0.33");
    assert_eq!(
        a.pick(&|_| true, &mut |x| x == target).unwrap().address,
        target
    );
}

#[test]
fn random_is_uniform_over_addresses() {
    // Pools of 1 and 3 addresses: each address should be picked about equally often.
    let ps = vec![
        Pool4::new(ip("10.0.0.1"), ip("10.0.0.1")).unwrap(),
        Pool4::new(ip("10.0.0.5"), ip("10.0.0.7")).unwrap(),
    ];
    let mut a = Allocator4::new(AllocatorKind::Random, &ps).unwrap();
    a.seed(3);
    let mut first_pool = 0;
    for _ in 0..4000 {
        if a.pick(&|_| true, &mut |_| true).unwrap().pool == 0 {
            first_pool += 1;
        }
    }
    assert_eq!(first_pool, 1000, "exactly one in four per round");
}

fn lease(a: Ipv4Addr, state: LeaseState, expire_in: i64, now: i64) -> Lease4 {
    let mut l = Lease4::new(a, 1, 100, now + expire_in - 100);
    l.hw_address = Some(HwAddr::ethernet([0, 0, 0, 0, a.octets()[2], a.octets()[3]]));
    l.state = state;
    l
}

/// Free in the store's view, as the flq allocator sees it: no lease, or expired-reclaimed.
fn is_free(store: &Memfile4, a: Ipv4Addr) -> bool {
    store
        .get(a)
        .is_none_or(|l| l.state == LeaseState::EXPIRED_RECLAIMED)
}

fn assert_flq_matches_store(a: &Allocator4, store: &Memfile4, pool: &Pool4) {
    let queued: BTreeSet<Ipv4Addr> = a.free_addresses().unwrap().into_iter().collect();
    let free: BTreeSet<Ipv4Addr> = (u32::from(pool.first())..=u32::from(pool.last()))
        .map(Ipv4Addr::from)
        .filter(|x| is_free(store, *x))
        .collect();
    assert_eq!(queued, free);
}

#[test]
fn flq_follows_the_store() {
    let now = 10_000;
    let pool = Pool4::from_prefix(ip("10.2.0.0"), 28).unwrap();
    let store = Memfile4::in_memory();
    store
        .add(lease(ip("10.2.0.3"), LeaseState::DEFAULT, 50, now))
        .unwrap();
    store
        .add(lease(ip("10.2.0.4"), LeaseState::DECLINED, 50, now))
        .unwrap();
    store
        .add(lease(
            ip("10.2.0.5"),
            LeaseState::EXPIRED_RECLAIMED,
            -50,
            now,
        ))
        .unwrap();
    let mut a = Allocator4::new(AllocatorKind::FreeLeaseQueue, &[pool]).unwrap();
    a.seed(5);
    a.populate_free(&mut |x| is_free(&store, x));
    assert_eq!(a.free_addresses().unwrap().len(), 14);
    assert_flq_matches_store(&a, &store, &pool);
    // The queue is in address order at start; an offer rotates the front to the back.
    let first = a
        .pick(&|_| true, &mut |x| is_free(&store, x))
        .unwrap()
        .address;
    assert_eq!(first, ip("10.2.0.0"));
    let second = a
        .pick(&|_| true, &mut |x| is_free(&store, x))
        .unwrap()
        .address;
    assert_eq!(second, ip("10.2.0.1"));
    // Allocate everything.
    let mut given = Vec::new();
    loop {
        match a.pick(&|_| true, &mut |x| is_free(&store, x)) {
            Ok(p) => {
                let _ = store.delete(p.address);
                store
                    .add(lease(p.address, LeaseState::DEFAULT, 50, now))
                    .unwrap();
                a.lease_added(p.address);
                given.push(p.address);
                assert_flq_matches_store(&a, &store, &pool);
            }
            Err(e) => {
                assert!(matches!(e, AllocError::Exhausted { .. }));
                break;
            }
        }
    }
    assert_eq!(given.len(), 14);
    assert!(a.free_addresses().unwrap().is_empty());
    // Releases come back at the end of the queue.
    for x in [ip("10.2.0.9"), ip("10.2.0.2")] {
        store.delete(x).unwrap();
        a.lease_freed(x);
    }
    a.lease_freed(ip("10.3.0.1")); // outside the pool: ignored
    assert_eq!(
        a.free_addresses().unwrap(),
        vec![ip("10.2.0.9"), ip("10.2.0.2")]
    );
    assert_flq_matches_store(&a, &store, &pool);
    assert_eq!(
        a.pick(&|_| true, &mut |x| is_free(&store, x))
            .unwrap()
            .address,
        ip("10.2.0.9")
    );
}

#[test]
fn flq_is_v4_and_pd_only() {
    let p6 = Pool6::from_prefix("2001:db8::".parse().unwrap(), 120).unwrap();
    assert!(matches!(
        Allocator6::new(AllocatorKind::FreeLeaseQueue, &[p6]),
        Err(AllocError::Unsupported(_))
    ));
    let pd = PdPool::new("2001:db8:8::".parse().unwrap(), 48, 56, None).unwrap();
    assert!(PdAllocator::new(AllocatorKind::FreeLeaseQueue, &[pd]).is_ok());
    let huge = PdPool::new("2001:db8::".parse().unwrap(), 32, 64, None).unwrap();
    assert!(PdAllocator::new(AllocatorKind::FreeLeaseQueue, &[huge]).is_err());
    assert_eq!(
        "flq".parse::<AllocatorKind>().unwrap(),
        AllocatorKind::FreeLeaseQueue
    );
    assert!("fifo".parse::<AllocatorKind>().is_err());
}

#[test]
fn prefix_delegation_and_v6_addresses() {
    let pd = PdPool::new("2001:db8:8::".parse().unwrap(), 48, 56, None).unwrap();
    let mut a = PdAllocator::new(AllocatorKind::Iterative, &[pd]).unwrap();
    let p1 = a.pick(&|_| true, &mut |_| true).unwrap();
    let p2 = a.pick(&|_| true, &mut |_| true).unwrap();
    assert_eq!(p1.address, "2001:db8:8::".parse::<Ipv6Addr>().unwrap());
    assert_eq!(p2.address, "2001:db8:8:100::".parse::<Ipv6Addr>().unwrap());
    assert_eq!(a.delegated_len(p2.pool), Some(56));
    let mut a = PdAllocator::new(AllocatorKind::FreeLeaseQueue, &[pd]).unwrap();
    a.populate_free(&mut |p| p != "2001:db8:8::".parse::<Ipv6Addr>().unwrap());
    assert_eq!(a.free_addresses().unwrap().len(), 255);
    assert_eq!(
        a.pick(&|_| true, &mut |_| true).unwrap().address,
        p2.address
    );

    let p6 = Pool6::from_prefix("2001:db8::".parse().unwrap(), 64).unwrap();
    let mut a = Allocator6::new(AllocatorKind::Random, &[p6]).unwrap();
    a.set_max_attempts(1000);
    let got: HashSet<_> = (0..100)
        .map(|_| a.pick(&|_| true, &mut |_| true).unwrap().address)
        .collect();
    assert_eq!(got.len(), 100);
    assert!(got.iter().all(|x| p6.contains(*x)));
    assert_eq!(
        a.pick(&|_| true, &mut |_| false),
        Err(AllocError::Exhausted { attempts: 1000 })
    );
}

// ---- reclamation ----

fn expired_store(now: i64, n: u8) -> Memfile4 {
    let store = Memfile4::in_memory();
    for i in 1..=n {
        let mut l = lease(
            Ipv4Addr::new(10, 9, 0, i),
            LeaseState::DEFAULT,
            -(100 - i as i64),
            now,
        );
        l.hostname = format!("h{i}").into();
        l.fqdn_fwd = true;
        store.add(l).unwrap();
    }
    store
        .add(lease(ip("10.9.1.1"), LeaseState::DEFAULT, 100, now))
        .unwrap(); // not expired
    store
}

#[test]
fn reclaim_limits_and_affinity() {
    let now = 100_000;
    let store = expired_store(now, 10);
    let mut r = Reclaimer::new(ReclaimConfig {
        max_reclaim_leases: 4,
        max_reclaim_time: 0,
        ..Default::default()
    });
    let rep = r.reclaim(&store, now, &mut |_| ReclaimAction::Reclaim);
    assert_eq!(rep.reclaimed.len(), 4);
    assert!(rep.incomplete);
    // Oldest first: 10.9.0.1 expired first.
    let order: Vec<u8> = rep
        .reclaimed
        .iter()
        .map(|x| last(x.lease.address))
        .collect();
    assert_eq!(order, vec![1, 2, 3, 4]);
    let l = store.get(ip("10.9.0.1")).unwrap();
    assert_eq!(l.state, LeaseState::EXPIRED_RECLAIMED);
    assert_eq!(&*l.hostname, "");
    assert!(!l.fqdn_fwd);
    assert_eq!(
        &*rep.reclaimed[0].lease.hostname, "h1",
        "report has the lease as it was"
    );
    let rep = r.reclaim(&store, now, &mut |_| ReclaimAction::Reclaim);
    assert_eq!(rep.reclaimed.len(), 4);
    let rep = r.reclaim(&store, now, &mut |_| ReclaimAction::Reclaim);
    assert_eq!(rep.reclaimed.len(), 2);
    assert!(!rep.incomplete);
    assert!(store.get_expired(now, 0).is_empty());
    assert_eq!(store.len(), 11);
    // Flush: reclaimed leases expired 90..99 s before now; hold 95 s removes those expired
    // 95 s or more ago (expire <= now - hold, as Kea).
    let r = Reclaimer::new(ReclaimConfig {
        hold_reclaimed_time: 95,
        ..Default::default()
    });
    assert_eq!(r.flush(&store, now).unwrap(), 5);
    assert_eq!(store.len(), 6);
}

#[test]
fn reclaim_removes_without_affinity_and_handles_declined() {
    let now = 100_000;
    let store = expired_store(now, 3);
    let mut d = lease(ip("10.9.2.1"), LeaseState::DECLINED, -500, now);
    d.hw_address = None;
    store.add(d).unwrap();
    let mut r = Reclaimer::new(ReclaimConfig {
        flush_reclaimed_timer_wait_time: 0,
        ..Default::default()
    });
    let mut seen = 0;
    // Through a trait object, as the server holds its store.
    let dyn_store: &dyn dhcp_lease::LeaseStore4 = &store;
    let rep = r.reclaim(dyn_store, now, &mut |l| {
        seen += 1;
        if last(l.address) == 2 {
            ReclaimAction::Skip
        } else {
            ReclaimAction::Reclaim
        }
    });
    assert_eq!(seen, 4);
    assert_eq!(rep.skipped, 1);
    assert_eq!(rep.reclaimed.len(), 3);
    assert!(rep.reclaimed.iter().all(|x| x.removed));
    let declined: Vec<_> = rep.reclaimed.iter().filter(|x| x.was_declined).collect();
    assert_eq!(declined.len(), 1);
    assert_eq!(declined[0].lease.address, ip("10.9.2.1"));
    assert!(store.get(ip("10.9.2.1")).is_none());
    // The skipped lease is still expired.
    assert_eq!(store.get_expired(now, 0).len(), 1);
}

#[test]
fn reclaim_never_overwrites_a_renewal() {
    let now = 100_000;
    let store = expired_store(now, 2);
    let mut r = Reclaimer::new(ReclaimConfig::default());
    // The client renews 10.9.0.1 while the cycle runs (here: from the hook).
    let rep = r.reclaim(&store, now, &mut |l| {
        if last(l.address) == 1 {
            let mut renewed = l.clone();
            renewed.cltt = now;
            store.update(renewed).unwrap();
        }
        ReclaimAction::Reclaim
    });
    assert_eq!(rep.reclaimed.len(), 1);
    assert_eq!(rep.errors.len(), 1);
    assert!(matches!(
        rep.errors[0].1,
        dhcp_lease::StoreError::Conflict(_)
    ));
    let l = store.get(ip("10.9.0.1")).unwrap();
    assert_eq!((l.state, l.cltt), (LeaseState::DEFAULT, now));
}

#[test]
fn reclaim_time_budget_and_slow_warning() {
    let now = 100_000;
    let store = expired_store(now, 20);
    let mut r = Reclaimer::new(ReclaimConfig {
        max_reclaim_leases: 0,
        max_reclaim_time: 250,
        unwarned_reclaim_cycles: 2,
        ..Default::default()
    });
    // Every lease takes 100 ms on this fake clock: three leases per cycle.
    let mut warned = Vec::new();
    for _ in 0..6 {
        let mut t = Duration::ZERO;
        let rep = r.reclaim_with_clock(&store, now, &mut |_| ReclaimAction::Reclaim, &mut || {
            t += Duration::from_millis(100);
            t
        });
        assert_eq!(rep.reclaimed.len(), 3);
        assert!(rep.incomplete);
        warned.push(rep.warn_slow);
    }
    // Warn when incomplete cycles exceed 2, then count again.
    assert_eq!(warned, vec![false, false, true, false, false, true]);
    let rep = r.reclaim(&store, now, &mut |_| ReclaimAction::Reclaim);
    assert!(!rep.incomplete);
    assert_eq!(rep.reclaimed.len(), 2);
}

#[test]
fn reclaim_v6_registered_leases_are_removed() {
    use dhcp_lease::{Lease6, LeaseType, Memfile6};
    let now = 1000;
    let store = Memfile6::in_memory();
    let mut l = Lease6::new(
        LeaseType::Na,
        "2001:db8::1".parse().unwrap(),
        128,
        &[1],
        1,
        1,
    )
    .with_lifetimes(5, 10, 0);
    l.state = LeaseState::REGISTERED;
    store.add(l).unwrap();
    store
        .add(
            Lease6::new(
                LeaseType::Pd,
                "2001:db8:8::".parse().unwrap(),
                56,
                &[1],
                1,
                1,
            )
            .with_lifetimes(5, 10, 0),
        )
        .unwrap();
    let mut r = Reclaimer::new(ReclaimConfig::default());
    let rep = r.reclaim(&store, now, &mut |_| ReclaimAction::Reclaim);
    assert_eq!(rep.reclaimed.len(), 2);
    assert_eq!(store.len(), 1);
    assert_eq!(store.get_all()[0].state(), LeaseState::EXPIRED_RECLAIMED);
}

/// Time this thread spent on a CPU (ns); the machine is shared, wall time would count waits.
fn cpu_ns() -> u64 {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").unwrap_or_default();
    s.split_whitespace()
        .next()
        .and_then(|x| x.parse().ok())
        .unwrap_or(0)
}

/// `cargo test --release -p dhcp-alloc -- --ignored --nocapture bench_`
#[test]
#[ignore]
fn bench_allocation_on_half_full_slash16() {
    use rand::rngs::SmallRng;
    use rand::{Rng, SeedableRng};
    let pool = Pool4::from_prefix(ip("10.100.0.0"), 16).unwrap();
    let mut rng = SmallRng::seed_from_u64(42);
    for kind in [
        AllocatorKind::Iterative,
        AllocatorKind::Random,
        AllocatorKind::FreeLeaseQueue,
    ] {
        let store = Memfile4::in_memory();
        // Half of the pool leased, at random addresses.
        let mut leased: Vec<Ipv4Addr> = Vec::new();
        for i in 0..65536u32 {
            if rng.random_bool(0.5) {
                let a = Ipv4Addr::from(u32::from(pool.first()) + i);
                store.add(lease(a, LeaseState::DEFAULT, 3600, 0)).unwrap();
                leased.push(a);
            }
        }
        let mut a = Allocator4::new(kind, &[pool]).unwrap();
        a.populate_free(&mut |x| store.get(x).is_none());
        let rounds = 200_000usize;
        let mut pick = Vec::with_capacity(rounds);
        let mut total = Vec::with_capacity(rounds);
        let cpu0 = cpu_ns();
        for _ in 0..rounds {
            let t0 = std::time::Instant::now();
            let p = a.pick(&|_| true, &mut |x| store.get(x).is_none()).unwrap();
            let t1 = std::time::Instant::now();
            store
                .add(lease(p.address, LeaseState::DEFAULT, 3600, 0))
                .unwrap();
            a.lease_added(p.address);
            pick.push((t1 - t0).as_nanos() as u64);
            total.push(t0.elapsed().as_nanos() as u64);
            // Keep the pool half full: release a random leased address.
            let k = rng.random_range(0..leased.len());
            let gone = leased.swap_remove(k);
            store.delete(gone).unwrap();
            a.lease_freed(gone);
            leased.push(p.address);
        }
        let cpu = (cpu_ns() - cpu0) / rounds as u64;
        let median = |v: &mut Vec<u64>| {
            v.sort_unstable();
            v[v.len() / 2]
        };
        let mean = |v: &Vec<u64>| v.iter().sum::<u64>() / v.len() as u64;
        println!(
            "{:>9}: pick {:>4} ns median / {:>4} mean; pick + lease add {:>4} ns median / {:>4} mean; \
             whole round with a release {} ns on CPU; {} leases",
            kind.name(),
            median(&mut pick.clone()),
            mean(&pick),
            median(&mut total.clone()),
            mean(&total),
            cpu,
            store.len()
        );
    }
}
