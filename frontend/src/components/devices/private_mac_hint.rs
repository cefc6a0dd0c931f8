//! How to turn off the randomized ("private") Wi-Fi address for this network, so the device
//! keeps one MAC and stays recognised.

use leptos::prelude::*;

use crate::contexts::use_i18n;

#[component]
pub fn PrivateMacHint(
    /// An extra sentence from the server (`BindResult::private_address_hint`), if any.
    #[prop(optional, into)]
    server_hint: Signal<Option<String>>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="hint" data-testid="private-mac-hint" aria-labelledby="private-mac-title">
            <h3 id="private-mac-title">{move || i18n.tr("mac-hint-title")}</h3>
            <p>{move || i18n.tr("mac-hint-why")}</p>
            {move || server_hint.get().map(|h| view! { <p class="muted">{h}</p> })}
            <ul>
                <li><strong>"Android: "</strong>{move || i18n.tr("mac-hint-android")}</li>
                <li><strong>"iPhone/iPad: "</strong>{move || i18n.tr("mac-hint-ios")}</li>
            </ul>
            <p class="muted">{move || i18n.tr("mac-hint-after")}</p>
        </section>
    }
}
