//! An inline confirmation step, optionally asking for a reason.

use leptos::prelude::*;

use crate::contexts::use_i18n;

/// `on_confirm` receives the reason (empty when `with_reason` is false).
#[component]
pub fn ConfirmBox(
    #[prop(into)] message: Signal<String>,
    #[prop(into)] confirm_label: Signal<String>,
    #[prop(optional)] with_reason: bool,
    #[prop(optional)] danger: bool,
    #[prop(into)] on_confirm: Callback<String>,
    #[prop(into)] on_cancel: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let reason = RwSignal::new(String::new());
    let class = if danger {
        "btn btn-danger"
    } else {
        "btn btn-primary"
    };
    view! {
        <div class="confirm" role="group">
            <p>{move || message.get()}</p>
            <Show when=move || with_reason>
                <label class="field">
                    <span>{move || i18n.tr("common-reason")}</span>
                    <input type="text" data-testid="confirm-reason" bind:value=reason maxlength="200"/>
                </label>
            </Show>
            <div class="row">
                <button type="button" class=class data-testid="confirm-yes"
                    on:click=move |_| on_confirm.run(reason.get_untracked().trim().to_owned())>
                    {move || confirm_label.get()}
                </button>
                <button type="button" class="btn btn-ghost" data-testid="confirm-no" on:click=move |_| on_cancel.run(())>
                    {move || i18n.tr("common-cancel")}
                </button>
            </div>
        </div>
    }
}
