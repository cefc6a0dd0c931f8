//! `message_log`: every WhatsApp/Telegram notice the worker sends (or skips), with its
//! outcome; a unique `dedupe_key` makes a notice go out at most once.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "message_log")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(column_type = "String(StringLen::N(16))")]
    pub channel: String,
    #[sea_orm(column_type = "String(StringLen::N(64))")]
    pub target: String,
    pub user_id: Option<Uuid>,
    #[sea_orm(column_type = "String(StringLen::N(80))", nullable)]
    pub template: Option<String>,
    #[sea_orm(column_type = "String(StringLen::N(200))", nullable, unique)]
    pub dedupe_key: Option<String>,
    #[sea_orm(column_type = "String(StringLen::N(16))")]
    pub status: String,
    pub attempts: i32,
    #[sea_orm(column_type = "Text", nullable)]
    pub error: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// The broadcast this message belongs to (`whatsapp_broadcasts`), if any.
    pub broadcast_id: Option<Uuid>,
    /// The provider's id for the message (Cloud API `wamid.…`, Fonnte's id), once accepted.
    #[sea_orm(column_type = "String(StringLen::N(128))", nullable)]
    pub provider_message_id: Option<String>,
}

super::stamped!(new_id(id), created(created_at), updated(updated_at));
