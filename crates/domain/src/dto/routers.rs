//! `/api/admin/routers`: the MikroTik routers of an install (one per site), with their own
//! hotspot ranges, server names and job schedules.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::api::Page;
use crate::dto::health::SetupState;

/// One router as admins see it; never its password.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RouterView {
    pub id: String,
    pub name: String,
    pub host: String,
    pub port: u16,
    pub use_tls: bool,
    /// Any certificate is accepted (self-signed routers without a pinned fingerprint).
    pub tls_insecure: bool,
    /// A CA certificate is stored for the router's TLS (its text is not shown).
    pub has_tls_ca: bool,
    pub tls_fingerprint_sha256: Option<String>,
    pub username: String,
    pub hotspot_server_names: Vec<String>,
    pub hotspot_client_cidrs: Vec<String>,
    pub is_enabled: bool,
    pub is_default: bool,
    /// The router `MIKROTIK_*` configures: its connection and ranges come from the
    /// environment at every start, so only its schedules can be changed here.
    pub managed_by_env: bool,
    /// Per-job schedule of this router, in seconds (`0`: the job does not run on it). Jobs
    /// not named here follow the install's schedule.
    pub job_intervals: BTreeMap<String, u64>,
    /// `None`: never checked; otherwise whether the last check reached it.
    pub online: Option<bool>,
    pub last_seen_at: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
    pub routeros_version: Option<String>,
    /// When this install was confirmed as the owner of the router's entries; until then jobs
    /// only report entries whose comments another install (lpsaring) could have written.
    #[serde(default)]
    pub adopted_at: Option<DateTime<Utc>>,
    pub user_count: u64,
    pub device_count: u64,
    /// The list only, for an enabled router: what its last verify-rules report found (the
    /// router is not contacted).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub setup: Option<RouterSetup>,
}

/// A router's setup from its last verify-rules report (kept 15 minutes; the router-health
/// job makes a new one).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RouterSetup {
    pub setup: SetupState,
    /// The verify-rules items the router lacks (their labels).
    #[serde(default)]
    pub missing: Vec<String>,
    /// The command that prints the script creating them, or (unchecked) the one that checks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fix: Option<String>,
}

/// A per-router job and what its schedule may be.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RouterJobInfo {
    pub name: String,
    pub description: String,
    /// The install's interval (`None` for a job on a cron expression, or switched off).
    pub default_seconds: Option<u64>,
    /// The install's cron expression, if the job runs on one.
    pub cron: Option<String>,
    /// The shortest interval a router may have (`0` always allowed: off on that router).
    /// `None`: the job runs on a cron expression, so only `0` can be set.
    pub min_seconds: Option<u64>,
    /// Whether the install runs the job at all (a router cannot switch on a job the
    /// configuration switched off).
    pub enabled: bool,
}

/// `GET /api/admin/routers`: the list envelope (`{items, total, page, per_page}`, unpaged)
/// with the per-router jobs beside it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RouterList {
    #[serde(flatten)]
    pub routers: Page<RouterView>,
    pub jobs: Vec<RouterJobInfo>,
}

/// `POST /api/admin/routers` (every field but the optional ones required) and
/// `PUT /api/admin/routers/{id}` (only the fields present change; an absent password keeps
/// the stored one; an empty `tls_ca_pem` or `tls_fingerprint_sha256` removes it;
/// `job_intervals`, when present, replaces the router's whole map).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RouterInput {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
    /// Default 8728 (8729 with TLS).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub port: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub use_tls: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tls_insecure: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tls_ca_pem: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tls_fingerprint_sha256: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
    /// Default: the install's `MIKROTIK_SERVER_USER` and `MIKROTIK_SERVER_KOMANDAN`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hotspot_server_names: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hotspot_client_cidrs: Option<Vec<String>>,
    /// Default `true`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_enabled: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub job_intervals: Option<BTreeMap<String, u64>>,
}

/// What one check of `verify-rules` is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RuleKind {
    /// A hotspot server the router's settings name (`/ip/hotspot`).
    HotspotServer,
    /// Saring's hotspot server profile and the login page that sends clients to the portal.
    ServerProfile,
    LoginPage,
    /// A hotspot user profile the access policy uses.
    UserProfile,
    /// A status address list.
    AddressList,
    /// A firewall raw or filter rule that enforces a status list.
    FirewallRule,
    /// A walled-garden host (portal, payment, messaging).
    WalledGarden,
    /// DHCP option 114 (RFC 8908 captive-portal API) and the client networks that send it.
    DhcpOption,
    DhcpNetwork,
    /// The rights of the API user Saring logs in with.
    ApiUser,
}

/// One item `verify-rules` looks for on the router.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleCheck {
    pub kind: RuleKind,
    /// What was looked for, in RouterOS terms (e.g. `raw prerouting drop
    /// src-address-list=klient_inactive`).
    pub label: String,
    pub found: bool,
    /// What is missing or wrong (Indonesian), when not found.
    pub hint: Option<String>,
}

/// `GET /api/admin/routers/{id}/verify-rules`: everything Saring needs on one router, item by
/// item, and the command that prints a script creating what is missing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RouterRulesReport {
    pub router: String,
    pub all_found: bool,
    /// How many checks failed.
    pub missing: usize,
    pub checks: Vec<RuleCheck>,
    /// `saring routeros setup-script --router NAME`.
    pub setup_command: String,
    pub checked_at: DateTime<Utc>,
}

/// `GET /api/admin/routers/{id}/live`: what the router shows right now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RouterLive {
    pub router: String,
    pub read_at: DateTime<Utc>,
    /// `/ip/hotspot/host`: every device the hotspot sees, with its account when the MAC is a
    /// known device.
    pub hosts: Vec<LiveHost>,
    /// `/ip/hotspot/active`: hotspot sessions (logins by user name rather than bypass).
    pub active: Vec<LiveSession>,
    /// More rows than [`LIVE_LIMIT`] in either list: the first ones are shown.
    pub truncated: bool,
}

/// The most rows of each list a live view answers.
pub const LIVE_LIMIT: usize = 2000;

/// The account a MAC address belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LiveOwner {
    pub user_id: String,
    pub full_name: String,
    pub phone_number: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LiveHost {
    pub mac_address: String,
    pub address: Option<String>,
    pub server: Option<String>,
    pub uptime_seconds: u64,
    pub idle_seconds: u64,
    /// From the device (upload) and to it (download) since the row appeared.
    pub bytes_in: u64,
    pub bytes_out: u64,
    pub authorized: bool,
    pub bypassed: bool,
    pub owner: Option<LiveOwner>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LiveSession {
    pub user: String,
    pub address: Option<String>,
    pub mac_address: Option<String>,
    pub login_by: Option<String>,
    pub uptime_seconds: u64,
    pub bytes_in: u64,
    pub bytes_out: u64,
    pub owner: Option<LiveOwner>,
}
