//! `/api/users/me/*`: the signed-in user's own data.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::access::{AccessStatus, PageStatus};
use crate::api::Page;
use crate::money::Rupiah;
use crate::payment::PaymentStatus;
use crate::units::Megabytes;

/// `GET /api/users/me/quota`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuotaSummary {
    pub total_quota_purchased_mb: Megabytes,
    pub total_quota_used_mb: Megabytes,
    pub remaining_mb: Megabytes,
    /// Share of the quota left, 0–100 (0 when nothing was bought).
    pub remaining_percent: Megabytes,
    pub quota_expiry_date: Option<DateTime<Utc>>,
    pub is_unlimited_user: bool,
    pub quota_debt_auto_mb: Megabytes,
    pub quota_debt_manual_mb: Megabytes,
    pub quota_debt_total_mb: Megabytes,
    pub quota_debt_total_estimated_rp: Option<Rupiah>,
    pub status: AccessStatus,
    pub access_status: PageStatus,
    pub hotspot_username: String,
    /// When usage was last read from the router.
    pub last_sync_time: Option<DateTime<Utc>>,
}

/// One day of usage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DailyUsage {
    pub date: NaiveDate,
    pub usage_mb: Megabytes,
}

/// `GET /api/users/me/weekly-usage`: the last 7 local days, oldest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WeeklyUsage {
    pub weekly_data: Vec<Megabytes>,
    pub days: Vec<DailyUsage>,
    pub total_mb: Megabytes,
}

/// One month of usage (`YYYY-MM`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonthlyUsage {
    pub month_year: String,
    pub usage_mb: Megabytes,
}

/// `GET /api/users/me/monthly-usage`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonthlyUsageResponse {
    pub monthly_data: Vec<MonthlyUsage>,
}

/// One day of spending.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DailySpending {
    pub date: NaiveDate,
    pub amount: Rupiah,
}

/// `GET /api/users/me/weekly-spending`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WeeklySpending {
    pub days: Vec<DailySpending>,
    pub total: Rupiah,
}

/// A device the user may use (`GET /api/users/me/devices`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceDto {
    pub id: String,
    pub mac_address: String,
    pub ip_address: Option<String>,
    pub label: Option<String>,
    pub is_authorized: bool,
    /// A private (randomized) Wi-Fi address: it may change per network or over time.
    pub is_randomized_mac: bool,
    pub first_seen_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DevicesResponse {
    pub devices: Vec<DeviceDto>,
    pub max_devices: u32,
}

/// `PUT /api/users/me/devices/{id}/label`
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct DeviceLabelRequest {
    pub label: String,
}

/// `POST /api/users/me/devices/bind-current`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BindResult {
    pub success: bool,
    pub bound: bool,
    pub message: String,
    pub device: Option<DeviceDto>,
    /// Set when a randomized address replaced an older one.
    pub replaced_device_id: Option<String>,
    /// Shown when the address is randomized: how to turn "private address" off.
    pub private_address_hint: Option<String>,
}

/// `GET /api/users/me/login-history`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoginHistoryItem {
    pub login_time: DateTime<Utc>,
    pub ip_address: Option<String>,
    pub mac_address: Option<String>,
    pub user_agent_string: Option<String>,
    pub method: Option<String>,
}

/// `GET /api/users/me/quota-history`: ledger rows in words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuotaHistoryItem {
    pub id: String,
    pub created_at: DateTime<Utc>,
    pub source: String,
    /// Indonesian sentence, e.g. "Pembelian paket: +10,00 GB".
    pub title: String,
    pub description: Option<String>,
    pub delta_purchased_mb: Megabytes,
    pub delta_used_mb: Megabytes,
    pub actor: Option<String>,
}

/// `GET /api/users/me/transactions`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TransactionItem {
    pub id: String,
    pub order_id: String,
    pub package_name: Option<String>,
    pub amount: Rupiah,
    pub status: PaymentStatus,
    pub payment_method: Option<String>,
    pub purpose: String,
    pub created_at: DateTime<Utc>,
    pub payment_time: Option<DateTime<Utc>>,
}

/// `GET /api/auth/me/telegram/status`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TelegramStatus {
    pub linked: bool,
    pub username: Option<String>,
    pub linked_at: Option<DateTime<Utc>>,
    pub bot_username: Option<String>,
}

/// `POST /api/auth/me/telegram/link-token`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TelegramLinkToken {
    pub link_url: String,
    pub expires_in_seconds: i64,
    pub bot_username: String,
}

/// One manual debt item (`GET /api/users/me/quota-debts`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuotaDebtItem {
    pub id: String,
    pub debt_date: Option<NaiveDate>,
    pub due_date: Option<NaiveDate>,
    pub amount_mb: i64,
    pub paid_mb: i64,
    pub remaining_mb: i64,
    pub is_unlimited: bool,
    pub is_paid: bool,
    pub paid_at: Option<DateTime<Utc>>,
    /// What paying the rest costs now (`None` when paid, or no package prices it).
    pub price_due: Option<Rupiah>,
    pub note: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// `GET /api/users/me/quota-debts`: the list envelope (`{items, total, page, per_page}`,
/// unpaged) with the open debt beside it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuotaDebtList {
    #[serde(flatten)]
    pub debts: Page<QuotaDebtItem>,
    pub open_count: usize,
    pub open_mb: i64,
}
