//! `debt_settlements`: debt settled by an operator, with its receipt number.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "debt_settlements")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(column_type = "String(StringLen::N(32))", unique)]
    pub receipt_number: String,
    pub user_id: Uuid,
    pub admin_id: Option<Uuid>,
    pub debt_id: Option<Uuid>,
    pub paid_auto_mb: i64,
    pub paid_manual_mb: i64,
    pub debt_auto_before_mb: i64,
    pub debt_manual_before_mb: i64,
    pub amount_rp: Option<i64>,
    pub unblocked: bool,
    #[sea_orm(column_type = "Text", nullable)]
    pub note: Option<String>,
    pub created_at: DateTimeUtc,
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
        relation_enum = "Admin",
        from = "admin_id",
        to = "id",
        on_delete = "SetNull"
    )]
    pub admin: BelongsTo<Option<super::users::Entity>>,
    #[sea_orm(belongs_to, from = "debt_id", to = "id", on_delete = "SetNull")]
    pub debt: BelongsTo<Option<super::user_quota_debts::Entity>>,
}

super::stamped!(new_id(id), created(created_at));
