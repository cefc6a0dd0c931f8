//! A user as the rest of the system sees one (the store maps rows to this).

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::access::{AccessSnapshot, ApprovalStatus, Role};
use crate::ids::UserId;
use crate::phone::Phone;
use crate::quota::{AccountFlags, QuotaAccount};
use crate::units::Bytes;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: UserId,
    pub phone: Phone,
    pub full_name: String,
    pub blok: Option<String>,
    pub kamar: Option<String>,
    pub is_tamping: bool,
    pub tamping_type: Option<String>,
    pub role: Role,
    pub approval_status: ApprovalStatus,
    pub is_active: bool,
    pub is_blocked: bool,
    pub blocked_reason: Option<String>,
    pub blocked_at: Option<DateTime<Utc>>,
    /// Argon2 PHC string (admins only).
    pub password_hash: Option<String>,
    pub router_id: Option<Uuid>,
    pub mikrotik_server_name: Option<String>,
    pub mikrotik_profile_name: Option<String>,
    pub mikrotik_password: Option<String>,
    pub mikrotik_user_exists: bool,
    pub is_unlimited_user: bool,
    pub total_quota_purchased_mb: i64,
    pub total_quota_used: Bytes,
    pub auto_debt_offset_mb: i64,
    pub manual_debt_mb: i64,
    pub quota_expiry_date: Option<DateTime<Utc>>,
    pub approved_at: Option<DateTime<Utc>>,
    pub last_login_at: Option<DateTime<Utc>>,
    pub telegram_chat_id: Option<String>,
    pub telegram_username: Option<String>,
    pub telegram_linked_at: Option<DateTime<Utc>>,
    /// The last low-quota notice level sent (MB left), so each level goes out once.
    pub last_quota_notification_level: Option<i32>,
    /// The last expiry notice level sent (days left).
    pub last_expiry_notification_level: Option<i32>,
    /// Access tokens name the epoch they were issued in; a bump ends them all.
    pub session_epoch: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl User {
    pub fn quota_account(&self) -> QuotaAccount {
        QuotaAccount {
            role: self.role,
            is_unlimited: self.is_unlimited_user,
            purchased_mb: self.total_quota_purchased_mb,
            auto_debt_offset_mb: self.auto_debt_offset_mb,
            used: self.total_quota_used,
            expiry: self.quota_expiry_date,
        }
    }

    pub fn flags(&self) -> AccountFlags {
        AccountFlags {
            is_blocked: self.is_blocked,
            blocked_reason: self.blocked_reason.clone(),
            is_active: self.is_active,
            approval_status: self.approval_status,
        }
    }

    /// What the access resolver needs.
    pub fn access_snapshot(&self) -> AccessSnapshot {
        self.quota_account().snapshot(&self.flags())
    }

    /// The hotspot username: the local `08…` number.
    pub fn hotspot_username(&self) -> String {
        self.phone.local()
    }
}

/// A user to create.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewUser {
    pub phone: Phone,
    pub full_name: String,
    pub blok: Option<String>,
    pub kamar: Option<String>,
    pub is_tamping: bool,
    pub tamping_type: Option<String>,
    pub role: Role,
    pub approval_status: ApprovalStatus,
    pub is_active: bool,
    pub password_hash: Option<String>,
    pub router_id: Option<Uuid>,
}
