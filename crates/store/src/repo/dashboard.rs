//! The admin dashboard's reads: aggregates computed by the database over indexed ranges
//! (paid transactions by payment time, daily usage by day), and one lean pass over the
//! accounts that counts them by access status without loading them.
//!
//! Nothing here reads the quota ledger, and no query returns more than a few dozen rows.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, NaiveDate, Utc};
use saring_domain::access::AccessStatus;
use saring_domain::units::{BYTES_PER_MB, Bytes};
use sea_orm::sea_query::{
    Alias, Asterisk, CaseStatement, Expr, ExprTrait, Func, Order, Query, SimpleExpr,
};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryResult};
use uuid::Uuid;

use crate::entities::enums::{ApprovalStatus, TransactionStatus, UserRole};
use crate::entities::{
    daily_usage_logs, packages, router_sync_state, routers, transactions, user_quota_debts, users,
};
use crate::error::StoreError;

/// `CAST(SUM(expr) AS BIGINT)`: PostgreSQL sums bigints into `numeric`.
fn sum_i64(expr: impl Into<SimpleExpr>) -> SimpleExpr {
    Func::cast_as(Func::sum(expr.into()), Alias::new("BIGINT")).into()
}

fn count_all() -> SimpleExpr {
    Func::count(Expr::col(Asterisk)).into()
}

fn get_i64(row: &QueryResult, col: &str) -> Result<i64, StoreError> {
    Ok(row.try_get::<Option<i64>>("", col)?.unwrap_or(0))
}

fn to_u64(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

/// Payments counted and summed over one period.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    pub count: u64,
    pub amount: i64,
}

/// Paid transactions (status `SUCCESS`) per period by payment time: `bounds` are ascending
/// instants, period `i` is `[bounds[i], bounds[i + 1])`. One indexed range scan, aggregated
/// by the database; the answer has `bounds.len() - 1` entries, zero where nothing was paid.
pub async fn paid_by_period<C: ConnectionTrait>(
    db: &C,
    bounds: &[DateTime<Utc>],
) -> Result<Vec<Tally>, StoreError> {
    use transactions::Column as T;
    let periods = bounds.len().saturating_sub(1);
    let mut out = vec![Tally::default(); periods];
    let (Some(first), Some(last)) = (bounds.first(), bounds.last()) else {
        return Ok(out);
    };
    if periods == 0 {
        return Ok(out);
    }
    let mut bucket = CaseStatement::new();
    for (i, end) in bounds.iter().skip(1).enumerate() {
        bucket = bucket.case(
            Expr::col(T::PaymentTime).lt(*end),
            i64::try_from(i).unwrap_or(0),
        );
    }
    let mut q = Query::select();
    q.expr_as(bucket, Alias::new("bucket"))
        .expr_as(count_all(), Alias::new("n"))
        .expr_as(sum_i64(Expr::col(T::Amount)), Alias::new("total"))
        .from(transactions::Entity)
        .and_where(Expr::col(T::Status).eq(TransactionStatus::Success))
        .and_where(Expr::col(T::PaymentTime).gte(*first))
        .and_where(Expr::col(T::PaymentTime).lt(*last))
        .group_by_col(Alias::new("bucket"));
    for row in db.query_all(&q).await? {
        let i = usize::try_from(get_i64(&row, "bucket")?).unwrap_or(usize::MAX);
        if let Some(slot) = out.get_mut(i) {
            *slot = Tally {
                count: to_u64(get_i64(&row, "n")?),
                amount: get_i64(&row, "total")?,
            };
        }
    }
    Ok(out)
}

/// A package and what it sold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackageSales {
    pub package_id: Uuid,
    pub name: String,
    pub sales: Tally,
}

/// The packages with the most paid transactions paid in `[from, to)` (most first; ties by
/// revenue, then name), at most `limit`.
pub async fn top_packages<C: ConnectionTrait>(
    db: &C,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<PackageSales>, StoreError> {
    use transactions::Column as T;
    let mut q = Query::select();
    q.column(T::PackageId)
        .expr_as(count_all(), Alias::new("n"))
        .expr_as(sum_i64(Expr::col(T::Amount)), Alias::new("total"))
        .from(transactions::Entity)
        .and_where(Expr::col(T::Status).eq(TransactionStatus::Success))
        .and_where(Expr::col(T::PaymentTime).gte(from))
        .and_where(Expr::col(T::PaymentTime).lt(to))
        .and_where(Expr::col(T::PackageId).is_not_null())
        .group_by_col(T::PackageId)
        .order_by_expr(count_all(), Order::Desc)
        .order_by_expr(sum_i64(Expr::col(T::Amount)), Order::Desc)
        .limit(limit);
    let mut sales = Vec::new();
    for row in db.query_all(&q).await? {
        let id: Uuid = row.try_get("", "package_id")?;
        sales.push((
            id,
            Tally {
                count: to_u64(get_i64(&row, "n")?),
                amount: get_i64(&row, "total")?,
            },
        ));
    }
    let names: HashMap<Uuid, String> = packages::Entity::find()
        .filter(packages::Column::Id.is_in(sales.iter().map(|(id, _)| *id)))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id, p.name))
        .collect();
    let mut out: Vec<PackageSales> = sales
        .into_iter()
        .map(|(package_id, sales)| PackageSales {
            name: names.get(&package_id).cloned().unwrap_or_default(),
            package_id,
            sales,
        })
        .collect();
    out.sort_by(|a, b| {
        b.sales
            .count
            .cmp(&a.sales.count)
            .then(b.sales.amount.cmp(&a.sales.amount))
            .then(a.name.cmp(&b.name))
    });
    Ok(out)
}

/// End-user accounts (USER, KOMANDAN) counted in one pass.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AccountTally {
    pub by_status: BTreeMap<AccessStatus, u64>,
    pub pending_approval: u64,
    /// USER accounts (not unlimited) using more than their quota.
    pub auto_debt_users: u64,
    /// Their overshoot, each rounded up to whole MB.
    pub auto_debt_mb: i64,
}

/// `PolicySettings::status` as a SQL `CASE`, over the `users` columns (first match wins):
/// blocked, inactive (not active or not approved), expired (expiry before `now`), unlimited
/// (flag; admins are not counted here), habis (no quota or none left), fup (quota above the
/// threshold and at most the threshold left), active. Quota is `(purchased + offset)` MB in
/// bytes, compared exactly with the used bytes, as the resolver does.
fn status_case(now: DateTime<Utc>, fup_threshold: Bytes) -> CaseStatement {
    use users::Column as U;
    let quota = || {
        Expr::col(U::TotalQuotaPurchasedMb)
            .add(Expr::col(U::AutoDebtOffsetMb))
            .mul(BYTES_PER_MB)
    };
    let used = || Expr::col(U::TotalQuotaUsedBytes);
    CaseStatement::new()
        .case(
            Expr::col(U::IsBlocked).eq(true),
            AccessStatus::Blocked.as_str(),
        )
        .case(
            Expr::col(U::IsActive)
                .eq(false)
                .or(Expr::col(U::ApprovalStatus).ne(ApprovalStatus::Approved)),
            AccessStatus::Inactive.as_str(),
        )
        .case(
            Expr::col(U::QuotaExpiryDate).lt(now),
            AccessStatus::Expired.as_str(),
        )
        .case(
            Expr::col(U::IsUnlimitedUser).eq(true),
            AccessStatus::Unlimited.as_str(),
        )
        .case(
            quota().lte(0).or(used().gte(quota())),
            AccessStatus::Habis.as_str(),
        )
        .case(
            quota()
                .gt(fup_threshold.0)
                .and(quota().sub(used()).lte(fup_threshold.0)),
            AccessStatus::Fup.as_str(),
        )
        .finally(AccessStatus::Active.as_str())
}

/// Counts USER and KOMANDAN accounts by access status at `now`, with the registrations
/// waiting for approval and the auto debt, in one aggregate over `users`.
pub async fn account_tally<C: ConnectionTrait>(
    db: &C,
    now: DateTime<Utc>,
    fup_threshold: Bytes,
) -> Result<AccountTally, StoreError> {
    use users::Column as U;
    let quota = || {
        Expr::col(U::TotalQuotaPurchasedMb)
            .add(Expr::col(U::AutoDebtOffsetMb))
            .mul(BYTES_PER_MB)
    };
    let owes = Expr::col(U::Role)
        .eq(UserRole::User)
        .and(Expr::col(U::IsUnlimitedUser).eq(false))
        .and(Expr::col(U::TotalQuotaUsedBytes).gt(quota()));
    let one_if =
        |cond: SimpleExpr| -> SimpleExpr { CaseStatement::new().case(cond, 1).finally(0).into() };
    let overshoot_mb: SimpleExpr = CaseStatement::new()
        .case(
            owes.clone(),
            Expr::col(U::TotalQuotaUsedBytes)
                .sub(quota())
                .add(BYTES_PER_MB - 1)
                .div(BYTES_PER_MB),
        )
        .finally(0)
        .into();
    let mut q = Query::select();
    q.expr_as(status_case(now, fup_threshold), Alias::new("access_status"))
        .expr_as(count_all(), Alias::new("n"))
        .expr_as(
            sum_i64(one_if(
                Expr::col(U::ApprovalStatus).eq(ApprovalStatus::PendingApproval),
            )),
            Alias::new("pending"),
        )
        .expr_as(sum_i64(one_if(owes)), Alias::new("owing"))
        .expr_as(sum_i64(overshoot_mb), Alias::new("owed_mb"))
        .from(users::Entity)
        .and_where(Expr::col(U::Role).is_in([UserRole::User, UserRole::Komandan]))
        .group_by_col(Alias::new("access_status"));
    let mut tally = AccountTally::default();
    for row in db.query_all(&q).await? {
        let name: String = row.try_get("", "access_status")?;
        let status: AccessStatus = name
            .parse()
            .map_err(|_| StoreError::Corrupt(format!("access status {name}")))?;
        *tally.by_status.entry(status).or_default() += to_u64(get_i64(&row, "n")?);
        tally.pending_approval += to_u64(get_i64(&row, "pending")?);
        tally.auto_debt_users += to_u64(get_i64(&row, "owing")?);
        tally.auto_debt_mb += get_i64(&row, "owed_mb")?;
    }
    Ok(tally)
}

/// The latest change to any account row (`users.updated_at`, an index read): counts over
/// the accounts taken after it still hold, except for time passing and deletions.
pub async fn accounts_changed_at<C: ConnectionTrait>(
    db: &C,
) -> Result<Option<DateTime<Utc>>, StoreError> {
    let mut q = Query::select();
    q.expr_as(Expr::col(users::Column::UpdatedAt).max(), Alias::new("at"))
        .from(users::Entity);
    Ok(match db.query_one(&q).await? {
        Some(row) => row.try_get("", "at")?,
        None => None,
    })
}

/// Open manual debts over every account.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OpenDebts {
    pub items: u64,
    pub users: u64,
    /// MB still owed (unlimited advances carry none).
    pub mb: i64,
}

pub async fn open_debts<C: ConnectionTrait>(db: &C) -> Result<OpenDebts, StoreError> {
    use user_quota_debts::Column as D;
    let owed: SimpleExpr = CaseStatement::new()
        .case(Expr::col(D::IsUnlimited).eq(true), Expr::val(0_i64))
        .finally(Expr::col(D::AmountMb).sub(Expr::col(D::PaidMb)))
        .into();
    let mut q = Query::select();
    q.expr_as(count_all(), Alias::new("n"))
        .expr_as(
            Func::count_distinct(Expr::col(D::UserId)),
            Alias::new("users"),
        )
        .expr_as(sum_i64(owed), Alias::new("mb"))
        .from(user_quota_debts::Entity)
        .and_where(Expr::col(D::IsPaid).eq(false));
    let Some(row) = db.query_one(&q).await? else {
        return Ok(OpenDebts::default());
    };
    Ok(OpenDebts {
        items: to_u64(get_i64(&row, "n")?),
        users: to_u64(get_i64(&row, "users")?),
        mb: get_i64(&row, "mb")?,
    })
}

/// Bytes used on a local day over every account.
pub async fn usage_on<C: ConnectionTrait>(db: &C, day: NaiveDate) -> Result<i64, StoreError> {
    use daily_usage_logs::Column as L;
    let mut q = Query::select();
    q.expr_as(sum_i64(Expr::col(L::UsageBytes)), Alias::new("bytes"))
        .from(daily_usage_logs::Entity)
        .and_where(Expr::col(L::LogDate).eq(day));
    match db.query_one(&q).await? {
        Some(row) => get_i64(&row, "bytes"),
        None => Ok(0),
    }
}

/// A router with what the health check and the quota sync last recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouterState {
    pub id: Uuid,
    pub name: String,
    pub is_enabled: bool,
    /// This router's own schedule per job, in seconds (`0`: off here).
    pub job_intervals: BTreeMap<String, u64>,
    pub last_seen_at: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
    /// The last quota sync that committed.
    pub last_poll_at: Option<DateTime<Utc>>,
    pub down_since: Option<DateTime<Utc>>,
}

/// Every router (the default first, then by name), without its secrets.
pub async fn router_states<C: ConnectionTrait>(db: &C) -> Result<Vec<RouterState>, StoreError> {
    use sea_orm::QueryOrder;
    let states: HashMap<Uuid, router_sync_state::Model> = router_sync_state::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|s| (s.router_id, s))
        .collect();
    routers::Entity::find()
        .order_by_desc(routers::Column::IsDefault)
        .order_by_asc(routers::Column::Name)
        .all(db)
        .await?
        .into_iter()
        .map(|r| {
            let job_intervals = serde_json::from_str(&r.job_intervals).map_err(|e| {
                StoreError::Corrupt(format!("routers.job_intervals of {}: {e}", r.name))
            })?;
            let state = states.get(&r.id);
            Ok(RouterState {
                id: r.id,
                name: r.name,
                is_enabled: r.is_enabled,
                job_intervals,
                last_seen_at: r.last_seen_at,
                last_error: r.last_error,
                last_poll_at: state.and_then(|s| s.last_poll_at),
                down_since: state.and_then(|s| s.down_since),
            })
        })
        .collect()
}
