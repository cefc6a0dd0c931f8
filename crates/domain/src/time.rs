//! Time in the operator's time zone. Everything is stored in UTC; "local" dates (daily usage
//! rows, debt due dates, end-of-month blocks, schedules) and every date shown to people use
//! [`AppTz`] (`APP_TIMEZONE`, default `Asia/Makassar`, WITA, UTC+8). Dates display as
//! `dd-mm-yyyy`, times as `HH:MM:SS`.

use std::fmt;
use std::str::FromStr;

use chrono::{
    DateTime, Datelike, Duration, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc,
};
use chrono_tz::Tz;

pub const DEFAULT_TIMEZONE: &str = "Asia/Makassar";

/// The application's time zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AppTz(Tz);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("Zona waktu tidak dikenal: {0} (contoh: Asia/Makassar, Asia/Jakarta, Asia/Jayapura)")]
pub struct UnknownTimezone(pub String);

impl Default for AppTz {
    fn default() -> Self {
        AppTz(Tz::Asia__Makassar)
    }
}

impl FromStr for AppTz {
    type Err = UnknownTimezone;
    fn from_str(name: &str) -> Result<Self, Self::Err> {
        Tz::from_str(name.trim())
            .map(AppTz)
            .map_err(|_| UnknownTimezone(name.to_owned()))
    }
}

impl fmt::Display for AppTz {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.name())
    }
}

impl AppTz {
    pub fn name(&self) -> &'static str {
        self.0.name()
    }

    /// The label people in Indonesia use: WIB, WITA or WIT; otherwise the zone's abbreviation.
    pub fn label(&self, at: DateTime<Utc>) -> String {
        match self.0 {
            Tz::Asia__Jakarta | Tz::Asia__Pontianak => "WIB".to_owned(),
            Tz::Asia__Makassar => "WITA".to_owned(),
            Tz::Asia__Jayapura => "WIT".to_owned(),
            tz => at.with_timezone(&tz).format("%Z").to_string(),
        }
    }

    pub fn local(&self, at: DateTime<Utc>) -> DateTime<Tz> {
        at.with_timezone(&self.0)
    }

    /// The local calendar date of an instant.
    pub fn date(&self, at: DateTime<Utc>) -> NaiveDate {
        self.local(at).date_naive()
    }

    /// `dd-mm-yyyy` in local time.
    pub fn format_date(&self, at: DateTime<Utc>) -> String {
        self.local(at).format("%d-%m-%Y").to_string()
    }

    /// `HH:MM:SS` in local time.
    pub fn format_time(&self, at: DateTime<Utc>) -> String {
        self.local(at).format("%H:%M:%S").to_string()
    }

    /// `dd-mm-yyyy HH:MM` in local time, with the zone label (`27-11-2026 14:05 WITA`).
    pub fn format_datetime(&self, at: DateTime<Utc>) -> String {
        format!(
            "{} {}",
            self.local(at).format("%d-%m-%Y %H:%M"),
            self.label(at)
        )
    }

    /// The UTC instant of a local wall-clock time. For times that do not exist or are
    /// ambiguous (DST zones; Indonesia has none) the earliest valid instant is used.
    pub fn at(&self, date: NaiveDate, time: NaiveTime) -> DateTime<Utc> {
        let naive = NaiveDateTime::new(date, time);
        match self.0.from_local_datetime(&naive) {
            LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => t.with_timezone(&Utc),
            LocalResult::None => {
                let later = naive + Duration::hours(1);
                match self.0.from_local_datetime(&later) {
                    LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => t.with_timezone(&Utc),
                    LocalResult::None => Utc.from_utc_datetime(&naive),
                }
            }
        }
    }

    /// Local midnight at the start of `date`, as UTC.
    pub fn start_of_day(&self, date: NaiveDate) -> DateTime<Utc> {
        self.at(date, NaiveTime::MIN)
    }

    /// The last moment of a local date (`23:59:59`), e.g. when a debt falls due.
    pub fn end_of_day(&self, date: NaiveDate) -> DateTime<Utc> {
        self.at(
            date,
            NaiveTime::from_hms_opt(23, 59, 59).unwrap_or(NaiveTime::MIN),
        )
    }
}

/// The last day of the month that contains `date`.
pub fn last_day_of_month(date: NaiveDate) -> NaiveDate {
    let (y, m) = if date.month() == 12 {
        (date.year() + 1, 1)
    } else {
        (date.year(), date.month() + 1)
    };
    NaiveDate::from_ymd_opt(y, m, 1)
        .and_then(|d| d.pred_opt())
        .unwrap_or(date)
}

/// Parses a `dd-mm-yyyy` date as people type it.
pub fn parse_display_date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s.trim(), "%d-%m-%Y").ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn default_is_wita() {
        let tz = AppTz::default();
        assert_eq!(tz.name(), "Asia/Makassar");
        let t = utc("2026-11-30T16:30:00Z");
        assert_eq!(tz.format_date(t), "01-12-2026");
        assert_eq!(tz.format_time(t), "00:30:00");
        assert_eq!(tz.format_datetime(t), "01-12-2026 00:30 WITA");
        assert_eq!(tz.date(t), NaiveDate::from_ymd_opt(2026, 12, 1).unwrap());
    }

    #[test]
    fn other_indonesian_zones() {
        let t = utc("2026-01-01T00:00:00Z");
        let wib: AppTz = "Asia/Jakarta".parse().unwrap();
        assert_eq!(wib.label(t), "WIB");
        assert_eq!(wib.format_time(t), "07:00:00");
        let wit: AppTz = "Asia/Jayapura".parse().unwrap();
        assert_eq!(wit.label(t), "WIT");
        assert!("Mars/Olympus".parse::<AppTz>().is_err());
        let utc_tz: AppTz = "UTC".parse().unwrap();
        assert_eq!(utc_tz.label(t), "UTC");
    }

    #[test]
    fn local_boundaries() {
        let tz = AppTz::default();
        let d = NaiveDate::from_ymd_opt(2026, 2, 14).unwrap();
        assert_eq!(tz.start_of_day(d), utc("2026-02-13T16:00:00Z"));
        assert_eq!(tz.end_of_day(d), utc("2026-02-14T15:59:59Z"));
        assert_eq!(
            last_day_of_month(d),
            NaiveDate::from_ymd_opt(2026, 2, 28).unwrap()
        );
        assert_eq!(
            last_day_of_month(NaiveDate::from_ymd_opt(2028, 2, 1).unwrap()).day(),
            29
        );
        assert_eq!(
            last_day_of_month(NaiveDate::from_ymd_opt(2026, 12, 31).unwrap()).day(),
            31
        );
        assert_eq!(
            parse_display_date("05-03-2026"),
            NaiveDate::from_ymd_opt(2026, 3, 5)
        );
        assert_eq!(parse_display_date("2026-03-05"), None);
    }
}
