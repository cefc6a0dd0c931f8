//! `admin_action_logs`: audit log of admin actions.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "admin_action_logs")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub admin_id: Option<Uuid>,
    pub target_user_id: Option<Uuid>,
    /// The reference's `AdminActionType` values (`INJECT_QUOTA`, `BLOCK_USER`, …).
    #[sea_orm(column_type = "String(StringLen::N(64))")]
    pub action_type: String,
    #[sea_orm(column_type = "JsonBinary", nullable)]
    pub details: Option<Json>,
    pub created_at: DateTimeUtc,
    #[sea_orm(
        belongs_to,
        relation_enum = "Admin",
        from = "admin_id",
        to = "id",
        on_delete = "SetNull"
    )]
    pub admin: BelongsTo<Option<super::users::Entity>>,
    #[sea_orm(
        belongs_to,
        relation_enum = "TargetUser",
        from = "target_user_id",
        to = "id",
        on_delete = "SetNull"
    )]
    pub target_user: BelongsTo<Option<super::users::Entity>>,
}

super::stamped!(new_id(id), created(created_at));
