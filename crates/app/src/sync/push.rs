//! Full re-push and resets: `saring router push --all|--router NAME` (after a router swap or
//! a reboot) and `saring quota reset` (the reference's monthly/bulk reset commands).

use saring_domain::ids::UserId;
use saring_domain::ledger::QuotaChange;
use saring_domain::units::Bytes;
use saring_store::db;
use saring_store::repo::routers::{self as router_repo, Router};
use saring_store::repo::{sync as sync_repo, users};
use serde::Serialize;

use crate::context::App;
use crate::error::{AppError, AppResult};

/// A full policy push of one router: a quota sync compares every user's artefacts with the
/// router and writes whatever is missing or wrong (after a swap the router has nothing, so
/// everything is written), and every approved user's hotspot user is (re)created through the
/// per-user sync.
pub async fn push_router(
    app: &App,
    router: &Router,
) -> AppResult<crate::sync::quota::QuotaSyncReport> {
    let users = sync_repo::users_for_router(app.db(), router.id, router.is_default).await?;
    for u in users.iter().filter(|u| u.mikrotik_password.is_some()) {
        crate::router::user_sync::enqueue(app.db(), u.id, app.now(), "router-push").await?;
    }
    crate::sync::quota::sync_router(app, router, None).await
}

/// Routers by name (`None`: every enabled router).
pub async fn routers_named(app: &App, name: Option<&str>) -> AppResult<Vec<Router>> {
    let all = router_repo::list(app.db(), app.cipher()).await?;
    match name {
        None => Ok(all.into_iter().filter(|r| r.spec.is_enabled).collect()),
        Some(n) => {
            let found: Vec<Router> = all.into_iter().filter(|r| r.spec.name == n).collect();
            if found.is_empty() {
                return Err(AppError::rejected(
                    saring_domain::api::ErrorCode::NotFound,
                    format!("Router {n:?} tidak ada."),
                ));
            }
            Ok(found)
        }
    }
}

/// What a quota reset did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ResetReport {
    pub users: usize,
    pub skipped_unlimited: usize,
}

/// Which users a reset touches.
#[derive(Debug, Clone, Default)]
pub struct ResetScope {
    /// Only these users (else every USER/KOMANDAN on the router(s)).
    pub users: Vec<UserId>,
    pub router: Option<String>,
    /// Also zero the purchased quota (a new period), not only the usage.
    pub purchased_too: bool,
}

/// Resets usage to zero (and optionally purchased quota) for a set of users, each in one
/// transaction with its ledger row (`quota.reset`, idempotent per user and `key`).
pub async fn reset_quota(app: &App, scope: &ResetScope, key: &str) -> AppResult<ResetReport> {
    let mut targets = Vec::new();
    if scope.users.is_empty() {
        for r in routers_named(app, scope.router.as_deref()).await? {
            for u in sync_repo::users_for_router(app.db(), r.id, r.is_default).await? {
                if matches!(
                    u.role,
                    saring_domain::Role::User | saring_domain::Role::Komandan
                ) {
                    targets.push(u.id);
                }
            }
        }
    } else {
        targets.clone_from(&scope.users);
    }
    let mut report = ResetReport::default();
    for id in targets {
        let txn = db::begin_write(app.db()).await?;
        let user = users::lock(&txn, id).await?;
        if user.is_unlimited_user && !scope.purchased_too {
            report.skipped_unlimited += 1;
            continue;
        }
        let mut after = user.quota_account();
        after.used = Bytes::ZERO;
        after.auto_debt_offset_mb = 0;
        if scope.purchased_too {
            after.purchased_mb = 0;
        }
        let change = QuotaChange::quota("quota.reset", format!("reset:{key}"), after)
            .with_details(serde_json::json!({ "purchased_too": scope.purchased_too }));
        if crate::ledger::apply(&txn, &user, &change, Default::default(), app.now())
            .await?
            .is_some()
        {
            report.users += 1;
        }
        txn.commit().await.map_err(saring_store::StoreError::from)?;
    }
    Ok(report)
}
