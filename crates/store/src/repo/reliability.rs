//! The reads behind the reliability signals (`GET /api/admin/metrics`): the outbox's depth and
//! age, dead letters and failing jobs, the payment reconciliation's recent runs, and the
//! delivery failures in the message log (OTP codes included). Each is a count or a short
//! list over an indexed column.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Func, Query};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use serde_json::Value;

use crate::entities::enums::OutboxStatus;
use crate::entities::{job_dead_letters, job_run_log, job_runs, message_log, outbox};
use crate::error::StoreError;

/// The template name OTP sends are logged under when they fail.
pub const OTP_TEMPLATE: &str = "auth_send_otp";

/// The outbox at a glance.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OutboxDepth {
    /// `pending` and `running` items.
    pub pending: u64,
    /// The earliest `run_after` of a pending item that is due by `now`.
    pub oldest_due: Option<DateTime<Utc>>,
    pub dead: u64,
}

pub async fn outbox_depth<C: ConnectionTrait>(
    db: &C,
    now: DateTime<Utc>,
) -> Result<OutboxDepth, StoreError> {
    use outbox::Column as O;
    let pending = outbox::Entity::find()
        .filter(O::Status.is_in([OutboxStatus::Pending, OutboxStatus::Running]))
        .count(db)
        .await?;
    let dead = outbox::Entity::find()
        .filter(O::Status.eq(OutboxStatus::Dead))
        .count(db)
        .await?;
    let oldest_due = outbox::Entity::find()
        .filter(O::Status.eq(OutboxStatus::Pending))
        .filter(O::RunAfter.lte(now))
        .order_by_asc(O::RunAfter)
        .limit(1)
        .one(db)
        .await?
        .map(|m| m.run_after);
    Ok(OutboxDepth {
        pending,
        oldest_due,
        dead,
    })
}

/// Dead letters nobody resolved, and how many of them arrived since `since`.
pub async fn dead_letters<C: ConnectionTrait>(
    db: &C,
    since: DateTime<Utc>,
) -> Result<(u64, u64), StoreError> {
    use job_dead_letters::Column as D;
    let open = job_dead_letters::Entity::find().filter(D::ResolvedAt.is_null());
    let total = open.clone().count(db).await?;
    let recent = open.filter(D::CreatedAt.gte(since)).count(db).await?;
    Ok((total, recent))
}

/// Job × scope pairs whose last run failed, as `job` (global) or `job@scope`.
pub async fn failing_jobs<C: ConnectionTrait>(db: &C) -> Result<Vec<String>, StoreError> {
    Ok(job_runs::Entity::find()
        .filter(job_runs::Column::LastOk.eq(false))
        .order_by_asc(job_runs::Column::JobName)
        .order_by_asc(job_runs::Column::Scope)
        .all(db)
        .await?
        .into_iter()
        .map(|r| {
            if r.scope == "global" {
                r.job_name
            } else {
                format!("{}@{}", r.job_name, r.scope)
            }
        })
        .collect())
}

/// One finished run of a job.
#[derive(Debug, Clone, PartialEq)]
pub struct RunSummary {
    pub started_at: DateTime<Utc>,
    pub ok: bool,
    pub summary: Option<Value>,
}

/// The runs of `job` (any scope) started since `since`, newest first.
pub async fn runs_since<C: ConnectionTrait>(
    db: &C,
    job: &str,
    since: DateTime<Utc>,
) -> Result<Vec<RunSummary>, StoreError> {
    use job_run_log::Column as L;
    Ok(job_run_log::Entity::find()
        .filter(L::JobName.eq(job))
        .filter(L::StartedAt.gte(since))
        .order_by_desc(L::StartedAt)
        .all(db)
        .await?
        .into_iter()
        .map(|m| RunSummary {
            started_at: m.started_at,
            ok: m.ok,
            summary: m.summary,
        })
        .collect())
}

/// Failed deliveries logged since `since`: `(OTP codes, other notices)`.
pub async fn delivery_failures<C: ConnectionTrait>(
    db: &C,
    since: DateTime<Utc>,
) -> Result<(u64, u64), StoreError> {
    use message_log::Column as M;
    let mut q = Query::select();
    q.column(M::Template)
        .expr_as(Func::count(Expr::col(M::Id)), Alias::new("n"))
        .from(message_log::Entity)
        .and_where(Expr::col(M::CreatedAt).gte(since))
        .and_where(Expr::col(M::Status).eq("failed"))
        .group_by_col(M::Template);
    let (mut otp, mut other) = (0, 0);
    for row in db.query_all(&q).await? {
        let template: Option<String> = row.try_get("", "template")?;
        let n = u64::try_from(row.try_get::<i64>("", "n")?).unwrap_or(0);
        if template.as_deref() == Some(OTP_TEMPLATE) {
            otp += n;
        } else {
            other += n;
        }
    }
    Ok((otp, other))
}
