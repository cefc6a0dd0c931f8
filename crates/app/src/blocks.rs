//! Automatic block transitions (auto-debt limit, overdue and end-of-month manual debt): the
//! user's block state and its ledger row change in one transaction under the user's row
//! lock ([`crate::ledger::apply`]); callers then bring the router in line
//! (`router::user_sync::sync_user_soon`, which takes the sync the change queued).

use saring_domain::ids::UserId;
use saring_domain::ledger::{BlockState, QuotaChange};
use saring_domain::user::User;
use saring_store::db;
use saring_store::repo::users;
use serde_json::Value;

use crate::context::App;
use crate::error::AppResult;

/// A block or unblock decided by a rule.
#[derive(Debug, Clone)]
pub struct BlockChange<'a> {
    pub block: bool,
    pub reason: Option<String>,
    /// Ledger source, e.g. `policy.block_transition:quota_sync`.
    pub source: &'a str,
    /// What happened, e.g. `block_debt_overdue` (also part of the idempotency key).
    pub action: &'a str,
    pub details: Value,
}

/// Applies `change` to the user, with its ledger row, in one transaction.
pub async fn apply(app: &App, user: UserId, change: BlockChange<'_>) -> AppResult<User> {
    let now = app.now();
    let txn = db::begin_write(app.db()).await?;
    let current = users::lock(&txn, user).await?;
    let after = BlockState {
        is_blocked: change.block,
        blocked_reason: change.reason.clone(),
    };
    let key = format!("{}:{}:{}", change.action, user, now.timestamp());
    let ledger_change = QuotaChange::block(change.source, key, after).with_details(change.details);
    let updated = crate::ledger::apply(&txn, &current, &ledger_change, Default::default(), now)
        .await?
        .unwrap_or(current);
    txn.commit().await.map_err(saring_store::StoreError::from)?;
    crate::accounts::forget_user(app, user);
    Ok(updated)
}
