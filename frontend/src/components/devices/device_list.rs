//! The device cards: label, MAC (with a "private address" badge), IP, first and last seen;
//! optionally with rename and remove (with confirmation).

use leptos::prelude::*;
use leptos::task::spawn_local;
use saring_domain::dto::users::DeviceDto;

use crate::api;
use crate::components::common::{Alert, AlertKind, ConfirmBox};
use crate::contexts::{use_i18n, use_settings};
use crate::format;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Editing {
    None,
    Rename(String),
    Remove(String),
}

#[component]
pub fn DeviceList(
    #[prop(into)] devices: Signal<Vec<DeviceDto>>,
    /// Rename/remove buttons (the user's own account page).
    #[prop(optional)]
    editable: bool,
    /// Called after a change so the owner reloads the list.
    #[prop(optional)]
    on_changed: Option<Callback<()>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let settings = use_settings();
    let editing = RwSignal::new(Editing::None);
    let label = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);

    let finish = move |result: Result<serde_json::Value, api::ApiError>| match result {
        Ok(_) => {
            editing.set(Editing::None);
            if let Some(cb) = on_changed {
                cb.run(());
            }
        }
        Err(e) => error.set(Some(e.text(i18n.locale.get_untracked()))),
    };
    let save_label = move |id: String| {
        let text = label.get_untracked().trim().to_owned();
        spawn_local(async move { finish(api::users::rename_device(&id, &text).await) });
    };
    let remove = move |id: String| {
        spawn_local(async move { finish(api::users::remove_device(&id).await) });
    };

    let card = move |d: DeviceDto| {
        let tz = settings.tz();
        let id = d.id.clone();
        let (id_r, id_d, id_s, id_x) = (id.clone(), id.clone(), id.clone(), id.clone());
        let current_label = d.label.clone().unwrap_or_default();
        let name = d.label.clone().filter(|l| !l.trim().is_empty());
        view! {
            <li class="device" data-testid="device">
                <div class="device-head">
                    <strong>{name.unwrap_or_else(|| i18n.tr("devices-unnamed"))}</strong>
                    {d.is_randomized_mac.then(|| view! {
                        <span class="badge badge-warn" data-testid="randomized-badge">{move || i18n.tr("devices-private")}</span>
                    })}
                </div>
                <dl class="facts">
                    <dt>"MAC"</dt><dd class="mono">{d.mac_address.clone()}</dd>
                    <dt>"IP"</dt><dd class="mono">{d.ip_address.clone().unwrap_or_else(|| "–".into())}</dd>
                    <dt>{move || i18n.tr("devices-first-seen")}</dt><dd>{format::datetime(tz, Some(d.first_seen_at))}</dd>
                    <dt>{move || i18n.tr("devices-last-seen")}</dt><dd>{format::datetime(tz, Some(d.last_seen_at))}</dd>
                </dl>
                {move || match editing.get() {
                    Editing::Rename(e) if e == id_r => {
                        let id = id_s.clone();
                        view! {
                            <form class="row" on:submit=move |ev| { ev.prevent_default(); save_label(id.clone()); }>
                                <input type="text" maxlength="50" bind:value=label
                                    aria-label=move || i18n.tr("devices-label")
                                    placeholder=move || i18n.tr("devices-label-placeholder")/>
                                <button type="submit" class="btn btn-primary">{move || i18n.tr("common-save")}</button>
                                <button type="button" class="btn btn-ghost" on:click=move |_| editing.set(Editing::None)>
                                    {move || i18n.tr("common-cancel")}
                                </button>
                            </form>
                        }.into_any()
                    }
                    Editing::Remove(e) if e == id_d => {
                        let id = id_x.clone();
                        view! {
                            <ConfirmBox danger=true
                                message=Signal::derive(move || i18n.tr("devices-remove-confirm"))
                                confirm_label=Signal::derive(move || i18n.tr("devices-remove"))
                                on_confirm=Callback::new(move |_: String| remove(id.clone()))
                                on_cancel=Callback::new(move |_| editing.set(Editing::None))/>
                        }.into_any()
                    }
                    _ if editable => {
                        let (a, b) = (id.clone(), id.clone());
                        let current = current_label.clone();
                        view! {
                            <div class="row">
                                <button type="button" class="btn btn-ghost" on:click=move |_| {
                                    label.set(current.clone());
                                    editing.set(Editing::Rename(a.clone()));
                                }>{move || i18n.tr("devices-rename")}</button>
                                <button type="button" class="btn btn-ghost btn-danger-text"
                                    on:click=move |_| editing.set(Editing::Remove(b.clone()))>
                                    {move || i18n.tr("devices-remove")}
                                </button>
                            </div>
                        }.into_any()
                    }
                    _ => ().into_any(),
                }}
            </li>
        }
    };

    view! {
        <Alert kind=AlertKind::Error text=error/>
        {move || {
            let list = devices.get();
            if list.is_empty() {
                view! { <p class="muted">{move || i18n.tr("devices-none")}</p> }.into_any()
            } else {
                view! { <ul class="devices">{list.into_iter().map(card).collect_view()}</ul> }.into_any()
            }
        }}
    }
}
