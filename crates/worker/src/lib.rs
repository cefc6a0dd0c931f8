//! # saring-worker
//!
//! The background worker: it owns every schedule and runs each job by calling
//! `saring_app::jobs::run_recorded` (timeout, retries for transient router/network errors,
//! run record, dead letter). Scheduling is apalis: one apalis worker per job, its backend an
//! `apalis_cron::CronScheduler` in `APP_TIMEZONE` (a fixed interval or a cron expression),
//! with tower middleware: a concurrency limit of one (a slow run is never overlapped by the
//! next tick). Each run executes in its own tokio task, so a panic fails that run only.
//! A per-router job on an interval ticks at its floor and runs on each router whose own
//! interval has passed (`saring_app::jobs::schedule`), so routers keep their own schedules
//! and routers added or changed while the worker runs are picked up at the next tick.
//!
//! Coordination between several worker processes does not come from a queue: the quota sync
//! takes a per-router lease (KV, heartbeat) and is fenced by an epoch in the database, and
//! event work goes through the transactional outbox, whose rows are claimed atomically. Why
//! no apalis storage: `docs/decisions/0004-worker-scheduling.md`.

use std::str::FromStr;
use std::time::Duration;

use apalis::prelude::*;
use apalis_cron::{CronScheduler, Schedule, Tick};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use saring_app::App;
use saring_app::jobs::{self, JobSpec, When};
use tokio::sync::watch;

/// A job's schedule as an apalis-cron [`Schedule`].
#[derive(Debug, Clone)]
pub enum JobSchedule {
    /// Every `n` seconds, aligned to multiples of `n` since the epoch.
    Every(u64),
    Cron(Box<cron::Schedule>),
}

impl JobSchedule {
    pub fn from_when(when: &When) -> Option<JobSchedule> {
        match when {
            When::Every { seconds } => Some(JobSchedule::Every((*seconds).max(1))),
            When::Cron { expr } => cron::Schedule::from_str(expr)
                .map_err(|e| tracing::error!(expr, error = %e, "bad cron expression"))
                .ok()
                .map(|s| JobSchedule::Cron(Box::new(s))),
        }
    }

    /// The next firing strictly after `now`.
    pub fn next_after(&self, tz: &Tz, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        match self {
            JobSchedule::Every(n) => {
                let n = i64::try_from(*n).ok()?;
                DateTime::from_timestamp((now.timestamp() / n + 1) * n, 0)
            }
            JobSchedule::Cron(s) => s
                .after(&now.with_timezone(tz))
                .next()
                .map(|t| t.with_timezone(&Utc)),
        }
    }
}

impl Schedule<Tz> for JobSchedule {
    fn next_tick(&mut self, tz: &Tz) -> Option<Tick<Tz>> {
        let next = self.next_after(tz, Utc::now())?;
        Some(Tick::new(u64::try_from(next.timestamp()).ok()?))
    }
}

/// The job a worker runs (apalis `Data`).
#[derive(Clone)]
struct JobRef(JobSpec);

async fn on_tick(_tick: Tick<Tz>, app: Data<App>, job: Data<JobRef>) -> Result<(), BoxDynError> {
    let app: App = (*app).clone();
    let spec: JobSpec = job.0.0.clone();
    // The run owns its data (it outlives no borrow of the worker's context); boxed, as its
    // future is too deep for the compiler's layout query inside apalis' service stack.
    let outcomes = tokio::spawn(async move { Box::pin(jobs::run_due(&app, &spec)).await })
        .await
        .map_err(|e| -> BoxDynError { Box::new(e) })??;
    for o in outcomes.iter().filter(|o| !o.ok) {
        tracing::warn!(job = %o.job, scope = %o.scope, error = ?o.error, "scheduled run failed");
    }
    Ok(())
}

/// Runs every scheduled job until `shutdown` turns true.
pub async fn run(app: App, mut shutdown: watch::Receiver<bool>) {
    tracing::info!(mode = ?app.mode(), "worker started");
    let tz: Tz = Tz::from_str(app.config().app.timezone.name()).unwrap_or(Tz::Asia__Makassar);
    let mut tasks = Vec::new();
    for spec in jobs::registry(app.config()) {
        let Some(schedule) = jobs::schedule::worker_tick(&spec)
            .as_ref()
            .and_then(JobSchedule::from_when)
        else {
            tracing::info!(job = spec.name, "job switched off");
            continue;
        };
        let name = spec.name;
        let worker = WorkerBuilder::new(format!("saring-{name}"))
            .backend(CronScheduler::new(schedule).with_timezone(tz))
            .concurrency(1)
            .data(app.clone())
            .data(JobRef(spec))
            .build(on_tick);
        let mut stop = shutdown.clone();
        tasks.push(tokio::spawn(async move {
            let signal = async move {
                let _ = stop.wait_for(|stopped| *stopped).await;
                Ok::<(), std::io::Error>(())
            };
            if let Err(e) = worker.run_until(signal).await {
                tracing::error!(job = name, error = %e, "job worker stopped");
            }
        }));
    }
    // Stop when asked.
    let _ = shutdown.wait_for(|stopped| *stopped).await;
    // Workers stop at their next poll; a run in progress gets a few seconds to finish.
    let _ = tokio::time::timeout(Duration::from_secs(10), futures::future::join_all(tasks)).await;
    tracing::info!("worker stopped");
}
