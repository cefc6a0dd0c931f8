//! `/maintenance`: the operator's message while maintenance mode is on.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::components::common::{CardPage, use_title};
use crate::contexts::{use_i18n, use_settings};

#[component]
pub fn MaintenancePage() -> impl IntoView {
    let i18n = use_i18n();
    let settings = use_settings();
    use_title("maintenance-title");
    let message = move || {
        settings
            .data
            .with(|d| d.as_ref().map(|d| d.maintenance_mode_message.clone()))
            .filter(|m| !m.trim().is_empty())
            .unwrap_or_else(|| i18n.tr("maintenance-default"))
    };
    view! {
        <CardPage>
            <div class="stack center-text" data-testid="maintenance">
                <div class="big-icon" aria-hidden="true">"🛠"</div>
                <h1>{move || i18n.tr("maintenance-title")}</h1>
                <p>{message}</p>
                <A href="/admin">{move || i18n.tr("maintenance-admin")}</A>
            </div>
        </CardPage>
    }
}
