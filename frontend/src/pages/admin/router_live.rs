//! The live view of one router on `/admin/routers`: the devices its hotspot sees now (with
//! their account when the MAC is a known device) and its hotspot sessions.

use leptos::prelude::*;
use saring_domain::dto::routers::{LiveHost, LiveOwner, LiveSession, RouterLive};
use saring_domain::{Bytes, Megabytes};

use crate::contexts::I18n;

fn data(i18n: I18n, bytes: u64) -> impl Fn() -> String + Send + Sync + 'static {
    let mb = Megabytes::from_bytes(Bytes(i64::try_from(bytes).unwrap_or(i64::MAX)));
    move || crate::format::mb(mb, i18n.locale.get())
}

fn uptime(seconds: u64) -> String {
    let (h, m, s) = (seconds / 3600, seconds / 60 % 60, seconds % 60);
    format!("{h}:{m:02}:{s:02}")
}

fn owner_cell(i18n: I18n, owner: Option<LiveOwner>) -> impl IntoView {
    match owner {
        Some(o) => view! {
            <a href=format!("/admin/users/{}", o.user_id) data-testid="live-owner">{o.full_name}</a>
            <br/><span class="mono small">{o.phone_number}</span>
        }
        .into_any(),
        None => view! { <span class="muted small">{move || i18n.tr("admin-router-live-unknown")}</span> }.into_any(),
    }
}

fn host_row(i18n: I18n, h: LiveHost) -> impl IntoView {
    let state = if h.bypassed {
        "admin-router-live-bypassed"
    } else if h.authorized {
        "admin-router-live-authorized"
    } else {
        "admin-router-live-waiting"
    };
    view! {
        <tr data-testid="live-host" data-mac=h.mac_address.clone()>
            <td class="mono small">{h.mac_address.clone()}<br/>{h.address.clone().unwrap_or_default()}</td>
            <td>{owner_cell(i18n, h.owner.clone())}</td>
            <td class="small">{move || i18n.tr(state)}</td>
            <td class="small">{uptime(h.uptime_seconds)}" / "{uptime(h.idle_seconds)}</td>
            <td class="small">{data(i18n, h.bytes_out)}" ↓ · "{data(i18n, h.bytes_in)}" ↑"</td>
        </tr>
    }
}

fn session_row(i18n: I18n, a: LiveSession) -> impl IntoView {
    view! {
        <tr data-testid="live-session">
            <td class="mono small">{a.user.clone()}</td>
            <td>{owner_cell(i18n, a.owner.clone())}</td>
            <td class="mono small">{a.mac_address.clone().unwrap_or_default()}<br/>{a.address.clone().unwrap_or_default()}</td>
            <td class="small">{uptime(a.uptime_seconds)}</td>
            <td class="small">{data(i18n, a.bytes_out)}" ↓ · "{data(i18n, a.bytes_in)}" ↑"</td>
        </tr>
    }
}

fn head(i18n: I18n, cols: &[&'static str]) -> impl IntoView + use<> {
    cols.iter()
        .map(|&k| view! { <th scope="col">{move || i18n.tr(k)}</th> })
        .collect_view()
}

/// The live panel; `on_refresh` reads the router again, `on_close` hides the panel.
pub fn live_panel(
    i18n: I18n,
    live: RouterLive,
    on_refresh: impl Fn() + Clone + Send + Sync + 'static,
    on_close: impl Fn() + Clone + Send + Sync + 'static,
) -> impl IntoView {
    let counts = i18n.tr_with(
        "admin-router-live-counts",
        &[
            ("hosts", &live.hosts.len().to_string()),
            ("sessions", &live.active.len().to_string()),
        ],
    );
    let truncated = live.truncated.then(
        || view! { <p class="small muted">{move || i18n.tr("admin-router-live-truncated")}</p> },
    );
    let sessions = (!live.active.is_empty()).then(|| {
        view! {
            <h3>{move || i18n.tr("admin-router-live-sessions")}</h3>
            <div class="table-wrap"><table class="table" data-testid="live-sessions">
                <thead><tr>{head(i18n, &["admin-router-live-user", "admin-router-live-owner", "admin-router-live-device", "admin-router-live-uptime", "admin-router-live-data"])}</tr></thead>
                <tbody>{live.active.into_iter().map(|a| session_row(i18n, a)).collect_view()}</tbody>
            </table></div>
        }
    });
    view! {
        <section class="panel stack" data-testid="router-live" data-router=live.router.clone()>
            <div class="panel-head">
                <h2>{move || i18n.tr("admin-router-live-title")}" · "{live.router.clone()}</h2>
                <div class="row">
                    <button type="button" class="btn btn-ghost" data-testid="router-live-refresh"
                        on:click=move |_| on_refresh()>{move || i18n.tr("admin-router-live-refresh")}</button>
                    <button type="button" class="btn btn-ghost" data-testid="router-live-close"
                        on:click=move |_| on_close()>{move || i18n.tr("common-close")}</button>
                </div>
            </div>
            <p class="small" data-testid="router-live-counts">{counts}</p>
            {truncated}
            <div class="table-wrap"><table class="table" data-testid="live-hosts">
                <thead><tr>{head(i18n, &["admin-router-live-device", "admin-router-live-owner", "admin-status", "admin-router-live-uptime", "admin-router-live-data"])}</tr></thead>
                <tbody>{live.hosts.into_iter().map(|h| host_row(i18n, h)).collect_view()}</tbody>
            </table></div>
            {sessions}
        </section>
    }
}
