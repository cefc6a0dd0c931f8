//! `/admin/transactions/{order_id}`: one order with its event history (time, source, status,
//! raw payload), "Reconcile" (asks Midtrans now and applies the answer) and the PDF report.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use saring_domain::dto::payments::{
    AdminTransactionDetail, ReconcileResponse, TransactionEventDto,
};
use serde_json::Value;

use crate::api::{self, ApiError};
use crate::components::common::{AdminShell, use_title};
use crate::components::payments::{status_class, status_key};
use crate::contexts::{I18n, Settings, use_i18n, use_settings};
use crate::format;

/// A payload as shown: JSON pretty-printed, a plain string as it is.
pub fn payload_text(payload: Option<&Value>) -> Option<String> {
    match payload? {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        other => Some(serde_json::to_string_pretty(other).unwrap_or_else(|_| other.to_string())),
    }
}

fn yes_no(i18n: I18n, v: bool) -> String {
    i18n.tr(if v { "admin-yes" } else { "admin-no" })
}

fn facts(i18n: I18n, settings: Settings, d: &AdminTransactionDetail) -> impl IntoView + use<> {
    let tz = settings.tz();
    let t = &d.transaction;
    let opt = |v: &Option<String>| v.clone().unwrap_or_else(|| "–".into());
    let what = match (t.purpose.as_str(), &t.package) {
        ("debt", _) => {
            let mut s = i18n.tr("admin-tx-debt");
            if let Some(kind) = &t.debt_type {
                s.push_str(&format!(" ({kind})"));
            }
            if let Some(mb) = t.debt_mb {
                s.push_str(&format!(
                    " · {}",
                    format::mb(saring_domain::Megabytes::from_whole(mb), i18n.get())
                ));
            }
            s
        }
        (_, Some(p)) => p.name.clone(),
        _ => "–".into(),
    };
    let rows: Vec<(String, String)> = vec![
        (i18n.tr("admin-tx-item"), what),
        (i18n.tr("admin-tx-amount"), t.amount_display.clone()),
        (i18n.tr("admin-tx-mode"), t.provider_mode.clone()),
        (
            i18n.tr("admin-tx-method"),
            match (&t.payment_method, &t.va_bank) {
                (Some(m), Some(b)) => format!("{m} · {}", b.to_ascii_uppercase()),
                (m, _) => opt(m),
            },
        ),
        (i18n.tr("admin-tx-va"), opt(&t.va_number)),
        (
            i18n.tr("admin-tx-midtrans-id"),
            opt(&t.midtrans_transaction_id),
        ),
        (
            i18n.tr("admin-tx-created"),
            format::datetime(tz, Some(t.created_at)),
        ),
        (
            i18n.tr("admin-tx-expiry"),
            format::datetime(tz, t.expiry_time),
        ),
        (
            i18n.tr("admin-tx-paid"),
            format::datetime(tz, t.payment_time),
        ),
        (i18n.tr("admin-tx-applied"), yes_no(i18n, t.applied)),
        (i18n.tr("admin-tx-by-admin"), opt(&d.created_by_admin_id)),
    ];
    let user = t.user.clone();
    view! {
        <dl class="facts" data-testid="tx-facts">
            <dt>{i18n.tr("admin-tx-user")}</dt>
            <dd>{match user {
                Some(u) => {
                    let label = format!("{} · {}", u.full_name, format::phone(&u.phone_number));
                    match u.id {
                        Some(id) => view! { <A href=format!("/admin/users/{}", api::encode_component(&id))>{label}</A> }.into_any(),
                        None => view! { <span>{label}</span> }.into_any(),
                    }
                }
                None => view! { <span>"–"</span> }.into_any(),
            }}</dd>
            {rows.into_iter().map(|(k, v)| view! { <dt>{k}</dt><dd>{v}</dd> }).collect_view()}
        </dl>
    }
}

fn event_row(i18n: I18n, settings: Settings, e: TransactionEventDto) -> impl IntoView {
    let tz = settings.tz();
    let payload = payload_text(e.payload.as_ref());
    let status = e.status;
    view! {
        <tr data-testid="tx-event">
            <td class="small">{format::datetime(tz, Some(e.created_at))}</td>
            <td><span class="badge">{e.source.clone()}</span></td>
            <td class="mono small">{e.event_type.clone()}</td>
            <td>{match status {
                Some(s) => {
                    let class = status_class(s);
                    let key = status_key(s);
                    view! { <span class=class>{move || i18n.tr(key)}</span> }.into_any()
                }
                None => view! { <span>"–"</span> }.into_any(),
            }}</td>
            <td>{match payload {
                Some(p) => view! {
                    <details class="details" data-testid="tx-event-payload">
                        <summary>{move || i18n.tr("admin-tx-payload")}</summary>
                        <pre class="mono small">{p}</pre>
                    </details>
                }.into_any(),
                None => view! { <span class="muted">"–"</span> }.into_any(),
            }}</td>
        </tr>
    }
}

#[component]
pub fn AdminTransactionDetailPage() -> impl IntoView {
    let i18n = use_i18n();
    let settings = use_settings();
    let params = use_params_map();
    use_title("admin-transaction-title");
    let order_id = Memo::new(move |_| params.with(|p| p.get("order_id")).unwrap_or_default());
    let reload = RwSignal::new(0u32);
    let detail = LocalResource::new(move || {
        reload.track();
        let id = order_id.get();
        async move { api::admin::transaction(&id).await }
    });
    let busy = RwSignal::new(false);
    let outcome = RwSignal::new(None::<Result<ReconcileResponse, ApiError>>);
    let reconcile = move |_| {
        busy.set(true);
        outcome.set(None);
        let id = order_id.get_untracked();
        spawn_local(async move {
            let r = api::admin::reconcile(&id).await;
            if r.is_ok() {
                reload.update(|n| *n += 1);
            }
            outcome.set(Some(r));
            busy.set(false);
        });
    };

    let outcome_view = move || {
        outcome.get().map(|r| match r {
            Err(e) => view! { <p class="alert alert-error" role="alert" data-testid="reconcile-result">{e.text(i18n.get())}</p> }.into_any(),
            Ok(r) => {
                let midtrans = r
                    .midtrans_status
                    .clone()
                    .unwrap_or_else(|| i18n.tr("admin-reconcile-unknown-at-midtrans"));
                let text = i18n.tr_with(
                    "admin-reconcile-done",
                    &[
                        ("status", &i18n.tr(status_key(r.transaction_status))),
                        ("midtrans", &midtrans),
                        ("applied", &yes_no(i18n, r.quota_applied)),
                        ("whatsapp", &yes_no(i18n, r.whatsapp_sent)),
                    ],
                );
                view! { <p class="alert alert-ok" role="status" data-testid="reconcile-result"
                    data-status=r.transaction_status.as_str()>{text}</p> }.into_any()
            }
        })
    };

    view! {
        <AdminShell>
            <p><A href="/admin/transactions">"← "{move || i18n.tr("admin-transactions-title")}</A></p>
            {move || match detail.get() {
                None => view! { <p class="muted">{move || i18n.tr("common-loading")}</p> }.into_any(),
                Some(Err(e)) => view! { <p class="alert alert-error" role="alert">{e.text(i18n.get())}</p> }.into_any(),
                Some(Ok(d)) => {
                    let t = d.transaction.clone();
                    let st_class = status_class(t.status);
                    let st_key = status_key(t.status);
                    let status_attr = t.status.as_str();
                    let pdf = api::admin::transaction_pdf_url(&t.order_id);
                    let events = d.events.clone();
                    let notification = payload_text(d.midtrans_notification_payload.as_ref());
                    view! {
                        <div class="panel-head">
                            <h1 data-testid="tx-order-id">{t.order_id.clone()}</h1>
                            <span class=st_class data-testid="tx-status" data-status=status_attr>
                                {move || i18n.tr(st_key)}
                            </span>
                        </div>
                        <div class="row">
                            <button type="button" class="btn btn-primary" data-testid="reconcile"
                                disabled=move || busy.get() on:click=reconcile>
                                {move || if busy.get() { i18n.tr("common-processing") } else { i18n.tr("admin-reconcile") }}
                            </button>
                            <a class="btn btn-ghost" data-testid="tx-pdf" href=pdf target="_blank" rel="noopener">
                                {move || i18n.tr("admin-tx-pdf")}
                            </a>
                        </div>
                        <p class="muted small">{move || i18n.tr("admin-reconcile-help")}</p>
                        {outcome_view}
                        <section class="panel">
                            <h2>{move || i18n.tr("admin-tx-details")}</h2>
                            {facts(i18n, settings, &d)}
                        </section>
                        <section class="panel">
                            <h2>{move || i18n.tr("admin-tx-events")}</h2>
                            {if events.is_empty() {
                                view! { <p class="muted" data-testid="no-events">{move || i18n.tr("admin-tx-no-events")}</p> }.into_any()
                            } else {
                                view! {
                                    <div class="table-wrap">
                                        <table class="table" data-testid="tx-events">
                                            <thead><tr>
                                                <th scope="col">{move || i18n.tr("admin-log-time")}</th>
                                                <th scope="col">{move || i18n.tr("admin-tx-source")}</th>
                                                <th scope="col">{move || i18n.tr("admin-tx-event")}</th>
                                                <th scope="col">{move || i18n.tr("admin-status")}</th>
                                                <th scope="col">{move || i18n.tr("admin-tx-payload")}</th>
                                            </tr></thead>
                                            <tbody>{events.into_iter().map(|e| event_row(i18n, settings, e)).collect_view()}</tbody>
                                        </table>
                                    </div>
                                }.into_any()
                            }}
                            {notification.map(|p| view! {
                                <details class="details" data-testid="tx-notification">
                                    <summary>{move || i18n.tr("admin-tx-notification")}</summary>
                                    <pre class="mono small">{p}</pre>
                                </details>
                            })}
                        </section>
                    }.into_any()
                }
            }}
        </AdminShell>
    }
}

#[cfg(test)]
mod tests {
    use super::payload_text;
    use serde_json::json;

    #[test]
    fn payloads() {
        assert_eq!(payload_text(None), None);
        assert_eq!(payload_text(Some(&json!(null))), None);
        assert_eq!(
            payload_text(Some(&json!("catatan"))).as_deref(),
            Some("catatan")
        );
        assert_eq!(
            payload_text(Some(&json!({"a": 1}))).as_deref(),
            Some("{\n  \"a\": 1\n}")
        );
    }
}
