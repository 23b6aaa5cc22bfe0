//! Live statistics (ARM §9.8): one short per-statistic lock per update, no registry lock on
//! the packet path.
//!
//! Each statistic keeps Kea's sample history (`[[value, "timestamp"], ...]`, newest first,
//! 20 samples by default; see [`dhcpsrv::stats`] for the limits and the `statistic-sample-*`
//! commands).
//!
//! Per-subnet statistics live in [`SubnetStats`], shared by `Arc` between the registry and the
//! running configuration so the packet path reaches them without a lookup.

use std::collections::BTreeMap;
use std::sync::{Arc, RwLock};

use serde_json::Value;

pub use dhcpsrv::stats::{Statistic, format_stamp};

/// One integer statistic with Kea's sample history (shared with kea-dhcp6).
pub type Counter = Statistic;

macro_rules! stat_struct {
    ($(#[$m:meta])* $name:ident { $($field:ident => $key:literal),* $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Default)]
        pub struct $name { $(pub $field: Counter,)* }
        impl $name {
            /// (statistic name, counter) pairs.
            pub fn entries(&self) -> Vec<(&'static str, &Counter)> {
                vec![$(($key, &self.$field),)*]
            }
        }
    };
}

stat_struct!(
    /// Server-wide statistics.
    GlobalStats {
    pkt4_received => "pkt4-received",
    pkt4_discover_received => "pkt4-discover-received",
    pkt4_offer_received => "pkt4-offer-received",
    pkt4_request_received => "pkt4-request-received",
    pkt4_ack_received => "pkt4-ack-received",
    pkt4_nak_received => "pkt4-nak-received",
    pkt4_release_received => "pkt4-release-received",
    pkt4_decline_received => "pkt4-decline-received",
    pkt4_inform_received => "pkt4-inform-received",
    pkt4_unknown_received => "pkt4-unknown-received",
    pkt4_sent => "pkt4-sent",
    pkt4_offer_sent => "pkt4-offer-sent",
    pkt4_ack_sent => "pkt4-ack-sent",
    pkt4_nak_sent => "pkt4-nak-sent",
    pkt4_parse_failed => "pkt4-parse-failed",
    pkt4_receive_drop => "pkt4-receive-drop",
    declined_addresses => "declined-addresses",
    reclaimed_declined_addresses => "reclaimed-declined-addresses",
    reclaimed_leases => "reclaimed-leases",
    cumulative_assigned_addresses => "cumulative-assigned-addresses",
    v4_allocation_fail => "v4-allocation-fail",
    v4_allocation_fail_shared_network => "v4-allocation-fail-shared-network",
    v4_allocation_fail_subnet => "v4-allocation-fail-subnet",
    v4_allocation_fail_no_pools => "v4-allocation-fail-no-pools",
    v4_allocation_fail_classes => "v4-allocation-fail-classes",
    v4_reservation_conflicts => "v4-reservation-conflicts",
    v4_lease_reuses => "v4-lease-reuses",
});

stat_struct!(
    /// Statistics of one subnet (`subnet[id].<name>`).
    SubnetCounters {
    total_addresses => "total-addresses",
    assigned_addresses => "assigned-addresses",
    cumulative_assigned_addresses => "cumulative-assigned-addresses",
    declined_addresses => "declined-addresses",
    reclaimed_declined_addresses => "reclaimed-declined-addresses",
    reclaimed_leases => "reclaimed-leases",
    v4_reservation_conflicts => "v4-reservation-conflicts",
    v4_lease_reuses => "v4-lease-reuses",
    v4_allocation_fail => "v4-allocation-fail",
    v4_allocation_fail_shared_network => "v4-allocation-fail-shared-network",
    v4_allocation_fail_subnet => "v4-allocation-fail-subnet",
    v4_allocation_fail_no_pools => "v4-allocation-fail-no-pools",
    v4_allocation_fail_classes => "v4-allocation-fail-classes",
});

stat_struct!(
    /// Statistics of one pool (`subnet[id].pool[pid].<name>`, pid = index in the subnet).
    PoolCounters {
    total_addresses => "total-addresses",
    assigned_addresses => "assigned-addresses",
    cumulative_assigned_addresses => "cumulative-assigned-addresses",
    declined_addresses => "declined-addresses",
    reclaimed_declined_addresses => "reclaimed-declined-addresses",
    reclaimed_leases => "reclaimed-leases",
});

/// Statistics of one subnet with its id and its pools.
#[derive(Debug, Default)]
pub struct SubnetStats {
    pub id: u32,
    pub c: SubnetCounters,
    pub pools: Vec<PoolCounters>,
}

impl SubnetStats {
    /// Counters for a subnet with `pools` pools.
    pub fn new(id: u32, pools: usize) -> Self {
        SubnetStats {
            id,
            c: SubnetCounters::default(),
            pools: (0..pools).map(|_| PoolCounters::default()).collect(),
        }
    }
}

/// The statistics registry of one server.
#[derive(Debug, Default)]
pub struct Stats {
    pub global: GlobalStats,
    subnets: RwLock<BTreeMap<u32, Arc<SubnetStats>>>,
}

fn subnet_key(id: u32, name: &str) -> String {
    format!("subnet[{id}].{name}")
}

fn parse_subnet_key(name: &str) -> Option<(u32, &str)> {
    let rest = name.strip_prefix("subnet[")?;
    let (id, rest) = rest.split_once("].")?;
    Some((id.parse().ok()?, rest))
}

fn parse_pool_key(rest: &str) -> Option<(usize, &str)> {
    let r = rest.strip_prefix("pool[")?;
    let (pid, r) = r.split_once("].")?;
    Some((pid.parse().ok()?, r))
}

impl Stats {
    /// New registry with all global statistics at zero.
    pub fn new() -> Arc<Self> {
        Arc::new(Stats::default())
    }

    /// Replaces the per-subnet set with `ids` (config change). Existing subnets keep their
    /// counters object; subnets no longer configured disappear.
    pub fn set_subnets(&self, ids: &[u32]) -> BTreeMap<u32, Arc<SubnetStats>> {
        let mut map = self.subnets.write().unwrap_or_else(|p| p.into_inner());
        let mut next = BTreeMap::new();
        for &id in ids {
            let s = map
                .get(&id)
                .cloned()
                .unwrap_or_else(|| Arc::new(SubnetStats::new(id, 0)));
            next.insert(id, s);
        }
        *map = next.clone();
        next
    }

    /// Installs the per-subnet counters of a new configuration generation.
    pub fn install_subnets(&self, list: &[Arc<SubnetStats>]) {
        let mut map = self.subnets.write().unwrap_or_else(|p| p.into_inner());
        *map = list.iter().map(|s| (s.id, s.clone())).collect();
    }

    /// The counters of subnet `id`, if configured.
    pub fn subnet(&self, id: u32) -> Option<Arc<SubnetStats>> {
        self.subnets
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .get(&id)
            .cloned()
    }

    fn for_each(&self, mut f: impl FnMut(String, &Counter)) {
        for (k, c) in self.global.entries() {
            f(k.to_string(), c);
        }
        let map = self.subnets.read().unwrap_or_else(|p| p.into_inner());
        for (id, s) in map.iter() {
            for (k, c) in s.c.entries() {
                f(subnet_key(*id, k), c);
            }
            for (pid, p) in s.pools.iter().enumerate() {
                for (k, c) in p.entries() {
                    f(format!("subnet[{id}].pool[{pid}].{k}"), c);
                }
            }
        }
    }

    fn with_named<R>(&self, name: &str, f: impl FnOnce(&Counter) -> R) -> Option<R> {
        if let Some((id, rest)) = parse_subnet_key(name) {
            let s = self.subnet(id)?;
            if let Some((pid, key)) = parse_pool_key(rest) {
                let p = s.pools.get(pid)?;
                let c = p.entries().into_iter().find(|(k, _)| *k == key)?.1;
                return Some(f(c));
            }
            let c = s.c.entries().into_iter().find(|(k, _)| *k == rest)?.1;
            return Some(f(c));
        }
        let c = self
            .global
            .entries()
            .into_iter()
            .find(|(k, _)| *k == name)?
            .1;
        Some(f(c))
    }

    /// `statistic-get`: `{name: samples}` or `{}` when unknown or removed.
    pub fn get(&self, name: &str) -> Value {
        let mut m = serde_json::Map::new();
        if let Some(Some(v)) = self.with_named(name, |c| {
            if c.is_removed() {
                None
            } else {
                Some(c.to_json())
            }
        }) {
            m.insert(name.to_string(), v);
        }
        Value::Object(m)
    }

    /// Current value of a statistic (tests, stat-lease4-get).
    pub fn value(&self, name: &str) -> Option<i64> {
        self.with_named(name, |c| c.get())
    }

    /// `statistic-get-all`.
    pub fn get_all(&self) -> Value {
        let mut m = serde_json::Map::new();
        self.for_each(|k, c| {
            if !c.is_removed() {
                m.insert(k, c.to_json());
            }
        });
        Value::Object(m)
    }

    /// `statistic-reset`: false if there is no such statistic.
    pub fn reset(&self, name: &str) -> bool {
        self.with_named(name, |c| {
            if c.is_removed() {
                false
            } else {
                c.reset();
                true
            }
        })
        .unwrap_or(false)
    }

    /// `statistic-remove`: false if there is no such statistic.
    pub fn remove(&self, name: &str) -> bool {
        self.with_named(name, |c| {
            if c.is_removed() {
                false
            } else {
                c.remove();
                true
            }
        })
        .unwrap_or(false)
    }

    /// `statistic-reset-all`.
    pub fn reset_all(&self) {
        self.for_each(|_, c| {
            if !c.is_removed() {
                c.reset()
            }
        });
    }

    /// `statistic-remove-all`.
    pub fn remove_all(&self) {
        self.for_each(|_, c| c.remove());
    }

    /// Runs `f` on the named statistic unless it is unknown or removed.
    pub fn with_live(&self, name: &str, f: &dyn Fn(&Counter)) -> bool {
        self.with_named(name, |c| {
            if c.is_removed() {
                false
            } else {
                f(c);
                true
            }
        })
        .unwrap_or(false)
    }

    /// Runs `f` on every statistic that is not removed.
    pub fn each_live(&self, f: &dyn Fn(&Counter)) {
        self.for_each(|_, c| {
            if !c.is_removed() {
                f(c)
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn get_reset_remove() {
        let s = Stats::new();
        s.set_subnets(&[1, 7]);
        s.global.pkt4_received.add(3);
        assert_eq!(s.value("pkt4-received"), Some(3));
        let v = s.get("pkt4-received");
        assert_eq!(v["pkt4-received"][0][0], 3);
        assert!(v["pkt4-received"][0][1].as_str().unwrap().len() >= 26);
        s.subnet(7).unwrap().c.assigned_addresses.inc();
        assert_eq!(s.value("subnet[7].assigned-addresses"), Some(1));
        assert_eq!(s.get("subnet[9].assigned-addresses"), json!({}));
        assert!(s.reset("pkt4-received"));
        assert_eq!(s.value("pkt4-received"), Some(0));
        assert!(s.remove("pkt4-received"));
        assert_eq!(s.get("pkt4-received"), json!({}));
        assert!(!s.remove("pkt4-received"));
        assert!(s.get_all().get("pkt4-received").is_none());
        s.global.pkt4_received.inc();
        assert_eq!(s.get("pkt4-received")["pkt4-received"][0][0], 1);
        assert!(!s.reset("no-such-stat"));
        let all = s.get_all();
        assert!(all.get("subnet[1].total-addresses").is_some());
        s.remove_all();
        assert_eq!(s.get_all(), json!({}));
    }

    #[test]
    fn subnets_survive_reconfig() {
        let s = Stats::new();
        s.set_subnets(&[1]);
        s.subnet(1).unwrap().c.assigned_addresses.add(5);
        s.set_subnets(&[1, 2]);
        assert_eq!(s.value("subnet[1].assigned-addresses"), Some(5));
        s.set_subnets(&[2]);
        assert!(s.subnet(1).is_none());
    }

    #[test]
    fn sample_limits_by_name() {
        let s = Stats::new();
        s.set_subnets(&[1]);
        let sub = s.subnet(1).unwrap();
        assert!(s.with_live("subnet[1].assigned-addresses", &|c| {
            c.set_limit(dhcpsrv::stats::SampleLimit::Count(2))
        }));
        for _ in 0..5 {
            sub.c.assigned_addresses.inc();
        }
        let v = s.get("subnet[1].assigned-addresses");
        assert_eq!(
            v["subnet[1].assigned-addresses"],
            json!([
                [5, v["subnet[1].assigned-addresses"][0][1]],
                [4, v["subnet[1].assigned-addresses"][1][1]]
            ])
        );
        assert!(!s.with_live("subnet[9].assigned-addresses", &|_| {}));
    }

    #[test]
    fn stamp_format() {
        let t = format_stamp(1_700_000_000_123_456);
        assert!(t.ends_with(".123456"), "{t}");
        assert_eq!(t.len(), 26);
    }
}
