//! Typed identifiers, so a user id is never passed where an order id belongs.

use std::fmt;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A user's id (UUID v4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct UserId(pub Uuid);

impl UserId {
    pub fn new() -> Self {
        UserId(Uuid::new_v4())
    }

    pub fn parse(s: &str) -> Option<Self> {
        Uuid::parse_str(s.trim()).ok().map(UserId)
    }
}

impl Default for UserId {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Display for UserId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// A payment order id as sent to Midtrans: `[A-Za-z0-9-_~.]`, at most 50 characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct OrderId(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("Order ID tidak valid.")]
pub struct OrderIdError;

impl OrderId {
    pub const PURCHASE_PREFIX: &'static str = "BD-LPSR";
    pub const DEBT_PREFIX: &'static str = "DEBT";

    pub fn parse(s: &str) -> Result<Self, OrderIdError> {
        let s = s.trim();
        let ok = !s.is_empty()
            && s.len() <= 50
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '~' | '.'));
        if ok {
            Ok(OrderId(s.to_owned()))
        } else {
            Err(OrderIdError)
        }
    }

    /// `<prefix>-<12 uppercase hex>` from 6 random bytes supplied by the caller (the domain
    /// has no randomness of its own).
    pub fn generate(prefix: &str, random: [u8; 6]) -> Result<Self, OrderIdError> {
        let hex: String = random.iter().map(|b| format!("{b:02X}")).collect();
        Self::parse(&format!("{prefix}-{hex}"))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn is_debt(&self) -> bool {
        self.0.starts_with("DEBT-")
    }
}

impl fmt::Display for OrderId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for OrderId {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(d)?;
        OrderId::parse(&raw).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_ids() {
        let id = OrderId::generate(OrderId::PURCHASE_PREFIX, [0xAB, 0, 1, 2, 3, 0xFF]).unwrap();
        assert_eq!(id.as_str(), "BD-LPSR-AB00010203FF");
        assert!(!id.is_debt());
        assert!(
            OrderId::generate(OrderId::DEBT_PREFIX, [1; 6])
                .unwrap()
                .is_debt()
        );
        assert!(OrderId::parse("a b").is_err());
        assert!(OrderId::parse("").is_err());
        assert!(OrderId::parse(&"x".repeat(51)).is_err());
        assert!(OrderId::parse("ORDER-1_~.x").is_ok());
    }
}
