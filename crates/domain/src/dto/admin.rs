//! `/api/admin/*`

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::access::{AccessStatus, ApprovalStatus, Role};
use crate::dto::auth::UserMe;
use crate::units::Megabytes;

/// One row of `GET /api/admin/users`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminUserItem {
    pub id: String,
    pub phone_number: String,
    pub full_name: String,
    pub role: Role,
    pub approval_status: ApprovalStatus,
    pub is_active: bool,
    pub is_blocked: bool,
    pub is_unlimited_user: bool,
    pub blok: Option<String>,
    pub kamar: Option<String>,
    pub total_quota_purchased_mb: Megabytes,
    pub total_quota_used_mb: Megabytes,
    pub remaining_mb: Megabytes,
    pub quota_expiry_date: Option<DateTime<Utc>>,
    pub status: AccessStatus,
    pub device_count: u64,
    pub created_at: DateTime<Utc>,
    pub last_login_at: Option<DateTime<Utc>>,
}

/// `GET /api/admin/users` filters.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AdminUserQuery {
    pub page: Option<u64>,
    pub per_page: Option<u64>,
    /// Name or phone (any spelling).
    pub search: Option<String>,
    pub role: Option<String>,
    /// `pending`, `approved`, `rejected`, `active`, `inactive`, `blocked`, `unlimited`, and the
    /// reference's `debt` (owes auto or manual debt), `expired`, `fup`, `habis`, `no_quota`
    /// (nothing bought), `tamping`.
    pub status: Option<String>,
    pub blok: Option<String>,
    /// `created_at` (default), `name`, `phone`, `last_login`, `expiry`, `remaining`, `used`.
    pub sort: Option<String>,
    /// `asc` or `desc` (default for dates: newest first).
    pub order: Option<String>,
}

/// `GET /api/admin/users/{id}`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminUserDetail {
    #[serde(flatten)]
    pub user: UserMe,
    pub auto_debt_offset_mb: i64,
    pub mikrotik_server_name: Option<String>,
    pub mikrotik_profile_name: Option<String>,
    pub mikrotik_user_exists: bool,
    pub router_id: Option<String>,
    pub devices: Vec<crate::dto::users::DeviceDto>,
}

/// `PUT /api/admin/users/{id}`: every field optional; only what is present changes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AdminUserUpdate {
    pub full_name: Option<String>,
    pub blok: Option<String>,
    pub kamar: Option<String>,
    #[serde(default, deserialize_with = "crate::dto::lenient_opt_bool")]
    pub is_tamping: Option<bool>,
    pub tamping_type: Option<String>,
    pub role: Option<Role>,
    #[serde(default, deserialize_with = "crate::dto::lenient_opt_bool")]
    pub is_active: Option<bool>,
    #[serde(default, deserialize_with = "crate::dto::lenient_opt_bool")]
    pub is_blocked: Option<bool>,
    pub blocked_reason: Option<String>,
    /// A new phone number: the hotspot user, bindings and comments on every router follow.
    pub phone_number: Option<String>,
    /// The reference's one-endpoint quota operations (the same rules as
    /// `POST …/inject`, `…/unlimited` and `…/debts`).
    pub add_mb: Option<i64>,
    pub add_gb: Option<i64>,
    pub add_days: Option<i64>,
    #[serde(default, deserialize_with = "crate::dto::lenient_opt_bool")]
    pub is_unlimited_user: Option<bool>,
    pub debt_add_mb: Option<i64>,
    pub debt_package_id: Option<String>,
    pub debt_date: Option<chrono::NaiveDate>,
    pub debt_note: Option<String>,
    #[serde(default, deserialize_with = "crate::dto::lenient_opt_bool")]
    pub debt_clear: Option<bool>,
}

/// `POST /api/admin/users/{id}/reject`
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct RejectRequest {
    pub reason: Option<String>,
}

/// `POST /api/admin/users`
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AdminCreateUser {
    pub phone_number: String,
    pub full_name: String,
    pub role: Option<Role>,
    pub blok: Option<String>,
    pub kamar: Option<String>,
    #[serde(deserialize_with = "crate::dto::lenient_bool")]
    pub is_tamping: bool,
    pub tamping_type: Option<String>,
}

/// One row of `GET /api/admin/action-logs`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionLogItem {
    pub id: String,
    pub admin_id: Option<String>,
    pub admin_name: Option<String>,
    pub target_user_id: Option<String>,
    pub target_user_name: Option<String>,
    pub action_type: String,
    pub details: Option<serde_json::Value>,
    pub created_at: DateTime<Utc>,
}

/// A generated or reset password, shown once to the super admin (also sent by WhatsApp).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GeneratedPassword {
    pub message: String,
    pub whatsapp_sent: bool,
}

/// What the inactive-account lifecycle does to one account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LifecycleAction {
    Deactivate,
    WarnBeforeDelete,
    Delete,
}

/// One account the lifecycle acts on today (`GET /api/admin/inactive-accounts/preview`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InactiveAccount {
    pub user_id: String,
    /// Local form (`08…`).
    pub phone_number: String,
    pub full_name: String,
    pub last_activity_at: DateTime<Utc>,
    pub idle_days: i64,
    pub action: LifecycleAction,
}
