//! `transactions`: Midtrans payments for packages and debts.

use sea_orm::entity::prelude::*;

use super::enums::{ProviderMode, TransactionPurpose, TransactionStatus};

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "transactions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub user_id: Option<Uuid>,
    /// `None` for a debt settlement.
    pub package_id: Option<Uuid>,
    pub purpose: TransactionPurpose,
    #[sea_orm(column_type = "String(StringLen::N(32))", nullable)]
    pub debt_type: Option<String>,
    /// The single manual debt being paid, if not the whole debt.
    pub manual_debt_id: Option<Uuid>,
    pub debt_mb: Option<i64>,
    pub provider_mode: ProviderMode,
    #[sea_orm(column_type = "String(StringLen::N(100))", unique)]
    pub midtrans_order_id: String,
    #[sea_orm(column_type = "String(StringLen::N(100))", nullable)]
    pub midtrans_transaction_id: Option<String>,
    #[sea_orm(column_type = "String(StringLen::N(200))", nullable)]
    pub snap_token: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub snap_redirect_url: Option<String>,
    /// Rupiah.
    pub amount: i64,
    pub status: TransactionStatus,
    #[sea_orm(column_type = "String(StringLen::N(50))", nullable)]
    pub payment_method: Option<String>,
    #[sea_orm(column_type = "String(StringLen::N(20))", nullable)]
    pub va_bank: Option<String>,
    pub payment_time: Option<DateTimeUtc>,
    pub expiry_time: Option<DateTimeUtc>,
    #[sea_orm(column_type = "String(StringLen::N(50))", nullable)]
    pub va_number: Option<String>,
    #[sea_orm(column_type = "String(StringLen::N(50))", nullable)]
    pub payment_code: Option<String>,
    #[sea_orm(column_type = "String(StringLen::N(20))", nullable)]
    pub biller_code: Option<String>,
    #[sea_orm(column_type = "String(StringLen::N(512))", nullable)]
    pub qr_code_url: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub qr_string: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub deeplink_redirect_url: Option<String>,
    /// The last raw notification JSON from Midtrans.
    #[sea_orm(column_type = "Text", nullable)]
    pub midtrans_notification_payload: Option<String>,
    #[sea_orm(column_type = "String(StringLen::N(255))", nullable)]
    pub hotspot_password: Option<String>,
    /// When the package/debt effect was applied: set exactly once, in the same DB transaction
    /// as the effect.
    pub applied_at: Option<DateTimeUtc>,
    pub created_by_admin_id: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    #[sea_orm(
        belongs_to,
        relation_enum = "User",
        from = "user_id",
        to = "id",
        on_delete = "SetNull"
    )]
    pub user: BelongsTo<Option<super::users::Entity>>,
    #[sea_orm(
        belongs_to,
        relation_enum = "CreatedByAdmin",
        from = "created_by_admin_id",
        to = "id",
        on_delete = "SetNull"
    )]
    pub created_by_admin: BelongsTo<Option<super::users::Entity>>,
    #[sea_orm(belongs_to, from = "package_id", to = "id", on_delete = "Restrict")]
    pub package: BelongsTo<Option<super::packages::Entity>>,
    #[sea_orm(belongs_to, from = "manual_debt_id", to = "id", on_delete = "SetNull")]
    pub manual_debt: BelongsTo<Option<super::user_quota_debts::Entity>>,
    #[sea_orm(has_many)]
    pub events: HasMany<super::transaction_events::Entity>,
}

super::stamped!(new_id(id), created(created_at), updated(updated_at));
