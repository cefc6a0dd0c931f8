//! `notification_recipients`: which admins receive which WhatsApp alerts.

use sea_orm::entity::prelude::*;

use super::enums::NotificationType;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "notification_recipients")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(unique_key = "subscription")]
    pub admin_user_id: Uuid,
    #[sea_orm(unique_key = "subscription")]
    pub notification_type: NotificationType,
    pub created_at: DateTimeUtc,
    #[sea_orm(belongs_to, from = "admin_user_id", to = "id", on_delete = "Cascade")]
    pub admin_user: BelongsTo<super::users::Entity>,
}

super::stamped!(new_id(id), created(created_at));
