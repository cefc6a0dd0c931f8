//! `packages`: what users can buy.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "packages")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(column_type = "String(StringLen::N(100))", unique)]
    pub name: String,
    #[sea_orm(column_type = "Text", nullable)]
    pub description: Option<String>,
    /// Rupiah.
    pub price: i64,
    /// MB; 0 = unlimited.
    pub data_quota_mb: i64,
    pub duration_days: i32,
    pub profile_id: Uuid,
    pub is_active: bool,
    pub sort_order: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    #[sea_orm(belongs_to, from = "profile_id", to = "id", on_delete = "Restrict")]
    pub profile: BelongsTo<super::package_profiles::Entity>,
}

super::stamped!(new_id(id), created(created_at), updated(updated_at));
