//! `users`: end users (USER, KOMANDAN) and administrators (ADMIN, SUPER_ADMIN).

use sea_orm::entity::prelude::*;

use super::enums::{ApprovalStatus, UserRole};

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "users")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// E.164, e.g. `+6281234567890`.
    #[sea_orm(column_type = "String(StringLen::N(25))", unique)]
    pub phone_number: String,
    /// Argon2 PHC string; only admins log in with a password.
    #[sea_orm(column_type = "String(StringLen::N(255))", nullable)]
    pub password_hash: Option<String>,
    #[sea_orm(column_type = "String(StringLen::N(100))")]
    pub full_name: String,
    #[sea_orm(column_type = "String(StringLen::N(10))", nullable)]
    pub blok: Option<String>,
    #[sea_orm(column_type = "String(StringLen::N(20))", nullable)]
    pub kamar: Option<String>,
    pub is_tamping: bool,
    #[sea_orm(column_type = "String(StringLen::N(50))", nullable)]
    pub tamping_type: Option<String>,
    #[sea_orm(column_type = "String(StringLen::N(10))", nullable)]
    pub previous_blok: Option<String>,
    #[sea_orm(column_type = "String(StringLen::N(20))", nullable)]
    pub previous_kamar: Option<String>,
    pub is_active: bool,
    pub role: UserRole,
    pub approval_status: ApprovalStatus,
    pub is_blocked: bool,
    /// Free text for a manual block; `quota_debt_limit|…`, `quota_manual_debt_end_of_month|…`,
    /// `tunggakan_overdue|…` for automatic ones.
    #[sea_orm(column_type = "Text", nullable)]
    pub blocked_reason: Option<String>,
    pub blocked_at: Option<DateTimeUtc>,
    pub blocked_by_id: Option<Uuid>,
    /// The site (router) the user belongs to.
    pub router_id: Option<Uuid>,
    pub mikrotik_user_exists: bool,
    #[sea_orm(column_type = "String(StringLen::N(100))", nullable)]
    pub mikrotik_server_name: Option<String>,
    #[sea_orm(column_type = "String(StringLen::N(100))", nullable)]
    pub mikrotik_profile_name: Option<String>,
    /// Hotspot password (6 digits), needed in clear to configure the router.
    #[sea_orm(column_type = "String(StringLen::N(255))", nullable)]
    pub mikrotik_password: Option<String>,
    pub total_quota_purchased_mb: i64,
    /// Exact bytes (the API reports MB).
    pub total_quota_used_bytes: i64,
    pub auto_debt_offset_mb: i64,
    /// Cached sum of open manual debts.
    pub manual_debt_mb: i64,
    pub manual_debt_updated_at: Option<DateTimeUtc>,
    pub quota_expiry_date: Option<DateTimeUtc>,
    pub is_unlimited_user: bool,
    #[sea_orm(column_type = "String(StringLen::N(64))", nullable)]
    pub telegram_chat_id: Option<String>,
    #[sea_orm(column_type = "String(StringLen::N(64))", nullable)]
    pub telegram_username: Option<String>,
    pub telegram_linked_at: Option<DateTimeUtc>,
    #[sea_orm(column_type = "String(StringLen::N(100))", nullable)]
    pub device_brand: Option<String>,
    #[sea_orm(column_type = "String(StringLen::N(100))", nullable)]
    pub device_model: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub raw_user_agent: Option<String>,
    pub approved_at: Option<DateTimeUtc>,
    pub approved_by_id: Option<Uuid>,
    pub rejected_at: Option<DateTimeUtc>,
    pub rejected_by_id: Option<Uuid>,
    pub last_login_at: Option<DateTimeUtc>,
    pub last_low_quota_notif_at: Option<DateTimeUtc>,
    pub last_expiry_notif_at: Option<DateTimeUtc>,
    pub last_quota_notification_level: Option<i32>,
    pub last_expiry_notification_level: Option<i32>,
    /// Set by the inactive-account lifecycle job.
    pub deactivated_at: Option<DateTimeUtc>,
    pub pre_delete_warned_at: Option<DateTimeUtc>,
    /// Access tokens carry the epoch they were issued in; bumping it ends them all.
    pub session_epoch: i64,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    #[sea_orm(belongs_to, from = "router_id", to = "id", on_delete = "SetNull")]
    pub router: BelongsTo<Option<super::routers::Entity>>,
    #[sea_orm(has_many)]
    pub devices: HasMany<super::user_devices::Entity>,
    #[sea_orm(has_many)]
    pub refresh_tokens: HasMany<super::refresh_tokens::Entity>,
    #[sea_orm(has_many)]
    pub login_history: HasMany<super::user_login_history::Entity>,
    #[sea_orm(has_many)]
    pub daily_usage: HasMany<super::daily_usage_logs::Entity>,
    #[sea_orm(has_many, relation_enum = "QuotaDebts", via_rel = "User")]
    pub quota_debts: HasMany<super::user_quota_debts::Entity>,
    #[sea_orm(has_many, relation_enum = "Transactions", via_rel = "User")]
    pub transactions: HasMany<super::transactions::Entity>,
    #[sea_orm(has_many, relation_enum = "QuotaLedger", via_rel = "User")]
    pub quota_ledger: HasMany<super::quota_mutation_ledger::Entity>,
    #[sea_orm(has_many, relation_enum = "QuotaRequests", via_rel = "Requester")]
    pub quota_requests: HasMany<super::quota_requests::Entity>,
}

super::stamped!(new_id(id), created(created_at), updated(updated_at));
