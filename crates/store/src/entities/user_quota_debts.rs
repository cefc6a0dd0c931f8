//! `user_quota_debts`: manual quota debts entered by admins (including package advances).

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "user_quota_debts")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub user_id: Uuid,
    pub created_by_id: Option<Uuid>,
    pub last_paid_by_id: Option<Uuid>,
    /// The package advanced, for a debt by package.
    pub package_id: Option<Uuid>,
    /// Local date the debt belongs to.
    pub debt_date: Option<Date>,
    pub due_date: Option<Date>,
    pub amount_mb: i64,
    pub paid_mb: i64,
    /// An advance of an unlimited package (`amount_mb` is then not a quota).
    pub is_unlimited: bool,
    /// Rupiah.
    pub price_rp: Option<i64>,
    pub is_paid: bool,
    pub paid_at: Option<DateTimeUtc>,
    #[sea_orm(column_type = "String(StringLen::N(50))", nullable)]
    pub last_paid_source: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub note: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    #[sea_orm(
        belongs_to,
        relation_enum = "User",
        from = "user_id",
        to = "id",
        on_delete = "Cascade"
    )]
    pub user: BelongsTo<super::users::Entity>,
    #[sea_orm(
        belongs_to,
        relation_enum = "CreatedBy",
        from = "created_by_id",
        to = "id",
        on_delete = "SetNull"
    )]
    pub created_by: BelongsTo<Option<super::users::Entity>>,
    #[sea_orm(
        belongs_to,
        relation_enum = "LastPaidBy",
        from = "last_paid_by_id",
        to = "id",
        on_delete = "SetNull"
    )]
    pub last_paid_by: BelongsTo<Option<super::users::Entity>>,
    #[sea_orm(belongs_to, from = "package_id", to = "id", on_delete = "SetNull")]
    pub package: BelongsTo<Option<super::packages::Entity>>,
}

super::stamped!(new_id(id), created(created_at), updated(updated_at));
