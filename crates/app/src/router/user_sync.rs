//! Bringing a user's router state in line with the database, now or through the outbox.
//!
//! After every change that affects access (login, approval, block/unblock, role change,
//! purchase, debt settlement) the caller runs [`sync_user_soon`]: it tries the router at once
//! and, if the router cannot be reached, leaves a `policy_sync_user` item in the outbox that
//! the worker retries with backoff. A change therefore reaches the router within seconds,
//! and a router outage never loses it.

use chrono::Duration;
use saring_domain::ids::UserId;
use saring_domain::user::User;
use saring_store::repo::{devices, outbox, users};

use crate::context::App;
use crate::error::{AppError, AppResult};
use crate::router;

pub const SYNC_USER: &str = "policy_sync_user";

fn dedupe_key(user: UserId) -> String {
    format!("{SYNC_USER}:{user}")
}

/// Records that the user's router state must be brought in line (in the caller's
/// transaction when given one).
pub async fn enqueue<C: sea_orm::ConnectionTrait>(
    db: &C,
    user: UserId,
    now: chrono::DateTime<chrono::Utc>,
    reason: &str,
) -> AppResult<()> {
    outbox::enqueue(
        db,
        SYNC_USER,
        Some(&dedupe_key(user)),
        serde_json::json!({ "user_id": user.to_string(), "reason": reason }),
        now,
    )
    .await?;
    Ok(())
}

/// What a sync did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyncReport {
    pub router: Option<String>,
    pub devices: usize,
    pub hotspot_user: bool,
}

/// Pushes the user's state to their router now: hotspot user (approved users), then every
/// authorised device's binding and status list.
pub async fn sync_user(app: &App, user_id: UserId) -> AppResult<SyncReport> {
    let Some(user) = users::find_by_id(app.db(), user_id).await? else {
        return Ok(SyncReport::default());
    };
    let Some(router) = router::router_for_user(app, &user).await? else {
        return Ok(SyncReport::default());
    };
    if !app.config().router.operations_enabled {
        return Ok(SyncReport::default());
    }
    let rh = router::RouterHandle::open(app, router)?;
    let router = &rh.router;
    let decision = app
        .config()
        .policy
        .decide(&user.access_snapshot(), app.now());
    let mut report = SyncReport {
        router: Some(router.spec.name.clone()),
        ..SyncReport::default()
    };
    if user.approval_status == saring_domain::access::ApprovalStatus::Approved
        && let Some(password) = user.mikrotik_password.clone()
    {
        router::upsert_hotspot_user(app, &rh, &user, &decision, &password).await?;
        if !user.mikrotik_user_exists
            || user.mikrotik_profile_name.as_deref() != Some(decision.router.profile.as_str())
        {
            users::update(
                app.db(),
                user.id,
                users::UserPatch {
                    mikrotik_user_exists: Some(true),
                    mikrotik_profile_name: Some(Some(decision.router.profile.clone())),
                    ..Default::default()
                },
            )
            .await?;
        }
        report.hotspot_user = true;
    }
    for device in devices::list_for_user(app.db(), user.id)
        .await?
        .into_iter()
        .filter(|d| d.is_authorized)
    {
        if device.router_id.is_some_and(|id| id != router.id) {
            continue;
        }
        let ip = device.ip_address.as_deref().and_then(|s| s.parse().ok());
        router::apply_device(app, &rh, &user, &decision, device.mac, ip, "policy-sync").await?;
        report.devices += 1;
    }
    Ok(report)
}

/// Brings the user's router state in line now, once: when the change queued the sync in its
/// own transaction ([`enqueue`]), this call takes that outbox item and completes it, so the
/// router is written once per change (not by this call and again by the worker). On a router
/// problem the sync stays queued (or is queued) for the worker. Returns whether the router is
/// already up to date (`false`: the worker will do it within seconds).
pub async fn sync_user_soon(app: &App, user: &User, reason: &str) -> AppResult<bool> {
    let claim = outbox::claim_key(
        app.db(),
        &dedupe_key(user.id),
        app.now(),
        Duration::minutes(2),
    )
    .await?;
    let item = match claim {
        // A worker is carrying the same sync out right now.
        outbox::KeyClaim::Busy => return Ok(false),
        outbox::KeyClaim::Taken(item) => Some(item),
        outbox::KeyClaim::Absent => None,
    };
    match sync_user(app, user.id).await {
        Ok(_) => {
            if let Some(item) = item {
                outbox::complete(app.db(), item.id, app.now()).await?;
            }
            Ok(true)
        }
        Err(e @ (AppError::Rejected(_) | AppError::Internal(_))) => {
            tracing::warn!(user_id = %user.id, error = %e, reason, "router sync deferred to the outbox");
            match item {
                Some(item) => {
                    let retry = app.now() + backoff(item.attempts);
                    outbox::fail(app.db(), item.id, &e.to_string(), Some(retry), app.now()).await?;
                }
                None => enqueue(app.db(), user.id, app.now(), reason).await?,
            }
            Ok(false)
        }
        Err(e) => {
            if let Some(item) = item {
                // Not the router's fault: hand the item back to the worker at once.
                outbox::fail(
                    app.db(),
                    item.id,
                    &e.to_string(),
                    Some(app.now()),
                    app.now(),
                )
                .await?;
            }
            Err(e)
        }
    }
}

/// Retry delay after `attempts` failures: 5 s, 10 s, 20 s … capped at 10 minutes.
pub fn backoff(attempts: i32) -> Duration {
    let exp = attempts.clamp(1, 8) - 1;
    Duration::seconds((5i64 << exp).min(600))
}

/// Attempts after which an outbox item is given up (an admin alert is raised).
pub const MAX_ATTEMPTS: i32 = 20;

/// Runs due outbox items (the worker calls this every few seconds). Returns how many ran.
pub async fn run_outbox(app: &App, limit: u64) -> AppResult<usize> {
    let now = app.now();
    let items = outbox::claim_due(app.db(), now, Duration::minutes(2), limit).await?;
    let n = items.len();
    for item in items {
        let result = match item.kind.as_str() {
            SYNC_USER => match item
                .payload
                .get("user_id")
                .and_then(|v| v.as_str())
                .and_then(UserId::parse)
            {
                Some(user) => sync_user(app, user).await.map(drop),
                None => Err(AppError::Internal(
                    "policy_sync_user without a user_id".into(),
                )),
            },
            crate::jobs::messaging::SEND_KIND => {
                crate::jobs::messaging::deliver(app, &item.payload).await
            }
            other => Err(AppError::Internal(format!("unknown outbox kind {other}"))),
        };
        match result {
            Ok(()) => outbox::complete(app.db(), item.id, app.now()).await?,
            Err(e) => {
                let retry =
                    (item.attempts < MAX_ATTEMPTS).then(|| app.now() + backoff(item.attempts));
                if retry.is_none() {
                    tracing::error!(kind = %item.kind, error = %e, "outbox item given up after {MAX_ATTEMPTS} attempts");
                    saring_store::repo::jobs::add_dead_letter(
                        app.db(),
                        &format!("outbox:{}", item.kind),
                        "global",
                        &e.to_string(),
                        item.attempts,
                        Some(item.payload.clone()),
                    )
                    .await?;
                }
                outbox::fail(app.db(), item.id, &e.to_string(), retry, app.now()).await?;
            }
        }
    }
    Ok(n)
}
