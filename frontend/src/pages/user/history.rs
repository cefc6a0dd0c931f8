//! `/riwayat`: the user's transactions (with invoices) and open quota debts, which can be
//! paid per item or all at once (then the same flow as a purchase).

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use saring_domain::dto::payments::DebtInitiateRequest;
use saring_domain::dto::users::{QuotaDebtItem, QuotaDebtList, QuotaSummary, TransactionItem};
use saring_domain::{Megabytes, PaymentStatus};

use crate::api::{self, ApiError};
use crate::components::common::{Alert, AlertKind, Pager, PortalShell, use_go, use_title};
use crate::components::payments::{
    MethodChoice, MethodPicker, closed_banner, follow, payments_open, status_class, status_key,
    status_path,
};
use crate::contexts::{I18n, use_i18n, use_settings};
use crate::format;

fn loading_or_error<T>(
    i18n: I18n,
    data: Option<Result<T, ApiError>>,
    render: impl FnOnce(T) -> AnyView,
) -> AnyView {
    match data {
        None => {
            view! { <p class="muted skeleton">{move || i18n.tr("common-loading")}</p> }.into_any()
        }
        Some(Err(e)) => {
            view! { <p class="alert alert-error" role="alert">{e.text(i18n.locale.get())}</p> }
                .into_any()
        }
        Some(Ok(v)) => render(v),
    }
}

fn transaction_row(i18n: I18n, tz: saring_domain::AppTz, t: TransactionItem) -> impl IntoView {
    let status = t.status;
    let what = match (&t.package_name, t.purpose.as_str()) {
        (Some(name), _) => name.clone(),
        (None, "debt") => i18n.tr("history-debt-payment"),
        (None, _) => "–".to_owned(),
    };
    let href = api::payments::invoice_url(&t.order_id);
    let file = format!("invoice-{}.pdf", t.order_id);
    let link = status_path(&t.order_id, None);
    let order_id = t.order_id.clone();
    let invoice = (status == PaymentStatus::Success).then(|| {
        view! {
            <a href=href download=file
                data-testid="tx-invoice">{i18n.tr("history-invoice")}</a>
        }
    });
    view! {
        <tr data-testid="tx-row" data-order-id=t.order_id.clone() data-status=status.as_str()>
            <td class="mono"><A href=link>{order_id}</A></td>
            <td>{what}</td>
            <td>{format::date(tz, Some(t.created_at))}</td>
            <td>{t.amount.to_string()}</td>
            <td><span class=status_class(status)>{i18n.tr(status_key(status))}</span></td>
            <td>{invoice}</td>
        </tr>
    }
}

#[component]
pub fn HistoryPage() -> impl IntoView {
    let i18n = use_i18n();
    let settings = use_settings();
    let go = use_go();
    use_title("nav-history");
    let page = RwSignal::new(1u64);
    let transactions = LocalResource::new(move || api::payments::my_transactions(page.get()));
    let debts = LocalResource::new(api::payments::my_debts);
    let quota = LocalResource::new(api::users::quota);
    let availability = LocalResource::new(api::payments::availability);
    let options = LocalResource::new(api::payments::options);
    let availability = Signal::derive(move || availability.get().and_then(Result::ok));
    let options = Signal::derive(move || options.get().and_then(Result::ok));
    let open = Signal::derive(move || payments_open(availability.get().as_ref()));
    let meta = Signal::derive(move || transactions.get().and_then(Result::ok).map(|p| p.meta()));
    let choice = MethodChoice::new();
    let busy = RwSignal::new(false);
    let error: RwSignal<Option<String>> = RwSignal::new(None);

    // `None` pays the whole debt, `Some(id)` one manual item.
    let pay = move |manual_debt_id: Option<String>| {
        if busy.get_untracked() {
            return;
        }
        error.set(None);
        let (payment_method, va_bank) = choice.request(options.get_untracked().as_ref());
        let body = DebtInitiateRequest {
            payment_method,
            va_bank,
            manual_debt_id,
        };
        busy.set(true);
        spawn_local(async move {
            match api::payments::initiate_debt(&body).await {
                Ok(r) => follow(&r, go),
                Err(e) => {
                    let _ = error.try_set(Some(e.text(i18n.locale.get_untracked())));
                    let _ = busy.try_set(false);
                }
            }
        });
    };

    let debt_item = move |d: QuotaDebtItem| {
        let l = i18n.get();
        let id = d.id.clone();
        let remaining = if d.is_unlimited {
            i18n.tr("buy-unlimited")
        } else {
            format::mb(Megabytes::from_whole(d.remaining_mb), l)
        };
        let date = d
            .debt_date
            .map(|x| x.format("%d-%m-%Y").to_string())
            .unwrap_or_else(|| format::date(settings.tz(), Some(d.created_at)));
        let due = d.due_date.map(|x| x.format("%d-%m-%Y").to_string());
        view! {
            <li class="device" data-testid="debt-item" data-debt-id=d.id.clone()>
                <div class="stats">
                    <div class="stat"><span class="muted">{i18n.tr("history-debt-date")}</span><strong>{date}</strong></div>
                    <div class="stat"><span class="muted">{i18n.tr("history-debt-remaining")}</span><strong>{remaining}</strong></div>
                    {d.price_due.map(|p| view! { <div class="stat"><span class="muted">{i18n.tr("history-debt-price")}</span><strong>{p.to_string()}</strong></div> })}
                    {due.map(|x| view! { <div class="stat"><span class="muted">{i18n.tr("history-debt-due")}</span><strong>{x}</strong></div> })}
                </div>
                {d.note.clone().filter(|n| !n.trim().is_empty()).map(|n| view! { <p class="muted small">{n}</p> })}
                {(!d.is_paid).then(|| view! {
                    <button type="button" class="btn btn-primary" data-testid="debt-pay"
                        disabled=move || !open.get() || busy.get()
                        on:click=move |_| pay(Some(id.clone()))>{move || i18n.tr("history-pay")}</button>
                })}
            </li>
        }
    };

    // Without the item list (an older server, an error) the total can still be paid.
    let debts_panel = move |(q, list): (QuotaSummary, Option<QuotaDebtList>)| {
        let l = i18n.get();
        let owes = q.quota_debt_total_mb.centi() > 0;
        let open_items: Vec<QuotaDebtItem> = list
            .map(|l| l.debts.items)
            .unwrap_or_default()
            .into_iter()
            .filter(|d| !d.is_paid)
            .collect();
        if !owes && open_items.is_empty() {
            return view! { <p class="muted" data-testid="no-debts">{i18n.tr("history-no-debts")}</p> }.into_any();
        }
        let estimate = q.quota_debt_total_estimated_rp.map(|r| r.to_string());
        view! {
            <div class="stack">
                {owes.then(|| view! {
                    <div class="stats">
                        <div class="stat"><span class="muted">{i18n.tr("dashboard-debt-total")}</span>
                            <strong data-testid="debt-total">{format::mb(q.quota_debt_total_mb, l)}</strong></div>
                        {estimate.map(|e| view! { <div class="stat"><span class="muted">{i18n.tr("dashboard-debt-estimate")}</span><strong>{e}</strong></div> })}
                    </div>
                    <button type="button" class="btn btn-primary" data-testid="debt-pay-all"
                        disabled=move || !open.get() || busy.get()
                        on:click=move |_| pay(None)>{move || i18n.tr("history-pay-all")}</button>
                })}
                {(!open_items.is_empty()).then(|| view! {
                    <ul class="devices" data-testid="debt-items">{open_items.into_iter().map(debt_item).collect_view()}</ul>
                })}
            </div>
        }
        .into_any()
    };

    view! {
        <PortalShell>
            <h1>{move || i18n.tr("nav-history")}</h1>
            <section class="panel panel-warn stack" aria-labelledby="debts-title" data-testid="debts-panel">
                <h2 id="debts-title">{move || i18n.tr("history-debts")}</h2>
                {closed_banner(i18n, availability)}
                <Alert kind=AlertKind::Error text=error/>
                <MethodPicker options=options choice=choice/>
                {move || {
                    let both = match (quota.get(), debts.get()) {
                        (Some(Ok(q)), Some(d)) => Some(Ok((q, d.ok()))),
                        (Some(Err(e)), _) => Some(Err(e)),
                        _ => None,
                    };
                    loading_or_error(i18n, both, debts_panel)
                }}
            </section>
            <section class="panel stack" aria-labelledby="tx-title" data-testid="transactions-panel">
                <h2 id="tx-title">{move || i18n.tr("history-transactions")}</h2>
                {move || loading_or_error(i18n, transactions.get(), |p| {
                    if p.items.is_empty() {
                        return view! {
                            <p class="muted" data-testid="no-transactions">{i18n.tr("history-empty")}</p>
                            <A href="/beli" attr:class="btn btn-primary">{move || i18n.tr("nav-buy")}</A>
                        }.into_any();
                    }
                    let tz = settings.tz();
                    view! {
                        <div class="table-wrap">
                            <table class="table" data-testid="transactions">
                                <thead><tr>
                                    <th>{i18n.tr("pay-order-id")}</th>
                                    <th>{i18n.tr("history-item")}</th>
                                    <th>{i18n.tr("history-date")}</th>
                                    <th>{i18n.tr("pay-amount")}</th>
                                    <th>{i18n.tr("history-status")}</th>
                                    <th>{i18n.tr("history-invoice")}</th>
                                </tr></thead>
                                <tbody>{p.items.into_iter().map(|t| transaction_row(i18n, tz, t)).collect_view()}</tbody>
                            </table>
                        </div>
                    }.into_any()
                })}
                <Pager meta=meta page=page/>
            </section>
        </PortalShell>
    }
}
