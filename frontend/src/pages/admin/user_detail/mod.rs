//! `/admin/users/{id}`: the operator console for one account, in tabs: overview (facts,
//! devices, reset login, reset hotspot password, create a bill, delete), profile and role
//! (name, number, blok/kamar or tamping, role, block/unblock), quota (inject, unlimited and
//! revoke, the super admin's direct adjust), debts (list with summary, add, settle, report by
//! WhatsApp and PDF), quota history, and the live router state with **Perbaiki**.
//!
//! The sections share a [`Console`] (context): the account as last loaded and a version per
//! part of the page, so an action refreshes exactly what it changed.

mod bill;
mod debts;
mod history;
mod overview;
mod profile;
mod quota;
mod router;

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use saring_domain::dto::admin::AdminUserDetail;
use saring_domain::dto::auth::UserMe;
use saring_domain::dto::operator::UserRemoved;

use self::debts::DebtsTab;
use self::history::HistoryTab;
use self::overview::OverviewTab;
use self::profile::ProfileTab;
use self::quota::QuotaTab;
use self::router::RouterTab;
use super::operator_forms::{Powers, powers};
use super::role_key;
use crate::api::{self, ApiError};
use crate::components::common::{AdminShell, StatusBadge, TabButton, use_title};
use crate::contexts::{use_i18n, use_session, use_settings};
use crate::format;

/// A part of the page an action can change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// The account (facts, quota, devices).
    Detail,
    Debts,
    History,
    Router,
}

/// Every part a quota change touches.
pub const QUOTA_PARTS: &[Part] = &[Part::Detail, Part::Debts, Part::History, Part::Router];

/// What the sections of one account's page share.
#[derive(Debug, Clone, Copy)]
pub struct Console {
    pub id: Memo<String>,
    /// The account as last loaded (`None` until the first answer).
    pub user: Signal<Option<AdminUserDetail>>,
    pub powers: Memo<Powers>,
    /// Set when the account was deleted (the page then says so instead of showing it).
    pub removed: RwSignal<Option<UserRemoved>>,
    versions: [RwSignal<u32>; 4],
}

impl Console {
    fn slot(part: Part) -> usize {
        match part {
            Part::Detail => 0,
            Part::Debts => 1,
            Part::History => 2,
            Part::Router => 3,
        }
    }

    /// Tracks `part`: a resource reading it loads again after [`Console::changed`].
    pub fn track(&self, part: Part) {
        self.versions[Self::slot(part)].track();
    }

    /// Reloads the parts an action changed.
    pub fn changed(&self, parts: &[Part]) {
        for p in parts {
            self.versions[Self::slot(*p)].update(|v| *v += 1);
        }
    }

    /// The account id, for a call.
    pub fn id(&self) -> String {
        self.id.get_untracked()
    }

    /// The account's own fields (reactive).
    pub fn me(&self) -> Option<UserMe> {
        self.user.with(|u| u.as_ref().map(|d| d.user.clone()))
    }
}

pub fn use_console() -> Console {
    expect_context::<Console>()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tab {
    Overview,
    Profile,
    Quota,
    Debts,
    History,
    Router,
}

/// Whether the page can show the account: loading, failed (the text), or ready.
#[derive(Debug, Clone, PartialEq)]
enum Load {
    Loading,
    Failed(ApiError),
    Ready,
}

#[component]
pub fn AdminUserDetailPage() -> impl IntoView {
    let i18n = use_i18n();
    let settings = use_settings();
    let session = use_session();
    use_title("admin-user-title");
    let params = use_params_map();
    let id = Memo::new(move |_| params.with(|p| p.get("id")).unwrap_or_default());
    let versions = [
        RwSignal::new(0u32),
        RwSignal::new(0u32),
        RwSignal::new(0u32),
        RwSignal::new(0u32),
    ];
    let detail = LocalResource::new(move || {
        versions[0].track();
        let id = id.get();
        async move { api::admin::user(&id).await }
    });
    let user = Signal::derive(move || detail.get().and_then(Result::ok));
    let powers = Memo::new(move |_| {
        let me = session.user();
        let target = user.with(|u| u.as_ref().map(|d| (d.user.id.clone(), d.user.role)));
        match (me, target) {
            (Some(me), Some((target_id, role))) => powers(me.role, me.id == target_id, role),
            _ => powers(saring_domain::Role::User, false, saring_domain::Role::User),
        }
    });
    let removed = RwSignal::new(None::<UserRemoved>);
    let console = Console {
        id,
        user,
        powers,
        removed,
        versions,
    };
    provide_context(console);
    let load = Memo::new(move |_| match detail.get() {
        None => Load::Loading,
        Some(Err(e)) => Load::Failed(e),
        Some(Ok(_)) => Load::Ready,
    });
    let tab = RwSignal::new(Tab::Overview);

    let header = move || {
        user.get().map(|d| {
            let u = d.user;
            let tz = settings.tz();
            let l = i18n.get();
            let quota = if u.is_unlimited_user {
                i18n.tr("admin-filter-unlimited")
            } else {
                format::mb(u.remaining_mb, l)
            };
            view! {
                <div class="panel-head">
                    <h1 data-testid="user-detail-name">{u.full_name.clone()}</h1>
                    <StatusBadge status=u.status/>
                    <span class="badge">{move || i18n.tr(role_key(u.role))}</span>
                </div>
                <p class="muted" data-testid="user-detail-summary">
                    {format::phone(&u.phone_number)}" · "{move || i18n.tr("dashboard-remaining")}" "
                    <strong data-testid="user-detail-remaining">{quota}</strong>
                    " · "{move || i18n.tr("dashboard-expiry")}" "{format::date(tz, u.quota_expiry_date)}
                </p>
            }
        })
    };

    let tabs = move || {
        view! {
            <div class="tabs tabs-scroll" role="tablist">
                <TabButton current=tab which=Tab::Overview label="console-tab-overview" testid="tab-overview"/>
                <TabButton current=tab which=Tab::Profile label="console-tab-profile" testid="tab-profile"/>
                <TabButton current=tab which=Tab::Quota label="console-tab-quota" testid="tab-quota"/>
                <TabButton current=tab which=Tab::Debts label="console-tab-debts" testid="tab-debts"/>
                <TabButton current=tab which=Tab::History label="console-tab-history" testid="tab-history"/>
                <TabButton current=tab which=Tab::Router label="console-tab-router" testid="tab-router"/>
            </div>
        }
    };

    let body = move || match tab.get() {
        Tab::Overview => view! { <OverviewTab/> }.into_any(),
        Tab::Profile => view! { <ProfileTab/> }.into_any(),
        Tab::Quota => view! { <QuotaTab/> }.into_any(),
        Tab::Debts => view! { <DebtsTab/> }.into_any(),
        Tab::History => view! { <HistoryTab/> }.into_any(),
        Tab::Router => view! { <RouterTab/> }.into_any(),
    };

    view! {
        <AdminShell>
            <p><A href="/admin/users">"← "{move || i18n.tr("admin-users-title")}</A></p>
            {move || {
                // Another account (same route, new id): start afresh.
                id.track();
                if let Some(r) = removed.get().filter(|r| r.outcome == "deleted") {
                    return view! {
                        <div class="panel stack" data-testid="user-deleted">
                            <p class="alert alert-ok" role="status">{r.message.clone()}</p>
                            {(r.router_failures > 0).then(|| view! {
                                <p class="alert alert-warn">{move || i18n.tr_with("console-router-failures",
                                    &[("count", &r.router_failures.to_string())])}</p>
                            })}
                            <A href="/admin/users">{move || i18n.tr("admin-users-title")}</A>
                        </div>
                    }.into_any();
                }
                match load.get() {
                    Load::Loading => view! { <p class="muted">{move || i18n.tr("common-loading")}</p> }.into_any(),
                    Load::Failed(e) => view! { <p class="alert alert-error" role="alert">{e.text(i18n.get())}</p> }.into_any(),
                    Load::Ready => view! {
                        <div data-testid="user-console">
                            {header}
                            <Show when=move || !powers.get().manage>
                                <p class="alert alert-info" role="status" data-testid="view-only">
                                    {move || i18n.tr("console-view-only")}
                                </p>
                            </Show>
                            {tabs}
                            <div role="tabpanel">{body}</div>
                        </div>
                    }.into_any(),
                }
            }}
        </AdminShell>
    }
}
