//! `quota_mutation_ledger`: every change of a user's quota, with before/after snapshots. The
//! unique `(user_id, source, idempotency_key)` makes each mutation happen at most once.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "quota_mutation_ledger")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(unique_key = "idempotency")]
    pub user_id: Uuid,
    pub actor_user_id: Option<Uuid>,
    /// e.g. `purchase_package`, `quota.adjust_direct`, `hotspot.sync_usage`.
    #[sea_orm(column_type = "String(StringLen::N(80))", unique_key = "idempotency")]
    pub source: String,
    #[sea_orm(column_type = "String(StringLen::N(128))", unique_key = "idempotency")]
    pub idempotency_key: String,
    #[sea_orm(column_type = "JsonBinary", nullable)]
    pub before_state: Option<Json>,
    #[sea_orm(column_type = "JsonBinary", nullable)]
    pub after_state: Option<Json>,
    #[sea_orm(column_type = "JsonBinary", nullable)]
    pub event_details: Option<Json>,
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
        relation_enum = "Actor",
        from = "actor_user_id",
        to = "id",
        on_delete = "SetNull"
    )]
    pub actor: BelongsTo<Option<super::users::Entity>>,
}

super::stamped!(new_id(id), created(created_at));
