//! `package_profiles`: MikroTik hotspot user profiles that packages map to.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "package_profiles")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The profile's name on the router.
    #[sea_orm(column_type = "String(StringLen::N(100))", unique)]
    pub profile_name: String,
    #[sea_orm(column_type = "Text", nullable)]
    pub description: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    #[sea_orm(has_many)]
    pub packages: HasMany<super::packages::Entity>,
}

super::stamped!(new_id(id), created(created_at), updated(updated_at));
