//! Blok + kamar (USER) and jenis tamping (TAMPING), from the public settings' option lists:
//! shared by the registration form and the profile form.

use leptos::prelude::*;

use super::Choice;
use crate::contexts::{use_i18n, use_settings};

#[component]
pub fn PlaceFields(
    #[prop(into)] show_address: Signal<bool>,
    #[prop(into)] show_tamping: Signal<bool>,
    blok: RwSignal<String>,
    kamar: RwSignal<String>,
    tamping: RwSignal<String>,
    /// `register` or `profile`: the fields' `data-testid`s are `<prefix>-blok`, ….
    testid_prefix: &'static str,
) -> impl IntoView {
    let i18n = use_i18n();
    let settings = use_settings();
    let label = move |key: &'static str| Signal::derive(move || i18n.tr(key));
    let id = move |what: &str| format!("{testid_prefix}-{what}");
    view! {
        <Show when=move || show_address.get()>
            <div class="row">
                <Choice label=label("register-blok") options=settings.options(|s| &s.blok_options)
                    value=blok testid=id("blok")/>
                <Choice label=label("register-kamar") options=settings.options(|s| &s.kamar_options)
                    value=kamar testid=id("kamar")/>
            </div>
        </Show>
        <Show when=move || show_tamping.get()>
            <Choice label=label("register-tamping") options=settings.options(|s| &s.tamping_options)
                value=tamping testid=id("tamping")/>
        </Show>
    }
}
