//! Manual quota debts (`user_quota_debts`) as payments see them: the open items of a user,
//! recording payments on them, and the cached open total on `users.manual_debt_mb`.
//! Callers hold the user's row lock (`users::lock`) so payments on one user's items are
//! serialised.

use chrono::{DateTime, NaiveDate, Utc};
use saring_domain::ids::UserId;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel,
    QueryFilter, QueryOrder,
};
use uuid::Uuid;

use crate::entities::{user_quota_debts, users};
use crate::error::StoreError;

pub use saring_domain::debt::DebtItem;

fn to_item(m: user_quota_debts::Model) -> DebtItem {
    DebtItem {
        id: m.id,
        user_id: UserId(m.user_id),
        debt_date: m.debt_date,
        due_date: m.due_date,
        amount_mb: m.amount_mb,
        paid_mb: m.paid_mb,
        is_unlimited: m.is_unlimited,
        price_rp: m.price_rp,
        is_paid: m.is_paid,
        paid_at: m.paid_at,
        package_id: m.package_id,
        last_paid_source: m.last_paid_source,
        note: m.note,
        created_at: m.created_at,
    }
}

/// The user's unpaid items, oldest first (debt date, then creation).
pub async fn open_for_user<C: ConnectionTrait>(
    db: &C,
    user: UserId,
) -> Result<Vec<DebtItem>, StoreError> {
    Ok(user_quota_debts::Entity::find()
        .filter(user_quota_debts::Column::UserId.eq(user.0))
        .filter(user_quota_debts::Column::IsPaid.eq(false))
        .order_by_asc(user_quota_debts::Column::DebtDate)
        .order_by_asc(user_quota_debts::Column::CreatedAt)
        .order_by_asc(user_quota_debts::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(to_item)
        .filter(|d| d.remaining_mb() > 0)
        .collect())
}

/// Every item of the user (`open_only`: the unpaid ones), newest debt first.
pub async fn list_for_user<C: ConnectionTrait>(
    db: &C,
    user: UserId,
    open_only: bool,
) -> Result<Vec<DebtItem>, StoreError> {
    let mut q =
        user_quota_debts::Entity::find().filter(user_quota_debts::Column::UserId.eq(user.0));
    if open_only {
        q = q.filter(user_quota_debts::Column::IsPaid.eq(false));
    }
    Ok(q.order_by_desc(user_quota_debts::Column::DebtDate)
        .order_by_desc(user_quota_debts::Column::CreatedAt)
        .order_by_desc(user_quota_debts::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(to_item)
        .filter(|d| !open_only || d.remaining_mb() > 0)
        .collect())
}

/// The users with at least one unpaid item.
pub async fn users_with_open_items<C: ConnectionTrait>(db: &C) -> Result<Vec<UserId>, StoreError> {
    let mut ids: Vec<Uuid> = user_quota_debts::Entity::find()
        .filter(user_quota_debts::Column::IsPaid.eq(false))
        .all(db)
        .await?
        .into_iter()
        .filter(|m| m.amount_mb > m.paid_mb)
        .map(|m| m.user_id)
        .collect();
    ids.sort_unstable();
    ids.dedup();
    Ok(ids.into_iter().map(UserId).collect())
}

/// Every unpaid item with a due date on or before `until` (the reminder job's input).
pub async fn open_due_by<C: ConnectionTrait>(
    db: &C,
    until: NaiveDate,
) -> Result<Vec<DebtItem>, StoreError> {
    Ok(user_quota_debts::Entity::find()
        .filter(user_quota_debts::Column::IsPaid.eq(false))
        .filter(user_quota_debts::Column::DueDate.lte(until))
        .order_by_asc(user_quota_debts::Column::DueDate)
        .order_by_asc(user_quota_debts::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(to_item)
        .filter(|d| d.remaining_mb() > 0)
        .collect())
}

/// One item of the user (`None` if it belongs to someone else).
pub async fn find_for_user<C: ConnectionTrait>(
    db: &C,
    user: UserId,
    id: Uuid,
) -> Result<Option<DebtItem>, StoreError> {
    Ok(user_quota_debts::Entity::find_by_id(id)
        .filter(user_quota_debts::Column::UserId.eq(user.0))
        .one(db)
        .await?
        .map(to_item))
}

/// Records `mb` paid on an item (capped at what is open); marks it paid when nothing is
/// left. Returns the MB actually recorded.
pub async fn record_payment<C: ConnectionTrait>(
    db: &C,
    id: Uuid,
    mb: i64,
    source: &str,
    now: DateTime<Utc>,
) -> Result<i64, StoreError> {
    let model = user_quota_debts::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(StoreError::NotFound)?;
    let open = (model.amount_mb - model.paid_mb).max(0);
    let pay = mb.clamp(0, open);
    if pay == 0 {
        return Ok(0);
    }
    let paid = model.paid_mb + pay;
    let done = paid >= model.amount_mb;
    let mut row = model.into_active_model();
    row.paid_mb = Set(paid);
    row.is_paid = Set(done);
    if done {
        row.paid_at = Set(Some(now));
    }
    row.last_paid_source = Set(Some(source.chars().take(50).collect()));
    row.update(db).await?;
    Ok(pay)
}

/// Recomputes `users.manual_debt_mb` (the open total) from the items; returns it.
pub async fn refresh_cached_total<C: ConnectionTrait>(
    db: &C,
    user: UserId,
    now: DateTime<Utc>,
) -> Result<i64, StoreError> {
    let total: i64 = open_for_user(db, user)
        .await?
        .iter()
        .map(DebtItem::remaining_mb)
        .sum();
    users::Entity::update_many()
        .col_expr(users::Column::ManualDebtMb, Expr::value(total))
        .col_expr(users::Column::ManualDebtUpdatedAt, Expr::value(Some(now)))
        .filter(users::Column::Id.eq(user.0))
        .exec(db)
        .await?;
    Ok(total)
}

/// A manual debt to record (admin tools, tests).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewDebt {
    pub user_id: UserId,
    pub amount_mb: i64,
    pub price_rp: Option<i64>,
    pub debt_date: Option<NaiveDate>,
    pub due_date: Option<NaiveDate>,
    pub is_unlimited: bool,
    pub package_id: Option<Uuid>,
    pub note: Option<String>,
    pub created_by: Option<UserId>,
}

/// Inserts an open item and refreshes the user's cached total.
pub async fn insert<C: ConnectionTrait>(
    db: &C,
    new: &NewDebt,
    now: DateTime<Utc>,
) -> Result<DebtItem, StoreError> {
    let row = user_quota_debts::ActiveModel {
        user_id: Set(new.user_id.0),
        created_by_id: Set(new.created_by.map(|u| u.0)),
        debt_date: Set(new.debt_date),
        due_date: Set(new.due_date),
        amount_mb: Set(new.amount_mb),
        paid_mb: Set(0),
        is_unlimited: Set(new.is_unlimited),
        package_id: Set(new.package_id),
        price_rp: Set(new.price_rp),
        is_paid: Set(false),
        note: Set(new.note.clone()),
        created_at: Set(now),
        ..<user_quota_debts::ActiveModel as sea_orm::ActiveModelBehavior>::new()
    }
    .insert(db)
    .await?;
    refresh_cached_total(db, new.user_id, now).await?;
    Ok(to_item(row))
}

/// Which items `page` lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DebtFilter {
    Open,
    Paid,
    /// Open with a due date before `today`.
    Overdue(NaiveDate),
    All,
}

/// A page of every user's items (optionally only `users`), newest debt first.
pub async fn page<C: ConnectionTrait>(
    db: &C,
    filter: DebtFilter,
    users: Option<&[UserId]>,
    offset: u64,
    limit: u64,
) -> Result<(Vec<DebtItem>, u64), StoreError> {
    use sea_orm::{PaginatorTrait, QuerySelect};
    let mut q = user_quota_debts::Entity::find();
    q = match filter {
        DebtFilter::Open => q.filter(user_quota_debts::Column::IsPaid.eq(false)),
        DebtFilter::Paid => q.filter(user_quota_debts::Column::IsPaid.eq(true)),
        DebtFilter::Overdue(today) => q
            .filter(user_quota_debts::Column::IsPaid.eq(false))
            .filter(user_quota_debts::Column::DueDate.lt(today)),
        DebtFilter::All => q,
    };
    if let Some(users) = users {
        q = q.filter(user_quota_debts::Column::UserId.is_in(users.iter().map(|u| u.0)));
    }
    let total = q.clone().count(db).await?;
    let rows = q
        .order_by_desc(user_quota_debts::Column::DebtDate)
        .order_by_desc(user_quota_debts::Column::CreatedAt)
        .order_by_desc(user_quota_debts::Column::Id)
        .offset(offset)
        .limit(limit)
        .all(db)
        .await?
        .into_iter()
        .map(to_item)
        .collect();
    Ok((rows, total))
}
