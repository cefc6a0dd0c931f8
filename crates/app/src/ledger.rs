//! The one way a user's quota or access state changes: [`apply`] writes the ledger row of a
//! [`QuotaChange`] (keyed by user, source and key) and the user's new state, and queues the
//! user's router sync, all in the caller's transaction. A replay finds the key, changes
//! nothing and answers `None`. Purchases, debt payments, resets, the approval grant and block
//! changes go through here; so must every new operator feature that changes quota.

use chrono::{DateTime, Utc};
use saring_domain::ledger::{BlockState, QuotaChange};
use saring_domain::user::User;
use saring_store::repo::activity::{self, LedgerEntry};
use saring_store::repo::users::{self, UserPatch};
use sea_orm::ConnectionTrait;

use crate::error::AppResult;

/// Applies `change` to `user` (read under the caller's row lock, so `user` is the state
/// before): the ledger row, then `extra` (other columns the same change sets, e.g. the
/// approval fields) with the change's quota and block state, then the router sync in the
/// outbox. `Ok(None)`: the key was recorded before, nothing changed.
pub async fn apply<C: ConnectionTrait>(
    txn: &C,
    user: &User,
    change: &QuotaChange,
    extra: UserPatch,
    now: DateTime<Utc>,
) -> AppResult<Option<User>> {
    let block_before = BlockState {
        is_blocked: user.is_blocked,
        blocked_reason: user.blocked_reason.clone(),
    };
    let (before, after) = change.states(&user.quota_account(), &block_before);
    let fresh = activity::append_ledger(
        txn,
        &LedgerEntry {
            id: uuid::Uuid::now_v7(),
            user_id: user.id,
            actor_user_id: change.actor,
            source: change.source.clone(),
            idempotency_key: change.key.clone(),
            before_state: Some(before),
            after_state: Some(after),
            event_details: (!change.details.is_null()).then(|| change.details.clone()),
            created_at: now,
        },
    )
    .await?;
    if !fresh {
        return Ok(None);
    }
    let mut patch = extra;
    if let Some(quota) = &change.quota {
        patch.quota = Some(quota.clone());
    }
    if let Some(block) = &change.block {
        patch.is_blocked = Some(block.is_blocked);
        patch.blocked_reason = Some(block.blocked_reason.clone());
        patch.blocked_at = Some(block.is_blocked.then_some(now));
        patch.blocked_by_id = Some(change.actor.filter(|_| block.is_blocked).map(|a| a.0));
    }
    let updated = users::update(txn, user.id, patch).await?;
    crate::router::user_sync::enqueue(txn, user.id, now, &change.source).await?;
    Ok(Some(updated))
}
