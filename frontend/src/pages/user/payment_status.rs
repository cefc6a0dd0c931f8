//! `/payment/status?order_id=…&t=…` and `/payment/finish` (where Snap returns): the order's
//! state, asked from the API every 3 s while it is open (Snap's query parameters are never
//! trusted). With `t` the signed public route is used, so the link works without a session.

use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;
use saring_domain::PaymentStatus;
use saring_domain::dto::payments::TransactionDetail;

use crate::api::{self, ApiError};
use crate::components::common::{Alert, AlertKind, CardPage, ConfirmBox, Shell, use_title};
use crate::components::payments::{bank_label, method_key, status_class, status_key};
use crate::contexts::{I18n, use_i18n, use_session, use_settings};
use crate::format;

fn fact(label: String, value: String, testid: &'static str) -> impl IntoView {
    view! { <div class="stat"><span class="muted">{label}</span><strong data-testid=testid>{value}</strong></div> }
}

/// What the order pays for: the package, or the debt.
fn item_name(i18n: I18n, d: &TransactionDetail) -> String {
    match &d.package {
        Some(p) => p.name.clone(),
        None if d.purpose == "debt" => i18n.tr("history-debt-payment"),
        None => "–".to_owned(),
    }
}

/// VA number, bill key, QR code, deeplink or Snap's page: how to pay an open order.
fn instructions(i18n: I18n, d: &TransactionDetail, token: Option<String>) -> impl IntoView {
    let method = d.payment_method.clone().unwrap_or_default();
    let va = d.va_number.clone().map(|n| {
        let bank = d
            .va_bank
            .clone()
            .map(|b| bank_label(&b))
            .unwrap_or_default();
        view! {
            <div class="stat"><span class="muted">{i18n.tr("pay-va-number")}" "{bank}</span>
                <strong class="mono" data-testid="pay-va-number">{n}</strong></div>
        }
    });
    let code = d.payment_code.clone().map(|c| {
        let biller = d.biller_code.clone();
        view! {
            {biller.map(|b| view! { <div class="stat"><span class="muted">{i18n.tr("pay-biller-code")}</span><strong class="mono">{b}</strong></div> })}
            <div class="stat"><span class="muted">{i18n.tr("pay-payment-code")}</span>
                <strong class="mono" data-testid="pay-code">{c}</strong></div>
        }
    });
    let has_qr = d.qr_string.is_some() || d.qr_code_url.is_some();
    let qr = has_qr.then(|| {
        let src = api::payments::qr_url(&d.order_id, token.as_deref());
        view! {
            <figure class="stack center-text">
                <img src=src alt=i18n.tr("pay-qr-alt") width="240" height="240" data-testid="pay-qr"/>
                <figcaption class="muted small">{i18n.tr("pay-qr-help")}</figcaption>
            </figure>
        }
    });
    let deeplink = d.deeplink_redirect_url.clone().map(|url| {
        view! { <a class="btn btn-primary" href=url data-testid="pay-deeplink">{i18n.tr("pay-open-app")}</a> }
    });
    let snap = (d.provider_mode == "snap")
        .then(|| d.redirect_url.clone())
        .flatten()
        .map(|url| {
            view! { <a class="btn btn-primary" href=url data-testid="pay-continue">{i18n.tr("pay-continue")}</a> }
        });
    view! {
        <div class="stack" data-testid="pay-instructions">
            {(!method.is_empty()).then(|| view! { <p class="muted">{i18n.tr("pay-method")}": "{i18n.tr(method_key(&method))}</p> })}
            <div class="stats">{va}{code}</div>
            {qr}
            {deeplink}
            {snap}
            <p class="muted small" aria-live="polite">{i18n.tr("pay-waiting")}</p>
        </div>
    }
}

#[component]
pub fn PaymentStatusPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let settings = use_settings();
    let query = use_query_map();
    use_title("pay-title");
    let order_id = Memo::new(move |_| {
        query
            .with(|q| q.get("order_id"))
            .filter(|s| !s.trim().is_empty())
    });
    let token = Memo::new(move |_| query.with(|q| q.get("t")).filter(|s| !s.trim().is_empty()));
    let state: RwSignal<Option<Result<TransactionDetail, ApiError>>> = RwSignal::new(None);
    let in_flight = RwSignal::new(false);
    let cancel_error: RwSignal<Option<String>> = RwSignal::new(None);
    let asking = RwSignal::new(false);

    let load = move || {
        let Some(id) = order_id.get_untracked() else {
            return;
        };
        if in_flight.get_untracked() {
            return;
        }
        in_flight.set(true);
        let t = token.get_untracked();
        spawn_local(async move {
            let result = api::payments::detail(&id, t.as_deref()).await;
            let paid_now = matches!(&result, Ok(d) if d.status == PaymentStatus::Success)
                && !state.with_untracked(
                    |s| matches!(s, Some(Ok(d)) if d.status == PaymentStatus::Success),
                );
            // Unchanged answers leave the page as it is (no flicker, no QR reload).
            let changed = state
                .try_with_untracked(|s| s.as_ref() != Some(&result))
                .unwrap_or(false);
            if changed {
                let _ = state.try_set(Some(result));
            }
            let _ = in_flight.try_set(false);
            // The access status changes with the payment: refresh the session (guard).
            if paid_now && session.user().is_some() {
                session.refresh();
            }
        });
    };
    Effect::new(move |_| {
        order_id.track();
        token.track();
        state.set(None);
        load();
    });
    if let Ok(h) = set_interval_with_handle(
        move || {
            let again = state.with_untracked(|s| match s {
                Some(Ok(d)) => d.status.is_open(),
                Some(Err(e)) => e.is_network(),
                None => false,
            });
            if again {
                load();
            }
        },
        Duration::from_secs(3),
    ) {
        on_cleanup(move || h.clear());
    }

    let cancel = move |_: String| {
        asking.set(false);
        cancel_error.set(None);
        let Some(id) = order_id.get_untracked() else {
            return;
        };
        let t = token.get_untracked();
        spawn_local(async move {
            match api::payments::cancel(&id, t.as_deref()).await {
                Ok(d) => {
                    let _ = state.try_set(Some(Ok(d)));
                }
                Err(e) => {
                    let _ = cancel_error.try_set(Some(e.text(i18n.locale.get_untracked())));
                }
            }
        });
    };

    let body = move || {
        if order_id.get().is_none() {
            return view! {
                <p class="alert alert-error" role="alert" data-testid="pay-error">{i18n.tr("pay-missing-order")}</p>
                <A href="/beli">{move || i18n.tr("pay-back-to-buy")}</A>
            }
            .into_any();
        }
        match state.get() {
            None => view! { <p class="muted skeleton">{move || i18n.tr("common-loading")}</p> }.into_any(),
            Some(Err(e)) => view! {
                <p class="alert alert-error" role="alert" data-testid="pay-error">{e.text(i18n.locale.get())}</p>
                <A href="/beli">{move || i18n.tr("pay-back-to-buy")}</A>
            }
            .into_any(),
            Some(Ok(d)) => {
                let tz = settings.tz();
                let status = d.status;
                let open = status.is_open();
                // Invoices need a session (the owner's route); a signed link alone gives none.
                let owner = move || session.user().is_some();
                let amount = if d.amount_display.is_empty() {
                    d.amount.to_string()
                } else {
                    d.amount_display.clone()
                };
                let outcome = match status {
                    PaymentStatus::Success => {
                        let href = api::payments::invoice_url(&d.order_id);
                        let file = format!("invoice-{}.pdf", d.order_id);
                        let invoice = move || {
                            owner().then(|| {
                                view! {
                                    <a class="btn btn-ghost" href=href.clone() download=file.clone()
                                        data-testid="invoice-link">{i18n.tr("pay-invoice")}</a>
                                }
                            })
                        };
                        view! {
                            <p class="alert alert-ok" role="status" data-testid="pay-success">{i18n.tr("pay-success")}</p>
                            <div class="row">
                                {invoice}
                                <A href="/dashboard" attr:class="btn btn-primary" attr:data-testid="pay-to-dashboard">{move || i18n.tr("pay-to-dashboard")}</A>
                            </div>
                        }
                        .into_any()
                    }
                    PaymentStatus::Pending | PaymentStatus::Unknown => {
                        instructions(i18n, &d, token.get()).into_any()
                    }
                    ended => {
                        let key = match ended {
                            PaymentStatus::Expired => "pay-expired",
                            PaymentStatus::Cancelled => "pay-cancelled",
                            PaymentStatus::Failed => "pay-failed",
                            _ => "pay-closed-other",
                        };
                        view! {
                            <p class="alert alert-warn" role="status" data-testid="pay-ended">{i18n.tr(key)}</p>
                            <A href="/beli" attr:class="btn btn-primary" attr:data-testid="pay-again">{move || i18n.tr("pay-back-to-buy")}</A>
                        }
                        .into_any()
                    }
                };
                view! {
                    <section class="panel stack" data-testid="payment" data-status=status.as_str()>
                        <div class="panel-head">
                            <h2>{item_name(i18n, &d)}</h2>
                            <span class=status_class(status) data-testid="pay-status">{i18n.tr(status_key(status))}</span>
                        </div>
                        <div class="stats">
                            {fact(i18n.tr("pay-order-id"), d.order_id.clone(), "pay-order-id")}
                            {fact(i18n.tr("pay-amount"), amount, "pay-amount")}
                            {open.then(|| fact(i18n.tr("pay-expiry"), format::datetime(tz, d.expiry_time), "pay-expiry"))}
                            {d.payment_time.map(|t| fact(i18n.tr("pay-paid-at"), format::datetime(tz, Some(t)), "pay-paid-at"))}
                        </div>
                        {outcome}
                        {open.then(|| view! {
                            <Alert kind=AlertKind::Error text=cancel_error/>
                            <Show when=move || asking.get() fallback=move || view! {
                                <button type="button" class="btn btn-ghost" data-testid="pay-cancel"
                                    on:click=move |_| asking.set(true)>{move || i18n.tr("pay-cancel")}</button>
                            }>
                                <ConfirmBox message=Signal::derive(move || i18n.tr("pay-cancel-confirm"))
                                    confirm_label=Signal::derive(move || i18n.tr("pay-cancel"))
                                    danger=true
                                    on_confirm=Callback::new(cancel) on_cancel=Callback::new(move |_| asking.set(false))/>
                            </Show>
                        })}
                    </section>
                }
                .into_any()
            }
        }
    };

    view! {
        <Show when=move || session.user().is_some() fallback=move || view! {
            <CardPage wide=true>
                <h1>{move || i18n.tr("pay-title")}</h1>
                {body}
            </CardPage>
        }>
            <Shell>
                <h1>{move || i18n.tr("pay-title")}</h1>
                {body}
            </Shell>
        </Show>
    }
}
