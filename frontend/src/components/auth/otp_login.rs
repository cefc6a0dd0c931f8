//! Phone → OTP → verify, with resend cooldown (`Retry-After`) and the device-limit step that
//! re-verifies with `confirm_device_takeover: true`.

use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;
use saring_domain::Phone;
use saring_domain::api::ErrorCode;
use saring_domain::dto::auth::{CaptiveContext, LoginResponse, VerifyOtpRequest};

use crate::api::{self, ApiError};
use crate::components::common::{Alert, AlertKind, use_redirect};
use crate::contexts::use_i18n;

/// Seconds before "send again" when the server did not say (its OTP cooldown).
const DEFAULT_COOLDOWN: u32 = 60;

#[derive(Debug, Clone, PartialEq)]
enum Step {
    Phone,
    Otp,
    Takeover(String),
}

/// The last six digits of what was typed or pasted ("Kode Anda: 123456" works).
pub fn otp_digits(input: &str) -> Option<String> {
    let digits: String = input.chars().filter(char::is_ascii_digit).collect();
    (digits.len() >= 6).then(|| digits[digits.len() - 6..].to_owned())
}

#[component]
pub fn OtpLogin(
    /// The trusted hotspot context to send with the verification (captive portal only).
    #[prop(into)]
    context: Signal<Option<CaptiveContext>>,
    /// The phone number field (shared so registration can prefill it).
    phone: RwSignal<String>,
    on_login: Callback<LoginResponse>,
    #[prop(default = None)] on_context_invalid: Option<Callback<()>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let redirect = use_redirect();
    let step = RwSignal::new(Step::Phone);
    let otp = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let info = RwSignal::new(None::<String>);
    let cooldown = RwSignal::new(0u32);

    if let Ok(handle) = set_interval_with_handle(
        move || {
            if cooldown.get_untracked() > 0 {
                cooldown.update(|c| *c -= 1);
            }
        },
        Duration::from_secs(1),
    ) {
        on_cleanup(move || handle.clear());
    }

    let fail = move |e: ApiError| {
        if let Some(target) = e.policy_target() {
            redirect.run(target);
            return;
        }
        error.set(Some(e.text(i18n.locale.get_untracked())));
    };

    let parsed_phone = move || {
        Phone::parse(phone.get_untracked().trim()).map_err(|_| i18n.tr("auth-phone-invalid"))
    };

    let request = move || {
        error.set(None);
        info.set(None);
        let number = match parsed_phone() {
            Ok(p) => p,
            Err(msg) => return error.set(Some(msg)),
        };
        busy.set(true);
        spawn_local(async move {
            let result = api::auth::request_otp(number.as_e164()).await;
            busy.set(false);
            match result {
                Ok(_) => {
                    info.set(Some(
                        i18n.tr_with("auth-otp-sent", &[("phone", &number.local())]),
                    ));
                    cooldown.set(DEFAULT_COOLDOWN);
                    step.set(Step::Otp);
                }
                Err(e) => {
                    if let Some(seconds) = e.retry_after {
                        cooldown.set(seconds);
                    }
                    if e.is(ErrorCode::OtpCooldown) {
                        // A code was sent moments ago: let the user type it.
                        step.set(Step::Otp);
                    }
                    fail(e);
                }
            }
        });
    };

    let verify = move |confirm_device_takeover: bool| {
        error.set(None);
        let Some(code) = otp_digits(&otp.get_untracked()) else {
            return error.set(Some(i18n.tr("auth-otp-six-digits")));
        };
        let number = match parsed_phone() {
            Ok(p) => p,
            Err(msg) => return error.set(Some(msg)),
        };
        let ctx = context.get_untracked();
        let body = VerifyOtpRequest {
            phone_number: number.as_e164().to_owned(),
            otp: code,
            hotspot_login_context: ctx.as_ref().map(|_| true),
            context: ctx.unwrap_or_default(),
            confirm_device_takeover,
        };
        busy.set(true);
        spawn_local(async move {
            let result = api::auth::verify_otp(&body).await;
            busy.set(false);
            match result {
                Ok(login) => on_login.run(login),
                Err(e) if e.is(ErrorCode::DeviceLimitReached) => {
                    step.set(Step::Takeover(e.text(i18n.locale.get_untracked())));
                }
                Err(e) if e.is(ErrorCode::CaptiveContextInvalid) => {
                    if let Some(cb) = on_context_invalid {
                        cb.run(());
                    }
                    error.set(Some(e.text(i18n.locale.get_untracked())));
                }
                Err(e) => fail(e),
            }
        });
    };

    let send_blocked = move || busy.get() || cooldown.get() != 0;

    let phone_step = move || {
        view! {
            <form class="stack" on:submit=move |ev| { ev.prevent_default(); request(); }>
                <label class="field">
                    <span>{move || i18n.tr("auth-phone")}</span>
                    <input type="tel" name="phone" inputmode="tel" autocomplete="tel" required
                        data-testid="login-phone" placeholder="08xxxxxxxxxx" bind:value=phone/>
                    <small class="muted">{move || i18n.tr("auth-phone-hint")}</small>
                </label>
                <button type="submit" class="btn btn-primary" data-testid="request-otp"
                    disabled=send_blocked>
                    {move || if busy.get() {
                        i18n.tr("common-processing")
                    } else if cooldown.get() > 0 {
                        i18n.tr_with("auth-resend-in", &[("seconds", &cooldown.get().to_string())])
                    } else {
                        i18n.tr("auth-send-otp")
                    }}
                </button>
            </form>
        }
    };

    let otp_step = move || {
        view! {
            <form class="stack" on:submit=move |ev| { ev.prevent_default(); verify(false); }>
                <label class="field">
                    <span>{move || i18n.tr("auth-otp")}</span>
                    <input type="text" name="otp" inputmode="numeric" autocomplete="one-time-code"
                        pattern="[0-9 ]*" maxlength="12" required data-testid="login-otp"
                        class="otp" bind:value=otp/>
                </label>
                <button type="submit" class="btn btn-primary" data-testid="verify-otp"
                    disabled=move || busy.get()>
                    {move || if busy.get() {
                        i18n.tr("common-processing")
                    } else if context.get().is_some() {
                        i18n.tr("auth-verify-connect")
                    } else {
                        i18n.tr("auth-verify")
                    }}
                </button>
                <div class="row">
                    <button type="button" class="btn btn-ghost" data-testid="resend-otp"
                        disabled=send_blocked
                        on:click=move |_| request()>
                        {move || if cooldown.get() > 0 {
                            i18n.tr_with("auth-resend-in", &[("seconds", &cooldown.get().to_string())])
                        } else {
                            i18n.tr("auth-resend")
                        }}
                    </button>
                    <button type="button" class="btn btn-ghost"
                        on:click=move |_| { otp.set(String::new()); info.set(None); error.set(None); step.set(Step::Phone); }>
                        {move || i18n.tr("auth-change-number")}
                    </button>
                </div>
            </form>
        }
    };

    let takeover_step = move |message: String| {
        view! {
            <div class="stack" data-testid="device-takeover">
                <p class="alert alert-warn" role="status">{message}</p>
                <p>{move || i18n.tr("auth-takeover-explain")}</p>
                <button type="button" class="btn btn-primary" data-testid="confirm-takeover"
                    disabled=move || busy.get() on:click=move |_| verify(true)>
                    {move || i18n.tr("auth-takeover-confirm")}
                </button>
                <button type="button" class="btn btn-ghost" on:click=move |_| step.set(Step::Otp)>
                    {move || i18n.tr("common-cancel")}
                </button>
            </div>
        }
    };

    view! {
        <div class="otp-login">
            <Alert kind=AlertKind::Info text=info/>
            <Alert kind=AlertKind::Error text=error/>
            {move || match step.get() {
                Step::Phone => phone_step().into_any(),
                Step::Otp => otp_step().into_any(),
                Step::Takeover(message) => takeover_step(message).into_any(),
            }}
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::otp_digits;

    #[test]
    fn takes_the_last_six_digits() {
        assert_eq!(otp_digits("123456").as_deref(), Some("123456"));
        assert_eq!(otp_digits(" 12 34 56 ").as_deref(), Some("123456"));
        assert_eq!(otp_digits("Kode: 9876543").as_deref(), Some("876543"));
        assert_eq!(otp_digits("12345"), None);
    }
}
