//! `/dashboard`: quota, debt, the last 7 days and the monthly usage; refreshed every 60 s.

use std::time::Duration;

use leptos::prelude::*;
use leptos_router::components::A;
use saring_domain::dto::users::{MonthlyUsageResponse, QuotaSummary, WeeklyUsage};
use saring_domain::{AppTz, Locale, Megabytes};

use crate::api::{self, ApiError};
use crate::components::common::chart::{Bar, BarChart};
use crate::components::common::{PortalShell, StatusBadge, use_title};
use crate::contexts::{I18n, use_i18n, use_settings};
use crate::format;

/// A card that shows its own loading and error state.
fn widget<T: Clone + Send + Sync + 'static, V: IntoView + 'static>(
    i18n: I18n,
    data: LocalResource<Result<T, ApiError>>,
    render: impl Fn(T) -> V + Send + Sync + 'static,
) -> impl IntoView {
    move || match data.get() {
        None => {
            view! { <p class="muted skeleton">{move || i18n.tr("common-loading")}</p> }.into_any()
        }
        Some(Err(e)) => {
            view! { <p class="alert alert-error" role="alert">{e.text(i18n.locale.get())}</p> }
                .into_any()
        }
        Some(Ok(v)) => render(v).into_any(),
    }
}

fn fact(label: String, value: String, testid: &'static str) -> impl IntoView {
    view! { <div class="stat"><span class="muted">{label}</span><strong data-testid=testid>{value}</strong></div> }
}

fn quota_card(i18n: I18n, tz: AppTz, q: QuotaSummary) -> impl IntoView {
    let l = i18n.get();
    let used_pct = format::percent(q.total_quota_used_mb, q.total_quota_purchased_mb);
    let remaining = if q.is_unlimited_user {
        i18n.tr("dashboard-unlimited")
    } else {
        format::mb(q.remaining_mb, l)
    };
    view! {
        <section class="panel" aria-labelledby="quota-title" data-testid="quota-card">
            <div class="panel-head">
                <h2 id="quota-title">{i18n.tr("dashboard-quota")}</h2>
                <StatusBadge status=q.status/>
                {q.is_unlimited_user.then(|| view! { <span class="badge badge-ok">{i18n.tr("dashboard-unlimited")}</span> })}
            </div>
            <div class="stats">
                {fact(i18n.tr("dashboard-remaining"), remaining, "quota-remaining")}
                {fact(i18n.tr("dashboard-used"), format::mb(q.total_quota_used_mb, l), "quota-used")}
                {fact(i18n.tr("dashboard-total"), format::mb(q.total_quota_purchased_mb, l), "quota-total")}
                {fact(i18n.tr("dashboard-expiry"), format::date(tz, q.quota_expiry_date), "quota-expiry")}
                {fact(i18n.tr("dashboard-username"), q.hotspot_username.clone(), "quota-username")}
            </div>
            {(!q.is_unlimited_user).then(|| view! {
                <div class="progress" role="progressbar" aria-valuemin="0" aria-valuemax="100"
                    aria-valuenow=used_pct.to_string() aria-label=i18n.tr("dashboard-used")>
                    <span style=format!("width:{used_pct}%")></span>
                </div>
            })}
            <p class="muted small">{i18n.tr("dashboard-last-sync")}" "{format::datetime(tz, q.last_sync_time)}</p>
            <div class="row">
                <A href="/beli" attr:class="btn btn-primary" attr:data-testid="dashboard-buy">{i18n.tr("dashboard-buy")}</A>
                <A href="/riwayat" attr:class="btn btn-ghost" attr:data-testid="dashboard-history">{i18n.tr("nav-history")}</A>
            </div>
        </section>
    }
}

fn debt_card(i18n: I18n, q: QuotaSummary) -> impl IntoView {
    let l = i18n.get();
    (q.quota_debt_total_mb.centi() > 0).then(|| view! {
        <section class="panel panel-warn" aria-labelledby="debt-title" data-testid="debt-card">
            <h2 id="debt-title">{i18n.tr("dashboard-debt")}</h2>
            <div class="stats">
                {fact(i18n.tr("dashboard-debt-auto"), format::mb(q.quota_debt_auto_mb, l), "debt-auto")}
                {fact(i18n.tr("dashboard-debt-manual"), format::mb(q.quota_debt_manual_mb, l), "debt-manual")}
                {fact(i18n.tr("dashboard-debt-total"), format::mb(q.quota_debt_total_mb, l), "debt-total")}
                {q.quota_debt_total_estimated_rp.map(|rp| fact(i18n.tr("dashboard-debt-estimate"), rp.to_string(), "debt-estimate"))}
            </div>
            <p class="muted small">{i18n.tr("dashboard-debt-note")}</p>
            <A href="/riwayat" attr:class="btn btn-primary" attr:data-testid="dashboard-pay-debt">{i18n.tr("dashboard-pay-debt")}</A>
        </section>
    })
}

fn average(total: Megabytes, days: usize) -> Megabytes {
    Megabytes::from_centi(total.centi() / i64::try_from(days.max(1)).unwrap_or(1))
}

fn weekly_card(i18n: I18n, w: WeeklyUsage) -> impl IntoView {
    let l = i18n.get();
    let bars: Vec<Bar> = w
        .days
        .iter()
        .map(|d| Bar {
            label: d.date.format("%d/%m").to_string(),
            value: d.usage_mb.as_f64(),
            title: format::mb(d.usage_mb, l),
        })
        .collect();
    let days = w.days.len().max(7);
    view! {
        <section class="panel" aria-labelledby="weekly-title" data-testid="weekly-card">
            <h2 id="weekly-title">{i18n.tr("dashboard-weekly")}</h2>
            <div class="stats">
                {fact(i18n.tr("dashboard-weekly-total"), format::mb(w.total_mb, l), "weekly-total")}
                {fact(i18n.tr("dashboard-weekly-average"), format::mb(average(w.total_mb, days), l), "weekly-average")}
            </div>
            <BarChart bars=bars label=i18n.tr("dashboard-weekly")/>
        </section>
    }
}

fn monthly_card(i18n: I18n, m: MonthlyUsageResponse) -> impl IntoView {
    let l: Locale = i18n.get();
    let bars: Vec<Bar> = m
        .monthly_data
        .iter()
        .map(|u| Bar {
            label: month_label(&u.month_year),
            value: u.usage_mb.as_f64(),
            title: format::mb(u.usage_mb, l),
        })
        .collect();
    view! {
        <section class="panel" aria-labelledby="monthly-title" data-testid="monthly-card">
            <h2 id="monthly-title">{i18n.tr("dashboard-monthly")}</h2>
            {if bars.is_empty() {
                view! { <p class="muted">{i18n.tr("dashboard-no-usage")}</p> }.into_any()
            } else {
                view! { <BarChart bars=bars label=i18n.tr("dashboard-monthly")/> }.into_any()
            }}
        </section>
    }
}

/// `2026-03` → `03/26`.
pub fn month_label(month_year: &str) -> String {
    match month_year.split_once('-') {
        Some((y, m)) if y.len() == 4 => format!("{m}/{}", &y[2..]),
        _ => month_year.to_owned(),
    }
}

#[component]
pub fn DashboardPage() -> impl IntoView {
    let i18n = use_i18n();
    let settings = use_settings();
    let tick = RwSignal::new(0u32);
    if let Ok(h) =
        set_interval_with_handle(move || tick.update(|t| *t += 1), Duration::from_secs(60))
    {
        on_cleanup(move || h.clear());
    }
    use_title("nav-dashboard");
    let quota = LocalResource::new(move || {
        tick.track();
        api::users::quota()
    });
    let weekly = LocalResource::new(move || {
        tick.track();
        api::users::weekly_usage()
    });
    let monthly = LocalResource::new(move || {
        tick.track();
        api::users::monthly_usage()
    });
    view! {
        <PortalShell>
            <h1>{move || i18n.tr("nav-dashboard")}</h1>
            <div class="grid">
                {widget(i18n, quota, move |q| {
                    let tz = settings.tz();
                    view! { {quota_card(i18n, tz, q.clone())} {debt_card(i18n, q)} }
                })}
                {widget(i18n, weekly, move |w| weekly_card(i18n, w))}
                {widget(i18n, monthly, move |m| monthly_card(i18n, m))}
            </div>
        </PortalShell>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_and_averages() {
        assert_eq!(month_label("2026-03"), "03/26");
        assert_eq!(month_label("x"), "x");
        assert_eq!(
            average(Megabytes::from_whole(70), 7),
            Megabytes::from_whole(10)
        );
    }
}
