//! Every scheduled job: its name, scope (global or per router), schedule (in `APP_TIMEZONE`),
//! timeout, and the use case it runs; running a job with retries for transient failures,
//! recording each run (`job_runs`, `job_run_log`) and giving up into the dead-letter list with
//! an admin alert. The worker (apalis) only decides *when*; the CLI (`saring job run`) and the
//! admin page use the same [`run_recorded`].

pub mod accounts;
pub mod debts;
pub mod messaging;
pub mod notices;
pub mod retention;
pub mod schedule;

use std::time::Duration;

use chrono::{DateTime, Utc};
use saring_domain::api::ErrorCode;
pub use saring_domain::dto::jobs::{DeadLetterView, JobStatus, When};
use saring_store::entities::enums::NotificationType;
use saring_store::repo::jobs as jobs_repo;
use saring_store::repo::routers::{self as router_repo, Router};
use serde::Serialize;
use serde_json::Value;

use crate::config::Config;
use crate::context::App;
use crate::error::{AppError, AppResult};

/// Whether a job runs once per install or once per router.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    Global,
    PerRouter,
}

/// A job as the registry knows it.
#[derive(Debug, Clone, Serialize)]
pub struct JobSpec {
    pub name: &'static str,
    pub description: &'static str,
    pub scope: Scope,
    /// `None`: switched off by configuration.
    pub when: Option<When>,
    pub timeout_seconds: u64,
}

/// Every job, with its schedule from the configuration.
pub fn registry(c: &Config) -> Vec<JobSpec> {
    let w = &c.worker;
    let every = |seconds: u64| Some(When::Every { seconds });
    let cron = |expr: String| Some(When::Cron { expr });
    vec![
        JobSpec {
            name: "quota-sync",
            description: "Usage from hotspot counters, status lists, bindings and profiles",
            scope: Scope::PerRouter,
            when: every(
                c.quota
                    .sync_interval_seconds
                    .max(schedule::floor("quota-sync")),
            ),
            timeout_seconds: 240,
        },
        JobSpec {
            name: "outbox",
            description: "Router syncs after logins/purchases/admin changes, and messages",
            scope: Scope::Global,
            when: every(w.outbox.interval_seconds),
            timeout_seconds: 60,
        },
        JobSpec {
            name: "router-health",
            description: "Online/offline, RouterOS version, down alert, re-push after reboot",
            scope: Scope::PerRouter,
            when: every(w.router_health.interval_seconds),
            timeout_seconds: 30,
        },
        JobSpec {
            name: "unauthorized-hosts",
            description: "Hotspot devices of no authorised user in the unauthorized list",
            scope: Scope::PerRouter,
            when: if w.unauthorized.enabled {
                every(
                    w.unauthorized
                        .interval_seconds
                        .max(schedule::floor("unauthorized-hosts")),
                )
            } else {
                None
            },
            timeout_seconds: 120,
        },
        JobSpec {
            name: "policy-parity-guard",
            description: "Database vs router report per user; repairs a few users a run",
            scope: Scope::PerRouter,
            when: if w.parity.enabled {
                every(
                    w.parity
                        .interval_seconds
                        .max(schedule::floor("policy-parity-guard")),
                )
            } else {
                None
            },
            timeout_seconds: 300,
        },
        JobSpec {
            name: "stale-devices",
            description: "Devices unseen for DEVICE_STALE_DAYS leave the router and the database",
            scope: Scope::PerRouter,
            when: (c.devices.stale_days > 0).then_some(When::Every { seconds: 3600 }),
            timeout_seconds: 300,
        },
        JobSpec {
            name: "stale-hotspot-hosts",
            description: "Host rows left outside the hotspot ranges by roaming clients",
            scope: Scope::PerRouter,
            when: if w.stale_hosts.enabled {
                every(
                    w.stale_hosts
                        .interval_seconds
                        .max(schedule::floor("stale-hotspot-hosts")),
                )
            } else {
                None
            },
            timeout_seconds: 120,
        },
        JobSpec {
            name: "waiting-dhcp-leases",
            description: "Our DHCP leases left waiting for long, with their ARP rows",
            scope: Scope::PerRouter,
            when: if w.waiting_dhcp.enabled {
                every(
                    w.waiting_dhcp
                        .interval_seconds
                        .max(schedule::floor("waiting-dhcp-leases")),
                )
            } else {
                None
            },
            timeout_seconds: 120,
        },
        JobSpec {
            name: "router-audit",
            description: "Nightly: entries on the router for deleted accounts, stale blocked entries",
            scope: Scope::PerRouter,
            when: cron("0 15 4 * * *".into()),
            timeout_seconds: 300,
        },
        JobSpec {
            name: "banking-bypass",
            description: "Bank hosts resolved into the banking bypass address list",
            scope: Scope::PerRouter,
            when: if w.banking.enabled {
                cron(format!("0 {} {} * * *", w.banking.minute, w.banking.hour))
            } else {
                None
            },
            timeout_seconds: 120,
        },
        JobSpec {
            name: "walled-garden",
            description: "Portal, payment and messaging hosts in the hotspot walled garden",
            scope: Scope::PerRouter,
            when: if w.walled_garden.enabled {
                every(w.walled_garden.interval_minutes.saturating_mul(60))
            } else {
                None
            },
            timeout_seconds: 60,
        },
        JobSpec {
            name: "expire-stale-transactions",
            description: "Unpaid orders past their window become EXPIRED",
            scope: Scope::Global,
            when: every(300),
            timeout_seconds: 60,
        },
        JobSpec {
            name: "reconcile-payments",
            description: "Ask the payment gateway about stale orders",
            scope: Scope::Global,
            when: every(900),
            timeout_seconds: 120,
        },
        JobSpec {
            name: "debt-reminders",
            description: "WhatsApp reminders 3 days, 1 day and 3 hours before a debt is due",
            scope: Scope::Global,
            when: every(1800),
            timeout_seconds: 120,
        },
        JobSpec {
            name: "debt-overdue-block",
            description: "Block users whose manual debt is past its due day",
            scope: Scope::Global,
            when: if w.debts.overdue_block_enabled {
                cron(format!(
                    "0 {} {} * * *",
                    w.debts.overdue_block_minute, w.debts.overdue_block_hour
                ))
            } else {
                None
            },
            timeout_seconds: 300,
        },
        JobSpec {
            name: "debt-end-of-month-block",
            description: "On the month's last day, block users who still owe manual debt",
            scope: Scope::Global,
            when: every(3600),
            timeout_seconds: 300,
        },
        JobSpec {
            name: "purge-unapproved",
            description: "Delete registrations left pending or rejected for too long",
            scope: Scope::Global,
            when: (c.worker.unapproved.delete_days > 0).then(|| When::Cron {
                expr: "0 0 3 * * *".into(),
            }),
            timeout_seconds: 300,
        },
        JobSpec {
            name: "inactive-accounts",
            description: "Deactivate, warn and delete accounts without activity (INACTIVE_*)",
            scope: Scope::Global,
            when: (c.worker.inactive.deactivate_enabled || c.worker.inactive.delete_enabled).then(
                || When::Cron {
                    expr: "0 10 3 * * *".into(),
                },
            ),
            timeout_seconds: 600,
        },
        JobSpec {
            name: "retention",
            description: "Expired refresh tokens, old ledger rows, job and message logs",
            scope: Scope::Global,
            when: cron("0 30 4 * * *".into()),
            timeout_seconds: 300,
        },
        JobSpec {
            name: "backup",
            description: "Nightly database backup to BACKUP_DIR (and BACKUP_COPY_DIR), keeping BACKUP_KEEP",
            scope: Scope::Global,
            when: c.backup.schedule_enabled.then(|| When::Cron {
                expr: format!("0 {} {} * * *", c.backup.minute, c.backup.hour),
            }),
            timeout_seconds: 3 * 3600,
        },
        JobSpec {
            name: "dead-letter-monitor",
            description: "Alert admins about jobs and outbox items given up",
            scope: Scope::Global,
            when: every(900),
            timeout_seconds: 60,
        },
    ]
}

pub fn spec(c: &Config, name: &str) -> Option<JobSpec> {
    registry(c).into_iter().find(|j| j.name == name)
}

/// The scope name of a run: a router's name, or `global`.
pub fn scope_name(router: Option<&Router>) -> String {
    router.map_or_else(|| "global".to_owned(), |r| r.spec.name.clone())
}

/// Whether a failure is worth retrying soon: the router or the network, the KV store.
pub fn is_transient(e: &AppError) -> bool {
    match e {
        AppError::Rejected(body) => body.code == ErrorCode::RouterUnavailable,
        AppError::Kv(_) => true,
        _ => false,
    }
}

/// Runs the job's use case once (no retries, no record).
pub async fn run_once(
    app: &App,
    name: &str,
    router: Option<&Router>,
    progress: Option<crate::sync::quota::Progress<'_>>,
) -> AppResult<Value> {
    let json = |v: &dyn erased::Ser| v.to_value();
    match (name, router) {
        ("quota-sync", Some(r)) => json(&crate::sync::quota::sync_router(app, r, progress).await?),
        ("router-health", Some(r)) => json(&crate::sync::health::check(app, r).await?),
        ("unauthorized-hosts", Some(r)) => json(&crate::sync::unauthorized::sync(app, r).await?),
        ("stale-devices", Some(r)) => json(&crate::sync::stale_devices::cleanup(app, r).await?),
        ("policy-parity-guard", Some(r)) => json(&crate::sync::parity::run(app, r).await?),
        ("stale-hotspot-hosts", Some(r)) => {
            json(&crate::sync::hosts_cleanup::stale_hosts(app, r).await?)
        }
        ("waiting-dhcp-leases", Some(r)) => {
            json(&crate::sync::hosts_cleanup::waiting_dhcp(app, r).await?)
        }
        ("router-audit", Some(r)) => json(&crate::sync::audit::run(app, r, false).await?),
        ("banking-bypass", Some(r)) => json(&crate::sync::banking::sync(app, r).await?),
        ("walled-garden", Some(r)) => json(&crate::sync::walled_garden::sync(app, r).await?),
        ("outbox", None) => Ok(serde_json::json!({
            "processed": crate::router::user_sync::run_outbox(app, 100).await?
        })),
        ("expire-stale-transactions", None) => Ok(serde_json::json!({
            "expired": crate::payments::expire_stale(app).await?
        })),
        ("reconcile-payments", None) => match crate::payments::reconcile_stale(app, 20).await {
            Ok(r) => Ok(serde_json::json!({ "report": r })),
            // No gateway configured: nothing to reconcile.
            Err(AppError::Rejected(b)) if b.code == ErrorCode::PaymentUnavailable => {
                Ok(serde_json::json!({ "skipped": "no payment gateway" }))
            }
            Err(e) => Err(e),
        },
        ("debt-reminders", None) => json(&debts::send_reminders(app).await?),
        ("debt-overdue-block", None) => json(&debts::block_overdue(app).await?),
        ("debt-end-of-month-block", None) => json(&debts::block_end_of_month(app).await?),
        ("purge-unapproved", None) => json(&accounts::purge_unapproved(app).await?),
        ("inactive-accounts", None) => json(&accounts::run_lifecycle(app).await?),
        ("retention", None) => json(&retention::run(app).await?),
        ("backup", None) => json(&crate::backups::scheduled(app).await?),
        ("dead-letter-monitor", None) => json(&retention::dead_letter_monitor(app).await?),
        (other, _) => Err(AppError::Internal(format!(
            "job {other} does not run in this scope"
        ))),
    }
}

/// Runs a job that can show what it would do without doing it (`saring job run … --dry-run`).
pub async fn run_dry(app: &App, name: &str, router: &Router) -> AppResult<Value> {
    match name {
        "router-audit" => serde_json::to_value(crate::sync::audit::run(app, router, true).await?)
            .map_err(|e| AppError::Internal(format!("job report: {e}"))),
        other => Err(AppError::rejected(
            ErrorCode::BadRequest,
            format!("{other} has no dry run (router-audit has)"),
        )),
    }
}

/// Tiny helper so `run_once` can serialise any report.
mod erased {
    pub trait Ser {
        fn to_value(&self) -> crate::error::AppResult<serde_json::Value>;
    }
    impl<T: serde::Serialize> Ser for T {
        fn to_value(&self) -> crate::error::AppResult<serde_json::Value> {
            serde_json::to_value(self)
                .map_err(|e| crate::error::AppError::Internal(format!("job report: {e}")))
        }
    }
}

/// How a recorded run ended.
#[derive(Debug, Clone, Serialize)]
pub struct RunOutcome {
    pub job: String,
    pub scope: String,
    pub ok: bool,
    pub attempts: u32,
    pub duration_ms: i64,
    pub error: Option<String>,
    pub summary: Option<Value>,
}

/// Delay before retry `n` (1-based): 2 s, 4 s, 8 s … capped at 60 s.
pub fn retry_delay(n: u32) -> Duration {
    Duration::from_secs((1u64 << n.min(6)).min(60))
}

/// Runs a job in a scope with its timeout, retrying transient failures
/// (`JOB_MAX_RETRIES`), recording the run, and on giving up adding a dead letter and alerting
/// the admins.
pub async fn run_recorded(
    app: &App,
    job: &JobSpec,
    router: Option<&Router>,
    progress: Option<crate::sync::quota::Progress<'_>>,
) -> RunOutcome {
    let scope = scope_name(router);
    let started: DateTime<Utc> = app.now();
    let clock = std::time::Instant::now();
    if let Err(e) = jobs_repo::started(app.db(), job.name, &scope, started).await {
        tracing::warn!(job = job.name, error = %e, "cannot record job start");
    }
    let max = app.config().worker.job_max_retries;
    let mut attempts = 0;
    let result = loop {
        attempts += 1;
        let run = tokio::time::timeout(
            Duration::from_secs(job.timeout_seconds),
            run_once(app, job.name, router, progress),
        )
        .await
        .unwrap_or_else(|_| {
            Err(AppError::rejected(
                ErrorCode::RouterUnavailable,
                format!("timed out after {} s", job.timeout_seconds),
            ))
        });
        match run {
            Err(e) if is_transient(&e) && attempts <= max => {
                tracing::warn!(job = job.name, scope, attempt = attempts, error = %e, "job failed; retrying");
                tokio::time::sleep(retry_delay(attempts)).await;
            }
            other => break other,
        }
    };
    let finished = app.now();
    let elapsed = i64::try_from(clock.elapsed().as_millis()).unwrap_or(i64::MAX);
    let (ok, error, summary) = match result {
        Ok(v) => (true, None, Some(v)),
        Err(e) => (false, Some(e.to_string()), None),
    };
    metrics::counter!("saring_job_runs_total", "job" => job.name, "ok" => ok.to_string())
        .increment(1);
    metrics::histogram!("saring_job_duration_seconds", "job" => job.name)
        .record(elapsed as f64 / 1000.0);
    let record = jobs_repo::Finished {
        started_at: started,
        finished_at: finished.max(started + chrono::Duration::milliseconds(elapsed)),
        ok,
        error: error.clone(),
        summary: summary.clone(),
    };
    if let Err(e) = jobs_repo::finished(app.db(), job.name, &scope, &record).await {
        tracing::warn!(job = job.name, error = %e, "cannot record job end");
    }
    if let Some(err) = &error {
        tracing::error!(job = job.name, scope, attempts, error = %err, "job failed");
        if let Err(e) = jobs_repo::add_dead_letter(
            app.db(),
            job.name,
            &scope,
            err,
            i32::try_from(attempts).unwrap_or(i32::MAX),
            None,
        )
        .await
        {
            tracing::warn!(error = %e, "cannot record dead letter");
        }
    }
    RunOutcome {
        job: job.name.to_owned(),
        scope,
        ok,
        attempts,
        duration_ms: elapsed,
        error,
        summary,
    }
}

/// Runs a job now in every scope it has (each enabled router where it is not switched off,
/// for per-router jobs), concurrently: `saring job run` without `--router`.
pub async fn run_all_scopes(app: &App, job: &JobSpec) -> AppResult<Vec<RunOutcome>> {
    run_where(app, job, |_, _| true).await
}

/// What a worker tick runs: a global job; a per-router job on each enabled router whose own
/// schedule says it is due (see [`schedule`]). Routers not due are skipped without a record.
pub async fn run_due(app: &App, job: &JobSpec) -> AppResult<Vec<RunOutcome>> {
    let Some(tick) = schedule::worker_tick(job) else {
        return Ok(Vec::new());
    };
    let runs = match job.scope {
        Scope::Global => Vec::new(),
        Scope::PerRouter => jobs_repo::runs(app.db()).await?,
    };
    let now = app.now();
    run_where(app, job, |job, router| {
        let last = runs
            .iter()
            .find(|r| r.job_name == job.name && r.scope == router.spec.name)
            .and_then(|r| r.last_started_at);
        schedule::for_router(job, router).is_some_and(|s| schedule::is_due(&s, &tick, last, now))
    })
    .await
}

async fn run_where(
    app: &App,
    job: &JobSpec,
    due: impl Fn(&JobSpec, &Router) -> bool,
) -> AppResult<Vec<RunOutcome>> {
    match job.scope {
        Scope::Global => Ok(vec![run_recorded(app, job, None, None).await]),
        Scope::PerRouter => {
            let routers: Vec<Router> = router_repo::list(app.db(), app.cipher())
                .await?
                .into_iter()
                .filter(|r| r.spec.is_enabled && !schedule::off_on(job, r) && due(job, r))
                .collect();
            Ok(futures::future::join_all(
                routers
                    .iter()
                    .map(|r| run_recorded(app, job, Some(r), None)),
            )
            .await)
        }
    }
}

/// The next time a schedule fires after `after`.
pub fn next_run(c: &Config, when: &When, after: DateTime<Utc>) -> Option<DateTime<Utc>> {
    match when {
        When::Every { seconds } => {
            let s = i64::try_from(*seconds).ok()?.max(1);
            let next = (after.timestamp() / s + 1) * s;
            DateTime::from_timestamp(next, 0)
        }
        When::Cron { expr } => {
            let schedule: cron::Schedule = expr.parse().ok()?;
            let tz: chrono_tz::Tz = c.app.timezone.name().parse().ok()?;
            schedule
                .after(&after.with_timezone(&tz))
                .next()
                .map(|t| t.with_timezone(&Utc))
        }
    }
}

/// Every job × scope with its last run and next run.
pub async fn status(app: &App) -> AppResult<Vec<JobStatus>> {
    let runs = jobs_repo::runs(app.db()).await?;
    let routers = router_repo::list(app.db(), app.cipher()).await?;
    let now = app.now();
    let mut out = Vec::new();
    for job in registry(app.config()) {
        let tick = schedule::worker_tick(&job);
        let scopes: Vec<(String, Option<When>)> = match job.scope {
            Scope::Global => vec![("global".into(), job.when.clone())],
            Scope::PerRouter => routers
                .iter()
                .map(|r| (r.spec.name.clone(), schedule::for_router(&job, r)))
                .collect(),
        };
        for (scope, when) in scopes {
            let run = runs
                .iter()
                .find(|r| r.job_name == job.name && r.scope == scope);
            let last_started_at = run.and_then(|r| r.last_started_at);
            let next_run_at = match (&when, &tick, job.scope) {
                (Some(When::Every { seconds }), Some(tick), Scope::PerRouter) => {
                    schedule::next_interval_run(*seconds, tick, last_started_at, now)
                }
                (Some(w), _, _) => next_run(app.config(), w, now),
                (None, _, _) => None,
            };
            let summary = jobs_repo::last_summary(app.db(), job.name, &scope).await?;
            out.push(JobStatus {
                job: job.name.to_owned(),
                description: job.description.to_owned(),
                scope: scope.clone(),
                schedule: when,
                timezone: app.config().app.timezone.name().to_owned(),
                last_started_at,
                last_finished_at: run.and_then(|r| r.last_finished_at),
                last_duration_ms: run.and_then(|r| r.last_duration_ms),
                last_ok: run.and_then(|r| r.last_ok),
                last_error: run.and_then(|r| r.last_error.clone()),
                run_count: run.map_or(0, |r| r.run_count),
                failure_count: run.map_or(0, |r| r.failure_count),
                last_summary: summary,
                next_run_at,
            });
        }
    }
    Ok(out)
}

/// Alerts admins about dead letters (throttled by the caller's schedule).
pub async fn alert_dead_letters(app: &App, count: u64) -> usize {
    messaging::alert_admins(
        app,
        NotificationType::QuotaDebtLimitExceeded,
        "admin_jobs_dead_letter",
        vec![
            ("count", count.to_string()),
            ("app_name", app.config().app.name.clone()),
        ],
        Some(format!("dead-letters:{}", app.now().format("%Y%m%d%H"))),
    )
    .await
}

/// The dead-letter list, newest first (unresolved ones).
pub async fn dead_letters(app: &App, limit: u64) -> AppResult<Vec<DeadLetterView>> {
    Ok(jobs_repo::dead_letters(app.db(), true, limit)
        .await?
        .into_iter()
        .map(|d| DeadLetterView {
            id: d.id,
            job: d.job_name,
            scope: d.scope,
            error: d.error,
            attempts: d.attempts,
            payload: d.payload,
            created_at: d.created_at,
        })
        .collect())
}
