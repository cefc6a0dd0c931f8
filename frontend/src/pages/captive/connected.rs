//! `/captive/terhubung`: "you are connected", a short countdown, then the dashboard. The
//! status is re-read every 4 s; if it degrades the user goes to the policy page.

use std::time::Duration;

use leptos::prelude::*;
use leptos_router::components::A;
use saring_domain::{Mac, PageStatus};

use super::MAC_KEY;
use crate::browser;
use crate::components::common::{CardPage, use_redirect, use_title};
use crate::components::devices::PrivateMacHint;
use crate::contexts::{SessionState, use_i18n, use_session};

const COUNTDOWN: u32 = 5;

#[component]
pub fn ConnectedPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let redirect = use_redirect();
    let left = RwSignal::new(COUNTDOWN);
    let randomized = browser::session_get(MAC_KEY)
        .and_then(|m| Mac::parse(&m).ok())
        .is_some_and(|m| m.is_randomized());

    use_title("connected-title");

    let tick = set_interval_with_handle(
        move || {
            let now = left.get_untracked();
            if now > 1 {
                left.set(now - 1);
            } else if now == 1 {
                left.set(0);
                redirect.run("/dashboard".to_owned());
            }
        },
        Duration::from_secs(1),
    );
    let recheck = set_interval_with_handle(move || session.refresh(), Duration::from_secs(4));
    on_cleanup(move || {
        if let Ok(h) = tick {
            h.clear();
        }
        if let Ok(h) = recheck {
            h.clear();
        }
    });

    Effect::new(move |_| {
        if let SessionState::User(user) = session.state.get()
            && !matches!(user.access_status, PageStatus::Ok | PageStatus::Fup)
        {
            left.set(0);
            redirect.run(format!("/policy/{}", user.access_status));
        }
    });

    let signed_in = move || matches!(session.state.get(), SessionState::User(_));
    let go = move |_| {
        left.set(0);
        browser::close_window();
        redirect.run("/dashboard".to_owned());
    };

    view! {
        <CardPage>
            <div class="stack center-text" data-testid="connected">
                <div class="big-check" aria-hidden="true">"✓"</div>
                <h1>{move || i18n.tr("connected-title")}</h1>
                <Show when=signed_in fallback=move || view! {
                    <p>{move || i18n.tr("connected-signed-out")}</p>
                    <A href="/captive">{move || i18n.tr("connected-back")}</A>
                }>
                    <p>{move || i18n.tr("connected-text")}</p>
                    <p class="muted" aria-live="polite">
                        {move || i18n.tr_with("connected-countdown", &[("seconds", &left.get().to_string())])}
                    </p>
                    <button type="button" class="btn btn-primary" data-testid="connected-continue" on:click=go>
                        {move || i18n.tr("connected-continue")}
                    </button>
                </Show>
                <Show when=move || randomized>
                    <PrivateMacHint/>
                </Show>
            </div>
        </CardPage>
    }
}
