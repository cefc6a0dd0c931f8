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
