//! The 404 page (any path the router does not know).

use leptos::prelude::*;
use leptos_router::components::A;

use crate::components::common::CardPage;
use crate::contexts::use_i18n;

#[component]
pub fn NotFoundPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <CardPage>
            <div class="stack center-text" data-testid="not-found">
                <div class="big-icon" aria-hidden="true">"404"</div>
                <h1>{move || i18n.tr("notfound-title")}</h1>
                <p>{move || i18n.tr("notfound-text")}</p>
                <A href="/">{move || i18n.tr("notfound-home")}</A>
            </div>
        </CardPage>
    }
}
