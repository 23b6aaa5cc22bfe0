//! Pool utilisation watch: the servers with a `pool-utilization-threshold`
//! are polled with `statistic-get-all` (a built-in Kea command, no hook
//! library needed) and a `pool-utilization` notification is sent when a
//! subnet's assigned/total addresses (v6: non-temporary addresses, and
//! delegated prefixes separately) reach the threshold, and again when the
//! subnet drops back below it. Each crossing is notified once.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::time::Duration;

use kea_log::kea_log;
use serde_json::Value;

use crate::binding::{Coordinator, ServerBinding};
use crate::messages::*;

const LOGGER: &str = "kea-netconf";

/// What a utilisation counts: addresses (v4 addresses, v6 NAs) or
/// delegated prefixes (v6 PDs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PoolKind {
    Address,
    Prefix,
}

impl PoolKind {
    pub fn as_str(self) -> &'static str {
        match self {
            PoolKind::Address => "address",
            PoolKind::Prefix => "prefix",
        }
    }
}

/// Assigned and total leases of one subnet and kind.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Usage {
    pub assigned: u64,
    pub total: u64,
}

impl Usage {
    /// assigned/total; a subnet without addresses is never over.
    pub fn ratio(self) -> f64 {
        if self.total == 0 {
            0.0
        } else {
            self.assigned as f64 / self.total as f64
        }
    }
}

/// The most recent sample of a statistic (`[[value, "timestamp"], …]`).
/// Kea prints 128-bit totals of huge v6 subnets as big integers or floats.
fn latest(samples: &Value) -> Option<u64> {
    let value = samples.as_array()?.first()?.as_array()?.first()?;
    value
        .as_u64()
        .or_else(|| value.as_f64().filter(|f| *f >= 0.0).map(|f| f as u64))
}

/// Per-subnet usage from a `statistic-get-all` answer's arguments. Only the
/// subnet-level statistics (`subnet[N].assigned-addresses`, not the
/// `subnet[N].pool[M].…` ones) are read.
pub fn subnet_usage(stats: &Value) -> BTreeMap<(u64, PoolKind), Usage> {
    let mut usage: BTreeMap<(u64, PoolKind), Usage> = BTreeMap::new();
    let Some(map) = stats.as_object() else {
        return usage;
    };
    for (name, samples) in map {
        let Some(rest) = name.strip_prefix("subnet[") else {
            continue;
        };
        let Some((id, stat)) = rest.split_once("].") else {
            continue;
        };
        let Ok(id) = id.parse::<u64>() else {
            continue;
        };
        let (kind, assigned) = match stat {
            "total-addresses" | "total-nas" => (PoolKind::Address, false),
            "assigned-addresses" | "assigned-nas" => (PoolKind::Address, true),
            "total-pds" => (PoolKind::Prefix, false),
            "assigned-pds" => (PoolKind::Prefix, true),
            _ => continue,
        };
        let Some(value) = latest(samples) else {
            continue;
        };
        let entry = usage.entry((id, kind)).or_insert(Usage {
            assigned: 0,
            total: 0,
        });
        if assigned {
            entry.assigned = value;
        } else {
            entry.total = value;
        }
    }
    usage
}

/// A subnet crossing the threshold, one way or the other.
#[derive(Debug, Clone, PartialEq)]
pub struct Crossing {
    pub subnet_id: u64,
    pub kind: PoolKind,
    pub usage: Usage,
    /// True: reached the threshold; false: dropped back below it.
    pub over: bool,
}

/// Which subnets of one server are over the threshold, to notify each
/// crossing once.
#[derive(Debug, Default)]
pub struct ThresholdState {
    over: std::collections::HashSet<(u64, PoolKind)>,
}

impl ThresholdState {
    /// Compares a new poll with the previous one. A subnet that is over at
    /// the first poll is a crossing (nobody was told yet); a subnet that
    /// disappeared from the statistics is forgotten silently.
    pub fn update(
        &mut self,
        usage: &BTreeMap<(u64, PoolKind), Usage>,
        threshold: f64,
    ) -> Vec<Crossing> {
        let mut crossings = Vec::new();
        for (&(subnet_id, kind), &u) in usage {
            let over = u.total > 0 && u.ratio() >= threshold;
            let was = self.over.contains(&(subnet_id, kind));
            if over != was {
                if over {
                    self.over.insert((subnet_id, kind));
                } else {
                    self.over.remove(&(subnet_id, kind));
                }
                crossings.push(Crossing {
                    subnet_id,
                    kind,
                    usage: u,
                    over,
                });
            }
        }
        self.over.retain(|key| usage.contains_key(key));
        crossings
    }
}

async fn poll(binding: &ServerBinding) -> Result<BTreeMap<(u64, PoolKind), Usage>, String> {
    let stats = binding
        .control
        .call("statistic-get-all", None)
        .await
        .map_err(|e| e.to_string())?
        .unwrap_or(Value::Null);
    Ok(subnet_usage(&stats))
}

/// Polls every server that has a threshold, every `every`, for as long as
/// the task runs. The thresholds are read from the coordinator's current
/// bindings, so a reload changes them.
pub async fn watch(coordinator: Arc<Coordinator>, every: Duration) {
    let mut states: HashMap<String, ThresholdState> = HashMap::new();
    let mut failing: std::collections::HashSet<String> = std::collections::HashSet::new();
    let mut ticker = tokio::time::interval(every);
    loop {
        ticker.tick().await;
        let bindings = coordinator.bindings();
        states.retain(|name, _| {
            bindings
                .iter()
                .any(|b| b.name() == name && b.settings.pool_utilization_threshold.is_some())
        });
        for binding in bindings {
            let Some(threshold) = binding.settings.pool_utilization_threshold else {
                continue;
            };
            if !binding.control.is_connected() {
                continue;
            }
            let name = binding.name().to_string();
            let usage = match poll(&binding).await {
                Ok(usage) => usage,
                Err(e) => {
                    // Reported once per outage; server up/down has its own
                    // notification.
                    if failing.insert(name.clone()) {
                        kea_log!(LOGGER, NETCONF_POOL_STATS_FAILED, name, e);
                    }
                    continue;
                }
            };
            failing.remove(&name);
            let state = states.entry(name.clone()).or_default();
            for crossing in state.update(&usage, threshold) {
                let percent = format!("{:.1}%", crossing.usage.ratio() * 100.0);
                let threshold_percent = format!("{:.1}%", threshold * 100.0);
                if crossing.over {
                    kea_log!(
                        LOGGER,
                        NETCONF_POOL_UTILIZATION_HIGH,
                        name,
                        crossing.subnet_id,
                        crossing.kind.as_str(),
                        percent,
                        threshold_percent
                    );
                } else {
                    kea_log!(
                        LOGGER,
                        NETCONF_POOL_UTILIZATION_NORMAL,
                        name,
                        crossing.subnet_id,
                        crossing.kind.as_str(),
                        percent,
                        threshold_percent
                    );
                }
                coordinator.notify(crate::notify::pool_utilization(&name, &crossing, threshold));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn subnet_statistics_are_read_and_pool_statistics_skipped() {
        let stats = json!({
            "pkt4-received": [[10, "2026-01-01 00:00:00.000000"]],
            "subnet[1].total-addresses": [[10, "t2"], [0, "t1"]],
            "subnet[1].assigned-addresses": [[8, "t2"], [3, "t1"]],
            "subnet[1].pool[0].assigned-addresses": [[8, "t2"]],
            "subnet[7].total-nas": [[1.8446744073709552e19, "t"]],
            "subnet[7].assigned-nas": [[5, "t"]],
            "subnet[7].total-pds": [[256, "t"]],
            "subnet[7].assigned-pds": [[0, "t"]],
            "subnet[x].total-addresses": [[1, "t"]],
        });
        let usage = subnet_usage(&stats);
        assert_eq!(usage.len(), 3, "{usage:?}");
        assert_eq!(
            usage[&(1, PoolKind::Address)],
            Usage {
                assigned: 8,
                total: 10
            }
        );
        assert_eq!(usage[&(7, PoolKind::Address)].assigned, 5);
        assert!(usage[&(7, PoolKind::Address)].total > 1 << 60);
        assert_eq!(
            usage[&(7, PoolKind::Prefix)],
            Usage {
                assigned: 0,
                total: 256
            }
        );
    }

    #[test]
    fn each_crossing_is_reported_once() {
        let at = |assigned| {
            BTreeMap::from([(
                (1, PoolKind::Address),
                Usage {
                    assigned,
                    total: 10,
                },
            )])
        };
        let mut state = ThresholdState::default();
        assert!(state.update(&at(5), 0.8).is_empty());
        let up = state.update(&at(8), 0.8);
        assert_eq!(up.len(), 1);
        assert!(up[0].over);
        assert!(
            state.update(&at(9), 0.8).is_empty(),
            "still over: no repeat"
        );
        let down = state.update(&at(7), 0.8);
        assert_eq!(down.len(), 1);
        assert!(!down[0].over);
        assert!(state.update(&at(6), 0.8).is_empty());
        // An empty subnet (total 0) is never over.
        let empty = BTreeMap::from([(
            (2, PoolKind::Prefix),
            Usage {
                assigned: 0,
                total: 0,
            },
        )]);
        assert!(state.update(&empty, 0.1).is_empty());
    }
}
