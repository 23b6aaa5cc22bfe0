//! The process-wide logging state: the active configuration, the per-call-site level
//! cache that keeps filtered-out messages cheap, and the `tracing` layer that writes
//! Kea's lines.

use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, LazyLock, Mutex};
use std::time::SystemTime;

use arc_swap::ArcSwap;
use tracing::field::{Field, Visit};
use tracing::subscriber::Interest;
use tracing::{Event, Metadata, Subscriber};
use tracing_subscriber::layer::{Context, Layer};
use tracing_subscriber::prelude::*;

use crate::config::{Destination, LoggingConfig, OutputConfig};
use crate::level::{Level, Severity, threshold};
use crate::loggers::{full_name, parent};
use crate::pattern::{DEFAULT_PATTERN, Pattern, Record};
use crate::sink::{Sink, SinkKey};

/// Bumped whenever the active configuration changes; call-site caches compare it.
static GENERATION: AtomicU64 = AtomicU64::new(1);

static ACTIVE: LazyLock<ArcSwap<Active>> =
    LazyLock::new(|| ArcSwap::from_pointee(Active::defaults("kea", false, HashMap::new())));

/// Serialises reconfigurations so sink reuse sees a consistent previous state.
static RECONFIGURE: Mutex<()> = Mutex::new(());

static SUBSCRIBER_INSTALLED: AtomicBool = AtomicBool::new(false);

/// Failure to set up or reconfigure logging.
#[derive(Debug, thiserror::Error)]
pub enum LogError {
    #[error("another tracing subscriber is already installed")]
    SubscriberAlreadySet,
    #[error("cannot open log output {path}: {source}")]
    Open {
        path: String,
        #[source]
        source: std::io::Error,
    },
}

struct ActiveOutput {
    sink: Arc<Sink>,
    pattern: Pattern,
}

struct ActiveLogger {
    threshold: u16,
    /// Empty: use the nearest configured ancestor's outputs.
    outputs: Vec<ActiveOutput>,
}

/// One applied configuration.
struct Active {
    root: String,
    verbose: bool,
    /// Configured loggers by full name.
    loggers: HashMap<String, ActiveLogger>,
    /// What the root logger does when it is not configured: INFO to stdout (DEBUG/99 with -d).
    default_root: ActiveLogger,
    /// Open sinks by identity, for reuse by the next configuration.
    sinks: HashMap<SinkKey, Arc<Sink>>,
}

impl Active {
    fn defaults(root: &str, verbose: bool, mut sinks: HashMap<SinkKey, Arc<Sink>>) -> Active {
        let stdout = stdout_output();
        let key = SinkKey::of(&stdout);
        let sink = sinks
            .entry(key)
            .or_insert_with(|| Arc::new(Sink::Stdout { flush: true }))
            .clone();
        Active {
            root: root.to_string(),
            verbose,
            loggers: HashMap::new(),
            default_root: ActiveLogger {
                threshold: if verbose {
                    threshold(Severity::Debug, 99)
                } else {
                    threshold(Severity::Info, 0)
                },
                outputs: vec![ActiveOutput {
                    sink,
                    pattern: stdout.pattern,
                }],
            },
            sinks,
        }
    }

    /// The configured entry for `name` or its nearest configured ancestor.
    fn nearest(&self, name: &str, mut accept: impl FnMut(&ActiveLogger) -> bool) -> &ActiveLogger {
        let mut current = Some(name);
        while let Some(n) = current {
            if let Some(l) = self.loggers.get(n)
                && accept(l)
            {
                return l;
            }
            current = parent(n);
        }
        match self.loggers.get(&self.root) {
            Some(l) if accept(l) => l,
            _ => &self.default_root,
        }
    }

    fn threshold_for(&self, full_name: &str) -> u16 {
        self.nearest(full_name, |_| true).threshold
    }

    fn outputs_for(&self, full_name: &str) -> &[ActiveOutput] {
        &self.nearest(full_name, |l| !l.outputs.is_empty()).outputs
    }
}

fn stdout_output() -> OutputConfig {
    OutputConfig {
        destination: Destination::Stdout,
        flush: true,
        maxsize: crate::config::DEFAULT_MAXSIZE,
        maxver: crate::config::DEFAULT_MAXVER,
        pattern: Pattern::parse(DEFAULT_PATTERN)
            .unwrap_or_else(|_| unreachable!("default pattern is valid")),
    }
}

/// Sets the process' root logger name (`kea-dhcp4`, `kea-dhcp6`, `kea-netconf`) and the
/// `-d` flag, resets to the default configuration (INFO to stdout, or DEBUG/99 with
/// `verbose`) and installs the Kea `tracing` subscriber as the global default.
/// Calling it again (e.g. in tests) only resets the configuration.
pub fn init(root: &str, verbose: bool) -> Result<(), LogError> {
    crate::pattern::process_start();
    reset(root, verbose);
    if SUBSCRIBER_INSTALLED.load(Ordering::Acquire) {
        return Ok(());
    }
    let subscriber = tracing_subscriber::registry().with(KeaLayer);
    tracing::subscriber::set_global_default(subscriber)
        .map_err(|_| LogError::SubscriberAlreadySet)?;
    SUBSCRIBER_INSTALLED.store(true, Ordering::Release);
    Ok(())
}

/// Like [`init`] without installing a subscriber: for daemons that compose
/// [`KeaLayer`] with other layers themselves. To return to the default loggers while
/// keeping the root name and `-d`, use `apply(&LoggingConfig::default())`.
pub fn reset(root: &str, verbose: bool) {
    let _guard = RECONFIGURE.lock().unwrap_or_else(|p| p.into_inner());
    let old = ACTIVE.load_full();
    ACTIVE.store(Arc::new(Active::defaults(root, verbose, old.sinks.clone())));
    GENERATION.fetch_add(1, Ordering::Release);
}

/// Applies a parsed `loggers` configuration (at start-up, config-set, config-reload).
/// Outputs are opened first: on error nothing changes. Messages logged while the
/// switch happens go to the old or the new outputs, never nowhere; files whose
/// settings did not change stay open. With `-d` every logger logs DEBUG/99.
pub fn apply(config: &LoggingConfig) -> Result<(), LogError> {
    let _guard = RECONFIGURE.lock().unwrap_or_else(|p| p.into_inner());
    let old = ACTIVE.load_full();
    let mut next = Active::defaults(&old.root, old.verbose, HashMap::new());
    let reusable = old.sinks.clone();
    for logger in &config.loggers {
        let mut outputs = Vec::new();
        for out in &logger.outputs {
            let key = SinkKey::of(out);
            let sink = match next.sinks.get(&key).or_else(|| reusable.get(&key)) {
                Some(s) => s.clone(),
                None => Arc::new(
                    Sink::open(&key, &old.root).map_err(|source| LogError::Open {
                        path: describe(&out.destination),
                        source,
                    })?,
                ),
            };
            next.sinks.insert(key.clone(), sink.clone());
            outputs.push(ActiveOutput {
                sink,
                pattern: out.pattern.clone(),
            });
        }
        let threshold = if old.verbose {
            threshold(Severity::Debug, 99)
        } else {
            threshold(logger.severity, logger.debuglevel)
        };
        next.loggers
            .insert(logger.name.clone(), ActiveLogger { threshold, outputs });
    }
    // Sinks not used any more are dropped (and flushed) with the old configuration.
    drop(reusable);
    ACTIVE.store(Arc::new(next));
    GENERATION.fetch_add(1, Ordering::Release);
    Ok(())
}

/// Flushes buffered file outputs (call before exiting).
pub fn flush() {
    for sink in ACTIVE.load().sinks.values() {
        sink.flush();
    }
}

/// The full name of the running process' root logger.
pub fn root_name() -> String {
    ACTIVE.load().root.clone()
}

fn describe(d: &Destination) -> String {
    match d {
        Destination::Stdout => "stdout".into(),
        Destination::Stderr => "stderr".into(),
        Destination::Syslog(f) => format!("syslog:{}", f.name),
        Destination::File(p) => p.display().to_string(),
    }
}

/// Per-call-site cache of the logger's threshold, tagged with the configuration
/// generation it was computed for. Checking a message costs two relaxed atomic loads.
#[doc(hidden)]
#[derive(Debug)]
pub struct CallsiteCache(AtomicU64);

impl CallsiteCache {
    pub const fn new() -> CallsiteCache {
        CallsiteCache(AtomicU64::new(0))
    }

    /// Whether a message of `rank` on logger `name` (as named in code) is enabled.
    #[inline(always)]
    pub fn enabled(&self, name: &'static str, rank: u16) -> bool {
        let generation = GENERATION.load(Ordering::Relaxed);
        let cached = self.0.load(Ordering::Relaxed);
        let threshold = if cached >> 16 == generation {
            cached as u16
        } else {
            self.refresh(name)
        };
        rank >= threshold
    }

    #[cold]
    #[inline(never)]
    fn refresh(&self, name: &'static str) -> u16 {
        let generation = GENERATION.load(Ordering::Acquire);
        let active = ACTIVE.load();
        let threshold = active.threshold_for(&full_name(name, &active.root));
        self.0
            .store(generation << 16 | u64::from(threshold), Ordering::Relaxed);
        threshold
    }
}

impl Default for CallsiteCache {
    fn default() -> Self {
        CallsiteCache::new()
    }
}

/// Field names of the events emitted by [`kea_log!`](crate::kea_log).
pub(crate) mod fields {
    pub const ID: &str = "kea_id";
    pub const SEVERITY: &str = "kea_severity";
    pub const DEBUGLEVEL: &str = "kea_debuglevel";
    pub const TEXT: &str = "kea_text";
}

/// The `tracing` layer writing Kea log lines for events emitted by
/// [`kea_log!`](crate::kea_log) (other events are ignored). Level filtering already
/// happened at the call site; this layer routes to the logger's outputs.
#[derive(Debug, Clone, Copy, Default)]
pub struct KeaLayer;

fn is_kea_event(meta: &Metadata<'_>) -> bool {
    meta.is_event() && meta.fields().field(fields::ID).is_some()
}

impl<S: Subscriber> Layer<S> for KeaLayer {
    fn register_callsite(&self, meta: &'static Metadata<'static>) -> Interest {
        if is_kea_event(meta) {
            Interest::always()
        } else {
            Interest::never()
        }
    }

    fn enabled(&self, meta: &Metadata<'_>, _ctx: Context<'_, S>) -> bool {
        is_kea_event(meta)
    }

    fn on_event(&self, event: &Event<'_>, _ctx: Context<'_, S>) {
        let meta = event.metadata();
        if !is_kea_event(meta) {
            return;
        }
        let time = SystemTime::now();
        SCRATCH.with(|scratch| match scratch.try_borrow_mut() {
            Ok(mut s) => write_event(event, meta, time, &mut s),
            // Re-entered from inside a sink: use fresh buffers.
            Err(_) => write_event(event, meta, time, &mut Scratch::default()),
        });
    }
}

#[derive(Default)]
struct Scratch {
    fields: EventFields,
    line: String,
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

#[derive(Default)]
struct EventFields {
    id: String,
    severity: String,
    debuglevel: u64,
    text: String,
}

impl Visit for EventFields {
    fn record_str(&mut self, field: &Field, value: &str) {
        match field.name() {
            fields::ID => value.clone_into(&mut self.id),
            fields::SEVERITY => value.clone_into(&mut self.severity),
            fields::TEXT => value.clone_into(&mut self.text),
            _ => {}
        }
    }

    fn record_u64(&mut self, field: &Field, value: u64) {
        if field.name() == fields::DEBUGLEVEL {
            self.debuglevel = value;
        }
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        use std::fmt::Write;
        if field.name() == fields::TEXT {
            self.text.clear();
            let _ = write!(self.text, "{value:?}");
        }
    }
}

fn write_event(event: &Event<'_>, meta: &Metadata<'_>, time: SystemTime, s: &mut Scratch) {
    s.fields.text.clear();
    s.fields.id.clear();
    event.record(&mut s.fields);
    let level = match s.fields.severity.as_str() {
        "FATAL" => Level::Fatal,
        "ERROR" => Level::Error,
        "WARN" => Level::Warn,
        "INFO" => Level::Info,
        _ => Level::Debug(s.fields.debuglevel.min(99) as u8),
    };
    let active = ACTIVE.load();
    let logger = full_name(meta.target(), &active.root);
    let record = Record {
        time,
        level,
        logger: &logger,
        id: &s.fields.id,
        text: &s.fields.text,
        file: meta.file(),
        line: meta.line(),
        module: meta.module_path(),
    };
    for out in active.outputs_for(&logger) {
        s.line.clear();
        out.pattern.render(&record, &mut s.line);
        out.sink.write(&s.line, level);
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::config::{LogFilePolicy, parse_loggers};
    use crate::loggers;
    use crate::messages;
    use serde_json::json;

    /// Tests touching the global state run one at a time.
    pub(crate) static GLOBAL: Mutex<()> = Mutex::new(());

    fn lock() -> std::sync::MutexGuard<'static, ()> {
        GLOBAL.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn configure(dir: &std::path::Path, loggers: serde_json::Value) {
        let c = parse_loggers(&loggers, &LogFilePolicy::Restricted(dir.to_path_buf())).unwrap();
        apply(&c).unwrap();
    }

    fn read(dir: &std::path::Path, name: &str) -> String {
        flush();
        std::fs::read_to_string(dir.join(name)).unwrap_or_default()
    }

    #[test]
    fn default_configuration_is_info() {
        let _g = lock();
        init("kea-dhcp4", false).unwrap();
        let active = ACTIVE.load();
        assert_eq!(
            active.threshold_for("kea-dhcp4.packets"),
            threshold(Severity::Info, 0)
        );
        assert_eq!(
            active.threshold_for("kea-dhcp4"),
            threshold(Severity::Info, 0)
        );
        reset("kea-dhcp4", true);
        assert_eq!(ACTIVE.load().threshold_for("kea-dhcp4.leases"), 1);
    }

    #[test]
    fn filtering_inheritance_and_file_output() {
        let _g = lock();
        init("kea-dhcp4", false).unwrap();
        let dir = tempfile::tempdir().unwrap();
        configure(
            dir.path(),
            json!([
                {"name": "kea-dhcp4", "severity": "WARN",
                 "output-options": [{"output": "root.log", "pattern": "%p %c %m\n"}]},
                {"name": "kea-dhcp4.packets", "severity": "DEBUG", "debuglevel": 40,
                 "output-options": [{"output": "packets.log", "pattern": "%p %c %m\n"}]},
                {"name": "kea-dhcp4.leases", "severity": "INFO"},
                {"name": "kea-dhcp4.options", "severity": "NONE"}
            ]),
        );
        crate::kea_log!(loggers::DHCP4, messages::DHCP4_STARTED, "3.0.0"); // INFO < WARN
        crate::kea_log!(loggers::DHCP4, messages::DHCP4_NOT_RUNNING); // WARN
        crate::kea_log!(
            loggers::PACKETS,
            messages::DHCP4_BUFFER_RECEIVED,
            "10.0.0.1",
            68,
            "10.0.0.2",
            67,
            "eth0"
        ); // DEBUG 40
        crate::kea_log!(
            loggers::PACKETS,
            messages::DHCP4_BUFFER_UNPACK,
            "a",
            "b",
            "c"
        ); // DEBUG 50 > 40
        crate::kea_log!(
            loggers::LEASES,
            messages::DHCP4_LEASE_ALLOC,
            "[hwtype=1 00:01]",
            "10.0.0.5",
            3600
        );
        crate::kea_log!("options", messages::DHCP4_NOT_RUNNING); // NONE
        const SUB: &str = "kea-dhcp4.packets.sub";
        crate::kea_log!(SUB, messages::DHCP4_BUFFER_WAIT_SIGNAL); // DEBUG 50, inherits 40
        let root = read(dir.path(), "root.log");
        let packets = read(dir.path(), "packets.log");
        assert_eq!(
            root,
            "WARN kea-dhcp4.dhcp4 DHCP4_NOT_RUNNING DHCPv4 server is not running\n\
             INFO kea-dhcp4.leases DHCP4_LEASE_ALLOC [hwtype=1 00:01]: lease 10.0.0.5 has been allocated for 3600 seconds\n"
        );
        assert_eq!(
            packets,
            "DEBUG kea-dhcp4.packets DHCP4_BUFFER_RECEIVED received buffer from 10.0.0.1:68 to 10.0.0.2:67 over interface eth0\n"
        );
        init("kea-dhcp4", false).unwrap();
    }

    #[test]
    fn reconfiguration_switches_outputs_and_levels() {
        let _g = lock();
        init("kea-dhcp6", false).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let one = json!([{"name": "kea-dhcp6", "severity": "INFO",
            "output-options": [{"output": "a.log", "pattern": "%m\n"}]}]);
        configure(dir.path(), one);
        crate::kea_log!(loggers::ROOT, messages::DHCP6_STARTED, "x");
        crate::kea_log!(
            loggers::DHCP6,
            messages::DHCP6_BUFFER_RECEIVED,
            1,
            2,
            3,
            4,
            5
        );
        configure(
            dir.path(),
            json!([{"name": "kea-dhcp6", "severity": "DEBUG", "debuglevel": 99,
                "output-options": [{"output": "b.log", "pattern": "%m\n"}]}]),
        );
        crate::kea_log!(loggers::ROOT, messages::DHCP6_STARTED, "y");
        crate::kea_log!(
            loggers::DHCP6,
            messages::DHCP6_BUFFER_RECEIVED,
            1,
            2,
            3,
            4,
            5
        );
        assert_eq!(
            read(dir.path(), "a.log"),
            "DHCP6_STARTED Kea DHCPv6 server version x started\n"
        );
        let b = read(dir.path(), "b.log");
        assert!(
            b.starts_with(
                "DHCP6_STARTED Kea DHCPv6 server version y started\nDHCP6_BUFFER_RECEIVED "
            ),
            "{b}"
        );
        init("kea-dhcp6", false).unwrap();
    }

    #[test]
    fn no_message_is_lost_while_reconfiguring() {
        let _g = lock();
        init("kea-dhcp4", false).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let config = |file: &str| {
            parse_loggers(
                &json!([{"name": "kea-dhcp4", "severity": "INFO",
                    "output-options": [{"output": file, "pattern": "%m\n", "flush": false}]}]),
                &LogFilePolicy::Restricted(dir.path().to_path_buf()),
            )
            .unwrap()
        };
        let (a, b) = (config("a.log"), config("b.log"));
        apply(&a).unwrap();
        const THREADS: usize = 4;
        const PER_THREAD: usize = 2000;
        let done = std::sync::atomic::AtomicUsize::new(0);
        std::thread::scope(|scope| {
            for t in 0..THREADS {
                let done = &done;
                scope.spawn(move || {
                    for i in 0..PER_THREAD {
                        crate::kea_log!(loggers::LEASES, messages::DHCP4_LEASE_ALLOC, t, i, 1);
                    }
                    done.fetch_add(1, Ordering::SeqCst);
                });
            }
            let mut flip = false;
            while done.load(Ordering::SeqCst) < THREADS {
                apply(if flip { &a } else { &b }).unwrap();
                flip = !flip;
                std::thread::yield_now();
            }
        });
        let total =
            read(dir.path(), "a.log").lines().count() + read(dir.path(), "b.log").lines().count();
        assert_eq!(total, THREADS * PER_THREAD);
        init("kea-dhcp4", false).unwrap();
    }

    #[test]
    fn verbose_overrides_configured_severities() {
        let _g = lock();
        init("kea-dhcp4", true).unwrap();
        let dir = tempfile::tempdir().unwrap();
        configure(
            dir.path(),
            json!([{"name": "kea-dhcp4", "severity": "NONE",
                "output-options": [{"output": "v.log", "pattern": "%m\n"}]}]),
        );
        crate::kea_log!(loggers::PACKETS, messages::DHCP4_BUFFER_WAIT_SIGNAL);
        assert_eq!(
            read(dir.path(), "v.log"),
            "DHCP4_BUFFER_WAIT_SIGNAL signal received while waiting for next packet\n"
        );
        init("kea-dhcp4", false).unwrap();
    }

    struct Counted<'a>(&'a std::sync::atomic::AtomicUsize);

    impl fmt::Display for Counted<'_> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            self.0.fetch_add(1, Ordering::SeqCst);
            f.write_str("counted")
        }
    }

    #[test]
    fn filtered_messages_neither_evaluate_nor_format_arguments() {
        let _g = lock();
        init("kea-dhcp4", false).unwrap();
        let dir = tempfile::tempdir().unwrap();
        configure(
            dir.path(),
            json!([{"name": "kea-dhcp4", "severity": "INFO",
                "output-options": [{"output": "c.log", "pattern": "%m\n"}]}]),
        );
        let formatted = std::sync::atomic::AtomicUsize::new(0);
        let evaluated = std::sync::atomic::AtomicUsize::new(0);
        let arg = || {
            evaluated.fetch_add(1, Ordering::SeqCst);
            Counted(&formatted)
        };
        assert!(!crate::kea_log_enabled!(
            loggers::PACKETS,
            messages::DHCP4_BUFFER_WAIT_SIGNAL
        ));
        assert!(crate::kea_log_enabled!(
            "leases",
            messages::DHCP4_LEASE_ALLOC
        ));
        crate::kea_log!(loggers::PACKETS, messages::DHCP4_BUFFER_WAIT_SIGNAL, arg());
        crate::kea_log!(loggers::PACKETS, messages::DHCP4_QUERY_DATA, arg(), arg());
        assert_eq!(
            (
                evaluated.load(Ordering::SeqCst),
                formatted.load(Ordering::SeqCst)
            ),
            (0, 0)
        );
        crate::kea_log!(
            loggers::LEASES,
            messages::DHCP4_LEASE_ALLOC,
            arg(),
            "10.0.0.1",
            60
        );
        assert_eq!(
            (
                evaluated.load(Ordering::SeqCst),
                formatted.load(Ordering::SeqCst)
            ),
            (1, 1)
        );
        assert_eq!(
            read(dir.path(), "c.log"),
            "DHCP4_LEASE_ALLOC counted: lease 10.0.0.1 has been allocated for 60 seconds\n"
        );
        init("kea-dhcp4", false).unwrap();
    }

    #[test]
    fn syslog_output_accepts_messages() {
        let _g = lock();
        init("kea-dhcp4", false).unwrap();
        let c = parse_loggers(
            &json!([{"name": "kea-dhcp4", "severity": "INFO", "output-options": [{"output": "syslog:local7"}]}]),
            &LogFilePolicy::Unrestricted,
        )
        .unwrap();
        apply(&c).unwrap();
        crate::kea_log!(loggers::DHCP4, messages::DHCP4_NOT_RUNNING);
        init("kea-dhcp4", false).unwrap();
    }

    #[test]
    fn failed_apply_changes_nothing() {
        let _g = lock();
        init("kea-dhcp4", false).unwrap();
        let missing = std::path::PathBuf::from("/nonexistent-kea-log-dir");
        let c = parse_loggers(
            &json!([{"name": "kea-dhcp4", "severity": "NONE", "output-options": [{"output": "x.log"}]}]),
            &LogFilePolicy::Restricted(missing),
        )
        .unwrap();
        let before = GENERATION.load(Ordering::Acquire);
        let err = apply(&c).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("cannot open log output /nonexistent-kea-log-dir/x.log"),
            "{err}"
        );
        assert_eq!(GENERATION.load(Ordering::Acquire), before);
        assert_eq!(
            ACTIVE.load().threshold_for("kea-dhcp4"),
            threshold(Severity::Info, 0)
        );
    }

    #[test]
    fn file_rotation_through_the_logger() {
        let _g = lock();
        init("kea-dhcp4", false).unwrap();
        let dir = tempfile::tempdir().unwrap();
        configure(
            dir.path(),
            json!([{"name": "kea-dhcp4", "severity": "INFO",
                "output-options": [{"output": "r.log", "maxsize": 204800, "maxver": 3}]}]),
        );
        let big = "z".repeat(1000);
        for _ in 0..700 {
            crate::kea_log!(loggers::DHCP4, messages::DHCP4_STARTED, big);
        }
        flush();
        for name in ["r.log", "r.log.1", "r.log.2", "r.log.3"] {
            assert!(dir.path().join(name).exists(), "{name} missing");
        }
        assert!(!dir.path().join("r.log.4").exists());
        let size = std::fs::metadata(dir.path().join("r.log.1")).unwrap().len();
        assert!((204_800..204_800 + 1200).contains(&size), "{size}");
        init("kea-dhcp4", false).unwrap();
    }
}
