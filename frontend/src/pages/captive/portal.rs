//! `/captive`: login (OTP) and registration with the hotspot context from the URL.
//!
//! On arrival: probe `/api/health`; when the URL carries a usable context and nobody is
//! signed in, try `POST /api/auth/auto-login` once (a known, bound device logs in silently);
//! when someone is signed in, bind this device (`bind-current`) and continue. After an OTP
//! login the user goes to `/captive/terhubung`, or to their policy page.

use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_query_map;
use saring_domain::api::ErrorCode;
use saring_domain::dto::auth::{CaptiveContext, DeviceContextRequest, LoginResponse};

use super::MAC_KEY;
use crate::api;
use crate::browser;
use crate::captive;
use crate::components::auth::AuthTabs;
use crate::components::auth::auth_tabs::Tab;
use crate::components::common::{Alert, AlertKind, CardPage, use_redirect, use_title};
use crate::components::devices::PrivateMacHint;
use crate::contexts::{SessionState, use_i18n, use_session};
use crate::pages::after_login_target;

const CONNECTED: &str = "/captive/terhubung";

/// The hotspot's own login form, when the router still wants a hotspot login for this device.
#[derive(Debug, Clone, PartialEq)]
struct HotspotLogin {
    action: String,
    username: String,
    password: String,
}

#[component]
pub fn CaptivePage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let redirect = use_redirect();
    let query = use_query_map();

    let parsed = query.with_untracked(|q| captive::from_query(|k| q.get(k)));
    let initial_tab = if query.with_untracked(|q| q.get("tab")).as_deref() == Some("daftar") {
        Tab::Register
    } else {
        Tab::Login
    };
    let context = RwSignal::new(parsed.context.clone());
    let foreign = RwSignal::new(parsed.foreign);
    let link_login = parsed.link_login_only.clone();
    let server_down = RwSignal::new(false);
    let note = RwSignal::new(None::<String>);
    let hotspot_login = RwSignal::new(None::<HotspotLogin>);
    let form_ref = NodeRef::<html::Form>::new();
    let randomized = parsed.context.as_ref().is_some_and(captive::is_randomized);
    if let Some(mac) = parsed.context.as_ref().and_then(|c| c.client_mac.clone()) {
        browser::session_set(MAC_KEY, &mac);
    }

    use_title("captive-title");

    spawn_local(async move {
        if api::auth::health().await.is_err() {
            server_down.set(true);
        }
    });

    let finish = move |login: LoginResponse, ctx: Option<CaptiveContext>| {
        let target = after_login_target(&login.user, CONNECTED);
        session.set_user(login.user.clone());
        let action = ctx.and_then(|c| c.link_login_only);
        match (
            login.hotspot_login_required && !login.hotspot_binding_active,
            action,
            login.hotspot_username,
            login.hotspot_password,
        ) {
            (true, Some(action), Some(username), Some(password)) if target == CONNECTED => {
                hotspot_login.set(Some(HotspotLogin {
                    action,
                    username,
                    password,
                }));
            }
            _ => redirect.run(target),
        }
    };
    // Submit the router's login form as soon as it is rendered.
    Effect::new(move |_| {
        if hotspot_login.get().is_some()
            && let Some(form) = form_ref.get()
        {
            let _ = form.submit();
        }
    });

    // Once the session is known: auto-login a known device, or bind this one.
    let started = StoredValue::new(false);
    Effect::new(move |_| {
        let state = session.state.get();
        if state == SessionState::Loading || started.get_value() {
            return;
        }
        started.set_value(true);
        let Some(ctx) = context.get_untracked() else {
            return;
        };
        let body = DeviceContextRequest {
            context: ctx.clone(),
            confirm_device_takeover: false,
        };
        match state {
            SessionState::User(user) => spawn_local(async move {
                match api::users::bind_current(&body).await {
                    Ok(r) if r.success => redirect.run(after_login_target(&user, CONNECTED)),
                    Ok(r) => note.set(Some(r.message)),
                    Err(e) if e.is(ErrorCode::CaptiveContextInvalid) => {
                        context.set(None);
                        foreign.set(true);
                    }
                    Err(e) => note.set(Some(e.text(i18n.locale.get_untracked()))),
                }
            }),
            _ => {
                let key = format!(
                    "saring:auto-login:{}|{}",
                    ctx.client_ip.clone().unwrap_or_default(),
                    ctx.client_mac.clone().unwrap_or_default()
                );
                if browser::session_get(&key).is_some() {
                    return;
                }
                browser::session_set(&key, "1");
                spawn_local(async move {
                    match api::auth::auto_login(&body).await {
                        Ok(login) => finish(login, Some(ctx)),
                        Err(e) => {
                            if let Some(target) = e.policy_target() {
                                redirect.run(target);
                            } else if e.is(ErrorCode::CaptiveContextInvalid) {
                                context.set(None);
                                foreign.set(true);
                            }
                        }
                    }
                });
            }
        }
    });

    let on_login =
        Callback::new(move |login: LoginResponse| finish(login, context.get_untracked()));
    let on_context_invalid = Callback::new(move |_| {
        context.set(None);
        foreign.set(true);
    });

    let missing_context = move || context.get().is_none() && !foreign.get();
    let link_for_view = link_login.clone();

    view! {
        <CardPage>
            <h1>{move || i18n.tr("captive-title")}</h1>
            <p class="muted">{move || i18n.tr("captive-subtitle")}</p>
            <Show when=move || server_down.get()>
                <p class="alert alert-error" role="alert">{move || i18n.tr("captive-server-down")}</p>
            </Show>
            <Show when=move || foreign.get()>
                <p class="alert alert-warn" role="status" data-testid="foreign-context">{move || i18n.tr("captive-foreign")}</p>
            </Show>
            <Show when=missing_context>
                <p class="alert alert-info" role="status">
                    {move || i18n.tr("captive-no-context")}" "
                    {link_for_view.clone().map(|l| view! { <a href=l>{move || i18n.tr("captive-open-router-login")}</a> })}
                </p>
            </Show>
            <Alert kind=AlertKind::Warning text=note/>
            {move || match hotspot_login.get() {
                Some(h) => view! {
                    <p class="alert alert-info" role="status">{move || i18n.tr("captive-hotspot-login")}</p>
                    <form node_ref=form_ref method="post" action=h.action.clone()>
                        <input type="hidden" name="username" value=h.username.clone()/>
                        <input type="hidden" name="password" value=h.password.clone()/>
                        <input type="hidden" name="dst" value=format!("{}{CONNECTED}", origin())/>
                        <button type="submit" class="btn btn-primary">{move || i18n.tr("captive-hotspot-login-button")}</button>
                    </form>
                }.into_any(),
                None => view! {
                    <AuthTabs initial=initial_tab context=context on_login=on_login on_context_invalid=Some(on_context_invalid)/>
                }.into_any(),
            }}
            <Show when=move || randomized>
                <details class="details">
                    <summary>{move || i18n.tr("mac-hint-title")}</summary>
                    <PrivateMacHint/>
                </details>
            </Show>
        </CardPage>
    }
}

fn origin() -> String {
    web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default()
}
