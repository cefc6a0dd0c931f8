//! The two UI languages and their number formats. Indonesian is the default.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Locale {
    #[default]
    Id,
    En,
}

impl Locale {
    pub fn parse(tag: &str) -> Option<Self> {
        let lang = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        match lang.as_str() {
            "id" | "in" => Some(Locale::Id),
            "en" => Some(Locale::En),
            _ => None,
        }
    }

    fn separators(self) -> (char, char) {
        match self {
            Locale::Id => ('.', ','),
            Locale::En => (',', '.'),
        }
    }

    /// Groups thousands: `1234567` → `1.234.567` (id) / `1,234,567` (en).
    pub fn integer(self, value: i64) -> String {
        let (group, _) = self.separators();
        let digits = value.unsigned_abs().to_string();
        let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
        if value < 0 {
            out.push('-');
        }
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push(group);
            }
            out.push(c);
        }
        out
    }

    /// A fixed-point number given in units of 10^-`decimals`: `decimal(123456, 2)` →
    /// `1.234,56` (id) / `1,234.56` (en).
    pub fn decimal(self, scaled: i64, decimals: u32) -> String {
        let (_, point) = self.separators();
        let factor = 10i64.pow(decimals);
        let whole = scaled / factor;
        let frac = (scaled % factor).unsigned_abs();
        let sign = if scaled < 0 && whole == 0 { "-" } else { "" };
        format!(
            "{sign}{}{point}{frac:0width$}",
            self.integer(whole),
            width = decimals as usize
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_and_decimals() {
        assert_eq!(Locale::Id.integer(0), "0");
        assert_eq!(Locale::Id.integer(999), "999");
        assert_eq!(Locale::Id.integer(1000), "1.000");
        assert_eq!(Locale::Id.integer(1_234_567), "1.234.567");
        assert_eq!(Locale::En.integer(-1_234_567), "-1,234,567");
        assert_eq!(Locale::Id.decimal(123_456, 2), "1.234,56");
        assert_eq!(Locale::En.decimal(5, 2), "0.05");
        assert_eq!(Locale::Id.decimal(-5, 2), "-0,05");
        assert_eq!(Locale::Id.decimal(-150, 2), "-1,50");
    }

    #[test]
    fn parses_language_tags() {
        assert_eq!(Locale::parse("id-ID"), Some(Locale::Id));
        assert_eq!(Locale::parse("en_US"), Some(Locale::En));
        assert_eq!(Locale::parse("fr"), None);
    }
}
