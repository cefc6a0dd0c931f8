//! `/session/consume?token=…&next=…`: continues a session opened in another browser.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_query_map;

use crate::api;
use crate::components::common::{Alert, AlertKind, CardPage, use_redirect};
use crate::contexts::{use_i18n, use_session};
use crate::guards::safe_redirect;
use crate::pages::after_login_target;

#[component]
pub fn SessionConsumePage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let redirect = use_redirect();
    let query = use_query_map();
    let error = RwSignal::new(None::<String>);
    let (token, next) = query.with_untracked(|q| (q.get("token"), q.get("next")));
    match token.filter(|t| !t.trim().is_empty()) {
        None => error.set(Some(i18n.tr("consume-missing-token"))),
        Some(token) => spawn_local(async move {
            match api::auth::consume_session(&token).await {
                Ok(login) => {
                    let ok = safe_redirect(next.as_deref(), login.user.role.is_admin())
                        .unwrap_or_else(|| "/dashboard".to_owned());
                    let target = after_login_target(&login.user, &ok);
                    session.set_user(login.user);
                    redirect.run(target);
                }
                Err(e) => error.set(Some(e.text(i18n.locale.get_untracked()))),
            }
        }),
    }
    view! {
        <CardPage>
            <h1>{move || i18n.tr("consume-title")}</h1>
            <Show when=move || error.get().is_none()>
                <p aria-live="polite">{move || i18n.tr("consume-working")}</p>
            </Show>
            <Alert kind=AlertKind::Error text=error/>
        </CardPage>
    }
}
