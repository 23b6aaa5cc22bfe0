//! log4cplus-style layout patterns as Kea documents them (ARM §20.1.2): conversions
//! `%d{…}` (UTC) `%D{…}` (local time) `%p` `%c` `%c{n}` `%i` `%t` `%T` `%m` `%n` `%%`
//! `%h` `%H` `%E{VAR}` `%r` `%F` `%L` `%l` `%b` `%M`, each with optional `-` (left
//! align), minimum width and `.max` (keeps the last `max` characters, as log4cplus
//! truncates from the beginning). Date formats are strftime plus `%q` (milliseconds)
//! and `%Q` (milliseconds with a microsecond fraction).

use std::fmt::Write;
use std::sync::OnceLock;
use std::time::{Instant, SystemTime};

use chrono::format::{Item, StrftimeItems};

use crate::level::Level;

/// Kea's default pattern for stdout, stderr and files.
pub const DEFAULT_PATTERN: &str = "%D{%Y-%m-%d %H:%M:%S.%q} %-5p [%c/%i.%t] %m\n";
/// Kea's default pattern for syslog (no time, no pid: syslog adds them).
pub const DEFAULT_SYSLOG_PATTERN: &str = "%-5p [%c.%t] %m\n";
/// Date format used by `%d`/`%D` without braces.
const DEFAULT_DATE_FORMAT: &str = "%Y-%m-%d %H:%M:%S,%q";

/// Everything a pattern can show about one log event.
#[derive(Debug, Clone, Copy)]
pub struct Record<'a> {
    pub time: SystemTime,
    pub level: Level,
    /// Full logger name, e.g. `kea-dhcp4.packets`.
    pub logger: &'a str,
    /// Message ID, e.g. `DHCP4_STARTED`.
    pub id: &'a str,
    /// Message text with its placeholders already substituted.
    pub text: &'a str,
    pub file: Option<&'a str>,
    pub line: Option<u32>,
    pub module: Option<&'a str>,
}

/// Error in a `pattern` string.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PatternError {
    #[error("unsupported conversion '%{0}' in pattern")]
    UnknownConversion(char),
    #[error("pattern ends with an incomplete conversion")]
    Incomplete,
    #[error("unterminated '{{' in pattern")]
    UnterminatedBrace,
    #[error("invalid date format '{0}' in pattern")]
    BadDateFormat(String),
    #[error("invalid precision '{0}' for %c in pattern")]
    BadLoggerPrecision(String),
}

/// A parsed layout pattern, ready to render records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pattern {
    source: String,
    pieces: Vec<Piece>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    Literal(String),
    Conversion(Spec, Conversion),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
struct Spec {
    left_align: bool,
    min_width: usize,
    max_width: Option<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Conversion {
    Date { utc: bool, parts: Vec<DatePart> },
    Severity,
    Logger { last_components: Option<usize> },
    Pid,
    ThreadId,
    ThreadName,
    Message,
    Newline,
    Hostname,
    Fqdn,
    Env(String),
    Relative,
    File,
    Line,
    Location,
    Basename,
    Function,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum DatePart {
    Strftime(String),
    Millis,
    Micros,
}

impl Pattern {
    /// Parses a pattern; unknown conversions and bad date formats are errors.
    pub fn parse(source: &str) -> Result<Pattern, PatternError> {
        let mut pieces = Vec::new();
        let mut literal = String::new();
        let mut chars = source.chars().peekable();
        while let Some(c) = chars.next() {
            if c != '%' {
                literal.push(c);
                continue;
            }
            let mut spec = Spec::default();
            if chars.peek() == Some(&'%') {
                chars.next();
                literal.push('%');
                continue;
            }
            if chars.peek() == Some(&'-') {
                chars.next();
                spec.left_align = true;
            }
            spec.min_width = take_number(&mut chars).unwrap_or(0);
            if chars.peek() == Some(&'.') {
                chars.next();
                spec.max_width = Some(take_number(&mut chars).ok_or(PatternError::Incomplete)?);
            }
            let conv = chars.next().ok_or(PatternError::Incomplete)?;
            let option = if chars.peek() == Some(&'{') && matches!(conv, 'd' | 'D' | 'E' | 'c') {
                chars.next();
                let mut inner = String::new();
                loop {
                    match chars.next() {
                        Some('}') => break,
                        Some(ch) => inner.push(ch),
                        None => return Err(PatternError::UnterminatedBrace),
                    }
                }
                Some(inner)
            } else {
                None
            };
            let conversion = match conv {
                'd' | 'D' => Conversion::Date {
                    utc: conv == 'd',
                    parts: parse_date_format(option.as_deref().unwrap_or(DEFAULT_DATE_FORMAT))?,
                },
                'p' => Conversion::Severity,
                'c' => Conversion::Logger {
                    last_components: match option {
                        None => None,
                        Some(n) => Some(
                            n.parse::<usize>()
                                .ok()
                                .filter(|v| *v > 0)
                                .ok_or(PatternError::BadLoggerPrecision(n))?,
                        ),
                    },
                },
                'i' => Conversion::Pid,
                't' => Conversion::ThreadId,
                'T' => Conversion::ThreadName,
                'm' => Conversion::Message,
                'n' => Conversion::Newline,
                'h' => Conversion::Hostname,
                'H' => Conversion::Fqdn,
                'E' => Conversion::Env(option.unwrap_or_default()),
                'r' => Conversion::Relative,
                'F' => Conversion::File,
                'L' => Conversion::Line,
                'l' => Conversion::Location,
                'b' => Conversion::Basename,
                'M' => Conversion::Function,
                other => return Err(PatternError::UnknownConversion(other)),
            };
            if !literal.is_empty() {
                pieces.push(Piece::Literal(std::mem::take(&mut literal)));
            }
            pieces.push(Piece::Conversion(spec, conversion));
        }
        if !literal.is_empty() {
            pieces.push(Piece::Literal(literal));
        }
        Ok(Pattern {
            source: source.to_string(),
            pieces,
        })
    }

    /// The pattern text as configured.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// Appends the rendering of `record` to `out`.
    pub fn render(&self, record: &Record<'_>, out: &mut String) {
        let mut scratch = String::new();
        for piece in &self.pieces {
            match piece {
                Piece::Literal(text) => out.push_str(text),
                Piece::Conversion(spec, conv) if *spec == Spec::default() => {
                    render_conversion(conv, record, out)
                }
                Piece::Conversion(spec, conv) => {
                    scratch.clear();
                    render_conversion(conv, record, &mut scratch);
                    apply_spec(spec, &scratch, out);
                }
            }
        }
    }

    /// Renders `record` into a new string.
    pub fn format(&self, record: &Record<'_>) -> String {
        let mut out = String::with_capacity(128);
        self.render(record, &mut out);
        out
    }
}

fn take_number(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) -> Option<usize> {
    let mut value: Option<usize> = None;
    while let Some(d) = chars.peek().and_then(|c| c.to_digit(10)) {
        chars.next();
        value = Some(
            value
                .unwrap_or(0)
                .saturating_mul(10)
                .saturating_add(d as usize),
        );
    }
    value
}

fn parse_date_format(format: &str) -> Result<Vec<DatePart>, PatternError> {
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut chars = format.chars();
    while let Some(c) = chars.next() {
        if c != '%' {
            current.push(c);
            continue;
        }
        match chars.next() {
            Some(q @ ('q' | 'Q')) => {
                if !current.is_empty() {
                    parts.push(DatePart::Strftime(std::mem::take(&mut current)));
                }
                parts.push(if q == 'q' {
                    DatePart::Millis
                } else {
                    DatePart::Micros
                });
            }
            Some(other) => {
                current.push('%');
                current.push(other);
            }
            None => return Err(PatternError::BadDateFormat(format.to_string())),
        }
    }
    if !current.is_empty() {
        parts.push(DatePart::Strftime(current));
    }
    for part in &parts {
        if let DatePart::Strftime(f) = part
            && StrftimeItems::new(f).any(|item| matches!(item, Item::Error))
        {
            return Err(PatternError::BadDateFormat(format.to_string()));
        }
    }
    Ok(parts)
}

fn apply_spec(spec: &Spec, value: &str, out: &mut String) {
    let mut value = value;
    if let Some(max) = spec.max_width {
        let count = value.chars().count();
        if count > max {
            let skip = count - max;
            let start = value
                .char_indices()
                .nth(skip)
                .map_or(value.len(), |(i, _)| i);
            value = &value[start..];
        }
    }
    let count = value.chars().count();
    let pad = spec.min_width.saturating_sub(count);
    if !spec.left_align {
        out.extend(std::iter::repeat_n(' ', pad));
    }
    out.push_str(value);
    if spec.left_align {
        out.extend(std::iter::repeat_n(' ', pad));
    }
}

fn render_conversion(conv: &Conversion, r: &Record<'_>, out: &mut String) {
    match conv {
        Conversion::Date { utc, parts } => render_date(r.time, *utc, parts, out),
        Conversion::Severity => out.push_str(r.level.as_str()),
        Conversion::Logger { last_components } => match last_components {
            None => out.push_str(r.logger),
            Some(n) => {
                let mut start = r.logger.len();
                let mut seen = 0;
                for (i, c) in r.logger.char_indices().rev() {
                    if c == '.' {
                        seen += 1;
                        if seen == *n {
                            break;
                        }
                    }
                    start = i;
                }
                out.push_str(&r.logger[start..]);
            }
        },
        Conversion::Pid => {
            let _ = write!(out, "{}", std::process::id());
        }
        Conversion::ThreadId => {
            let _ = write!(out, "{}", thread_ids().0);
        }
        Conversion::ThreadName => {
            let _ = write!(out, "{}", thread_ids().1);
        }
        Conversion::Message => {
            out.push_str(r.id);
            out.push(' ');
            out.push_str(r.text);
        }
        Conversion::Newline => out.push('\n'),
        Conversion::Hostname => out.push_str(hostname()),
        Conversion::Fqdn => out.push_str(fqdn()),
        Conversion::Env(var) => {
            if let Ok(v) = std::env::var(var) {
                out.push_str(&v);
            }
        }
        Conversion::Relative => {
            let _ = write!(out, "{}", process_start().elapsed().as_millis());
        }
        Conversion::File => out.push_str(r.file.unwrap_or("")),
        Conversion::Line => {
            if let Some(l) = r.line {
                let _ = write!(out, "{l}");
            }
        }
        Conversion::Location => {
            let _ = write!(out, "{}:{}", r.file.unwrap_or(""), r.line.unwrap_or(0));
        }
        Conversion::Basename => {
            let f = r.file.unwrap_or("");
            out.push_str(f.rsplit('/').next().unwrap_or(f));
        }
        Conversion::Function => out.push_str(r.module.unwrap_or("")),
    }
}

fn render_date(time: SystemTime, utc: bool, parts: &[DatePart], out: &mut String) {
    let since_epoch = time
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap_or_default();
    let nanos = since_epoch.subsec_nanos();
    for part in parts {
        match part {
            DatePart::Strftime(f) => render_strftime(time, since_epoch.as_secs(), utc, f, out),
            DatePart::Millis => {
                let _ = write!(out, "{:03}", nanos / 1_000_000);
            }
            DatePart::Micros => {
                let micros = nanos / 1_000;
                let _ = write!(out, "{:03}.{:03}", micros / 1000, micros % 1000);
            }
        }
    }
}

/// Formats a strftime fragment, reusing the previous result while the second is
/// the same: time-zone conversion and strftime cost microseconds per line otherwise.
/// Fragments with sub-second fields (`%f`) are not cached.
fn render_strftime(time: SystemTime, second: u64, utc: bool, format: &str, out: &mut String) {
    struct Cached {
        format: String,
        utc: bool,
        second: u64,
        text: String,
    }
    thread_local! {
        static CACHE: std::cell::RefCell<Vec<Cached>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    let fresh = |buf: &mut String| {
        // Formats were validated at parse time, so writing cannot fail.
        if utc {
            let _ = write!(
                buf,
                "{}",
                chrono::DateTime::<chrono::Utc>::from(time).format(format)
            );
        } else {
            let _ = write!(
                buf,
                "{}",
                chrono::DateTime::<chrono::Local>::from(time).format(format)
            );
        }
    };
    if has_subsecond_field(format) {
        return fresh(out);
    }
    CACHE.with(|cache| {
        let Ok(mut cache) = cache.try_borrow_mut() else {
            return fresh(out);
        };
        if let Some(c) = cache
            .iter_mut()
            .find(|c| c.utc == utc && c.format == format)
        {
            if c.second != second {
                c.text.clear();
                fresh(&mut c.text);
                c.second = second;
            }
            out.push_str(&c.text);
            return;
        }
        let mut text = String::new();
        fresh(&mut text);
        out.push_str(&text);
        if cache.len() >= 8 {
            cache.remove(0);
        }
        cache.push(Cached {
            format: format.to_string(),
            utc,
            second,
            text,
        });
    });
}

/// Whether a strftime format contains `%f`, `%.f`, `%3f`… (fractions of a second).
fn has_subsecond_field(format: &str) -> bool {
    let bytes = format.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let mut j = i + 1;
            while j < bytes.len() && (bytes[j] == b'.' || bytes[j].is_ascii_digit()) {
                j += 1;
            }
            if j < bytes.len() && bytes[j] == b'f' {
                return true;
            }
            i = j + 1;
        } else {
            i += 1;
        }
    }
    false
}

/// (`%t`, `%T`): pthread id as log4cplus prints it, and the kernel thread id.
fn thread_ids() -> (u64, i64) {
    thread_local! {
        static IDS: (u64, i64) = {
            // SAFETY: both calls have no preconditions and only return identifiers.
            let pthread = unsafe { libc::pthread_self() } as u64;
            let tid = unsafe { libc::syscall(libc::SYS_gettid) } as i64;
            (pthread, tid)
        };
    }
    IDS.with(|ids| *ids)
}

fn hostname() -> &'static str {
    static HOST: OnceLock<String> = OnceLock::new();
    HOST.get_or_init(|| {
        let mut buf = [0u8; 256];
        // SAFETY: the buffer is valid for its length; gethostname NUL-terminates
        // unless truncated, and we stop at the first NUL or the end.
        let rc = unsafe { libc::gethostname(buf.as_mut_ptr().cast(), buf.len()) };
        if rc != 0 {
            return String::new();
        }
        let end = buf.iter().position(|b| *b == 0).unwrap_or(buf.len());
        String::from_utf8_lossy(&buf[..end]).into_owned()
    })
}

/// The canonical name of this host (`%H`), resolved once; the host name if the
/// resolver has no better answer.
fn fqdn() -> &'static str {
    static FQDN: OnceLock<String> = OnceLock::new();
    FQDN.get_or_init(|| {
        let host = hostname();
        let Ok(node) = std::ffi::CString::new(host) else {
            return host.to_string();
        };
        // SAFETY: a zeroed addrinfo is a valid "no constraints" hint; the result list
        // is only read while valid and freed exactly once.
        unsafe {
            let mut hints: libc::addrinfo = std::mem::zeroed();
            hints.ai_flags = libc::AI_CANONNAME;
            let mut result: *mut libc::addrinfo = std::ptr::null_mut();
            if libc::getaddrinfo(node.as_ptr(), std::ptr::null(), &hints, &mut result) != 0
                || result.is_null()
            {
                return host.to_string();
            }
            let canon = (*result).ai_canonname;
            let name = if canon.is_null() {
                host.to_string()
            } else {
                std::ffi::CStr::from_ptr(canon)
                    .to_string_lossy()
                    .into_owned()
            };
            libc::freeaddrinfo(result);
            name
        }
    })
}

/// Time origin of `%r`; fixed by the first call (made when logging is initialised).
pub(crate) fn process_start() -> Instant {
    static START: OnceLock<Instant> = OnceLock::new();
    *START.get_or_init(Instant::now)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn record(level: Level) -> Record<'static> {
        Record {
            // 2019-08-05 14:27:45.871234 UTC
            time: SystemTime::UNIX_EPOCH + Duration::from_micros(1_565_015_265_871_234),
            level,
            logger: "kea-dhcp4.dhcpsrv",
            id: "DHCPSRV_TIMERMGR_START_TIMER",
            text: "starting timer: reclaim-expired-leases",
            file: Some("src/lease/timer.rs"),
            line: Some(179),
            module: Some("dhcp_lease::timer"),
        }
    }

    #[test]
    fn default_pattern_matches_kea_layout() {
        let p = Pattern::parse(DEFAULT_PATTERN).unwrap();
        let line = p.format(&record(Level::Info));
        let local = chrono::DateTime::<chrono::Local>::from(record(Level::Info).time)
            .format("%Y-%m-%d %H:%M:%S")
            .to_string();
        let (pthread, _) = thread_ids();
        let expected = format!(
            "{local}.871 INFO  [kea-dhcp4.dhcpsrv/{}.{pthread}] DHCPSRV_TIMERMGR_START_TIMER starting timer: reclaim-expired-leases\n",
            std::process::id()
        );
        assert_eq!(line, expected);
        let debug = p.format(&record(Level::Debug(40)));
        assert!(debug.contains(" DEBUG [kea-dhcp4.dhcpsrv/"), "{debug}");
    }

    #[test]
    fn syslog_default_pattern() {
        let p = Pattern::parse(DEFAULT_SYSLOG_PATTERN).unwrap();
        let (pthread, _) = thread_ids();
        assert_eq!(
            p.format(&record(Level::Warn)),
            format!(
                "WARN  [kea-dhcp4.dhcpsrv.{pthread}] DHCPSRV_TIMERMGR_START_TIMER starting timer: reclaim-expired-leases\n"
            )
        );
    }

    #[test]
    fn utc_date_with_custom_format_and_micros() {
        let p = Pattern::parse("%d{%j %H:%M:%S.%q|%Q} %c %m%n").unwrap();
        assert_eq!(
            p.format(&record(Level::Info)),
            "217 14:27:45.871|871.234 kea-dhcp4.dhcpsrv DHCPSRV_TIMERMGR_START_TIMER starting timer: reclaim-expired-leases\n"
        );
    }

    #[test]
    fn date_cache_follows_the_clock() {
        let p = Pattern::parse("%d{%H:%M:%S}.%d{%q}|%d{%S%.3f}").unwrap();
        let mut r = record(Level::Info);
        assert_eq!(p.format(&r), "14:27:45.871|45.871");
        r.time += Duration::from_millis(100);
        assert_eq!(p.format(&r), "14:27:45.971|45.971");
        r.time += Duration::from_millis(100);
        assert_eq!(p.format(&r), "14:27:46.071|46.071");
        r.time -= Duration::from_secs(3600);
        assert_eq!(p.format(&r), "13:27:46.071|46.071");
        assert!(
            has_subsecond_field("%S%.3f")
                && has_subsecond_field("%f")
                && !has_subsecond_field("%%f %S")
        );
    }

    #[test]
    fn width_and_truncation_modifiers() {
        let r = record(Level::Info);
        assert_eq!(Pattern::parse("[%8p]").unwrap().format(&r), "[    INFO]");
        assert_eq!(Pattern::parse("[%-8p]").unwrap().format(&r), "[INFO    ]");
        assert_eq!(Pattern::parse("[%.6c]").unwrap().format(&r), "[hcpsrv]");
        assert_eq!(
            Pattern::parse("[%-10.3p]").unwrap().format(&r),
            "[NFO       ]"
        );
        assert_eq!(
            Pattern::parse("%c{1}|%c{2}").unwrap().format(&r),
            "dhcpsrv|kea-dhcp4.dhcpsrv"
        );
        assert_eq!(
            Pattern::parse("100%% %b:%L %l").unwrap().format(&r),
            "100% timer.rs:179 src/lease/timer.rs:179"
        );
    }

    #[test]
    fn thread_and_env_conversions() {
        let r = record(Level::Info);
        let (_, tid) = thread_ids();
        assert_eq!(Pattern::parse("%T").unwrap().format(&r), tid.to_string());
        // PATH is always set in the test environment.
        let path = std::env::var("PATH").unwrap_or_default();
        assert_eq!(Pattern::parse("%E{PATH}").unwrap().format(&r), path);
    }

    #[test]
    fn host_names() {
        let r = record(Level::Info);
        assert!(!Pattern::parse("%h").unwrap().format(&r).is_empty());
        // The canonical name depends on the resolver; it is never empty.
        assert!(!Pattern::parse("%H").unwrap().format(&r).is_empty());
    }

    #[test]
    fn bad_patterns_are_rejected() {
        assert_eq!(
            Pattern::parse("%z %m"),
            Err(PatternError::UnknownConversion('z'))
        );
        assert_eq!(Pattern::parse("%m %"), Err(PatternError::Incomplete));
        assert_eq!(
            Pattern::parse("%D{%Y"),
            Err(PatternError::UnterminatedBrace)
        );
        assert!(matches!(
            Pattern::parse("%D{%Y-%!}"),
            Err(PatternError::BadDateFormat(_))
        ));
        assert!(matches!(
            Pattern::parse("%c{x}"),
            Err(PatternError::BadLoggerPrecision(_))
        ));
    }
}
