//! `/admin/users/{id}`: one user's profile, status, quota and devices.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use saring_domain::dto::admin::AdminUserDetail;

use super::role_key;
use crate::api;
use crate::components::common::{AdminShell, StatusBadge, use_title};
use crate::components::devices::DeviceList;
use crate::contexts::{I18n, Settings, use_i18n, use_settings};
use crate::format;

fn approval_key(d: &AdminUserDetail) -> &'static str {
    match d.user.approval_status {
        saring_domain::access::ApprovalStatus::PendingApproval => "admin-filter-pending",
        saring_domain::access::ApprovalStatus::Approved => "admin-filter-approved",
        saring_domain::access::ApprovalStatus::Rejected => "admin-filter-rejected",
    }
}

fn facts(i18n: I18n, settings: Settings, d: &AdminUserDetail) -> impl IntoView + use<> {
    let tz = settings.tz();
    let l = i18n.get();
    let u = &d.user;
    let rows: Vec<(String, String)> = vec![
        (i18n.tr("account-phone"), format::phone(&u.phone_number)),
        (i18n.tr("admin-role"), i18n.tr(role_key(u.role))),
        (i18n.tr("admin-approval"), i18n.tr(approval_key(d))),
        (
            i18n.tr("register-blok"),
            u.blok.clone().unwrap_or_else(|| "–".into()),
        ),
        (
            i18n.tr("register-kamar"),
            u.kamar.clone().unwrap_or_else(|| "–".into()),
        ),
        (
            i18n.tr("register-tamping"),
            u.tamping_type.clone().unwrap_or_else(|| "–".into()),
        ),
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
        (
            i18n.tr("admin-profile"),
            d.mikrotik_profile_name
                .clone()
                .unwrap_or_else(|| "–".into()),
        ),
        (
            i18n.tr("admin-registered"),
            format::datetime(tz, Some(u.created_at)),
        ),
        (
            i18n.tr("admin-last-login"),
            format::datetime(tz, u.last_login_at),
        ),
        (
            i18n.tr("admin-block-reason"),
            u.blocked_reason.clone().unwrap_or_else(|| "–".into()),
        ),
    ];
    view! {
        <dl class="facts">
            {rows.into_iter().map(|(k, v)| view! { <dt>{k}</dt><dd>{v}</dd> }).collect_view()}
        </dl>
    }
}

#[component]
pub fn AdminUserDetailPage() -> impl IntoView {
    let i18n = use_i18n();
    let settings = use_settings();
    let params = use_params_map();
    let detail = LocalResource::new(move || {
        let id = params.with(|p| p.get("id")).unwrap_or_default();
        async move { api::admin::user(&id).await }
    });
    use_title("admin-user-title");
    view! {
        <AdminShell>
            <p><A href="/admin/users">"← "{move || i18n.tr("admin-users-title")}</A></p>
            {move || match detail.get() {
                None => view! { <p class="muted">{move || i18n.tr("common-loading")}</p> }.into_any(),
                Some(Err(e)) => view! { <p class="alert alert-error" role="alert">{e.text(i18n.get())}</p> }.into_any(),
                Some(Ok(d)) => {
                    let devices = d.devices.clone();
                    view! {
                        <h1 data-testid="user-detail-name">{d.user.full_name.clone()}</h1>
                        <div class="grid">
                            <section class="panel">
                                <div class="panel-head">
                                    <h2>{move || i18n.tr("account-profile")}</h2>
                                    <StatusBadge status=d.user.status/>
                                </div>
                                {facts(i18n, settings, &d)}
                            </section>
                            <section class="panel">
                                <h2>{move || i18n.tr("account-devices")}</h2>
                                <DeviceList devices=Signal::derive(move || devices.clone())/>
                            </section>
                        </div>
                    }.into_any()
                }
            }}
        </AdminShell>
    }
}
