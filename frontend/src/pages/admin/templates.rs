//! `/admin/templates`: the WhatsApp message templates, each with the text in force (the
//! admin's or the built-in one) and the placeholders it may use. Super admins edit a text
//! (a placeholder is inserted at the cursor), preview it with example values, save it, or
//! restore the built-in text; the server's checks (unknown placeholder, `{a|b}` syntax) are
//! shown under the field. Other admins read and preview (the server refuses their changes).

use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;
use saring_domain::Role;

use super::forms::{insert_at_utf16, template_body};
use super::parts::{Editor, EditorTexts, loaded};
use crate::api;
use crate::components::common::{AdminShell, ConfirmBox, use_title};
use crate::contexts::{I18n, use_i18n, use_session};
use saring_domain::dto::templates::TemplateInfo;

/// The page's state: the open template (`editor.editing` holds its key), its draft and the
/// last preview.
#[derive(Debug, Clone, Copy)]
struct TemplateEditor {
    editor: Editor,
    draft: RwSignal<String>,
    preview: RwSignal<Option<String>>,
    previewing: RwSignal<bool>,
    textarea: NodeRef<html::Textarea>,
    can_edit: Signal<bool>,
    i18n: I18n,
}

impl TemplateEditor {
    fn open(&self, t: &TemplateInfo) {
        let e = self.editor;
        e.errors.clear();
        e.feedback.clear();
        e.deleting.set(None);
        self.preview.set(None);
        self.draft.set(t.text().to_owned());
        e.editing.set(Some(t.key.clone()));
    }

    fn close(&self) {
        self.editor.errors.clear();
        self.editor.feedback.clear();
        self.preview.set(None);
        self.editor.editing.set(None);
    }

    /// `{name}` in place of the textarea's selection.
    fn insert(&self, name: &str) {
        let token = format!("{{{name}}}");
        let Some(el) = self.textarea.get_untracked() else {
            self.draft.update(|d| d.push_str(&token));
            return;
        };
        let len = el.value().encode_utf16().count() as u32;
        let start = el.selection_start().ok().flatten().unwrap_or(len);
        let end = el.selection_end().ok().flatten().unwrap_or(start);
        let (text, cursor) = insert_at_utf16(&el.value(), start, end, &token);
        el.set_value(&text);
        self.draft.set(text);
        let _ = el.focus();
        let _ = el.set_selection_range(cursor, cursor);
    }

    fn run_preview(&self, key: String) {
        let e = self.editor;
        e.errors.clear();
        e.feedback.clear();
        self.preview.set(None);
        let body = match template_body(&self.draft.get_untracked()) {
            Ok(b) => b,
            Err(problems) => return e.errors.local(problems),
        };
        let (preview, previewing) = (self.preview, self.previewing);
        previewing.set(true);
        spawn_local(async move {
            match api::admin::preview_message_template(&key, Some(&body)).await {
                Ok(text) => preview.set(Some(text)),
                Err(err) => e.errors.server(&err),
            }
            previewing.set(false);
        });
    }

    fn save(&self) {
        self.preview.set(None);
        self.editor.save(
            template_body(&self.draft.get_untracked()),
            |key, body| async move {
                api::admin::save_message_template(&key.unwrap_or_default(), Some(&body)).await
            },
            || {},
        );
    }

    /// Removes the admin's text (after the confirmation); the draft becomes the built-in one.
    fn restore(&self, key: String) {
        let (draft, preview) = (self.draft, self.preview);
        preview.set(None);
        self.editor.remove(
            key,
            |key| async move { api::admin::save_message_template(&key, None).await },
            move |t: TemplateInfo| draft.set(t.text().to_owned()),
            || {},
        );
    }

    /// The open template: the text field, its placeholders, the actions and the preview.
    fn view(self, t: TemplateInfo) -> impl IntoView {
        let (i18n, e, can_edit) = (self.i18n, self.editor, self.can_edit);
        let key = t.key.clone();
        let (k_preview, k_restore, k_confirm) = (key.clone(), key.clone(), key.clone());
        let custom = t.is_custom();
        let placeholders = t
            .placeholders
            .iter()
            .map(|p| {
                let name = p.clone();
                view! {
                    <button type="button" class="chip mono" data-testid="template-placeholder"
                        disabled=move || !can_edit.get()
                        on:click=move |_| self.insert(&name)>{format!("{{{p}}}")}</button>
                }
            })
            .collect_view();
        view! {
            <div class="stack" data-testid="template-editor">
                {e.errors.view()}
                {e.feedback.view()}
                <label class="field">
                    <span>{move || i18n.tr("admin-template-text")}</span>
                    <textarea data-testid="template-body" rows="8" node_ref=self.textarea
                        readonly=move || !can_edit.get()
                        aria-invalid=move || e.errors.has("body").to_string()
                        prop:value=move || self.draft.get()
                        on:input=move |ev| self.draft.set(event_target_value(&ev))></textarea>
                    {e.errors.field("body")}
                </label>
                <div class="chips" aria-label=move || i18n.tr("admin-template-placeholders")>{placeholders}</div>
                <p class="muted small">{move || i18n.tr("admin-template-syntax")}</p>
                <div class="row">
                    <button type="button" class="btn btn-ghost" data-testid="template-preview-button"
                        disabled=move || self.previewing.get()
                        on:click=move |_| self.run_preview(k_preview.clone())>
                        {move || if self.previewing.get() { i18n.tr("common-processing") } else { i18n.tr("admin-template-preview") }}
                    </button>
                    <Show when=move || can_edit.get()>
                        <button type="button" class="btn btn-primary" data-testid="template-save"
                            disabled=move || e.busy.get() on:click=move |_| self.save()>
                            {move || if e.busy.get() { i18n.tr("common-processing") } else { i18n.tr("common-save") }}
                        </button>
                    </Show>
                    {(custom && can_edit.get_untracked()).then(|| view! {
                        <button type="button" class="btn btn-ghost btn-danger-text" data-testid="template-restore"
                            on:click=move |_| e.deleting.set(Some(k_restore.clone()))>
                            {move || i18n.tr("admin-template-restore")}
                        </button>
                    })}
                    <button type="button" class="btn btn-ghost" data-testid="template-close"
                        on:click=move |_| self.close()>{move || i18n.tr("admin-template-close")}</button>
                </div>
                {move || (e.deleting.get().as_deref() == Some(k_confirm.as_str())).then(|| {
                    let key = k_confirm.clone();
                    view! { <ConfirmBox danger=true
                        message=Signal::derive(move || i18n.tr("admin-template-restore-confirm"))
                        confirm_label=Signal::derive(move || i18n.tr("admin-template-restore"))
                        on_confirm=Callback::new(move |_: String| self.restore(key.clone()))
                        on_cancel=Callback::new(move |_| e.deleting.set(None))/> }
                })}
                {move || self.preview.get().map(|text| view! {
                    <section class="template-preview" aria-live="polite">
                        <h3>{move || i18n.tr("admin-template-preview-title")}</h3>
                        <pre class="template-text" data-testid="template-preview">{text}</pre>
                    </section>
                })}
                {custom.then(|| view! {
                    <details class="details">
                        <summary>{move || i18n.tr("admin-template-builtin-text")}</summary>
                        <pre class="template-text" data-testid="template-builtin">{t.builtin.clone()}</pre>
                    </details>
                })}
            </div>
        }
    }
}

/// What the page says after a save or a restore (a template is never created here).
const TEXTS: EditorTexts = EditorTexts {
    created: "admin-template-saved",
    updated: "admin-template-saved",
    deleted: "admin-template-restored",
};

#[component]
pub fn AdminTemplatesPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    use_title("admin-templates-title");
    let can_edit = Signal::derive(move || session.role() == Some(Role::SuperAdmin));
    let editor = Editor::new(i18n, RwSignal::new(None), TEXTS);
    let page = TemplateEditor {
        editor,
        draft: RwSignal::new(String::new()),
        preview: RwSignal::new(None),
        previewing: RwSignal::new(false),
        textarea: NodeRef::new(),
        can_edit,
        i18n,
    };
    let reload = editor.reload;
    let templates = LocalResource::new(move || {
        reload.track();
        api::admin::message_templates()
    });

    let row = move |t: TemplateInfo| {
        let key = t.key.clone();
        let title = t.key.clone();
        let is_open = {
            let key = key.clone();
            move || editor.editing.get().as_deref() == Some(key.as_str())
        };
        let badge = if t.is_custom() {
            view! { <span class="badge badge-warn" data-testid="template-custom">{move || i18n.tr("admin-template-custom")}</span> }.into_any()
        } else {
            view! { <span class="badge">{move || i18n.tr("admin-template-builtin")}</span> }
                .into_any()
        };
        let placeholders = if t.placeholders.is_empty() {
            "–".to_owned()
        } else {
            t.placeholders
                .iter()
                .map(|p| format!("{{{p}}}"))
                .collect::<Vec<_>>()
                .join(" ")
        };
        let custom = t.is_custom().to_string();
        let open_label = move || {
            if can_edit.get() {
                i18n.tr("admin-edit")
            } else {
                i18n.tr("admin-template-preview")
            }
        };
        let t_open = t.clone();
        let body = {
            let is_open = is_open.clone();
            move || {
                if is_open() {
                    page.view(t.clone()).into_any()
                } else {
                    view! { <pre class="template-text" data-testid="template-text">{t.text().to_owned()}</pre> }.into_any()
                }
            }
        };
        view! {
            <li class="panel" data-testid="template-row" data-key=key data-custom=custom>
                <div class="panel-head">
                    <h2 class="mono small">{title}</h2>
                    {badge}
                    <Show when=move || !is_open()>
                        {
                            let t = t_open.clone();
                            view! {
                                <button type="button" class="btn btn-ghost" data-testid="template-open"
                                    on:click=move |_| page.open(&t)>{open_label}</button>
                            }
                        }
                    </Show>
                </div>
                {body}
                <p class="muted small">{move || i18n.tr("admin-template-placeholders")}": "
                    <span class="mono">{placeholders}</span></p>
            </li>
        }
    };

    view! {
        <AdminShell>
            <div class="panel-head">
                <h1>{move || i18n.tr("admin-templates-title")}</h1>
            </div>
            <p class="muted">{move || i18n.tr("admin-templates-help")}</p>
            <Show when=move || !can_edit.get()>
                <p class="alert alert-info" role="status" data-testid="templates-read-only">
                    {move || i18n.tr("admin-templates-super-only")}
                </p>
            </Show>
            {move || loaded(i18n, templates.get(), |list| view! {
                <ul class="template-list" data-testid="templates">
                    {list.into_iter().map(row).collect_view()}
                </ul>
            }.into_any())}
        </AdminShell>
    }
}
