//! Small pieces the admin pages share: a loaded value or its loading/error text
//! ([`loaded`]), a loaded list as a table ([`list_table`]), form errors (local checks and the server's `validation_failed` details)
//! shown next to the form and under each field, the save/delete flow of an edit form
//! ([`Editor`]) with its save button ([`save_button`]), and a list row's edit/delete buttons
//! ([`row_actions`]).

use std::future::Future;

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::forms::{FieldProblem, server_field_errors};
use crate::api::ApiError;
use crate::components::common::{ConfirmBox, Feedback};
use crate::contexts::I18n;

/// What a page shows for a resource: "loading" until it answers, the error's text, or
/// `ok(value)`.
pub fn loaded<T>(
    i18n: I18n,
    value: Option<Result<T, ApiError>>,
    ok: impl FnOnce(T) -> AnyView,
) -> AnyView {
    match value {
        None => view! { <p class="muted">{move || i18n.tr("common-loading")}</p> }.into_any(),
        Some(Err(e)) => {
            view! { <p class="alert alert-error" role="alert">{e.text(i18n.get())}</p> }.into_any()
        }
        Some(Ok(v)) => ok(v),
    }
}

/// A list resource as a table: "loading", the error, the text `empty.0` (test id `empty.1`)
/// when there is nothing, else the table `table_id` with a column per text key of `cols` and
/// a row per item.
pub fn list_table<T, V>(
    i18n: I18n,
    value: Option<Result<Vec<T>, ApiError>>,
    empty: (&'static str, &'static str),
    table_id: &'static str,
    cols: &'static [&'static str],
    row: impl Fn(T) -> V,
) -> AnyView
where
    V: IntoView + 'static,
{
    loaded(i18n, value, |list| {
        if list.is_empty() {
            let (key, id) = empty;
            return view! { <p class="muted" data-testid=id>{move || i18n.tr(key)}</p> }.into_any();
        }
        let head = cols
            .iter()
            .map(|&key| view! { <th scope="col">{move || i18n.tr(key)}</th> })
            .collect_view();
        view! {
            <div class="table-wrap">
                <table class="table" data-testid=table_id>
                    <thead><tr>{head}</tr></thead>
                    <tbody>{list.into_iter().map(row).collect_view()}</tbody>
                </table>
            </div>
        }
        .into_any()
    })
}

/// The errors of one form: a summary and a text per field.
#[derive(Debug, Clone, Copy)]
pub struct FormErrors {
    summary: RwSignal<Option<String>>,
    fields: RwSignal<Vec<(String, String)>>,
    i18n: I18n,
}

impl FormErrors {
    pub fn new(i18n: I18n) -> Self {
        FormErrors {
            summary: RwSignal::new(None),
            fields: RwSignal::new(Vec::new()),
            i18n,
        }
    }

    pub fn clear(&self) {
        self.summary.set(None);
        self.fields.set(Vec::new());
    }

    /// Problems found before sending.
    pub fn local(&self, problems: Vec<FieldProblem>) {
        let i18n = self.i18n;
        self.summary.set(Some(i18n.tr("admin-form-fix")));
        self.fields.set(
            problems
                .into_iter()
                .map(|(field, key)| (field.to_owned(), i18n.tr(key)))
                .collect(),
        );
    }

    /// The server's answer: its (translated) text and the fields its details name.
    pub fn server(&self, e: &ApiError) {
        self.summary
            .set(Some(e.text(self.i18n.locale.get_untracked())));
        self.fields
            .set(server_field_errors(e.body.details.as_ref()));
    }

    /// Whether `field` has a problem (reactive).
    pub fn has(&self, field: &'static str) -> bool {
        self.fields.with(|f| f.iter().any(|(n, _)| n == field))
    }

    /// The text under one field.
    pub fn field(&self, field: &'static str) -> impl IntoView + use<> {
        let fields = self.fields;
        move || {
            fields.with(|f| {
                f.iter().find(|(n, _)| n == field).map(|(_, msg)| {
                    view! { <small class="field-error" data-testid=format!("error-{field}")>{msg.clone()}</small> }
                })
            })
        }
    }

    /// The summary with every field's text, next to the form.
    pub fn view(&self) -> impl IntoView + use<> {
        let summary = self.summary;
        let fields = self.fields;
        move || {
            summary.get().map(|s| {
                let list: Vec<String> = fields
                    .get()
                    .into_iter()
                    .map(|(_, msg)| msg)
                    .filter(|msg| *msg != s)
                    .collect();
                view! {
                    <div class="alert alert-error" role="alert" data-testid="form-errors">
                        <p>{s}</p>
                        <ul>
                            {list.into_iter().map(|msg| view! { <li>{msg}</li> }).collect_view()}
                        </ul>
                    </div>
                }
            })
        }
    }
}

/// The texts (i18n keys) an [`Editor`] shows after a successful call.
#[derive(Debug, Clone, Copy)]
pub struct EditorTexts {
    pub created: &'static str,
    pub updated: &'static str,
    pub deleted: &'static str,
}

/// The state and the save/delete flow of an admin edit form: which item is being edited
/// (`None`: a new one), the form's errors, the page's feedback, the busy flag of the save
/// button, the item waiting for a delete confirmation, and the list's reload counter.
#[derive(Debug, Clone, Copy)]
pub struct Editor {
    pub editing: RwSignal<Option<String>>,
    pub errors: FormErrors,
    pub feedback: Feedback,
    pub busy: RwSignal<bool>,
    pub deleting: RwSignal<Option<String>>,
    pub reload: RwSignal<u32>,
    texts: EditorTexts,
}

impl Editor {
    pub fn new(i18n: I18n, editing: RwSignal<Option<String>>, texts: EditorTexts) -> Self {
        Editor {
            editing,
            errors: FormErrors::new(i18n),
            feedback: Feedback::new(),
            busy: RwSignal::new(false),
            deleting: RwSignal::new(None),
            reload: RwSignal::new(0),
            texts,
        }
    }

    /// Asks the list to load again.
    pub fn refresh(&self) {
        self.reload.update(|r| *r += 1);
    }

    /// Sends the form: `body` is the checked request (its problems are shown under the
    /// fields, nothing is sent); `send` gets the id being edited (`None`: create). On success
    /// the created/updated text is shown, `reset` empties the form and the list reloads; the
    /// server's errors are shown next to the form.
    pub fn save<B, T, F>(
        self,
        body: Result<B, Vec<FieldProblem>>,
        send: impl FnOnce(Option<String>, B) -> F + 'static,
        reset: impl FnOnce() + 'static,
    ) where
        B: 'static,
        F: Future<Output = Result<T, ApiError>> + 'static,
    {
        self.feedback.clear();
        self.errors.clear();
        let body = match body {
            Ok(b) => b,
            Err(problems) => return self.errors.local(problems),
        };
        let id = self.editing.get_untracked();
        let ok_key = if id.is_some() {
            self.texts.updated
        } else {
            self.texts.created
        };
        self.busy.set(true);
        spawn_local(async move {
            match send(id, body).await {
                Ok(_) => {
                    self.feedback.success(ok_key);
                    reset();
                    self.refresh();
                }
                Err(e) => self.errors.server(&e),
            }
            self.busy.set(false);
        });
    }

    /// Deletes item `id` after its confirmation: on success the deleted text is shown, `done`
    /// gets the server's answer, the form is reset (`reset`) when it held this item, and the
    /// list reloads; a failure is shown as the page's error.
    pub fn remove<T, F>(
        self,
        id: String,
        delete: impl FnOnce(String) -> F + 'static,
        done: impl FnOnce(T) + 'static,
        reset: impl FnOnce() + 'static,
    ) where
        F: Future<Output = Result<T, ApiError>> + 'static,
    {
        self.feedback.clear();
        spawn_local(async move {
            let result = delete(id.clone()).await;
            if let Some(answer) = self.feedback.report(result, self.texts.deleted) {
                done(answer);
                if self.editing.get_untracked().as_deref() == Some(id.as_str()) {
                    reset();
                }
                self.deleting.set(None);
                self.refresh();
            }
        });
    }
}

/// A list row's **Ubah** and **Hapus** buttons (test ids `{prefix}-edit`, `{prefix}-delete`),
/// or, while `editor.deleting` holds `id`, the delete confirmation asking `confirm()` (in
/// `{prefix}-delete-confirm`) whose button calls `delete(id)`.
pub fn row_actions<E, D, M>(
    i18n: I18n,
    editor: Editor,
    id: String,
    prefix: &'static str,
    confirm: M,
    edit: E,
    delete: D,
) -> impl IntoView + use<E, D, M>
where
    E: Fn() + Clone + Send + Sync + 'static,
    D: Fn(String) + Clone + Send + Sync + 'static,
    M: Fn() -> String + Clone + Send + Sync + 'static,
{
    move || {
        let (id, edit, delete) = (id.clone(), edit.clone(), delete.clone());
        if editor.deleting.get().as_deref() == Some(id.as_str()) {
            view! {
                <div data-testid=format!("{prefix}-delete-confirm")>
                    <ConfirmBox danger=true
                        message=Signal::derive(confirm.clone())
                        confirm_label=Signal::derive(move || i18n.tr("admin-delete"))
                        on_confirm=Callback::new(move |_: String| delete(id.clone()))
                        on_cancel=Callback::new(move |_| editor.deleting.set(None))/>
                </div>
            }
            .into_any()
        } else {
            view! {
                <div class="row">
                    <button type="button" class="btn btn-ghost" data-testid=format!("{prefix}-edit")
                        on:click=move |_| { editor.errors.clear(); edit(); }>{move || i18n.tr("admin-edit")}</button>
                    <button type="button" class="btn btn-ghost btn-danger-text" data-testid=format!("{prefix}-delete")
                        on:click=move |_| editor.deleting.set(Some(id.clone()))>{move || i18n.tr("admin-delete")}</button>
                </div>
            }
            .into_any()
        }
    }
}

/// The submit button of an [`Editor`]'s form ("processing" while it saves).
pub fn save_button(i18n: I18n, editor: Editor, testid: &'static str) -> impl IntoView {
    view! {
        <button type="submit" class="btn btn-primary" data-testid=testid disabled=move || editor.busy.get()>
            {move || if editor.busy.get() { i18n.tr("common-processing") } else { i18n.tr("common-save") }}
        </button>
    }
}
