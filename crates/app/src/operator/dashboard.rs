//! `GET /api/admin/dashboard/stats`: the admin portal's landing page.
//!
//! Every number is an aggregate the database computes over an index range (paid transactions
//! by payment time, daily usage by day) or a count over a small table; the accounts are
//! counted by access status in one pass that mirrors [`saring_domain::access`]'s resolver in
//! SQL. The independent reads run concurrently on the pool. Nothing reads the quota ledger.
//!
//! Days are local days in `APP_TIMEZONE`: a payment belongs to the day of its payment time
//! there.

use chrono::{Datelike, Days, NaiveDate};
use saring_domain::access::AccessStatus;
use saring_domain::dto::dashboard::{
    DashboardStats, DebtSummary, JobSummary, RevenueDay, RevenueSummary, RouterHealthItem,
    RouterSummary, TopPackage, UserStatusCounts,
};
use saring_domain::money::Rupiah;
use saring_domain::units::{Bytes, Megabytes};
use saring_store::repo::dashboard::{self as repo, Tally};
use saring_store::repo::{payments, quota_requests, reliability};

use crate::context::App;
use crate::error::{AppError, AppResult};

/// Days in the revenue series (today included).
pub const SERIES_DAYS: u64 = 30;
/// Packages in the best-seller list.
const TOP_PACKAGES: u64 = 5;
/// Transactions in the "recent" list.
const RECENT: u64 = 10;

/// The local days the revenue query covers: from the earlier of the series' first day and
/// the 1st of the month, to today.
fn revenue_days(today: NaiveDate) -> Vec<NaiveDate> {
    let series_start = today
        .checked_sub_days(Days::new(SERIES_DAYS - 1))
        .unwrap_or(today);
    let month_start = today.with_day(1).unwrap_or(today);
    series_start
        .min(month_start)
        .iter_days()
        .take_while(|d| *d <= today)
        .collect()
}

fn sum(days: &[(NaiveDate, Tally)], from: NaiveDate) -> (Rupiah, u64) {
    days.iter()
        .filter(|(d, _)| *d >= from)
        .fold((Rupiah::ZERO, 0), |(rp, n), (_, t)| {
            (rp + Rupiah(t.amount), n + t.count)
        })
}

fn revenue(today: NaiveDate, days: &[(NaiveDate, Tally)]) -> (RevenueSummary, Vec<RevenueDay>) {
    let week_start = today.checked_sub_days(Days::new(6)).unwrap_or(today);
    let (today_rp, today_n) = sum(days, today);
    let (week_rp, week_n) = sum(days, week_start);
    let (month_rp, month_n) = sum(days, today.with_day(1).unwrap_or(today));
    let series_len = usize::try_from(SERIES_DAYS).unwrap_or(30);
    let series = days[days.len().saturating_sub(series_len)..]
        .iter()
        .map(|(date, t)| RevenueDay {
            date: *date,
            amount: Rupiah(t.amount),
            count: t.count,
        })
        .collect();
    (
        RevenueSummary {
            today: today_rp,
            today_count: today_n,
            last_7_days: week_rp,
            last_7_days_count: week_n,
            this_month: month_rp,
            this_month_count: month_n,
        },
        series,
    )
}

fn user_counts(tally: &repo::AccountTally) -> UserStatusCounts {
    let n = |s: AccessStatus| tally.by_status.get(&s).copied().unwrap_or(0);
    UserStatusCounts {
        total: tally.by_status.values().sum(),
        ok: n(AccessStatus::Active) + n(AccessStatus::Unlimited),
        unlimited: n(AccessStatus::Unlimited),
        fup: n(AccessStatus::Fup),
        habis: n(AccessStatus::Habis),
        expired: n(AccessStatus::Expired),
        blocked: n(AccessStatus::Blocked),
        inactive: n(AccessStatus::Inactive),
    }
}

/// Online as the routers page says it: the last check reached it (`None`: never checked).
pub(crate) fn router_online(r: &repo::RouterState) -> Option<bool> {
    (r.last_seen_at.is_some() || r.last_error.is_some()).then_some(r.last_error.is_none())
}

fn router_summary(states: Vec<repo::RouterState>) -> RouterSummary {
    let mut s = RouterSummary::default();
    for r in states {
        let online = router_online(&r);
        match (r.is_enabled, online) {
            (false, _) => s.disabled += 1,
            (true, Some(true)) => s.online += 1,
            (true, Some(false)) => s.offline += 1,
            (true, None) => s.unknown += 1,
        }
        s.items.push(RouterHealthItem {
            id: r.id.to_string(),
            name: r.name,
            is_enabled: r.is_enabled,
            online,
            last_seen_at: r.last_seen_at,
            down_since: r.down_since,
            last_error: r.last_error,
        });
    }
    s
}

/// The counts of accounts by status: computed again only when an account row changed since
/// (an index read tells) or the last count is 30 s old, so a page load does not pass over
/// every account.
async fn accounts(
    app: &App,
    now: chrono::DateTime<chrono::Utc>,
    fup: Bytes,
) -> AppResult<std::sync::Arc<repo::AccountTally>> {
    let cache = app.account_tally_cache();
    let key = repo::accounts_changed_at(app.db()).await?;
    if let Some(tally) = cache.get(&key) {
        return Ok(tally);
    }
    let tally = std::sync::Arc::new(repo::account_tally(app.db(), now, fup).await?);
    cache.put(key, tally.clone());
    Ok(tally)
}

/// `GET /api/admin/dashboard/stats`
pub async fn stats(app: &App) -> AppResult<DashboardStats> {
    let tz = app.config().app.timezone;
    let now = app.now();
    let today = tz.date(now);
    let days = revenue_days(today);
    let tomorrow = today.succ_opt().unwrap_or(today);
    let mut bounds: Vec<_> = days.iter().map(|d| tz.start_of_day(*d)).collect();
    bounds.push(tz.start_of_day(tomorrow));
    let series_start = tz.start_of_day(
        today
            .checked_sub_days(Days::new(SERIES_DAYS - 1))
            .unwrap_or(today),
    );
    let fup = app.config().policy.fup_threshold();
    let db = app.db();
    let (per_day, accounts, debts, used_today, requests, top, recent, routers, failing, dead) = tokio::try_join!(
        async { Ok::<_, AppError>(repo::paid_by_period(db, &bounds).await?) },
        accounts(app, now, fup),
        async { Ok(repo::open_debts(db).await?) },
        async { Ok(repo::usage_on(db, today).await?) },
        async { Ok(quota_requests::count_pending(db).await?) },
        async {
            Ok(
                repo::top_packages(db, series_start, tz.start_of_day(tomorrow), TOP_PACKAGES)
                    .await?,
            )
        },
        async { Ok(payments::recent_admin(db, RECENT).await?) },
        async { Ok(repo::router_states(db).await?) },
        async { Ok(reliability::failing_jobs(db).await?) },
        async { Ok(reliability::dead_letters(db, now).await?) },
    )?;
    let catalog = crate::payments::debt::catalog(db).await?;
    let owed_mb = debts.mb.saturating_add(accounts.auto_debt_mb);
    let days: Vec<(NaiveDate, Tally)> = days.into_iter().zip(per_day).collect();
    let (revenue, revenue_daily) = revenue(today, &days);
    Ok(DashboardStats {
        generated_at: now,
        timezone: tz.name().to_owned(),
        today,
        revenue,
        revenue_daily,
        users: user_counts(&accounts),
        pending_approvals: accounts.pending_approval,
        pending_requests: requests,
        debts: DebtSummary {
            manual_open_items: debts.items,
            manual_users: debts.users,
            manual_open_mb: debts.mb,
            auto_users: accounts.auto_debt_users,
            auto_mb: accounts.auto_debt_mb,
            estimated_rp: crate::payments::debt::estimate_mb(owed_mb, &catalog),
        },
        quota_used_today_mb: Megabytes::from_bytes(Bytes(used_today)),
        top_packages: top
            .into_iter()
            .map(|p| TopPackage {
                package_id: p.package_id.to_string(),
                name: p.name,
                count: p.sales.count,
                amount: Rupiah(p.sales.amount),
            })
            .collect(),
        recent_transactions: recent
            .into_iter()
            .map(crate::payments::admin::admin_item)
            .collect(),
        routers: router_summary(routers),
        jobs: JobSummary {
            failing,
            dead_letters: dead.0,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn days_cover_the_series_and_the_month() {
        // Mid-month: 30 days reach back into the previous month.
        let days = revenue_days(d("2026-12-14"));
        assert_eq!(days.len(), 30);
        assert_eq!(days[0], d("2026-11-15"));
        assert_eq!(days[29], d("2026-12-14"));
        // The 31st: the month started 30 days ago, one day before the series.
        let days = revenue_days(d("2026-12-31"));
        assert_eq!(days.len(), 31);
        assert_eq!(days[0], d("2026-12-01"));
    }

    #[test]
    fn sums_per_window() {
        let today = d("2026-12-31");
        let days: Vec<(NaiveDate, Tally)> = revenue_days(today)
            .into_iter()
            .enumerate()
            .map(|(i, day)| {
                let i = i as u64;
                (
                    day,
                    Tally {
                        count: i,
                        amount: i as i64 * 1000,
                    },
                )
            })
            .collect();
        let (r, series) = revenue(today, &days);
        assert_eq!((r.today, r.today_count), (Rupiah(30_000), 30));
        // 24..=30
        assert_eq!(r.last_7_days_count, (24..=30).sum::<u64>());
        assert_eq!(r.this_month_count, (0..=30).sum::<u64>());
        assert_eq!(series.len(), 30);
        assert_eq!(series[0].date, d("2026-12-02"));
        assert_eq!(series[29].amount, Rupiah(30_000));
    }
}
