//! Daily usage (bytes per user per local date).

use chrono::NaiveDate;
use saring_domain::ids::UserId;
use saring_domain::units::Bytes;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::entities::daily_usage_logs;
use crate::error::StoreError;

/// `(date, bytes)` rows of a user between two local dates (inclusive), oldest first.
pub async fn daily<C: ConnectionTrait>(
    db: &C,
    user: UserId,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<(NaiveDate, Bytes)>, StoreError> {
    Ok(daily_usage_logs::Entity::find()
        .filter(daily_usage_logs::Column::UserId.eq(user.0))
        .filter(daily_usage_logs::Column::LogDate.gte(from))
        .filter(daily_usage_logs::Column::LogDate.lte(to))
        .order_by_asc(daily_usage_logs::Column::LogDate)
        .all(db)
        .await?
        .into_iter()
        .map(|m| (m.log_date, Bytes(m.usage_bytes)))
        .collect())
}
