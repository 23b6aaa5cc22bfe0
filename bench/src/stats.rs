//! Latency and outcome counters of one load run.

use std::time::Duration;

/// Completed-exchange latencies in microseconds plus drop counts.
#[derive(Debug, Default)]
pub struct RunStats {
    /// Exchanges started (first message sent).
    pub started: u64,
    /// Exchanges that got their final reply (ACK).
    pub completed: u64,
    /// Exchanges with no final reply within the timeout (or still open at the end).
    pub dropped: u64,
    /// NAKs and other unexpected replies.
    pub rejected: u64,
    /// Packets sent in total (every message of every exchange).
    pub packets_sent: u64,
    /// Whole-exchange latencies (first send to final reply), microseconds.
    pub latencies_us: Vec<u32>,
}

impl RunStats {
    /// Records one completed exchange.
    pub fn complete(&mut self, latency: Duration) {
        self.completed += 1;
        self.latencies_us
            .push(u32::try_from(latency.as_micros()).unwrap_or(u32::MAX));
    }

    /// The `p`-th percentile (0–100) of latencies in milliseconds, nearest-rank; `None` if empty.
    pub fn percentile_ms(&mut self, p: f64) -> Option<f64> {
        if self.latencies_us.is_empty() {
            return None;
        }
        self.latencies_us.sort_unstable();
        let n = self.latencies_us.len();
        let rank = ((p / 100.0) * n as f64).ceil() as usize;
        let idx = rank.clamp(1, n) - 1;
        Some(f64::from(self.latencies_us[idx]) / 1000.0)
    }

    /// Average latency in milliseconds; `None` if nothing completed.
    pub fn average_ms(&self) -> Option<f64> {
        if self.latencies_us.is_empty() {
            return None;
        }
        let sum: u64 = self.latencies_us.iter().map(|&v| u64::from(v)).sum();
        Some(sum as f64 / self.latencies_us.len() as f64 / 1000.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let mut s = RunStats::default();
        assert_eq!(s.percentile_ms(99.0), None);
        for us in (1..=100).rev() {
            s.complete(Duration::from_micros(us * 1000));
        }
        assert_eq!(s.completed, 100);
        assert_eq!(s.percentile_ms(99.0), Some(99.0));
        assert_eq!(s.percentile_ms(50.0), Some(50.0));
        assert_eq!(s.percentile_ms(100.0), Some(100.0));
        assert_eq!(s.percentile_ms(0.0), Some(1.0));
        assert_eq!(s.average_ms(), Some(50.5));
    }
}
