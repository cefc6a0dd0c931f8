//! Job runs (the last run per job and scope, and a short history), the dead-letter list, and
//! retention deletes the housekeeping jobs run.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel,
    QueryFilter, QueryOrder, QuerySelect,
};
use serde_json::Value;
use uuid::Uuid;

use crate::entities::{
    job_dead_letters, job_run_log, job_runs, quota_mutation_ledger, refresh_tokens,
};
use crate::error::StoreError;

/// The last run of a job in a scope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobRun {
    pub job_name: String,
    pub scope: String,
    pub last_started_at: Option<DateTime<Utc>>,
    pub last_finished_at: Option<DateTime<Utc>>,
    pub last_duration_ms: Option<i64>,
    pub last_ok: Option<bool>,
    pub last_error: Option<String>,
    pub run_count: i64,
    pub failure_count: i64,
}

fn run_of(m: job_runs::Model) -> JobRun {
    JobRun {
        job_name: m.job_name,
        scope: m.scope,
        last_started_at: m.last_started_at,
        last_finished_at: m.last_finished_at,
        last_duration_ms: m.last_duration_ms,
        last_ok: m.last_ok,
        last_error: m.last_error,
        run_count: m.run_count,
        failure_count: m.failure_count,
    }
}

/// Records that a run started.
pub async fn started<C: ConnectionTrait>(
    db: &C,
    job: &str,
    scope: &str,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    match job_runs::Entity::find_by_id((job.to_owned(), scope.to_owned()))
        .one(db)
        .await?
    {
        Some(m) => {
            let mut row = m.into_active_model();
            row.last_started_at = Set(Some(at));
            row.update(db).await?;
        }
        None => {
            job_runs::ActiveModel {
                job_name: Set(job.to_owned()),
                scope: Set(scope.to_owned()),
                last_started_at: Set(Some(at)),
                last_finished_at: Set(None),
                last_duration_ms: Set(None),
                last_ok: Set(None),
                last_error: Set(None),
                run_count: Set(0),
                failure_count: Set(0),
            }
            .insert(db)
            .await?;
        }
    }
    Ok(())
}

/// How a run ended.
#[derive(Debug, Clone, PartialEq)]
pub struct Finished {
    pub started_at: DateTime<Utc>,
    pub finished_at: DateTime<Utc>,
    pub ok: bool,
    pub error: Option<String>,
    pub summary: Option<Value>,
}

/// Records the end of a run (last-run row and history).
pub async fn finished<C: ConnectionTrait>(
    db: &C,
    job: &str,
    scope: &str,
    f: &Finished,
) -> Result<(), StoreError> {
    let duration = (f.finished_at - f.started_at).num_milliseconds().max(0);
    let error: Option<String> = f.error.as_ref().map(|e| e.chars().take(2000).collect());
    started(db, job, scope, f.started_at).await?;
    job_runs::Entity::update_many()
        .col_expr(
            job_runs::Column::LastFinishedAt,
            Expr::value(Some(f.finished_at)),
        )
        .col_expr(
            job_runs::Column::LastDurationMs,
            Expr::value(Some(duration)),
        )
        .col_expr(job_runs::Column::LastOk, Expr::value(Some(f.ok)))
        .col_expr(job_runs::Column::LastError, Expr::value(error.clone()))
        .col_expr(
            job_runs::Column::RunCount,
            sea_orm::sea_query::ExprTrait::add(Expr::col(job_runs::Column::RunCount), 1),
        )
        .col_expr(
            job_runs::Column::FailureCount,
            sea_orm::sea_query::ExprTrait::add(
                Expr::col(job_runs::Column::FailureCount),
                i64::from(!f.ok),
            ),
        )
        .filter(job_runs::Column::JobName.eq(job))
        .filter(job_runs::Column::Scope.eq(scope))
        .exec(db)
        .await?;
    job_run_log::ActiveModel {
        job_name: Set(job.to_owned()),
        scope: Set(scope.to_owned()),
        started_at: Set(f.started_at),
        finished_at: Set(f.finished_at),
        duration_ms: Set(duration),
        ok: Set(f.ok),
        error: Set(error),
        summary: Set(f.summary.clone()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// Every job × scope row.
pub async fn runs<C: ConnectionTrait>(db: &C) -> Result<Vec<JobRun>, StoreError> {
    Ok(job_runs::Entity::find()
        .order_by_asc(job_runs::Column::JobName)
        .order_by_asc(job_runs::Column::Scope)
        .all(db)
        .await?
        .into_iter()
        .map(run_of)
        .collect())
}

/// The summary of the latest run of a job in a scope.
pub async fn last_summary<C: ConnectionTrait>(
    db: &C,
    job: &str,
    scope: &str,
) -> Result<Option<Value>, StoreError> {
    Ok(job_run_log::Entity::find()
        .filter(job_run_log::Column::JobName.eq(job))
        .filter(job_run_log::Column::Scope.eq(scope))
        .order_by_desc(job_run_log::Column::StartedAt)
        .limit(1)
        .one(db)
        .await?
        .and_then(|m| m.summary))
}

/// A job given up after its retries.
#[derive(Debug, Clone, PartialEq)]
pub struct DeadLetter {
    pub id: Uuid,
    pub job_name: String,
    pub scope: String,
    pub error: String,
    pub attempts: i32,
    pub payload: Option<Value>,
    pub created_at: DateTime<Utc>,
    pub resolved_at: Option<DateTime<Utc>>,
}

pub async fn add_dead_letter<C: ConnectionTrait>(
    db: &C,
    job: &str,
    scope: &str,
    error: &str,
    attempts: i32,
    payload: Option<Value>,
) -> Result<(), StoreError> {
    job_dead_letters::ActiveModel {
        job_name: Set(job.to_owned()),
        scope: Set(scope.to_owned()),
        error: Set(error.chars().take(4000).collect()),
        attempts: Set(attempts),
        payload: Set(payload),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

pub async fn dead_letters<C: ConnectionTrait>(
    db: &C,
    unresolved_only: bool,
    limit: u64,
) -> Result<Vec<DeadLetter>, StoreError> {
    let mut q = job_dead_letters::Entity::find()
        .order_by_desc(job_dead_letters::Column::CreatedAt)
        .limit(limit);
    if unresolved_only {
        q = q.filter(job_dead_letters::Column::ResolvedAt.is_null());
    }
    Ok(q.all(db)
        .await?
        .into_iter()
        .map(|m| DeadLetter {
            id: m.id,
            job_name: m.job_name,
            scope: m.scope,
            error: m.error,
            attempts: m.attempts,
            payload: m.payload,
            created_at: m.created_at,
            resolved_at: m.resolved_at,
        })
        .collect())
}

/// Unresolved dead letters created after `since`.
pub async fn count_dead_letters_since<C: ConnectionTrait>(
    db: &C,
    since: DateTime<Utc>,
) -> Result<u64, StoreError> {
    use sea_orm::PaginatorTrait;
    Ok(job_dead_letters::Entity::find()
        .filter(job_dead_letters::Column::ResolvedAt.is_null())
        .filter(job_dead_letters::Column::CreatedAt.gte(since))
        .count(db)
        .await?)
}

/// Deletes run history older than `before`.
pub async fn purge_run_log<C: ConnectionTrait>(
    db: &C,
    before: DateTime<Utc>,
) -> Result<u64, StoreError> {
    Ok(job_run_log::Entity::delete_many()
        .filter(job_run_log::Column::StartedAt.lt(before))
        .exec(db)
        .await?
        .rows_affected)
}

/// Deletes ledger rows older than `before`.
pub async fn purge_ledger<C: ConnectionTrait>(
    db: &C,
    before: DateTime<Utc>,
) -> Result<u64, StoreError> {
    Ok(quota_mutation_ledger::Entity::delete_many()
        .filter(quota_mutation_ledger::Column::CreatedAt.lt(before))
        .exec(db)
        .await?
        .rows_affected)
}

/// Deletes refresh tokens that expired (or were revoked) before `before`.
pub async fn purge_refresh_tokens<C: ConnectionTrait>(
    db: &C,
    before: DateTime<Utc>,
) -> Result<u64, StoreError> {
    use sea_orm::Condition;
    Ok(refresh_tokens::Entity::delete_many()
        .filter(
            Condition::any()
                .add(refresh_tokens::Column::ExpiresAt.lt(before))
                .add(refresh_tokens::Column::RevokedAt.lt(before)),
        )
        .exec(db)
        .await?
        .rows_affected)
}
