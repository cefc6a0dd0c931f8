//! `/admin/users`: pending approvals first, then every user; search, role and status
//! filters (also debt, expired, FUP, habis, no quota, tamping) and sorting; approve, reject
//! (with reason), block/unblock (with reason), role change; **Tambah pengguna** opens the
//! add-user dialog.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use saring_domain::Role;
use saring_domain::access::ApprovalStatus;
use saring_domain::dto::admin::{AdminUserItem, AdminUserQuery, AdminUserUpdate};

use super::parts::{SearchFilters, filter_select};
use super::role_key;
use super::user_add::AddUserDialog;
use crate::api::{self, ApiError};
use crate::components::common::{
    AdminShell, ConfirmBox, Feedback, Pager, StatusBadge, TabButton, use_title,
};
use crate::contexts::{use_i18n, use_settings};
use crate::format::{self, non_blank};

const PER_PAGE: u64 = 20;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tab {
    Pending,
    All,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Pending {
    Reject(String),
    Block(String),
    Unblock(String),
}

const STATUS_FILTERS: [(&str, &str); 13] = [
    ("pending", "admin-filter-pending"),
    ("approved", "admin-filter-approved"),
    ("rejected", "admin-filter-rejected"),
    ("active", "admin-filter-active"),
    ("inactive", "admin-filter-inactive"),
    ("blocked", "admin-filter-blocked"),
    ("unlimited", "admin-filter-unlimited"),
    ("debt", "admin-filter-debt"),
    ("expired", "admin-filter-expired"),
    ("fup", "admin-filter-fup"),
    ("habis", "admin-filter-habis"),
    ("no_quota", "admin-filter-no-quota"),
    ("tamping", "admin-filter-tamping"),
];

const ROLE_FILTERS: [(&str, &str); 3] = [
    ("USER", "role-user"),
    ("KOMANDAN", "role-komandan"),
    ("ADMIN", "role-admin"),
];

const ORDERS: [(&str, &str); 2] = [("asc", "admin-order-asc"), ("desc", "admin-order-desc")];

/// `?sort=` values and their text keys (the server's default is `created_at`).
const SORTS: [(&str, &str); 7] = [
    ("created_at", "admin-sort-created"),
    ("name", "admin-sort-name"),
    ("phone", "admin-sort-phone"),
    ("last_login", "admin-sort-last-login"),
    ("expiry", "admin-sort-expiry"),
    ("remaining", "admin-sort-remaining"),
    ("used", "admin-sort-used"),
];

#[component]
pub fn AdminUsersPage() -> impl IntoView {
    let i18n = use_i18n();
    let settings = use_settings();
    use_title("admin-users-title");
    let tab = RwSignal::new(Tab::Pending);
    let page = RwSignal::new(1u64);
    let search = RwSignal::new(String::new());
    let role = RwSignal::new(String::new());
    let status = RwSignal::new(String::new());
    let sort = RwSignal::new(String::new());
    let order = RwSignal::new(String::new());
    let adding = RwSignal::new(false);
    let reload = RwSignal::new(0u32);
    let pending = RwSignal::new(None::<Pending>);
    let feedback = Feedback::new();

    let users = LocalResource::new(move || {
        reload.track();
        let q = AdminUserQuery {
            page: Some(page.get()),
            per_page: Some(PER_PAGE),
            search: non_blank(&search.get()),
            role: non_blank(&role.get()),
            status: match tab.get() {
                Tab::Pending => Some("pending".to_owned()),
                Tab::All => non_blank(&status.get()),
            },
            blok: None,
            sort: non_blank(&sort.get()),
            order: non_blank(&order.get()),
        };
        async move { api::admin::users(&q).await }
    });
    let meta = Signal::derive(move || users.get().and_then(Result::ok).map(|p| p.meta()));

    let act = move |f: std::pin::Pin<
        Box<dyn std::future::Future<Output = Result<serde_json::Value, ApiError>>>,
    >,
                    key: &'static str| {
        feedback.clear();
        spawn_local(async move {
            if feedback.report(f.await, key).is_some() {
                pending.set(None);
                reload.update(|r| *r += 1);
            }
        });
    };
    let approve = move |id: String| {
        act(
            Box::pin(async move { api::admin::approve(&id).await }),
            "admin-approved",
        )
    };
    let reject = move |id: String, reason: String| {
        act(
            Box::pin(async move { api::admin::reject(&id, non_blank(&reason)).await }),
            "admin-rejected",
        )
    };
    let set_blocked = move |id: String, blocked: bool, reason: String| {
        let body = AdminUserUpdate {
            is_blocked: Some(blocked),
            blocked_reason: if blocked { non_blank(&reason) } else { None },
            ..Default::default()
        };
        let key = if blocked {
            "admin-blocked"
        } else {
            "admin-unblocked"
        };
        act(
            Box::pin(async move { api::admin::update(&id, &body).await }),
            key,
        )
    };
    let set_role = move |id: String, role: Role| {
        let body = AdminUserUpdate {
            role: Some(role),
            ..Default::default()
        };
        act(
            Box::pin(async move { api::admin::update(&id, &body).await }),
            "admin-role-changed",
        )
    };

    let row = move |u: AdminUserItem| {
        let tz = settings.tz();
        let l = i18n.get();
        let id = u.id.clone();
        let is_pending = u.approval_status == ApprovalStatus::PendingApproval;
        let blocked = u.is_blocked;
        let current_role = u.role;
        let place = match (&u.blok, &u.kamar) {
            (Some(b), Some(k)) => format!(" · {b}/{k}"),
            _ => String::new(),
        };
        let (i1, i2, i3, i4, i5, i6) = (
            id.clone(),
            id.clone(),
            id.clone(),
            id.clone(),
            id.clone(),
            id.clone(),
        );
        view! {
            <li class="user-row" data-testid="user-row" data-phone=format::phone(&u.phone_number)>
                <div class="user-main">
                    <A href=format!("/admin/users/{id}")><strong>{u.full_name.clone()}</strong></A>
                    <span class="muted">{format::phone(&u.phone_number)}{place}</span>
                    <span class="muted small">{move || i18n.tr("admin-registered")}" "{format::date(tz, Some(u.created_at))}
                        " · "{move || i18n.tr("admin-last-login")}" "{format::date(tz, u.last_login_at)}</span>
                </div>
                <div class="user-tags">
                    <StatusBadge status=u.status/>
                    <span class="badge">{move || i18n.tr(role_key(current_role))}</span>
                    {is_pending.then(|| view! { <span class="badge badge-warn">{move || i18n.tr("admin-filter-pending")}</span> })}
                    <span class="muted small">{format::mb(u.remaining_mb, l)}" · "{u.device_count}" "{move || i18n.tr("admin-devices")}</span>
                </div>
                <div class="user-actions">
                    {move || match pending.get() {
                        Some(Pending::Reject(p)) if p == i1 => {
                            let id = i1.clone();
                            view! { <ConfirmBox with_reason=true danger=true
                                message=Signal::derive(move || i18n.tr("admin-reject-confirm"))
                                confirm_label=Signal::derive(move || i18n.tr("admin-reject"))
                                on_confirm=Callback::new(move |r: String| reject(id.clone(), r))
                                on_cancel=Callback::new(move |_| pending.set(None))/> }.into_any()
                        }
                        Some(Pending::Block(p)) if p == i1 => {
                            let id = i1.clone();
                            view! { <ConfirmBox with_reason=true danger=true
                                message=Signal::derive(move || i18n.tr("admin-block-confirm"))
                                confirm_label=Signal::derive(move || i18n.tr("admin-block"))
                                on_confirm=Callback::new(move |r: String| set_blocked(id.clone(), true, r))
                                on_cancel=Callback::new(move |_| pending.set(None))/> }.into_any()
                        }
                        Some(Pending::Unblock(p)) if p == i1 => {
                            let id = i1.clone();
                            view! { <ConfirmBox
                                message=Signal::derive(move || i18n.tr("admin-unblock-confirm"))
                                confirm_label=Signal::derive(move || i18n.tr("admin-unblock"))
                                on_confirm=Callback::new(move |_: String| set_blocked(id.clone(), false, String::new()))
                                on_cancel=Callback::new(move |_| pending.set(None))/> }.into_any()
                        }
                        _ => {
                            let (a, b, c, d) = (i2.clone(), i3.clone(), i4.clone(), i5.clone());
                            view! {
                                <div class="row">
                                    {is_pending.then(|| view! {
                                        <button type="button" class="btn btn-primary" data-testid="approve"
                                            on:click=move |_| approve(a.clone())>{move || i18n.tr("admin-approve")}</button>
                                        <button type="button" class="btn btn-ghost btn-danger-text" data-testid="reject"
                                            on:click=move |_| pending.set(Some(Pending::Reject(b.clone())))>{move || i18n.tr("admin-reject")}</button>
                                    })}
                                    {if blocked {
                                        view! { <button type="button" class="btn btn-ghost" data-testid="unblock"
                                            on:click=move |_| pending.set(Some(Pending::Unblock(c.clone())))>{move || i18n.tr("admin-unblock")}</button> }.into_any()
                                    } else {
                                        view! { <button type="button" class="btn btn-ghost btn-danger-text" data-testid="block"
                                            on:click=move |_| pending.set(Some(Pending::Block(d.clone())))>{move || i18n.tr("admin-block")}</button> }.into_any()
                                    }}
                                </div>
                            }.into_any()
                        }
                    }}
                    {(!current_role.is_admin()).then(|| {
                        let id = i6.clone();
                        view! {
                            <label class="inline">
                                <span class="muted small">{move || i18n.tr("admin-role")}</span>
                                <select data-testid="role-select" on:change=move |ev| {
                                    let r = match event_target_value(&ev).as_str() {
                                        "KOMANDAN" => Role::Komandan,
                                        _ => Role::User,
                                    };
                                    if r != current_role { set_role(id.clone(), r); }
                                }>
                                    <option value="USER" selected=current_role == Role::User>{move || i18n.tr("role-user")}</option>
                                    <option value="KOMANDAN" selected=current_role == Role::Komandan>{move || i18n.tr("role-komandan")}</option>
                                </select>
                            </label>
                        }
                    })}
                </div>
            </li>
        }
    };

    // The export takes the list's filters (not its page or order).
    let export_href = move |format: &str| {
        let status = match tab.get() {
            Tab::Pending => Some("pending".to_owned()),
            Tab::All => non_blank(&status.get()),
        };
        let qs = crate::api::query_string(&[
            ("format", Some(format.to_owned())),
            ("search", non_blank(&search.get())),
            ("role", non_blank(&role.get())),
            ("status", status),
        ]);
        format!("/api/admin/users/export{qs}")
    };

    let first_page = Callback::new(move |_: ()| page.set(1));
    let reload_list = Callback::new(move |_: ()| reload.update(|r| *r += 1));

    view! {
        <AdminShell>
            <div class="panel-head">
                <h1>{move || i18n.tr("admin-users-title")}</h1>
                <div class="row">
                    <a class="btn btn-ghost" data-testid="users-export-csv" download=""
                        href=move || export_href("csv")>{move || i18n.tr("admin-users-export-csv")}</a>
                    <a class="btn btn-ghost" data-testid="users-export-pdf" target="_blank" rel="noopener"
                        href=move || export_href("pdf")>{move || i18n.tr("admin-users-export-pdf")}</a>
                    <button type="button" class="btn btn-primary" data-testid="add-user"
                        on:click=move |_| adding.set(true)>{move || i18n.tr("console-user-add")}</button>
                </div>
            </div>
            <AddUserDialog open=adding on_created=reload_list/>
            <div class="tabs" role="tablist">
                <TabButton current=tab which=Tab::Pending label="admin-tab-pending" testid="tab-pending" on_pick=first_page/>
                <TabButton current=tab which=Tab::All label="admin-tab-all" testid="tab-all" on_pick=first_page/>
            </div>
            <SearchFilters search=search page=page testid="user-search" placeholder="admin-search">
                {filter_select(i18n, role, page, "admin-role", Some("admin-all-roles"), ROLE_FILTERS, "user-role-filter")}
                <Show when=move || tab.get() == Tab::All>
                    {filter_select(i18n, status, page, "admin-status", Some("admin-all-statuses"), STATUS_FILTERS, "user-status-filter")}
                </Show>
                {filter_select(i18n, sort, page, "admin-sort", Some("admin-sort"), SORTS, "user-sort")}
                {filter_select(i18n, order, page, "admin-order", Some("admin-order-default"), ORDERS, "user-order")}
            </SearchFilters>
            {feedback.view()}
            {move || match users.get() {
                None => view! { <p class="muted">{move || i18n.tr("common-loading")}</p> }.into_any(),
                Some(Err(e)) => view! { <p class="alert alert-error" role="alert">{e.text(i18n.get())}</p> }.into_any(),
                Some(Ok(p)) if p.items.is_empty() => view! { <p class="muted" data-testid="no-users">{move || i18n.tr("admin-no-users")}</p> }.into_any(),
                Some(Ok(p)) => view! { <ul class="user-rows">{p.items.into_iter().map(row).collect_view()}</ul> }.into_any(),
            }}
            <Pager meta=meta page=page/>
        </AdminShell>
    }
}
