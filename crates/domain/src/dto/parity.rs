//! The policy parity guard's reports: `GET /api/admin/policy-parity` and
//! `POST /api/admin/policy-parity/check`. The same report is kept in the KV store as JSON.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// One user whose router state differs from the database.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParityItem {
    pub user_id: String,
    /// The hotspot username (the local number, `08…`).
    pub username: String,
    pub full_name: String,
    /// Kinds of difference (`missing_ip_binding`, `address_list`, …).
    pub mismatches: Vec<String>,
    /// Router writes the repair needs.
    pub ops: usize,
    pub repaired: bool,
}

/// One run of the guard on a router.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParityReport {
    pub router: String,
    pub generated_at: Option<DateTime<Utc>>,
    /// Why nothing was checked (`disabled`, `locked`).
    pub skipped: Option<String>,
    pub users_checked: usize,
    pub users_with_mismatches: usize,
    /// Users per kind of difference.
    pub summary: BTreeMap<String, usize>,
    /// The differing users (the first 300; the summary counts all).
    pub items: Vec<ParityItem>,
    pub repaired_users: usize,
    pub repair_failures: usize,
    pub repair_errors: Vec<String>,
}

/// A router with its last report (`None`: none in the last 24 hours).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RouterParity {
    pub router: String,
    pub report: Option<ParityReport>,
}
