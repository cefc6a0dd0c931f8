//! Page frames: a centred card (captive, login, policy pages: light, 360 px friendly), the
//! user portal shell and the admin shell (top bar with navigation, language toggle, logout).

use leptos::prelude::*;
use leptos_router::components::A;

use super::nav::use_redirect;
use crate::api;
use saring_domain::Role;

use crate::contexts::{use_i18n, use_pending_requests, use_session, use_settings};

/// The "ID | EN" switch.
#[component]
pub fn LangToggle() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <button type="button" class="lang" data-testid="lang-toggle"
            aria-label=move || i18n.tr("common-language")
            on:click=move |_| i18n.toggle()>
            {move || i18n.tr("common-language-other")}
        </button>
    }
}

/// A centred card with the app name on top.
#[component]
pub fn CardPage(#[prop(optional)] wide: bool, children: Children) -> impl IntoView {
    let settings = use_settings();
    let class = if wide { "card card-wide" } else { "card" };
    view! {
        <main class="center">
            <div class=class>
                <header class="card-head">
                    <span class="brand">{move || settings.app_name()}</span>
                    <LangToggle/>
                </header>
                {children()}
            </div>
        </main>
    }
}

fn logout_button() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let redirect = use_redirect();
    let out = move |_| {
        let admin = session.role().is_some_and(|r| r.is_admin());
        leptos::task::spawn_local(async move {
            let _ = api::auth::logout().await;
            session.clear();
            redirect.run(if admin {
                "/admin".to_owned()
            } else {
                "/login".to_owned()
            });
        });
    };
    view! {
        <button type="button" class="btn btn-ghost" data-testid="logout" on:click=out>
            {move || i18n.tr("nav-logout")}
        </button>
    }
}

/// The admin navigation.
const ADMIN_LINKS: &[(&str, &str)] = &[
    ("/admin/dashboard", "nav-admin-dashboard"),
    ("/admin/users", "nav-users"),
    ("/admin/requests", "nav-requests"),
    ("/admin/debts", "nav-debts"),
    ("/admin/transactions", "nav-transactions"),
    ("/admin/packages", "nav-packages"),
    ("/admin/promos", "nav-promos"),
    ("/admin/routers", "nav-routers"),
    ("/admin/jobs", "nav-jobs"),
    ("/admin/parity", "nav-parity"),
    ("/admin/templates", "nav-templates"),
    ("/admin/whatsapp", "nav-whatsapp"),
    ("/admin/inactive-accounts", "nav-inactive"),
    ("/admin/logs", "nav-logs"),
    ("/akun", "nav-account"),
];

/// What super admins see besides the admin navigation.
const SUPER_ADMIN_LINKS: &[(&str, &str)] = &[
    ("/admin/settings", "nav-settings"),
    ("/admin/backup", "nav-backup"),
];

/// A user's navigation.
const USER_LINKS: &[(&str, &str)] = &[
    ("/dashboard", "nav-dashboard"),
    ("/beli", "nav-buy"),
    ("/riwayat", "nav-history"),
    ("/akun", "nav-account"),
];

/// A komandan asks instead of buying.
const KOMANDAN_LINKS: &[(&str, &str)] = &[
    ("/dashboard", "nav-dashboard"),
    ("/requests", "nav-my-requests"),
    ("/akun", "nav-account"),
];

/// The count of waiting komandan requests next to the admin's "Permintaan" link (nothing
/// when there are none or the count cannot be read).
fn pending_badge() -> impl IntoView {
    let pending = use_pending_requests();
    let count = LocalResource::new(move || {
        pending.track();
        api::operator::pending_requests()
    });
    move || {
        count
            .get()
            .and_then(Result::ok)
            .filter(|n| *n > 0)
            .map(|n| view! { " "<span class="badge badge-warn" data-testid="pending-requests">{n}</span> })
    }
}

/// The top bar with navigation, language toggle and logout, and the page below it.
fn frame(admin: bool, children: Children) -> impl IntoView {
    let i18n = use_i18n();
    let settings = use_settings();
    let session = use_session();
    let links: Vec<&(&str, &str)> = if admin {
        let extra = if session.role() == Some(Role::SuperAdmin) {
            SUPER_ADMIN_LINKS
        } else {
            &[]
        };
        ADMIN_LINKS.iter().chain(extra).collect()
    } else if session.role() == Some(Role::Komandan) {
        KOMANDAN_LINKS.iter().collect()
    } else {
        USER_LINKS.iter().collect()
    };
    let mut badge = admin.then(pending_badge);
    view! {
        <header class=if admin { "topbar topbar-admin" } else { "topbar" }>
            <span class="brand">{move || settings.app_name()}{admin.then_some(" · Admin")}</span>
            <nav class="nav">
                {links.into_iter().map(|(href, key)| {
                    let testid = format!("nav-{}", href.trim_start_matches('/').replace('/', "-"));
                    let count = (*href == "/admin/requests").then(|| badge.take()).flatten();
                    view! { <A href=*href attr:data-testid=testid>{move || i18n.tr(key)}{count}</A> }
                }).collect_view()}
            </nav>
            <LangToggle/>
            {logout_button()}
        </header>
        <main class=if admin { "content content-wide" } else { "content" }>{children()}</main>
    }
}

/// The signed-in user's frame.
#[component]
pub fn PortalShell(children: Children) -> impl IntoView {
    frame(false, children)
}

/// The admin frame.
#[component]
pub fn AdminShell(children: Children) -> impl IntoView {
    frame(true, children)
}

/// The admin frame for admins, the portal frame for everyone else (`/akun` serves both).
#[component]
pub fn Shell(children: ChildrenFn) -> impl IntoView {
    let session = use_session();
    move || {
        let children = children.clone();
        if session.role().is_some_and(|r| r.is_admin()) {
            view! { <AdminShell>{children()}</AdminShell> }.into_any()
        } else {
            view! { <PortalShell>{children()}</PortalShell> }.into_any()
        }
    }
}
