//! Registration: name, WhatsApp number, role (USER / TAMPING / KOMANDAN), blok + kamar for
//! USER and KOMANDAN (the server asks every account but tamping for them) and jenis tamping
//! for TAMPING, from the public settings' option lists.

use leptos::prelude::*;
use leptos::task::spawn_local;
use saring_domain::Phone;
use saring_domain::dto::auth::RegisterRequest;

use crate::api;
use crate::components::common::{Alert, AlertKind, PlaceFields};
use crate::contexts::use_i18n;
use crate::format::non_blank;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegisterAs {
    User,
    Tamping,
    Komandan,
}

/// Where an account lives: blok + kamar, or the kind of tamping work.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Place {
    pub blok: Option<String>,
    pub kamar: Option<String>,
    pub is_tamping: bool,
    pub tamping_type: Option<String>,
}

/// The trimmed name (at least 2 characters) and the parsed number, or the text key of the
/// first problem. Shared by the registration and the admin's "add user" form.
pub fn name_and_phone(name: &str, phone: &str) -> Result<(String, Phone), &'static str> {
    let name = name.trim();
    if name.chars().count() < 2 {
        return Err("register-name-required");
    }
    let phone = Phone::parse(phone.trim()).map_err(|_| "auth-phone-invalid")?;
    Ok((name.to_owned(), phone))
}

/// The place fields an account needs: blok + kamar (`address`), the kind of tamping
/// (`tamping`), or none; the text key of what is missing.
pub fn place(
    address: bool,
    tamping: bool,
    blok: &str,
    kamar: &str,
    tamping_type: &str,
) -> Result<Place, &'static str> {
    let mut p = Place::default();
    if address {
        p.blok = non_blank(blok);
        p.kamar = non_blank(kamar);
        if p.blok.is_none() || p.kamar.is_none() {
            return Err("register-address-required");
        }
    }
    if tamping {
        p.is_tamping = true;
        p.tamping_type = non_blank(tamping_type);
        if p.tamping_type.is_none() {
            return Err("register-tamping-required");
        }
    }
    Ok(p)
}

/// Builds the request, or names the text key of what is missing.
pub fn build_request(
    name: &str,
    phone: &str,
    role: RegisterAs,
    blok: &str,
    kamar: &str,
    tamping: &str,
) -> Result<RegisterRequest, &'static str> {
    let (full_name, phone) = name_and_phone(name, phone)?;
    // The server asks every account but tamping for blok and kamar (komandan too).
    let p = place(
        role != RegisterAs::Tamping,
        role == RegisterAs::Tamping,
        blok,
        kamar,
        tamping,
    )?;
    Ok(RegisterRequest {
        phone_number: phone.as_e164().to_owned(),
        full_name,
        blok: p.blok,
        kamar: p.kamar,
        is_tamping: p.is_tamping,
        tamping_type: p.tamping_type,
        register_as_komandan: role == RegisterAs::Komandan,
    })
}

#[component]
pub fn RegisterForm(
    /// Called with the registered number when the user chooses to log in.
    on_done: Callback<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    let name = RwSignal::new(String::new());
    let phone = RwSignal::new(String::new());
    let role = RwSignal::new(RegisterAs::User);
    let blok = RwSignal::new(String::new());
    let kamar = RwSignal::new(String::new());
    let tamping = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let done = RwSignal::new(None::<String>);

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        error.set(None);
        let req = match build_request(
            &name.get_untracked(),
            &phone.get_untracked(),
            role.get_untracked(),
            &blok.get_untracked(),
            &kamar.get_untracked(),
            &tamping.get_untracked(),
        ) {
            Ok(r) => r,
            Err(key) => return error.set(Some(i18n.tr(key))),
        };
        busy.set(true);
        spawn_local(async move {
            let result = api::auth::register(&req).await;
            busy.set(false);
            match result {
                Ok(_) => done.set(Some(req.phone_number)),
                Err(e) => error.set(Some(e.text(i18n.locale.get_untracked()))),
            }
        });
    };

    let role_radio = move |value: RegisterAs, key: &'static str, testid: &'static str| {
        view! {
            <label class="radio">
                <input type="radio" name="role" data-testid=testid
                    prop:checked=move || role.get() == value
                    on:change=move |_| role.set(value)/>
                <span>{move || i18n.tr(key)}</span>
            </label>
        }
    };

    let form = move || {
        view! {
            <form class="stack" on:submit=submit>
                <Alert kind=AlertKind::Error text=error/>
                <label class="field">
                    <span>{move || i18n.tr("register-name")}</span>
                    <input type="text" autocomplete="name" required maxlength="100"
                        data-testid="register-name" bind:value=name/>
                </label>
                <label class="field">
                    <span>{move || i18n.tr("auth-phone")}</span>
                    <input type="tel" inputmode="tel" autocomplete="tel" required
                        placeholder="08xxxxxxxxxx" data-testid="register-phone" bind:value=phone/>
                    <small class="muted">{move || i18n.tr("auth-phone-hint")}</small>
                </label>
                <fieldset class="field">
                    <legend>{move || i18n.tr("register-as")}</legend>
                    <div class="radios">
                        {role_radio(RegisterAs::User, "role-user", "register-role-user")}
                        {role_radio(RegisterAs::Tamping, "role-tamping", "register-role-tamping")}
                        {role_radio(RegisterAs::Komandan, "role-komandan", "register-role-komandan")}
                    </div>
                </fieldset>
                <PlaceFields testid_prefix="register" blok=blok kamar=kamar tamping=tamping
                    show_address=Signal::derive(move || role.get() != RegisterAs::Tamping)
                    show_tamping=Signal::derive(move || role.get() == RegisterAs::Tamping)/>
                <button type="submit" class="btn btn-primary" data-testid="register-submit" disabled=move || busy.get()>
                    {move || if busy.get() { i18n.tr("common-processing") } else { i18n.tr("register-submit") }}
                </button>
            </form>
        }
    };

    view! {
        {move || match done.get() {
            Some(number) => view! {
                <div class="stack success-panel" data-testid="register-success" role="status">
                    <h2>{move || i18n.tr("register-done-title")}</h2>
                    <p>{move || i18n.tr("register-done-text")}</p>
                    <button type="button" class="btn btn-primary"
                        on:click=move |_| on_done.run(number.clone())>
                        {move || i18n.tr("register-done-login")}
                    </button>
                </div>
            }.into_any(),
            None => form().into_any(),
        }}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validates_per_role() {
        assert_eq!(
            build_request("", "0812", RegisterAs::User, "", "", ""),
            Err("register-name-required")
        );
        assert_eq!(
            build_request("Budi", "12", RegisterAs::User, "A", "1", ""),
            Err("auth-phone-invalid")
        );
        assert_eq!(
            build_request("Budi", "081234567890", RegisterAs::User, "A", "", ""),
            Err("register-address-required")
        );
        assert_eq!(
            build_request("Budi", "081234567890", RegisterAs::Tamping, "", "", " "),
            Err("register-tamping-required")
        );
        let ok = build_request("Budi", "081234567890", RegisterAs::User, "A", "1", "x").unwrap();
        assert_eq!(ok.phone_number, "+6281234567890");
        assert_eq!((ok.blok.as_deref(), ok.tamping_type), (Some("A"), None));
        let k = build_request(
            "Pak Komandan",
            "+6281234567891",
            RegisterAs::Komandan,
            "A",
            "1",
            "",
        )
        .unwrap();
        assert!(k.register_as_komandan && !k.is_tamping);
        assert_eq!(k.blok.as_deref(), Some("A"));
        // A komandan lives in a blok and kamar too (the server asks for them).
        assert_eq!(
            build_request(
                "Pak Komandan",
                "081234567891",
                RegisterAs::Komandan,
                "",
                "",
                ""
            ),
            Err("register-address-required")
        );
    }
}
