//! `application_settings`: key/value settings edited by super admins; secrets are stored
//! encrypted (`is_encrypted`, value = `SecretCipher` output).

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "application_settings")]
pub struct Model {
    #[sea_orm(
        primary_key,
        auto_increment = false,
        column_type = "String(StringLen::N(100))"
    )]
    pub setting_key: String,
    #[sea_orm(column_type = "Text", nullable)]
    pub setting_value: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub description: Option<String>,
    pub is_encrypted: bool,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

super::stamped!(created(created_at), updated(updated_at));
