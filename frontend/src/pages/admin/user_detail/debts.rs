//! The debts tab: the summary (automatic and manual debt, items, what settling costs now),
//! the manual items with **Lunasi** each, **Lunasi semua**, the report by WhatsApp and as a
//! PDF, and a form to add a debt by MB or by package (granted now, owed).

use leptos::prelude::*;
use saring_domain::dto::operator::{DebtItemView, DebtSettlement, UserDebts};

use super::{Part, QUOTA_PARTS, use_console};
use crate::api;
use crate::contexts::{I18n, use_i18n, use_settings};
use crate::format;
use crate::pages::admin::debts::{DEBT_COLUMNS, debt_cells};
use crate::pages::admin::forms;
use crate::pages::admin::operator_forms::{DebtBy, DebtForm, SettleForm, Unit};
use crate::pages::admin::parts::{
    Action, ActionPanel, ConfirmButton, Kind, input, items_of, list_table, loaded, package_select,
    radio, row_form, submit_button, unit_select,
};

/// What the settle form settles.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Settle {
    All,
    One(String),
}

/// The receipt of a settlement, in words, with its link.
fn receipt_view(i18n: I18n, r: DebtSettlement) -> impl IntoView {
    let l = i18n.get();
    let paid = i18n.tr_with(
        "console-settled-facts",
        &[
            ("auto", &format::whole_mb(r.paid_auto_mb, l)),
            ("manual", &format::whole_mb(r.paid_manual_mb, l)),
            ("receipt", &r.receipt_number),
        ],
    );
    view! {
        <div class="alert alert-ok" role="status" data-testid="settlement" data-receipt=r.receipt_number.clone()>
            <p>{paid}</p>
            {r.unblocked.then(|| view! { <p>{i18n.tr("console-settled-unblocked")}</p> })}
            <a href=r.receipt_url.clone() target="_blank" rel="noopener" data-testid="receipt-link">
                {i18n.tr("console-receipt-download")}
            </a>
        </div>
    }
}

/// The money received and a note, then **Lunasi** (one item or everything).
#[component]
fn SettleBox(
    target: Settle,
    action: Action,
    settling: RwSignal<Option<Settle>>,
    receipt: RwSignal<Option<DebtSettlement>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let console = use_console();
    let amount = RwSignal::new(String::new());
    let note = RwSignal::new(String::new());
    let debt_id = match &target {
        Settle::All => None,
        Settle::One(id) => Some(id.clone()),
    };
    let question = if debt_id.is_some() {
        "console-settle-one-confirm"
    } else {
        "console-settle-all-confirm"
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let form = SettleForm {
            amount: amount.get_untracked(),
            note: note.get_untracked(),
        };
        let id = console.id();
        let debt_id = debt_id.clone();
        action.run(
            form.to_request(),
            move |b| async move { api::operator::settle_debt(&id, debt_id.as_deref(), &b).await },
            move |r| {
                receipt.set(Some(r));
                settling.set(None);
                console.changed(QUOTA_PARTS);
                i18n.text("console-settled")
            },
        );
    };
    view! {
        <form class="confirm" novalidate data-testid="settle-box" on:submit=submit>
            <p>{move || i18n.tr(question)}</p>
            <div class="row">
                {input(i18n, action.errors, "console-settle-amount", "amount_rp", "settle-amount", Kind::Whole, amount)}
                {input(i18n, action.errors, "console-note", "note", "settle-note", Kind::Text, note)}
            </div>
            <div class="row">
                {submit_button(i18n, action.busy, "console-settle", "settle-confirm")}
                <button type="button" class="btn btn-ghost" data-testid="settle-cancel"
                    on:click=move |_| settling.set(None)>{move || i18n.tr("common-cancel")}</button>
            </div>
        </form>
    }
}

fn summary_view(i18n: I18n, d: &UserDebts) -> impl IntoView + use<> {
    let l = i18n.get();
    let s = &d.summary;
    let rows = [
        ("console-debt-auto", format::whole_mb(s.auto_debt_mb, l)),
        ("console-debt-manual", format::whole_mb(s.manual_debt_mb, l)),
        (
            "console-debt-items",
            i18n.tr_with(
                "console-debt-items-count",
                &[
                    ("open", &s.open_items.to_string()),
                    ("paid", &s.paid_items.to_string()),
                    ("total", &s.total_items.to_string()),
                ],
            ),
        ),
        (
            "console-debt-estimate",
            s.estimated_total_rp
                .map(|r| r.to_string())
                .unwrap_or_else(|| "–".into()),
        ),
    ];
    view! {
        <div class="stats" data-testid="debt-summary">
            {rows.into_iter().map(|(k, v)| view! {
                <div class="stat"><span class="muted small">{i18n.tr(k)}</span><strong>{v}</strong></div>
            }).collect_view()}
        </div>
    }
}

#[component]
fn AddDebtSection() -> impl IntoView {
    let i18n = use_i18n();
    let console = use_console();
    let action = Action::new(i18n);
    let packages = LocalResource::new(api::admin::packages);
    let by = RwSignal::new(DebtBy::Amount);
    let amount = RwSignal::new(String::new());
    let unit = RwSignal::new(Unit::Gb);
    let package_id = RwSignal::new(String::new());
    let debt_date = RwSignal::new(String::new());
    let due_date = RwSignal::new(String::new());
    let price = RwSignal::new(String::new());
    let note = RwSignal::new(String::new());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let form = DebtForm {
            by: by.get_untracked(),
            amount: amount.get_untracked(),
            unit: unit.get_untracked(),
            package_id: package_id.get_untracked(),
            debt_date: debt_date.get_untracked(),
            due_date: due_date.get_untracked(),
            price: price.get_untracked(),
            note: note.get_untracked(),
        };
        let id = console.id();
        action.run(
            form.to_request(),
            move |b| async move { api::operator::add_debt(&id, &b).await },
            move |item| {
                console.changed(QUOTA_PARTS);
                i18n.text_with(
                    "console-debt-added",
                    &[(
                        "mb",
                        &format::whole_mb(item.amount_mb, i18n.locale.get_untracked()),
                    )],
                )
            },
        );
    };
    let price_hint = move || {
        forms::parse_price(&price.get())
            .map(|p| saring_domain::Rupiah(p).to_string())
            .unwrap_or_default()
    };
    view! {
        <ActionPanel title="console-debt-add-title" testid="add-debt-section" action=action>
            <form class="stack" novalidate on:submit=submit>
                <div class="radios" role="radiogroup">
                    {radio(i18n, by, DebtBy::Amount, "debt-by", "console-debt-by-amount", "debt-by-amount")}
                    {radio(i18n, by, DebtBy::Package, "debt-by", "console-debt-by-package", "debt-by-package")}
                </div>
                <Show when=move || by.get() == DebtBy::Amount>
                    <div class="row">
                        {input(i18n, action.errors, "console-amount", "amount_mb", "debt-amount", Kind::Decimal, amount)}
                        {unit_select(i18n, unit, "debt-unit")}
                        <div class="field">
                            {input(i18n, action.errors, "console-debt-price", "price_rp", "debt-price", Kind::Whole, price)}
                            <small class="muted">{price_hint}</small>
                        </div>
                    </div>
                </Show>
                <Show when=move || by.get() == DebtBy::Package>
                    {package_select(i18n, action.errors, packages, package_id, "debt-package", false)}
                    <small class="muted">{move || i18n.tr("console-debt-package-help")}</small>
                </Show>
                <div class="row">
                    {input(i18n, action.errors, "console-debt-date", "debt_date", "debt-date", Kind::Date, debt_date)}
                    {input(i18n, action.errors, "console-due-date", "due_date", "debt-due", Kind::Date, due_date)}
                </div>
                <small class="muted">{move || i18n.tr("console-due-help")}</small>
                {input(i18n, action.errors, "console-note", "note", "debt-note", Kind::Text, note)}
                {submit_button(i18n, action.busy, "console-debt-add", "debt-submit")}
            </form>
        </ActionPanel>
    }
}

#[component]
pub fn DebtsTab() -> impl IntoView {
    let i18n = use_i18n();
    let settings = use_settings();
    let console = use_console();
    let action = Action::new(i18n);
    let settling = RwSignal::new(None::<Settle>);
    let receipt = RwSignal::new(None::<DebtSettlement>);
    let debts = LocalResource::new(move || {
        console.track(Part::Debts);
        let id = console.id.get();
        async move { api::operator::user_debts(&id).await }
    });
    let manage = move || console.powers.get().quota;

    let send_report = move |_: String| {
        let id = console.id();
        action.run(
            Ok(()),
            move |_| async move { api::operator::send_debt_report(&id).await },
            move |r| {
                i18n.text(if r.whatsapp_queued {
                    "console-report-sent"
                } else {
                    "console-report-not-sent"
                })
            },
        )
    };

    let row = move |d: DebtItemView| {
        let id = d.id.clone();
        let (open_id, form_id) = (d.id.clone(), d.id.clone());
        let open = !d.is_paid;
        view! {
            <tr data-testid="debt-row" data-debt-id=d.id.clone() data-paid=d.is_paid.to_string()>
                {debt_cells(i18n, settings.tz(), &d)}
                <td>{move || (open && manage()).then(|| {
                    let id = id.clone();
                    view! {
                        <button type="button" class="btn btn-ghost" data-testid="settle-one"
                            on:click=move |_| settling.set(Some(Settle::One(id.clone())))>
                            {move || i18n.tr("console-settle")}
                        </button>
                    }
                })}</td>
            </tr>
            {row_form(
                DEBT_COLUMNS.len() + 1,
                move || settling.get() == Some(Settle::One(open_id.clone())),
                move || view! { <SettleBox target=Settle::One(form_id.clone()) action=action settling=settling receipt=receipt/> },
            )}
        }
    };

    view! {
        <section class="panel stack" data-testid="debts-section">
            <div class="panel-head">
                <h2>{move || i18n.tr("console-tab-debts")}</h2>
                <a class="btn btn-ghost" data-testid="debt-report-pdf" download
                    href=move || api::operator::debt_report_url(&console.id.get())>
                    {move || i18n.tr("console-report-pdf")}
                </a>
            </div>
            {action.view()}
            {move || receipt.get().map(|r| receipt_view(i18n, r))}
            {move || loaded(i18n, debts.get(), |d| summary_view(i18n, &d).into_any())}
            <Show when=manage>
                <div class="row">
                    {move || if settling.get() == Some(Settle::All) {
                        view! { <SettleBox target=Settle::All action=action settling=settling receipt=receipt/> }.into_any()
                    } else {
                        view! {
                            <button type="button" class="btn btn-primary" data-testid="settle-all"
                                on:click=move |_| settling.set(Some(Settle::All))>
                                {move || i18n.tr("console-settle-all")}
                            </button>
                        }.into_any()
                    }}
                    <ConfirmButton label="console-report-send" message="console-report-send-confirm"
                        testid="debt-report-send" on_confirm=Callback::new(send_report)/>
                </div>
            </Show>
            {move || list_table(
                i18n,
                items_of(debts.get(), |d| d.items),
                ("console-no-debts", "no-debts"),
                "debts",
                &[&DEBT_COLUMNS[..], &["admin-actions"]].concat(),
                row,
            )}
        </section>
        <Show when=manage>
            <AddDebtSection/>
        </Show>
    }
}
