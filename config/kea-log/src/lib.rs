//! Kea-compatible logging (Kea ARM ch. 20 and the message catalogue of ch. 26).
//!
//! * [`messages`] — the catalogue: one `pub const` [`Message`] per Kea message ID with
//!   its [`Level`] and text template (`%1`, `%2`…). Adding a message is one line there.
//! * [`loggers`] — logger names ([`LoggerName`]): `loggers::PACKETS` is
//!   `kea-dhcp4.packets` in kea-dhcp4 and `kea-dhcp6.packets` in kea-dhcp6.
//! * [`kea_log!`] — `kea_log!(loggers::LEASES, messages::DHCP4_LEASE_ALLOC, client, addr, secs)`;
//!   the logger may also be a constant `&str` (`"packets"`, `"kea-netconf"`). A
//!   filtered-out call costs two relaxed atomic loads and formats nothing;
//!   [`kea_log_enabled!`] asks the same question without logging.
//! * [`init`] (root logger name, `-d`), [`parse_loggers`] (the `loggers` JSON list →
//!   [`LoggingConfig`], checking values and the log-file directory), [`apply`]
//!   (switch to a configuration at start-up or on config-set/config-reload), [`flush`].
//! * Events go through `tracing` (target = logger name as written in code, fields
//!   `kea_id`, `kea_severity`, `kea_debuglevel`, `kea_text`); [`KeaLayer`] writes Kea's
//!   lines (default pattern `%D{%Y-%m-%d %H:%M:%S.%q} %-5p [%c/%i.%t] %m\n`) to stdout,
//!   stderr, syslog or rotating files.
//!
//! ```
//! use kea_log::{kea_log, loggers, messages};
//! kea_log::init("kea-dhcp4", false).expect("no other subscriber");
//! kea_log!(loggers::DHCP4, messages::DHCP4_STARTED, "3.0.0");
//! // DEBUG 40 is below the default INFO: nothing is formatted or written.
//! kea_log!("packets", messages::DHCP4_BUFFER_RECEIVED, "192.0.2.1", 68, "192.0.2.2", 67, "eth0");
//! ```
//!
//! Inheritance: a logger without an entry uses its nearest configured ancestor's
//! severity and outputs, up to the root logger (INFO to stdout when not configured).
//! A configured logger with `output-options` writes only there, not also to its
//! parent's outputs (Kea 2.2 behaves the same); one without `output-options` uses its
//! ancestor's outputs, as ARM §20.1.1.1 documents.

pub mod catalogue;
pub mod config;
pub mod level;
pub mod loggers;
pub mod messages;
pub mod paths;
pub mod pattern;
mod runtime;
mod sink;

pub use catalogue::Message;
pub use config::{
    Destination, LogConfigError, LogFilePolicy, LoggerConfig, LoggingConfig, OutputConfig,
    SyslogFacility, parse_loggers,
};
pub use level::{Level, Severity};
pub use loggers::LoggerName;
pub use runtime::{KeaLayer, LogError, apply, flush, init, reset, root_name};

/// Items used by the macros; not part of the API.
#[doc(hidden)]
pub mod __private {
    pub use crate::runtime::CallsiteCache;
    pub use tracing;

    /// Turns a logger given as [`LoggerName`](crate::LoggerName) or `&'static str`
    /// into its name in a const context (one inherent `get` per accepted type).
    pub struct NameOf<T>(pub T);

    impl NameOf<crate::LoggerName> {
        pub const fn get(self) -> &'static str {
            self.0.as_str()
        }
    }

    impl NameOf<&'static str> {
        pub const fn get(self) -> &'static str {
            self.0
        }
    }
}

/// Logs a catalogued message: `kea_log!(logger, MESSAGE, args…)`.
///
/// `logger` is a constant [`LoggerName`] (e.g. `kea_log::loggers::PACKETS`) or a
/// constant `&'static str` (literal or `const`); `MESSAGE` is a path to a [`Message`] constant; each argument implements
/// `Display` and replaces `%1`, `%2`… in order. Arguments are evaluated and formatted
/// only when the message passes the logger's severity/debuglevel.
#[macro_export]
macro_rules! kea_log {
    ($logger:expr, $msg:path $(, $arg:expr)* $(,)?) => {
        $crate::__kea_log_impl!($crate::__private::NameOf($logger).get(), $msg $(, $arg)*)
    };
}

/// Whether `kea_log!(logger, MESSAGE, …)` would currently be written:
/// `if kea_log_enabled!(loggers::PACKETS, messages::DHCP4_QUERY_DATA) { … }`. Useful when
/// an expensive value feeds several messages; `kea_log!` alone is already lazy.
#[macro_export]
macro_rules! kea_log_enabled {
    ($logger:expr, $msg:path $(,)?) => {{
        const __KEA_NAME: &str = $crate::__private::NameOf($logger).get();
        const __KEA_MSG: $crate::Message = $msg;
        static __KEA_CACHE: $crate::__private::CallsiteCache =
            $crate::__private::CallsiteCache::new();
        __KEA_CACHE.enabled(__KEA_NAME, __KEA_MSG.level.rank())
    }};
}

#[doc(hidden)]
#[macro_export]
macro_rules! __kea_log_impl {
    ($name:expr, $msg:path $(, $arg:expr)*) => {{
        const __KEA_NAME: &str = $name;
        const __KEA_MSG: $crate::Message = $msg;
        static __KEA_CACHE: $crate::__private::CallsiteCache = $crate::__private::CallsiteCache::new();
        if __KEA_CACHE.enabled(__KEA_NAME, __KEA_MSG.level.rank()) {
            let __kea_text = __KEA_MSG.render(&[$(&$arg as &dyn ::core::fmt::Display),*]);
            $crate::__private::tracing::event!(
                target: __KEA_NAME,
                { __KEA_MSG.level.tracing_level() },
                kea_id = __KEA_MSG.id,
                kea_severity = __KEA_MSG.level.as_str(),
                kea_debuglevel = __KEA_MSG.level.debug_level() as u64,
                kea_text = __kea_text.as_str()
            );
        }
    }};
}
