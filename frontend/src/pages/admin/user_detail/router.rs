//! The router tab: what every router holds for the account **now** (hotspot user, bindings,
//! status lists, host rows, active sessions) next to what the database expects, the
//! differences in plain words, and **Perbaiki** (bring it in line now).

use leptos::prelude::*;
use saring_domain::Bytes;
use saring_domain::dto::operator::{LiveEntry, RouterSide, UserRouterState};

use super::{Part, use_console};
use crate::api::{self, ApiError};
use crate::contexts::{I18n, use_i18n};
use crate::pages::admin::parts::{Action, loaded};

/// One kind of router entry as a titled list ("none" when empty).
fn entries(
    i18n: I18n,
    key: &'static str,
    kind: &'static str,
    list: Vec<LiveEntry>,
) -> impl IntoView {
    view! {
        <div class="live-entries" data-testid="live-entries" data-kind=kind>
            <h3>{move || i18n.tr(key)}" ("{list.len()}")"</h3>
            {if list.is_empty() {
                view! { <p class="muted small">{move || i18n.tr("console-router-none")}</p> }.into_any()
            } else {
                view! {
                    <ul class="small">
                        {list.into_iter().map(|e| view! {
                            <li><span class="mono">{e.summary}</span>
                                {e.comment.map(|c| view! { " "<span class="muted">{c}</span> })}</li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </div>
    }
}

fn side(i18n: I18n, r: RouterSide) -> impl IntoView {
    let l = i18n.get();
    let in_line = r.error.is_none() && r.differences.is_empty();
    let user = r.hotspot_user.map(|u| {
        let limit = u
            .limit_bytes_total
            .map(|b| Bytes(i64::try_from(b).unwrap_or(i64::MAX)).display(l))
            .unwrap_or_else(|| "–".into());
        let rows = [
            (i18n.tr("dashboard-username"), u.name),
            (
                i18n.tr("admin-profile"),
                u.profile.unwrap_or_else(|| "–".into()),
            ),
            (
                i18n.tr("console-router-server"),
                u.server.unwrap_or_else(|| "–".into()),
            ),
            (i18n.tr("console-router-limit"), limit),
            (
                i18n.tr("admin-status"),
                i18n.tr(if u.disabled {
                    "admin-inactive"
                } else {
                    "admin-active"
                }),
            ),
            (i18n.tr("console-note"), u.comment.unwrap_or_default()),
        ];
        view! {
            <dl class="facts">
                {rows.into_iter().map(|(k, v)| view! { <dt>{k}</dt><dd>{v}</dd> }).collect_view()}
            </dl>
        }
    });
    view! {
        <section class="panel stack" data-testid="router-side" data-router=r.router.clone()
            data-in-line=in_line.to_string()>
            <div class="panel-head">
                <h3>{r.router.clone()}</h3>
                {if in_line {
                    view! { <span class="badge badge-ok">{i18n.tr("console-router-in-line")}</span> }.into_any()
                } else {
                    view! { <span class="badge badge-warn">{i18n.tr("console-router-differs")}</span> }.into_any()
                }}
            </div>
            {r.error.map(|e| view! { <p class="alert alert-error" role="alert">{i18n.tr("console-router-unreadable")}" "{e}</p> })}
            {(!r.differences.is_empty()).then(|| view! {
                <ul class="alert alert-warn" data-testid="router-differences">
                    {r.differences.into_iter().map(|d| view! { <li>{d}</li> }).collect_view()}
                </ul>
            })}
            <h3>{i18n.tr("console-router-hotspot-user")}</h3>
            {match user {
                Some(v) => v.into_any(),
                None => view! { <p class="muted small">{i18n.tr("console-router-no-user")}</p> }.into_any(),
            }}
            <div class="grid">
                {entries(i18n, "console-router-bindings", "bindings", r.bindings)}
                {entries(i18n, "console-router-lists", "address_lists", r.address_lists)}
                {entries(i18n, "console-router-hosts", "hosts", r.hosts)}
                {entries(i18n, "console-router-sessions", "active_sessions", r.active_sessions)}
            </div>
        </section>
    }
}

fn state_view(i18n: I18n, s: UserRouterState) -> AnyView {
    let e = s.expected;
    let rows = [
        ("admin-status", e.status),
        ("admin-profile", e.profile),
        ("console-router-list", e.address_list),
        ("console-router-binding", e.binding_type),
        ("dashboard-username", e.hotspot_username),
    ];
    view! {
        <div class="stack" data-testid="router-state" data-in-line=s.in_line.to_string()>
            <p class=if s.in_line { "alert alert-ok" } else { "alert alert-warn" } role="status">
                {i18n.tr(if s.in_line { "console-router-all-in-line" } else { "console-router-not-in-line" })}
            </p>
            <h3>{i18n.tr("console-router-expected")}</h3>
            <dl class="facts">
                {rows.into_iter().map(|(k, v)| view! { <dt>{i18n.tr(k)}</dt><dd class="mono">{v}</dd> }).collect_view()}
            </dl>
            {s.routers.into_iter().map(|r| side(i18n, r)).collect_view()}
        </div>
    }
    .into_any()
}

#[component]
pub fn RouterTab() -> impl IntoView {
    let i18n = use_i18n();
    let console = use_console();
    let action = Action::new(i18n);
    // The state after a fix, shown until the next read.
    let fixed = RwSignal::new(None::<UserRouterState>);
    let live = LocalResource::new(move || {
        console.track(Part::Router);
        let id = console.id.get();
        async move { api::operator::router_state(&id).await }
    });
    let shown = move || -> Option<Result<UserRouterState, ApiError>> {
        match fixed.get() {
            Some(s) => Some(Ok(s)),
            None => live.get(),
        }
    };
    let fix = move |_| {
        let id = console.id();
        action.run(
            Ok(()),
            move |_| async move { api::operator::fix_router_state(&id).await },
            move |r| {
                let text = i18n.text_with(
                    if r.synced {
                        "console-router-fixed"
                    } else {
                        "console-router-fix-queued"
                    },
                    &[("devices", &r.devices.to_string())],
                );
                fixed.set(Some(r.after));
                console.changed(&[Part::Detail]);
                text
            },
        );
    };
    let reload = move |_| {
        fixed.set(None);
        action.feedback.clear();
        console.changed(&[Part::Router]);
    };
    view! {
        <section class="panel stack" data-testid="router-section">
            <div class="panel-head">
                <h2>{move || i18n.tr("console-router-title")}</h2>
                <button type="button" class="btn btn-ghost" data-testid="router-reload" on:click=reload>
                    {move || i18n.tr("admin-refresh")}
                </button>
                <Show when=move || console.powers.get().manage>
                    <button type="button" class="btn btn-primary" data-testid="router-fix"
                        disabled=move || action.busy.get() on:click=fix>
                        {move || if action.busy.get() { i18n.tr("common-processing") } else { i18n.tr("console-router-fix") }}
                    </button>
                </Show>
            </div>
            <p class="muted small">{move || i18n.tr("console-router-help")}</p>
            {action.view()}
            {move || loaded(i18n, shown(), |s| state_view(i18n, s))}
        </section>
    }
}
