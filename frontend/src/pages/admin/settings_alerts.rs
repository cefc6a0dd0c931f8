//! The alert part of `/admin/settings`: which administrators receive each alert by WhatsApp
//! (one type at a time, a switch per admin), and the WhatsApp and Telegram test sends.

use leptos::prelude::*;
use saring_domain::dto::settings::{
    NOTIFICATION_TYPES, RecipientView, RecipientsUpdate, TelegramTest, WhatsAppTest,
};

use super::parts::{Action, Kind, input, loaded, submit_button};
use crate::api;
use crate::contexts::I18n;

/// "Penerima notifikasi": pick a type, switch admins on or off, save.
#[component]
pub fn AlertRecipients(i18n: I18n) -> impl IntoView {
    let kind = RwSignal::new(NOTIFICATION_TYPES[0].to_owned());
    let chosen: RwSignal<Vec<String>> = RwSignal::new(Vec::new());
    let action = Action::new(i18n);
    let list = LocalResource::new(move || api::admin::notification_recipients(kind.get()));
    Effect::new(move |_| {
        if let Some(Ok(items)) = list.get() {
            chosen.set(
                items
                    .iter()
                    .filter(|i| i.is_subscribed)
                    .map(|i| i.id.to_string())
                    .collect(),
            );
        }
    });
    let row = move |r: RecipientView| {
        let id = r.id.to_string();
        let id2 = id.clone();
        view! {
            <label class="switch" data-testid="recipient" data-phone=r.phone_number.clone()>
                <input type="checkbox" prop:checked=move || chosen.with(|c| c.contains(&id2))
                    on:change=move |ev| {
                        let on = event_target_checked(&ev);
                        chosen.update(|c| {
                            c.retain(|x| *x != id);
                            if on {
                                c.push(id.clone());
                            }
                        });
                    }/>
                <span>{r.full_name.clone()}" · "<span class="mono">{r.phone_number.clone()}</span></span>
            </label>
        }
    };
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let update = RecipientsUpdate {
            notification_type: kind.get_untracked(),
            subscribed_admin_ids: chosen
                .get_untracked()
                .iter()
                .map(ToString::to_string)
                .collect(),
        };
        action.run(
            Ok(update),
            |u| async move { api::admin::save_notification_recipients(&u).await },
            move |_| i18n.text("admin-settings-saved"),
        );
    };
    view! {
        <section class="panel stack" data-testid="settings-recipients">
            <h2>{move || i18n.tr("admin-settings-group-recipients")}</h2>
            <p class="muted small">{move || i18n.tr("admin-settings-recipients-help")}</p>
            {action.view()}
            <form class="stack" on:submit=save>
                <label class="field">
                    <span>{move || i18n.tr("admin-settings-recipients-type")}</span>
                    <select data-testid="recipients-type" prop:value=move || kind.get()
                        on:change=move |ev| kind.set(event_target_value(&ev))>
                        {NOTIFICATION_TYPES.iter().map(|t| {
                            let label = format!("notification-type-{}", t.to_ascii_lowercase().replace('_', "-"));
                            view! { <option value=*t>{move || i18n.tr(&label)}</option> }
                        }).collect_view()}
                    </select>
                </label>
                {move || loaded(i18n, list.get(), move |items| view! {
                    <div class="stack">{items.into_iter().map(row).collect_view()}</div>
                }.into_any())}
                <div class="row">{submit_button(i18n, action.busy, "common-save", "recipients-save")}</div>
            </form>
        </section>
    }
}

/// "Uji kirim": a WhatsApp message to a number, a Telegram message to a chat.
#[component]
pub fn TestSends(i18n: I18n) -> impl IntoView {
    let (wa, tg) = (Action::new(i18n), Action::new(i18n));
    let (phone, wa_text) = (RwSignal::new(String::new()), RwSignal::new(String::new()));
    let (chat, tg_text) = (RwSignal::new(String::new()), RwSignal::new(String::new()));
    let send_wa = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let req = WhatsAppTest {
            phone_number: phone.get_untracked(),
            message: wa_text.get_untracked(),
        };
        wa.run(
            Ok(req),
            |r| async move { api::admin::whatsapp_test(&r).await },
            |m| m.message,
        );
    };
    let send_tg = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let req = TelegramTest {
            chat_id: chat.get_untracked(),
            message: tg_text.get_untracked(),
        };
        tg.run(
            Ok(req),
            |r| async move { api::admin::telegram_test(&r).await },
            |m| m.message,
        );
    };
    view! {
        <section class="panel stack" data-testid="settings-test-sends">
            <h2>{move || i18n.tr("admin-settings-group-test")}</h2>
            {wa.view()}
            <form class="stack" on:submit=send_wa>
                {input(i18n, wa.errors, "admin-settings-test-phone", "phone_number", "test-wa-phone", Kind::Tel, phone)}
                {input(i18n, wa.errors, "admin-settings-test-message", "message", "test-wa-message", Kind::Text, wa_text)}
                <div class="row">{submit_button(i18n, wa.busy, "admin-settings-test-whatsapp", "test-wa-send")}</div>
            </form>
            {tg.view()}
            <form class="stack" on:submit=send_tg>
                {input(i18n, tg.errors, "admin-settings-test-chat", "chat_id", "test-tg-chat", Kind::Text, chat)}
                {input(i18n, tg.errors, "admin-settings-test-message", "message", "test-tg-message", Kind::Text, tg_text)}
                <div class="row">{submit_button(i18n, tg.busy, "admin-settings-test-telegram", "test-tg-send")}</div>
            </form>
        </section>
    }
}
