//! "Previous / page x of y / next" for paged lists (`Page::meta` of the list envelope).

use leptos::prelude::*;
use saring_domain::api::PageMeta;

use crate::contexts::use_i18n;

#[component]
pub fn Pager(#[prop(into)] meta: Signal<Option<PageMeta>>, page: RwSignal<u64>) -> impl IntoView {
    let i18n = use_i18n();
    let pages = move || meta.get().map(|m| m.total_pages().max(1)).unwrap_or(1);
    let at_first = move || page.get() <= 1;
    let at_last = move || page.get() >= pages();
    view! {
        <nav class="pager" aria-label=move || i18n.tr("common-pages")>
            <button type="button" class="btn btn-ghost" disabled=at_first
                on:click=move |_| page.update(|p| *p = p.saturating_sub(1).max(1))>
                {move || i18n.tr("common-prev")}
            </button>
            <span>{move || i18n.tr_with("common-page-of", &[
                ("page", &page.get().to_string()),
                ("pages", &pages().to_string()),
                ("total", &meta.get().map(|m| m.total).unwrap_or(0).to_string()),
            ])}</span>
            <button type="button" class="btn btn-ghost" disabled=at_last
                on:click=move |_| page.update(|p| *p += 1)>
                {move || i18n.tr("common-next")}
            </button>
        </nav>
    }
}
