//! `/admin/dashboard`: the admin portal's landing page. Revenue (today, 7 days, this month,
//! and 30 days as bars), accounts by access status, waiting approvals and komandan requests,
//! open debts, usage today, best-selling packages, the newest transactions (each opens its
//! page), routers online/offline, failing jobs, and the reliability signals of
//! `/api/admin/metrics`. Refreshed every 60 s.

use std::time::Duration;

use leptos::prelude::*;
use leptos_router::components::A;
use saring_domain::AccessStatus;
use saring_domain::dto::dashboard::{
    DashboardStats, ReliabilityMetrics, RevenueDay, RouterHealthItem, SignalLevel,
};
use saring_domain::dto::payments::AdminTransactionItem;

use super::forms::interval_text;
use super::parts::loaded;
use super::transactions::detail_path;
use crate::api;
use crate::components::common::chart::{Bar, BarChart};
use crate::components::common::status_badge::status_key;
use crate::components::common::{AdminShell, use_title};
use crate::components::payments::{status_class, status_key as pay_status_key};
use crate::contexts::{I18n, Settings, use_i18n, use_settings};
use crate::format;

/// One figure with its label, optionally a link to the page that deals with it.
fn card(
    label: String,
    value: String,
    note: Option<String>,
    href: Option<&'static str>,
    testid: &'static str,
) -> impl IntoView {
    let value = match href {
        Some(h) => view! { <A href=h attr:data-testid=testid>{value}</A> }.into_any(),
        None => view! { <span data-testid=testid>{value}</span> }.into_any(),
    };
    view! {
        <div class="stat">
            <span class="muted">{label}</span>
            <strong>{value}</strong>
            {note.map(|n| view! { <span class="muted small">{n}</span> })}
        </div>
    }
}

/// The badge of a signal level.
pub fn level_badge(i18n: I18n, level: SignalLevel) -> impl IntoView {
    let (class, key) = match level {
        SignalLevel::Ok => ("badge badge-ok", "dash-level-ok"),
        SignalLevel::Warn => ("badge badge-warn", "dash-level-warn"),
        SignalLevel::Critical => ("badge badge-error", "dash-level-critical"),
    };
    view! { <span class=class data-testid="signal-level" data-level=level.as_str()>{move || i18n.tr(key)}</span> }
}

/// Bars of the revenue series: `dd/mm` under every 5th day (today last), the amount and the
/// day in the tooltip.
pub fn revenue_bars(days: &[RevenueDay]) -> Vec<Bar> {
    days.iter()
        .map(|d| Bar {
            label: d.date.format("%d/%m").to_string(),
            value: d.amount.amount() as f64,
            title: format!("{} ({})", d.amount, format::day(Some(d.date))),
        })
        .collect()
}

fn count_text(i18n: I18n, n: u64) -> String {
    i18n.tr_with("dash-payments", &[("count", &n.to_string())])
}

fn figures(i18n: I18n, s: &DashboardStats) -> impl IntoView {
    let l = i18n.get();
    let r = &s.revenue;
    let d = &s.debts;
    let debt_note = i18n.tr_with(
        "dash-debt-note",
        &[
            ("manual", &format::whole_mb(d.manual_open_mb, l)),
            ("auto", &format::whole_mb(d.auto_mb, l)),
        ],
    );
    let debt_value = i18n.tr_with(
        "dash-debt-accounts",
        &[
            ("items", &d.manual_open_items.to_string()),
            ("users", &d.auto_users.to_string()),
        ],
    );
    view! {
        <section class="panel" aria-labelledby="dash-figures" data-testid="dash-figures">
            <h2 id="dash-figures">{i18n.tr("dash-figures")}</h2>
            <div class="stats">
                {card(i18n.tr("dash-revenue-today"), r.today.to_string(), Some(count_text(i18n, r.today_count)), None, "dash-revenue-today")}
                {card(i18n.tr("dash-revenue-7d"), r.last_7_days.to_string(), Some(count_text(i18n, r.last_7_days_count)), None, "dash-revenue-7d")}
                {card(i18n.tr("dash-revenue-month"), r.this_month.to_string(), Some(count_text(i18n, r.this_month_count)), None, "dash-revenue-month")}
                {card(i18n.tr("dash-pending-approvals"), s.pending_approvals.to_string(), None, Some("/admin/users"), "dash-pending-approvals")}
                {card(i18n.tr("dash-pending-requests"), s.pending_requests.to_string(), None, Some("/admin/requests"), "dash-pending-requests")}
                {card(i18n.tr("dash-debts"), debt_value, Some(debt_note), Some("/admin/debts"), "dash-debts")}
                {d.estimated_rp.map(|rp| card(i18n.tr("dash-debt-estimate"), rp.to_string(), None, None, "dash-debt-estimate"))}
                {card(i18n.tr("dash-used-today"), format::mb(s.quota_used_today_mb, l), None, None, "dash-used-today")}
            </div>
        </section>
    }
}

fn revenue_chart(i18n: I18n, s: &DashboardStats) -> impl IntoView {
    let bars = revenue_bars(&s.revenue_daily);
    let total = s
        .revenue_daily
        .iter()
        .fold(saring_domain::Rupiah::ZERO, |acc, d| acc + d.amount);
    view! {
        <section class="panel" aria-labelledby="dash-revenue" data-testid="dash-revenue-chart">
            <h2 id="dash-revenue">{i18n.tr("dash-revenue-30d")}</h2>
            <p class="muted small">{i18n.tr_with("dash-revenue-30d-total", &[("total", &total.to_string())])}</p>
            <BarChart bars=bars label=i18n.tr("dash-revenue-30d") label_every=5/>
        </section>
    }
}

fn users_panel(i18n: I18n, s: &DashboardStats) -> impl IntoView {
    let u = s.users.clone();
    let total = i18n.tr_with("dash-users-total", &[("count", &u.total.to_string())]);
    let rows = [
        (AccessStatus::Active, u.ok - u.unlimited),
        (AccessStatus::Unlimited, u.unlimited),
        (AccessStatus::Fup, u.fup),
        (AccessStatus::Habis, u.habis),
        (AccessStatus::Expired, u.expired),
        (AccessStatus::Blocked, u.blocked),
        (AccessStatus::Inactive, u.inactive),
    ];
    view! {
        <section class="panel" aria-labelledby="dash-users" data-testid="dash-users">
            <div class="panel-head">
                <h2 id="dash-users">{i18n.tr("dash-users")}</h2>
                <A href="/admin/users" attr:data-testid="dash-users-total">{total}</A>
            </div>
            <dl class="facts">
                {rows.into_iter().map(|(status, n)| view! {
                    <dt>{i18n.tr(status_key(status))}</dt>
                    <dd data-testid="dash-status-count" data-status=status.as_str()>{n}</dd>
                }).collect_view()}
            </dl>
        </section>
    }
}

fn top_packages(i18n: I18n, s: &DashboardStats) -> impl IntoView {
    let list = s.top_packages.clone();
    view! {
        <section class="panel" aria-labelledby="dash-top" data-testid="dash-top-packages">
            <h2 id="dash-top">{i18n.tr("dash-top-packages")}</h2>
            {if list.is_empty() {
                view! { <p class="muted">{i18n.tr("dash-no-sales")}</p> }.into_any()
            } else {
                view! {
                    <table class="table">
                        <thead><tr>
                            <th scope="col">{i18n.tr("admin-tx-item")}</th>
                            <th scope="col">{i18n.tr("dash-sold")}</th>
                            <th scope="col">{i18n.tr("admin-tx-amount")}</th>
                        </tr></thead>
                        <tbody>{list.into_iter().map(|p| view! {
                            <tr data-testid="dash-top-package"><td>{p.name}</td><td>{p.count}</td><td>{p.amount.to_string()}</td></tr>
                        }).collect_view()}</tbody>
                    </table>
                }.into_any()
            }}
        </section>
    }
}

fn recent_row(i18n: I18n, settings: Settings, t: AdminTransactionItem) -> impl IntoView {
    let href = detail_path(&t.order_id);
    let who = t
        .user_full_name
        .clone()
        .or_else(|| t.user_phone_number.as_deref().map(format::phone))
        .unwrap_or_else(|| "–".to_owned());
    let what = match (t.purpose.as_str(), &t.package_name) {
        ("debt", _) => i18n.tr("admin-tx-debt"),
        (_, Some(name)) => name.clone(),
        _ => "–".to_owned(),
    };
    let key = pay_status_key(t.status);
    let order_attr = t.order_id.clone();
    let order_id = t.order_id.clone();
    view! {
        <tr data-testid="dash-recent-tx" data-order-id=order_attr>
            <td class="mono"><A href=href>{order_id}</A></td>
            <td>{who}</td>
            <td>{what}</td>
            <td>{t.amount.to_string()}</td>
            <td><span class=status_class(t.status)>{move || i18n.tr(key)}</span></td>
            <td class="small">{format::datetime(settings.tz(), Some(t.created_at))}</td>
        </tr>
    }
}

fn recent(i18n: I18n, settings: Settings, s: &DashboardStats) -> impl IntoView {
    let list = s.recent_transactions.clone();
    view! {
        <section class="panel" aria-labelledby="dash-recent" data-testid="dash-recent">
            <div class="panel-head">
                <h2 id="dash-recent">{i18n.tr("dash-recent")}</h2>
                <A href="/admin/transactions">{i18n.tr("dash-all")}</A>
            </div>
            {if list.is_empty() {
                view! { <p class="muted">{i18n.tr("admin-no-transactions")}</p> }.into_any()
            } else {
                view! {
                    <div class="table-wrap">
                        <table class="table">
                            <thead><tr>
                                <th scope="col">{i18n.tr("admin-tx-order")}</th>
                                <th scope="col">{i18n.tr("admin-tx-user")}</th>
                                <th scope="col">{i18n.tr("admin-tx-item")}</th>
                                <th scope="col">{i18n.tr("admin-tx-amount")}</th>
                                <th scope="col">{i18n.tr("admin-status")}</th>
                                <th scope="col">{i18n.tr("admin-tx-created")}</th>
                            </tr></thead>
                            <tbody>{list.into_iter().map(|t| recent_row(i18n, settings, t)).collect_view()}</tbody>
                        </table>
                    </div>
                }.into_any()
            }}
        </section>
    }
}

fn router_line(i18n: I18n, settings: Settings, r: RouterHealthItem) -> impl IntoView {
    let (class, key) = match (r.is_enabled, r.online) {
        (false, _) => ("badge", "dash-router-disabled"),
        (true, Some(true)) => ("badge badge-ok", "dash-router-online"),
        (true, Some(false)) => ("badge badge-error", "dash-router-offline"),
        (true, None) => ("badge badge-warn", "dash-router-unknown"),
    };
    let since = r.down_since.map(|t| {
        i18n.tr_with(
            "dash-router-down-since",
            &[("at", &format::datetime(settings.tz(), Some(t)))],
        )
    });
    view! {
        <li data-testid="dash-router" data-router=r.name.clone()>
            <strong>{r.name.clone()}</strong>" "<span class=class>{move || i18n.tr(key)}</span>
            {since.map(|s| view! { " "<span class="muted small">{s}</span> })}
        </li>
    }
}

fn routers_and_jobs(i18n: I18n, settings: Settings, s: &DashboardStats) -> impl IntoView {
    let r = &s.routers;
    let summary = i18n.tr_with(
        "dash-routers-summary",
        &[
            ("online", &r.online.to_string()),
            ("offline", &r.offline.to_string()),
            ("unknown", &r.unknown.to_string()),
        ],
    );
    let items = r.items.clone();
    let failing = s.jobs.failing.clone();
    let dead = s.jobs.dead_letters;
    view! {
        <section class="panel" aria-labelledby="dash-routers" data-testid="dash-routers">
            <div class="panel-head">
                <h2 id="dash-routers">{i18n.tr("nav-routers")}</h2>
                <A href="/admin/routers">{i18n.tr("dash-all")}</A>
            </div>
            <p data-testid="dash-routers-summary">{summary}</p>
            <ul class="plain">{items.into_iter().map(|r| router_line(i18n, settings, r)).collect_view()}</ul>
            <h3>{i18n.tr("nav-jobs")}</h3>
            {if failing.is_empty() && dead == 0 {
                view! { <p class="muted" data-testid="dash-jobs-ok">{i18n.tr("dash-jobs-ok")}</p> }.into_any()
            } else {
                view! {
                    <p data-testid="dash-jobs-problems">
                        {i18n.tr_with("dash-jobs-problems", &[("failing", &failing.len().to_string()), ("dead", &dead.to_string())])}
                        " "<A href="/admin/jobs">{i18n.tr("dash-all")}</A>
                    </p>
                    {(!failing.is_empty()).then(|| view! {
                        <ul class="small mono">{failing.into_iter().map(|j| view! { <li>{j}</li> }).collect_view()}</ul>
                    })}
                }.into_any()
            }}
        </section>
    }
}

/// A signal's card: its name, level and what it measured.
fn signal(
    i18n: I18n,
    title: String,
    level: SignalLevel,
    detail: String,
    testid: &'static str,
) -> impl IntoView {
    view! {
        <div class="stat" data-testid=testid>
            <span class="muted">{title}</span>
            <span>{level_badge(i18n, level)}</span>
            <span class="small">{detail}</span>
        </div>
    }
}

fn ago(seconds: Option<i64>) -> String {
    seconds
        .map(|s| interval_text(u64::try_from(s).unwrap_or(0)))
        .unwrap_or_else(|| "–".to_owned())
}

fn reliability(i18n: I18n, m: &ReliabilityMetrics) -> impl IntoView {
    let lag = m
        .sync_lag
        .iter()
        .map(|s| {
            let detail = match s.lag_seconds {
                Some(secs) => i18n.tr_with("dash-sync-lag", &[("ago", &ago(Some(secs)))]),
                None => i18n.tr("dash-sync-never"),
            };
            signal(
                i18n,
                i18n.tr_with("dash-signal-sync", &[("router", &s.router)]),
                s.level,
                detail,
                "signal-sync",
            )
        })
        .collect_view();
    let outbox = i18n.tr_with(
        "dash-outbox-detail",
        &[
            ("pending", &m.outbox.pending.to_string()),
            ("oldest", &ago(m.outbox.oldest_due_seconds)),
        ],
    );
    let jobs = i18n.tr_with(
        "dash-jobs-detail",
        &[
            ("dead", &m.jobs.dead_letters.to_string()),
            ("failing", &m.jobs.failing.len().to_string()),
        ],
    );
    let pay = i18n.tr_with(
        "dash-reconcile-detail",
        &[
            ("mismatches", &m.payments.mismatches_24h.to_string()),
            ("errors", &m.payments.errors_24h.to_string()),
        ],
    );
    let otp = i18n.tr_with(
        "dash-otp-detail",
        &[
            ("hour", &m.otp.failures_1h.to_string()),
            ("day", &m.otp.failures_24h.to_string()),
            ("messages", &m.otp.message_failures_24h.to_string()),
        ],
    );
    view! {
        <section class="panel" aria-labelledby="dash-reliability" data-testid="dash-reliability">
            <div class="panel-head">
                <h2 id="dash-reliability">{i18n.tr("dash-reliability")}</h2>
                {level_badge(i18n, m.level)}
            </div>
            <div class="stats">
                {lag}
                {signal(i18n, i18n.tr("dash-signal-outbox"), m.outbox.level, outbox, "signal-outbox")}
                {signal(i18n, i18n.tr("dash-signal-jobs"), m.jobs.level, jobs, "signal-jobs")}
                {signal(i18n, i18n.tr("dash-signal-payments"), m.payments.level, pay, "signal-payments")}
                {signal(i18n, i18n.tr("dash-signal-otp"), m.otp.level, otp, "signal-otp")}
            </div>
        </section>
    }
}

#[component]
pub fn AdminDashboardPage() -> impl IntoView {
    let i18n = use_i18n();
    let settings = use_settings();
    use_title("admin-dashboard-title");
    let tick = RwSignal::new(0u32);
    if let Ok(h) =
        set_interval_with_handle(move || tick.update(|t| *t += 1), Duration::from_secs(60))
    {
        on_cleanup(move || h.clear());
    }
    let stats = LocalResource::new(move || {
        tick.track();
        api::admin::dashboard_stats()
    });
    let metrics = LocalResource::new(move || {
        tick.track();
        api::admin::metrics()
    });
    view! {
        <AdminShell>
            <div class="panel-head">
                <h1>{move || i18n.tr("admin-dashboard-title")}</h1>
                <button type="button" class="btn btn-ghost" data-testid="dash-refresh"
                    on:click=move |_| tick.update(|t| *t += 1)>{move || i18n.tr("admin-refresh")}</button>
            </div>
            {move || loaded(i18n, stats.get(), |s| view! {
                <p class="muted small" data-testid="dash-generated">
                    {i18n.tr_with("dash-generated", &[("at", &format::datetime(settings.tz(), Some(s.generated_at))), ("tz", &s.timezone)])}
                </p>
                {figures(i18n, &s)}
                <div class="grid">
                    {revenue_chart(i18n, &s)}
                    {users_panel(i18n, &s)}
                    {top_packages(i18n, &s)}
                    {routers_and_jobs(i18n, settings, &s)}
                </div>
                {recent(i18n, settings, &s)}
            }.into_any())}
            {move || loaded(i18n, metrics.get(), |m| reliability(i18n, &m).into_any())}
        </AdminShell>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;
    use saring_domain::Rupiah;

    #[test]
    fn revenue_bars_carry_dates_and_money() {
        let days = [RevenueDay {
            date: NaiveDate::from_ymd_opt(2026, 12, 14).unwrap(),
            amount: Rupiah(70_000),
            count: 2,
        }];
        let bars = revenue_bars(&days);
        assert_eq!(bars[0].label, "14/12");
        assert_eq!(bars[0].value, 70_000.0);
        assert_eq!(bars[0].title, "Rp 70.000 (14-12-2026)");
    }
}
