//! Per-router schedules. A router row may give a per-router job its own interval
//! (`routers.job_intervals`, seconds) or switch it off there (`0`); jobs it does not name
//! follow the install's schedule.
//!
//! The worker ticks a per-router job on an interval at the job's floor ([`min_interval`]),
//! and on each tick runs it on every router whose own interval has passed since that
//! router's last run of it (`job_runs.last_started_at`, which manual runs update too).
//! Routers that are not due are skipped without a record. A job on a cron expression runs
//! at its cron times on every router where it is not switched off.

use chrono::{DateTime, Duration, Utc};
use saring_store::repo::routers::Router;

use super::{JobSpec, Scope, When};

/// The shortest interval of a per-router job on a fixed interval, for the install's setting
/// and for a router's own (the registry raises the settings to it).
pub fn floor(job_name: &str) -> u64 {
    match job_name {
        "router-health" => 10,
        "unauthorized-hosts" => 30,
        "stale-devices" | "stale-hotspot-hosts" => 300,
        // quota-sync, policy-parity-guard, waiting-dhcp-leases, walled-garden
        _ => 60,
    }
}

/// The shortest interval a router may give a per-router job on a fixed interval (`None`: a
/// global job, or one on a cron expression, which a router can only switch off).
pub fn min_interval(job: &JobSpec) -> Option<u64> {
    if job.scope != Scope::PerRouter || matches!(job.when, Some(When::Cron { .. })) {
        return None;
    }
    Some(floor(job.name))
}

/// The longest interval a router may give a job: a week.
pub const MAX_INTERVAL_SECONDS: u64 = 7 * 24 * 3600;

/// Whether `router` switched `job` off.
pub fn off_on(job: &JobSpec, router: &Router) -> bool {
    router.job_intervals.get(job.name) == Some(&0)
}

/// The schedule of a per-router job on `router` (`None`: it does not run there, because
/// the install or the router switched it off).
pub fn for_router(job: &JobSpec, router: &Router) -> Option<When> {
    let install = job.when.clone()?;
    match (router.job_intervals.get(job.name), &install) {
        (Some(0), _) => None,
        (Some(&seconds), When::Every { .. }) => Some(When::Every { seconds }),
        _ => Some(install),
    }
}

/// How often the worker looks at a job: a per-router job on an interval at its floor (so a
/// router may run it more often than the install), every other job on its schedule.
pub fn worker_tick(job: &JobSpec) -> Option<When> {
    match (job.when.clone()?, min_interval(job)) {
        (When::Every { seconds }, Some(floor)) => Some(When::Every {
            seconds: floor.min(seconds),
        }),
        (when, _) => Some(when),
    }
}

/// Half a tick: a router is due when its interval has passed, less this, since its last
/// run (ticks fall on multiples of the tick, a run starts a little after one).
fn slack(tick: &When) -> i64 {
    match tick {
        When::Every { seconds } => i64::try_from(*seconds / 2).unwrap_or(0),
        When::Cron { .. } => 0,
    }
}

/// Whether a worker tick at `now` runs the job on a router with `schedule`, last started at
/// `last`.
pub fn is_due(
    schedule: &When,
    tick: &When,
    last: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> bool {
    match (schedule, last) {
        (When::Every { seconds }, Some(last)) => {
            let seconds = i64::try_from(*seconds).unwrap_or(i64::MAX);
            now - last >= Duration::seconds(seconds.saturating_sub(slack(tick)))
        }
        // Never ran here, or a cron job (the tick is its schedule).
        _ => true,
    }
}

/// When the worker will next run the job on a router with `schedule` (on an interval),
/// given its ticks and the router's last start.
pub fn next_interval_run(
    seconds: u64,
    tick: &When,
    last: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    let When::Every { seconds: tick_s } = tick else {
        return None;
    };
    let tick_s = i64::try_from(*tick_s).ok()?.max(1);
    let seconds = i64::try_from(seconds).ok()?;
    let earliest = last.map_or(now, |last| {
        last + Duration::seconds(seconds.saturating_sub(slack(tick)))
    });
    let from = earliest.max(now).timestamp();
    // The first tick at or after `from` (strictly after `now`).
    let mut t = (from + tick_s - 1) / tick_s * tick_s;
    if t <= now.timestamp() {
        t += tick_s;
    }
    DateTime::from_timestamp(t, 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000 + s, 0).unwrap()
    }

    #[test]
    fn a_router_runs_when_its_own_interval_has_passed() {
        let tick = When::Every { seconds: 60 };
        let every = |seconds| When::Every { seconds };
        // Never ran: due at once.
        assert!(is_due(&every(300), &tick, None, at(0)));
        // Started a second after a tick: the tick 300 s later runs it, not the one before.
        let last = Some(at(1));
        assert!(!is_due(&every(300), &tick, last, at(240)));
        assert!(is_due(&every(300), &tick, last, at(300)));
        assert!(!is_due(&every(120), &tick, last, at(60)));
        assert!(is_due(&every(120), &tick, last, at(120)));
        // Cron jobs run on every tick (the tick is their schedule).
        let cron = When::Cron {
            expr: "0 15 4 * * *".into(),
        };
        assert!(is_due(&cron, &cron, last, at(2)));
    }

    #[test]
    fn the_next_run_is_the_first_due_tick() {
        let tick = When::Every { seconds: 60 };
        // Ticks at multiples of 60 s since the epoch; 1_800_000_000 is one.
        assert_eq!(
            next_interval_run(300, &tick, Some(at(1)), at(10)),
            Some(at(300))
        );
        assert_eq!(next_interval_run(300, &tick, None, at(10)), Some(at(60)));
        // Overdue (the worker was stopped): the next tick.
        assert_eq!(
            next_interval_run(300, &tick, Some(at(1)), at(1000)),
            Some(at(1020))
        );
    }
}
