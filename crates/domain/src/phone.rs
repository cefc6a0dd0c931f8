//! Phone numbers: parsed once at the edge into E.164, with the Indonesian local form.
//!
//! The accepted inputs follow the reference system's normalisation exactly, so numbers
//! stored by it compare equal to ours:
//! `+<digits>` (any country, 8–15 digits; `+62` must be a mobile number), `00<cc>…`, `08…`, `62…`, `8…`, and otherwise a
//! bare international number of 8–15 digits. Indonesian results must look like a mobile
//! number: `+628[1-9]` followed by 7–11 digits. Spaces, dashes, dots and brackets are
//! ignored. A leading `0` other than `08` is refused (it is ambiguous across countries).

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A valid phone number in E.164 form (`+6281234567890`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Phone(String);

/// Why a phone number was refused. Each variant has an Indonesian message for the UI.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PhoneError {
    #[error("Nomor telepon tidak boleh kosong.")]
    Empty,
    #[error("Nomor telepon hanya boleh berisi angka, spasi, '-', '.', '(', ')' dan '+' di depan.")]
    InvalidCharacters,
    #[error("Format nomor internasional tidak valid. Gunakan +<kodeNegara><nomor>.")]
    InvalidInternational,
    #[error(
        "Awalan '0' hanya untuk nomor Indonesia (08…). Untuk nomor luar negeri gunakan +<kodeNegara>."
    )]
    AmbiguousLocalPrefix,
    #[error("Panjang nomor telepon tidak valid.")]
    InvalidLength,
    #[error("Nomor telepon bukan nomor seluler Indonesia yang valid.")]
    InvalidIndonesianMobile,
}

impl Phone {
    /// Parses any accepted input form into E.164.
    pub fn parse(input: &str) -> Result<Self, PhoneError> {
        let raw = input.trim();
        if raw.is_empty() {
            return Err(PhoneError::Empty);
        }
        let (plus, rest) = match raw.strip_prefix('+') {
            Some(rest) => (true, rest),
            None => (false, raw),
        };
        let mut digits = String::with_capacity(rest.len());
        for c in rest.chars() {
            match c {
                '0'..='9' => digits.push(c),
                ' ' | '-' | '.' | '(' | ')' | '\u{a0}' => {}
                _ => return Err(PhoneError::InvalidCharacters),
            }
        }
        if digits.is_empty() {
            return Err(PhoneError::Empty);
        }
        if plus {
            return international(&digits);
        }
        if let Some(rest) = digits.strip_prefix("00") {
            return international(rest);
        }
        let indonesian = if let Some(rest) = digits.strip_prefix('0') {
            if !rest.starts_with('8') {
                return Err(PhoneError::AmbiguousLocalPrefix);
            }
            format!("+62{rest}")
        } else if digits.starts_with("62") {
            format!("+{digits}")
        } else if digits.starts_with('8') {
            format!("+62{digits}")
        } else {
            return international(&digits);
        };
        validate_indonesian(indonesian)
    }

    /// The E.164 form, e.g. `+6281234567890`.
    pub fn as_e164(&self) -> &str {
        &self.0
    }

    /// Digits without the `+` (`6281234567890`): the form WhatsApp gateways take.
    pub fn digits(&self) -> &str {
        &self.0[1..]
    }

    /// Whether this is an Indonesian (`+62`) number.
    pub fn is_indonesian(&self) -> bool {
        self.0.starts_with("+62")
    }

    /// The local form: `08…` for Indonesian numbers (the hotspot username), E.164 otherwise.
    pub fn local(&self) -> String {
        match self.0.strip_prefix("+62") {
            Some(rest) => format!("0{rest}"),
            None => self.0.clone(),
        }
    }

    /// Every spelling under which the reference may have stored or been given this number;
    /// used to find legacy rows and router entries.
    pub fn variations(&self) -> Vec<String> {
        let mut out = vec![self.0.clone(), self.digits().to_owned()];
        if let Some(rest) = self.0.strip_prefix("+62") {
            out.push(format!("0{rest}"));
            out.push(rest.to_owned());
        }
        out
    }
}

fn international(digits: &str) -> Result<Phone, PhoneError> {
    // However it was spelt, a +62 result is an Indonesian number and must be a mobile one
    // (otherwise its local `0…` form, the hotspot username, would not parse back).
    if digits.starts_with("62") {
        return validate_indonesian(format!("+{digits}"));
    }
    let ok = (8..=15).contains(&digits.len()) && !digits.starts_with('0');
    if !ok {
        return Err(PhoneError::InvalidInternational);
    }
    Ok(Phone(format!("+{digits}")))
}

fn validate_indonesian(e164: String) -> Result<Phone, PhoneError> {
    if !(12..=16).contains(&e164.len()) {
        return Err(PhoneError::InvalidLength);
    }
    // +628[1-9][0-9]{7,11}
    let bytes = e164.as_bytes();
    let valid = e164.starts_with("+628")
        && matches!(bytes.get(4), Some(b'1'..=b'9'))
        && (7..=11).contains(&(bytes.len() - 5));
    if !valid {
        return Err(PhoneError::InvalidIndonesianMobile);
    }
    Ok(Phone(e164))
}

impl fmt::Display for Phone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::str::FromStr for Phone {
    type Err = PhoneError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl Serialize for Phone {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Phone {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(d)?;
        Phone::parse(&raw).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn e164(input: &str) -> Result<String, PhoneError> {
        Phone::parse(input).map(|p| p.as_e164().to_owned())
    }

    #[test]
    fn accepts_every_indonesian_form() {
        for input in [
            "0812-3456-7890",
            "+62 812 3456 7890",
            "6281234567890",
            "81234567890",
            "(0812) 3456.7890",
            "  081234567890 ",
            "006281234567890",
        ] {
            assert_eq!(e164(input).as_deref(), Ok("+6281234567890"), "{input}");
        }
        assert_eq!(e164("0812345678").as_deref(), Ok("+62812345678"));
        assert_eq!(e164("0811580039").as_deref(), Ok("+62811580039"));
        // 14-digit local numbers (08 + 12) still fit E.164.
        assert_eq!(e164("08123456789012").as_deref(), Ok("+628123456789012"));
    }

    #[test]
    fn accepts_international_numbers() {
        assert_eq!(e164("67512345678").as_deref(), Ok("+67512345678"));
        assert_eq!(e164("+67512345678").as_deref(), Ok("+67512345678"));
        assert_eq!(e164("0067512345678").as_deref(), Ok("+67512345678"));
        assert_eq!(e164("+441234567890").as_deref(), Ok("+441234567890"));
        assert_eq!(e164("00441234567890").as_deref(), Ok("+441234567890"));
        assert_eq!(e164("441234567890").as_deref(), Ok("+441234567890"));
        assert_eq!(e164("+123456789012345").as_deref(), Ok("+123456789012345"));
    }

    #[test]
    fn rejects_bad_numbers_with_clear_errors() {
        assert_eq!(e164(""), Err(PhoneError::Empty));
        assert_eq!(e164("   "), Err(PhoneError::Empty));
        assert_eq!(e164("+"), Err(PhoneError::Empty));
        assert_eq!(e164("1234"), Err(PhoneError::InvalidInternational));
        assert_eq!(e164("0000000000"), Err(PhoneError::InvalidInternational));
        assert_eq!(e164("021-5551234"), Err(PhoneError::AmbiguousLocalPrefix));
        assert_eq!(e164("02123456789"), Err(PhoneError::AmbiguousLocalPrefix));
        assert_eq!(
            e164("+1234567890123456"),
            Err(PhoneError::InvalidInternational)
        );
        assert_eq!(e164("+0812345678"), Err(PhoneError::InvalidInternational));
        assert_eq!(e164("08abc"), Err(PhoneError::InvalidCharacters));
        assert_eq!(e164("0812345"), Err(PhoneError::InvalidLength));
        assert_eq!(e164("081234567890123"), Err(PhoneError::InvalidLength));
        assert_eq!(
            e164("6221234567890"),
            Err(PhoneError::InvalidIndonesianMobile)
        );
        assert_eq!(e164("0801234567"), Err(PhoneError::InvalidIndonesianMobile));
    }

    #[test]
    fn local_form_and_variations() {
        let p = Phone::parse("+62811580039").unwrap();
        assert_eq!(p.local(), "0811580039");
        assert_eq!(p.digits(), "62811580039");
        let v = p.variations();
        for want in ["+62811580039", "62811580039", "0811580039", "811580039"] {
            assert!(v.iter().any(|x| x == want), "{want}");
        }
        let foreign = Phone::parse("+441234567890").unwrap();
        assert_eq!(foreign.local(), "+441234567890");
        assert!(!foreign.is_indonesian());
    }

    #[test]
    fn serde_parses_on_the_way_in() {
        let p: Phone = serde_json::from_str("\"0812-3456-7890\"").unwrap();
        assert_eq!(serde_json::to_string(&p).unwrap(), "\"+6281234567890\"");
        assert!(serde_json::from_str::<Phone>("\"021\"").is_err());
    }

    #[test]
    fn indonesian_numbers_are_checked_in_every_spelling() {
        // Found by the property below: `+62000000` was accepted as "international", and
        // its local form `0000000` did not parse back.
        for bad in ["+62000000", "0062000000", "+62211234567"] {
            let err = Phone::parse(bad).unwrap_err();
            assert!(
                matches!(
                    err,
                    PhoneError::InvalidLength | PhoneError::InvalidIndonesianMobile
                ),
                "{bad}: {err:?}"
            );
        }
        assert_eq!(
            Phone::parse("0062 812 3456 7890").unwrap().as_e164(),
            "+6281234567890"
        );
    }

    proptest! {
        #[test]
        fn parsing_is_idempotent(input in "[+]?[0-9 -]{0,20}") {
            if let Ok(p) = Phone::parse(&input) {
                let again = Phone::parse(p.as_e164()).unwrap();
                prop_assert_eq!(&again, &p);
                prop_assert_eq!(Phone::parse(&p.local()).unwrap(), p);
            }
        }

        #[test]
        fn every_local_mobile_round_trips(rest in "[1-9][0-9]{7,10}") {
            let local = format!("08{rest}");
            let p = Phone::parse(&local).unwrap();
            prop_assert_eq!(p.local(), local);
        }
    }
}
