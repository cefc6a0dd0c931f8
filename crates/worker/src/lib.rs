//! # saring-worker
//!
//! The background worker: it owns every schedule (quota sync per router, policy sync on
//! events, debt blocks and reminders, cleanups, reconciliation…) and runs each job by
//! calling one use case in `saring-app`, with timeouts, retries for transient failures, and
//! a record of every run. In `saring run` it runs inside the same process as the API; in
//! production `saring worker` runs it alone, and several workers coordinate through the
//! database (the outbox claims rows atomically) and Redis locks.

use std::time::Duration;

use saring_app::App;
use tokio::sync::watch;

/// How often the outbox (router syncs after logins, approvals, blocks…) is polled.
pub const OUTBOX_INTERVAL: Duration = Duration::from_secs(2);

/// Runs until `shutdown` turns true.
pub async fn run(app: App, mut shutdown: watch::Receiver<bool>) {
    tracing::info!(mode = ?app.mode(), "worker started");
    let mut tick = tokio::time::interval(OUTBOX_INTERVAL);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = tick.tick() => {
                match tokio::time::timeout(Duration::from_secs(60), saring_app::policysync::run_outbox(&app, 50)).await {
                    Ok(Ok(0)) => {}
                    Ok(Ok(n)) => tracing::debug!(items = n, "outbox items processed"),
                    Ok(Err(e)) => tracing::warn!(error = %e, "outbox run failed"),
                    Err(_) => tracing::warn!("outbox run timed out"),
                }
            }
            changed = shutdown.changed() => {
                if changed.is_err() || *shutdown.borrow() {
                    break;
                }
            }
        }
    }
    tracing::info!("worker stopped");
}
