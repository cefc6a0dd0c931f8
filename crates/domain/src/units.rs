//! Data amounts. Usage is counted in exact bytes ([`Bytes`]); people see megabytes
//! ([`Megabytes`]), converted with one rule everywhere: 1 MB = 1,048,576 bytes, rounded to
//! 0.01 MB, half away from zero ("half-up", as the reference's `Decimal.ROUND_HALF_UP`).
//! Rounding happens once, when a byte count is shown, so repeated deltas never drift.

use std::fmt;
use std::ops::{Add, AddAssign, Sub};

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::locale::Locale;

pub const BYTES_PER_MB: i64 = 1_048_576;
pub const MB_PER_GB: i64 = 1024;

/// An exact byte count (usage, router counters, quota limits).
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Bytes(pub i64);

impl Bytes {
    pub const ZERO: Bytes = Bytes(0);

    /// Whole megabytes as bytes (saturating).
    pub fn from_mb(mb: i64) -> Self {
        Bytes(mb.saturating_mul(BYTES_PER_MB))
    }

    /// Rounded for display and the API.
    pub fn to_mb(self) -> Megabytes {
        Megabytes::from_bytes(self)
    }

    /// Whole megabytes, rounding up: what settling this many bytes of debt costs.
    pub fn ceil_mb(self) -> i64 {
        if self.0 <= 0 {
            return 0;
        }
        ceil_div(self.0, BYTES_PER_MB)
    }

    pub fn saturating_sub(self, other: Bytes) -> Bytes {
        Bytes(self.0.saturating_sub(other.0))
    }

    /// Rounded to MB once, then [`Megabytes::display`]: "512,00 MB" / "1,50 GB"
    /// (Indonesian) or "512.00 MB" / "1.50 GB" (English).
    pub fn display(self, locale: Locale) -> String {
        self.to_mb().display(locale)
    }
}

impl Add for Bytes {
    type Output = Bytes;
    fn add(self, rhs: Bytes) -> Bytes {
        Bytes(self.0.saturating_add(rhs.0))
    }
}

impl AddAssign for Bytes {
    fn add_assign(&mut self, rhs: Bytes) {
        *self = *self + rhs;
    }
}

impl Sub for Bytes {
    type Output = Bytes;
    fn sub(self, rhs: Bytes) -> Bytes {
        Bytes(self.0.saturating_sub(rhs.0))
    }
}

/// Megabytes with two decimals, stored as hundredths of a MB so arithmetic is exact.
/// Serialises as a JSON number (`1234.56`), the way the reference API reports MB.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Megabytes {
    centi: i64,
}

impl Megabytes {
    pub const ZERO: Megabytes = Megabytes { centi: 0 };

    /// The one conversion rule: bytes / 1,048,576, rounded to 0.01 half away from zero.
    pub fn from_bytes(bytes: Bytes) -> Self {
        let scaled = i128::from(bytes.0) * 100;
        let divisor = i128::from(BYTES_PER_MB);
        let half = divisor / 2;
        let centi = if scaled >= 0 {
            (scaled + half) / divisor
        } else {
            (scaled - half) / divisor
        };
        Megabytes {
            centi: clamp_i64(centi),
        }
    }

    pub fn from_whole(mb: i64) -> Self {
        Megabytes {
            centi: mb.saturating_mul(100),
        }
    }

    pub fn from_centi(centi: i64) -> Self {
        Megabytes { centi }
    }

    pub fn centi(self) -> i64 {
        self.centi
    }

    pub fn as_f64(self) -> f64 {
        self.centi as f64 / 100.0
    }

    /// Whole MB, rounding up (debt settlement always covers the last fraction).
    pub fn ceil_whole(self) -> i64 {
        if self.centi <= 0 {
            0
        } else {
            ceil_div(self.centi, 100)
        }
    }

    /// Parses a JSON/API number with at most two decimals' worth of precision (rounded
    /// half-up). Refuses NaN and infinities.
    pub fn from_f64(value: f64) -> Option<Self> {
        if !value.is_finite() || value.abs() > 9.0e15 {
            return None;
        }
        Some(Megabytes {
            centi: (value * 100.0).round() as i64,
        })
    }

    /// The one display rule for data amounts (the SPA, messages, invoices, the quota
    /// history): below 1 GB in MB, from 1024 MB in GB, always two decimals, with the
    /// locale's separators (`512,00 MB`, `1,50 GB`; English `512.00 MB`, `1.50 GB`).
    /// `docs/access-policy.md` says why.
    pub fn display(self, locale: Locale) -> String {
        let (value_centi, unit) = if self.centi.abs() >= MB_PER_GB * 100 {
            // GB with two decimals, rounded half away from zero.
            let v = i128::from(self.centi);
            let d = i128::from(MB_PER_GB);
            let gb_centi = if v >= 0 {
                (v + d / 2) / d
            } else {
                (v - d / 2) / d
            };
            (clamp_i64(gb_centi), "GB")
        } else {
            (self.centi, "MB")
        };
        format!("{} {unit}", locale.decimal(value_centi, 2))
    }
}

/// `a / b` rounded up, for `a ≥ 0` and `b > 0` (no overflow near `i64::MAX`).
pub fn ceil_div(a: i64, b: i64) -> i64 {
    a / b + i64::from(a % b != 0)
}

fn clamp_i64(v: i128) -> i64 {
    i64::try_from(v).unwrap_or(if v < 0 { i64::MIN } else { i64::MAX })
}

impl Add for Megabytes {
    type Output = Megabytes;
    fn add(self, rhs: Megabytes) -> Megabytes {
        Megabytes {
            centi: self.centi.saturating_add(rhs.centi),
        }
    }
}

impl Sub for Megabytes {
    type Output = Megabytes;
    fn sub(self, rhs: Megabytes) -> Megabytes {
        Megabytes {
            centi: self.centi.saturating_sub(rhs.centi),
        }
    }
}

impl fmt::Display for Megabytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.centi < 0 { "-" } else { "" };
        let abs = self.centi.unsigned_abs();
        write!(f, "{sign}{}.{:02}", abs / 100, abs % 100)
    }
}

impl Serialize for Megabytes {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_f64(self.as_f64())
    }
}

impl<'de> Deserialize<'de> for Megabytes {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = f64::deserialize(d)?;
        Megabytes::from_f64(v).ok_or_else(|| serde::de::Error::custom("jumlah MB tidak valid"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn one_rounding_rule() {
        assert_eq!(Megabytes::from_bytes(Bytes(0)).to_string(), "0.00");
        assert_eq!(
            Megabytes::from_bytes(Bytes(BYTES_PER_MB)).to_string(),
            "1.00"
        );
        // 0.005 MB exactly is 5242.88 bytes: 5243 bytes rounds up, 5242 rounds down.
        assert_eq!(Megabytes::from_bytes(Bytes(5243)).to_string(), "0.01");
        assert_eq!(Megabytes::from_bytes(Bytes(5242)).to_string(), "0.00");
        // Exactly half a hundredth: 0.125 MB = 131072 bytes → 0.13 (half-up).
        assert_eq!(Megabytes::from_bytes(Bytes(131_072)).to_string(), "0.13");
        assert_eq!(Megabytes::from_bytes(Bytes(-131_072)).to_string(), "-0.13");
        assert_eq!(
            Megabytes::from_bytes(Bytes(1_798_674_679)).to_string(),
            "1715.35"
        );
        assert_eq!(
            Megabytes::from_bytes(Bytes(i64::MAX)).centi(),
            879_609_302_220_800
        );
    }

    #[test]
    fn ceil_for_debts() {
        assert_eq!(Bytes(0).ceil_mb(), 0);
        assert_eq!(Bytes(1).ceil_mb(), 1);
        assert_eq!(Bytes(BYTES_PER_MB).ceil_mb(), 1);
        assert_eq!(Bytes(BYTES_PER_MB + 1).ceil_mb(), 2);
        assert_eq!(Bytes(-5).ceil_mb(), 0);
        assert_eq!(Megabytes::from_centi(1001).ceil_whole(), 11);
        assert_eq!(Megabytes::from_centi(1000).ceil_whole(), 10);
    }

    #[test]
    fn display_in_both_locales() {
        assert_eq!(
            Megabytes::from_centi(51234).display(Locale::Id),
            "512,34 MB"
        );
        assert_eq!(
            Megabytes::from_centi(51234).display(Locale::En),
            "512.34 MB"
        );
        assert_eq!(Megabytes::from_whole(1536).display(Locale::Id), "1,50 GB");
        assert_eq!(
            Megabytes::from_whole(1024 * 1500).display(Locale::Id),
            "1.500,00 GB"
        );
        assert_eq!(
            Megabytes::from_whole(1024 * 1500).display(Locale::En),
            "1,500.00 GB"
        );
        assert_eq!(Bytes::from_mb(3072).display(Locale::En), "3.00 GB");
        // The boundary, small amounts and debts (negative) follow the same rule.
        assert_eq!(
            Megabytes::from_centi(102_399).display(Locale::Id),
            "1.023,99 MB"
        );
        assert_eq!(Megabytes::from_whole(1024).display(Locale::Id), "1,00 GB");
        assert_eq!(Bytes(5243).display(Locale::Id), "0,01 MB");
        assert_eq!(
            Megabytes::from_whole(-300).display(Locale::Id),
            "-300,00 MB"
        );
    }

    #[test]
    fn serialises_as_a_json_number() {
        let mb = Megabytes::from_centi(123_456);
        assert_eq!(serde_json::to_string(&mb).unwrap(), "1234.56");
        assert_eq!(serde_json::from_str::<Megabytes>("1234.56").unwrap(), mb);
        assert_eq!(
            serde_json::from_str::<Megabytes>("12").unwrap(),
            Megabytes::from_whole(12)
        );
    }

    proptest! {
        /// Summing per-tick byte deltas and rounding once equals rounding the total: no drift.
        #[test]
        fn deltas_never_drift(deltas in proptest::collection::vec(0i64..50_000_000, 1..200)) {
            let mut total = Bytes::ZERO;
            for d in &deltas { total += Bytes(*d); }
            let sum: i64 = deltas.iter().sum();
            prop_assert_eq!(total.to_mb(), Megabytes::from_bytes(Bytes(sum)));
        }

        #[test]
        fn rounding_is_within_half_a_hundredth(bytes in -1_000_000_000_000i64..1_000_000_000_000) {
            let mb = Megabytes::from_bytes(Bytes(bytes));
            let exact = bytes as f64 / BYTES_PER_MB as f64;
            prop_assert!((mb.as_f64() - exact).abs() <= 0.005 + 1e-9);
        }
    }
}
