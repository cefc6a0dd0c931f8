//! `host_counters`: for each `/ip/hotspot/host` row of a known MAC, the counter total last
//! credited as usage (the quota sync's baseline, one per host row so duplicate rows of a MAC
//! never mix).

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "host_counters")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub router_id: Uuid,
    #[sea_orm(
        primary_key,
        auto_increment = false,
        column_type = "String(StringLen::N(32))"
    )]
    pub mac_address: String,
    #[sea_orm(
        primary_key,
        auto_increment = false,
        column_type = "String(StringLen::N(64))"
    )]
    pub host_id: String,
    pub bytes_total: i64,
    pub uptime_seconds: i64,
    /// Router uptime minus row uptime at the poll: the row's birth on the router's clock.
    pub born_rel_seconds: i64,
    pub seen_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
