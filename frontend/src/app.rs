//! The root component: contexts, the route guard and the route table.

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::hooks::{use_location, use_query_map};
use leptos_router::path;

use crate::components::common::use_redirect;
use crate::contexts::{I18n, PendingRequests, Session, Settings, use_i18n};
use crate::guards;
use crate::pages::admin::{
    AdminBackupsPage, AdminDashboardPage, AdminDebtsPage, AdminInactiveAccountsPage, AdminJobsPage,
    AdminLoginPage, AdminLogsPage, AdminPackagesPage, AdminParityPage, AdminPromosPage,
    AdminRequestsPage, AdminRoutersPage, AdminSettingsPage, AdminTemplatesPage,
    AdminTransactionDetailPage, AdminTransactionsPage, AdminUserDetailPage, AdminUsersPage,
    AdminWhatsAppPage,
};
use crate::pages::auth::{LoginPage, SessionConsumePage};
use crate::pages::captive::{CaptivePage, ConnectedPage};
use crate::pages::misc::{MaintenancePage, NotFoundPage};
use crate::pages::policy::PolicyPage;
use crate::pages::user::{
    AccountPage, BuyPage, DashboardPage, HistoryPage, KomandanRequestsPage, PaymentStatusPage,
};

#[component]
pub fn App() -> impl IntoView {
    provide_context(I18n::new());
    provide_context(Settings::load());
    provide_context(Session::start());
    provide_context(PendingRequests::new());
    view! {
        <Router>
            <RouteGuard/>
            <Routes fallback=NotFoundPage>
                <Route path=path!("/") view=Loading/>
                <Route path=path!("/captive") view=CaptivePage/>
                <Route path=path!("/captive/terhubung") view=ConnectedPage/>
                <Route path=path!("/login") view=LoginPage/>
                <Route path=path!("/session/consume") view=SessionConsumePage/>
                <Route path=path!("/dashboard") view=guarded(DashboardPage)/>
                <Route path=path!("/akun") view=guarded(AccountPage)/>
                <Route path=path!("/beli") view=guarded(BuyPage)/>
                <Route path=path!("/riwayat") view=guarded(HistoryPage)/>
                <Route path=path!("/requests") view=guarded(KomandanRequestsPage)/>
                <Route path=path!("/payment/status") view=PaymentStatusPage/>
                <Route path=path!("/payment/finish") view=PaymentStatusPage/>
                <Route path=path!("/policy/:status") view=PolicyPage/>
                <Route path=path!("/maintenance") view=MaintenancePage/>
                <Route path=path!("/admin") view=AdminLoginPage/>
                <Route path=path!("/admin/dashboard") view=guarded(AdminDashboardPage)/>
                <Route path=path!("/admin/users") view=guarded(AdminUsersPage)/>
                <Route path=path!("/admin/users/:id") view=guarded(AdminUserDetailPage)/>
                <Route path=path!("/admin/requests") view=guarded(AdminRequestsPage)/>
                <Route path=path!("/admin/debts") view=guarded(AdminDebtsPage)/>
                <Route path=path!("/admin/logs") view=guarded(AdminLogsPage)/>
                <Route path=path!("/admin/packages") view=guarded(AdminPackagesPage)/>
                <Route path=path!("/admin/promos") view=guarded(AdminPromosPage)/>
                <Route path=path!("/admin/transactions") view=guarded(AdminTransactionsPage)/>
                <Route path=path!("/admin/transactions/:order_id") view=guarded(AdminTransactionDetailPage)/>
                <Route path=path!("/admin/jobs") view=guarded(AdminJobsPage)/>
                <Route path=path!("/admin/templates") view=guarded(AdminTemplatesPage)/>
                <Route path=path!("/admin/inactive-accounts") view=guarded(AdminInactiveAccountsPage)/>
                <Route path=path!("/admin/parity") view=guarded(AdminParityPage)/>
                <Route path=path!("/admin/routers") view=guarded(AdminRoutersPage)/>
                <Route path=path!("/admin/settings") view=guarded(AdminSettingsPage)/>
                <Route path=path!("/admin/backup") view=guarded(AdminBackupsPage)/>
                <Route path=path!("/admin/whatsapp") view=guarded(AdminWhatsAppPage)/>
            </Routes>
        </Router>
    }
}

/// Applies [`guards::decide`] whenever the path, the session or the settings change.
#[component]
fn RouteGuard() -> impl IntoView {
    let location = use_location();
    let query = use_query_map();
    let session = crate::contexts::use_session();
    let settings = crate::contexts::use_settings();
    let redirect = use_redirect();
    Effect::new(move |_| {
        if !settings.loaded.get() {
            return;
        }
        let path = location.pathname.get();
        let search = location.search.get();
        let search = if search.is_empty() || search.starts_with('?') {
            search
        } else {
            format!("?{search}")
        };
        let wanted = query.with(|q| q.get("redirect"));
        if let Some(target) = guards::decide(
            &path,
            &search,
            wanted.as_deref(),
            session.visitor(),
            settings.maintenance(),
        ) {
            redirect.run(target);
        }
    });
}

/// Protected pages wait for the session before rendering (no flash of a page the guard is
/// about to leave, no calls that would answer 401).
fn guarded<V: IntoView + 'static>(
    page: fn() -> V,
) -> impl Fn() -> AnyView + Clone + Send + Sync + 'static {
    move || {
        let session = crate::contexts::use_session();
        view! {
            <Show when=move || session.user().is_some() fallback=Loading>
                {page()}
            </Show>
        }
        .into_any()
    }
}

#[component]
fn Loading() -> impl IntoView {
    let i18n = use_i18n();
    view! { <main class="center"><p class="muted" aria-live="polite">{move || i18n.tr("common-loading")}</p></main> }
}
