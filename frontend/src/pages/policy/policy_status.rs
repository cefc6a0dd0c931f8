//! One page for every access status: what happened, what to do, and how to reach the admin.
//!
//! Signed-in users see their own details (block reason, approval state, expiry date, used and
//! total quota). A guest arriving with `?status=&sig=` (from a 403 of the API) has the
//! signature checked with `/api/auth/status-token/verify`; an invalid one sends them to login.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::{use_params_map, use_query_map};
use saring_domain::access::ApprovalStatus;
use saring_domain::dto::auth::UserMe;
use saring_domain::{PageStatus, Role};

use crate::api;
use crate::components::common::{CardPage, use_redirect};
use crate::contexts::{I18n, Settings, use_i18n, use_session, use_settings};
use crate::format;
use crate::pages::misc::NotFoundPage;

fn detail(i18n: I18n, settings: Settings, status: PageStatus, user: &UserMe) -> Option<String> {
    let l = i18n.get();
    match status {
        PageStatus::Blocked => user
            .blocked_reason
            .clone()
            .filter(|r| !r.trim().is_empty())
            .map(|r| i18n.tr_with("policy-blocked-reason", &[("reason", &r)])),
        PageStatus::Inactive => Some(i18n.tr(match user.approval_status {
            ApprovalStatus::PendingApproval => "policy-inactive-pending",
            ApprovalStatus::Rejected => "policy-inactive-rejected",
            ApprovalStatus::Approved => "policy-inactive-disabled",
        })),
        PageStatus::Expired => Some(i18n.tr_with(
            "policy-expired-date",
            &[("date", &format::date(settings.tz(), user.quota_expiry_date))],
        )),
        PageStatus::Habis | PageStatus::Fup => Some(i18n.tr_with(
            "policy-usage",
            &[
                ("used", &format::mb(user.total_quota_used_mb, l)),
                ("total", &format::mb(user.total_quota_purchased_mb, l)),
            ],
        )),
        PageStatus::Ok => None,
    }
}

#[component]
pub fn PolicyPage() -> impl IntoView {
    let params = use_params_map();
    let status = move || {
        params
            .with(|p| p.get("status"))
            .and_then(|s| s.parse::<PageStatus>().ok())
            .filter(|s| *s != PageStatus::Ok)
    };
    move || match status() {
        Some(s) => view! { <PolicyView status=s/> }.into_any(),
        None => view! { <NotFoundPage/> }.into_any(),
    }
}

#[component]
fn PolicyView(status: PageStatus) -> impl IntoView {
    let i18n = use_i18n();
    let settings = use_settings();
    let session = use_session();
    let redirect = use_redirect();
    let query = use_query_map();
    let sig_invalid = RwSignal::new(false);
    Effect::new(move |_| {
        crate::browser::set_title(
            &i18n.tr(&format!("policy-{status}-title")),
            &settings.app_name(),
        )
    });

    // A guest with a signed link: check it once the session is known.
    let checked = StoredValue::new(false);
    Effect::new(move |_| {
        if session.is_loading() || session.user().is_some() || checked.get_value() {
            return;
        }
        checked.set_value(true);
        let (q_status, sig) = query.with_untracked(|q| (q.get("status"), q.get("sig")));
        if let Some(sig) = sig.filter(|s| !s.is_empty()) {
            let q_status = q_status.unwrap_or_else(|| status.to_string());
            spawn_local(async move {
                if !matches!(
                    api::auth::verify_status_token(&q_status, &sig).await,
                    Ok(true)
                ) {
                    sig_invalid.set(true);
                    redirect.run("/login".to_owned());
                }
            });
        }
    });

    let user = move || session.user();
    let role = move || user().map(|u| u.role).unwrap_or(Role::User);
    let wa_text = move || {
        let who = user()
            .map(|u| format!("{} ({})", u.full_name, format::phone(&u.phone_number)))
            .unwrap_or_default();
        i18n.tr_with(
            "policy-whatsapp-text",
            &[
                ("status", &i18n.tr(&format!("policy-{status}-title"))),
                ("who", &who),
            ],
        )
    };
    let buy_action = move || {
        matches!(status, PageStatus::Habis | PageStatus::Fup | PageStatus::Expired).then(|| {
            if role() == Role::Komandan {
                view! { <A href="/requests" attr:class="btn btn-primary">{move || i18n.tr("policy-request")}</A> }.into_any()
            } else {
                view! { <A href="/beli" attr:class="btn btn-primary">{move || i18n.tr("policy-buy")}</A> }.into_any()
            }
        })
    };

    view! {
        <CardPage>
            <div class="stack" data-testid="policy" data-status=status.to_string()>
                <h1>{move || i18n.tr(&format!("policy-{status}-title"))}</h1>
                <p>{move || i18n.tr(&format!("policy-{status}-text"))}</p>
                {move || user().and_then(|u| detail(i18n, settings, status, &u)).map(|d| view! {
                    <p class="alert alert-info" data-testid="policy-detail">{d}</p>
                })}
                {move || (status == PageStatus::Fup).then(|| user().map(|u| {
                    let pct = format::percent(u.total_quota_used_mb, u.total_quota_purchased_mb);
                    view! { <div class="progress"><span style=format!("width:{pct}%")></span></div> }
                }))}
                <Show when=move || sig_invalid.get()>
                    <p class="alert alert-error" role="alert">{move || i18n.tr("policy-link-invalid")}</p>
                </Show>
                {buy_action}
                {move || settings.admin_whatsapp_link(&wa_text()).map(|href| view! {
                    <a class="btn btn-ghost" href=href target="_blank" rel="noopener" data-testid="contact-admin">
                        {move || i18n.tr("policy-contact-admin")}
                    </a>
                })}
                {move || match (user().is_some(), status) {
                    (true, PageStatus::Fup) => view! { <A href="/dashboard">{move || i18n.tr("policy-back-dashboard")}</A> }.into_any(),
                    (true, _) => view! { <A href="/akun">{move || i18n.tr("nav-account")}</A> }.into_any(),
                    (false, _) => view! { <A href="/captive">{move || i18n.tr("policy-back-portal")}</A> }.into_any(),
                }}
            </div>
        </CardPage>
    }
}
