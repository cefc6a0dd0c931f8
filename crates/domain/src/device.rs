//! A user's device (one MAC address), as bound on the router.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::ids::UserId;
use crate::mac::Mac;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Device {
    pub id: Uuid,
    pub user_id: UserId,
    pub router_id: Option<Uuid>,
    pub mac: Mac,
    pub ip_address: Option<String>,
    pub label: Option<String>,
    pub user_agent: Option<String>,
    pub is_authorized: bool,
    pub is_randomized_mac: bool,
    pub first_seen_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    pub authorized_at: Option<DateTime<Utc>>,
    /// Quota-sync baseline: the host row's counter total at the last read.
    pub last_bytes_total: Option<i64>,
    pub last_hotspot_host_id: Option<String>,
    pub last_hotspot_uptime_seconds: Option<i64>,
    pub last_bytes_updated_at: Option<DateTime<Utc>>,
}

/// What adding a device does to an account at its device limit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Replacement {
    /// Below the limit: nothing is replaced.
    NotNeeded,
    /// This device of the account makes room for the new one.
    Replace(Box<Device>),
    /// At the limit and nothing may be replaced without the user's confirmation.
    LimitReached,
}

/// The device-limit rule: an account at `max` devices gets a new one only by replacing one.
/// A randomized (private) address replaces the account's oldest randomized device on its own
/// (phones make a new one per network); otherwise the user must confirm, and then the oldest
/// device goes.
pub fn replacement_at_limit(own: &[Device], max: usize, new: Mac, confirm: bool) -> Replacement {
    if own.len() < max {
        return Replacement::NotNeeded;
    }
    let oldest = |randomized_only: bool| {
        own.iter()
            .filter(|d| !randomized_only || d.is_randomized_mac)
            .min_by_key(|d| d.last_seen_at)
            .cloned()
    };
    let victim = if new.is_randomized() {
        oldest(true).or_else(|| confirm.then(|| oldest(false)).flatten())
    } else if confirm {
        oldest(false)
    } else {
        None
    };
    victim.map_or(Replacement::LimitReached, |d| {
        Replacement::Replace(Box::new(d))
    })
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};

    use super::*;

    fn device(mac: &str, minute: u32) -> Device {
        let mac = Mac::parse(mac).unwrap();
        let at = Utc.with_ymd_and_hms(2026, 12, 1, 0, minute, 0).unwrap();
        Device {
            id: Uuid::new_v4(),
            user_id: UserId(Uuid::nil()),
            router_id: None,
            mac,
            ip_address: None,
            label: None,
            user_agent: None,
            is_authorized: true,
            is_randomized_mac: mac.is_randomized(),
            first_seen_at: at,
            last_seen_at: at,
            authorized_at: Some(at),
            last_bytes_total: None,
            last_hotspot_host_id: None,
            last_hotspot_uptime_seconds: None,
            last_bytes_updated_at: None,
        }
    }

    #[test]
    fn the_device_limit_replaces_as_the_rule_says() {
        let fixed = Mac::parse("00:1A:00:00:00:09").unwrap();
        let private = Mac::parse("DA:00:00:00:00:09").unwrap();
        let own = vec![
            device("00:1A:00:00:00:01", 5),
            device("DA:00:00:00:00:01", 9),
            device("00:1A:00:00:00:02", 1),
        ];
        assert_eq!(
            replacement_at_limit(&own[..2], 3, fixed, false),
            Replacement::NotNeeded
        );
        assert_eq!(
            replacement_at_limit(&own, 3, fixed, false),
            Replacement::LimitReached
        );
        assert_eq!(
            replacement_at_limit(&own, 3, fixed, true),
            Replacement::Replace(Box::new(own[2].clone())),
            "confirmed: the oldest goes"
        );
        assert_eq!(
            replacement_at_limit(&own, 3, private, false),
            Replacement::Replace(Box::new(own[1].clone())),
            "a private address replaces the oldest private one on its own"
        );
        let no_private = vec![own[0].clone(), own[2].clone()];
        assert_eq!(
            replacement_at_limit(&no_private, 2, private, false),
            Replacement::LimitReached
        );
        assert_eq!(
            replacement_at_limit(&no_private, 2, private, true),
            Replacement::Replace(Box::new(own[2].clone()))
        );
    }
}
