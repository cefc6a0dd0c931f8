//! `/akun`: profile, devices (rename, remove, private-address help), reset login, and the
//! password change for admins.

use leptos::prelude::*;
use leptos::task::spawn_local;
use saring_domain::dto::auth::{ChangePasswordRequest, ProfileUpdateRequest, UserMe};

use crate::api;
use crate::components::common::{ConfirmBox, Feedback, PlaceFields, Shell, use_title};
use crate::components::devices::{DeviceList, PrivateMacHint};
use crate::contexts::{use_i18n, use_session};
use crate::format::{self, non_blank};

#[component]
fn ProfileForm(user: UserMe) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let feedback = Feedback::new();
    let name = RwSignal::new(user.full_name.clone());
    let blok = RwSignal::new(user.blok.clone().unwrap_or_default());
    let kamar = RwSignal::new(user.kamar.clone().unwrap_or_default());
    let tamping = RwSignal::new(user.tamping_type.clone().unwrap_or_default());
    let is_tamping = user.is_tamping;
    let has_address = !user.role.is_admin() && !is_tamping;
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        feedback.clear();
        let when = |on: bool, v: RwSignal<String>| {
            if on {
                non_blank(&v.get_untracked())
            } else {
                None
            }
        };
        let body = ProfileUpdateRequest {
            full_name: non_blank(&name.get_untracked()),
            blok: when(has_address, blok),
            kamar: when(has_address, kamar),
            is_tamping: None,
            tamping_type: when(is_tamping, tamping),
        };
        spawn_local(async move {
            if feedback
                .report(api::auth::update_profile(&body).await, "account-saved")
                .is_some()
            {
                session.refresh();
            }
        });
    };
    view! {
        <form class="stack" on:submit=save>
            {feedback.view()}
            <label class="field">
                <span>{move || i18n.tr("register-name")}</span>
                <input type="text" required maxlength="100" data-testid="profile-name" bind:value=name/>
            </label>
            <label class="field">
                <span>{move || i18n.tr("account-phone")}</span>
                <input type="text" readonly value=format::phone(&user.phone_number)/>
            </label>
            <PlaceFields testid_prefix="profile" blok=blok kamar=kamar tamping=tamping
                show_address=Signal::derive(move || has_address)
                show_tamping=Signal::derive(move || is_tamping)/>
            <button type="submit" class="btn btn-primary" data-testid="profile-save">{move || i18n.tr("common-save")}</button>
        </form>
    }
}

#[component]
fn PasswordForm() -> impl IntoView {
    let i18n = use_i18n();
    let feedback = Feedback::new();
    let current = RwSignal::new(String::new());
    let new = RwSignal::new(String::new());
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        feedback.clear();
        let body = ChangePasswordRequest {
            current_password: current.get_untracked(),
            new_password: new.get_untracked(),
        };
        spawn_local(async move {
            let result = api::auth::change_password(&body).await;
            if feedback
                .report(result, "account-password-changed")
                .is_some()
            {
                current.set(String::new());
                new.set(String::new());
            }
        });
    };
    view! {
        <form class="stack" on:submit=save>
            {feedback.view()}
            <label class="field">
                <span>{move || i18n.tr("account-current-password")}</span>
                <input type="password" autocomplete="current-password" required bind:value=current/>
            </label>
            <label class="field">
                <span>{move || i18n.tr("account-new-password")}</span>
                <input type="password" autocomplete="new-password" required minlength="8" bind:value=new/>
            </label>
            <button type="submit" class="btn btn-primary">{move || i18n.tr("account-change-password")}</button>
        </form>
    }
}

#[component]
fn ResetLogin() -> impl IntoView {
    let i18n = use_i18n();
    let feedback = Feedback::new();
    let asking = RwSignal::new(false);
    let run = move |_: String| {
        asking.set(false);
        spawn_local(async move {
            feedback.report(api::auth::reset_login().await, "account-reset-done");
        });
    };
    view! {
        <p class="muted">{move || i18n.tr("account-reset-explain")}</p>
        {feedback.view()}
        <Show when=move || asking.get() fallback=move || view! {
            <button type="button" class="btn btn-ghost" data-testid="reset-login" on:click=move |_| asking.set(true)>
                {move || i18n.tr("account-reset")}
            </button>
        }>
            <ConfirmBox message=Signal::derive(move || i18n.tr("account-reset-confirm"))
                confirm_label=Signal::derive(move || i18n.tr("account-reset"))
                on_confirm=Callback::new(run) on_cancel=Callback::new(move |_| asking.set(false))/>
        </Show>
    }
}

#[component]
pub fn AccountPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    use_title("nav-account");
    let reload = RwSignal::new(0u32);
    let devices = LocalResource::new(move || {
        reload.track();
        api::users::devices()
    });
    let list = Signal::derive(move || {
        devices
            .get()
            .and_then(Result::ok)
            .map(|d| d.devices)
            .unwrap_or_default()
    });
    let max = move || devices.get().and_then(Result::ok).map(|d| d.max_devices);
    let any_random = move || list.with(|l| l.iter().any(|d| d.is_randomized_mac));
    let is_admin = move || session.role().is_some_and(|r| r.is_admin());
    view! {
        <Shell>
            <h1>{move || i18n.tr("nav-account")}</h1>
            <div class="grid">
                <section class="panel" aria-labelledby="profile-title">
                    <h2 id="profile-title">{move || i18n.tr("account-profile")}</h2>
                    {move || session.user().map(|u| view! { <ProfileForm user=u/> })}
                </section>
                <Show when=move || !is_admin()>
                    <section class="panel" aria-labelledby="devices-title" data-testid="devices-panel">
                        <h2 id="devices-title">{move || i18n.tr("account-devices")}</h2>
                        <p class="muted">
                            {move || i18n.tr("account-devices-explain")}
                            {move || max().map(|m| format!(" {}", i18n.tr_with("account-devices-max", &[("max", &m.to_string())])))}
                        </p>
                        {move || devices.get().and_then(Result::err).map(|e| view! {
                            <p class="alert alert-error" role="alert">{e.text(i18n.get())}</p>
                        })}
                        <DeviceList devices=list editable=true on_changed=Callback::new(move |_| reload.update(|r| *r += 1))/>
                        <Show when=any_random>
                            <PrivateMacHint/>
                        </Show>
                    </section>
                    <section class="panel" aria-labelledby="reset-title">
                        <h2 id="reset-title">{move || i18n.tr("account-reset")}</h2>
                        <ResetLogin/>
                    </section>
                </Show>
                <Show when=is_admin>
                    <section class="panel" aria-labelledby="password-title">
                        <h2 id="password-title">{move || i18n.tr("account-change-password")}</h2>
                        <PasswordForm/>
                    </section>
                </Show>
            </div>
        </Shell>
    }
}
