//! Display helpers over the domain's formats: dates `dd-mm-yyyy` in the operator's time zone,
//! data in MB/GB, money `Rp 10.000`.

use chrono::{DateTime, NaiveDate, Utc};
use saring_domain::{AppTz, Locale, Megabytes};

pub fn date(tz: AppTz, at: Option<DateTime<Utc>>) -> String {
    at.map(|t| tz.format_date(t))
        .unwrap_or_else(|| "–".to_owned())
}

pub fn datetime(tz: AppTz, at: Option<DateTime<Utc>>) -> String {
    at.map(|t| tz.format_datetime(t))
        .unwrap_or_else(|| "–".to_owned())
}

/// A calendar date (debt dates) as `dd-mm-yyyy`.
pub fn day(date: Option<NaiveDate>) -> String {
    date.map(|d| d.format("%d-%m-%Y").to_string())
        .unwrap_or_else(|| "–".to_owned())
}

pub fn mb(value: Megabytes, locale: Locale) -> String {
    value.display(locale)
}

/// Whole MB as the API sends them in the operator's types (`500 MB`, `1,5 GB`).
pub fn whole_mb(mb: i64, locale: Locale) -> String {
    Megabytes::from_whole(mb).display(locale)
}

/// A change of MB with its sign (`+1 GB`, `-500 MB`); empty for none.
pub fn signed_mb(value: Megabytes, locale: Locale) -> String {
    match value.centi() {
        0 => String::new(),
        c if c > 0 => format!("+{}", value.display(locale)),
        _ => value.display(locale),
    }
}

/// Used share in percent (0–100), for progress bars.
pub fn percent(part: Megabytes, total: Megabytes) -> u32 {
    if total.centi() <= 0 {
        return 0;
    }
    let p = (part.centi().max(0) as f64 / total.centi() as f64 * 100.0).round();
    p.clamp(0.0, 100.0) as u32
}

/// The trimmed text, or `None` when it is blank (optional form fields).
pub fn non_blank(value: &str) -> Option<String> {
    let v = value.trim();
    (!v.is_empty()).then(|| v.to_owned())
}

/// Phone numbers are shown in the local `08…` form when they parse.
pub fn phone(value: &str) -> String {
    saring_domain::Phone::parse(value)
        .map(|p| p.local())
        .unwrap_or_else(|_| value.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percents_and_dates() {
        assert_eq!(
            percent(Megabytes::from_whole(1), Megabytes::from_whole(4)),
            25
        );
        assert_eq!(percent(Megabytes::from_whole(9), Megabytes::ZERO), 0);
        assert_eq!(
            percent(Megabytes::from_whole(9), Megabytes::from_whole(3)),
            100
        );
        let t = DateTime::parse_from_rfc3339("2026-03-01T17:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(date(AppTz::default(), Some(t)), "02-03-2026");
        assert_eq!(date(AppTz::default(), None), "–");
        assert_eq!(phone("+6281234567890"), "081234567890");
        assert_eq!(day(NaiveDate::from_ymd_opt(2026, 3, 2)), "02-03-2026");
        assert_eq!(day(None), "–");
        assert_eq!(whole_mb(1536, Locale::Id), "1,50 GB");
        assert_eq!(
            signed_mb(Megabytes::from_whole(500), Locale::Id),
            "+500,00 MB"
        );
        assert_eq!(signed_mb(Megabytes::from_whole(-2), Locale::En), "-2.00 MB");
        assert_eq!(signed_mb(Megabytes::ZERO, Locale::En), "");
    }
}
