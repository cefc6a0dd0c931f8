//! The add-user dialog of `/admin/users` (`POST /api/admin/users`): name, WhatsApp number,
//! kind (user or komandan with blok/kamar, tamping with its kind, and for super admins an
//! administrator); the new account opens from the success message.

use leptos::prelude::*;
use leptos_router::components::A;
use saring_domain::Role;
use saring_domain::dto::auth::UserMe;

use super::operator_forms::{CreateUserForm, NewAccount};
use super::parts::{Action, Kind, input, radio, submit_button};
use crate::api;
use crate::components::common::{Modal, PlaceFields};
use crate::contexts::{use_i18n, use_session};

#[component]
pub fn AddUserDialog(open: RwSignal<bool>, on_created: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let action = Action::new(i18n);
    let name = RwSignal::new(String::new());
    let phone = RwSignal::new(String::new());
    let kind = RwSignal::new(NewAccount::User);
    let blok = RwSignal::new(String::new());
    let kamar = RwSignal::new(String::new());
    let tamping = RwSignal::new(String::new());
    let created = RwSignal::new(None::<UserMe>);
    let actor = move || session.role().unwrap_or_default();

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        created.set(None);
        let form = CreateUserForm {
            name: name.get_untracked(),
            phone: phone.get_untracked(),
            kind: kind.get_untracked(),
            blok: blok.get_untracked(),
            kamar: kamar.get_untracked(),
            tamping: tamping.get_untracked(),
        };
        action.run(
            form.to_request(actor()),
            |b| async move { api::operator::create_user(&b).await },
            move |u| {
                let text = i18n.text_with("console-user-created", &[("name", &u.full_name)]);
                created.set(Some(u));
                for f in [name, phone, blok, kamar, tamping] {
                    f.set(String::new());
                }
                on_created.run(());
                text
            },
        );
    };

    view! {
        <Modal title="console-user-add" open=open testid="add-user-dialog">
            {action.view()}
            {move || created.get().map(|u| view! {
                <p data-testid="created-user">
                    <A href=format!("/admin/users/{}", api::encode_component(&u.id))>{move || i18n.tr("console-user-open")}</A>
                </p>
            })}
            <form class="stack" novalidate on:submit=submit>
                {input(i18n, action.errors, "register-name", "full_name", "add-name", Kind::Text, name)}
                {input(i18n, action.errors, "auth-phone", "phone_number", "add-phone", Kind::Tel, phone)}
                <fieldset class="field">
                    <legend>{move || i18n.tr("register-as")}</legend>
                    <div class="radios">
                        {radio(i18n, kind, NewAccount::User, "new-account", "role-user", "add-role-user")}
                        {radio(i18n, kind, NewAccount::Tamping, "new-account", "role-tamping", "add-role-tamping")}
                        {radio(i18n, kind, NewAccount::Komandan, "new-account", "role-komandan", "add-role-komandan")}
                        {(actor() == Role::SuperAdmin).then(|| radio(i18n, kind, NewAccount::Admin, "new-account", "role-admin", "add-role-admin"))}
                    </div>
                    {action.errors.field("role")}
                </fieldset>
                <PlaceFields testid_prefix="add" blok=blok kamar=kamar tamping=tamping
                    show_address=Signal::derive(move || matches!(kind.get(), NewAccount::User | NewAccount::Komandan))
                    show_tamping=Signal::derive(move || kind.get() == NewAccount::Tamping)/>
                {action.errors.field("blok")}
                {action.errors.field("tamping_type")}
                <p class="muted small">{move || i18n.tr("console-user-add-help")}</p>
                {submit_button(i18n, action.busy, "console-user-add", "add-submit")}
            </form>
        </Modal>
    }
}
