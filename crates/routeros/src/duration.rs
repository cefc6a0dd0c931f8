//! RouterOS durations: `1w2d3h4m5s`, `5m`, `0s`, `150ms`, `20us`, plain seconds, and the
//! old `HH:MM:SS` / `1d02:03:04` forms. Weeks are parsed (the reference's parser dropped
//! them, so an uptime of a week or more read as zero).

use std::time::Duration;

/// Parses a RouterOS duration. Returns `None` for anything that is not one (including
/// the empty string), never a silent zero.
#[must_use]
pub fn parse_duration(text: &str) -> Option<Duration> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    if text.bytes().all(|b| b.is_ascii_digit()) {
        return text.parse().ok().map(Duration::from_secs);
    }
    let mut total = Duration::ZERO;
    let mut rest = text;
    let mut last_rank = usize::MAX;
    while !rest.is_empty() {
        let digits = rest
            .find(|c: char| !c.is_ascii_digit() && c != '.')
            .unwrap_or(rest.len());
        if digits == 0 {
            return None;
        }
        let (number, tail) = rest.split_at(digits);
        if tail.starts_with(':') {
            // The clock part of the old format: what is left must be HH:MM:SS[.frac].
            return Some(total + parse_clock(rest)?);
        }
        let (unit_len, rank, nanos_per_unit) = unit(tail)?;
        if rank >= last_rank {
            return None;
        }
        last_rank = rank;
        total += scale(number, nanos_per_unit)?;
        rest = &tail[unit_len..];
    }
    Some(total)
}

/// (length of the unit suffix, ordering rank, nanoseconds per unit).
fn unit(tail: &str) -> Option<(usize, usize, u128)> {
    const S: u128 = 1_000_000_000;
    for (suffix, rank, nanos) in [
        ("ms", 2, 1_000_000),
        ("us", 1, 1_000),
        ("ns", 0, 1),
        ("w", 7, 7 * 86_400 * S),
        ("d", 6, 86_400 * S),
        ("h", 5, 3_600 * S),
        ("m", 4, 60 * S),
        ("s", 3, S),
    ] {
        if tail.starts_with(suffix) {
            return Some((suffix.len(), rank, nanos));
        }
    }
    None
}

fn scale(number: &str, nanos_per_unit: u128) -> Option<Duration> {
    let (int, frac) = number.split_once('.').unwrap_or((number, ""));
    if int.is_empty() && frac.is_empty() {
        return None;
    }
    let int: u128 = if int.is_empty() { 0 } else { int.parse().ok()? };
    let mut nanos = int.checked_mul(nanos_per_unit)?;
    if !frac.is_empty() {
        let digits = frac.len().min(9);
        let frac_value: u128 = frac[..digits].parse().ok()?;
        nanos += frac_value * nanos_per_unit / 10u128.pow(u32::try_from(digits).ok()?);
    }
    let secs = u64::try_from(nanos / 1_000_000_000).ok()?;
    Some(Duration::new(
        secs,
        u32::try_from(nanos % 1_000_000_000).ok()?,
    ))
}

fn parse_clock(text: &str) -> Option<Duration> {
    let mut parts = text.split(':');
    let h: u64 = parts.next()?.parse().ok()?;
    let m: u64 = parts.next()?.parse().ok()?;
    let s_part = parts.next()?;
    if parts.next().is_some() || m >= 60 {
        return None;
    }
    let s = scale(s_part, 1_000_000_000)?;
    if s >= Duration::from_secs(60) {
        return None;
    }
    Some(Duration::from_secs(h * 3600 + m * 60) + s)
}

/// Formats a duration the way RouterOS v7 prints it: `1w2d3h4m5s`, `0s`, with a trailing
/// `ms` part for sub-second precision.
#[must_use]
pub fn format_duration(d: Duration) -> String {
    let mut secs = d.as_secs();
    let millis = d.subsec_millis();
    let mut out = String::new();
    for (unit, size) in [
        ("w", 604_800),
        ("d", 86_400),
        ("h", 3_600),
        ("m", 60),
        ("s", 1),
    ] {
        let n = secs / size;
        secs %= size;
        if n > 0 {
            out.push_str(&n.to_string());
            out.push_str(unit);
        }
    }
    if millis > 0 {
        out.push_str(&millis.to_string());
        out.push_str("ms");
    }
    if out.is_empty() {
        out.push_str("0s");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secs(s: &str) -> Option<u64> {
        parse_duration(s).map(|d| d.as_secs())
    }

    #[test]
    fn parses_all_forms() {
        assert_eq!(
            secs("1w2d3h4m5s"),
            Some(7 * 86400 + 2 * 86400 + 3 * 3600 + 4 * 60 + 5)
        );
        assert_eq!(secs("2w"), Some(14 * 86400));
        assert_eq!(secs("5m"), Some(300));
        assert_eq!(secs("0s"), Some(0));
        assert_eq!(secs("45s"), Some(45));
        assert_eq!(secs("300"), Some(300));
        assert_eq!(secs("01:02:03"), Some(3723));
        assert_eq!(secs("1d02:03:04"), Some(86400 + 7384));
        assert_eq!(
            secs("2w3d04:05:06"),
            Some(17 * 86400 + 4 * 3600 + 5 * 60 + 6)
        );
        assert_eq!(parse_duration("150ms"), Some(Duration::from_millis(150)));
        assert_eq!(parse_duration("1s500ms"), Some(Duration::from_millis(1500)));
        assert_eq!(parse_duration("20us"), Some(Duration::from_micros(20)));
        assert_eq!(parse_duration("1.5s"), Some(Duration::from_millis(1500)));
        assert_eq!(
            parse_duration("00:00:01.250"),
            Some(Duration::from_millis(1250))
        );
    }

    #[test]
    fn weeks_are_not_dropped() {
        // The reference parser returns 0 for this; we must not.
        assert_eq!(secs("1w"), Some(604_800));
        assert_eq!(secs("3w6d23h59m59s"), Some(4 * 604_800 - 1));
    }

    #[test]
    fn rejects_garbage() {
        for bad in [
            "", "abc", "5x", "m5", "5s5m", "1:2", "00:61:00", "1w1w", "never",
        ] {
            assert_eq!(parse_duration(bad), None, "{bad}");
        }
    }

    #[test]
    fn formats_like_routeros() {
        assert_eq!(format_duration(Duration::ZERO), "0s");
        assert_eq!(format_duration(Duration::from_secs(300)), "5m");
        assert_eq!(
            format_duration(Duration::from_secs(9 * 86400 + 3725)),
            "1w2d1h2m5s"
        );
        assert_eq!(format_duration(Duration::from_millis(1500)), "1s500ms");
        for s in [0u64, 1, 59, 61, 3600, 86_399, 604_800, 10_000_000] {
            assert_eq!(
                parse_duration(&format_duration(Duration::from_secs(s))),
                Some(Duration::from_secs(s))
            );
        }
    }
}
