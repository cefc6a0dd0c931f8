//! `job_dead_letters`: job runs (and outbox items) given up after their retries, for admins.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "job_dead_letters")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(column_type = "String(StringLen::N(64))")]
    pub job_name: String,
    #[sea_orm(column_type = "String(StringLen::N(100))")]
    pub scope: String,
    #[sea_orm(column_type = "Text")]
    pub error: String,
    pub attempts: i32,
    #[sea_orm(column_type = "JsonBinary", nullable)]
    pub payload: Option<Json>,
    pub created_at: DateTimeUtc,
    pub resolved_at: Option<DateTimeUtc>,
}

super::stamped!(new_id(id), created(created_at));
