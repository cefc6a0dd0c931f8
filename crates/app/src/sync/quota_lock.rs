//! The per-user quota lock: an admin adjusting a user's quota while the quota sync is writing
//! that user's usage gets a 409 instead of a race.
//!
//! * PostgreSQL: `SELECT … FOR UPDATE NOWAIT` on the user's row inside the caller's
//!   transaction; the sync's chunk transaction holds the row (its `UPDATE`) until it commits.
//! * SQLite: write transactions are exclusive anyway, so there is no row lock to test; the
//!   sync marks the router it is writing (`quota_writing:<router>`) in the KV store while a
//!   chunk transaction is open, and the user's own KV lock keeps two admins apart.

use std::time::Duration;

use saring_domain::api::ErrorCode;
use saring_domain::user::User;
use saring_store::LockToken;
use saring_store::repo::sync as sync_repo;
use sea_orm::{ConnectionTrait, DbBackend};

use crate::context::App;
use crate::error::{AppError, AppResult};

/// KV key marking that a quota sync is writing usage for a router.
pub fn writing_key(router: uuid::Uuid) -> String {
    format!("quota_writing:{router}")
}

fn user_key(user: &User) -> String {
    format!("quota_lock:user:{}", user.id)
}

fn busy() -> AppError {
    AppError::rejected(
        ErrorCode::Conflict,
        "Kuota pengguna sedang disinkronkan. Coba lagi beberapa detik lagi.",
    )
}

/// A held per-user quota lock; release it after the transaction commits.
pub struct UserQuotaLock {
    key: Option<(String, LockToken)>,
}

impl UserQuotaLock {
    pub async fn release(self, app: &App) {
        if let Some((key, token)) = self.key
            && let Err(e) = app.kv().unlock(&key, &token).await
        {
            tracing::warn!(key, error = %e, "quota lock release failed (it will expire)");
        }
    }
}

/// Locks the user's quota for an adjustment inside `txn`, or answers 409 if the quota sync
/// is writing it.
pub async fn try_lock_user<C: ConnectionTrait>(
    app: &App,
    txn: &C,
    user: &User,
) -> AppResult<UserQuotaLock> {
    if txn.get_database_backend() == DbBackend::Postgres {
        if sync_repo::try_lock_user_row(txn, user.id.0).await? {
            return Ok(UserQuotaLock { key: None });
        }
        return Err(busy());
    }
    let router = crate::router::router_for_user(app, user).await?;
    if let Some(r) = router
        && app.kv().get(&writing_key(r.id)).await?.is_some()
    {
        return Err(busy());
    }
    let key = user_key(user);
    match app.kv().lock(&key, Duration::from_secs(30)).await? {
        Some(token) => Ok(UserQuotaLock {
            key: Some((key, token)),
        }),
        None => Err(busy()),
    }
}
