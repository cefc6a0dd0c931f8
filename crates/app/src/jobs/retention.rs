//! Housekeeping: expired refresh tokens and device credentials, quota-ledger retention
//! (`QUOTA_MUTATION_LEDGER_RETENTION_DAYS`, 30–90), the job and message logs
//! (`JOB_LOG_RETENTION_DAYS`), the admin action log (`ACTION_LOG_RETENTION_DAYS`, 0: kept
//! forever), and the dead-letter monitor.

use chrono::Duration;
use saring_store::repo::{activity, device_credentials, jobs as jobs_repo, messages};
use serde::Serialize;

use crate::context::App;
use crate::error::AppResult;

#[derive(Debug, Clone, Default, Serialize)]
pub struct RetentionReport {
    pub refresh_tokens: u64,
    pub device_credentials: u64,
    pub ledger_rows: u64,
    pub job_log_rows: u64,
    pub message_log_rows: u64,
    pub action_log_rows: u64,
}

pub async fn run(app: &App) -> AppResult<RetentionReport> {
    let now = app.now();
    let w = &app.config().worker;
    Ok(RetentionReport {
        refresh_tokens: jobs_repo::purge_refresh_tokens(app.db(), now - Duration::days(1)).await?,
        device_credentials: device_credentials::delete_expired(app.db(), now).await?,
        ledger_rows: jobs_repo::purge_ledger(
            app.db(),
            now - Duration::days(w.retention.ledger_days),
        )
        .await?,
        job_log_rows: jobs_repo::purge_run_log(
            app.db(),
            now - Duration::days(w.retention.job_log_days),
        )
        .await?,
        message_log_rows: messages::purge(app.db(), now - Duration::days(w.retention.job_log_days))
            .await?,
        action_log_rows: match w.retention.action_log_days {
            0 => 0,
            days => activity::purge_actions(app.db(), now - Duration::days(days)).await?,
        },
    })
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct DeadLetterReport {
    pub new_dead_letters: u64,
    pub alerts: usize,
}

/// Counts dead letters of the last 15 minutes and alerts the admins when there are any.
pub async fn dead_letter_monitor(app: &App) -> AppResult<DeadLetterReport> {
    let since = app.now() - Duration::minutes(15);
    let n = jobs_repo::count_dead_letters_since(app.db(), since).await?;
    let alerts = if n > 0 {
        super::alert_dead_letters(app, n).await
    } else {
        0
    };
    Ok(DeadLetterReport {
        new_dead_letters: n,
        alerts,
    })
}
