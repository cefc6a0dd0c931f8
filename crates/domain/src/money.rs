//! Money in whole Rupiah (IDR has no minor unit in practice).

use std::fmt;
use std::ops::{Add, Sub};

use serde::{Deserialize, Serialize};

use crate::locale::Locale;

/// An amount of Rupiah. Displays as `Rp 10.000`.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Rupiah(pub i64);

impl Rupiah {
    pub const ZERO: Rupiah = Rupiah(0);

    pub fn amount(self) -> i64 {
        self.0
    }

    /// Rounds up to the next Rp 10.000 (debt estimates); zero and negatives give zero.
    pub fn round_up_to_10k(self) -> Rupiah {
        if self.0 <= 0 {
            return Rupiah::ZERO;
        }
        Rupiah(crate::units::ceil_div(self.0, 10_000).saturating_mul(10_000))
    }

    /// The bare grouped number without the currency: `1.234.567`.
    pub fn grouped(self) -> String {
        Locale::Id.integer(self.0)
    }
}

impl fmt::Display for Rupiah {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let grouped = Locale::Id.integer(self.0);
        write!(f, "{sign}Rp {}", grouped.trim_start_matches('-'))
    }
}

impl Add for Rupiah {
    type Output = Rupiah;
    fn add(self, rhs: Rupiah) -> Rupiah {
        Rupiah(self.0.saturating_add(rhs.0))
    }
}

impl Sub for Rupiah {
    type Output = Rupiah;
    fn sub(self, rhs: Rupiah) -> Rupiah {
        Rupiah(self.0.saturating_sub(rhs.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_like_indonesian_receipts() {
        assert_eq!(Rupiah(0).to_string(), "Rp 0");
        assert_eq!(Rupiah(1000).to_string(), "Rp 1.000");
        assert_eq!(Rupiah(10_000).to_string(), "Rp 10.000");
        assert_eq!(Rupiah(1_234_567).to_string(), "Rp 1.234.567");
        assert_eq!(Rupiah(-50_000).to_string(), "-Rp 50.000");
        assert_eq!(Rupiah(60_000).grouped(), "60.000");
    }

    #[test]
    fn rounds_up_to_ten_thousand() {
        for (input, want) in [
            (0, 0),
            (-5, 0),
            (1, 10_000),
            (9_999, 10_000),
            (10_000, 10_000),
            (58_000, 60_000),
            (60_001, 70_000),
        ] {
            assert_eq!(Rupiah(input).round_up_to_10k(), Rupiah(want), "{input}");
        }
    }
}
