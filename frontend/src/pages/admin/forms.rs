//! Pure helpers of the admin catalog forms: reading Indonesian-formatted numbers (`10.000`,
//! `1,5`), GB → MB, `datetime-local` values in the operator's time zone, the server's
//! validation details, message-template texts (length, placeholder insertion), and short
//! texts for durations and intervals. Unit-tested on the host.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use saring_domain::AppTz;
use saring_domain::dto::payments::{PackageUpsert, PromoStatus, PromoType, PromoUpsert};
use serde_json::Value;

pub const MAX_PRICE: i64 = 100_000_000;
/// 10.000 GB in hundredths of a GB.
pub const MAX_QUOTA_CENTI_GB: i64 = 1_000_000;
pub const MAX_DAYS: i64 = 3650;
pub const MAX_BONUS_MB: i64 = 10_240_000;
/// The server's limit for an admin's message-template text.
pub const MAX_TEMPLATE_CHARS: usize = 4000;

/// A form problem: the field's name (as the API names it) and the i18n key of the text.
pub type FieldProblem = (&'static str, &'static str);

/// A whole number, digits only or grouped by dots (`10.000`, `1.250.000`), at most `max`.
/// `Rp` in front and `,00` behind are accepted; anything else is `None`.
pub fn parse_whole(input: &str, max: i64) -> Option<i64> {
    let mut s = input.trim();
    if let Some(rest) = s.strip_prefix("Rp").or_else(|| s.strip_prefix("rp")) {
        s = rest.trim_start();
    }
    let s: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    let int = match s.split_once(',') {
        Some((int, frac))
            if !frac.is_empty() && frac.len() <= 2 && frac.bytes().all(|b| b == b'0') =>
        {
            int
        }
        Some(_) => return None,
        None => s.as_str(),
    };
    if int.is_empty() {
        return None;
    }
    let digits = if int.contains('.') {
        let groups: Vec<&str> = int.split('.').collect();
        let first_ok = (1..=3).contains(&groups[0].len());
        let rest_ok = groups[1..].iter().all(|g| g.len() == 3);
        if !first_ok || !rest_ok {
            return None;
        }
        groups.concat()
    } else {
        int.to_owned()
    };
    if digits.is_empty() || digits.len() > 12 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let value: i64 = digits.parse().ok()?;
    (value <= max).then_some(value)
}

/// A text that is not what its field takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Invalid;

/// An optional whole number: blank is `None`, anything else must pass [`parse_whole`].
pub fn optional_whole(input: &str, max: i64) -> Result<Option<i64>, Invalid> {
    if input.trim().is_empty() {
        Ok(None)
    } else {
        parse_whole(input, max).map(Some).ok_or(Invalid)
    }
}

/// An optional date as an `<input type="date">` gives it (`2026-03-01`) or as people type
/// it (`01-03-2026`): blank is `None`.
pub fn optional_date(input: &str) -> Result<Option<NaiveDate>, Invalid> {
    let s = input.trim();
    if s.is_empty() {
        return Ok(None);
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .ok()
        .or_else(|| saring_domain::time::parse_display_date(s))
        .map(Some)
        .ok_or(Invalid)
}

/// A price in whole rupiah, `0`–`Rp 100.000.000` (`10.000`, `Rp 10.000`, `10000`).
pub fn parse_price(input: &str) -> Option<i64> {
    parse_whole(input, MAX_PRICE)
}

/// A quota in GB with at most two decimals (`,` or `.`), 0–10.000, as hundredths of a GB.
pub fn parse_quota_gb(input: &str) -> Option<i64> {
    let s = input.trim().replace(',', ".");
    let (int, frac) = match s.split_once('.') {
        Some((i, f)) => (i, f),
        None => (s.as_str(), ""),
    };
    if int.is_empty() && frac.is_empty() {
        return None;
    }
    if int.len() > 6
        || frac.len() > 2
        || !int.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b.is_ascii_digit())
        || (s.contains('.') && frac.is_empty())
    {
        return None;
    }
    let whole: i64 = if int.is_empty() { 0 } else { int.parse().ok()? };
    let hundredths: i64 = match frac.len() {
        0 => 0,
        1 => frac.parse::<i64>().ok()? * 10,
        _ => frac.parse().ok()?,
    };
    let centi = whole * 100 + hundredths;
    (centi <= MAX_QUOTA_CENTI_GB).then_some(centi)
}

/// Hundredths of a GB → whole MB, as the server stores them (`1,5` GB → 1536 MB).
pub fn centi_gb_to_mb(centi: i64) -> i64 {
    centi * 1024 / 100
}

/// A GB value as the form shows it: `20`, `1,5`, `0,25`.
pub fn gb_input(gb: f64) -> String {
    let centi = (gb * 100.0).round() as i64;
    let (whole, frac) = (centi / 100, centi % 100);
    match frac {
        0 => whole.to_string(),
        f if f % 10 == 0 => format!("{whole},{}", f / 10),
        f => format!("{whole},{f:02}"),
    }
}

/// A price as the form shows it: `10.000`.
pub fn price_input(price: i64) -> String {
    saring_domain::money::Rupiah(price).grouped()
}

/// The package form's texts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PackageForm {
    pub name: String,
    pub description: String,
    pub price: String,
    pub quota_gb: String,
    pub days: String,
    pub profile_id: String,
    pub is_active: bool,
}

impl PackageForm {
    /// The request body, or every problem found.
    pub fn to_upsert(&self) -> Result<PackageUpsert, Vec<FieldProblem>> {
        let mut problems = Vec::new();
        let name = self.name.trim();
        if name.is_empty() || name.chars().count() > 100 {
            problems.push(("name", "admin-form-name-invalid"));
        }
        let price = parse_price(&self.price);
        if price.is_none() {
            problems.push(("price", "admin-form-price-invalid"));
        }
        let quota = parse_quota_gb(&self.quota_gb);
        if quota.is_none() {
            problems.push(("data_quota_gb", "admin-form-quota-invalid"));
        }
        let days = parse_whole(&self.days, MAX_DAYS);
        if days.is_none() {
            problems.push(("duration_days", "admin-form-days-invalid"));
        }
        if self.profile_id.trim().is_empty() {
            problems.push(("profile_id", "admin-form-profile-required"));
        }
        match (price, quota, days) {
            (Some(price), Some(quota), Some(days)) if problems.is_empty() => Ok(PackageUpsert {
                name: name.to_owned(),
                price: price as f64,
                description: crate::format::non_blank(&self.description),
                is_active: self.is_active,
                data_quota_gb: quota as f64 / 100.0,
                duration_days: days as f64,
                profile_id: self.profile_id.trim().to_owned(),
                sort_order: None,
            }),
            _ => Err(problems),
        }
    }
}

/// `2026-03-01T08:30` (an `<input type="datetime-local">`) in the operator's time zone.
pub fn parse_local_datetime(tz: AppTz, input: &str) -> Option<DateTime<Utc>> {
    let s = input.trim();
    let naive = NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M")
        .or_else(|_| NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S"))
        .ok()?;
    Some(tz.at(naive.date(), naive.time()))
}

/// The `datetime-local` value of an instant in the operator's time zone.
pub fn local_datetime_input(tz: AppTz, at: DateTime<Utc>) -> String {
    tz.local(at).format("%Y-%m-%dT%H:%M").to_string()
}

/// The promo form's texts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PromoForm {
    pub name: String,
    pub description: String,
    pub event_type: PromoType,
    pub status: PromoStatus,
    pub start: String,
    pub end: String,
    pub bonus_mb: String,
    pub bonus_days: String,
}

impl Default for PromoForm {
    fn default() -> Self {
        PromoForm {
            name: String::new(),
            description: String::new(),
            event_type: PromoType::GeneralAnnouncement,
            status: PromoStatus::Draft,
            start: String::new(),
            end: String::new(),
            bonus_mb: String::new(),
            bonus_days: String::new(),
        }
    }
}

impl PromoForm {
    /// The request body (times read in `tz`), or every problem found. An empty start means
    /// "now" (the server's default).
    pub fn to_upsert(&self, tz: AppTz) -> Result<PromoUpsert, Vec<FieldProblem>> {
        let mut problems = Vec::new();
        let name = self.name.trim();
        if name.is_empty() || name.chars().count() > 150 {
            problems.push(("name", "admin-form-name-invalid"));
        }
        let optional_time = |s: &str| -> Result<Option<DateTime<Utc>>, ()> {
            if s.trim().is_empty() {
                Ok(None)
            } else {
                parse_local_datetime(tz, s).map(Some).ok_or(())
            }
        };
        let start = optional_time(&self.start).unwrap_or_else(|_| {
            problems.push(("start_date", "admin-form-date-invalid"));
            None
        });
        let end = optional_time(&self.end).unwrap_or_else(|_| {
            problems.push(("end_date", "admin-form-date-invalid"));
            None
        });
        if let (Some(s), Some(e)) = (start, end)
            && e <= s
        {
            problems.push(("end_date", "admin-form-end-before-start"));
        }
        let bonus_mb = optional_whole(&self.bonus_mb, MAX_BONUS_MB).unwrap_or_else(|_| {
            problems.push(("bonus_value_mb", "admin-form-bonus-mb-invalid"));
            None
        });
        let bonus_days = optional_whole(&self.bonus_days, MAX_DAYS).unwrap_or_else(|_| {
            problems.push(("bonus_duration_days", "admin-form-days-invalid"));
            None
        });
        if !problems.is_empty() {
            return Err(problems);
        }
        Ok(PromoUpsert {
            name: Some(name.to_owned()),
            description: Some(self.description.trim().to_owned()),
            event_type: Some(self.event_type),
            status: Some(self.status),
            start_date: start,
            end_date: end,
            bonus_value_mb: bonus_mb,
            bonus_duration_days: bonus_days.map(|d| d as i32),
        })
    }
}

/// The fields the server's `validation_failed` details name: `[{"loc": [field], "msg": …}]`.
pub fn server_field_errors(details: Option<&Value>) -> Vec<(String, String)> {
    let Some(Value::Array(items)) = details else {
        return Vec::new();
    };
    items
        .iter()
        .filter_map(|item| {
            let field = match item.get("loc")? {
                Value::Array(parts) => parts.iter().rev().find_map(Value::as_str)?,
                Value::String(s) => s.as_str(),
                _ => return None,
            };
            let msg = item.get("msg").and_then(Value::as_str).unwrap_or_default();
            Some((field.to_owned(), msg.to_owned()))
        })
        .collect()
}

/// An admin's message-template text as it is sent: trimmed, not empty (restoring the
/// built-in text is its own action), at most [`MAX_TEMPLATE_CHARS`]. Placeholders and
/// `{a|b}` variants are checked by the server (its answer is shown under the field).
pub fn template_body(draft: &str) -> Result<String, Vec<FieldProblem>> {
    let text = draft.trim();
    if text.is_empty() {
        Err(vec![("body", "admin-template-empty")])
    } else if text.chars().count() > MAX_TEMPLATE_CHARS {
        Err(vec![("body", "admin-template-too-long")])
    } else {
        Ok(text.to_owned())
    }
}

/// `text` with `insert` put in place of the selection `start..end`, both counted in UTF-16
/// code units as the browser counts them (templates hold emoji); the cursor position after
/// the insertion, in the same units. Out-of-range positions are clamped to the end.
pub fn insert_at_utf16(text: &str, start: u32, end: u32, insert: &str) -> (String, u32) {
    let byte_at = |pos: u32| {
        let mut units = 0u32;
        for (i, c) in text.char_indices() {
            if units >= pos {
                return i;
            }
            units += c.len_utf16() as u32;
        }
        text.len()
    };
    let (a, b) = (byte_at(start.min(end)), byte_at(start.max(end)));
    let out = format!("{}{insert}{}", &text[..a], &text[b..]);
    let cursor = text[..a].encode_utf16().count() + insert.encode_utf16().count();
    (out, cursor as u32)
}

/// A run's duration: `850 ms`, `2.5 s`, `3 m 05 s`.
pub fn duration_text(ms: i64) -> String {
    let ms = ms.max(0);
    if ms < 1000 {
        format!("{ms} ms")
    } else if ms < 60_000 {
        format!("{:.1} s", ms as f64 / 1000.0)
    } else {
        let s = ms / 1000;
        format!("{} m {:02} s", s / 60, s % 60)
    }
}

/// A schedule's interval: `2 s`, `5 min`, `1 h 30 min`.
pub fn interval_text(seconds: u64) -> String {
    if seconds < 60 || !seconds.is_multiple_of(60) {
        return format!("{seconds} s");
    }
    let minutes = seconds / 60;
    match (minutes / 60, minutes % 60) {
        (0, m) => format!("{m} min"),
        (h, 0) => format!("{h} h"),
        (h, m) => format!("{h} h {m} min"),
    }
}

/// The fields a form's check names (tests).
#[cfg(test)]
pub fn problem_fields<T: std::fmt::Debug>(
    checked: Result<T, Vec<FieldProblem>>,
) -> Vec<&'static str> {
    checked.unwrap_err().into_iter().map(|p| p.0).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prices_in_indonesian_format() {
        assert_eq!(parse_price("10.000"), Some(10_000));
        assert_eq!(parse_price("Rp 10.000"), Some(10_000));
        assert_eq!(parse_price(" 10000 "), Some(10_000));
        assert_eq!(parse_price("1.250.000"), Some(1_250_000));
        assert_eq!(parse_price("10.000,00"), Some(10_000));
        assert_eq!(parse_price("0"), Some(0));
        assert_eq!(parse_price("100.000.000"), Some(MAX_PRICE));
        assert_eq!(parse_price("100.000.001"), None);
        assert_eq!(parse_price("10.5"), None);
        assert_eq!(parse_price("10,50"), None);
        assert_eq!(parse_price("1.0000"), None);
        assert_eq!(parse_price("-5"), None);
        assert_eq!(parse_price(""), None);
        assert_eq!(parse_price("abc"), None);
        assert_eq!(price_input(10_000), "10.000");
        assert_eq!(parse_price(&price_input(1_250_000)), Some(1_250_000));
    }

    #[test]
    fn quota_in_gb_with_two_decimals() {
        assert_eq!(parse_quota_gb("1"), Some(100));
        assert_eq!(parse_quota_gb("1,5"), Some(150));
        assert_eq!(parse_quota_gb("1.5"), Some(150));
        assert_eq!(parse_quota_gb("0,25"), Some(25));
        assert_eq!(parse_quota_gb(",5"), Some(50));
        assert_eq!(parse_quota_gb("0"), Some(0));
        assert_eq!(parse_quota_gb("10000"), Some(MAX_QUOTA_CENTI_GB));
        assert_eq!(parse_quota_gb("10000,01"), None);
        assert_eq!(parse_quota_gb("1,255"), None);
        assert_eq!(parse_quota_gb("1."), None);
        assert_eq!(parse_quota_gb(""), None);
        assert_eq!(parse_quota_gb("-1"), None);
        assert_eq!(parse_quota_gb("1,5,"), None);
        assert_eq!(centi_gb_to_mb(150), 1536);
        assert_eq!(centi_gb_to_mb(100), 1024);
        assert_eq!(centi_gb_to_mb(2000), 20_480);
        assert_eq!(centi_gb_to_mb(0), 0);
        assert_eq!(gb_input(20.0), "20");
        assert_eq!(gb_input(1.5), "1,5");
        assert_eq!(gb_input(0.25), "0,25");
        assert_eq!(parse_quota_gb(&gb_input(1.15)), Some(115));
    }

    fn package_form() -> PackageForm {
        PackageForm {
            name: " Mingguan 5 GB ".into(),
            description: "  ".into(),
            price: "25.000".into(),
            quota_gb: "5".into(),
            days: "7".into(),
            profile_id: "p1".into(),
            is_active: true,
        }
    }

    #[test]
    fn package_form_builds_the_request() {
        let body = package_form().to_upsert().unwrap();
        assert_eq!(body.name, "Mingguan 5 GB");
        assert_eq!(body.price, 25_000.0);
        assert_eq!(body.data_quota_gb, 5.0);
        assert_eq!(body.duration_days, 7.0);
        assert_eq!(body.description, None);
        assert!(body.is_active);
        let mut f = package_form();
        f.quota_gb = "1,15".into();
        let gb = f.to_upsert().unwrap().data_quota_gb;
        assert!(((gb * 100.0) - (gb * 100.0).round()).abs() < 1e-6);
    }

    #[test]
    fn package_form_reports_every_problem() {
        let f = PackageForm {
            name: " ".into(),
            price: "10,5".into(),
            quota_gb: "x".into(),
            days: "4000".into(),
            ..Default::default()
        };
        assert_eq!(
            problem_fields(f.to_upsert()),
            [
                "name",
                "price",
                "data_quota_gb",
                "duration_days",
                "profile_id"
            ]
        );
    }

    #[test]
    fn local_datetimes_round_trip_in_the_operator_zone() {
        let tz = AppTz::default();
        let at = parse_local_datetime(tz, "2026-03-02T01:00").unwrap();
        // Asia/Makassar is UTC+8.
        assert_eq!(at.to_rfc3339(), "2026-03-01T17:00:00+00:00");
        assert_eq!(local_datetime_input(tz, at), "2026-03-02T01:00");
        assert_eq!(parse_local_datetime(tz, "02-03-2026"), None);
    }

    #[test]
    fn promo_form() {
        let tz = AppTz::default();
        let f = PromoForm {
            name: "Bonus".into(),
            event_type: PromoType::BonusRegistration,
            start: "2026-03-02T01:00".into(),
            end: "2026-03-09T01:00".into(),
            bonus_mb: "1.024".into(),
            bonus_days: "3".into(),
            ..Default::default()
        };
        let body = f.to_upsert(tz).unwrap();
        assert_eq!(body.bonus_value_mb, Some(1024));
        assert_eq!(body.bonus_duration_days, Some(3));
        assert_eq!(body.status, Some(PromoStatus::Draft));
        assert!(body.end_date > body.start_date);
        let bad = PromoForm {
            name: "x".into(),
            start: "2026-03-09T01:00".into(),
            end: "2026-03-02T01:00".into(),
            bonus_mb: "lots".into(),
            ..Default::default()
        };
        assert_eq!(
            bad.to_upsert(tz).unwrap_err(),
            vec![
                ("end_date", "admin-form-end-before-start"),
                ("bonus_value_mb", "admin-form-bonus-mb-invalid")
            ]
        );
        let open = PromoForm {
            name: "x".into(),
            ..Default::default()
        }
        .to_upsert(tz)
        .unwrap();
        assert_eq!((open.start_date, open.end_date), (None, None));
    }

    #[test]
    fn server_details() {
        let d = serde_json::json!([{"loc": ["price"], "msg": "Harga salah."}, {"x": 1}]);
        assert_eq!(
            server_field_errors(Some(&d)),
            vec![("price".to_owned(), "Harga salah.".to_owned())]
        );
        assert!(server_field_errors(None).is_empty());
        assert!(server_field_errors(Some(&serde_json::json!({"a": 1}))).is_empty());
    }

    #[test]
    fn template_texts() {
        assert_eq!(
            template_body("  Halo {full_name} \n").unwrap(),
            "Halo {full_name}"
        );
        assert_eq!(
            template_body(" \n ").unwrap_err(),
            vec![("body", "admin-template-empty")]
        );
        assert!(template_body(&"a".repeat(MAX_TEMPLATE_CHARS)).is_ok());
        assert_eq!(
            template_body(&"é".repeat(MAX_TEMPLATE_CHARS + 1)).unwrap_err(),
            vec![("body", "admin-template-too-long")]
        );
        assert_eq!(
            insert_at_utf16("Halo !", 5, 5, "{full_name}"),
            ("Halo {full_name}!".to_owned(), 16)
        );
        // "🔔" is two UTF-16 units: position 3 is after "🔔 ".
        assert_eq!(
            insert_at_utf16("🔔 x", 3, 4, "{a}"),
            ("🔔 {a}".to_owned(), 6)
        );
        assert_eq!(insert_at_utf16("ab", 9, 2, "{c}"), ("ab{c}".to_owned(), 5));
        assert_eq!(insert_at_utf16("abc", 2, 0, "-"), ("-c".to_owned(), 1));
    }

    #[test]
    fn optional_numbers_and_dates() {
        assert_eq!(optional_whole(" ", 10), Ok(None));
        assert_eq!(optional_whole("1.024", 2000), Ok(Some(1024)));
        assert_eq!(optional_whole("11", 10), Err(Invalid));
        let d = NaiveDate::from_ymd_opt(2026, 3, 1);
        assert_eq!(optional_date("2026-03-01"), Ok(d));
        assert_eq!(optional_date(" 01-03-2026 "), Ok(d));
        assert_eq!(optional_date(""), Ok(None));
        assert_eq!(optional_date("31-02-2026"), Err(Invalid));
    }

    #[test]
    fn durations_and_intervals() {
        assert_eq!(duration_text(850), "850 ms");
        assert_eq!(duration_text(2500), "2.5 s");
        assert_eq!(duration_text(185_000), "3 m 05 s");
        assert_eq!(interval_text(2), "2 s");
        assert_eq!(interval_text(300), "5 min");
        assert_eq!(interval_text(3600), "1 h");
        assert_eq!(interval_text(5400), "1 h 30 min");
        assert_eq!(interval_text(90), "90 s");
    }
}
