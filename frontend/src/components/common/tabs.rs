//! One tab of a tab strip (`<div class="tabs" role="tablist">`).

use leptos::prelude::*;

use crate::contexts::use_i18n;

/// Selected while `current` is `which`; a click selects it and runs `on_pick`.
#[component]
pub fn TabButton<T>(
    current: RwSignal<T>,
    which: T,
    /// Text key of the label.
    label: &'static str,
    testid: &'static str,
    #[prop(optional)] on_pick: Option<Callback<()>>,
) -> impl IntoView
where
    T: Copy + PartialEq + Send + Sync + 'static,
{
    let i18n = use_i18n();
    view! {
        <button type="button" role="tab" class="tab" data-testid=testid
            aria-selected=move || (current.get() == which).to_string()
            on:click=move |_| {
                current.set(which);
                if let Some(cb) = on_pick { cb.run(()); }
            }>
            {move || i18n.tr(label)}
        </button>
    }
}
