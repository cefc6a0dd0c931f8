//! `/admin/debts`: every user's manual debt items (`GET /api/admin/debts`) with a status
//! filter (open, overdue, paid, all) and a name/number search; each links to the user's page,
//! where debts are added and settled.

use leptos::prelude::*;
use leptos_router::components::A;
use saring_domain::dto::operator::{DebtItemView, DebtListQuery};
use saring_domain::{AppTz, Rupiah};

use super::operator_forms::DebtState;
use super::parts::{SearchFilters, filter_select, items_of, list_table};
use crate::api;
use crate::components::common::{AdminShell, Pager, use_title};
use crate::contexts::{I18n, use_i18n, use_settings};
use crate::format::{self, non_blank};

/// The status filter's values and text keys.
const DEBT_FILTERS: [(&str, &str); 4] = [
    ("open", "console-debt-open"),
    ("overdue", "console-debt-overdue"),
    ("paid", "console-debt-paid"),
    ("all", "console-debt-all"),
];

/// The columns an item has on both debt lists (after the user, before the actions).
pub const DEBT_COLUMNS: [&str; 8] = [
    "console-debt-date",
    "console-due-date",
    "console-amount",
    "console-debt-paid-mb",
    "console-debt-remaining",
    "console-debt-price-col",
    "admin-status",
    "console-note",
];

/// The cells of [`DEBT_COLUMNS`] for one item.
pub fn debt_cells(i18n: I18n, tz: AppTz, d: &DebtItemView) -> impl IntoView + use<> {
    let l = i18n.get();
    let today = tz.date(crate::browser::now());
    let (state_key, state_class) = DebtState::of(d, today).label();
    let amount = if d.is_unlimited {
        i18n.tr("admin-package-unlimited")
    } else {
        format::whole_mb(d.amount_mb, l)
    };
    let money = |r: Option<Rupiah>| r.map_or_else(|| "–".to_owned(), |r| r.to_string());
    let price = format!("{} / {}", money(d.price_rp), money(d.estimated_rp));
    let paid_at = d.paid_at.map(|t| format::date(tz, Some(t)));
    view! {
        <td>{format::day(d.debt_date)}</td>
        <td>{format::day(d.due_date)}</td>
        <td>{amount}</td>
        <td>{format::whole_mb(d.paid_mb, l)}</td>
        <td>{format::whole_mb(d.remaining_mb, l)}</td>
        <td class="small">{price}</td>
        <td><span class=state_class>{move || i18n.tr(state_key)}</span>
            {paid_at.map(|p| view! { <br/><span class="muted small">{p}</span> })}</td>
        <td class="small">{d.note.clone().unwrap_or_default()}</td>
    }
}

/// The debtor list export (every user who owes, one line each), matching `search`.
fn export_href(search: &str, format: &str) -> String {
    let qs = api::query_string(&[
        ("format", Some(format.to_owned())),
        ("search", non_blank(search)),
    ]);
    format!("/api/admin/debts/export{qs}")
}

#[component]
pub fn AdminDebtsPage() -> impl IntoView {
    let i18n = use_i18n();
    let settings = use_settings();
    use_title("admin-debts-title");
    let status = RwSignal::new("open".to_owned());
    let search = RwSignal::new(String::new());
    let page = RwSignal::new(1u64);
    let list = LocalResource::new(move || {
        let q = DebtListQuery {
            status: non_blank(&status.get()),
            search: non_blank(&search.get()),
        };
        let page = page.get();
        async move { api::operator::debts(&q, page).await }
    });
    let meta = Signal::derive(move || list.get().and_then(Result::ok).map(|p| p.meta()));

    let row = move |d: DebtItemView| {
        let name = d.user_name.clone().unwrap_or_else(|| "–".into());
        let phone = format::phone(d.user_phone.as_deref().unwrap_or(""));
        let href = format!("/admin/users/{}", api::encode_component(&d.user_id));
        view! {
            <tr data-testid="debt-row" data-debt-id=d.id.clone() data-paid=d.is_paid.to_string()>
                <td><A href=href><strong>{name}</strong></A><br/><span class="muted small">{phone}</span></td>
                {debt_cells(i18n, settings.tz(), &d)}
            </tr>
        }
    };

    view! {
        <AdminShell>
            <div class="panel-head">
                <h1>{move || i18n.tr("admin-debts-title")}</h1>
                <div class="row">
                    <a class="btn btn-ghost" data-testid="debts-export-csv" download=""
                        href=move || export_href(&search.get(), "csv")>{move || i18n.tr("admin-users-export-csv")}</a>
                    <a class="btn btn-ghost" data-testid="debts-export-pdf" target="_blank" rel="noopener"
                        href=move || export_href(&search.get(), "pdf")>{move || i18n.tr("admin-users-export-pdf")}</a>
                </div>
            </div>
            <p class="muted">{move || i18n.tr("admin-debts-help")}</p>
            <SearchFilters search=search page=page testid="debt-search" placeholder="admin-search">
                {filter_select(i18n, status, page, "admin-status", None, DEBT_FILTERS, "debt-status-filter")}
            </SearchFilters>
            {move || list_table(
                i18n,
                items_of(list.get(), |p| p.items),
                ("console-no-debts", "no-debts"),
                "all-debts",
                &[&["admin-tx-user"][..], &DEBT_COLUMNS].concat(),
                row,
            )}
            <Pager meta=meta page=page/>
        </AdminShell>
    }
}
