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

/// A promo event as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Promo {
    pub id: Uuid,
    pub name: String,
    pub description: Option<String>,
    pub event_type: PromoEventType,
    pub status: PromoEventStatus,
    pub start_date: DateTime<Utc>,
    pub end_date: Option<DateTime<Utc>>,
    pub bonus_value_mb: Option<i64>,
    pub bonus_duration_days: Option<i32>,
    pub created_by_id: Option<Uuid>,
    pub created_at: DateTime<Utc>,
}

/// Everything about a promo except its identity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PromoFields {
    pub name: String,
    pub description: Option<String>,
    pub event_type: PromoEventType,
    pub status: PromoEventStatus,
    pub start_date: DateTime<Utc>,
    pub end_date: Option<DateTime<Utc>>,
    pub bonus_value_mb: Option<i64>,
    pub bonus_duration_days: Option<i32>,
}

fn to_promo(m: promo_events::Model) -> Promo {
    Promo {
        id: m.id,
        name: m.name,
        description: m.description,
        event_type: m.event_type,
        status: m.status,
        start_date: m.start_date,
        end_date: m.end_date,
        bonus_value_mb: m.bonus_value_mb,
        bonus_duration_days: m.bonus_duration_days,
        created_by_id: m.created_by_id,
        created_at: m.created_at,
    }
}

/// Every promo, newest start first.
pub async fn list<C: ConnectionTrait>(db: &C) -> Result<Vec<Promo>, StoreError> {
    Ok(promo_events::Entity::find()
        .order_by_desc(promo_events::Column::StartDate)
        .order_by_desc(promo_events::Column::CreatedAt)
        .all(db)
        .await?
        .into_iter()
        .map(to_promo)
        .collect())
}

pub async fn find<C: ConnectionTrait>(db: &C, id: Uuid) -> Result<Option<Promo>, StoreError> {
    Ok(promo_events::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(to_promo))
}

/// ACTIVE promos running at `now` (start ≤ now ≤ end), any type.
pub async fn running<C: ConnectionTrait>(
    db: &C,
    now: DateTime<Utc>,
) -> Result<Vec<Promo>, StoreError> {
    Ok(promo_events::Entity::find()
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
        .map(to_promo)
        .collect())
}

/// Creates (`id: None`) or replaces a promo.
pub async fn save<C: ConnectionTrait>(
    db: &C,
    id: Option<Uuid>,
    f: &PromoFields,
    created_by: Option<Uuid>,
) -> Result<Promo, StoreError> {
    use sea_orm::{ActiveModelBehavior, ActiveModelTrait, ActiveValue::Set, IntoActiveModel};
    let mut row = match id {
        Some(id) => promo_events::Entity::find_by_id(id)
            .one(db)
            .await?
            .ok_or(StoreError::NotFound)?
            .into_active_model(),
        None => promo_events::ActiveModel {
            created_by_id: Set(created_by),
            ..promo_events::ActiveModel::new()
        },
    };
    row.name = Set(f.name.clone());
    row.description = Set(f.description.clone());
    row.event_type = Set(f.event_type);
    row.status = Set(f.status);
    row.start_date = Set(f.start_date);
    row.end_date = Set(f.end_date);
    row.bonus_value_mb = Set(f.bonus_value_mb);
    row.bonus_duration_days = Set(f.bonus_duration_days);
    let saved = if id.is_some() {
        row.update(db).await?
    } else {
        row.insert(db).await?
    };
    Ok(to_promo(saved))
}

/// Moves promos whose status no longer matches the calendar: SCHEDULED → ACTIVE once
/// started, ACTIVE/SCHEDULED → EXPIRED once ended. Returns how many changed.
pub async fn advance_lifecycle<C: ConnectionTrait>(
    db: &C,
    now: DateTime<Utc>,
) -> Result<u64, StoreError> {
    use sea_orm::sea_query::Expr;
    let expired = promo_events::Entity::update_many()
        .col_expr(
            promo_events::Column::Status,
            Expr::value(PromoEventStatus::Expired),
        )
        .col_expr(promo_events::Column::UpdatedAt, Expr::value(now))
        .filter(
            promo_events::Column::Status
                .is_in([PromoEventStatus::Active, PromoEventStatus::Scheduled]),
        )
        .filter(promo_events::Column::EndDate.lt(now))
        .exec(db)
        .await?
        .rows_affected;
    let started = promo_events::Entity::update_many()
        .col_expr(
            promo_events::Column::Status,
            Expr::value(PromoEventStatus::Active),
        )
        .col_expr(promo_events::Column::UpdatedAt, Expr::value(now))
        .filter(promo_events::Column::Status.eq(PromoEventStatus::Scheduled))
        .filter(promo_events::Column::StartDate.lte(now))
        .exec(db)
        .await?
        .rows_affected;
    Ok(expired + started)
}

pub async fn delete<C: ConnectionTrait>(db: &C, id: Uuid) -> Result<bool, StoreError> {
    Ok(promo_events::Entity::delete_by_id(id)
        .exec(db)
        .await?
        .rows_affected
        == 1)
}
