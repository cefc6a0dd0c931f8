//! `/requests` (komandan accounts): what may be asked for now (`GET
//! /api/komandan/requests/limits`: the caps, whether unlimited access may be asked for, when
//! the next request may be made and why not now), the request form (QUOTA in MB or GB with
//! days, or UNLIMITED with days) checked against the caps before it is sent, and the history
//! of requests with their status.

use leptos::prelude::*;
use saring_domain::dto::operator::{QuotaRequestView, RequestLimits, RequestType};

use crate::api;
use crate::components::common::{Pager, PortalShell, use_title};
use crate::components::requests::request_cells;
use crate::contexts::{I18n, use_i18n, use_session, use_settings};
use crate::format;
use crate::pages::admin::operator_forms::{KomandanForm, Unit};
use crate::pages::admin::parts::{
    Action, ActionPanel, Kind, input, items_of, list_table, loaded, radio, unit_select,
};

fn limits_view(i18n: I18n, tz: saring_domain::AppTz, l: &RequestLimits) -> AnyView {
    let loc = i18n.get();
    let rows = [
        (
            i18n.tr("requests-cap-quota"),
            i18n.tr_with(
                "requests-cap-quota-value",
                &[
                    ("mb", &format::whole_mb(l.max_quota_mb, loc)),
                    ("days", &l.max_quota_days.to_string()),
                ],
            ),
        ),
        (
            i18n.tr("requests-cap-unlimited"),
            if l.unlimited_allowed {
                i18n.tr_with(
                    "requests-cap-unlimited-value",
                    &[("days", &l.max_unlimited_days.to_string())],
                )
            } else {
                i18n.tr("requests-unlimited-not-allowed")
            },
        ),
    ];
    let now = l.next_request_at.is_none() && l.blocked_reason.is_none();
    let next = l.next_request_at.map(|t| {
        i18n.tr_with(
            "requests-next-at",
            &[("when", &format::datetime(tz, Some(t)))],
        )
    });
    let why = l.blocked_reason.clone();
    view! {
        <div class="stack" data-testid="request-limits" data-open=now.to_string()>
            <dl class="facts">
                {rows.into_iter().map(|(k, v)| view! { <dt>{k}</dt><dd>{v}</dd> }).collect_view()}
            </dl>
            {if now {
                view! { <p class="alert alert-ok" role="status">{i18n.tr("requests-may-ask")}</p> }.into_any()
            } else {
                view! {
                    <div class="alert alert-warn" role="status" data-testid="request-not-now">
                        {why.map(|w| view! { <p>{w}</p> })}
                        {next.map(|n| view! { <p>{n}</p> })}
                    </div>
                }.into_any()
            }}
        </div>
    }
    .into_any()
}

#[component]
pub fn KomandanRequestsPage() -> impl IntoView {
    let i18n = use_i18n();
    let settings = use_settings();
    let session = use_session();
    use_title("requests-title");
    let action = Action::new(i18n);
    let reload = RwSignal::new(0u32);
    let page = RwSignal::new(1u64);
    let limits = LocalResource::new(move || {
        reload.track();
        api::operator::request_limits()
    });
    let history = LocalResource::new(move || {
        reload.track();
        api::operator::my_requests(page.get())
    });
    let meta = Signal::derive(move || history.get().and_then(Result::ok).map(|p| p.meta()));
    let current = Signal::derive(move || limits.get().and_then(Result::ok));
    let open = move || {
        current.with(|l| {
            l.as_ref()
                .is_some_and(|l| l.next_request_at.is_none() && l.blocked_reason.is_none())
        })
    };
    let kind = RwSignal::new(RequestType::Quota);
    let amount = RwSignal::new(String::new());
    let unit = RwSignal::new(Unit::Gb);
    let days = RwSignal::new(String::new());

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(caps) = current.get_untracked() else {
            return;
        };
        let form = KomandanForm {
            kind: kind.get_untracked(),
            amount: amount.get_untracked(),
            unit: unit.get_untracked(),
            days: days.get_untracked(),
        };
        action.run(
            form.to_request(&caps),
            |b| async move { api::operator::submit_request(&b).await },
            move |_| {
                amount.set(String::new());
                days.set(String::new());
                page.set(1);
                reload.update(|v| *v += 1);
                session.refresh();
                i18n.text("requests-sent")
            },
        );
    };
    let unlimited_allowed =
        move || current.with(|l| l.as_ref().is_some_and(|l| l.unlimited_allowed));
    let days_cap = move || {
        current.with(|l| {
            l.as_ref().map(|l| {
                let max = match kind.get() {
                    RequestType::Quota => l.max_quota_days,
                    RequestType::Unlimited => l.max_unlimited_days,
                };
                i18n.tr_with("requests-days-cap", &[("days", &max.to_string())])
            })
        })
    };

    let row = move |r: QuotaRequestView| {
        let id = r.id.clone();
        view! {
            <tr data-testid="my-request-row" data-id=id>
                {request_cells(i18n, settings.tz(), &r)}
            </tr>
        }
    };

    view! {
        <PortalShell>
            <h1>{move || i18n.tr("requests-title")}</h1>
            <div class="grid">
                <section class="panel">
                    <h2>{move || i18n.tr("requests-limits")}</h2>
                    {move || loaded(i18n, limits.get(), |l| limits_view(i18n, settings.tz(), &l))}
                </section>
                <ActionPanel title="requests-new" testid="request-form-panel" action=action>
                    <form class="stack" novalidate data-testid="request-form" on:submit=submit>
                        <div class="radios" role="radiogroup">
                            {radio(i18n, kind, RequestType::Quota, "request-type", "requests-type-quota", "request-type-quota")}
                            {move || unlimited_allowed().then(|| radio(i18n, kind, RequestType::Unlimited, "request-type", "requests-type-unlimited", "request-type-unlimited"))}
                        </div>
                        {action.errors.field("request_type")}
                        <Show when=move || kind.get() == RequestType::Quota>
                            <div class="row">
                                {input(i18n, action.errors, "console-amount", "requested_mb", "request-amount", Kind::Decimal, amount)}
                                {unit_select(i18n, unit, "request-unit")}
                            </div>
                        </Show>
                        {input(i18n, action.errors, "console-days", "requested_duration_days", "request-days", Kind::Whole, days)}
                        <small class="muted">{days_cap}</small>
                        <button type="submit" class="btn btn-primary" data-testid="request-submit"
                            disabled=move || action.busy.get() || !open()>
                            {move || if action.busy.get() { i18n.tr("common-processing") } else { i18n.tr("requests-submit") }}
                        </button>
                    </form>
                </ActionPanel>
            </div>
            <section class="panel stack">
                <h2>{move || i18n.tr("requests-history")}</h2>
                {move || list_table(
                    i18n,
                    items_of(history.get(), |p| p.items),
                    ("requests-none-yet", "no-my-requests"),
                    "my-requests",
                    &["requests-type", "requests-asked", "admin-status", "requests-date"],
                    row,
                )}
                <Pager meta=meta page=page/>
            </section>
        </PortalShell>
    }
}
