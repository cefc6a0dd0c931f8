//! `/admin`: administrator login (phone number + password).

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_query_map;
use saring_domain::Phone;
use saring_domain::dto::auth::AdminLoginRequest;

use crate::api;
use crate::components::common::{Alert, AlertKind, CardPage, use_redirect, use_title};
use crate::contexts::{use_i18n, use_session};
use crate::guards::safe_redirect;

#[component]
pub fn AdminLoginPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let redirect = use_redirect();
    let query = use_query_map();
    let phone = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    use_title("admin-login-title");

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        error.set(None);
        let typed = phone.get_untracked().trim().to_owned();
        let username = Phone::parse(&typed)
            .map(|p| p.as_e164().to_owned())
            .unwrap_or(typed);
        let body = AdminLoginRequest {
            username,
            password: password.get_untracked(),
        };
        busy.set(true);
        spawn_local(async move {
            let result = api::auth::admin_login(&body).await;
            busy.set(false);
            match result {
                Ok(login) if login.user.role.is_admin() => {
                    let wanted = query.with_untracked(|q| q.get("redirect"));
                    session.set_user(login.user);
                    redirect.run(
                        safe_redirect(wanted.as_deref(), true)
                            .unwrap_or_else(|| "/admin/dashboard".to_owned()),
                    );
                }
                Ok(_) => error.set(Some(i18n.tr("error-admin_required"))),
                Err(e) => error.set(Some(e.text(i18n.locale.get_untracked()))),
            }
        });
    };
    view! {
        <CardPage>
            <h1>{move || i18n.tr("admin-login-title")}</h1>
            <form class="stack" on:submit=submit>
                <Alert kind=AlertKind::Error text=error/>
                <label class="field">
                    <span>{move || i18n.tr("admin-login-phone")}</span>
                    <input type="tel" inputmode="tel" autocomplete="username" required
                        data-testid="admin-phone" bind:value=phone/>
                </label>
                <label class="field">
                    <span>{move || i18n.tr("admin-login-password")}</span>
                    <input type="password" autocomplete="current-password" required
                        data-testid="admin-password" bind:value=password/>
                </label>
                <button type="submit" class="btn btn-primary" data-testid="admin-login" disabled=move || busy.get()>
                    {move || if busy.get() { i18n.tr("common-processing") } else { i18n.tr("admin-login-submit") }}
                </button>
            </form>
        </CardPage>
    }
}
