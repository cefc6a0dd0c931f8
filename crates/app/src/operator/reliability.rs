//! `GET /api/admin/metrics`: reliability signals, each with a level from fixed thresholds.
//!
//! | signal | warn | critical |
//! |---|---|---|
//! | quota-sync lag per enabled router (since its last committed sync) | never synced, or > max(3 × interval, 2 min) | > max(12 × interval, 15 min) |
//! | outbox | oldest due item waiting > 2 min, or > 500 waiting | > 15 min, or > 5,000 waiting |
//! | jobs | a job whose last run failed, or an unresolved dead letter | ≥ 10 dead letters in 24 h |
//! | payment reconciliation (24 h) | a paid order credited late, a failed check or run | ≥ 5 paid orders credited late |
//! | OTP delivery | a failed OTP send in the last hour, or ≥ 10 failed notices in 24 h | ≥ 5 failed OTP sends in the last hour |
//!
//! A router whose quota sync is off (interval `0`) is always `ok`; disabled routers are left
//! out. OTP sends that fail are logged in the message log by [`crate::auth`] (the sends that
//! succeed are not: the OTP path stays one KV write and one message).

use chrono::{DateTime, Duration, Utc};
use saring_domain::dto::dashboard::{
    JobsSignal, OtpSignal, OutboxSignal, ReconcileSignal, ReliabilityMetrics, SignalLevel,
    SyncLagSignal,
};
use saring_store::repo::dashboard::{RouterState, router_states};
use saring_store::repo::reliability as repo;
use serde_json::Value;

use crate::context::App;
use crate::error::{AppError, AppResult};

/// The job whose runs [`reconcile_signal`] reads.
const RECONCILE_JOB: &str = "reconcile-payments";
/// The job whose per-router interval [`sync_lag`] compares with.
const QUOTA_SYNC_JOB: &str = "quota-sync";

/// Level of a router's sync lag.
pub fn lag_level(lag_seconds: Option<i64>, interval_seconds: u64) -> SignalLevel {
    if interval_seconds == 0 {
        return SignalLevel::Ok;
    }
    let Some(lag) = lag_seconds else {
        return SignalLevel::Warn;
    };
    let interval = i64::try_from(interval_seconds).unwrap_or(i64::MAX);
    if lag > interval.saturating_mul(12).max(900) {
        SignalLevel::Critical
    } else if lag > interval.saturating_mul(3).max(120) {
        SignalLevel::Warn
    } else {
        SignalLevel::Ok
    }
}

pub fn outbox_level(pending: u64, oldest_due_seconds: Option<i64>) -> SignalLevel {
    let age = oldest_due_seconds.unwrap_or(0);
    if age > 900 || pending > 5000 {
        SignalLevel::Critical
    } else if age > 120 || pending > 500 {
        SignalLevel::Warn
    } else {
        SignalLevel::Ok
    }
}

pub fn jobs_level(dead_letters: u64, dead_letters_24h: u64, failing: usize) -> SignalLevel {
    if dead_letters_24h >= 10 {
        SignalLevel::Critical
    } else if dead_letters > 0 || failing > 0 {
        SignalLevel::Warn
    } else {
        SignalLevel::Ok
    }
}

pub fn reconcile_level(mismatches: u64, errors: u64) -> SignalLevel {
    if mismatches >= 5 {
        SignalLevel::Critical
    } else if mismatches > 0 || errors > 0 {
        SignalLevel::Warn
    } else {
        SignalLevel::Ok
    }
}

pub fn otp_level(failures_1h: u64, message_failures_24h: u64) -> SignalLevel {
    if failures_1h >= 5 {
        SignalLevel::Critical
    } else if failures_1h > 0 || message_failures_24h >= 10 {
        SignalLevel::Warn
    } else {
        SignalLevel::Ok
    }
}

fn sync_lag(app: &App, routers: Vec<RouterState>, now: DateTime<Utc>) -> Vec<SyncLagSignal> {
    let default_interval = app.config().quota.sync_interval_seconds;
    routers
        .into_iter()
        .filter(|r| r.is_enabled)
        .map(|r| {
            let interval = r
                .job_intervals
                .get(QUOTA_SYNC_JOB)
                .copied()
                .unwrap_or(default_interval);
            let lag = r.last_poll_at.map(|t| (now - t).num_seconds().max(0));
            SyncLagSignal {
                router: r.name,
                last_sync_at: r.last_poll_at,
                lag_seconds: lag,
                interval_seconds: interval,
                level: lag_level(lag, interval),
            }
        })
        .collect()
}

fn count(summary: Option<&Value>, field: &str) -> u64 {
    summary
        .and_then(|s| s.get(field))
        .and_then(Value::as_u64)
        .unwrap_or(0)
}

/// The reconciliation runs of the last 24 hours: a paid order it credited was a payment the
/// app had missed; a failed run counts as an error.
fn reconcile_signal(runs: &[repo::RunSummary]) -> ReconcileSignal {
    let mut s = ReconcileSignal {
        runs_24h: runs.len() as u64,
        last_run_at: runs.first().map(|r| r.started_at),
        ..ReconcileSignal::default()
    };
    for r in runs {
        let report = r.summary.as_ref().and_then(|v| v.get("report"));
        s.mismatches_24h += count(report, "applied");
        s.corrected_24h += count(report, "updated");
        s.errors_24h += count(report, "errors") + u64::from(!r.ok);
    }
    s.level = reconcile_level(s.mismatches_24h, s.errors_24h);
    s
}

/// `GET /api/admin/metrics`
pub async fn metrics(app: &App) -> AppResult<ReliabilityMetrics> {
    let now = app.now();
    let day_ago = now - Duration::hours(24);
    let hour_ago = now - Duration::hours(1);
    let db = app.db();
    let (routers, outbox, (dead, dead_24h), failing, runs, (otp_24h, other_24h), (otp_1h, _)) = tokio::try_join!(
        async { Ok::<_, AppError>(router_states(db).await?) },
        async { Ok(repo::outbox_depth(db, now).await?) },
        async { Ok(repo::dead_letters(db, day_ago).await?) },
        async { Ok(repo::failing_jobs(db).await?) },
        async { Ok(repo::runs_since(db, RECONCILE_JOB, day_ago).await?) },
        async { Ok(repo::delivery_failures(db, day_ago).await?) },
        async { Ok(repo::delivery_failures(db, hour_ago).await?) },
    )?;
    let oldest_due_seconds = outbox.oldest_due.map(|t| (now - t).num_seconds().max(0));
    let sync_lag = sync_lag(app, routers, now);
    let outbox = OutboxSignal {
        pending: outbox.pending,
        oldest_due_seconds,
        dead: outbox.dead,
        level: outbox_level(outbox.pending, oldest_due_seconds),
    };
    let jobs = JobsSignal {
        level: jobs_level(dead, dead_24h, failing.len()),
        dead_letters: dead,
        dead_letters_24h: dead_24h,
        failing,
    };
    let payments = reconcile_signal(&runs);
    let otp = OtpSignal {
        failures_1h: otp_1h,
        failures_24h: otp_24h,
        message_failures_24h: other_24h,
        level: otp_level(otp_1h, other_24h),
    };
    let level = sync_lag
        .iter()
        .map(|s| s.level)
        .chain([outbox.level, jobs.level, payments.level, otp.level])
        .max()
        .unwrap_or_default();
    Ok(ReliabilityMetrics {
        generated_at: now,
        level,
        sync_lag,
        outbox,
        jobs,
        payments,
        otp,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thresholds() {
        assert_eq!(lag_level(Some(10_000), 0), SignalLevel::Ok);
        assert_eq!(lag_level(None, 300), SignalLevel::Warn);
        assert_eq!(lag_level(Some(900), 300), SignalLevel::Ok);
        assert_eq!(lag_level(Some(901), 300), SignalLevel::Warn);
        assert_eq!(lag_level(Some(3600), 300), SignalLevel::Warn);
        assert_eq!(lag_level(Some(3601), 300), SignalLevel::Critical);
        // Short demo intervals still get two minutes of slack.
        assert_eq!(lag_level(Some(100), 5), SignalLevel::Ok);
        assert_eq!(lag_level(Some(121), 5), SignalLevel::Warn);
        assert_eq!(outbox_level(0, None), SignalLevel::Ok);
        assert_eq!(outbox_level(501, Some(1)), SignalLevel::Warn);
        assert_eq!(outbox_level(3, Some(901)), SignalLevel::Critical);
        assert_eq!(jobs_level(0, 0, 0), SignalLevel::Ok);
        assert_eq!(jobs_level(1, 0, 0), SignalLevel::Warn);
        assert_eq!(jobs_level(0, 0, 1), SignalLevel::Warn);
        assert_eq!(jobs_level(12, 10, 0), SignalLevel::Critical);
        assert_eq!(reconcile_level(0, 0), SignalLevel::Ok);
        assert_eq!(reconcile_level(0, 1), SignalLevel::Warn);
        assert_eq!(reconcile_level(5, 0), SignalLevel::Critical);
        assert_eq!(otp_level(0, 9), SignalLevel::Ok);
        assert_eq!(otp_level(0, 10), SignalLevel::Warn);
        assert_eq!(otp_level(5, 0), SignalLevel::Critical);
    }

    #[test]
    fn reconcile_runs_are_summed() {
        let at = Utc::now();
        let run = |ok: bool, summary: Option<Value>| repo::RunSummary {
            started_at: at,
            ok,
            summary,
        };
        let runs = [
            run(
                true,
                Some(
                    serde_json::json!({"report": {"checked": 4, "updated": 2, "applied": 1, "unknown_at_gateway": 0, "errors": 0}}),
                ),
            ),
            run(
                true,
                Some(serde_json::json!({"skipped": "no payment gateway"})),
            ),
            run(false, None),
        ];
        let s = reconcile_signal(&runs);
        assert_eq!(
            (s.runs_24h, s.mismatches_24h, s.corrected_24h, s.errors_24h),
            (3, 1, 2, 1)
        );
        assert_eq!(s.level, SignalLevel::Warn);
        assert_eq!(s.last_run_at, Some(at));
    }
}
