//! `user_login_history`: one row per successful login.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "user_login_history")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub user_id: Uuid,
    pub login_time: DateTimeUtc,
    #[sea_orm(column_type = "String(StringLen::N(45))", nullable)]
    pub ip_address: Option<String>,
    #[sea_orm(column_type = "String(StringLen::N(32))", nullable)]
    pub mac_address: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub user_agent_string: Option<String>,
    pub router_id: Option<Uuid>,
    /// `otp`, `auto_login`, `password`, …
    #[sea_orm(column_type = "String(StringLen::N(32))", nullable)]
    pub method: Option<String>,
    #[sea_orm(belongs_to, from = "user_id", to = "id", on_delete = "Cascade")]
    pub user: BelongsTo<super::users::Entity>,
    #[sea_orm(belongs_to, from = "router_id", to = "id", on_delete = "SetNull")]
    pub router: BelongsTo<Option<super::routers::Entity>>,
}

super::stamped!(new_id(id), created(login_time));
