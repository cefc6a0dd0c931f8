//! Reminders for manual debts with a due date: three days, one day and three hours before the
//! end of the due day (in `APP_TIMEZONE`), each at most once per item (the delivery log's
//! once-only key), only for approved, active accounts, with what paying the item costs now.

use chrono::{DateTime, Duration, Utc};
use saring_domain::units::Bytes;
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
        if !user.is_active
            || user.approval_status != saring_domain::access::ApprovalStatus::Approved
        {
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
                    crate::sync::quota::mb_text(Bytes::from_mb(item.remaining_mb())),
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
