//! A `<select>` over a list of options, or a text field when the list is empty (the
//! operator has not configured options).

use leptos::prelude::*;

use crate::contexts::use_i18n;

/// A `<select>` over the settings' options, or a text field when the list is empty.
#[component]
pub fn Choice(
    #[prop(into)] label: Signal<String>,
    #[prop(into)] options: Signal<Vec<String>>,
    value: RwSignal<String>,
    #[prop(into)] testid: String,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <label class="field">
            <span>{move || label.get()}</span>
            {move || {
                let testid = testid.clone();
                let mut opts = options.get();
                let current = value.get_untracked();
                if !opts.is_empty() && !current.is_empty() && !opts.contains(&current) {
                    opts.push(current);
                }
                if opts.is_empty() {
                    view! { <input type="text" data-testid=testid bind:value=value/> }.into_any()
                } else {
                    view! {
                        <select data-testid=testid bind:value=value>
                            <option value="">{move || i18n.tr("common-choose")}</option>
                            {opts.into_iter().map(|o| view! { <option value=o.clone()>{o.replace('_', " ")}</option> }).collect_view()}
                        </select>
                    }.into_any()
                }
            }}
        </label>
    }
}
