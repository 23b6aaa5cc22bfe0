//! The message type and the macro that builds the catalogue in `messages.rs`.

use crate::level::{Level, MAX_DEBUG_LEVEL};

/// One catalogued log message: Kea's unique ID, its level and its text template with
/// `%1`, `%2`… placeholders.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Message {
    pub id: &'static str,
    pub level: Level,
    pub text: &'static str,
}

impl Message {
    /// Builds a catalogue entry; a debug level above 99 fails at compile time.
    pub const fn new(id: &'static str, level: Level, text: &'static str) -> Message {
        if level.debug_level() > MAX_DEBUG_LEVEL {
            panic!("debug level of a message must be 0-99");
        }
        Message { id, level, text }
    }

    /// Substitutes `%1`…`%n` with `args` (Kea's convention): a placeholder without an
    /// argument stays as written; surplus arguments are appended after the text, so
    /// no information is lost when a call site passes too many.
    pub fn render(&self, args: &[&dyn std::fmt::Display]) -> String {
        use std::fmt::Write;
        let mut out = String::with_capacity(self.text.len() + 16 * args.len());
        let mut used = 0usize;
        let bytes = self.text.as_bytes();
        let mut i = 0;
        let mut literal_start = 0;
        while i < bytes.len() {
            if bytes[i] == b'%' && i + 1 < bytes.len() && bytes[i + 1].is_ascii_digit() {
                let mut j = i + 1;
                let mut n = 0usize;
                while j < bytes.len() && bytes[j].is_ascii_digit() {
                    n = n
                        .saturating_mul(10)
                        .saturating_add((bytes[j] - b'0') as usize);
                    j += 1;
                }
                if n >= 1 && n <= args.len() {
                    out.push_str(&self.text[literal_start..i]);
                    let _ = write!(out, "{}", args[n - 1]);
                    used = used.max(n);
                    literal_start = j;
                }
                i = j;
            } else {
                i += 1;
            }
        }
        out.push_str(&self.text[literal_start..]);
        for extra in &args[used.min(args.len())..] {
            let _ = write!(out, " {extra}");
        }
        out
    }
}

/// Defines one `pub const` [`Message`] per line plus `ALL`, the list of every entry.
/// Used only by `messages.rs`.
#[doc(hidden)]
#[macro_export]
macro_rules! kea_messages {
    ($($id:ident, $level:ident $(($dbg:literal))?, $text:literal;)*) => {
        $(
            #[doc = $text]
            pub const $id: $crate::Message =
                $crate::Message::new(stringify!($id), $crate::Level::$level $(($dbg))?, $text);
        )*
        /// Every catalogued message, sorted by ID.
        pub static ALL: &[$crate::Message] = &[$($id),*];
    };
}

/// Looks a message up by its ID (e.g. for tests or tools); code uses the constants.
pub fn find(id: &str) -> Option<&'static Message> {
    crate::messages::ALL
        .binary_search_by(|m| m.id.cmp(id))
        .ok()
        .map(|i| &crate::messages::ALL[i])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::messages;

    #[test]
    fn render_substitutes_in_any_order() {
        let m = Message::new("X", Level::Info, "%2 then %1, again %2");
        assert_eq!(m.render(&[&"a", &7]), "7 then a, again 7");
    }

    #[test]
    fn render_keeps_missing_and_appends_surplus() {
        let m = Message::new("X", Level::Info, "lease %1 for %3");
        assert_eq!(m.render(&[&"10.0.0.1"]), "lease 10.0.0.1 for %3");
        let m = Message::new("X", Level::Info, "only %1");
        assert_eq!(m.render(&[&1, &2]), "only 1 2");
        let m = Message::new("X", Level::Info, "100% sure: %10");
        let args: Vec<String> = (1..=10).map(|i| format!("a{i}")).collect();
        let refs: Vec<&dyn std::fmt::Display> =
            args.iter().map(|a| a as &dyn std::fmt::Display).collect();
        assert_eq!(m.render(&refs), "100% sure: a10");
    }

    #[test]
    fn catalogue_entries_are_well_formed() {
        for m in messages::ALL {
            assert!(
                m.id.bytes()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_'),
                "{}",
                m.id
            );
            assert!(!m.text.is_empty(), "{}", m.id);
            // Leftovers of the PDF conversion must not reach the logs.
            for bad in ['→', '□', '\\', '$', '⇒'] {
                assert!(!m.text.contains(bad), "{}: {}", m.id, m.text);
            }
            // Placeholders are %1..%n without gaps, as Kea's formatter expects.
            let mut seen = Vec::new();
            let bytes = m.text.as_bytes();
            for (i, _) in m.text.match_indices('%') {
                let digits: String = bytes[i + 1..]
                    .iter()
                    .take_while(|b| b.is_ascii_digit())
                    .map(|b| *b as char)
                    .collect();
                if let Ok(n) = digits.parse::<usize>() {
                    seen.push(n);
                }
            }
            seen.sort_unstable();
            seen.dedup();
            assert!(
                seen.iter().enumerate().all(|(i, n)| *n == i + 1),
                "{}: {:?}",
                m.id,
                seen
            );
        }
        assert!(messages::ALL.len() >= 850);
    }

    #[test]
    fn catalogue_is_sorted_unique_and_findable() {
        for pair in messages::ALL.windows(2) {
            assert!(pair[0].id < pair[1].id, "{} / {}", pair[0].id, pair[1].id);
        }
        assert_eq!(find("DHCP4_STARTED"), Some(&messages::DHCP4_STARTED));
        assert!(find("DHCP4_NO_SUCH").is_none());
        assert_eq!(
            messages::DHCP4_STARTED.text,
            "Kea DHCPv4 server version %1 started"
        );
        assert_eq!(messages::DHCP4_BUFFER_RECEIVED.level, Level::Debug(40));
        assert_eq!(messages::DCTL_ALREADY_RUNNING.level, Level::Error);
    }
}
