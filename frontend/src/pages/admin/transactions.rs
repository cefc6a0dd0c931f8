//! `/admin/transactions`: every order, newest first, with a status filter and an order-id
//! search; each row opens `/admin/transactions/{order_id}`. The CSV export of a range of days
//! (with the status filter) and the Midtrans self-test live here.

use chrono::Datelike;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use saring_domain::PaymentStatus;
use saring_domain::dto::payments::{AdminTransactionItem, AdminTransactionQuery, SelfTestResponse};

use super::parts::{SearchFilters, filter_select, range_query};
use crate::api::{self, ApiError};
use crate::components::common::{AdminShell, Pager, use_title};
use crate::components::payments::{status_class, status_key};
use crate::contexts::{use_i18n, use_settings};
use crate::format::{self, non_blank};

const PER_PAGE: u64 = 20;

/// The path of a transaction's admin page.
pub fn detail_path(order_id: &str) -> String {
    format!("/admin/transactions/{}", api::encode_component(order_id))
}

/// The export links for `from`..`to` (`yyyy-mm-dd`, as date inputs give them): the CSV and
/// the PDF report grouped by `group`; or the text key of what is wrong with the range.
fn export_hrefs(
    from: &str,
    to: &str,
    status: &str,
    group: &str,
) -> Result<(String, String), &'static str> {
    let range = range_query(from, to)?;
    let status = if status.is_empty() {
        String::new()
    } else {
        format!("&status={}", api::encode_component(status))
    };
    let base = "/api/admin/transactions/export";
    Ok((
        format!("{base}?format=csv&{range}{status}"),
        format!(
            "{base}?format=pdf&{range}{status}&group={}",
            api::encode_component(group)
        ),
    ))
}

/// "Ekspor": a range of days (this month by default), a CSV download and the PDF report
/// grouped by day, package or method.
#[component]
fn ExportPanel(status: RwSignal<String>) -> impl IntoView {
    let i18n = use_i18n();
    let settings = use_settings();
    let today = settings.tz().date(crate::browser::now());
    let first = today.with_day(1).unwrap_or(today);
    let from = RwSignal::new(first.format("%Y-%m-%d").to_string());
    let to = RwSignal::new(today.format("%Y-%m-%d").to_string());
    let group = RwSignal::new("day".to_owned());
    let hrefs = move || export_hrefs(&from.get(), &to.get(), &status.get(), &group.get());
    view! {
        <details class="details" data-testid="tx-export-panel">
            <summary>{move || i18n.tr("admin-export-title")}</summary>
            <div class="row">
                <label class="field"><span>{move || i18n.tr("admin-export-from")}</span>
                    <input type="date" data-testid="tx-export-from" bind:value=from/></label>
                <label class="field"><span>{move || i18n.tr("admin-export-to")}</span>
                    <input type="date" data-testid="tx-export-to" bind:value=to/></label>
                <label class="field"><span>{move || i18n.tr("admin-export-group")}</span>
                    <select data-testid="tx-export-group" bind:value=group>
                        <option value="day">{move || i18n.tr("admin-export-group-day")}</option>
                        <option value="package">{move || i18n.tr("admin-export-group-package")}</option>
                        <option value="method">{move || i18n.tr("admin-export-group-method")}</option>
                    </select></label>
            </div>
            <p class="muted small">{move || i18n.tr("admin-export-help")}</p>
            {move || match hrefs() {
                Ok((csv, pdf)) => view! {
                    <div class="row">
                        <a class="btn btn-primary" data-testid="tx-export" href=csv download="">{move || i18n.tr("admin-export-download")}</a>
                        <a class="btn" data-testid="tx-export-pdf" href=pdf target="_blank" rel="noopener">{move || i18n.tr("admin-export-pdf")}</a>
                    </div>
                }.into_any(),
                Err(key) => view! { <p class="field-error" data-testid="tx-export-error">{move || i18n.tr(key)}</p> }.into_any(),
            }}
        </details>
    }
}

/// `POST /api/admin/midtrans/selftest` with its result.
#[component]
pub fn MidtransSelfTest() -> impl IntoView {
    let i18n = use_i18n();
    let busy = RwSignal::new(false);
    let result = RwSignal::new(None::<Result<SelfTestResponse, ApiError>>);
    let run = move |_| {
        busy.set(true);
        result.set(None);
        spawn_local(async move {
            result.set(Some(api::admin::midtrans_self_test().await));
            busy.set(false);
        });
    };
    view! {
        <section class="panel" data-testid="selftest">
            <div class="panel-head">
                <h2>{move || i18n.tr("admin-selftest-title")}</h2>
                <button type="button" class="btn btn-ghost" data-testid="selftest-run"
                    disabled=move || busy.get() on:click=run>
                    {move || if busy.get() { i18n.tr("common-processing") } else { i18n.tr("admin-selftest-run") }}
                </button>
            </div>
            <p class="muted small">{move || i18n.tr("admin-selftest-help")}</p>
            {move || result.get().map(|r| match r {
                Err(e) => view! { <p class="alert alert-error" role="alert" data-testid="selftest-result">{e.text(i18n.get())}</p> }.into_any(),
                Ok(t) => {
                    let ok = t.ok;
                    let rows: Vec<(String, String)> = [
                        (i18n.tr("admin-selftest-gateway"), Some(t.gateway.clone())),
                        (i18n.tr("admin-selftest-environment"), t.environment.clone()),
                        ("Core API".to_owned(), t.core_base_url.clone()),
                        ("Snap".to_owned(), t.snap_base_url.clone()),
                        (i18n.tr("admin-selftest-latency"), t.latency_ms.map(|ms| format!("{ms} ms"))),
                        (i18n.tr("admin-selftest-error"), t.error.clone()),
                    ]
                    .into_iter()
                    .filter_map(|(k, v)| v.map(|v| (k, v)))
                    .collect();
                    let checks = t.checks.clone();
                    view! {
                        <div data-testid="selftest-result" data-ok=ok.to_string()>
                            <p class=if ok { "alert alert-ok" } else { "alert alert-error" } role="status">
                                {move || if ok { i18n.tr("admin-selftest-ok") } else { i18n.tr("admin-selftest-failed") }}
                            </p>
                            <dl class="facts">
                                {rows.into_iter().map(|(k, v)| view! { <dt>{k}</dt><dd class="mono">{v}</dd> }).collect_view()}
                            </dl>
                            {(!checks.is_empty()).then(|| view! {
                                <ul class="small">{checks.into_iter().map(|c| view! { <li>{c}</li> }).collect_view()}</ul>
                            })}
                        </div>
                    }.into_any()
                }
            })}
        </section>
    }
}

#[component]
pub fn AdminTransactionsPage() -> impl IntoView {
    let i18n = use_i18n();
    let settings = use_settings();
    use_title("admin-transactions-title");
    let page = RwSignal::new(1u64);
    let search = RwSignal::new(String::new());
    let status = RwSignal::new(String::new());
    let reload = RwSignal::new(0u32);

    let list = LocalResource::new(move || {
        reload.track();
        let q = AdminTransactionQuery {
            page: Some(page.get()),
            per_page: Some(PER_PAGE),
            status: non_blank(&status.get()),
            search: non_blank(&search.get()),
            user_id: None,
            sort: None,
            order: None,
        };
        async move { api::admin::transactions(&q).await }
    });
    let meta = Signal::derive(move || list.get().and_then(Result::ok).map(|p| p.meta()));

    let row = move |t: AdminTransactionItem| {
        let tz = settings.tz();
        let href = detail_path(&t.order_id);
        let order_id = t.order_id.clone();
        let order_attr = t.order_id.clone();
        let st_class = status_class(t.status);
        let st_key = status_key(t.status);
        let st_attr = t.status.as_str();
        let who = match (&t.user_full_name, &t.user_phone_number) {
            (Some(n), Some(p)) => format!("{n} · {}", format::phone(p)),
            (Some(n), None) => n.clone(),
            (None, Some(p)) => format::phone(p),
            (None, None) => "–".to_owned(),
        };
        let what = match (t.purpose.as_str(), &t.package_name) {
            ("debt", _) => i18n.tr("admin-tx-debt"),
            (_, Some(name)) => name.clone(),
            _ => "–".to_owned(),
        };
        let method = t.payment_method.clone().unwrap_or_else(|| "–".into());
        let amount = t.amount.to_string();
        let created = format::datetime(tz, Some(t.created_at));
        let paid = format::datetime(tz, t.payment_time);
        view! {
            <tr data-testid="tx-row" data-order-id=order_attr data-status=st_attr>
                <td class="mono"><A href=href>{order_id}</A></td>
                <td>{who}</td>
                <td>{what}</td>
                <td>{amount}</td>
                <td>{method}</td>
                <td><span class=st_class>{move || i18n.tr(st_key)}</span></td>
                <td class="small">{created}</td>
                <td class="small">{paid}</td>
            </tr>
        }
    };

    view! {
        <AdminShell>
            <h1>{move || i18n.tr("admin-transactions-title")}</h1>
            <SearchFilters search=search page=page testid="tx-search" placeholder="admin-tx-search">
                {filter_select(i18n, status, page, "admin-status", Some("admin-all-statuses"),
                    PaymentStatus::ALL.map(|s| (s.as_str(), status_key(s))), "tx-status")}
                <button type="button" class="btn btn-ghost" data-testid="tx-refresh"
                    on:click=move |_| reload.update(|r| *r += 1)>{move || i18n.tr("admin-refresh")}</button>
            </SearchFilters>
            <ExportPanel status=status/>
            {move || match list.get() {
                None => view! { <p class="muted">{move || i18n.tr("common-loading")}</p> }.into_any(),
                Some(Err(e)) => view! { <p class="alert alert-error" role="alert">{e.text(i18n.get())}</p> }.into_any(),
                Some(Ok(p)) if p.items.is_empty() => view! { <p class="muted" data-testid="no-transactions">{move || i18n.tr("admin-no-transactions")}</p> }.into_any(),
                Some(Ok(p)) => view! {
                    <div class="table-wrap">
                        <table class="table" data-testid="transactions">
                            <thead><tr>
                                <th scope="col">{move || i18n.tr("admin-tx-order")}</th>
                                <th scope="col">{move || i18n.tr("admin-tx-user")}</th>
                                <th scope="col">{move || i18n.tr("admin-tx-item")}</th>
                                <th scope="col">{move || i18n.tr("admin-tx-amount")}</th>
                                <th scope="col">{move || i18n.tr("admin-tx-method")}</th>
                                <th scope="col">{move || i18n.tr("admin-status")}</th>
                                <th scope="col">{move || i18n.tr("admin-tx-created")}</th>
                                <th scope="col">{move || i18n.tr("admin-tx-paid")}</th>
                            </tr></thead>
                            <tbody>{p.items.into_iter().map(row).collect_view()}</tbody>
                        </table>
                    </div>
                }.into_any(),
            }}
            <Pager meta=meta page=page/>
            <MidtransSelfTest/>
        </AdminShell>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detail_paths_are_encoded() {
        assert_eq!(detail_path("BD-LPSR-1"), "/admin/transactions/BD-LPSR-1");
        assert_eq!(detail_path("a b/c"), "/admin/transactions/a%20b%2Fc");
    }

    #[test]
    fn export_links_check_the_range() {
        assert_eq!(
            export_hrefs("2026-12-01", "2026-12-31", "SUCCESS", "method"),
            Ok((
                "/api/admin/transactions/export?format=csv&from=2026-12-01&to=2026-12-31&status=SUCCESS".to_owned(),
                "/api/admin/transactions/export?format=pdf&from=2026-12-01&to=2026-12-31&status=SUCCESS&group=method".to_owned(),
            ))
        );
        assert_eq!(
            export_hrefs("2026-12-31", "2026-12-01", "", "day"),
            Err("admin-export-inverted")
        );
        assert_eq!(
            export_hrefs("2016-01-01", "2026-01-01", "", "day"),
            Err("admin-export-too-long")
        );
        assert_eq!(
            export_hrefs("", "2026-01-01", "", "day"),
            Err("admin-export-dates-needed")
        );
    }
}
