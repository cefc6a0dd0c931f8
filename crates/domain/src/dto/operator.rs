//! The operator's account work: quota operations, manual debts, komandan requests, account
//! lifecycle and a user's live router state (`/api/admin/users/{id}/…`,
//! `/api/admin/quota-requests`, `/api/admin/debts`, `/api/komandan/…`). Field names follow the
//! reference where it has the route.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::money::Rupiah;
use crate::units::Megabytes;

// ----- quota operations -----

/// `POST /api/admin/users/{id}/inject`: add MB and/or days. Injected MB pays debts first
/// (auto, then manual items oldest first); the rest becomes quota. Days reset the expiry from
/// now, as a purchase does. Unlimited accounts take days only.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct InjectQuota {
    pub add_mb: i64,
    /// Whole GB (× 1024 MB), the reference's spelling; added to `add_mb`.
    pub add_gb: i64,
    pub add_days: i64,
    pub reason: Option<String>,
}

/// `POST /api/admin/users/{id}/unlimited`: unlimited access until `until` (`None`: no end).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SetUnlimited {
    /// The last moment of unlimited access (UTC); `None` with `days` unset: no end date.
    pub until: Option<DateTime<Utc>>,
    /// Alternatively, unlimited for this many days from now.
    pub days: Option<i64>,
    pub reason: Option<String>,
}

/// `POST /api/admin/users/{id}/quota-adjust` (super admin): set the counters directly.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct QuotaAdjust {
    pub set_purchased_mb: Option<i64>,
    pub set_used_mb: Option<i64>,
    /// Required: why (kept in the ledger and the action log).
    pub reason: String,
}

/// What a quota operation left.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuotaState {
    pub total_quota_purchased_mb: Megabytes,
    pub total_quota_used_mb: Megabytes,
    pub remaining_mb: Megabytes,
    pub is_unlimited_user: bool,
    pub quota_expiry_date: Option<DateTime<Utc>>,
    /// MB of the operation that went to debts (inject).
    pub paid_debt_mb: i64,
    /// The user's router was brought in line within the request (else it is queued).
    pub router_synced: bool,
    pub whatsapp_queued: bool,
}

/// `GET /api/admin/users/{id}/quota-history` filters.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct QuotaHistoryQuery {
    /// `purchase`, `usage`, `admin`, `debt`, `komandan`, `block`, `other`.
    pub kind: Option<String>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

// ----- manual debts -----

/// `POST /api/admin/users/{id}/debts`: a manual debt by MB, or by package ("advance": the
/// package's quota and days are granted now and owed). `is_unlimited` with a package of
/// unlimited access; due at the end of the debt month unless `due_date` is given.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AddDebt {
    pub amount_mb: Option<i64>,
    pub package_id: Option<String>,
    pub debt_date: Option<NaiveDate>,
    pub due_date: Option<NaiveDate>,
    /// The price owed for an MB debt (a package debt owes the package's price).
    pub price_rp: Option<i64>,
    pub note: Option<String>,
}

/// One manual debt item as an operator sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DebtItemView {
    pub id: String,
    pub user_id: String,
    pub user_name: Option<String>,
    pub user_phone: Option<String>,
    pub debt_date: Option<NaiveDate>,
    pub due_date: Option<NaiveDate>,
    pub amount_mb: i64,
    pub paid_mb: i64,
    pub remaining_mb: i64,
    pub is_unlimited: bool,
    pub is_paid: bool,
    pub paid_at: Option<DateTime<Utc>>,
    pub price_rp: Option<Rupiah>,
    /// What settling the rest costs now.
    pub estimated_rp: Option<Rupiah>,
    pub last_paid_source: Option<String>,
    pub note: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// `GET /api/admin/users/{id}/debts`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserDebts {
    pub items: Vec<DebtItemView>,
    pub summary: DebtSummary,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DebtSummary {
    pub auto_debt_mb: i64,
    pub manual_debt_mb: i64,
    pub open_items: usize,
    pub paid_items: usize,
    pub total_items: usize,
    pub estimated_total_rp: Option<Rupiah>,
}

/// `GET /api/admin/debts` filters (every user's debts).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct DebtListQuery {
    /// `open` (default), `paid`, `overdue`, `all`.
    pub status: Option<String>,
    pub search: Option<String>,
}

/// `POST /api/admin/users/{id}/debts/{debt_id}/settle` and `…/debts/settle-all`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SettleDebt {
    /// Money received (for the receipt); settling is by MB either way.
    pub amount_rp: Option<i64>,
    pub note: Option<String>,
}

/// What a settlement did, with its receipt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DebtSettlement {
    pub receipt_number: String,
    pub paid_auto_mb: i64,
    pub paid_manual_mb: i64,
    pub debt_auto_before_mb: i64,
    pub debt_manual_before_mb: i64,
    /// A debt block was lifted.
    pub unblocked: bool,
    /// A signed temporary link to the receipt PDF.
    pub receipt_url: String,
}

/// `POST /api/admin/users/{id}/debts/send-whatsapp`: the debt report to the user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DebtReportSent {
    pub whatsapp_queued: bool,
    pub report_url: String,
}

/// `POST /api/admin/users/{id}/detail-report/link` (and `…/quota-history/link`): a signed
/// public link to the PDF, valid until `expires_at`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportLink {
    pub url: String,
    pub expires_at: DateTime<Utc>,
}

/// `POST /api/admin/users/{id}/detail-report/send-whatsapp` (and `…/quota-history/…`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportLinkSent {
    pub whatsapp_queued: bool,
    pub url: String,
    pub expires_at: DateTime<Utc>,
}

// ----- komandan requests -----

/// `QUOTA` or `UNLIMITED`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RequestType {
    Quota,
    Unlimited,
}

/// `PENDING`, `APPROVED`, `REJECTED`, `PARTIALLY_APPROVED`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RequestStatus {
    Pending,
    Approved,
    Rejected,
    PartiallyApproved,
}

/// `POST /api/komandan/requests`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewQuotaRequest {
    pub request_type: RequestType,
    #[serde(default)]
    pub requested_mb: Option<i64>,
    #[serde(default)]
    pub requested_duration_days: Option<i64>,
}

/// `GET /api/komandan/requests/limits`: what a komandan may ask for, and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestLimits {
    pub max_quota_mb: i64,
    pub max_quota_days: i64,
    pub max_unlimited_days: i64,
    pub unlimited_allowed: bool,
    /// `None`: a request may be made now.
    pub next_request_at: Option<DateTime<Utc>>,
    /// Why not now (pending request, 24 h window, cooldown).
    pub blocked_reason: Option<String>,
}

/// One request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuotaRequestView {
    pub id: String,
    pub requester_id: String,
    pub requester_name: Option<String>,
    pub requester_phone: Option<String>,
    pub status: RequestStatus,
    pub request_type: RequestType,
    pub requested_mb: Option<i64>,
    pub requested_duration_days: Option<i64>,
    pub granted_mb: Option<i64>,
    pub granted_duration_days: Option<i64>,
    pub rejection_reason: Option<String>,
    pub processed_by_name: Option<String>,
    pub processed_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

/// `GET /api/admin/quota-requests` filters.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct QuotaRequestQuery {
    pub status: Option<String>,
}

/// `APPROVE`, `REJECT` or `REJECT_AND_GRANT_QUOTA`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ProcessAction {
    Approve,
    Reject,
    RejectAndGrantQuota,
}

/// `POST /api/admin/quota-requests/{id}/process`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProcessRequest {
    pub action: ProcessAction,
    #[serde(default)]
    pub rejection_reason: Option<String>,
    #[serde(default)]
    pub granted_quota_mb: Option<i64>,
    #[serde(default)]
    pub granted_duration_days: Option<i64>,
    /// For an UNLIMITED request (default: the days asked for).
    #[serde(default)]
    pub unlimited_duration_days: Option<i64>,
}

// ----- lifecycle -----

/// `DELETE /api/admin/users/{id}`: what happened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserRemoved {
    /// `deleted` or `deactivated`.
    pub outcome: String,
    pub message: String,
    /// Router entries that could not be removed (their router was unreachable).
    pub router_failures: usize,
}

/// `POST /api/admin/users/{id}/reset-hotspot-password`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HotspotPasswordReset {
    pub message: String,
    pub router_updated: bool,
    pub whatsapp_queued: bool,
}

// ----- live router state -----

/// `GET /api/admin/users/{id}/router-state`: what every router holds for the user now, next
/// to what the database expects.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserRouterState {
    pub user_id: String,
    /// The status, profile and list the database gives the user.
    pub expected: ExpectedRouterState,
    pub routers: Vec<RouterSide>,
    /// Everything matches.
    pub in_line: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExpectedRouterState {
    pub status: String,
    pub profile: String,
    pub address_list: String,
    pub binding_type: String,
    pub hotspot_username: String,
}

/// One router's side.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RouterSide {
    pub router: String,
    /// `None`: the router answered; otherwise why it could not be read.
    pub error: Option<String>,
    pub hotspot_user: Option<LiveHotspotUser>,
    pub bindings: Vec<LiveEntry>,
    pub address_lists: Vec<LiveEntry>,
    pub hosts: Vec<LiveEntry>,
    pub active_sessions: Vec<LiveEntry>,
    /// What differs from the expected state, in plain words.
    pub differences: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LiveHotspotUser {
    pub name: String,
    pub profile: Option<String>,
    pub server: Option<String>,
    pub limit_bytes_total: Option<u64>,
    pub disabled: bool,
    pub comment: Option<String>,
}

/// One router entry: what it is and its main fields.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LiveEntry {
    pub id: String,
    /// e.g. `bypassed 02:00:…`, `klient_aktif 172.16.2.10`, `172.16.2.10 (DA:…) 12 MB`.
    pub summary: String,
    pub comment: Option<String>,
}

/// `POST /api/admin/users/{id}/router-state/fix`: one user's router state brought in line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RouterFix {
    pub synced: bool,
    pub devices: usize,
    pub after: UserRouterState,
}
