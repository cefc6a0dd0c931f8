//! `outbox`: effects (router syncs, WhatsApp messages, …) recorded in the same DB transaction
//! as the change that requires them, then carried out by the worker with retries.

use sea_orm::entity::prelude::*;

use super::enums::OutboxStatus;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "outbox")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// `policy_sync_user`, `router_apply_purchase`, `whatsapp_send`, …
    #[sea_orm(column_type = "String(StringLen::N(64))")]
    pub kind: String,
    /// Unique when set: enqueueing the same effect twice is a no-op.
    #[sea_orm(column_type = "String(StringLen::N(200))", nullable, unique)]
    pub dedupe_key: Option<String>,
    #[sea_orm(column_type = "JsonBinary")]
    pub payload: Json,
    pub status: OutboxStatus,
    pub attempts: i32,
    pub run_after: DateTimeUtc,
    /// While `running`: the claim expires then and another worker may retry.
    pub locked_until: Option<DateTimeUtc>,
    #[sea_orm(column_type = "Text", nullable)]
    pub last_error: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

super::stamped!(new_id(id), created(created_at), updated(updated_at));
