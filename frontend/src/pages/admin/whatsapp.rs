//! `/admin/whatsapp`: a WhatsApp broadcast to the users a filter selects (access status, role,
//! blok, debt, or explicitly everybody), with a live count of the recipients and a
//! confirmation that names it; and the delivery log (queued / sent / delivered / read /
//! failed per broadcast, and per recipient with the provider's error).

use leptos::prelude::*;
use saring_domain::AccessStatus;
use saring_domain::dto::whatsapp::{
    BROADCAST_MAX_LEN, BroadcastDetail, BroadcastFilter, BroadcastRequest, BroadcastSummary,
    DeliveryCounts,
};

use super::parts::{Action, items_of, list_table, loaded};
use crate::api;
use crate::components::common::{AdminShell, ConfirmBox, Pager, use_title};
use crate::contexts::{I18n, Settings, use_i18n, use_settings};
use crate::format;

/// Checkboxes for the values of one list criterion.
fn chips(
    i18n: I18n,
    options: Signal<Vec<(String, String)>>,
    chosen: RwSignal<Vec<String>>,
    testid: &'static str,
) -> impl IntoView {
    move || {
        options
            .get()
            .into_iter()
            .map(|(value, label_key)| {
                let (v1, v2) = (value.clone(), value.clone());
                view! {
                    <label class="chip" data-testid=testid data-value=value.clone()>
                        <input type="checkbox" prop:checked=move || chosen.with(|c| c.contains(&v1))
                            on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                chosen.update(|c| {
                                    c.retain(|x| *x != v2);
                                    if on {
                                        c.push(v2.clone());
                                    }
                                });
                            }/>
                        <span>{move || crate::i18n::lookup(i18n.get(), &label_key).unwrap_or_else(|| label_key.clone())}</span>
                    </label>
                }
            })
            .collect_view()
    }
}

fn counts_text(i18n: I18n, c: DeliveryCounts) -> String {
    i18n.tr_with(
        "admin-wa-counts",
        &[
            ("queued", &c.queued.to_string()),
            ("sent", &c.sent.to_string()),
            ("delivered", &c.delivered.to_string()),
            ("read", &c.read.to_string()),
            ("failed", &c.failed.to_string()),
        ],
    )
}

fn status_badge(i18n: I18n, status: String) -> impl IntoView {
    let class = match status.as_str() {
        "failed" => "badge badge-error",
        "delivered" | "read" | "sent" => "badge badge-ok",
        _ => "badge",
    };
    let key = format!("admin-wa-status-{status}");
    view! { <span class=class data-testid="wa-status">{move || i18n.tr(&key)}</span> }
}

/// The broadcast form: filter, live preview, message, confirmation.
#[component]
fn BroadcastForm(i18n: I18n, settings: Settings, sent: RwSignal<u32>) -> impl IntoView {
    let all = RwSignal::new(false);
    let statuses: RwSignal<Vec<String>> = RwSignal::new(Vec::new());
    let roles: RwSignal<Vec<String>> = RwSignal::new(Vec::new());
    let bloks: RwSignal<Vec<String>> = RwSignal::new(Vec::new());
    let debt = RwSignal::new(String::new());
    let message = RwSignal::new(String::new());
    let confirming = RwSignal::new(false);
    // One id per broadcast the admin confirms: a retry after a lost answer sends it again and
    // the server recognises it.
    let pending_id: RwSignal<Option<String>> = RwSignal::new(None);
    let action = Action::new(i18n);
    let list = |s: RwSignal<Vec<String>>| {
        let v = s.get();
        (!v.is_empty()).then_some(v)
    };
    let filter = move || BroadcastFilter {
        all: all.get(),
        status: list(statuses),
        role: list(roles),
        blok: list(bloks),
        has_debt: match debt.get().as_str() {
            "yes" => Some(true),
            "no" => Some(false),
            _ => None,
        },
    };
    let preview = LocalResource::new(move || {
        let f = filter();
        async move { api::admin::broadcast_preview(&f).await }
    });
    let count = move || {
        preview
            .get()
            .and_then(Result::ok)
            .map(|p| p.count)
            .unwrap_or(0)
    };
    let status_options = Signal::derive(|| {
        AccessStatus::ALL
            .iter()
            .map(|s| (s.as_str().to_owned(), format!("status-{}", s.as_str())))
            .collect()
    });
    let role_options = Signal::derive(|| {
        vec![
            ("USER".to_owned(), "role-user".to_owned()),
            ("KOMANDAN".to_owned(), "role-komandan".to_owned()),
        ]
    });
    let blok_list = settings.options(|s| &s.blok_options);
    let blok_options = Signal::derive(move || {
        blok_list
            .get()
            .into_iter()
            .map(|b| (b.clone(), b))
            .collect()
    });
    let ask = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        action.errors.clear();
        action.feedback.clear();
        if pending_id.get_untracked().is_none() {
            pending_id.set(Some(crate::browser::random_uuid()));
        }
        confirming.set(true);
    };
    let send = move |_| {
        confirming.set(false);
        let req = BroadcastRequest {
            filter: filter(),
            message: message.get_untracked(),
            broadcast_id: pending_id.get_untracked(),
        };
        action.run(
            Ok(req),
            |r| async move { api::admin::broadcast(&r).await },
            move |a| {
                pending_id.set(None);
                message.set(String::new());
                sent.update(|n| *n += 1);
                i18n.text_with("admin-wa-queued", &[("count", &a.recipients.to_string())])
            },
        );
    };
    view! {
        <section class="panel stack" data-testid="wa-broadcast">
            <h2>{move || i18n.tr("admin-wa-broadcast")}</h2>
            <p class="muted small">{move || i18n.tr("admin-wa-broadcast-help")}</p>
            {action.view()}
            <form class="stack" on:submit=ask>
                <label class="switch">
                    <input type="checkbox" data-testid="wa-all" prop:checked=move || all.get()
                        on:change=move |ev| all.set(event_target_checked(&ev))/>
                    <span>{move || i18n.tr("admin-wa-all")}</span>
                </label>
                <fieldset class="stack" disabled=move || all.get()>
                    <legend>{move || i18n.tr("admin-wa-filter")}</legend>
                    <div class="field"><span>{move || i18n.tr("admin-wa-status")}</span>
                        <div class="chips">{chips(i18n, status_options, statuses, "wa-status-chip")}</div></div>
                    <div class="field"><span>{move || i18n.tr("admin-wa-role")}</span>
                        <div class="chips">{chips(i18n, role_options, roles, "wa-role-chip")}</div></div>
                    <div class="field"><span>{move || i18n.tr("admin-wa-blok")}</span>
                        <div class="chips">{chips(i18n, blok_options, bloks, "wa-blok-chip")}</div></div>
                    <label class="field">
                        <span>{move || i18n.tr("admin-wa-debt")}</span>
                        <select data-testid="wa-debt" prop:value=move || debt.get()
                            on:change=move |ev| debt.set(event_target_value(&ev))>
                            <option value="">{move || i18n.tr("admin-wa-debt-any")}</option>
                            <option value="yes">{move || i18n.tr("admin-wa-debt-yes")}</option>
                            <option value="no">{move || i18n.tr("admin-wa-debt-no")}</option>
                        </select>
                    </label>
                </fieldset>
                <div class="panel stack" data-testid="wa-preview" aria-live="polite">
                    {move || loaded(i18n, preview.get(), move |p| view! {
                        <p><strong data-testid="wa-count">{p.count}</strong>" "{move || i18n.tr("admin-wa-recipients")}</p>
                        <ul class="small">
                            {p.sample.into_iter().map(|r| view! {
                                <li>{r.full_name}" · "<span class="mono">{r.phone_masked}</span></li>
                            }).collect_view()}
                        </ul>
                    }.into_any())}
                </div>
                <label class="field">
                    <span>{move || i18n.tr("admin-wa-message")}</span>
                    <textarea rows="5" data-testid="wa-message" maxlength=BROADCAST_MAX_LEN.to_string()
                        prop:value=move || message.get()
                        on:input=move |ev| message.set(event_target_value(&ev))
                        aria-invalid=move || action.errors.has("message").to_string()></textarea>
                    <small class="muted">{move || format!("{} / {BROADCAST_MAX_LEN}", message.with(|m| m.chars().count()))}</small>
                    {action.errors.field("message")}
                </label>
                {move || if confirming.get() {
                    view! {
                        <div data-testid="wa-confirm">
                            <ConfirmBox
                                message=Signal::derive(move || i18n.tr_with("admin-wa-confirm", &[("count", &count().to_string())]))
                                confirm_label=Signal::derive(move || i18n.tr("admin-wa-send"))
                                on_confirm=Callback::new(send)
                                on_cancel=Callback::new(move |_| confirming.set(false))/>
                        </div>
                    }.into_any()
                } else {
                    view! {
                        <div class="row">
                            <button type="submit" class="btn btn-primary" data-testid="wa-send"
                                disabled=move || action.busy.get() || count() == 0 || message.with(|m| m.trim().is_empty())>
                                {move || if action.busy.get() { i18n.tr("common-processing") } else { i18n.tr("admin-wa-send") }}
                            </button>
                        </div>
                    }.into_any()
                }}
            </form>
        </section>
    }
}

fn summary_row(
    i18n: I18n,
    settings: Settings,
    b: BroadcastSummary,
    open: RwSignal<Option<String>>,
) -> impl IntoView {
    let tz = settings.tz();
    let id = b.id.clone();
    let short: String = b.message.chars().take(80).collect();
    view! {
        <tr data-testid="wa-log-row" data-id=b.id.clone()>
            <td class="small">{format::datetime(tz, Some(b.created_at))}</td>
            <td>{b.admin_name.clone().unwrap_or_else(|| "–".into())}</td>
            <td class="small">{short}</td>
            <td>{b.recipients}</td>
            <td class="small" data-testid="wa-log-counts">{counts_text(i18n, b.counts)}</td>
            <td><button type="button" class="btn btn-ghost" data-testid="wa-log-open"
                on:click=move |_| open.set(Some(id.clone()))>{move || i18n.tr("admin-wa-detail")}</button></td>
        </tr>
    }
}

fn detail_view(i18n: I18n, settings: Settings, d: BroadcastDetail) -> AnyView {
    let tz = settings.tz();
    view! {
        <div class="stack" data-testid="wa-detail">
            <p class="small">{counts_text(i18n, d.summary.counts)}</p>
            <pre class="small">{d.summary.message.clone()}</pre>
            {list_table(
                i18n,
                Some(Ok(d.items)),
                ("admin-wa-none", "wa-detail-empty"),
                "wa-detail-items",
                &["admin-wa-name", "admin-wa-phone", "admin-wa-state", "admin-wa-error", "admin-wa-updated"],
                move |r| view! {
                    <tr data-testid="wa-recipient">
                        <td>{r.full_name.clone().unwrap_or_else(|| "–".into())}</td>
                        <td class="mono">{r.phone_number.clone()}</td>
                        <td>{status_badge(i18n, r.status.clone())}</td>
                        <td class="small">{r.error.clone().unwrap_or_default()}</td>
                        <td class="small">{format::datetime(tz, Some(r.updated_at))}</td>
                    </tr>
                },
            )}
        </div>
    }
    .into_any()
}

#[component]
pub fn AdminWhatsAppPage() -> impl IntoView {
    let i18n = use_i18n();
    let settings = use_settings();
    use_title("admin-wa-title");
    let page = RwSignal::new(1u64);
    let reload = RwSignal::new(0u32);
    let open: RwSignal<Option<String>> = RwSignal::new(None);
    let log = LocalResource::new(move || {
        reload.track();
        let p = page.get();
        async move { api::admin::broadcasts(p).await }
    });
    let meta = Signal::derive(move || log.get().and_then(Result::ok).map(|p| p.meta()));
    let detail = LocalResource::new(move || {
        reload.track();
        let id = open.get();
        async move {
            match id {
                Some(id) => api::admin::broadcast_detail(&id).await.map(Some),
                None => Ok(None),
            }
        }
    });
    view! {
        <AdminShell>
            <h1>{move || i18n.tr("admin-wa-title")}</h1>
            <BroadcastForm i18n=i18n settings=settings sent=reload/>
            <section class="panel stack" data-testid="wa-log">
                <div class="panel-head">
                    <h2>{move || i18n.tr("admin-wa-log")}</h2>
                    <button type="button" class="btn btn-ghost" data-testid="wa-refresh"
                        on:click=move |_| reload.update(|r| *r += 1)>{move || i18n.tr("admin-refresh")}</button>
                </div>
                {move || list_table(
                    i18n,
                    items_of(log.get(), |p| p.items),
                    ("admin-wa-none", "wa-log-empty"),
                    "wa-log-table",
                    &["admin-log-time", "admin-log-admin", "admin-wa-message", "admin-wa-recipients", "admin-wa-delivery", "admin-wa-detail"],
                    move |b| summary_row(i18n, settings, b, open),
                )}
                <Pager meta=meta page=page/>
                {move || match detail.get() {
                    Some(Ok(Some(d))) => detail_view(i18n, settings, d),
                    Some(Err(e)) => view! { <p class="alert alert-error" role="alert">{e.text(i18n.get())}</p> }.into_any(),
                    _ => ().into_any(),
                }}
            </section>
        </AdminShell>
    }
}
