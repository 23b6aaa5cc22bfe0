//! Receive coalescing for the packet loops of both servers.
//!
//! A loop that blocks in `recv` for every query is woken once per packet: under sustained
//! load the sleep/wake pair (a context switch each way) costs more CPU than decoding,
//! allocating and answering the query. Network cards solve the same problem with interrupt
//! coalescing, and so does this: while queries keep arriving less than [`BUSY_GAP`] apart,
//! the loop pauses for [`WINDOW`] and then serves everything that queued up meanwhile with
//! non-blocking reads, so one wake-up serves several queries. As soon as a pause finds at
//! most one query queued (the pause bought nothing) the loop goes back to blocking, and a
//! lone query is answered at once.
//!
//! The price is latency under load: at most one window (0.5 ms) more before a query is
//! read, far below any DHCP client's retransmission timer (1 s and more). Moderate traffic
//! (queries more than [`BUSY_GAP`] apart, under ~5,000 packets/s) never pays it.

use std::time::{Duration, Instant};

/// How long the loop pauses between rounds while traffic is busy.
pub const WINDOW: Duration = Duration::from_micros(500);

/// Rounds of served queries closer together than this mean the traffic is busy: at 200 µs,
/// a pause of [`WINDOW`] can expect to find two or more queries waiting.
pub const BUSY_GAP: Duration = Duration::from_micros(200);

/// A pause that finds no more than this many queries did not pay for its latency.
const WORTHLESS_PAUSE: usize = 1;

/// How the next round reads its sockets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Round {
    /// Block until a query arrives (light traffic: answer each at once).
    Block,
    /// Sleep for [`WINDOW`], then read what queued without blocking.
    PauseThenDrain,
}

/// Decides, round by round, whether the loop blocks or coalesces.
#[derive(Debug, Default)]
pub struct RxCoalescer {
    busy: bool,
    last_served: Option<Instant>,
}

impl RxCoalescer {
    pub fn new() -> RxCoalescer {
        RxCoalescer::default()
    }

    /// How the next round should read.
    pub fn next_round(&self) -> Round {
        if self.busy {
            Round::PauseThenDrain
        } else {
            Round::Block
        }
    }

    /// Records a finished round that served `served` queries, at `now`.
    pub fn record(&mut self, served: usize, now: Instant) {
        if served == 0 {
            // A pause found nothing, or a blocking read timed out: traffic is light.
            self.busy = false;
            return;
        }
        self.busy = if self.busy {
            // This round was a pause: keep pausing only while pauses gather queries.
            served > WORTHLESS_PAUSE
        } else {
            self.last_served
                .is_some_and(|t| now.saturating_duration_since(t) < BUSY_GAP)
        };
        self.last_served = Some(now);
    }

    /// Runs the pause of a [`Round::PauseThenDrain`] round.
    pub fn pause(&self) {
        std::thread::sleep(WINDOW);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lone_queries_are_answered_at_once() {
        let mut c = RxCoalescer::new();
        let t0 = Instant::now();
        c.record(1, t0);
        assert_eq!(c.next_round(), Round::Block);
        c.record(1, t0 + Duration::from_millis(50));
        assert_eq!(c.next_round(), Round::Block);
    }

    #[test]
    fn close_rounds_switch_to_coalescing_and_an_empty_pause_switches_back() {
        let mut c = RxCoalescer::new();
        let t0 = Instant::now();
        c.record(1, t0);
        c.record(1, t0 + Duration::from_micros(100));
        assert_eq!(c.next_round(), Round::PauseThenDrain);
        // Still busy while pauses find queries, however far apart the rounds end.
        c.record(4, t0 + Duration::from_millis(5));
        assert_eq!(c.next_round(), Round::PauseThenDrain);
        c.record(0, t0 + Duration::from_millis(6));
        assert_eq!(c.next_round(), Round::Block);
    }

    #[test]
    fn moderate_traffic_is_answered_at_once() {
        // 2,000 queries/s: 500 µs apart, each served as it arrives.
        let mut c = RxCoalescer::new();
        let t0 = Instant::now();
        for i in 0..10 {
            c.record(1, t0 + Duration::from_micros(500 * i));
            assert_eq!(c.next_round(), Round::Block);
        }
    }

    #[test]
    fn a_pause_that_finds_one_query_switches_back() {
        let mut c = RxCoalescer::new();
        let t0 = Instant::now();
        c.record(1, t0);
        c.record(1, t0 + Duration::from_micros(100));
        assert_eq!(c.next_round(), Round::PauseThenDrain);
        c.record(1, t0 + Duration::from_micros(700));
        assert_eq!(c.next_round(), Round::Block);
    }

    #[test]
    fn a_timeout_round_is_not_busy() {
        let mut c = RxCoalescer::new();
        let t0 = Instant::now();
        c.record(1, t0);
        c.record(0, t0 + Duration::from_micros(100));
        c.record(1, t0 + Duration::from_millis(2));
        assert_eq!(c.next_round(), Round::Block);
    }
}
