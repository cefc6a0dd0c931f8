//! `device_credentials`: secrets held by browsers that logged in with an OTP from a device
//! (only their SHA-256 is stored). Deleted with the device row.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "device_credentials")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub device_id: Uuid,
    pub user_id: Uuid,
    /// Lowercase hex SHA-256 of the raw credential.
    #[sea_orm(column_type = "String(StringLen::N(64))", unique)]
    pub token_hash: String,
    pub created_at: DateTimeUtc,
    pub expires_at: DateTimeUtc,
    pub last_used_at: Option<DateTimeUtc>,
    #[sea_orm(belongs_to, from = "device_id", to = "id", on_delete = "Cascade")]
    pub device: BelongsTo<super::user_devices::Entity>,
    #[sea_orm(belongs_to, from = "user_id", to = "id", on_delete = "Cascade")]
    pub user: BelongsTo<super::users::Entity>,
}

super::stamped!(new_id(id), created(created_at));
