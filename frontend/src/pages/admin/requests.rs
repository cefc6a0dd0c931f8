//! `/admin/requests`: the komandan's quota and unlimited requests (`GET
//! /api/admin/quota-requests`, waiting ones first by default) with a status filter; each
//! with its requester (linking to the account), type, what was asked and when; a waiting one
//! is **processed** here: approve, reject (reason of at least 5 characters) or reject and
//! grant some MB/days. When another admin was faster the server's 409 is shown and the list
//! reloads.

use leptos::prelude::*;
use leptos_router::components::A;
use saring_domain::dto::operator::{ProcessAction, QuotaRequestView, RequestStatus, RequestType};

use super::operator_forms::{ProcessForm, Unit};
use super::parts::{
    Action, Kind, filter_select, input, items_of, list_table, radio, row_form, submit_button,
    unit_select,
};
use crate::api;
use crate::components::common::{AdminShell, Pager, use_title};
use crate::components::requests::{STATUSES, asked_text, request_cells, status_key};
use crate::contexts::{I18n, use_i18n, use_pending_requests, use_settings};
use crate::format::{self, non_blank};

/// The decision form of one waiting request.
#[component]
fn ProcessBox(
    request: QuotaRequestView,
    processing: RwSignal<Option<String>>,
    /// Called after an answer that changed the request (processed, or processed already).
    on_changed: Callback<()>,
    action: Action,
) -> impl IntoView {
    let i18n = use_i18n();
    let kind = request.request_type;
    let id = request.id.clone();
    let who = request
        .requester_name
        .clone()
        .unwrap_or_else(|| format::phone(request.requester_phone.as_deref().unwrap_or("")));
    let what = asked_text(i18n, &request);
    let choice = RwSignal::new(ProcessAction::Approve);
    let reason = RwSignal::new(String::new());
    let amount = RwSignal::new(String::new());
    let unit = RwSignal::new(Unit::Gb);
    let days = RwSignal::new(String::new());
    let unlimited_days = RwSignal::new(String::new());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let form = ProcessForm {
            action: choice.get_untracked(),
            reason: reason.get_untracked(),
            amount: amount.get_untracked(),
            unit: unit.get_untracked(),
            days: days.get_untracked(),
            unlimited_days: unlimited_days.get_untracked(),
        };
        let (id, who) = (id.clone(), who.clone());
        action.run(
            form.to_request(kind),
            move |b| async move {
                let answer = api::operator::process_request(&id, &b).await;
                // Another admin was faster: show the request as it is now.
                if matches!(&answer, Err(e) if e.http_status == 409) {
                    on_changed.run(());
                }
                answer
            },
            move |r| {
                processing.set(None);
                on_changed.run(());
                i18n.text_with(
                    "requests-processed-ok",
                    &[("who", &who), ("status", &i18n.text(status_key(r.status)))],
                )
            },
        );
    };
    let rejecting = move || choice.get() != ProcessAction::Approve;
    view! {
        <form class="confirm" novalidate data-testid="process-box" on:submit=submit>
            <p><strong>{move || i18n.tr("requests-process")}</strong>" · "{what.clone()}</p>
            <div class="radios" role="radiogroup">
                {radio(i18n, choice, ProcessAction::Approve, "process-action", "requests-approve", "process-approve")}
                {radio(i18n, choice, ProcessAction::Reject, "process-action", "requests-reject", "process-reject")}
                {radio(i18n, choice, ProcessAction::RejectAndGrantQuota, "process-action", "requests-partial", "process-partial")}
            </div>
            <Show when=move || kind == RequestType::Unlimited && choice.get() == ProcessAction::Approve>
                {input(i18n, action.errors, "requests-unlimited-days", "unlimited_duration_days", "process-unlimited-days", Kind::Whole, unlimited_days)}
                <small class="muted">{move || i18n.tr("requests-unlimited-days-help")}</small>
            </Show>
            <Show when=rejecting>
                {input(i18n, action.errors, "requests-reject-reason", "rejection_reason", "process-reason", Kind::Text, reason)}
            </Show>
            <Show when=move || choice.get() == ProcessAction::RejectAndGrantQuota>
                <div class="row">
                    {input(i18n, action.errors, "requests-grant-amount", "granted_quota_mb", "process-amount", Kind::Decimal, amount)}
                    {unit_select(i18n, unit, "process-unit")}
                    {input(i18n, action.errors, "requests-grant-days", "granted_duration_days", "process-days", Kind::Whole, days)}
                </div>
            </Show>
            <div class="row">
                {submit_button(i18n, action.busy, "requests-process-submit", "process-submit")}
                <button type="button" class="btn btn-ghost" data-testid="process-cancel"
                    on:click=move |_| processing.set(None)>{move || i18n.tr("common-cancel")}</button>
            </div>
        </form>
    }
}

/// The requester: name (linking to the account) and number.
fn requester(r: &QuotaRequestView) -> impl IntoView + use<> {
    let name = r.requester_name.clone().unwrap_or_else(|| "–".into());
    let phone = format::phone(r.requester_phone.as_deref().unwrap_or(""));
    view! {
        <td>
            <A href=format!("/admin/users/{}", crate::api::encode_component(&r.requester_id))><strong>{name}</strong></A>
            <br/><span class="muted small">{phone}</span>
        </td>
    }
}

/// **Proses** for a waiting request (its form opens in the row below).
fn process_button(
    i18n: I18n,
    r: &QuotaRequestView,
    processing: RwSignal<Option<String>>,
    action: Action,
) -> impl IntoView + use<> {
    let id = r.id.clone();
    (r.status == RequestStatus::Pending).then(|| {
        view! {
            <button type="button" class="btn btn-primary" data-testid="process-open"
                on:click=move |_| { action.errors.clear(); processing.set(Some(id.clone())); }>
                {move || i18n.tr("requests-process")}
            </button>
        }
    })
}

#[component]
pub fn AdminRequestsPage() -> impl IntoView {
    let i18n = use_i18n();
    let settings = use_settings();
    use_title("requests-admin-title");
    let pending = use_pending_requests();
    let status = RwSignal::new("PENDING".to_owned());
    let page = RwSignal::new(1u64);
    let reload = RwSignal::new(0u32);
    let processing = RwSignal::new(None::<String>);
    let action = Action::new(i18n);
    let list = LocalResource::new(move || {
        reload.track();
        let (status, page) = (non_blank(&status.get()), page.get());
        async move { api::operator::quota_requests(status, page).await }
    });
    let meta = Signal::derive(move || list.get().and_then(Result::ok).map(|p| p.meta()));
    let on_changed = Callback::new(move |_: ()| {
        reload.update(|v| *v += 1);
        pending.changed();
    });

    let row = move |r: QuotaRequestView| {
        let tz = settings.tz();
        let (id, status) = (r.id.clone(), r.status);
        let open_id = r.id.clone();
        let request = r.clone();
        view! {
            <tr data-testid="request-row" data-id=id data-status=crate::components::requests::status_value(status)>
                {requester(&r)}
                {request_cells(i18n, tz, &r)}
                <td>{process_button(i18n, &r, processing, action)}</td>
            </tr>
            {row_form(
                6,
                move || processing.get().as_deref() == Some(open_id.as_str()),
                move || view! { <ProcessBox request=request.clone() processing=processing on_changed=on_changed action=action/> },
            )}
        }
    };

    view! {
        <AdminShell>
            <h1>{move || i18n.tr("requests-admin-title")}</h1>
            <p class="muted">{move || i18n.tr("requests-admin-help")}</p>
            <div class="filters">
                {filter_select(i18n, status, page, "admin-status", Some("admin-all-statuses"),
                    STATUSES.map(|(_, v, k)| (v, k)), "request-status-filter")}
                <button type="button" class="btn btn-ghost" data-testid="refresh-requests"
                    on:click=move |_| on_changed.run(())>{move || i18n.tr("admin-refresh")}</button>
            </div>
            {action.view()}
            {move || list_table(
                i18n,
                items_of(list.get(), |p| p.items),
                ("requests-none", "no-requests"),
                "requests",
                &[
                    "requests-requester",
                    "requests-type",
                    "requests-asked",
                    "admin-status",
                    "requests-date",
                    "admin-actions",
                ],
                row,
            )}
            <Pager meta=meta page=page/>
        </AdminShell>
    }
}
