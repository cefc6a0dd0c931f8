//! The notices the quota sync and the debt jobs send (templates of the reference, Indonesian),
//! all through [`super::messaging`] (outbox, rate limits, delivery log, once-only keys).

use saring_domain::access::AccessStatus;
use saring_domain::user::User;
use saring_domain::{Locale, Role};
use saring_store::entities::enums::NotificationType;
use saring_store::repo::sync as sync_repo;

use super::messaging::{self, Notice};
use crate::context::App;
use crate::error::AppResult;

pub(crate) fn link_user_app(app: &App) -> String {
    app.config().public_base_url(app.mode())
}

fn notice(
    user: &User,
    template: &'static str,
    vars: Vec<(&'static str, String)>,
    key: Option<String>,
) -> Notice {
    Notice {
        to: user.phone.clone(),
        user_id: Some(user.id),
        template,
        vars,
        dedupe_key: key,
    }
}

/// `user_access_expired` / `user_access_habis` / `user_access_fup` when a user's hotspot
/// profile moved to that status (once per status per local day).
pub async fn status_changed(app: &App, user: &User, status: AccessStatus) -> bool {
    let template = match status {
        AccessStatus::Expired => "user_access_expired",
        AccessStatus::Habis => "user_access_habis",
        AccessStatus::Fup => "user_access_fup",
        _ => return false,
    };
    let tz = app.config().app.timezone;
    let now = app.now();
    let vars = vec![
        ("full_name", user.full_name.clone()),
        (
            "expiry_date",
            user.quota_expiry_date
                .map(|d| tz.format_date(d))
                .unwrap_or_else(|| "-".into()),
        ),
        (
            "remaining_quota",
            user.quota_account().remaining().display(Locale::Id),
        ),
        ("link_user_app", link_user_app(app)),
    ];
    let key = format!("access:{}:{}:{}", user.id, status.as_str(), tz.date(now));
    messaging::queue_logged(app, notice(user, template, vars, Some(key))).await
}

/// The user's and the admins' notices after an automatic debt-limit block.
pub async fn debt_blocked(app: &App, user: &User) {
    let debt = user.quota_account().auto_debt();
    let vars = vec![
        ("full_name", user.full_name.clone()),
        ("phone_number", user.phone.local()),
        ("debt_gb", debt.display(Locale::Id)),
        ("estimated_rp", "-".to_owned()),
        ("base_package_name", "-".to_owned()),
    ];
    let key = format!("debt_blocked:{}:{}", user.id, app.now().timestamp());
    messaging::queue_logged(
        app,
        notice(
            user,
            "user_quota_debt_blocked",
            vars.clone(),
            Some(key.clone()),
        ),
    )
    .await;
    messaging::alert_admins(
        app,
        NotificationType::QuotaDebtLimitExceeded,
        "admin_quota_debt_blocked",
        vars,
        Some(key),
    )
    .await;
}

fn level_for(value: i64, thresholds: &[i64]) -> Option<i64> {
    thresholds.iter().copied().filter(|t| value <= *t).min()
}

/// Low-quota (`QUOTA_NOTIFY_REMAINING_MB`) and expiry (`QUOTA_EXPIRY_NOTIFY_DAYS`) notices:
/// each level once, lower levels later; a level resets when the user is above every
/// threshold again (after a purchase). Returns how many were queued.
pub async fn quota_and_expiry(app: &App, users: &[User]) -> AppResult<usize> {
    let w = &app.config().worker;
    if !app.config().whatsapp.enabled
        || (w.notices.quota_remaining_mb.is_empty() && w.notices.expiry_days.is_empty())
    {
        return Ok(0);
    }
    let now = app.now();
    let policy = &app.config().policy;
    let eligible: Vec<&User> = users
        .iter()
        .filter(|u| {
            !u.is_unlimited_user
                && u.total_quota_purchased_mb > 0
                && matches!(u.role, Role::User | Role::Komandan)
                && matches!(
                    policy.status(&u.access_snapshot(), now),
                    AccessStatus::Active | AccessStatus::Fup
                )
        })
        .collect();
    let mut sent = 0;
    for u in eligible {
        let (last_q, last_e) = (
            u.last_quota_notification_level,
            u.last_expiry_notification_level,
        );
        let komandan = u.role == Role::Komandan;
        // Low quota.
        let remaining_mb = u.quota_account().remaining().0 / saring_domain::units::BYTES_PER_MB;
        let mut new_q = None;
        match level_for(remaining_mb, &w.notices.quota_remaining_mb) {
            Some(level) if last_q.is_none_or(|l| i64::from(l) > level) => {
                let vars = vec![
                    ("full_name", u.full_name.clone()),
                    (
                        "remaining_quota",
                        u.quota_account().remaining().display(Locale::Id),
                    ),
                    ("link_user_app", link_user_app(app)),
                ];
                let template = if komandan {
                    "komandan_quota_low"
                } else {
                    "user_quota_low"
                };
                if messaging::queue_logged(app, notice(u, template, vars, None)).await {
                    sent += 1;
                }
                new_q = Some(Some(i32::try_from(level).unwrap_or(i32::MAX)));
            }
            None if last_q.is_some() => new_q = Some(None),
            _ => {}
        }
        // Expiry.
        let mut new_e = None;
        if let Some(expiry) = u.quota_expiry_date {
            let secs = (expiry - now).num_seconds().max(0);
            let days_left = (secs + 86_399) / 86_400;
            match level_for(days_left, &w.notices.expiry_days) {
                Some(level) if last_e.is_none_or(|l| i64::from(l) > level) => {
                    let vars = vec![
                        ("full_name", u.full_name.clone()),
                        ("remaining_days", days_left.to_string()),
                        ("link_user_app", link_user_app(app)),
                    ];
                    let template = if komandan {
                        "komandan_quota_expiry_warning"
                    } else {
                        "user_quota_expiry_warning"
                    };
                    if messaging::queue_logged(app, notice(u, template, vars, None)).await {
                        sent += 1;
                    }
                    new_e = Some(Some(i32::try_from(level).unwrap_or(i32::MAX)));
                }
                None if last_e.is_some() => new_e = Some(None),
                _ => {}
            }
        }
        if new_q.is_some() || new_e.is_some() {
            sync_repo::set_notification_levels(app.db(), u.id.0, new_q, new_e, now).await?;
        }
    }
    Ok(sent)
}
