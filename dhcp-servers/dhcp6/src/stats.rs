//! DHCPv6 statistics (ARM 10.14), addressed by index on the packet path and by
//! name from the `statistic-*` commands.
//!
//! The registry is table-driven (a name table per scope, counters in a slice) so the same
//! code serves any daemon's statistic names; it is the candidate for the shared
//! server-common crate. Each statistic keeps Kea's sample history ([`dhcpsrv::stats`]).

use std::collections::BTreeMap;
use std::sync::{Arc, RwLock};

use serde_json::{Map, Value};

/// One statistic with Kea's sample history (shared with kea-dhcp4).
pub type Stat = dhcpsrv::stats::Statistic;

macro_rules! names {
    ($table:ident, $count:ident, $($idx:ident = $name:literal),* $(,)?) => {
        #[allow(non_camel_case_types, clippy::upper_case_acronyms)]
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        #[repr(usize)]
        /// Index of each statistic in its table.
        pub enum $count { $($idx,)* }
        /// Statistic names, by index.
        pub const $table: &[&str] = &[$($name,)*];
    };
}

names!(
    GLOBAL_NAMES,
    G,
    Received = "pkt6-received",
    SolicitReceived = "pkt6-solicit-received",
    AdvertiseReceived = "pkt6-advertise-received",
    RequestReceived = "pkt6-request-received",
    ReplyReceived = "pkt6-reply-received",
    RenewReceived = "pkt6-renew-received",
    RebindReceived = "pkt6-rebind-received",
    ReleaseReceived = "pkt6-release-received",
    DeclineReceived = "pkt6-decline-received",
    InfRequestReceived = "pkt6-infrequest-received",
    Dhcpv4QueryReceived = "pkt6-dhcpv4-query-received",
    Dhcpv4ResponseReceived = "pkt6-dhcpv4-response-received",
    UnknownReceived = "pkt6-unknown-received",
    Sent = "pkt6-sent",
    AdvertiseSent = "pkt6-advertise-sent",
    ReplySent = "pkt6-reply-sent",
    Dhcpv4ResponseSent = "pkt6-dhcpv4-response-sent",
    ParseFailed = "pkt6-parse-failed",
    ReceiveDrop = "pkt6-receive-drop",
    DeclinedAddresses = "declined-addresses",
    ReclaimedDeclinedAddresses = "reclaimed-declined-addresses",
    ReclaimedLeases = "reclaimed-leases",
    CumulativeAssignedNas = "cumulative-assigned-nas",
    CumulativeAssignedPds = "cumulative-assigned-pds",
    AllocationFail = "v6-allocation-fail",
    AllocationFailSharedNetwork = "v6-allocation-fail-shared-network",
    AllocationFailSubnet = "v6-allocation-fail-subnet",
    AllocationFailNoPools = "v6-allocation-fail-no-pools",
    AllocationFailClasses = "v6-allocation-fail-classes",
    IaNaLeaseReuses = "v6-ia-na-lease-reuses",
    IaPdLeaseReuses = "v6-ia-pd-lease-reuses",
);

names!(
    SUBNET_NAMES,
    S,
    TotalNas = "total-nas",
    AssignedNas = "assigned-nas",
    CumulativeAssignedNas = "cumulative-assigned-nas",
    TotalPds = "total-pds",
    AssignedPds = "assigned-pds",
    CumulativeAssignedPds = "cumulative-assigned-pds",
    DeclinedAddresses = "declined-addresses",
    ReclaimedDeclinedAddresses = "reclaimed-declined-addresses",
    ReclaimedLeases = "reclaimed-leases",
    AllocationFail = "v6-allocation-fail",
    IaNaLeaseReuses = "v6-ia-na-lease-reuses",
    IaPdLeaseReuses = "v6-ia-pd-lease-reuses",
);

/// The statistics of one subnet (`subnet[id].<name>`).
#[derive(Debug)]
pub struct SubnetStats {
    pub id: u32,
    stats: Box<[Stat]>,
}

impl SubnetStats {
    /// Fresh counters for subnet `id`.
    pub fn new(id: u32) -> Self {
        SubnetStats {
            id,
            stats: SUBNET_NAMES.iter().map(|_| Stat::default()).collect(),
        }
    }

    /// One counter.
    #[inline]
    pub fn at(&self, s: S) -> &Stat {
        &self.stats[s as usize]
    }
}

/// The statistics registry of the server.
#[derive(Debug)]
pub struct Stats {
    global: Box<[Stat]>,
    subnets: RwLock<BTreeMap<u32, Arc<SubnetStats>>>,
}

impl Stats {
    /// All global statistics at zero, no subnets.
    pub fn new() -> Arc<Self> {
        Arc::new(Stats {
            global: GLOBAL_NAMES.iter().map(|_| Stat::default()).collect(),
            subnets: RwLock::new(BTreeMap::new()),
        })
    }

    /// One global counter.
    #[inline]
    pub fn g(&self, s: G) -> &Stat {
        &self.global[s as usize]
    }

    /// Installs the subnet counters of a configuration generation.
    pub fn install_subnets(&self, list: &[Arc<SubnetStats>]) {
        let mut map = self.subnets.write().unwrap_or_else(|p| p.into_inner());
        *map = list.iter().map(|s| (s.id, s.clone())).collect();
    }

    /// Counters of subnet `id`.
    pub fn subnet(&self, id: u32) -> Option<Arc<SubnetStats>> {
        self.subnets
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .get(&id)
            .cloned()
    }

    /// Looks a statistic up by its full name.
    fn find<R>(&self, name: &str, f: impl FnOnce(&Stat) -> R) -> Option<R> {
        if let Some(rest) = name.strip_prefix("subnet[") {
            let (id, stat) = rest.split_once("].")?;
            let sub = self.subnet(id.parse().ok()?)?;
            let i = SUBNET_NAMES.iter().position(|n| *n == stat)?;
            return Some(f(&sub.stats[i]));
        }
        let i = GLOBAL_NAMES.iter().position(|n| *n == name)?;
        Some(f(&self.global[i]))
    }

    fn each(&self, mut f: impl FnMut(String, &Stat)) {
        for (n, s) in GLOBAL_NAMES.iter().zip(self.global.iter()) {
            f((*n).to_string(), s);
        }
        let map = self.subnets.read().unwrap_or_else(|p| p.into_inner());
        for (id, sub) in map.iter() {
            for (n, s) in SUBNET_NAMES.iter().zip(sub.stats.iter()) {
                f(format!("subnet[{id}].{n}"), s);
            }
        }
    }

    /// Current value by name.
    pub fn value(&self, name: &str) -> Option<i64> {
        self.find(name, |s| s.get())
    }

    /// `statistic-get`: `{name: [[value, stamp]]}`, `{}` when unknown or removed.
    pub fn get(&self, name: &str) -> Value {
        let mut m = Map::new();
        if let Some(Some(v)) = self.find(name, |s| (!s.is_removed()).then(|| s.to_json())) {
            m.insert(name.to_string(), v);
        }
        Value::Object(m)
    }

    /// `statistic-get-all`.
    pub fn get_all(&self) -> Value {
        let mut m = Map::new();
        self.each(|n, s| {
            if !s.is_removed() {
                m.insert(n, s.to_json());
            }
        });
        Value::Object(m)
    }

    /// `statistic-reset`; false when there is no such statistic.
    pub fn reset(&self, name: &str) -> bool {
        self.find(name, |s| {
            !s.is_removed() && {
                s.reset();
                true
            }
        })
        .unwrap_or(false)
    }

    /// `statistic-remove`; false when there is no such statistic.
    pub fn remove(&self, name: &str) -> bool {
        self.find(name, |s| {
            !s.is_removed() && {
                s.remove();
                true
            }
        })
        .unwrap_or(false)
    }

    /// `statistic-reset-all`.
    pub fn reset_all(&self) {
        self.each(|_, s| {
            if !s.is_removed() {
                s.reset()
            }
        });
    }

    /// `statistic-remove-all`.
    pub fn remove_all(&self) {
        self.each(|_, s| s.remove());
    }

    /// Runs `f` on the named statistic unless it is unknown or removed.
    pub fn with_live(&self, name: &str, f: &dyn Fn(&Stat)) -> bool {
        self.find(name, |s| {
            !s.is_removed() && {
                f(s);
                true
            }
        })
        .unwrap_or(false)
    }

    /// Runs `f` on every statistic that is not removed.
    pub fn each_live(&self, f: &dyn Fn(&Stat)) {
        self.each(|_, s| {
            if !s.is_removed() {
                f(s)
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn names_and_indexes_agree() {
        assert_eq!(GLOBAL_NAMES[G::ReplySent as usize], "pkt6-reply-sent");
        assert_eq!(SUBNET_NAMES[S::AssignedPds as usize], "assigned-pds");
    }

    #[test]
    fn get_reset_remove_by_name() {
        let st = Stats::new();
        st.install_subnets(&[Arc::new(SubnetStats::new(3))]);
        st.g(G::Received).add(2);
        assert_eq!(st.value("pkt6-received"), Some(2));
        st.subnet(3).unwrap().at(S::AssignedNas).add(1);
        assert_eq!(
            st.get("subnet[3].assigned-nas")["subnet[3].assigned-nas"][0][0],
            1
        );
        assert_eq!(st.get("subnet[4].assigned-nas"), json!({}));
        assert!(st.reset("pkt6-received"));
        assert_eq!(st.value("pkt6-received"), Some(0));
        assert!(st.remove("pkt6-received"));
        assert!(!st.remove("pkt6-received"));
        assert_eq!(st.get("pkt6-received"), json!({}));
        st.g(G::Received).add(1);
        assert_eq!(st.get("pkt6-received")["pkt6-received"][0][0], 1);
        assert!(st.get_all().get("subnet[3].total-pds").is_some());
        st.remove_all();
        assert_eq!(st.get_all(), json!({}));
        assert!(!st.reset("nope"));
    }
}
