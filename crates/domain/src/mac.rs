//! MAC addresses, normalised to the form RouterOS prints (`AA:BB:CC:DD:EE:FF`).

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A unicast hardware address. Parse with [`Mac::parse`]; display is uppercase with colons.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Mac([u8; 6]);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MacError {
    #[error("Alamat MAC kosong.")]
    Empty,
    #[error("Alamat MAC tidak valid: gunakan format AA:BB:CC:DD:EE:FF.")]
    Malformed,
    #[error("Alamat MAC 00:00:00:00:00:00 tidak valid untuk perangkat.")]
    Zero,
    #[error("Alamat MAC multicast/broadcast tidak valid untuk perangkat.")]
    Multicast,
}

impl Mac {
    /// Accepts `aa:bb:cc:dd:ee:ff`, `AA-BB-CC-DD-EE-FF`, `aabb.ccdd.eeff`, `aabbccddeeff`
    /// and the percent-encoded `AA%3ABB%3A…` that captive-portal URLs sometimes carry.
    pub fn parse(input: &str) -> Result<Self, MacError> {
        let raw = input.trim();
        if raw.is_empty() {
            return Err(MacError::Empty);
        }
        let decoded = raw
            .replace("%3A", ":")
            .replace("%3a", ":")
            .replace("%2D", "-");
        let hex: String = decoded
            .chars()
            .filter(|c| !matches!(c, ':' | '-' | '.'))
            .collect();
        if hex.len() != 12 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
            return Err(MacError::Malformed);
        }
        // Separators, when present, must split the address into equal groups.
        let groups: Vec<&str> = decoded.split([':', '-', '.']).collect();
        if groups.len() > 1 && !matches!(groups.iter().map(|g| g.len()).max(), Some(2 | 4)) {
            return Err(MacError::Malformed);
        }
        if groups.len() > 1 && groups.iter().any(|g| g.len() != groups[0].len()) {
            return Err(MacError::Malformed);
        }
        let mut bytes = [0u8; 6];
        for (i, byte) in bytes.iter_mut().enumerate() {
            *byte =
                u8::from_str_radix(&hex[i * 2..i * 2 + 2], 16).map_err(|_| MacError::Malformed)?;
        }
        if bytes == [0; 6] {
            return Err(MacError::Zero);
        }
        if bytes[0] & 0x01 == 0x01 {
            return Err(MacError::Multicast);
        }
        Ok(Mac(bytes))
    }

    pub fn octets(&self) -> [u8; 6] {
        self.0
    }

    /// Locally administered addresses (second hex digit 2, 6, A or E) are what phones use
    /// for "private"/randomized Wi-Fi addresses: they change per network or over time.
    pub fn is_locally_administered(&self) -> bool {
        self.0[0] & 0x02 == 0x02
    }

    /// Alias of [`Mac::is_locally_administered`] in the portal's words.
    pub fn is_randomized(&self) -> bool {
        self.is_locally_administered()
    }
}

impl fmt::Display for Mac {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let [a, b, c, d, e, g] = self.0;
        write!(f, "{a:02X}:{b:02X}:{c:02X}:{d:02X}:{e:02X}:{g:02X}")
    }
}

impl std::str::FromStr for Mac {
    type Err = MacError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl Serialize for Mac {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Mac {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(d)?;
        Mac::parse(&raw).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn normalises_every_spelling() {
        for input in [
            "aa:bb:cc:dd:ee:f0",
            "AA-BB-CC-DD-EE-F0",
            "aabb.ccdd.eef0",
            "AABBCCDDEEF0",
            " aa:BB:cc:DD:ee:F0 ",
            "AA%3ABB%3ACC%3ADD%3AEE%3AF0",
        ] {
            assert_eq!(
                Mac::parse(input).unwrap().to_string(),
                "AA:BB:CC:DD:EE:F0",
                "{input}"
            );
        }
    }

    #[test]
    fn rejects_garbage() {
        assert_eq!(Mac::parse(""), Err(MacError::Empty));
        assert_eq!(Mac::parse("AA:BB:CC:DD:EE"), Err(MacError::Malformed));
        assert_eq!(Mac::parse("AA:BB:CC:DD:EE:GG"), Err(MacError::Malformed));
        assert_eq!(Mac::parse("AAB:BCC:DDE:EF0"), Err(MacError::Malformed));
        assert_eq!(Mac::parse("A:ABB:CC:DD:EE:F0"), Err(MacError::Malformed));
        assert_eq!(Mac::parse("00:00:00:00:00:00"), Err(MacError::Zero));
        assert_eq!(Mac::parse("FF:FF:FF:FF:FF:FF"), Err(MacError::Multicast));
        assert_eq!(Mac::parse("01:00:5E:00:00:01"), Err(MacError::Multicast));
    }

    #[test]
    fn detects_randomized_addresses() {
        for (mac, randomized) in [
            ("DA:A1:19:00:00:01", true),
            ("02:00:00:00:00:01", true),
            ("F6:00:00:00:00:01", true),
            ("AE:00:00:00:00:01", true),
            ("00:1A:2B:3C:4D:5E", false),
            ("D8:A1:19:00:00:01", false),
        ] {
            assert_eq!(
                Mac::parse(mac).unwrap().is_randomized(),
                randomized,
                "{mac}"
            );
        }
    }

    proptest! {
        #[test]
        fn display_round_trips(bytes in proptest::array::uniform6(any::<u8>())) {
            let mut b = bytes;
            b[0] &= 0xFE; // unicast
            prop_assume!(b != [0; 6]);
            let mac = Mac::parse(&Mac(b).to_string()).unwrap();
            prop_assert_eq!(mac.octets(), b);
            let lower = mac.to_string().to_lowercase().replace(':', "-");
            prop_assert_eq!(Mac::parse(&lower).unwrap(), mac);
        }
    }
}
