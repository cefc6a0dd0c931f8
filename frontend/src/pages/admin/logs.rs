//! `/admin/logs`: the admin action log, newest first, optionally within a range of days, with
//! the CSV export of that range.

use leptos::prelude::*;
use saring_domain::dto::admin::ActionLogItem;

use super::parts::range_query;
use crate::api;
use crate::components::common::{AdminShell, Pager, use_title};
use crate::contexts::{use_i18n, use_settings};
use crate::format::{self, non_blank};

/// `UPDATE_USER_PROFILE` → `Update user profile`.
pub fn action_label(action: &str) -> String {
    let words = action.to_lowercase().replace('_', " ");
    let mut chars = words.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn details_text(item: &ActionLogItem) -> String {
    match &item.details {
        Some(serde_json::Value::Object(map)) => map
            .iter()
            .map(|(k, v)| match v {
                serde_json::Value::String(s) => format!("{k}: {s}"),
                other => format!("{k}: {other}"),
            })
            .collect::<Vec<_>>()
            .join(", "),
        Some(serde_json::Value::Null) | None => String::new(),
        Some(other) => other.to_string(),
    }
}

#[component]
pub fn AdminLogsPage() -> impl IntoView {
    let i18n = use_i18n();
    let settings = use_settings();
    let page = RwSignal::new(1u64);
    let from = RwSignal::new(String::new());
    let to = RwSignal::new(String::new());
    use_title("admin-logs-title");
    let logs = LocalResource::new(move || {
        let p = page.get();
        let (f, t) = (non_blank(&from.get()), non_blank(&to.get()));
        async move { api::admin::action_logs(p, f, t).await }
    });
    let export = move || {
        range_query(&from.get(), &to.get())
            .map(|range| format!("/api/admin/action-logs/export?format=csv&{range}"))
    };
    let meta = Signal::derive(move || logs.get().and_then(Result::ok).map(|p| p.meta()));
    view! {
        <AdminShell>
            <h1>{move || i18n.tr("admin-logs-title")}</h1>
            <div class="row" data-testid="logs-filters">
                <label class="field"><span>{move || i18n.tr("admin-export-from")}</span>
                    <input type="date" data-testid="logs-from" bind:value=from
                        on:change=move |_| page.set(1)/></label>
                <label class="field"><span>{move || i18n.tr("admin-export-to")}</span>
                    <input type="date" data-testid="logs-to" bind:value=to
                        on:change=move |_| page.set(1)/></label>
                {move || match export() {
                    Ok(h) => view! { <a class="btn" data-testid="logs-export" href=h download="">{move || i18n.tr("admin-export-download")}</a> }.into_any(),
                    Err(_) => view! { <span class="muted small">{move || i18n.tr("admin-logs-export-help")}</span> }.into_any(),
                }}
            </div>
            {move || match logs.get() {
                None => view! { <p class="muted">{move || i18n.tr("common-loading")}</p> }.into_any(),
                Some(Err(e)) => view! { <p class="alert alert-error" role="alert">{e.text(i18n.get())}</p> }.into_any(),
                Some(Ok(p)) if p.items.is_empty() => view! { <p class="muted">{move || i18n.tr("admin-no-logs")}</p> }.into_any(),
                Some(Ok(p)) => {
                    let tz = settings.tz();
                    view! {
                        <div class="table-wrap">
                            <table class="table" data-testid="logs">
                                <thead><tr>
                                    <th scope="col">{move || i18n.tr("admin-log-time")}</th>
                                    <th scope="col">{move || i18n.tr("admin-log-admin")}</th>
                                    <th scope="col">{move || i18n.tr("admin-log-action")}</th>
                                    <th scope="col">{move || i18n.tr("admin-log-target")}</th>
                                    <th scope="col">{move || i18n.tr("admin-log-details")}</th>
                                </tr></thead>
                                <tbody>
                                    {p.items.into_iter().map(|item| {
                                        let details = details_text(&item);
                                        view! { <tr>
                                            <td>{format::datetime(tz, Some(item.created_at))}</td>
                                            <td>{item.admin_name.clone().unwrap_or_else(|| i18n.tr("admin-log-system"))}</td>
                                            <td><span class="badge">{action_label(&item.action_type)}</span></td>
                                            <td>{item.target_user_name.clone().unwrap_or_else(|| "–".into())}</td>
                                            <td class="small">{details}</td>
                                        </tr> }
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                    }.into_any()
                }
            }}
            <Pager meta=meta page=page/>
        </AdminShell>
    }
}

#[cfg(test)]
mod tests {
    use super::action_label;

    #[test]
    fn labels() {
        assert_eq!(action_label("UPDATE_USER_PROFILE"), "Update user profile");
        assert_eq!(action_label(""), "");
    }
}
