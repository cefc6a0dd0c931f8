//! `whatsapp_broadcasts`: a WhatsApp message an administrator sent to a filtered set of users;
//! each recipient's delivery is a `message_log` row with this `broadcast_id`.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "whatsapp_broadcasts")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub admin_id: Option<Uuid>,
    #[sea_orm(column_type = "Text")]
    pub message: String,
    #[sea_orm(column_type = "JsonBinary")]
    pub filter: Json,
    pub recipients: i32,
    #[sea_orm(column_type = "String(StringLen::N(200))", nullable, unique)]
    pub idempotency_key: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    #[sea_orm(belongs_to, from = "admin_id", to = "id", on_delete = "SetNull")]
    pub admin: BelongsTo<Option<super::users::Entity>>,
}

super::stamped!(new_id(id), created(created_at), updated(updated_at));
