//! # saring-worker
//!
//! The background worker: it owns every schedule (quota sync per router, policy sync on
//! events, debt blocks and reminders, cleanups, reconciliation…) and runs each job by
//! calling one use case in `saring-app`, with timeouts, retries for transient failures, and
//! a record of every run. In `saring run` it runs inside the same process as the API; in
//! production `saring worker` runs it alone, and several workers coordinate through Redis.
//! The jobs themselves arrive with the features they belong to.

use saring_app::App;
use tokio::sync::watch;

/// Runs until `shutdown` turns true.
pub async fn run(app: App, mut shutdown: watch::Receiver<bool>) {
    tracing::info!(mode = ?app.mode(), "worker started");
    while !*shutdown.borrow() {
        if shutdown.changed().await.is_err() {
            break;
        }
    }
    tracing::info!("worker stopped");
}
