//! Payment transactions (read side used by the portal; purchases arrive with payments).

use chrono::{DateTime, Utc};
use saring_domain::PaymentStatus;
use saring_domain::ids::UserId;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use uuid::Uuid;

use crate::entities::enums::{TransactionPurpose, TransactionStatus};
use crate::entities::{packages, transactions};
use crate::error::StoreError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransactionRow {
    pub id: Uuid,
    pub order_id: String,
    pub package_name: Option<String>,
    pub amount: i64,
    pub status: PaymentStatus,
    pub payment_method: Option<String>,
    pub purpose: String,
    pub created_at: DateTime<Utc>,
    pub payment_time: Option<DateTime<Utc>>,
}

/// A user's transactions, newest first, with the total count.
pub async fn list_for_user<C: ConnectionTrait>(
    db: &C,
    user: UserId,
    offset: u64,
    limit: u64,
) -> Result<(Vec<TransactionRow>, u64), StoreError> {
    let q = transactions::Entity::find().filter(transactions::Column::UserId.eq(user.0));
    let total = q.clone().count(db).await?;
    let rows = q
        .order_by_desc(transactions::Column::CreatedAt)
        .offset(offset)
        .limit(limit)
        .find_also_related(packages::Entity)
        .all(db)
        .await?;
    Ok((
        rows.into_iter()
            .map(|(t, p)| TransactionRow {
                id: t.id,
                order_id: t.midtrans_order_id,
                package_name: p.map(|p| p.name),
                amount: t.amount,
                status: t.status.into(),
                payment_method: t.payment_method,
                purpose: if t.purpose == TransactionPurpose::Debt {
                    "debt"
                } else {
                    "purchase"
                }
                .to_owned(),
                created_at: t.created_at,
                payment_time: t.payment_time,
            })
            .collect(),
        total,
    ))
}

/// `(paid at, amount)` of a user's successful payments since `from`.
pub async fn paid_since<C: ConnectionTrait>(
    db: &C,
    user: UserId,
    from: DateTime<Utc>,
) -> Result<Vec<(DateTime<Utc>, i64)>, StoreError> {
    Ok(transactions::Entity::find()
        .filter(transactions::Column::UserId.eq(user.0))
        .filter(transactions::Column::Status.eq(TransactionStatus::Success))
        .filter(transactions::Column::CreatedAt.gte(from))
        .all(db)
        .await?
        .into_iter()
        .map(|t| (t.payment_time.unwrap_or(t.created_at), t.amount))
        .collect())
}
