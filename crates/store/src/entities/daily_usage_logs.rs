//! `daily_usage_logs`: bytes used per user per local day.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "daily_usage_logs")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(unique_key = "user_day")]
    pub user_id: Uuid,
    /// Local date in `APP_TIMEZONE`.
    #[sea_orm(unique_key = "user_day")]
    pub log_date: Date,
    pub usage_bytes: i64,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    #[sea_orm(belongs_to, from = "user_id", to = "id", on_delete = "Cascade")]
    pub user: BelongsTo<super::users::Entity>,
}

super::stamped!(new_id(id), created(created_at), updated(updated_at));
