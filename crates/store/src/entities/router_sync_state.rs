//! `router_sync_state`: per router, the quota sync's fencing epoch, the router's boot time as
//! last seen, and its health (down since, alert sent).

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "router_sync_state")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub router_id: Uuid,
    pub epoch: i64,
    pub router_uptime_seconds: Option<i64>,
    pub boot_at: Option<DateTimeUtc>,
    pub last_poll_at: Option<DateTimeUtc>,
    pub down_since: Option<DateTimeUtc>,
    pub down_alerted_at: Option<DateTimeUtc>,
    pub updated_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
