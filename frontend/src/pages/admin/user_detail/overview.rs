//! The overview tab: the account's facts and devices, and the account actions (reset login,
//! reset hotspot password, create a bill, delete).

use leptos::prelude::*;
use saring_domain::dto::admin::AdminUserDetail;

use super::bill::BillDialog;
use super::{Part, use_console};
use crate::api;
use crate::components::devices::DeviceList;
use crate::contexts::{I18n, Settings, use_i18n, use_settings};
use crate::format;
use crate::pages::admin::parts::{Action, ActionPanel, ConfirmButton};
use crate::pages::admin::role_key;

fn approval_key(d: &AdminUserDetail) -> &'static str {
    match d.user.approval_status {
        saring_domain::access::ApprovalStatus::PendingApproval => "admin-filter-pending",
        saring_domain::access::ApprovalStatus::Approved => "admin-filter-approved",
        saring_domain::access::ApprovalStatus::Rejected => "admin-filter-rejected",
    }
}

fn or_dash(v: &Option<String>) -> String {
    v.clone().unwrap_or_else(|| "–".into())
}

fn facts(i18n: I18n, settings: Settings, d: &AdminUserDetail) -> impl IntoView + use<> {
    let tz = settings.tz();
    let l = i18n.get();
    let u = &d.user;
    let rows: Vec<(String, String)> = vec![
        (i18n.tr("account-phone"), format::phone(&u.phone_number)),
        (i18n.tr("admin-role"), i18n.tr(role_key(u.role))),
        (i18n.tr("admin-approval"), i18n.tr(approval_key(d))),
        (i18n.tr("register-blok"), or_dash(&u.blok)),
        (i18n.tr("register-kamar"), or_dash(&u.kamar)),
        (i18n.tr("register-tamping"), or_dash(&u.tamping_type)),
        (
            i18n.tr("dashboard-remaining"),
            format::mb(u.remaining_mb, l),
        ),
        (
            i18n.tr("dashboard-used"),
            format::mb(u.total_quota_used_mb, l),
        ),
        (
            i18n.tr("dashboard-total"),
            format::mb(u.total_quota_purchased_mb, l),
        ),
        (
            i18n.tr("dashboard-expiry"),
            format::date(tz, u.quota_expiry_date),
        ),
        (
            i18n.tr("dashboard-debt-total"),
            format::mb(u.quota_debt_total_mb, l),
        ),
        (i18n.tr("dashboard-username"), u.hotspot_username.clone()),
        (i18n.tr("admin-profile"), or_dash(&d.mikrotik_profile_name)),
        (
            i18n.tr("admin-registered"),
            format::datetime(tz, Some(u.created_at)),
        ),
        (
            i18n.tr("admin-last-login"),
            format::datetime(tz, u.last_login_at),
        ),
        (i18n.tr("admin-block-reason"), or_dash(&u.blocked_reason)),
    ];
    view! {
        <dl class="facts" data-testid="user-facts">
            {rows.into_iter().map(|(k, v)| view! { <dt>{k}</dt><dd>{v}</dd> }).collect_view()}
        </dl>
    }
}

/// A yes/no text of a flag the server reports.
fn yes_no(i18n: I18n, on: bool) -> String {
    i18n.text(if on { "admin-yes" } else { "admin-no" })
}

#[component]
pub fn OverviewTab() -> impl IntoView {
    let i18n = use_i18n();
    let settings = use_settings();
    let console = use_console();
    let action = Action::new(i18n);
    let bill_open = RwSignal::new(false);
    let manage = move || console.powers.get().manage;
    let lifecycle = move || console.powers.get().lifecycle;

    let reset_login = move |_: String| {
        action.run(
            Ok(console.id()),
            |id| async move { api::operator::reset_login(&id).await },
            move |r| {
                console.changed(&[Part::Detail, Part::Router]);
                r.message
            },
        )
    };
    let reset_password = move |_: String| {
        action.run(
            Ok(console.id()),
            |id| async move { api::operator::reset_hotspot_password(&id).await },
            move |r| {
                console.changed(&[Part::Router]);
                format!(
                    "{} {}",
                    r.message,
                    i18n.text_with(
                        "console-password-reset-facts",
                        &[
                            ("router", &yes_no(i18n, r.router_updated)),
                            ("whatsapp", &yes_no(i18n, r.whatsapp_queued)),
                        ]
                    )
                )
            },
        )
    };
    let remove = move |_: String| {
        action.run(
            Ok(console.id()),
            |id| async move { api::operator::remove_user(&id).await },
            move |r| {
                let text = r.message.clone();
                if r.outcome == "deleted" {
                    console.removed.set(Some(r));
                } else {
                    console.changed(&[Part::Detail, Part::Router]);
                }
                text
            },
        )
    };

    view! {
        <div class="grid">
            <section class="panel">
                <h2>{move || i18n.tr("account-profile")}</h2>
                {move || console.user.get().map(|d| facts(i18n, settings, &d))}
            </section>
            <section class="panel">
                <h2>{move || i18n.tr("account-devices")}</h2>
                <DeviceList devices=Signal::derive(move || console.user.get().map(|d| d.devices).unwrap_or_default())/>
            </section>
        </div>
        <Show when=manage>
            <ActionPanel title="console-account-actions" testid="account-actions" action=action>
                <div class="row">
                    <button type="button" class="btn btn-primary" data-testid="bill-open"
                        on:click=move |_| bill_open.set(true)>{move || i18n.tr("console-bill")}</button>
                    <ConfirmButton label="console-reset-login" message="console-reset-login-confirm"
                        testid="reset-login" on_confirm=Callback::new(reset_login)/>
                    <ConfirmButton label="console-reset-password" message="console-reset-password-confirm"
                        testid="reset-hotspot-password" on_confirm=Callback::new(reset_password)/>
                    <Show when=lifecycle>
                        <ConfirmButton label="console-delete" message="console-delete-confirm" danger=true
                            testid="delete-user" on_confirm=Callback::new(remove)/>
                    </Show>
                </div>
                <p class="muted small">{move || i18n.tr("console-delete-help")}</p>
            </ActionPanel>
            <BillDialog open=bill_open/>
        </Show>
    }
}
