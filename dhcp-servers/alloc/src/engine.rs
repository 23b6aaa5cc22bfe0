//! The allocators over abstract candidate ranges (one per pool).
//!
//! Every pool is a [`Range`] of candidates `0..count`. The three strategies keep per-pool
//! state and try candidates until the caller's `usable` predicate accepts one, giving up
//! once every candidate of the eligible pools has been tried in this call.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::str::FromStr;

use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

use crate::AllocError;
use crate::pool::Range;

/// Kea's `allocator` / `pd-allocator` setting.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum AllocatorKind {
    /// `iterative`: the address after the last one handed out, wrapping (default).
    #[default]
    Iterative,
    /// `random`: uniformly random, no repeats until every candidate was drawn.
    Random,
    /// `flq`: a queue of free leases built from the lease store (v4 and prefix delegation).
    FreeLeaseQueue,
}

impl FromStr for AllocatorKind {
    type Err = AllocError;
    fn from_str(s: &str) -> Result<AllocatorKind, AllocError> {
        match s {
            "iterative" => Ok(AllocatorKind::Iterative),
            "random" => Ok(AllocatorKind::Random),
            "flq" => Ok(AllocatorKind::FreeLeaseQueue),
            _ => Err(AllocError::Unsupported(format!("unknown allocator '{s}'"))),
        }
    }
}

impl AllocatorKind {
    /// The configuration name.
    pub fn name(self) -> &'static str {
        match self {
            AllocatorKind::Iterative => "iterative",
            AllocatorKind::Random => "random",
            AllocatorKind::FreeLeaseQueue => "flq",
        }
    }
}

/// Hasher for the permutation's candidate indices (u128): a multiply and a final
/// avalanche; indices are ours, not attacker-chosen.
#[derive(Default)]
struct IndexHasher(u64);

impl Hasher for IndexHasher {
    fn finish(&self) -> u64 {
        let mut h = self.0;
        h ^= h >> 33;
        h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
        h ^ (h >> 33)
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.write_u64(u64::from(*b));
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
    fn write_u128(&mut self, n: u128) {
        self.write_u64(n as u64);
        self.write_u64((n >> 64) as u64);
    }
}

/// Lazy Fisher–Yates shuffle of `0..count`: each draw is uniform among the candidates not
/// drawn yet, and only swapped positions are stored.
#[derive(Debug, Default)]
struct Permutation {
    count: u128,
    drawn: u128,
    swaps: HashMap<u128, u128, BuildHasherDefault<IndexHasher>>,
}

impl Permutation {
    fn remaining(&self) -> u128 {
        self.count - self.drawn
    }

    fn next(&mut self, rng: &mut SmallRng) -> Option<u128> {
        if self.drawn == self.count {
            return None;
        }
        let j = rng.random_range(self.drawn..self.count);
        let vj = *self.swaps.get(&j).unwrap_or(&j);
        let vd = self.swaps.remove(&self.drawn).unwrap_or(self.drawn);
        if j != self.drawn {
            self.swaps.insert(j, vd);
        }
        self.drawn += 1;
        Some(vj)
    }

    fn reset(&mut self) {
        self.drawn = 0;
        self.swaps.clear();
    }
}

const NIL: u32 = u32::MAX;

/// A FIFO of free candidate indices with O(1) push, pop and removal of any member:
/// a doubly linked list threaded through dense arrays (8 bytes and 1 bit per candidate).
#[derive(Debug)]
pub(crate) struct FreeQueue {
    next: Vec<u32>,
    prev: Vec<u32>,
    member: Vec<u64>,
    head: u32,
    tail: u32,
    len: u32,
}

impl FreeQueue {
    fn new(count: u32) -> FreeQueue {
        FreeQueue {
            next: vec![NIL; count as usize],
            prev: vec![NIL; count as usize],
            member: vec![0; (count as usize).div_ceil(64)],
            head: NIL,
            tail: NIL,
            len: 0,
        }
    }

    pub(crate) fn contains(&self, i: u32) -> bool {
        self.member
            .get(i as usize / 64)
            .is_some_and(|w| w & (1 << (i % 64)) != 0)
    }

    fn push_back(&mut self, i: u32) {
        if i as usize >= self.next.len() || self.contains(i) {
            return;
        }
        self.member[i as usize / 64] |= 1 << (i % 64);
        self.prev[i as usize] = self.tail;
        self.next[i as usize] = NIL;
        if self.tail == NIL {
            self.head = i;
        } else {
            self.next[self.tail as usize] = i;
        }
        self.tail = i;
        self.len += 1;
    }

    fn remove(&mut self, i: u32) -> bool {
        if !self.contains(i) {
            return false;
        }
        self.member[i as usize / 64] &= !(1 << (i % 64));
        let (p, n) = (self.prev[i as usize], self.next[i as usize]);
        if p == NIL {
            self.head = n;
        } else {
            self.next[p as usize] = n;
        }
        if n == NIL {
            self.tail = p;
        } else {
            self.prev[n as usize] = p;
        }
        self.len -= 1;
        true
    }

    /// Take the front and put it at the back (an offered address goes to the end of the
    /// queue so concurrent clients get different ones); returns it.
    fn rotate(&mut self) -> Option<u32> {
        let h = self.head;
        if h == NIL {
            return None;
        }
        self.remove(h);
        self.push_back(h);
        Some(h)
    }

    fn clear(&mut self) {
        while self.head != NIL {
            let h = self.head;
            self.remove(h);
        }
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = u32> + '_ {
        let mut cur = self.head;
        std::iter::from_fn(move || {
            if cur == NIL {
                return None;
            }
            let c = cur;
            cur = self.next[c as usize];
            Some(c)
        })
    }
}

enum Strategy {
    Iterative { cursor: Option<(usize, u128)> },
    Random { perms: Vec<Permutation> },
    Flq { queues: Vec<FreeQueue> },
}

/// One subnet's allocator for one pool type.
pub(crate) struct Engine {
    ranges: Vec<Range>,
    strategy: Strategy,
    rng: SmallRng,
    max_attempts: u128,
    scratch: Vec<u128>,
}

/// Largest pool the free lease queue takes (its arrays cost 8 bytes per candidate).
pub const FLQ_MAX_POOL: u128 = 1 << 28;

impl Engine {
    pub(crate) fn new(kind: AllocatorKind, ranges: Vec<Range>) -> Result<Engine, AllocError> {
        let strategy = match kind {
            AllocatorKind::Iterative => Strategy::Iterative { cursor: None },
            AllocatorKind::Random => Strategy::Random {
                perms: ranges
                    .iter()
                    .map(|r| Permutation {
                        count: r.count,
                        ..Default::default()
                    })
                    .collect(),
            },
            AllocatorKind::FreeLeaseQueue => {
                if let Some(r) = ranges.iter().find(|r| r.count > FLQ_MAX_POOL) {
                    return Err(AllocError::Unsupported(format!(
                        "pool of {} candidates is too large for the flq allocator (limit {FLQ_MAX_POOL})",
                        r.count
                    )));
                }
                Strategy::Flq {
                    queues: ranges
                        .iter()
                        .map(|r| FreeQueue::new(r.count as u32))
                        .collect(),
                }
            }
        };
        Ok(Engine {
            ranges,
            strategy,
            rng: SmallRng::from_os_rng(),
            max_attempts: u128::MAX,
            scratch: Vec::new(),
        })
    }

    pub(crate) fn reseed(&mut self, seed: u64) {
        self.rng = SmallRng::seed_from_u64(seed);
    }

    pub(crate) fn set_max_attempts(&mut self, n: u64) {
        self.max_attempts = if n == 0 { u128::MAX } else { n as u128 };
    }

    pub(crate) fn ranges(&self) -> &[Range] {
        &self.ranges
    }

    /// Locate the pool and index of a value.
    fn locate(&self, v: u128) -> Option<(usize, u128)> {
        self.ranges
            .iter()
            .enumerate()
            .find_map(|(p, r)| r.index_of(v).map(|i| (p, i)))
    }

    /// Fill the free lease queues: every candidate for which `is_free` holds, in order.
    pub(crate) fn populate(&mut self, is_free: &mut dyn FnMut(u128) -> bool) {
        if let Strategy::Flq { queues } = &mut self.strategy {
            for (q, r) in queues.iter_mut().zip(&self.ranges) {
                q.clear();
                for i in 0..r.count {
                    if is_free(r.value(i)) {
                        q.push_back(i as u32);
                    }
                }
            }
        }
    }

    /// A lease now uses `v`: drop it from the free queue.
    pub(crate) fn taken(&mut self, v: u128) {
        if let Some((p, i)) = self.locate(v)
            && let Strategy::Flq { queues } = &mut self.strategy
        {
            queues[p].remove(i as u32);
        }
    }

    /// `v` is free again: append it to the free queue.
    pub(crate) fn freed(&mut self, v: u128) {
        if let Some((p, i)) = self.locate(v)
            && let Strategy::Flq { queues } = &mut self.strategy
        {
            queues[p].push_back(i as u32);
        }
    }

    pub(crate) fn free_queues(&self) -> Option<&[FreeQueue]> {
        match &self.strategy {
            Strategy::Flq { queues } => Some(queues),
            _ => None,
        }
    }

    /// Pick a candidate from the pools allowed by `allowed` that `usable` accepts.
    pub(crate) fn pick(
        &mut self,
        allowed: &dyn Fn(usize) -> bool,
        usable: &mut dyn FnMut(u128) -> bool,
    ) -> Result<(usize, u128), AllocError> {
        if !(0..self.ranges.len()).any(allowed) {
            return Err(AllocError::NoPool);
        }
        let max = self.max_attempts;
        match &mut self.strategy {
            Strategy::Iterative { cursor } => {
                pick_iterative(&self.ranges, cursor, max, allowed, usable)
            }
            Strategy::Random { perms } => {
                pick_random(&self.ranges, perms, &mut self.rng, max, allowed, usable)
            }
            Strategy::Flq { queues } => pick_flq(
                &self.ranges,
                queues,
                &mut self.rng,
                &mut self.scratch,
                max,
                allowed,
                usable,
            ),
        }
    }
}

fn pick_iterative(
    ranges: &[Range],
    cursor: &mut Option<(usize, u128)>,
    max: u128,
    allowed: &dyn Fn(usize) -> bool,
    usable: &mut dyn FnMut(u128) -> bool,
) -> Result<(usize, u128), AllocError> {
    let total = ranges
        .iter()
        .enumerate()
        .filter(|(p, _)| allowed(*p))
        .fold(0u128, |acc, (_, r)| acc.saturating_add(r.count));
    let limit = total.min(max);
    let n = ranges.len();
    let mut tried = 0u128;
    while tried < limit {
        // Next candidate after the cursor, moving to the next allowed pool at a pool's end.
        let (mut p, mut i) = match *cursor {
            Some((p, i)) if allowed(p) && i + 1 < ranges[p].count => (p, i + 1),
            Some((p, _)) => ((p + 1) % n, 0),
            None => (0, 0),
        };
        while !allowed(p) || ranges[p].count == 0 {
            p = (p + 1) % n;
            i = 0;
        }
        *cursor = Some((p, i));
        tried += 1;
        let v = ranges[p].value(i);
        if usable(v) {
            return Ok((p, v));
        }
    }
    Err(AllocError::Exhausted { attempts: tried })
}

fn pick_random(
    ranges: &[Range],
    perms: &mut [Permutation],
    rng: &mut SmallRng,
    max: u128,
    allowed: &dyn Fn(usize) -> bool,
    usable: &mut dyn FnMut(u128) -> bool,
) -> Result<(usize, u128), AllocError> {
    let mut tried = 0u128;
    let mut restarted = false;
    loop {
        let remaining = perms
            .iter()
            .enumerate()
            .filter(|(p, _)| allowed(*p))
            .fold(0u128, |acc, (_, q)| acc.saturating_add(q.remaining()));
        if remaining == 0 {
            // A new round once every candidate was drawn; a second exhausted round within
            // this call means every candidate was tried.
            if restarted {
                return Err(AllocError::Exhausted { attempts: tried });
            }
            restarted = true;
            for (p, q) in perms.iter_mut().enumerate() {
                if allowed(p) {
                    q.reset();
                }
            }
            continue;
        }
        if tried >= max {
            return Err(AllocError::Exhausted { attempts: tried });
        }
        // Pool weighted by undrawn candidates, so every candidate is equally likely.
        let mut r = rng.random_range(0..remaining);
        let mut chosen = 0;
        for (p, q) in perms.iter().enumerate() {
            if !allowed(p) {
                continue;
            }
            if r < q.remaining() {
                chosen = p;
                break;
            }
            r -= q.remaining();
        }
        let Some(i) = perms[chosen].next(rng) else {
            continue;
        };
        tried += 1;
        let v = ranges[chosen].value(i);
        if usable(v) {
            return Ok((chosen, v));
        }
    }
}

fn pick_flq(
    ranges: &[Range],
    queues: &mut [FreeQueue],
    rng: &mut SmallRng,
    tried_per_pool: &mut Vec<u128>,
    max: u128,
    allowed: &dyn Fn(usize) -> bool,
    usable: &mut dyn FnMut(u128) -> bool,
) -> Result<(usize, u128), AllocError> {
    tried_per_pool.clear();
    tried_per_pool.resize(queues.len(), 0);
    let mut tried = 0u128;
    loop {
        // Pools (allowed) whose queue still has members not tried in this call.
        let open = |p: usize, tried_per_pool: &[u128]| {
            allowed(p) && tried_per_pool[p] < queues[p].len as u128
        };
        let candidates = (0..queues.len())
            .filter(|&p| open(p, tried_per_pool))
            .count();
        if candidates == 0 || tried >= max {
            return Err(AllocError::Exhausted { attempts: tried });
        }
        // A random pool among those with free leases, as Kea's FLQ allocator.
        let k = rng.random_range(0..candidates);
        let Some(p) = (0..queues.len())
            .filter(|&p| open(p, tried_per_pool))
            .nth(k)
        else {
            return Err(AllocError::Exhausted { attempts: tried });
        };
        let Some(i) = queues[p].rotate() else {
            continue;
        };
        tried_per_pool[p] += 1;
        tried += 1;
        let v = ranges[p].value(i as u128);
        if usable(v) {
            return Ok((p, v));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn free_queue_operations() {
        let mut q = FreeQueue::new(10);
        for i in [3, 1, 4, 1, 5] {
            q.push_back(i);
        }
        assert_eq!(q.iter().collect::<Vec<_>>(), vec![3, 1, 4, 5]);
        assert!(q.remove(4));
        assert!(!q.remove(4));
        assert_eq!(q.rotate(), Some(3));
        assert_eq!(q.iter().collect::<Vec<_>>(), vec![1, 5, 3]);
        q.remove(1);
        q.remove(3);
        q.remove(5);
        assert_eq!(q.len, 0);
        assert_eq!(q.rotate(), None);
        q.push_back(9);
        q.push_back(10); // out of range: ignored
        assert_eq!(q.iter().collect::<Vec<_>>(), vec![9]);
    }

    #[test]
    fn permutation_draws_each_once() {
        let mut rng = SmallRng::seed_from_u64(7);
        let mut p = Permutation {
            count: 1000,
            ..Default::default()
        };
        let mut seen = vec![false; 1000];
        while let Some(v) = p.next(&mut rng) {
            assert!(!seen[v as usize]);
            seen[v as usize] = true;
        }
        assert!(seen.iter().all(|s| *s));
        assert!(p.swaps.is_empty() || p.swaps.keys().all(|k| *k >= p.drawn));
    }
}
