//! Small pieces the admin pages share: a loaded value or its loading/error text
//! ([`loaded`]), a loaded list as a table ([`list_table`]), form errors (local checks and the
//! server's `validation_failed` details) shown next to the form and under each field, one
//! call with its errors, success text and busy flag ([`Action`]), the save/delete flow of an
//! edit form ([`Editor`]) with its save button ([`save_button`]), a list row's edit/delete
//! buttons ([`row_actions`]), a button that asks first ([`ConfirmButton`]), a panel for one
//! action ([`ActionPanel`]), labelled inputs ([`input`], [`unit_select`], [`radio`],
//! [`package_select`]), a submit button ([`submit_button`]) and an inline form under a table
//! row ([`row_form`]).

use std::future::Future;

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::forms::{FieldProblem, server_field_errors};
use super::operator_forms::Unit;
use crate::api::ApiError;
use crate::components::common::{ConfirmBox, Feedback};
use crate::contexts::{I18n, use_i18n};
use saring_domain::dto::payments::PackageDto;

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
    cols: &[&'static str],
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

/// The list inside a loaded answer (`Page::items`, `UserDebts::items`), for [`list_table`].
pub fn items_of<L, T>(
    value: Option<Result<L, ApiError>>,
    items: impl FnOnce(L) -> Vec<T>,
) -> Option<Result<Vec<T>, ApiError>> {
    match value? {
        Ok(list) => Some(Ok(items(list))),
        Err(e) => Some(Err(e)),
    }
}

/// A full-width table row under an item's row, holding `form` while `open` (an inline form
/// that would not fit in a cell on a phone).
pub fn row_form<V>(
    cols: usize,
    open: impl Fn() -> bool + Send + Sync + 'static,
    form: impl Fn() -> V + Send + Sync + 'static,
) -> impl IntoView
where
    V: IntoView + 'static,
{
    move || {
        open()
            .then(|| view! { <tr class="row-form"><td colspan=cols.to_string()>{form()}</td></tr> })
    }
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
    pub fn has(&self, field: &str) -> bool {
        self.fields.with(|f| f.iter().any(|(n, _)| n == field))
    }

    /// The text under one field.
    pub fn field(&self, field: &str) -> impl IntoView + use<> {
        let fields = self.fields;
        let field = field.to_owned();
        move || {
            fields.with(|f| {
                f.iter().find(|(n, _)| *n == field).map(|(_, msg)| {
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
        T: 'static,
        F: Future<Output = Result<T, ApiError>> + 'static,
    {
        let id = self.editing.get_untracked();
        let ok_key = if id.is_some() {
            self.texts.updated
        } else {
            self.texts.created
        };
        let locale = self.errors.i18n.locale;
        self.action().run(
            body,
            move |b| send(id, b),
            move |_: T| {
                reset();
                self.refresh();
                crate::i18n::text(locale.get_untracked(), ok_key)
            },
        );
    }

    /// The form's errors, the page's feedback and the save button's busy flag as an [`Action`].
    pub fn action(&self) -> Action {
        Action {
            errors: self.errors,
            feedback: self.feedback,
            busy: self.busy,
        }
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

/// One call a page section makes: its form's errors (local checks and the server's), the
/// success text and the busy flag of its button.
#[derive(Debug, Clone, Copy)]
pub struct Action {
    pub errors: FormErrors,
    pub feedback: Feedback,
    pub busy: RwSignal<bool>,
}

impl Action {
    pub fn new(i18n: I18n) -> Self {
        Action {
            errors: FormErrors::new(i18n),
            feedback: Feedback::new(),
            busy: RwSignal::new(false),
        }
    }

    /// Sends `body` unless the form's check found problems (then they are shown under the
    /// fields and nothing is sent). On success the text `done` makes of the answer is shown;
    /// on failure the server's text next to the form and under the fields its details name.
    pub fn run<B, T, F>(
        self,
        body: Result<B, Vec<FieldProblem>>,
        send: impl FnOnce(B) -> F + 'static,
        done: impl FnOnce(T) -> String + 'static,
    ) where
        B: 'static,
        T: 'static,
        F: Future<Output = Result<T, ApiError>> + 'static,
    {
        self.feedback.clear();
        self.errors.clear();
        let body = match body {
            Ok(b) => b,
            Err(problems) => return self.errors.local(problems),
        };
        self.busy.set(true);
        spawn_local(async move {
            match send(body).await {
                Ok(answer) => {
                    let text = done(answer);
                    self.feedback.say(text);
                }
                Err(e) => self.errors.server(&e),
            }
            self.busy.set(false);
        });
    }

    /// The success text and the errors, where the section shows them.
    pub fn view(&self) -> impl IntoView + use<> {
        (self.feedback.view(), self.errors.view())
    }
}

/// What an [`input`] takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    /// Whole numbers (`10.000`): a numeric keyboard.
    Whole,
    /// Numbers with decimals (`1,5`).
    Decimal,
    /// `<input type="date">`.
    Date,
    Tel,
}

/// A labelled input bound to `value`, marked invalid with the text under it while `errors`
/// names `field`.
pub fn input(
    i18n: I18n,
    errors: FormErrors,
    label: &'static str,
    field: &'static str,
    testid: &'static str,
    kind: Kind,
    value: RwSignal<String>,
) -> impl IntoView {
    let (ty, mode) = match kind {
        Kind::Text => ("text", "text"),
        Kind::Whole => ("text", "numeric"),
        Kind::Decimal => ("text", "decimal"),
        Kind::Date => ("date", "none"),
        Kind::Tel => ("tel", "tel"),
    };
    view! {
        <label class="field">
            <span>{move || i18n.tr(label)}</span>
            <input type=ty inputmode=mode data-testid=testid bind:value=value
                aria-invalid=move || errors.has(field).to_string()/>
            {errors.field(field)}
        </label>
    }
}

/// The MB/GB choice next to an amount.
pub fn unit_select(i18n: I18n, unit: RwSignal<Unit>, testid: &'static str) -> impl IntoView {
    view! {
        <label class="field unit">
            <span>{move || i18n.tr("console-unit")}</span>
            <select data-testid=testid prop:value=move || unit.get().value()
                on:change=move |ev| unit.set(Unit::from_value(&event_target_value(&ev)))>
                <option value="GB">"GB"</option>
                <option value="MB">"MB"</option>
            </select>
        </label>
    }
}

/// A form's submit button: its label (text key), "processing" while `busy`.
pub fn submit_button(
    i18n: I18n,
    busy: RwSignal<bool>,
    label: &'static str,
    testid: &'static str,
) -> impl IntoView {
    view! {
        <button type="submit" class="btn btn-primary" data-testid=testid disabled=move || busy.get()>
            {move || if busy.get() { i18n.tr("common-processing") } else { i18n.tr(label) }}
        </button>
    }
}

/// A button (text key `label`, test id `testid`) that first asks `message` (in
/// `{testid}-confirm`, optionally with a reason) and then calls `on_confirm` with the reason.
#[component]
pub fn ConfirmButton(
    label: &'static str,
    message: &'static str,
    testid: &'static str,
    #[prop(optional)] danger: bool,
    #[prop(optional)] with_reason: bool,
    #[prop(optional, into)] disabled: Signal<bool>,
    on_confirm: Callback<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    let asking = RwSignal::new(false);
    let class = if danger {
        "btn btn-ghost btn-danger-text"
    } else {
        "btn btn-ghost"
    };
    move || {
        if asking.get() {
            view! {
                <div data-testid=format!("{testid}-confirm")>
                    <ConfirmBox danger=danger with_reason=with_reason
                        message=Signal::derive(move || i18n.tr(message))
                        confirm_label=Signal::derive(move || i18n.tr(label))
                        on_confirm=Callback::new(move |reason: String| {
                            asking.set(false);
                            on_confirm.run(reason);
                        })
                        on_cancel=Callback::new(move |_| asking.set(false))/>
                </div>
            }
            .into_any()
        } else {
            view! {
                <button type="button" class=class data-testid=testid disabled=move || disabled.get()
                    on:click=move |_| asking.set(true)>{move || i18n.tr(label)}</button>
            }
            .into_any()
        }
    }
}

/// A panel for one [`Action`]: its title (text key), an optional help text (key), the
/// action's success text and errors, then the form.
#[component]
pub fn ActionPanel(
    title: &'static str,
    testid: &'static str,
    action: Action,
    #[prop(optional)] help: Option<&'static str>,
    /// Extra classes (`panel-warn`).
    #[prop(optional)]
    class: &'static str,
    children: Children,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class=format!("panel stack {class}") data-testid=testid>
            <h2>{move || i18n.tr(title)}</h2>
            {help.map(|h| view! { <p class="muted small">{move || i18n.tr(h)}</p> })}
            {action.view()}
            {children()}
        </section>
    }
}

/// One choice of a radio group (`group`) bound to `current` (label: text key).
pub fn radio<T>(
    i18n: I18n,
    current: RwSignal<T>,
    value: T,
    group: &'static str,
    label: &'static str,
    testid: &'static str,
) -> impl IntoView
where
    T: Copy + PartialEq + Send + Sync + 'static,
{
    view! {
        <label class="radio">
            <input type="radio" name=group data-testid=testid
                prop:checked=move || current.get() == value on:change=move |_| current.set(value)/>
            <span>{move || i18n.tr(label)}</span>
        </label>
    }
}

/// The packages as a `<select>` bound to `value` (`package_id` errors of `errors` under it);
/// `active_only` leaves out the packages not on sale.
pub fn package_select(
    i18n: I18n,
    errors: FormErrors,
    packages: LocalResource<Result<Vec<PackageDto>, ApiError>>,
    value: RwSignal<String>,
    testid: &'static str,
    active_only: bool,
) -> impl IntoView {
    view! {
        <label class="field">
            <span>{move || i18n.tr("admin-tx-item")}</span>
            {move || loaded(i18n, packages.get(), |list| view! {
                <select data-testid=testid bind:value=value
                    aria-invalid=move || errors.has("package_id").to_string()>
                    <option value="">{move || i18n.tr("common-choose")}</option>
                    {list.into_iter().filter(|p| p.is_active || !active_only).map(|p| view! {
                        <option value=p.id.clone()>{format!("{} · {}", p.name, p.price_display)}</option>
                    }).collect_view()}
                </select>
            }.into_any())}
            {errors.field("package_id")}
        </label>
    }
}

/// A list's filter bar: a search box whose text becomes `search` (back on the first page) when
/// the form is sent, the page's own filters (`children`), and the search button.
#[component]
pub fn SearchFilters(
    search: RwSignal<String>,
    page: RwSignal<u64>,
    /// The search box's `data-testid`.
    testid: &'static str,
    /// Text key of the search box's label and placeholder.
    placeholder: &'static str,
    children: Children,
) -> impl IntoView {
    let i18n = use_i18n();
    let typed = RwSignal::new(search.get_untracked());
    view! {
        <form class="filters" role="search" on:submit=move |ev| {
            ev.prevent_default();
            search.set(typed.get_untracked());
            page.set(1);
        }>
            <input type="search" data-testid=testid bind:value=typed
                aria-label=move || i18n.tr(placeholder) placeholder=move || i18n.tr(placeholder)/>
            {children()}
            <button type="submit" class="btn btn-ghost">{move || i18n.tr("admin-search-button")}</button>
        </form>
    }
}

/// A filter `<select>` bound to `value` over `(value, text key)` options, after a first
/// option `all` (text key, the empty value) when given; a change goes back to the first page.
pub fn filter_select(
    i18n: I18n,
    value: RwSignal<String>,
    page: RwSignal<u64>,
    label: &'static str,
    all: Option<&'static str>,
    options: impl IntoIterator<Item = (&'static str, &'static str)>,
    testid: &'static str,
) -> impl IntoView {
    let options = options
        .into_iter()
        .map(|(v, key)| {
            view! { <option value=v selected=move || value.get() == v>{move || i18n.tr(key)}</option> }
        })
        .collect_view();
    view! {
        <select data-testid=testid bind:value=value aria-label=move || i18n.tr(label)
            on:change=move |_| page.set(1)>
            {all.map(|key| view! { <option value="">{move || i18n.tr(key)}</option> })}
            {options}
        </select>
    }
}

/// The longest range an export takes (days, both ends included), as the server checks it.
pub const EXPORT_MAX_DAYS: i64 = 366;

/// `from=…&to=…` for an export of `from`..`to` (`yyyy-mm-dd`, as date inputs give them), or
/// the text key of what is wrong with the range.
pub fn range_query(from: &str, to: &str) -> Result<String, &'static str> {
    let parse = |d: &str| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok();
    let (Some(first), Some(last)) = (parse(from), parse(to)) else {
        return Err("admin-export-dates-needed");
    };
    if last < first {
        return Err("admin-export-inverted");
    }
    if (last - first).num_days() >= EXPORT_MAX_DAYS {
        return Err("admin-export-too-long");
    }
    Ok(format!("from={from}&to={to}"))
}
