//! Midtrans' clock: every time it sends or accepts is Western Indonesia Time (WIB, UTC+7),
//! written `YYYY-MM-DD HH:MM:SS` without a zone (answers) or with ` +0700` (requests).

use chrono::{DateTime, FixedOffset, NaiveDateTime, TimeZone, Utc};

const FORMAT: &str = "%Y-%m-%d %H:%M:%S";

/// UTC+7.
pub const WIB: FixedOffset = match FixedOffset::east_opt(7 * 3600) {
    Some(offset) => offset,
    None => panic!("UTC+7 is a valid offset"),
};

/// Parses a Midtrans time (`2026-03-01 14:05:09`, WIB) into UTC. Also accepts an explicit
/// offset (`2026-03-01 14:05:09 +0700`). `None` for anything else.
pub fn parse(s: &str) -> Option<DateTime<Utc>> {
    let s = s.trim();
    if let Ok(t) = DateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S %z") {
        return Some(t.with_timezone(&Utc));
    }
    let naive = NaiveDateTime::parse_from_str(s, FORMAT).ok()?;
    WIB.from_local_datetime(&naive)
        .single()
        .map(|t| t.with_timezone(&Utc))
}

/// `YYYY-MM-DD HH:MM:SS` in WIB, as Midtrans writes times in answers and notifications.
pub fn format(at: DateTime<Utc>) -> String {
    at.with_timezone(&WIB).format(FORMAT).to_string()
}

/// `YYYY-MM-DD HH:MM:SS +0700`, as Midtrans wants `expiry.start_time` / `custom_expiry.order_time`.
pub fn format_with_offset(at: DateTime<Utc>) -> String {
    at.with_timezone(&WIB)
        .format("%Y-%m-%d %H:%M:%S %z")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_wib_to_utc_and_back() {
        let t = parse("2026-03-01 14:05:09").unwrap();
        assert_eq!(t.to_rfc3339(), "2026-03-01T07:05:09+00:00");
        assert_eq!(format(t), "2026-03-01 14:05:09");
        assert_eq!(format_with_offset(t), "2026-03-01 14:05:09 +0700");
        assert_eq!(parse("2026-03-01 14:05:09 +0700"), Some(t));
        assert_eq!(parse("2026-03-01 07:05:09 +0000"), Some(t));
        let midnight = parse("2026-03-01 03:00:00").unwrap();
        assert_eq!(midnight.to_rfc3339(), "2026-02-28T20:00:00+00:00");
        assert_eq!(parse(""), None);
        assert_eq!(parse("01-03-2026"), None);
    }
}
