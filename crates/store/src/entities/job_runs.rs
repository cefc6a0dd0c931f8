//! `job_runs`: the last run of each background job per scope (a router name or `global`), for
//! the admin jobs page.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "job_runs")]
pub struct Model {
    #[sea_orm(
        primary_key,
        auto_increment = false,
        column_type = "String(StringLen::N(64))"
    )]
    pub job_name: String,
    #[sea_orm(
        primary_key,
        auto_increment = false,
        column_type = "String(StringLen::N(100))"
    )]
    pub scope: String,
    pub last_started_at: Option<DateTimeUtc>,
    pub last_finished_at: Option<DateTimeUtc>,
    pub last_duration_ms: Option<i64>,
    pub last_ok: Option<bool>,
    #[sea_orm(column_type = "Text", nullable)]
    pub last_error: Option<String>,
    pub run_count: i64,
    pub failure_count: i64,
}

impl ActiveModelBehavior for ActiveModel {}
