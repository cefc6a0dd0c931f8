//! `/admin/inactive-accounts`: what the inactive-account lifecycle (a daily job) would do
//! today, from `GET /api/admin/inactive-accounts/preview`: the accounts it would deactivate,
//! warn before deletion, and delete, one table per group with its count, each account with
//! its last activity (`dd-mm-yyyy`) and idle days. Nothing is changed from this page.

use leptos::prelude::*;
use leptos_router::components::A;

use super::parts::loaded;
use crate::api;
use crate::api::admin::{InactiveAccount, LifecycleAction};
use crate::components::common::{AdminShell, use_title};
use crate::contexts::{I18n, Settings, use_i18n, use_settings};
use crate::format;

/// The groups in the order the job acts: `(action, data-action, title key, help key, badge)`.
const GROUPS: [(LifecycleAction, &str, &str, &str, &str); 3] = [
    (
        LifecycleAction::Deactivate,
        "deactivate",
        "admin-inactive-deactivate",
        "admin-inactive-deactivate-help",
        "badge badge-warn",
    ),
    (
        LifecycleAction::WarnBeforeDelete,
        "warn_before_delete",
        "admin-inactive-warn",
        "admin-inactive-warn-help",
        "badge badge-warn",
    ),
    (
        LifecycleAction::Delete,
        "delete",
        "admin-inactive-delete",
        "admin-inactive-delete-help",
        "badge badge-error",
    ),
];

fn account_row(i18n: I18n, settings: Settings, a: InactiveAccount) -> impl IntoView {
    let idle = i18n.tr_with("admin-days", &[("days", &a.idle_days.to_string())]);
    view! {
        <tr data-testid="inactive-row" data-id=a.user_id.clone()>
            <td><A href=format!("/admin/users/{}", a.user_id)>{a.full_name.clone()}</A></td>
            <td>{format::phone(&a.phone_number)}</td>
            <td>{format::date(settings.tz(), Some(a.last_activity_at))}</td>
            <td>{idle}</td>
        </tr>
    }
}

fn group(
    i18n: I18n,
    settings: Settings,
    (action, value, title, help, badge): (LifecycleAction, &'static str, &str, &str, &str),
    accounts: &[InactiveAccount],
) -> impl IntoView {
    let rows: Vec<InactiveAccount> = accounts
        .iter()
        .filter(|a| a.action == action)
        .cloned()
        .collect();
    let count = rows.len();
    let (title, help) = (title.to_owned(), help.to_owned());
    let table = if rows.is_empty() {
        view! { <p class="muted" data-testid="inactive-empty">{move || i18n.tr("admin-inactive-none")}</p> }.into_any()
    } else {
        view! {
            <div class="table-wrap">
                <table class="table">
                    <thead><tr>
                        <th scope="col">{move || i18n.tr("admin-inactive-name")}</th>
                        <th scope="col">{move || i18n.tr("admin-inactive-phone")}</th>
                        <th scope="col">{move || i18n.tr("admin-inactive-last-activity")}</th>
                        <th scope="col">{move || i18n.tr("admin-inactive-idle")}</th>
                    </tr></thead>
                    <tbody>{rows.into_iter().map(|a| account_row(i18n, settings, a)).collect_view()}</tbody>
                </table>
            </div>
        }
        .into_any()
    };
    view! {
        <section class="panel" data-testid="inactive-group" data-action=value data-count=count.to_string()>
            <div class="panel-head">
                <h2>{move || i18n.tr(&title)}</h2>
                <span class=badge data-testid="inactive-group-count">
                    {move || i18n.tr_with("admin-inactive-count", &[("count", &count.to_string())])}
                </span>
            </div>
            <p class="muted small">{move || i18n.tr(&help)}</p>
            {table}
        </section>
    }
}

#[component]
pub fn AdminInactiveAccountsPage() -> impl IntoView {
    let i18n = use_i18n();
    let settings = use_settings();
    use_title("admin-inactive-title");
    let reload = RwSignal::new(0u32);
    let plan = LocalResource::new(move || {
        reload.track();
        api::admin::inactive_accounts_preview()
    });
    view! {
        <AdminShell>
            <div class="panel-head">
                <h1>{move || i18n.tr("admin-inactive-title")}</h1>
                <button type="button" class="btn btn-ghost" data-testid="inactive-refresh"
                    on:click=move |_| reload.update(|r| *r += 1)>{move || i18n.tr("admin-refresh")}</button>
            </div>
            <p class="muted">{move || i18n.tr("admin-inactive-help")}</p>
            {move || loaded(i18n, plan.get(), |list| {
                let total = list.len().to_string();
                let total_attr = total.clone();
                view! {
                    <p data-testid="inactive-total" data-total=total_attr>
                        <strong>{move || i18n.tr_with("admin-inactive-total", &[("count", &total)])}</strong>
                    </p>
                    <div class="stack" data-testid="inactive-groups">
                        {GROUPS.into_iter().map(|g| group(i18n, settings, g, &list)).collect_view()}
                    </div>
                }.into_any()
            })}
            <p class="muted small" data-testid="inactive-thresholds">{move || i18n.tr("admin-inactive-thresholds")}</p>
        </AdminShell>
    }
}
