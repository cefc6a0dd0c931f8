//! `promo_events`: registration bonuses and portal announcements.

use sea_orm::entity::prelude::*;

use super::enums::{PromoEventStatus, PromoEventType};

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "promo_events")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(column_type = "String(StringLen::N(150))")]
    pub name: String,
    #[sea_orm(column_type = "Text", nullable)]
    pub description: Option<String>,
    pub event_type: PromoEventType,
    pub status: PromoEventStatus,
    pub start_date: DateTimeUtc,
    pub end_date: Option<DateTimeUtc>,
    /// Bonus quota for `BONUS_REGISTRATION` events.
    pub bonus_value_mb: Option<i64>,
    pub bonus_duration_days: Option<i32>,
    pub created_by_id: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    #[sea_orm(belongs_to, from = "created_by_id", to = "id", on_delete = "SetNull")]
    pub created_by: BelongsTo<Option<super::users::Entity>>,
}

super::stamped!(new_id(id), created(created_at), updated(updated_at));
