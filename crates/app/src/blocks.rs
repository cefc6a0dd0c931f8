//! Automatic block transitions (auto-debt limit, overdue and end-of-month manual debt): the
//! user's block state and its ledger row change in one transaction under the user's row
//! lock; callers then bring the router in line (`policysync`).

use saring_domain::ids::UserId;
use saring_domain::user::User;
use saring_store::db;
use saring_store::repo::activity::{self, LedgerEntry};
use saring_store::repo::users;
use serde_json::Value;
use uuid::Uuid;

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
    let updated = users::update(
        &txn,
        user,
        users::UserPatch {
            is_blocked: Some(change.block),
            blocked_reason: Some(change.reason.clone()),
            blocked_at: Some(change.block.then_some(now)),
            blocked_by_id: Some(None),
            ..Default::default()
        },
    )
    .await?;
    activity::append_ledger(
        &txn,
        &LedgerEntry {
            id: Uuid::new_v4(),
            user_id: user,
            actor_user_id: None,
            source: change.source.into(),
            idempotency_key: format!("{}:{}:{}", change.action, user, now.timestamp()),
            before_state: Some(serde_json::json!({
                "is_blocked": current.is_blocked,
                "blocked_reason": current.blocked_reason,
            })),
            after_state: Some(serde_json::json!({
                "is_blocked": change.block,
                "blocked_reason": change.reason,
            })),
            event_details: Some(change.details),
            created_at: now,
        },
    )
    .await?;
    txn.commit().await.map_err(saring_store::StoreError::from)?;
    crate::accounts::forget_user(app, user);
    Ok(updated)
}
