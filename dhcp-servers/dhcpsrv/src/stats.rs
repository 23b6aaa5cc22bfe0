//! Statistics helpers shared by both servers.

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

#[cfg(test)]
mod tests {
    #[test]
    fn stamps_have_microseconds() {
        let text = super::format_stamp(1_700_000_000_123_456);
        assert!(text.ends_with(".123456"), "{text}");
        assert_eq!(text.len(), "2023-11-14 22:13:20.123456".len());
    }
}
