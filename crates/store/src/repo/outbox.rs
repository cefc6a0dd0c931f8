//! The transactional outbox: work that must happen after a database change (push a user's
//! state to the router, send a message) is recorded in the same transaction as the change,
//! then carried out by the worker with retries. A `dedupe_key` keeps one pending entry per
//! effect (enqueueing the same sync twice is a no-op while the first is pending).

use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelBehavior, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait,
    QueryFilter, QueryOrder, QuerySelect,
};
use serde_json::Value;
use uuid::Uuid;

use crate::entities::enums::OutboxStatus;
use crate::entities::outbox;
use crate::error::StoreError;

#[derive(Debug, Clone, PartialEq)]
pub struct OutboxItem {
    pub id: Uuid,
    pub kind: String,
    pub dedupe_key: Option<String>,
    pub payload: Value,
    pub attempts: i32,
    pub run_after: DateTime<Utc>,
    pub last_error: Option<String>,
}

fn to_item(m: outbox::Model) -> OutboxItem {
    OutboxItem {
        id: m.id,
        kind: m.kind,
        dedupe_key: m.dedupe_key,
        payload: m.payload,
        attempts: m.attempts,
        run_after: m.run_after,
        last_error: m.last_error,
    }
}

/// Records an effect to carry out. Returns `false` when an identical one (same dedupe key)
/// is already pending.
pub async fn enqueue<C: ConnectionTrait>(
    db: &C,
    kind: &str,
    dedupe_key: Option<&str>,
    payload: Value,
    run_after: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let row = outbox::ActiveModel {
        kind: Set(kind.to_owned()),
        dedupe_key: Set(dedupe_key.map(str::to_owned)),
        payload: Set(payload),
        status: Set(OutboxStatus::Pending),
        attempts: Set(0),
        run_after: Set(run_after),
        ..outbox::ActiveModel::new()
    };
    let row = sea_orm::ActiveModelBehavior::before_save(row, db, true).await?;
    let res = outbox::Entity::insert(row)
        .on_conflict_do_nothing_on([outbox::Column::DedupeKey])
        .exec(db)
        .await?;
    Ok(matches!(res, sea_orm::TryInsertResult::Inserted(_)))
}

/// Claims up to `limit` due items for `lease` (pending and due, or running with an expired
/// lease — a worker that died). Each claimed item is marked running; two workers never
/// claim the same item (the update is conditional on the state read).
pub async fn claim_due<C: ConnectionTrait>(
    db: &C,
    now: DateTime<Utc>,
    lease: Duration,
    limit: u64,
) -> Result<Vec<OutboxItem>, StoreError> {
    let due = Condition::any()
        .add(
            Condition::all()
                .add(outbox::Column::Status.eq(OutboxStatus::Pending))
                .add(outbox::Column::RunAfter.lte(now)),
        )
        .add(
            Condition::all()
                .add(outbox::Column::Status.eq(OutboxStatus::Running))
                .add(outbox::Column::LockedUntil.lt(now)),
        );
    let candidates = outbox::Entity::find()
        .filter(due.clone())
        .order_by_asc(outbox::Column::RunAfter)
        .limit(limit)
        .all(db)
        .await?;
    let mut claimed = Vec::new();
    for c in candidates {
        let res = outbox::Entity::update_many()
            .col_expr(outbox::Column::Status, Expr::value(OutboxStatus::Running))
            .col_expr(outbox::Column::LockedUntil, Expr::value(now + lease))
            .col_expr(outbox::Column::Attempts, Expr::value(c.attempts + 1))
            .col_expr(outbox::Column::UpdatedAt, Expr::value(now))
            .filter(outbox::Column::Id.eq(c.id))
            .filter(outbox::Column::Attempts.eq(c.attempts))
            .filter(due.clone())
            .exec(db)
            .await?;
        if res.rows_affected == 1 {
            let mut item = to_item(c);
            item.attempts += 1;
            claimed.push(item);
        }
    }
    Ok(claimed)
}

/// Who holds the outbox item with a dedupe key.
#[derive(Debug, Clone, PartialEq)]
pub enum KeyClaim {
    /// The caller claimed it (marked running, like [`claim_due`]): complete or fail it.
    Taken(OutboxItem),
    /// A worker is carrying it out right now.
    Busy,
    /// No item with that key is waiting.
    Absent,
}

/// Claims the waiting item with `dedupe_key` for `lease`, whenever it is due: the request
/// that made a change carries out its own effect at once instead of leaving it to the worker
/// (and the worker then finds nothing to do).
pub async fn claim_key<C: ConnectionTrait>(
    db: &C,
    dedupe_key: &str,
    now: DateTime<Utc>,
    lease: Duration,
) -> Result<KeyClaim, StoreError> {
    let Some(c) = outbox::Entity::find()
        .filter(outbox::Column::DedupeKey.eq(dedupe_key))
        .one(db)
        .await?
    else {
        return Ok(KeyClaim::Absent);
    };
    let claimable = Condition::any()
        .add(outbox::Column::Status.eq(OutboxStatus::Pending))
        .add(
            Condition::all()
                .add(outbox::Column::Status.eq(OutboxStatus::Running))
                .add(outbox::Column::LockedUntil.lt(now)),
        );
    let res = outbox::Entity::update_many()
        .col_expr(outbox::Column::Status, Expr::value(OutboxStatus::Running))
        .col_expr(outbox::Column::LockedUntil, Expr::value(now + lease))
        .col_expr(outbox::Column::Attempts, Expr::value(c.attempts + 1))
        .col_expr(outbox::Column::UpdatedAt, Expr::value(now))
        .filter(outbox::Column::Id.eq(c.id))
        .filter(outbox::Column::Attempts.eq(c.attempts))
        .filter(claimable)
        .exec(db)
        .await?;
    if res.rows_affected == 1 {
        let mut item = to_item(c);
        item.attempts += 1;
        Ok(KeyClaim::Taken(item))
    } else {
        Ok(KeyClaim::Busy)
    }
}

/// Done: the dedupe key is released so the same effect can be enqueued again later.
pub async fn complete<C: ConnectionTrait>(
    db: &C,
    id: Uuid,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    outbox::Entity::update_many()
        .col_expr(outbox::Column::Status, Expr::value(OutboxStatus::Done))
        .col_expr(
            outbox::Column::DedupeKey,
            Expr::value(Option::<String>::None),
        )
        .col_expr(
            outbox::Column::LockedUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .col_expr(
            outbox::Column::LastError,
            Expr::value(Option::<String>::None),
        )
        .col_expr(outbox::Column::UpdatedAt, Expr::value(now))
        .filter(outbox::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// Failed: retry at `retry_at`, or give up (`dead`, key released) when `retry_at` is `None`.
pub async fn fail<C: ConnectionTrait>(
    db: &C,
    id: Uuid,
    error: &str,
    retry_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let mut q = outbox::Entity::update_many()
        .col_expr(
            outbox::Column::LastError,
            Expr::value(error.chars().take(2000).collect::<String>()),
        )
        .col_expr(
            outbox::Column::LockedUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .col_expr(outbox::Column::UpdatedAt, Expr::value(now));
    q = match retry_at {
        Some(at) => q
            .col_expr(outbox::Column::Status, Expr::value(OutboxStatus::Pending))
            .col_expr(outbox::Column::RunAfter, Expr::value(at)),
        None => q
            .col_expr(outbox::Column::Status, Expr::value(OutboxStatus::Dead))
            .col_expr(
                outbox::Column::DedupeKey,
                Expr::value(Option::<String>::None),
            ),
    };
    q.filter(outbox::Column::Id.eq(id)).exec(db).await?;
    Ok(())
}

/// Items by status (admin view, tests).
pub async fn list<C: ConnectionTrait>(
    db: &C,
    status: Option<OutboxStatus>,
    limit: u64,
) -> Result<Vec<(OutboxItem, OutboxStatus)>, StoreError> {
    let mut q = outbox::Entity::find()
        .order_by_desc(outbox::Column::CreatedAt)
        .limit(limit);
    if let Some(s) = status {
        q = q.filter(outbox::Column::Status.eq(s));
    }
    Ok(q.all(db)
        .await?
        .into_iter()
        .map(|m| {
            let s = m.status;
            (to_item(m), s)
        })
        .collect())
}
