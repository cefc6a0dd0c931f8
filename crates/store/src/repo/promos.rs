//! Promo events (registration bonus, announcements).

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use crate::entities::enums::{PromoEventStatus, PromoEventType};
use crate::entities::promo_events;
use crate::error::StoreError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegistrationBonus {
    pub id: Uuid,
    pub name: String,
    pub bonus_mb: i64,
    pub bonus_days: i64,
}

/// Active registration-bonus promos running at `now` (start ≤ now ≤ end).
pub async fn active_registration_bonuses<C: ConnectionTrait>(
    db: &C,
    now: DateTime<Utc>,
) -> Result<Vec<RegistrationBonus>, StoreError> {
    Ok(promo_events::Entity::find()
        .filter(promo_events::Column::EventType.eq(PromoEventType::BonusRegistration))
        .filter(promo_events::Column::Status.eq(PromoEventStatus::Active))
        .filter(promo_events::Column::StartDate.lte(now))
        .filter(
            Condition::any()
                .add(promo_events::Column::EndDate.is_null())
                .add(promo_events::Column::EndDate.gte(now)),
        )
        .order_by_asc(promo_events::Column::StartDate)
        .all(db)
        .await?
        .into_iter()
        .map(|m| RegistrationBonus {
            id: m.id,
            name: m.name,
            bonus_mb: m.bonus_value_mb.unwrap_or(0).max(0),
            bonus_days: i64::from(m.bonus_duration_days.unwrap_or(0).max(0)),
        })
        .collect())
}
