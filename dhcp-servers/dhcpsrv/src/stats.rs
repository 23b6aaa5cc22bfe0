//! Statistics helpers shared by both servers: the Kea time stamp format and
//! [`Statistic`], one integer statistic with its sample history.
//!
//! Kea keeps, per statistic, a list of `(value, time)` samples, newest first, limited either
//! by count (default 20) or by age (ARM §18.4). Every change adds a sample; the limit is
//! applied when a sample is added (and at once when a count limit is set, as Kea does).
//!
//! The limits new statistics get are process-wide (as in Kea): [`set_default_limits`] (from
//! `statistic-default-sample-count` / `-age`), changed by the `statistic-sample-*-set-all`
//! commands through [`set_default_count`] / [`set_default_age`].

use std::collections::VecDeque;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};

use serde_json::Value;

/// Formats a unix-microsecond timestamp the way Kea prints statistics samples.
pub fn format_stamp(us: i64) -> String {
    let secs = us.div_euclid(1_000_000);
    let micros = us.rem_euclid(1_000_000) as u32;
    match chrono::DateTime::from_timestamp(secs, micros * 1000) {
        Some(t) => t
            .with_timezone(&chrono::Local)
            .format("%Y-%m-%d %H:%M:%S%.6f")
            .to_string(),
        None => String::from("1970-01-01 00:00:00.000000"),
    }
}

/// Current time in unix microseconds.
pub fn now_us() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_micros() as i64)
        .unwrap_or(0)
}

thread_local! {
    /// The time stamp of the packet this thread is handling (0: none, read the clock).
    static PACKET_STAMP: std::cell::Cell<i64> = const { std::cell::Cell::new(0) };
}

/// While alive, statistic changes made on this thread are stamped with one clock reading
/// taken at creation, so a packet's several counter updates cost one clock read. Create it
/// when a packet arrives; dropping it (end of the packet) restores per-change clock reads.
#[derive(Debug)]
pub struct PacketClock {
    _not_send: std::marker::PhantomData<*const ()>,
}

impl PacketClock {
    /// Reads the clock once for the packet being handled.
    pub fn start() -> PacketClock {
        PACKET_STAMP.with(|c| c.set(now_us()));
        PacketClock {
            _not_send: std::marker::PhantomData,
        }
    }
}

impl Drop for PacketClock {
    fn drop(&mut self) {
        PACKET_STAMP.with(|c| c.set(0));
    }
}

/// The stamp for a change now: the packet's, or a fresh clock reading.
#[inline]
fn stamp_now() -> i64 {
    match PACKET_STAMP.with(std::cell::Cell::get) {
        0 => now_us(),
        t => t,
    }
}

/// How many samples a statistic keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SampleLimit {
    /// At most this many samples (at least 1).
    Count(u32),
    /// Samples not older than this many seconds (the newest is always kept).
    Age(u64),
}

/// Kea's default: 20 samples.
const DEFAULT_COUNT: u32 = 20;

static DEFAULT_SAMPLE_COUNT: AtomicU32 = AtomicU32::new(DEFAULT_COUNT);
static DEFAULT_SAMPLE_AGE: AtomicU64 = AtomicU64::new(0);

/// Sets the limits of statistics without their own (configuration load): a non-zero
/// `count` limits by count, `count == 0` limits by `age_secs`.
pub fn set_default_limits(count: u32, age_secs: u64) {
    DEFAULT_SAMPLE_COUNT.store(count, Ordering::Relaxed);
    DEFAULT_SAMPLE_AGE.store(age_secs, Ordering::Relaxed);
}

/// `statistic-sample-count-set-all`: the default count (must be non-zero).
pub fn set_default_count(count: u32) {
    DEFAULT_SAMPLE_COUNT.store(count.max(1), Ordering::Relaxed);
}

/// `statistic-sample-age-set-all`: the default age. Like Kea, the default stays count-based
/// unless the default count is 0.
pub fn set_default_age(age_secs: u64) {
    DEFAULT_SAMPLE_AGE.store(age_secs, Ordering::Relaxed);
}

/// The current defaults as (count, age seconds), as `config-get` would report them.
pub fn default_limits() -> (u32, u64) {
    (
        DEFAULT_SAMPLE_COUNT.load(Ordering::Relaxed),
        DEFAULT_SAMPLE_AGE.load(Ordering::Relaxed),
    )
}

/// The limit a statistic without its own limit follows.
pub fn default_limit() -> SampleLimit {
    match DEFAULT_SAMPLE_COUNT.load(Ordering::Relaxed) {
        0 => SampleLimit::Age(DEFAULT_SAMPLE_AGE.load(Ordering::Relaxed)),
        n => SampleLimit::Count(n),
    }
}

#[derive(Debug)]
struct History {
    /// `(value, unix µs)`, newest first; never empty.
    samples: VecDeque<(i64, i64)>,
    /// Own limit (`statistic-sample-*-set`); `None` follows the process default.
    limit: Option<SampleLimit>,
    /// Removed by `statistic-remove`: hidden until it changes again.
    removed: bool,
}

impl History {
    fn current(&self) -> i64 {
        self.samples.front().map_or(0, |s| s.0)
    }

    fn push(&mut self, value: i64, stamp: i64) {
        self.removed = false;
        self.samples.push_front((value, stamp));
        self.trim(stamp);
    }

    fn trim(&mut self, now: i64) {
        match self.limit.unwrap_or_else(default_limit) {
            SampleLimit::Count(n) => self.samples.truncate(n.max(1) as usize),
            SampleLimit::Age(secs) => {
                let oldest = now.saturating_sub(
                    i64::try_from(secs.saturating_mul(1_000_000)).unwrap_or(i64::MAX),
                );
                while self.samples.len() > 1 && self.samples.back().is_some_and(|s| s.1 < oldest) {
                    self.samples.pop_back();
                }
            }
        }
    }

    /// Back to one sample of 0 (reset, removal, creation).
    fn restart(&mut self, stamp: i64) {
        self.samples.clear();
        self.samples.push_back((0, stamp));
    }
}

/// One integer statistic with Kea's sample history.
#[derive(Debug)]
pub struct Statistic {
    h: Mutex<History>,
}

impl Default for Statistic {
    fn default() -> Self {
        let mut samples = VecDeque::with_capacity(4);
        samples.push_back((0, now_us()));
        Statistic {
            h: Mutex::new(History {
                samples,
                limit: None,
                removed: false,
            }),
        }
    }
}

impl Statistic {
    fn lock(&self) -> std::sync::MutexGuard<'_, History> {
        self.h.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Adds `d` (may be negative) with time stamp `stamp` (unix µs); a removed statistic
    /// comes back starting from 0.
    #[inline]
    pub fn add_at(&self, d: i64, stamp: i64) {
        let mut h = self.lock();
        let v = h.current().wrapping_add(d);
        h.push(v, stamp);
    }

    /// Adds `d` now (the [`PacketClock`] time while one is alive on this thread).
    #[inline]
    pub fn add(&self, d: i64) {
        self.add_at(d, stamp_now());
    }

    /// Adds one.
    #[inline]
    pub fn inc(&self) {
        self.add(1);
    }

    /// Records the value `v` now.
    pub fn set(&self, v: i64) {
        self.lock().push(v, now_us());
    }

    /// Current value (0 when removed).
    pub fn get(&self) -> i64 {
        self.lock().current()
    }

    /// `statistic-reset`: one sample of 0; the limit stays.
    pub fn reset(&self) {
        self.lock().restart(now_us());
    }

    /// `statistic-remove`: hidden, value 0, history and own limit dropped (Kea deletes the
    /// statistic; a later change creates it afresh).
    pub fn remove(&self) {
        let mut h = self.lock();
        h.restart(now_us());
        h.limit = None;
        h.removed = true;
    }

    /// True after `statistic-remove` until the next change.
    pub fn is_removed(&self) -> bool {
        self.lock().removed
    }

    /// Gives the statistic its own limit (`statistic-sample-*-set`); a count limit applies
    /// at once, an age limit with the next sample (as in Kea).
    pub fn set_limit(&self, limit: SampleLimit) {
        let mut h = self.lock();
        h.limit = Some(limit);
        if let SampleLimit::Count(n) = limit {
            h.samples.truncate(n.max(1) as usize);
        }
    }

    /// The limit in force.
    pub fn limit(&self) -> SampleLimit {
        self.lock().limit.unwrap_or_else(default_limit)
    }

    /// Number of samples kept.
    pub fn sample_count(&self) -> usize {
        self.lock().samples.len()
    }

    /// Kea's sample list: `[[value, "timestamp"], ...]`, newest first.
    pub fn to_json(&self) -> Value {
        let list: Vec<(i64, i64)> = self.lock().samples.iter().copied().collect();
        Value::Array(
            list.into_iter()
                .map(|(v, t)| Value::Array(vec![Value::from(v), Value::String(format_stamp(t))]))
                .collect(),
        )
    }
}

/// Answers of the four `statistic-sample-*` commands, shared by both servers. `lookup`
/// runs a closure on the named statistic (None when there is none), `each` on every one.
pub mod commands {
    use super::{SampleLimit, Statistic};
    use serde_json::{Map, Value};

    /// Result of a command: Ok(success text) or Err(error text).
    pub type Outcome = Result<String, String>;

    fn name(args: Option<&Map<String, Value>>) -> Result<String, String> {
        match args.and_then(|a| a.get("name")) {
            Some(Value::String(s)) => Ok(s.clone()),
            Some(_) => Err("'name' parameter expected to be a string.".into()),
            None => Err("Missing mandatory 'name' parameter.".into()),
        }
    }

    /// `max-samples`: a positive integer. (Kea 2.2.0 accepts 0 and negatives for a single
    /// statistic and then cannot report it; we refuse them.)
    fn max_samples(args: Option<&Map<String, Value>>) -> Result<u32, String> {
        match args.and_then(|a| a.get("max-samples")) {
            None => Err("Missing mandatory 'max-samples' parameter.".into()),
            Some(Value::Number(n)) if n.is_i64() || n.is_u64() => match n.as_i64() {
                Some(0) => Err("'max-samples' parameter must not be zero".into()),
                Some(v) if v > 0 => {
                    u32::try_from(v).map_err(|_| "'max-samples' parameter is out of range".into())
                }
                _ => Err("'max-samples' parameter must be positive".into()),
            },
            Some(_) => Err("'max-samples' parameter expected to be an integer.".into()),
        }
    }

    /// `duration` in seconds: a non-negative integer. (Kea 2.2.0 aborts on a negative one.)
    fn duration(args: Option<&Map<String, Value>>) -> Result<u64, String> {
        match args.and_then(|a| a.get("duration")) {
            None => Err("Missing mandatory 'duration' parameter.".into()),
            Some(Value::Number(n)) if n.is_i64() || n.is_u64() => n
                .as_u64()
                .ok_or_else(|| "'duration' parameter must not be negative".into()),
            Some(_) => Err("'duration' parameter expected to be an integer.".into()),
        }
    }

    /// `statistic-sample-count-set`.
    pub fn count_set(
        args: Option<&Map<String, Value>>,
        lookup: impl FnOnce(&str, &dyn Fn(&Statistic)) -> bool,
    ) -> Outcome {
        let n = name(args)?;
        let max = max_samples(args)?;
        if lookup(&n, &|s| s.set_limit(SampleLimit::Count(max))) {
            Ok(format!("Statistic '{n}' count limit is set."))
        } else {
            Err(format!("No '{n}' statistic found"))
        }
    }

    /// `statistic-sample-age-set`.
    pub fn age_set(
        args: Option<&Map<String, Value>>,
        lookup: impl FnOnce(&str, &dyn Fn(&Statistic)) -> bool,
    ) -> Outcome {
        let n = name(args)?;
        let secs = duration(args)?;
        if lookup(&n, &|s| s.set_limit(SampleLimit::Age(secs))) {
            Ok(format!("Statistic '{n}' duration limit is set."))
        } else {
            Err(format!("No '{n}' statistic found"))
        }
    }

    /// `statistic-sample-count-set-all`: every statistic and the default.
    pub fn count_set_all(
        args: Option<&Map<String, Value>>,
        each: impl FnOnce(&dyn Fn(&Statistic)),
    ) -> Outcome {
        let max = max_samples(args)?;
        super::set_default_count(max);
        each(&|s| s.set_limit(SampleLimit::Count(max)));
        Ok("All statistics count limit are set.".into())
    }

    /// `statistic-sample-age-set-all`: every statistic and the default age.
    pub fn age_set_all(
        args: Option<&Map<String, Value>>,
        each: impl FnOnce(&dyn Fn(&Statistic)),
    ) -> Outcome {
        let secs = duration(args)?;
        super::set_default_age(secs);
        each(&|s| s.set_limit(SampleLimit::Age(secs)));
        Ok("All statistics duration limit are set.".into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn stamps_have_microseconds() {
        let text = format_stamp(1_700_000_000_123_456);
        assert!(text.ends_with(".123456"), "{text}");
        assert_eq!(text.len(), "2023-11-14 22:13:20.123456".len());
    }

    #[test]
    fn count_limit_keeps_newest_first() {
        let s = Statistic::default();
        s.set_limit(SampleLimit::Count(3));
        for i in 1..=5 {
            s.add_at(1, i * 1_000_000);
        }
        assert_eq!(s.get(), 5);
        let v = s.to_json();
        let values: Vec<i64> = v
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x[0].as_i64().unwrap())
            .collect();
        assert_eq!(values, [5, 4, 3]);
        s.set_limit(SampleLimit::Count(2));
        assert_eq!(s.sample_count(), 2);
    }

    #[test]
    fn age_limit_drops_old_samples_on_next_change() {
        let s = Statistic::default();
        s.set_limit(SampleLimit::Age(10));
        let t0 = now_us() + 1_000_000;
        s.add_at(1, t0 + 100_000_000);
        s.add_at(1, t0 + 105_000_000);
        // The creation sample is older than 105 - 10 s.
        assert_eq!(s.sample_count(), 2);
        s.add_at(1, t0 + 112_000_000);
        // 100 s is older than 112 - 10; 105 s is not.
        assert_eq!(s.sample_count(), 2);
        s.add_at(1, t0 + 200_000_000);
        assert_eq!(s.sample_count(), 1);
        assert_eq!(s.get(), 4);
    }

    #[test]
    fn reset_and_remove() {
        let s = Statistic::default();
        s.set_limit(SampleLimit::Count(5));
        s.add(3);
        s.add(2);
        s.reset();
        assert_eq!(s.sample_count(), 1);
        assert_eq!(s.get(), 0);
        assert_eq!(s.limit(), SampleLimit::Count(5));
        s.add(4);
        s.remove();
        assert!(s.is_removed());
        assert_eq!(s.get(), 0);
        assert_eq!(s.limit(), default_limit());
        s.add(1);
        assert!(!s.is_removed());
        assert_eq!(s.to_json()[0][0], json!(1));
    }

    #[test]
    fn packet_clock_stamps_every_change_alike() {
        let s = Statistic::default();
        {
            let _clock = PacketClock::start();
            s.add(1);
            std::thread::sleep(std::time::Duration::from_millis(2));
            s.add(1);
            let v = s.to_json();
            assert_eq!(v[0][1], v[1][1], "one stamp per packet");
        }
        std::thread::sleep(std::time::Duration::from_millis(2));
        s.add(1);
        let v = s.to_json();
        assert_ne!(v[0][1], v[1][1], "a fresh reading once the packet is done");
    }

    #[test]
    fn command_argument_checks() {
        let s = Statistic::default();
        let found = |n: &str, f: &dyn Fn(&Statistic)| {
            if n == "x" {
                f(&s);
                true
            } else {
                false
            }
        };
        let a = |v: serde_json::Value| v.as_object().cloned();
        assert_eq!(
            commands::count_set(a(json!({"name": "x", "max-samples": 3})).as_ref(), found),
            Ok("Statistic 'x' count limit is set.".into())
        );
        assert_eq!(s.limit(), SampleLimit::Count(3));
        assert_eq!(
            commands::count_set(a(json!({"name": "y", "max-samples": 3})).as_ref(), found),
            Err("No 'y' statistic found".into())
        );
        assert_eq!(
            commands::count_set(a(json!({"name": "x", "max-samples": 0})).as_ref(), found),
            Err("'max-samples' parameter must not be zero".into())
        );
        assert_eq!(
            commands::count_set(a(json!({"name": "x", "max-samples": "3"})).as_ref(), found),
            Err("'max-samples' parameter expected to be an integer.".into())
        );
        assert_eq!(
            commands::count_set(a(json!({"max-samples": 3})).as_ref(), found),
            Err("Missing mandatory 'name' parameter.".into())
        );
        assert_eq!(
            commands::age_set(a(json!({"name": "x"})).as_ref(), found),
            Err("Missing mandatory 'duration' parameter.".into())
        );
        assert_eq!(
            commands::age_set(a(json!({"name": "x", "duration": -4})).as_ref(), found),
            Err("'duration' parameter must not be negative".into())
        );
        assert_eq!(
            commands::age_set(a(json!({"name": "x", "duration": 7})).as_ref(), found),
            Ok("Statistic 'x' duration limit is set.".into())
        );
        assert_eq!(s.limit(), SampleLimit::Age(7));
    }
}
