//! `/login`: the same OTP login for users outside the captive portal (`?redirect=` is
//! honoured when safe), with the registration tab (`?tab=daftar`).

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use saring_domain::dto::auth::{CaptiveContext, LoginResponse};

use crate::components::auth::AuthTabs;
use crate::components::auth::auth_tabs::Tab;
use crate::components::common::{CardPage, use_redirect, use_title};
use crate::contexts::{use_i18n, use_session};
use crate::guards::safe_redirect;
use crate::pages::after_login_target;

#[component]
pub fn LoginPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let redirect = use_redirect();
    let query = use_query_map();
    let tab = if query.with_untracked(|q| q.get("tab")).as_deref() == Some("daftar") {
        Tab::Register
    } else {
        Tab::Login
    };
    use_title("login-title");

    let on_login = Callback::new(move |login: LoginResponse| {
        let wanted = query.with_untracked(|q| q.get("redirect"));
        let ok_target =
            safe_redirect(wanted.as_deref(), false).unwrap_or_else(|| "/dashboard".to_owned());
        let target = match login.session_url.as_deref() {
            // The server asks to continue the session elsewhere (e.g. the hotspot browser).
            Some(url) if url.starts_with('/') && login.hotspot_login_required => url.to_owned(),
            _ => after_login_target(&login.user, &ok_target),
        };
        session.set_user(login.user);
        redirect.run(target);
    });
    let no_context = Signal::derive(|| None::<CaptiveContext>);

    view! {
        <CardPage>
            <h1>{move || i18n.tr("login-title")}</h1>
            <p class="muted">{move || i18n.tr("login-subtitle")}</p>
            <AuthTabs initial=tab context=no_context on_login=on_login/>
        </CardPage>
    }
}
