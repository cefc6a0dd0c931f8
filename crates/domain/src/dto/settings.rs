//! Run-time settings: `GET /api/admin/settings` and `PUT /api/admin/settings` (super admins).
//!
//! Every key is declared once on the server with its type; the page is drawn from that
//! declaration. Secret values never leave the server: a stored secret reads as
//! [`SECRET_MASK`].

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// What a stored secret reads as.
pub const SECRET_MASK: &str = "••••••••";

/// The type of a setting, which decides its input and its validation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SettingKind {
    /// `true` / `false` (stored as the reference's `True` / `False`).
    Bool,
    /// One line of text up to `max_len` characters.
    Text,
    /// Several lines of text up to `max_len` characters.
    LongText,
    /// A whole number between `min` and `max`.
    Int,
    /// One of `options`.
    Choice,
    /// A list (stored comma-separated); only `options` when there are any.
    List,
    /// Write-only: encrypted at rest, masked in every answer and log.
    Secret,
}

/// One setting as the settings page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SettingView {
    pub key: String,
    /// The page section: `general`, `maintenance`, `payments`, `whatsapp`, `telegram`,
    /// `registration`, `branding`.
    pub group: String,
    pub kind: SettingKind,
    /// What the setting does (Indonesian).
    pub description: String,
    /// The value in force ([`SECRET_MASK`] for a secret that has one; `null` when nothing is
    /// set anywhere).
    pub value: Option<String>,
    /// Whether the value comes from this page (else from the environment or the default).
    pub overridden: bool,
    /// The allowed values of a choice or a list (empty: free text).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_len: Option<u32>,
}

/// `GET /api/admin/settings`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SettingsList {
    pub items: Vec<SettingView>,
}

/// `PUT /api/admin/settings`: `{"settings": {"KEY": value, …}}`. A value is a string, a
/// boolean, a number or (for a list) an array of strings; `null` removes the page's value so
/// the environment's applies again. All keys are checked before anything is written: one bad
/// key or value and nothing changes.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SettingsUpdate {
    pub settings: BTreeMap<String, serde_json::Value>,
}

/// The answer to a save: what changed and the settings as they are now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SettingsSaved {
    pub changed: Vec<String>,
    pub items: Vec<SettingView>,
}

/// One administrator on the notification-recipients page
/// (`GET /api/admin/notification-recipients?type=…`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecipientView {
    pub id: uuid::Uuid,
    pub full_name: String,
    pub phone_number: String,
    pub is_super_admin: bool,
    pub is_subscribed: bool,
}

/// `POST /api/admin/notification-recipients`: exactly these admins receive the alert.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecipientsUpdate {
    pub notification_type: String,
    pub subscribed_admin_ids: Vec<String>,
}

/// `POST /api/admin/whatsapp/test-send`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WhatsAppTest {
    pub phone_number: String,
    pub message: String,
}

/// `POST /api/admin/telegram/test-send`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TelegramTest {
    pub chat_id: String,
    pub message: String,
}

/// The alerts an administrator can subscribe to (`notification_type`). (The reference's
/// `ROLE_UPGRADE_TO_ADMIN` / `ROLE_DOWNGRADE_TO_USER` are never sent, there or here.)
pub const NOTIFICATION_TYPES: &[&str] = &[
    "NEW_USER_REGISTRATION",
    "NEW_KOMANDAN_REQUEST",
    "QUOTA_DEBT_LIMIT_EXCEEDED",
];
