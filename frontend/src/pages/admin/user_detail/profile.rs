//! The profile tab: name, number (every router follows a new one), blok/kamar or the kind of
//! tamping; the role (admins give USER/KOMANDAN, super admins every role); block with a
//! reason, or unblock.

use leptos::prelude::*;
use saring_domain::Role;
use saring_domain::dto::admin::AdminUserUpdate;

use super::{Console, Part, use_console};
use crate::api;
use crate::components::common::PlaceFields;
use crate::contexts::{I18n, use_i18n};
use crate::format::non_blank;
use crate::pages::admin::forms::FieldProblem;
use crate::pages::admin::operator_forms::ProfileForm;
use crate::pages::admin::parts::{Action, ActionPanel, ConfirmButton, Kind, input, submit_button};
use crate::pages::admin::role_key;

/// `PUT /api/admin/users/{id}` with `body`; on success `key`'s text and `parts` reload.
fn update(
    i18n: I18n,
    console: Console,
    action: Action,
    body: Result<AdminUserUpdate, Vec<FieldProblem>>,
    key: &'static str,
    parts: &'static [Part],
) {
    let id = console.id();
    action.run(
        body,
        move |b| async move { api::admin::update(&id, &b).await },
        move |_| {
            console.changed(parts);
            i18n.text(key)
        },
    );
}

#[component]
fn ProfileSection() -> impl IntoView {
    let i18n = use_i18n();
    let console = use_console();
    let action = Action::new(i18n);
    let start = console
        .me()
        .map(|u| ProfileForm::of(&u))
        .unwrap_or_default();
    let (address, tamping) = console
        .me()
        .map(|u| ProfileForm::places(&u))
        .unwrap_or((false, false));
    let name = RwSignal::new(start.name);
    let phone = RwSignal::new(start.phone);
    let blok = RwSignal::new(start.blok);
    let kamar = RwSignal::new(start.kamar);
    let tamping_type = RwSignal::new(start.tamping);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(current) = console.me() else { return };
        let form = ProfileForm {
            name: name.get_untracked(),
            phone: phone.get_untracked(),
            blok: blok.get_untracked(),
            kamar: kamar.get_untracked(),
            tamping: tamping_type.get_untracked(),
        };
        update(
            i18n,
            console,
            action,
            form.to_update(&current),
            "console-profile-saved",
            &[Part::Detail, Part::Router],
        );
    };
    view! {
        <ActionPanel title="account-profile" testid="profile-section" action=action>
            <form class="stack" novalidate on:submit=submit>
                {input(i18n, action.errors, "register-name", "full_name", "user-name", Kind::Text, name)}
                {input(i18n, action.errors, "account-phone", "phone_number", "user-phone", Kind::Tel, phone)}
                <small class="muted">{move || i18n.tr("console-phone-help")}</small>
                <PlaceFields testid_prefix="user" blok=blok kamar=kamar tamping=tamping_type
                    show_address=Signal::derive(move || address)
                    show_tamping=Signal::derive(move || tamping)/>
                {action.errors.field("blok")}
                {action.errors.field("tamping_type")}
                {submit_button(i18n, action.busy, "common-save", "profile-save")}
            </form>
        </ActionPanel>
    }
}

#[component]
fn RoleSection() -> impl IntoView {
    let i18n = use_i18n();
    let console = use_console();
    let action = Action::new(i18n);
    let current = move || console.me().map(|u| u.role).unwrap_or_default();
    let chosen = RwSignal::new(current().as_str().to_owned());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let role = Role::ALL
            .into_iter()
            .find(|r| r.as_str() == chosen.get_untracked());
        let body = match role {
            Some(r) if r != current() => Ok(AdminUserUpdate {
                role: Some(r),
                ..Default::default()
            }),
            _ => Err(vec![("role", "console-nothing-changed")]),
        };
        update(
            i18n,
            console,
            action,
            body,
            "admin-role-changed",
            &[Part::Detail, Part::Router],
        );
    };
    view! {
        <ActionPanel title="admin-role" testid="role-section" action=action>
            {move || {
                let roles = console.powers.get().roles;
                if roles.is_empty() {
                    return view! { <p class="muted">{move || i18n.tr("console-role-fixed")}</p> }.into_any();
                }
                view! {
                    <form class="row" novalidate on:submit=submit>
                        <select data-testid="user-role" bind:value=chosen aria-label=move || i18n.tr("admin-role")>
                            {roles.into_iter().map(|r| view! {
                                <option value=r.as_str() selected=move || chosen.get() == r.as_str()>
                                    {move || i18n.tr(role_key(r))}
                                </option>
                            }).collect_view()}
                        </select>
                        {submit_button(i18n, action.busy, "common-save", "role-save")}
                    </form>
                    <p class="muted small">{move || i18n.tr("console-role-help")}</p>
                }.into_any()
            }}
        </ActionPanel>
    }
}

#[component]
fn BlockSection() -> impl IntoView {
    let i18n = use_i18n();
    let console = use_console();
    let action = Action::new(i18n);
    let blocked = move || console.me().is_some_and(|u| u.is_blocked);
    let reason = move || console.me().and_then(|u| u.blocked_reason);
    let set_blocked = move |on: bool, why: String| {
        let body = AdminUserUpdate {
            is_blocked: Some(on),
            blocked_reason: if on { non_blank(&why) } else { None },
            ..Default::default()
        };
        let key = if on {
            "admin-blocked"
        } else {
            "admin-unblocked"
        };
        update(
            i18n,
            console,
            action,
            Ok(body),
            key,
            &[Part::Detail, Part::History, Part::Router],
        );
    };
    view! {
        <ActionPanel title="console-block-title" testid="block-section" action=action>
            {move || if blocked() {
                view! {
                    <p class="alert alert-warn" data-testid="blocked-reason">
                        {move || i18n.tr("admin-filter-blocked")}": "{move || reason().unwrap_or_else(|| "–".into())}
                    </p>
                    <ConfirmButton label="admin-unblock" message="admin-unblock-confirm" testid="unblock"
                        on_confirm=Callback::new(move |_| set_blocked(false, String::new()))/>
                }.into_any()
            } else {
                view! {
                    <ConfirmButton label="admin-block" message="admin-block-confirm" testid="block"
                        danger=true with_reason=true
                        on_confirm=Callback::new(move |why| set_blocked(true, why))/>
                }.into_any()
            }}
        </ActionPanel>
    }
}

#[component]
pub fn ProfileTab() -> impl IntoView {
    let console = use_console();
    view! {
        <Show when=move || console.powers.get().manage fallback=|| ()>
            <div class="grid">
                <ProfileSection/>
                <div class="stack">
                    <RoleSection/>
                    <Show when=move || console.powers.get().lifecycle>
                        <BlockSection/>
                    </Show>
                </div>
            </div>
        </Show>
    }
}
