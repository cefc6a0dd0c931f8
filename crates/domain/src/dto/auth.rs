//! `/api/auth/*` and the captive portal.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::access::{AccessStatus, ApprovalStatus, PageStatus, Role};
use crate::units::Megabytes;

/// `POST /api/auth/register`
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct RegisterRequest {
    pub phone_number: String,
    pub full_name: String,
    pub blok: Option<String>,
    pub kamar: Option<String>,
    #[serde(deserialize_with = "crate::dto::lenient_bool")]
    pub is_tamping: bool,
    pub tamping_type: Option<String>,
    #[serde(deserialize_with = "crate::dto::lenient_bool")]
    pub register_as_komandan: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegisterResponse {
    pub message: String,
    pub user_id: String,
    pub phone_number: String,
}

/// `POST /api/auth/request-otp`
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct RequestOtpRequest {
    pub phone_number: String,
}

/// Where the hotspot says the client is. Several spellings are accepted, as MikroTik login
/// pages and the reference's frontend send them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CaptiveContext {
    #[serde(alias = "ip", alias = "client-ip")]
    pub client_ip: Option<String>,
    #[serde(alias = "mac", alias = "mac-address", alias = "client-mac")]
    pub client_mac: Option<String>,
    #[serde(
        alias = "link-login-only",
        alias = "link_login",
        alias = "link-login",
        alias = "linkloginonly"
    )]
    pub link_login_only: Option<String>,
}

impl CaptiveContext {
    pub fn is_empty(&self) -> bool {
        let blank = |v: &Option<String>| v.as_deref().is_none_or(|s| s.trim().is_empty());
        blank(&self.client_ip) && blank(&self.client_mac) && blank(&self.link_login_only)
    }
}

/// `POST /api/auth/verify-otp`
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct VerifyOtpRequest {
    pub phone_number: String,
    pub otp: String,
    #[serde(flatten)]
    pub context: CaptiveContext,
    #[serde(default, deserialize_with = "crate::dto::lenient_opt_bool")]
    pub hotspot_login_context: Option<bool>,
    #[serde(deserialize_with = "crate::dto::lenient_bool")]
    pub confirm_device_takeover: bool,
}

/// `POST /api/auth/auto-login`, `POST /api/users/me/devices/bind-current`
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct DeviceContextRequest {
    #[serde(flatten)]
    pub context: CaptiveContext,
    #[serde(deserialize_with = "crate::dto::lenient_bool")]
    pub confirm_device_takeover: bool,
}

/// Every successful login (OTP, auto-login, admin password, session hand-off).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoginResponse {
    pub access_token: String,
    pub token_type: String,
    /// Seconds until the access token expires.
    pub expires_in: i64,
    /// Also set as the HttpOnly `refresh_token` cookie; API clients keep it to call
    /// `/api/auth/refresh` with `{"refresh_token": …}`.
    pub refresh_token: String,
    /// The device must still log in through the hotspot page (its status is not bypassed).
    pub hotspot_login_required: bool,
    /// The device's MAC is bound on the router.
    pub hotspot_binding_active: bool,
    /// Hotspot credentials, only when a hotspot login is still needed.
    pub hotspot_username: Option<String>,
    pub hotspot_password: Option<String>,
    /// One-time token (120 s) to continue the session in another browser.
    pub session_token: Option<String>,
    pub session_url: Option<String>,
    pub user: UserMe,
}

/// `POST /api/auth/admin/login`
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AdminLoginRequest {
    /// The administrator's phone number.
    pub username: String,
    pub password: String,
}

/// `POST /api/auth/refresh` (the cookie is used when the body has none).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct RefreshRequest {
    pub refresh_token: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefreshResponse {
    pub access_token: String,
    pub token_type: String,
    pub expires_in: i64,
    pub refresh_token: String,
}

/// `POST /api/auth/session/consume`
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SessionConsumeRequest {
    pub token: String,
}

/// `POST /api/auth/status-token/verify`
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct StatusTokenVerifyRequest {
    pub status: String,
    pub token: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusTokenVerifyResponse {
    pub valid: bool,
}

/// `GET /api/auth/hotspot-session-status`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HotspotSessionStatus {
    pub hotspot_login_required: bool,
    pub hotspot_binding_active: bool,
    pub status: PageStatus,
}

/// `POST /api/auth/me/change-password`
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ChangePasswordRequest {
    pub current_password: String,
    pub new_password: String,
}

/// `PUT /api/auth/me/profile`, `PUT /api/users/me/profile`
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ProfileUpdateRequest {
    pub full_name: Option<String>,
    pub blok: Option<String>,
    pub kamar: Option<String>,
    #[serde(default, deserialize_with = "crate::dto::lenient_opt_bool")]
    pub is_tamping: Option<bool>,
    pub tamping_type: Option<String>,
}

/// `GET /api/auth/me`: the signed-in user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserMe {
    pub id: String,
    pub phone_number: String,
    pub full_name: String,
    pub blok: Option<String>,
    pub kamar: Option<String>,
    #[serde(deserialize_with = "crate::dto::lenient_bool")]
    pub is_tamping: bool,
    pub tamping_type: Option<String>,
    pub role: Role,
    pub approval_status: ApprovalStatus,
    pub is_active: bool,
    pub is_blocked: bool,
    pub blocked_reason: Option<String>,
    pub is_unlimited_user: bool,
    /// Effective quota in MB (purchased plus settled/absorbed debt, see docs/api.md).
    pub total_quota_purchased_mb: Megabytes,
    pub total_quota_used_mb: Megabytes,
    pub remaining_mb: Megabytes,
    pub quota_expiry_date: Option<DateTime<Utc>>,
    pub quota_debt_auto_mb: Megabytes,
    pub quota_debt_manual_mb: Megabytes,
    pub quota_debt_total_mb: Megabytes,
    /// Detailed status: active, unlimited, fup, habis, expired, blocked, inactive.
    pub status: AccessStatus,
    /// Page status: ok, blocked, inactive, expired, habis, fup.
    pub access_status: PageStatus,
    pub hotspot_username: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub approved_at: Option<DateTime<Utc>>,
    pub last_login_at: Option<DateTime<Utc>>,
}

/// `GET /api/captive` (RFC 8908, `application/captive+json`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct CaptivePortalInfo {
    pub captive: bool,
    pub user_portal_url: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub venue_info_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seconds_remaining: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bytes_remaining: Option<i64>,
    pub can_extend_session: bool,
}

/// `GET /api/settings/public`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicSettings {
    pub app_name: String,
    /// The browser tab's title.
    #[serde(default)]
    pub app_browser_title: String,
    pub maintenance_mode_active: bool,
    pub maintenance_mode_message: String,
    pub admin_whatsapp: Option<String>,
    pub payment_provider_mode: String,
    pub payment_methods: Vec<String>,
    pub va_banks: Vec<String>,
    pub max_devices_per_user: u32,
    pub blok_options: Vec<String>,
    pub kamar_options: Vec<String>,
    pub tamping_options: Vec<String>,
    pub timezone: String,
}

/// `GET /api/dev/outbox` (embedded mode only): messages the console messenger "sent".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxMessage {
    pub to: String,
    pub text: String,
    pub sent_at: DateTime<Utc>,
}

/// `POST /api/users/validate-whatsapp`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValidateWhatsAppResponse {
    #[serde(rename = "isValid")]
    pub is_valid: bool,
    pub message: String,
}
