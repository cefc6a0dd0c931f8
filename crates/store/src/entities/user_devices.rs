//! `user_devices`: MAC addresses bound to a user, with the usage baseline of each.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "user_devices")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub user_id: Uuid,
    pub router_id: Option<Uuid>,
    /// Uppercase `AA:BB:CC:DD:EE:FF`, unique across all users.
    #[sea_orm(column_type = "String(StringLen::N(32))", unique)]
    pub mac_address: String,
    pub is_randomized_mac: bool,
    #[sea_orm(column_type = "String(StringLen::N(45))", nullable)]
    pub ip_address: Option<String>,
    /// Last `bytes-in + bytes-out` seen on the router for this MAC (usage baseline).
    pub last_bytes_total: Option<i64>,
    pub last_bytes_updated_at: Option<DateTimeUtc>,
    #[sea_orm(column_type = "String(StringLen::N(64))", nullable)]
    pub last_hotspot_host_id: Option<String>,
    pub last_hotspot_uptime_seconds: Option<i64>,
    #[sea_orm(column_type = "String(StringLen::N(255))", nullable)]
    pub user_agent: Option<String>,
    #[sea_orm(column_type = "String(StringLen::N(100))", nullable)]
    pub label: Option<String>,
    pub is_authorized: bool,
    pub first_seen_at: DateTimeUtc,
    pub last_seen_at: DateTimeUtc,
    pub authorized_at: Option<DateTimeUtc>,
    pub deauthorized_at: Option<DateTimeUtc>,
    #[sea_orm(belongs_to, from = "user_id", to = "id", on_delete = "Cascade")]
    pub user: BelongsTo<super::users::Entity>,
    #[sea_orm(belongs_to, from = "router_id", to = "id", on_delete = "SetNull")]
    pub router: BelongsTo<Option<super::routers::Entity>>,
}

super::stamped!(new_id(id), created(first_seen_at), updated(last_seen_at));
