//! Packages, promos and payments: `/api/packages`, `/api/public/promos/active`,
//! `/api/settings/payment-availability`, `/api/transactions/*` and the admin catalog and
//! transaction routes. Field names are the reference API's.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::money::Rupiah;
use crate::payment::PaymentStatus;

/// The hotspot profile a package maps to (`package_profiles`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfileDto {
    pub id: String,
    pub profile_name: String,
    pub description: Option<String>,
    /// Packages using this profile.
    #[serde(default)]
    pub package_count: u64,
}

/// `POST/PUT /api/admin/profiles[/{id}]`
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfileUpsert {
    pub profile_name: String,
    #[serde(default)]
    pub description: Option<String>,
}

/// A package as the portal and the admin see it. `data_quota_gb` 0 means unlimited.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PackageDto {
    pub id: String,
    pub name: String,
    pub description: Option<String>,
    pub price: Rupiah,
    /// `Rp 10.000`
    pub price_display: String,
    pub data_quota_gb: f64,
    pub data_quota_mb: i64,
    pub duration_days: i32,
    pub is_unlimited: bool,
    pub is_active: bool,
    pub profile_id: String,
    pub profile_name: Option<String>,
    pub sort_order: i32,
}

/// `POST/PUT /api/admin/packages[/{id}]`. Numbers arrive as JSON numbers (or numeric
/// strings from forms); the server validates the ranges.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PackageUpsert {
    pub name: String,
    pub price: f64,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(
        default = "default_true",
        deserialize_with = "crate::dto::lenient_bool"
    )]
    pub is_active: bool,
    /// GB with at most two decimals; 0 = unlimited.
    pub data_quota_gb: f64,
    pub duration_days: f64,
    pub profile_id: String,
    #[serde(default)]
    pub sort_order: Option<i32>,
}

fn default_true() -> bool {
    true
}

/// `DELETE /api/admin/packages/{id}`: deleted, or deactivated because history refers to it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PackageRemoval {
    pub message: String,
    pub deleted: bool,
    pub deactivated: bool,
}

/// `PromoEventType`
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum PromoType {
    BonusRegistration,
    GeneralAnnouncement,
}

/// `PromoEventStatus`: DRAFT → ACTIVE or SCHEDULED → EXPIRED or ARCHIVED.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum PromoStatus {
    Draft,
    Active,
    Scheduled,
    Expired,
    Archived,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PromoDto {
    pub id: String,
    pub name: String,
    pub description: Option<String>,
    pub event_type: PromoType,
    pub status: PromoStatus,
    pub start_date: DateTime<Utc>,
    pub end_date: Option<DateTime<Utc>>,
    pub bonus_value_mb: Option<i64>,
    pub bonus_duration_days: Option<i32>,
    pub created_by_id: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// `POST/PUT /api/admin/promos[/{id}]`. On PUT every field is optional.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PromoUpsert {
    pub name: Option<String>,
    pub description: Option<String>,
    pub event_type: Option<PromoType>,
    pub status: Option<PromoStatus>,
    pub start_date: Option<DateTime<Utc>>,
    pub end_date: Option<DateTime<Utc>>,
    pub bonus_value_mb: Option<i64>,
    pub bonus_duration_days: Option<i32>,
}

/// `POST /api/transactions/initiate`
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct InitiateRequest {
    pub package_id: String,
    #[serde(default)]
    pub payment_method: Option<String>,
    #[serde(default)]
    pub va_bank: Option<String>,
}

/// `POST /api/transactions/debt/initiate`: the whole debt, or one manual item.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct DebtInitiateRequest {
    pub payment_method: Option<String>,
    pub va_bank: Option<String>,
    pub manual_debt_id: Option<String>,
}

/// `POST /api/admin/transactions/bill` (alias `/qris`): an admin creates a bill for a user.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminBillRequest {
    pub user_id: String,
    pub package_id: String,
    #[serde(default)]
    pub payment_method: Option<String>,
    #[serde(default)]
    pub va_bank: Option<String>,
}

/// The answer to an initiation (new or reused).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InitiateResponse {
    pub id: String,
    pub order_id: String,
    pub status: PaymentStatus,
    pub amount: Rupiah,
    /// `snap` or `core_api`.
    pub provider_mode: String,
    pub snap_token: Option<String>,
    pub redirect_url: Option<String>,
    pub payment_method: Option<String>,
    pub va_bank: Option<String>,
    pub midtrans_transaction_id: Option<String>,
    pub expiry_time: Option<DateTime<Utc>>,
    /// `dd-mm-yyyy HH:MM WITA`
    pub expiry_time_display: String,
    pub va_number: Option<String>,
    pub payment_code: Option<String>,
    pub biller_code: Option<String>,
    pub qr_code_url: Option<String>,
    pub qr_string: Option<String>,
    pub deeplink_redirect_url: Option<String>,
    /// Signed token for the public status page.
    pub status_token: String,
    pub status_url: String,
    /// An existing pending transaction was returned (duplicate click).
    pub reused: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TransactionPackage {
    pub id: String,
    pub name: String,
    pub price: Rupiah,
    pub data_quota_gb: f64,
    pub duration_days: i32,
    pub is_unlimited: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TransactionUser {
    pub id: Option<String>,
    pub full_name: String,
    pub phone_number: String,
}

/// `GET /api/transactions/by-order-id/{id}` (owner or admin) and the public variant (user
/// masked, no hotspot password).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TransactionDetail {
    pub id: String,
    pub order_id: String,
    pub status: PaymentStatus,
    /// `purchase` or `debt`.
    pub purpose: String,
    /// `auto`, `manual` or `total` for debt payments.
    pub debt_type: Option<String>,
    pub debt_mb: Option<i64>,
    pub manual_debt_id: Option<String>,
    pub amount: Rupiah,
    pub amount_display: String,
    pub provider_mode: String,
    pub snap_token: Option<String>,
    pub redirect_url: Option<String>,
    pub payment_method: Option<String>,
    pub va_bank: Option<String>,
    pub va_number: Option<String>,
    pub payment_code: Option<String>,
    pub biller_code: Option<String>,
    pub qr_code_url: Option<String>,
    pub qr_string: Option<String>,
    pub deeplink_redirect_url: Option<String>,
    pub midtrans_transaction_id: Option<String>,
    pub expiry_time: Option<DateTime<Utc>>,
    pub payment_time: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub hotspot_password: Option<String>,
    pub package: Option<TransactionPackage>,
    pub user: Option<TransactionUser>,
    /// Whether the package/debt effect has been applied.
    pub applied: bool,
    /// An invoice exists (status SUCCESS).
    pub invoice_available: bool,
}

/// One entry of a transaction's history (`transaction_events`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TransactionEventDto {
    pub id: String,
    /// `APP`, `MIDTRANS_WEBHOOK`, `MIDTRANS_STATUS`.
    pub source: String,
    pub event_type: String,
    pub status: Option<PaymentStatus>,
    /// The raw payload (a notification body, a status answer, our own note).
    pub payload: Option<Value>,
    pub created_at: DateTime<Utc>,
}

/// `GET /api/admin/transactions/{order_id}/detail`
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AdminTransactionDetail {
    pub transaction: TransactionDetail,
    pub events: Vec<TransactionEventDto>,
    pub midtrans_notification_payload: Option<Value>,
    pub created_by_admin_id: Option<String>,
}

/// One row of `GET /api/admin/transactions`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminTransactionItem {
    pub id: String,
    pub order_id: String,
    pub status: PaymentStatus,
    pub purpose: String,
    pub amount: Rupiah,
    pub payment_method: Option<String>,
    pub package_name: Option<String>,
    pub user_id: Option<String>,
    pub user_full_name: Option<String>,
    pub user_phone_number: Option<String>,
    pub created_at: DateTime<Utc>,
    pub payment_time: Option<DateTime<Utc>>,
}

/// `GET /api/admin/transactions` filters.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AdminTransactionQuery {
    pub page: Option<u64>,
    pub per_page: Option<u64>,
    pub status: Option<String>,
    /// Order id (part of it).
    pub search: Option<String>,
    pub user_id: Option<String>,
    /// `created_at` (default) or `amount`.
    pub sort: Option<String>,
    /// `asc` or `desc` (default: newest or largest first).
    pub order: Option<String>,
}

/// `GET /api/settings/payment-availability`: the Midtrans circuit breaker.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentAvailability {
    pub available: bool,
    pub message: Option<String>,
    /// `circuit_open`, `not_configured`, or none.
    pub reason: Option<String>,
    pub circuit_name: String,
    /// `closed`, `open`, `half_open` or `unknown`.
    pub circuit_state: String,
    pub retry_after_seconds: Option<u64>,
    pub checked_at: DateTime<Utc>,
    pub open_until: Option<DateTime<Utc>>,
}

/// Payment options the portal offers (`PAYMENT_PROVIDER_MODE`, enabled methods and banks).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentOptions {
    pub provider_mode: String,
    pub payment_methods: Vec<String>,
    pub va_banks: Vec<String>,
}

/// `POST /api/admin/transactions/{order_id}/reconcile`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReconcileResponse {
    pub order_id: String,
    pub transaction_status: PaymentStatus,
    /// Midtrans' `transaction_status`, `null` when Midtrans does not know the order.
    pub midtrans_status: Option<String>,
    pub quota_applied: bool,
    pub whatsapp_sent: bool,
}

/// `POST /api/admin/midtrans/selftest`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SelfTestResponse {
    pub ok: bool,
    pub gateway: String,
    pub environment: Option<String>,
    pub core_base_url: Option<String>,
    pub snap_base_url: Option<String>,
    pub latency_ms: Option<u64>,
    pub checks: Vec<String>,
    pub error: Option<String>,
}

/// `POST /api/admin/transactions/bill`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminBillResponse {
    pub order_id: String,
    pub status: PaymentStatus,
    pub status_url: String,
    pub whatsapp_sent: bool,
    pub payment: InitiateResponse,
}

/// What the notification endpoint answers (Midtrans only looks at the status code).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotificationAck {
    /// `ok` or `ignored`.
    pub status: String,
    pub message: String,
}
