//! `/admin/parity`: the policy parity guard, a worker job per router that compares what each
//! user should have on the router (IP binding, status address list, hotspot profile, static
//! DHCP lease) with what the router has. Per router the last report the server kept (24 h,
//! `GET /api/admin/policy-parity`): when, users checked and differing, repaired and failed,
//! the differences by kind and the differing users; or "no report yet", or why it was
//! skipped. **Periksa sekarang** asks for a fresh read-only report of every enabled router
//! (`POST /api/admin/policy-parity/check`, it never repairs) and shows it.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;

use super::parts::loaded;
use crate::api;
use crate::components::common::{AdminShell, Feedback, use_title};
use crate::contexts::{I18n, Settings, use_i18n, use_settings};
use crate::format;
use saring_domain::dto::parity::{ParityItem, ParityReport, RouterParity};

/// The kinds of difference the guard reports, with their text keys.
pub const KINDS: [(&str, &str); 10] = [
    ("missing_ip_binding", "admin-parity-kind-missing-ip-binding"),
    ("binding_type", "admin-parity-kind-binding-type"),
    ("binding_details", "admin-parity-kind-binding-details"),
    ("extra_ip_binding", "admin-parity-kind-extra-ip-binding"),
    ("address_list", "admin-parity-kind-address-list"),
    (
        "address_list_comment",
        "admin-parity-kind-address-list-comment",
    ),
    ("address_list_stale", "admin-parity-kind-address-list-stale"),
    ("hotspot_profile", "admin-parity-kind-hotspot-profile"),
    (
        "missing_hotspot_user",
        "admin-parity-kind-missing-hotspot-user",
    ),
    ("dhcp_lease_missing", "admin-parity-kind-dhcp-lease-missing"),
];

/// The text key of a kind of difference (`None`: a kind this SPA does not know yet).
pub fn kind_key(kind: &str) -> Option<&'static str> {
    KINDS.iter().find(|(k, _)| *k == kind).map(|(_, key)| *key)
}

/// The label of a kind of difference (the kind itself when unknown).
fn kind_text(i18n: I18n, kind: &str) -> String {
    kind_key(kind).map_or_else(|| kind.to_owned(), |key| i18n.tr(key))
}

/// The text key of why a check was skipped (`None`: a reason this SPA does not know yet).
pub fn skipped_key(why: &str) -> Option<&'static str> {
    match why {
        "locked" => Some("admin-parity-skipped-locked"),
        "disabled" => Some("admin-parity-skipped-disabled"),
        _ => None,
    }
}

fn stat(label: String, value: String, testid: &'static str) -> impl IntoView {
    view! {
        <div class="stat">
            <span class="muted">{label}</span>
            <strong data-testid=testid>{value}</strong>
        </div>
    }
}

fn item_row(i18n: I18n, item: ParityItem) -> impl IntoView {
    let kinds = item
        .mismatches
        .iter()
        .map(|k| {
            let label = kind_text(i18n, k);
            view! { <span class="badge badge-warn" data-kind=k.clone()>{label}</span> }
        })
        .collect_view();
    let ops = i18n.tr_with("admin-parity-ops", &[("ops", &item.ops.to_string())]);
    let repaired = if item.repaired {
        view! { <span class="badge badge-ok" data-testid="parity-repaired-mark">{i18n.tr("admin-parity-repaired-mark")}</span> }.into_any()
    } else {
        view! { <span class="muted">"–"</span> }.into_any()
    };
    view! {
        <tr data-testid="parity-row" data-id=item.user_id.clone()>
            <td><A href=format!("/admin/users/{}", api::encode_component(&item.user_id))>{item.full_name}</A></td>
            <td>{format::phone(&item.username)}</td>
            <td><div class="chips">{kinds}</div><span class="muted small">{ops}</span></td>
            <td>{repaired}</td>
        </tr>
    }
}

/// The differing users, or "all match".
fn differences(i18n: I18n, report: &ParityReport) -> AnyView {
    if report.users_with_mismatches == 0 {
        return view! { <p class="alert alert-ok" data-testid="parity-all-match">{i18n.tr("admin-parity-all-match")}</p> }.into_any();
    }
    let summary = report
        .summary
        .iter()
        .map(|(kind, users)| {
            let text = format!("{}: {users}", kind_text(i18n, kind));
            view! {
                <span class="badge badge-warn" data-testid="parity-kind" data-kind=kind.clone()
                    data-count=users.to_string()>{text}</span>
            }
        })
        .collect_view();
    let shown = report.items.len();
    let partial = (shown < report.users_with_mismatches).then(|| {
        let text = i18n.tr_with(
            "admin-parity-partial",
            &[
                ("shown", &shown.to_string()),
                ("total", &report.users_with_mismatches.to_string()),
            ],
        );
        view! { <p class="muted small">{text}</p> }
    });
    let rows = report
        .items
        .iter()
        .cloned()
        .map(|item| item_row(i18n, item))
        .collect_view();
    view! {
        <h3>{i18n.tr("admin-parity-by-kind")}</h3>
        <div class="chips" data-testid="parity-summary">{summary}</div>
        <h3>{i18n.tr("admin-parity-users")}</h3>
        <div class="table-wrap">
            <table class="table" data-testid="parity-items">
                <thead><tr>
                    <th scope="col">{i18n.tr("admin-inactive-name")}</th>
                    <th scope="col">{i18n.tr("admin-inactive-phone")}</th>
                    <th scope="col">{i18n.tr("admin-parity-kinds")}</th>
                    <th scope="col">{i18n.tr("admin-parity-repaired")}</th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
        {partial}
    }
    .into_any()
}

/// A report that was made: its counts, the repair note and the differences.
fn report_view(i18n: I18n, settings: Settings, report: &ParityReport) -> AnyView {
    let errors = (!report.repair_errors.is_empty()).then(|| {
        let list = report
            .repair_errors
            .iter()
            .map(|e| view! { <li class="mono small">{e.clone()}</li> })
            .collect_view();
        view! {
            <div class="alert alert-error" role="alert" data-testid="parity-repair-errors">
                <p>{i18n.tr("admin-parity-repair-errors")}</p>
                <ul>{list}</ul>
            </div>
        }
    });
    view! {
        <div class="stats">
            {stat(i18n.tr("admin-parity-generated"), format::datetime(settings.tz(), report.generated_at), "parity-generated")}
            {stat(i18n.tr("admin-parity-users-checked"), report.users_checked.to_string(), "parity-users-checked")}
            {stat(i18n.tr("admin-parity-users-differing"), report.users_with_mismatches.to_string(), "parity-users-differing")}
            {stat(i18n.tr("admin-parity-repaired-users"), report.repaired_users.to_string(), "parity-repaired-users")}
            {stat(i18n.tr("admin-parity-repair-failures"), report.repair_failures.to_string(), "parity-repair-failures")}
        </div>
        <p class="muted small">{i18n.tr("admin-parity-repair-note")}</p>
        {errors}
        {differences(i18n, report)}
    }
    .into_any()
}

fn router_card(i18n: I18n, settings: Settings, r: RouterParity) -> impl IntoView {
    let (state, badge, body) = match &r.report {
        None => (
            "none",
            None,
            view! { <p class="muted" data-testid="parity-none">{i18n.tr("admin-parity-none")}</p> }
                .into_any(),
        ),
        Some(report) => match &report.skipped {
            Some(why) => {
                let reason = skipped_key(why).map_or_else(|| why.clone(), |key| i18n.tr(key));
                let text = i18n.tr_with("admin-parity-skipped", &[("reason", &reason)]);
                (
                    "skipped",
                    None,
                    view! { <p class="alert alert-warn" data-testid="parity-skipped" data-reason=why.clone()>{text}</p> }
                        .into_any(),
                )
            }
            None => {
                let badge = if report.users_with_mismatches == 0 {
                    ("badge badge-ok", i18n.tr("admin-parity-match"))
                } else {
                    let n = report.users_with_mismatches.to_string();
                    (
                        "badge badge-warn",
                        i18n.tr_with("admin-parity-differing", &[("count", &n)]),
                    )
                };
                ("report", Some(badge), report_view(i18n, settings, report))
            }
        },
    };
    let checked = r
        .report
        .as_ref()
        .filter(|_| state == "report")
        .map(|report| report.users_checked.to_string());
    view! {
        <section class="panel" data-testid="parity-router" data-router=r.router.clone()
            data-state=state data-users-checked=checked>
            <div class="panel-head">
                <h2>{i18n.tr_with("admin-parity-router", &[("router", &r.router)])}</h2>
                {badge.map(|(class, text)| view! { <span class=class data-testid="parity-badge">{text}</span> })}
            </div>
            {body}
        </section>
    }
}

#[component]
pub fn AdminParityPage() -> impl IntoView {
    let i18n = use_i18n();
    let settings = use_settings();
    use_title("admin-parity-title");
    let stored = LocalResource::new(api::admin::policy_parity);
    // The answer of the last "check now" and how many were made, shown instead of the stored
    // reports once one arrives.
    let fresh = RwSignal::new(None::<(u32, Vec<RouterParity>)>);
    let busy = RwSignal::new(false);
    let feedback = Feedback::new();
    let check = move |_| {
        feedback.clear();
        busy.set(true);
        spawn_local(async move {
            let result = api::admin::check_policy_parity().await;
            if let Some(list) = feedback.report(result, "admin-parity-checked") {
                let checks = fresh.with_untracked(|f| f.as_ref().map_or(0, |(n, _)| *n));
                fresh.set(Some((checks + 1, list)));
            }
            busy.set(false);
        });
    };
    // `checks`: 0 for the stored reports, else the number of the check that made them.
    let routers = move |list: Vec<RouterParity>, checks: u32| -> AnyView {
        if list.is_empty() {
            return view! { <p class="muted" data-testid="parity-no-routers">{i18n.tr("admin-parity-no-routers")}</p> }.into_any();
        }
        view! {
            <div class="stack" data-testid="parity-routers" data-checks=checks.to_string()>
                {list.into_iter().map(|r| router_card(i18n, settings, r)).collect_view()}
            </div>
        }
        .into_any()
    };
    view! {
        <AdminShell>
            <div class="panel-head">
                <h1>{move || i18n.tr("admin-parity-title")}</h1>
                <button type="button" class="btn btn-primary" data-testid="parity-check"
                    disabled=move || busy.get() on:click=check>
                    {move || if busy.get() { i18n.tr("common-processing") } else { i18n.tr("admin-parity-check") }}
                </button>
            </div>
            <p class="muted">{move || i18n.tr("admin-parity-help")}</p>
            {feedback.view()}
            {move || match fresh.get() {
                Some((checks, list)) => routers(list, checks),
                None => loaded(i18n, stored.get(), |list| routers(list, 0)),
            }}
        </AdminShell>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use saring_domain::Locale;

    #[test]
    fn every_kind_and_reason_has_a_text_in_both_languages() {
        let keys = KINDS
            .iter()
            .map(|(_, key)| *key)
            .chain(["locked", "disabled"].into_iter().filter_map(skipped_key));
        for key in keys {
            for locale in [Locale::Id, Locale::En] {
                assert!(
                    crate::i18n::lookup(locale, key).is_some(),
                    "{key} ({locale:?})"
                );
            }
        }
        assert_eq!(
            kind_key("address_list_stale"),
            Some("admin-parity-kind-address-list-stale")
        );
        assert_eq!(kind_key("something_new"), None);
        assert_eq!(skipped_key("other"), None);
    }
}
