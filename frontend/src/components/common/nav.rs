//! Navigation as copyable callbacks (usable from async blocks and event handlers).

use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::use_navigate;

use crate::contexts::{use_i18n, use_settings};

fn navigator(replace: bool) -> Callback<String> {
    let navigate = use_navigate();
    Callback::new(move |path: String| {
        navigate(
            &path,
            NavigateOptions {
                replace,
                ..Default::default()
            },
        )
    })
}

/// Goes to a page, keeping the current one in the history.
pub fn use_go() -> Callback<String> {
    navigator(false)
}

/// Replaces the current page (redirects: "back" must not return to it).
pub fn use_redirect() -> Callback<String> {
    navigator(true)
}

/// Keeps the tab title at "`<translated key> · <app name>`" (follows the language toggle).
pub fn use_title(key: &'static str) {
    let i18n = use_i18n();
    let settings = use_settings();
    Effect::new(move |_| crate::browser::set_title(&i18n.tr(key), &settings.browser_title()));
}
