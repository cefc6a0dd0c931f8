//! "Masuk" / "Daftar" tabs around the OTP login and the registration form.

use leptos::prelude::*;
use saring_domain::dto::auth::{CaptiveContext, LoginResponse};

use super::{OtpLogin, RegisterForm};
use crate::contexts::use_i18n;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    Login,
    Register,
}

#[component]
pub fn AuthTabs(
    initial: Tab,
    #[prop(into)] context: Signal<Option<CaptiveContext>>,
    on_login: Callback<LoginResponse>,
    #[prop(default = None)] on_context_invalid: Option<Callback<()>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let tab = RwSignal::new(initial);
    let phone = RwSignal::new(String::new());
    let after_register = Callback::new(move |number: String| {
        phone.set(crate::format::phone(&number));
        tab.set(Tab::Login);
    });
    let tab_button = move |which: Tab, key: &'static str, testid: &'static str| {
        view! {
            <button type="button" role="tab" class="tab" data-testid=testid
                aria-selected=move || (tab.get() == which).to_string()
                on:click=move |_| tab.set(which)>
                {move || i18n.tr(key)}
            </button>
        }
    };
    view! {
        <div class="tabs" role="tablist">
            {tab_button(Tab::Login, "auth-tab-login", "tab-login")}
            {tab_button(Tab::Register, "auth-tab-register", "tab-register")}
        </div>
        <div role="tabpanel">
            {move || match tab.get() {
                Tab::Login => view! {
                    <OtpLogin context=context phone=phone on_login=on_login on_context_invalid=on_context_invalid/>
                }.into_any(),
                Tab::Register => view! { <RegisterForm on_done=after_register/> }.into_any(),
            }}
        </div>
    }
}
