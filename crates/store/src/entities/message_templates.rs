//! `message_templates`: admin edits of the built-in message templates (by key).

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "message_templates")]
pub struct Model {
    #[sea_orm(
        primary_key,
        auto_increment = false,
        column_type = "String(StringLen::N(80))"
    )]
    pub key: String,
    #[sea_orm(column_type = "Text")]
    pub body: String,
    pub updated_by_id: Option<Uuid>,
    pub updated_at: DateTimeUtc,
}

super::stamped!(updated(updated_at));
