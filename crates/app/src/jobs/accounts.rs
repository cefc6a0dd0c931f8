//! Account housekeeping: registrations nobody approved (pending or rejected) are deleted after
//! `UNAPPROVED_AUTO_DELETE_DAYS`, and the inactive-account lifecycle (deactivate, warn, delete;
//! `INACTIVE_*`), each step with an action-log row saying who it was.

use chrono::{DateTime, Duration, Utc};
use saring_domain::access::{ApprovalStatus, Role};
use saring_domain::ids::UserId;
use saring_domain::user::User;
use saring_store::db;
use saring_store::repo::{activity, devices, transactions, users};
use serde::Serialize;

use super::messaging::{self, Notice};
use crate::context::App;
use crate::error::AppResult;

#[derive(Debug, Clone, Default, Serialize)]
pub struct PurgeReport {
    pub deleted: usize,
}

/// Deletes an account with an action-log row saying who it was (`details` adds to that).
/// `false` when it was already gone.
async fn delete_account(
    app: &App,
    user: &User,
    action: &str,
    mut details: serde_json::Value,
) -> AppResult<bool> {
    details["user_id"] = user.id.to_string().into();
    details["phone_number"] = user.phone.as_e164().into();
    details["full_name"] = user.full_name.clone().into();
    let txn = db::begin_write(app.db()).await?;
    let deleted = users::delete(&txn, user.id).await?;
    if deleted {
        activity::log_action(&txn, None, None, action, details).await?;
    }
    txn.commit().await.map_err(saring_store::StoreError::from)?;
    crate::accounts::forget_user(app, user.id);
    Ok(deleted)
}

/// Deletes up to 500 stale registrations per run.
pub async fn purge_unapproved(app: &App) -> AppResult<PurgeReport> {
    let days = app.config().worker.unapproved.delete_days;
    if days <= 0 {
        return Ok(PurgeReport::default());
    }
    let cutoff = app.now() - Duration::days(days);
    let mut report = PurgeReport::default();
    for user in users::unapproved_before(app.db(), cutoff, 500).await? {
        let details = serde_json::json!({
            "approval_status": user.approval_status,
            "registered_at": user.created_at,
            "after_days": days,
        });
        if delete_account(app, &user, "AUTO_DELETE_UNAPPROVED", details).await? {
            report.deleted += 1;
        }
    }
    Ok(report)
}

pub use saring_domain::dto::admin::{InactiveAccount, LifecycleAction};

/// The plan for today: approved `USER` accounts idle (no login, no device seen, no usage)
/// long enough for a step that is switched on, most idle first. Deletions are capped at
/// `INACTIVE_DELETE_MAX_PER_RUN`; accounts with payments are never deleted.
pub async fn lifecycle_plan(app: &App) -> AppResult<Vec<InactiveAccount>> {
    let cfg = &app.config().worker.inactive;
    if !cfg.deactivate_enabled && !cfg.delete_enabled {
        return Ok(Vec::new());
    }
    let now = app.now();
    let device_activity = devices::last_activity_by_user(app.db()).await?;
    let filter = users::UserFilter {
        role: Some(Role::User),
        approval: Some(ApprovalStatus::Approved),
        ..Default::default()
    };
    let (accounts, _) = users::list(app.db(), &filter, 0, 1_000_000).await?;
    let mut plan = Vec::new();
    let mut deletions = 0;
    let mut idle: Vec<(User, DateTime<Utc>)> = accounts
        .into_iter()
        .map(|u| {
            let last = [
                u.last_login_at,
                u.approved_at,
                Some(u.created_at),
                device_activity.get(&u.id).copied(),
            ]
            .into_iter()
            .flatten()
            .max()
            .unwrap_or(u.created_at);
            (u, last)
        })
        .collect();
    idle.sort_by_key(|(_, last)| *last);
    for (u, last) in idle {
        let days = (now - last).num_days();
        let action = if cfg.delete_enabled && days >= cfg.delete_days {
            let (_, paid) = transactions::list_for_user(app.db(), u.id, 0, 1).await?;
            if paid == 0 && deletions < cfg.delete_max_per_run {
                deletions += 1;
                Some(LifecycleAction::Delete)
            } else if u.is_active && cfg.deactivate_enabled {
                Some(LifecycleAction::Deactivate)
            } else {
                None
            }
        } else if cfg.delete_enabled && days >= cfg.warning_days {
            Some(LifecycleAction::WarnBeforeDelete)
        } else if cfg.deactivate_enabled && u.is_active && days >= cfg.deactivate_days {
            Some(LifecycleAction::Deactivate)
        } else {
            None
        };
        if let Some(action) = action {
            plan.push(InactiveAccount {
                user_id: u.id.to_string(),
                phone_number: u.phone.local(),
                full_name: u.full_name.clone(),
                last_activity_at: last,
                idle_days: days,
                action,
            });
        }
    }
    Ok(plan)
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct LifecycleReport {
    pub deactivated: usize,
    pub warned: usize,
    pub deleted: usize,
}

/// Carries out today's plan: deactivation (the router moves the account to the inactive
/// list), a once-only warning before deletion, deletion (devices taken off the router first);
/// each with its WhatsApp notice and an action-log row.
pub async fn run_lifecycle(app: &App) -> AppResult<LifecycleReport> {
    let mut report = LifecycleReport::default();
    let cfg = app.config().worker.inactive.clone();
    for item in lifecycle_plan(app).await? {
        let Ok(id) = item.user_id.parse().map(UserId) else {
            continue;
        };
        let Some(user) = users::find_by_id(app.db(), id).await? else {
            continue;
        };
        let vars = vec![
            ("full_name", user.full_name.clone()),
            ("idle_days", item.idle_days.to_string()),
            ("delete_days", cfg.delete_days.to_string()),
            ("link_user_app", super::notices::link_user_app(app)),
        ];
        let notice = |template: &'static str, key: String| Notice {
            to: user.phone.clone(),
            user_id: None,
            template,
            vars: vars.clone(),
            dedupe_key: Some(key),
        };
        let day = item.last_activity_at.date_naive();
        match item.action {
            LifecycleAction::Deactivate => {
                let txn = db::begin_write(app.db()).await?;
                let updated = users::update(
                    &txn,
                    user.id,
                    users::UserPatch {
                        is_active: Some(false),
                        ..Default::default()
                    },
                )
                .await?;
                activity::log_action(
                    &txn,
                    None,
                    Some(user.id),
                    "AUTO_DEACTIVATE_INACTIVE",
                    serde_json::json!({ "idle_days": item.idle_days }),
                )
                .await?;
                txn.commit().await.map_err(saring_store::StoreError::from)?;
                crate::accounts::forget_user(app, user.id);
                messaging::queue_logged(
                    app,
                    notice(
                        "user_account_deactivated",
                        format!("inactive_off:{}:{day}", user.id),
                    ),
                )
                .await;
                crate::router::user_sync::sync_user_soon(app, &updated, "inactive-deactivate")
                    .await?;
                report.deactivated += 1;
            }
            LifecycleAction::WarnBeforeDelete => {
                if messaging::queue_logged(
                    app,
                    notice(
                        "user_account_pre_delete_warning",
                        format!("inactive_warn:{}:{day}", user.id),
                    ),
                )
                .await
                {
                    report.warned += 1;
                }
            }
            LifecycleAction::Delete => {
                if crate::router::devices::reset_network(app, &user).await? > 0 {
                    // A router could not be reached: keep the account until it can be cleaned.
                    continue;
                }
                let details = serde_json::json!({ "idle_days": item.idle_days });
                if delete_account(app, &user, "AUTO_DELETE_INACTIVE", details).await? {
                    report.deleted += 1;
                }
                messaging::queue_logged(
                    app,
                    notice(
                        "user_account_auto_deleted",
                        format!("inactive_del:{}", user.id),
                    ),
                )
                .await;
            }
        }
    }
    Ok(report)
}
