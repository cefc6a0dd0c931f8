//! A dialog over the page (add a user, create a bill): a titled panel on a dimmed backdrop,
//! closed by its close button, by Escape or by a click on the backdrop.

use leptos::prelude::*;

use crate::contexts::use_i18n;

#[component]
pub fn Modal(
    /// Text key of the title.
    title: &'static str,
    open: RwSignal<bool>,
    /// The dialog's `data-testid`.
    testid: &'static str,
    children: ChildrenFn,
) -> impl IntoView {
    let i18n = use_i18n();
    let title_id = format!("{testid}-title");
    move || {
        open.get().then(|| {
            let children = children.clone();
            let (label_id, heading_id) = (title_id.clone(), title_id.clone());
            view! {
                <div class="modal-backdrop"
                    on:click=move |ev| {
                        // Only a click on the backdrop itself, not inside the dialog.
                        if ev.target() == ev.current_target() { open.set(false); }
                    }
                    on:keydown=move |ev| if ev.key() == "Escape" { open.set(false); }>
                    <div class="modal" role="dialog" aria-modal="true" aria-labelledby=label_id
                        data-testid=testid>
                        <div class="panel-head">
                            <h2 id=heading_id>{move || i18n.tr(title)}</h2>
                            <button type="button" class="btn btn-ghost" data-testid=format!("{testid}-close")
                                aria-label=move || i18n.tr("common-close")
                                on:click=move |_| open.set(false)>"×"</button>
                        </div>
                        {children()}
                    </div>
                </div>
            }
        })
    }
}
