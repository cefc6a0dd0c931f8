//! # saring-web
//!
//! The browser SPA (Leptos 0.8, client-side rendered, wasm32): the captive portal and user
//! portal (WhatsApp OTP login and registration, quota dashboard, account and devices, access
//! policy pages) and the admin portal (users, approvals, action log, packages, promos,
//! transactions, jobs, routers, message templates, inactive accounts, policy parity). It
//! imports the API's request/response types and the domain formats
//! from `saring-domain`, so browser and server cannot disagree. Texts are Indonesian with
//! English available (`locales/`).
//!
//! Layout (lemmy-ui-leptos style): [`app`] (router), [`api`] (typed client), [`contexts`]
//! (session, locale, settings), [`components`], [`pages`], [`guards`] (route rules, pure and
//! unit-tested), [`i18n`]. Built by `cargo xtask spa`; see `docs/frontend.md`.

pub mod api;
pub mod app;
pub mod browser;
pub mod captive;
pub mod components;
pub mod contexts;
pub mod format;
pub mod guards;
pub mod i18n;
pub mod pages;

pub use saring_domain as domain;

/// The wasm entry point: mounts the app and removes the static "loading" placeholder.
#[cfg(target_arch = "wasm32")]
#[wasm_bindgen::prelude::wasm_bindgen(start)]
pub fn start() {
    if let Some(boot) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("boot"))
    {
        boot.remove();
    }
    leptos::mount::mount_to_body(app::App);
}
