//! The admin portal's landing page: `GET /api/admin/dashboard/stats` (money, accounts, debts,
//! usage, routers and jobs at a glance) and `GET /api/admin/metrics` (reliability signals,
//! each with an `ok | warn | critical` level).
//!
//! Days are local days in `APP_TIMEZONE`; money is whole Rupiah; quota is MB.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::dto::payments::AdminTransactionItem;
use crate::money::Rupiah;
use crate::units::Megabytes;

/// `GET /api/admin/dashboard/stats`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DashboardStats {
    pub generated_at: DateTime<Utc>,
    /// `APP_TIMEZONE`, the zone the days below are counted in.
    pub timezone: String,
    /// Today's local date.
    pub today: NaiveDate,
    pub revenue: RevenueSummary,
    /// The last 30 local days, oldest first, today last; days without payments are zero.
    pub revenue_daily: Vec<RevenueDay>,
    pub users: UserStatusCounts,
    /// Registrations waiting for an administrator (`PENDING_APPROVAL`).
    pub pending_approvals: u64,
    /// Komandan requests waiting for an administrator.
    pub pending_requests: u64,
    pub debts: DebtSummary,
    /// Usage counted today (local day) over every account.
    pub quota_used_today_mb: Megabytes,
    /// The best-selling packages of the last 30 days, by paid transactions (at most 5).
    pub top_packages: Vec<TopPackage>,
    /// The 10 newest transactions, any status.
    pub recent_transactions: Vec<AdminTransactionItem>,
    pub routers: RouterSummary,
    pub jobs: JobSummary,
}

/// Paid transactions (purchases and debt payments), dated by their payment time.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevenueSummary {
    pub today: Rupiah,
    pub today_count: u64,
    /// Today and the 6 days before it.
    pub last_7_days: Rupiah,
    pub last_7_days_count: u64,
    /// From the 1st of this month to today.
    pub this_month: Rupiah,
    pub this_month_count: u64,
}

/// One local day of revenue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevenueDay {
    pub date: NaiveDate,
    pub amount: Rupiah,
    pub count: u64,
}

/// End-user accounts (USER and KOMANDAN) by the status the access policy gives them now.
/// `ok` includes `unlimited`; `inactive` includes accounts waiting for approval.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserStatusCounts {
    pub total: u64,
    pub ok: u64,
    /// Part of `ok`: unlimited accounts.
    pub unlimited: u64,
    pub fup: u64,
    pub habis: u64,
    pub expired: u64,
    pub blocked: u64,
    pub inactive: u64,
}

/// Open debts over every account.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DebtSummary {
    /// Open manual debt items (an unlimited advance is one item without MB).
    pub manual_open_items: u64,
    /// Accounts with at least one open manual item.
    pub manual_users: u64,
    /// MB still owed on the open manual items.
    pub manual_open_mb: i64,
    /// Accounts using more than their quota (auto debt).
    pub auto_users: u64,
    /// Auto debt in whole MB (rounded up per account, as it is settled).
    pub auto_mb: i64,
    /// Manual + auto MB priced with the package catalog; `None` without a priced package.
    pub estimated_rp: Option<Rupiah>,
}

/// A package and its sales in the last 30 days.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TopPackage {
    pub package_id: String,
    pub name: String,
    pub count: u64,
    pub amount: Rupiah,
}

/// Routers by their last health check.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RouterSummary {
    pub online: u64,
    pub offline: u64,
    /// Enabled but never checked yet.
    pub unknown: u64,
    pub disabled: u64,
    pub items: Vec<RouterHealthItem>,
}

/// One router's health as the last check saw it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RouterHealthItem {
    pub id: String,
    pub name: String,
    pub is_enabled: bool,
    /// `None`: never checked.
    pub online: Option<bool>,
    pub last_seen_at: Option<DateTime<Utc>>,
    pub down_since: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
}

/// Background jobs that need an operator.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobSummary {
    /// Job × scope pairs whose last run failed (`job` or `job@router`).
    pub failing: Vec<String>,
    /// Dead letters nobody resolved yet.
    pub dead_letters: u64,
}

/// How worried an operator should be about a signal.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum SignalLevel {
    #[default]
    Ok,
    Warn,
    Critical,
}

impl SignalLevel {
    pub fn as_str(self) -> &'static str {
        match self {
            SignalLevel::Ok => "ok",
            SignalLevel::Warn => "warn",
            SignalLevel::Critical => "critical",
        }
    }
}

/// `GET /api/admin/metrics`: reliability signals. `level` is the worst of them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReliabilityMetrics {
    pub generated_at: DateTime<Utc>,
    pub level: SignalLevel,
    /// One entry per enabled router.
    pub sync_lag: Vec<SyncLagSignal>,
    pub outbox: OutboxSignal,
    pub jobs: JobsSignal,
    pub payments: ReconcileSignal,
    pub otp: OtpSignal,
}

/// Time since a router's last successful quota sync.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncLagSignal {
    pub router: String,
    pub last_sync_at: Option<DateTime<Utc>>,
    /// `None` when it never synced.
    pub lag_seconds: Option<i64>,
    /// The quota-sync schedule of this router; `0` when the job is off for it.
    pub interval_seconds: u64,
    pub level: SignalLevel,
}

/// The outbox: router syncs and messages recorded with a change, carried out by the worker.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxSignal {
    /// Items waiting or being worked on.
    pub pending: u64,
    /// How long the oldest item that is due has waited (`None`: nothing due).
    pub oldest_due_seconds: Option<i64>,
    /// Items given up after their retries.
    pub dead: u64,
    pub level: SignalLevel,
}

/// Dead letters and failing jobs.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobsSignal {
    pub dead_letters: u64,
    pub dead_letters_24h: u64,
    pub failing: Vec<String>,
    pub level: SignalLevel,
}

/// The payment reconciliation job over the last 24 hours.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReconcileSignal {
    pub runs_24h: u64,
    pub last_run_at: Option<DateTime<Utc>>,
    /// Orders paid at the gateway that the app had not credited (a lost notification): the
    /// reconciliation applied them late.
    pub mismatches_24h: u64,
    /// Orders whose stored status the gateway corrected (includes the mismatches).
    pub corrected_24h: u64,
    /// Checks that failed (gateway errors).
    pub errors_24h: u64,
    pub level: SignalLevel,
}

/// OTP codes that could not be sent, and other WhatsApp notices that failed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OtpSignal {
    pub failures_1h: u64,
    pub failures_24h: u64,
    /// Notices other than OTP codes that failed in the last 24 hours.
    pub message_failures_24h: u64,
    pub level: SignalLevel,
}

#[cfg(test)]
mod tests {
    use super::SignalLevel;

    #[test]
    fn levels_order_by_severity() {
        assert!(SignalLevel::Critical > SignalLevel::Warn);
        assert_eq!(
            [SignalLevel::Warn, SignalLevel::Ok, SignalLevel::Critical]
                .into_iter()
                .max(),
            Some(SignalLevel::Critical)
        );
        assert_eq!(
            serde_json::to_string(&SignalLevel::Warn).unwrap(),
            "\"warn\""
        );
    }
}
