//! The manual-debt rules the worker runs:
//!
//! * **Reminders** three days, one day and three hours before the end of the due day (in
//!   `APP_TIMEZONE`), each at most once per item (the delivery log's once-only key), only for
//!   approved, active accounts, with what paying the item costs now.
//! * **Overdue block** (`ENABLE_OVERDUE_DEBT_BLOCK`, daily at
//!   `OVERDUE_DEBT_BLOCK_CRON_HOUR:MINUTE`): users with an unpaid item past its due day.
//! * **End-of-month block** (hourly; acts on the last day of the month from
//!   `DEBT_EOM_BLOCK_MIN_HOUR`): users who still owe manual debt.
//!
//! Both blocks apply to active, approved `USER` accounts that are not unlimited and not already
//! blocked; the WhatsApp notice is queued in the outbox and never decides whether the block
//! happens (the reference skipped the end-of-month block when WhatsApp failed). Paying the
//! debt lifts these blocks (`payments::effect`).

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, NaiveDate, Timelike, Utc};
use saring_domain::access::{ApprovalStatus, MANUAL_DEBT_EOM_PREFIX, OVERDUE_DEBT_PREFIX};
use saring_domain::ids::UserId;
use saring_domain::time::last_day_of_month;
use saring_domain::units::Bytes;
use saring_domain::user::User;
use saring_domain::{Locale, Role};
use saring_store::entities::enums::NotificationType;
use saring_store::repo::{debts, users};
use serde::Serialize;

use super::messaging::{self, Notice};
use crate::context::App;
use crate::error::AppResult;
use crate::payments::debt::{self, DebtScope};

/// The reminder due `hours_left` before the end of the due day, if any. The windows are wide
/// (the job runs every 30 minutes and may be down for a while) and do not overlap.
pub fn reminder_stage(hours_left: f64) -> Option<&'static str> {
    match hours_left {
        h if (0.0..6.0).contains(&h) => Some("3hours"),
        h if (18.0..30.0).contains(&h) => Some("1day"),
        h if (60.0..84.0).contains(&h) => Some("3days"),
        _ => None,
    }
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct ReminderReport {
    pub checked: usize,
    pub queued: usize,
}

/// Queues the reminders due now.
pub async fn send_reminders(app: &App) -> AppResult<ReminderReport> {
    let now = app.now();
    let tz = app.config().app.timezone;
    let horizon = tz.date(now + Duration::days(4));
    let items = debts::open_due_by(app.db(), horizon).await?;
    let catalog = debt::catalog(app.db()).await?;
    let mut report = ReminderReport::default();
    for item in items {
        let Some(due_date) = item.due_date else {
            continue;
        };
        report.checked += 1;
        let due: DateTime<Utc> = tz.end_of_day(due_date);
        let hours_left = (due - now).num_seconds() as f64 / 3600.0;
        let Some(stage) = reminder_stage(hours_left) else {
            continue;
        };
        let Some(user) = users::find_by_id(app.db(), item.user_id).await? else {
            continue;
        };
        if !user.is_active || user.approval_status != ApprovalStatus::Approved {
            continue;
        }
        let price = debt::quote_from(
            &user.quota_account(),
            vec![item.clone()],
            DebtScope::Item(item.id),
            &catalog,
        )
        .total_rp();
        let template = match stage {
            "3hours" => "user_manual_debt_reminder_3hours",
            "1day" => "user_manual_debt_reminder_1day",
            _ => "user_manual_debt_reminder_3days",
        };
        let notice = Notice {
            to: user.phone.clone(),
            user_id: Some(user.id),
            template,
            vars: vec![
                ("full_name", user.full_name.clone()),
                (
                    "debt_amount",
                    Bytes::from_mb(item.remaining_mb()).display(Locale::Id),
                ),
                ("debt_price", price.to_string()),
                ("due_date", due_date.format("%d-%m-%Y").to_string()),
                ("link_user_app", super::notices::link_user_app(app)),
            ],
            dedupe_key: Some(format!("debt_reminder:{}:{stage}", item.id)),
        };
        if messaging::queue(app, app.db(), &notice).await? {
            report.queued += 1;
        }
    }
    Ok(report)
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct BlockReport {
    /// `false` when the rule does not act now (switched off, or not the end of the month).
    pub active: bool,
    pub candidates: usize,
    pub blocked: usize,
}

/// Whether a debt rule may block this user.
fn blockable(user: &User) -> bool {
    user.is_active
        && user.approval_status == ApprovalStatus::Approved
        && user.role == Role::User
        && !user.is_unlimited_user
        && !user.is_blocked
}

/// What a debt block tells the user and the admins.
struct DebtBlock {
    reason: String,
    action: &'static str,
    template: &'static str,
    vars: Vec<(&'static str, String)>,
    dedupe_key: String,
}

/// Blocks one user for a debt rule: the block with its ledger row, the user's notice, the
/// admins' alert, then the router.
async fn block_for_debt(app: &App, user: &User, b: DebtBlock) -> AppResult<()> {
    let updated = crate::blocks::apply(
        app,
        user.id,
        crate::blocks::BlockChange {
            block: true,
            reason: Some(b.reason.clone()),
            source: "policy.block_transition:debt_job",
            action: b.action,
            details: serde_json::json!({"action": b.action, "reason": b.reason}),
        },
    )
    .await?;
    messaging::queue_logged(
        app,
        Notice {
            to: user.phone.clone(),
            user_id: Some(user.id),
            template: b.template,
            vars: b.vars.clone(),
            dedupe_key: Some(b.dedupe_key.clone()),
        },
    )
    .await;
    let mut admin_vars = b.vars;
    admin_vars.push(("phone_number", user.phone.local()));
    messaging::alert_admins(
        app,
        NotificationType::QuotaDebtLimitExceeded,
        "admin_debt_blocked",
        admin_vars,
        Some(format!("admin:{}", b.dedupe_key)),
    )
    .await;
    crate::router::user_sync::sync_user_soon(app, &updated, b.action).await?;
    Ok(())
}

fn block_vars(app: &App, user: &User, mb: i64, date: NaiveDate) -> Vec<(&'static str, String)> {
    vec![
        ("full_name", user.full_name.clone()),
        ("debt_amount", Bytes::from_mb(mb).display(Locale::Id)),
        ("due_date", date.format("%d-%m-%Y").to_string()),
        ("link_user_app", super::notices::link_user_app(app)),
    ]
}

/// Blocks users with an unpaid manual item whose due day has passed.
pub async fn block_overdue(app: &App) -> AppResult<BlockReport> {
    if !app.config().worker.debts.overdue_block_enabled {
        return Ok(BlockReport::default());
    }
    let today = app.config().app.timezone.date(app.now());
    let mut by_user: BTreeMap<UserId, (i64, NaiveDate)> = BTreeMap::new();
    for item in debts::open_due_by(app.db(), today - Duration::days(1)).await? {
        let Some(due) = item.due_date else { continue };
        let e = by_user.entry(item.user_id).or_insert((0, due));
        e.0 += item.remaining_mb();
        e.1 = e.1.min(due);
    }
    let mut report = BlockReport {
        active: true,
        candidates: by_user.len(),
        blocked: 0,
    };
    for (id, (mb, due)) in by_user {
        let Some(user) = users::find_by_id(app.db(), id).await? else {
            continue;
        };
        if !blockable(&user) {
            continue;
        }
        let days = (today - due).num_days();
        let block = DebtBlock {
            reason: format!("{OVERDUE_DEBT_PREFIX}debt_mb={mb}|due={due}|days_overdue={days}"),
            action: "block_debt_overdue",
            template: "user_debt_overdue_blocked",
            vars: block_vars(app, &user, mb, due),
            dedupe_key: format!("debt_overdue:{}:{due}", user.id),
        };
        block_for_debt(app, &user, block).await?;
        report.blocked += 1;
    }
    Ok(report)
}

/// On the last day of the month, from `DEBT_EOM_BLOCK_MIN_HOUR` local time, blocks users who
/// still owe manual debt.
pub async fn block_end_of_month(app: &App) -> AppResult<BlockReport> {
    let local = app.config().app.timezone.local(app.now());
    let today = local.date_naive();
    let min_hour = app.config().worker.debts.eom_block_min_hour;
    if today != last_day_of_month(today) || local.hour() < min_hour {
        return Ok(BlockReport::default());
    }
    let ids = debts::users_with_open_items(app.db()).await?;
    let catalog = debt::catalog(app.db()).await?;
    let mut report = BlockReport {
        active: true,
        candidates: ids.len(),
        blocked: 0,
    };
    for id in ids {
        let Some(user) = users::find_by_id(app.db(), id).await? else {
            continue;
        };
        if !blockable(&user) {
            continue;
        }
        let open = debts::open_for_user(app.db(), user.id).await?;
        let quote = debt::quote_from(&user.quota_account(), open, DebtScope::Total, &catalog);
        if quote.manual_mb() <= 0 {
            continue;
        }
        let block = DebtBlock {
            reason: format!(
                "{MANUAL_DEBT_EOM_PREFIX}debt_mb={}|manual_debt_mb={}|estimated_rp={}",
                quote.total_mb(),
                quote.manual_mb(),
                quote.total_rp().0
            ),
            action: "block_debt_end_of_month",
            template: "user_debt_end_of_month_blocked",
            vars: block_vars(app, &user, quote.total_mb(), today),
            dedupe_key: format!("debt_eom:{}:{today}", user.id),
        };
        block_for_debt(app, &user, block).await?;
        report.blocked += 1;
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::reminder_stage;

    #[test]
    fn stages_cover_their_windows_only() {
        assert_eq!(reminder_stage(-0.1), None);
        assert_eq!(reminder_stage(0.0), Some("3hours"));
        assert_eq!(reminder_stage(5.99), Some("3hours"));
        assert_eq!(reminder_stage(6.0), None);
        assert_eq!(reminder_stage(17.99), None);
        assert_eq!(reminder_stage(18.0), Some("1day"));
        assert_eq!(reminder_stage(29.99), Some("1day"));
        assert_eq!(reminder_stage(30.0), None);
        assert_eq!(reminder_stage(60.0), Some("3days"));
        assert_eq!(reminder_stage(83.99), Some("3days"));
        assert_eq!(reminder_stage(84.0), None);
    }
}
