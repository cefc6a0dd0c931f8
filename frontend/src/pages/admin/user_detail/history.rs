//! The quota-history tab: the account's ledger in plain words (the server's sentences), with
//! kind and date filters and paging.

use leptos::prelude::*;
use saring_domain::dto::operator::QuotaHistoryQuery;
use saring_domain::dto::users::QuotaHistoryItem;

use super::{Part, use_console};
use crate::api;
use crate::components::common::Pager;
use crate::contexts::{use_i18n, use_settings};
use crate::format;
use crate::pages::admin::operator_forms::HistoryFilter;
use crate::pages::admin::parts::{
    Action, ConfirmButton, FormErrors, Kind, input, items_of, list_table,
};

/// The ledger's kinds (`?kind=`) and their text keys.
pub const HISTORY_KINDS: [(&str, &str); 7] = [
    ("purchase", "console-kind-purchase"),
    ("usage", "console-kind-usage"),
    ("admin", "console-kind-admin"),
    ("debt", "console-kind-debt"),
    ("komandan", "console-kind-komandan"),
    ("block", "console-kind-block"),
    ("other", "console-kind-other"),
];

/// The user's PDF reports (detail report, quota history) and "send by WhatsApp" for each.
#[component]
pub fn ReportButtons() -> impl IntoView {
    let i18n = use_i18n();
    let console = use_console();
    let action = Action::new(i18n);
    let send = move |report: &'static str| {
        move |_: String| {
            let id = console.id();
            action.run(
                Ok(()),
                move |_| async move { api::operator::send_user_report(&id, report).await },
                move |r| {
                    i18n.text(if r.whatsapp_queued {
                        "console-report-sent"
                    } else {
                        "console-report-not-sent"
                    })
                },
            )
        }
    };
    view! {
        <div class="stack" data-testid="user-reports">
            {action.view()}
            <div class="row">
                <a class="btn btn-ghost" data-testid="detail-report-pdf" target="_blank" rel="noopener"
                    href=move || api::operator::user_report_url(&console.id.get(), "detail-report")>
                    {move || i18n.tr("console-detail-report-pdf")}
                </a>
                <a class="btn btn-ghost" data-testid="quota-history-pdf" target="_blank" rel="noopener"
                    href=move || api::operator::user_report_url(&console.id.get(), "quota-history")>
                    {move || i18n.tr("console-quota-history-pdf")}
                </a>
                <ConfirmButton label="console-detail-report-send" message="console-user-report-send-confirm"
                    testid="detail-report-send" on_confirm=Callback::new(send("detail-report"))/>
                <ConfirmButton label="console-quota-history-send" message="console-user-report-send-confirm"
                    testid="quota-history-send" on_confirm=Callback::new(send("quota-history"))/>
            </div>
        </div>
    }
}

#[component]
pub fn HistoryTab() -> impl IntoView {
    let i18n = use_i18n();
    let settings = use_settings();
    let console = use_console();
    let errors = FormErrors::new(i18n);
    let kind = RwSignal::new(String::new());
    let from = RwSignal::new(String::new());
    let to = RwSignal::new(String::new());
    let query = RwSignal::new(QuotaHistoryQuery::default());
    let page = RwSignal::new(1u64);
    let list = LocalResource::new(move || {
        console.track(Part::History);
        let (id, q, page) = (console.id.get(), query.get(), page.get());
        async move { api::operator::quota_history(&id, &q, page).await }
    });
    let meta = Signal::derive(move || list.get().and_then(Result::ok).map(|p| p.meta()));

    let apply = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        errors.clear();
        let filter = HistoryFilter {
            kind: kind.get_untracked(),
            from: from.get_untracked(),
            to: to.get_untracked(),
        };
        match filter.to_query() {
            Ok(q) => {
                query.set(q);
                page.set(1);
            }
            Err(problems) => errors.local(problems),
        }
    };

    let row = move |h: QuotaHistoryItem| {
        let l = i18n.get();
        let tz = settings.tz();
        let change = [
            format::signed_mb(h.delta_purchased_mb, l),
            format::signed_mb(h.delta_used_mb, l),
        ];
        let [bought, used] = change;
        view! {
            <tr data-testid="history-row" data-source=h.source.clone()>
                <td class="small">{format::datetime(tz, Some(h.created_at))}</td>
                <td>
                    <strong>{h.title.clone()}</strong>
                    {h.description.clone().map(|d| view! { <br/><span class="muted small">{d}</span> })}
                </td>
                <td class="mono">{bought}</td>
                <td class="mono">{used}</td>
                <td class="small">{h.actor.clone().unwrap_or_else(|| i18n.tr("admin-log-system"))}</td>
            </tr>
        }
    };

    view! {
        <section class="panel stack" data-testid="history-section">
            <h2>{move || i18n.tr("console-tab-history")}</h2>
            <ReportButtons/>
            {errors.view()}
            <form class="filters" role="search" novalidate on:submit=apply>
                <label class="field">
                    <span>{move || i18n.tr("console-kind")}</span>
                    <select data-testid="history-kind" bind:value=kind>
                        <option value="">{move || i18n.tr("console-kind-all")}</option>
                        {HISTORY_KINDS.iter().map(|(v, k)| view! { <option value=*v>{move || i18n.tr(k)}</option> }).collect_view()}
                    </select>
                </label>
                {input(i18n, errors, "console-from", "from", "history-from", Kind::Date, from)}
                {input(i18n, errors, "console-to", "to", "history-to", Kind::Date, to)}
                <button type="submit" class="btn btn-ghost" data-testid="history-apply">{move || i18n.tr("console-apply")}</button>
            </form>
            {move || list_table(
                i18n,
                items_of(list.get(), |p| p.items),
                ("console-no-history", "no-history"),
                "history",
                &[
                    "admin-log-time",
                    "console-history-what",
                    "console-history-purchased",
                    "console-history-used",
                    "admin-log-admin",
                ],
                row,
            )}
            <Pager meta=meta page=page/>
        </section>
    }
}
