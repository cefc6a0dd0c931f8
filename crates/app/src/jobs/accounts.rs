//! Account housekeeping: registrations nobody approved (pending or rejected) are deleted after
//! `UNAPPROVED_AUTO_DELETE_DAYS`, each with an action-log row saying who it was.

use chrono::Duration;
use saring_store::db;
use saring_store::repo::{activity, users};
use serde::Serialize;

use crate::context::App;
use crate::error::AppResult;

#[derive(Debug, Clone, Default, Serialize)]
pub struct PurgeReport {
    pub deleted: usize,
}

/// Deletes up to 500 stale registrations per run.
pub async fn purge_unapproved(app: &App) -> AppResult<PurgeReport> {
    let days = app.config().worker.unapproved_delete_days;
    if days <= 0 {
        return Ok(PurgeReport::default());
    }
    let cutoff = app.now() - Duration::days(days);
    let mut report = PurgeReport::default();
    for user in users::unapproved_before(app.db(), cutoff, 500).await? {
        let txn = db::begin_write(app.db()).await?;
        if users::delete(&txn, user.id).await? {
            activity::log_action(
                &txn,
                None,
                None,
                "AUTO_DELETE_UNAPPROVED",
                serde_json::json!({
                    "user_id": user.id.to_string(),
                    "phone_number": user.phone.as_e164(),
                    "full_name": user.full_name,
                    "approval_status": user.approval_status,
                    "registered_at": user.created_at,
                    "after_days": days,
                }),
            )
            .await?;
            report.deleted += 1;
        }
        txn.commit().await.map_err(saring_store::StoreError::from)?;
        crate::accounts::forget_user(app, user.id);
    }
    Ok(report)
}
