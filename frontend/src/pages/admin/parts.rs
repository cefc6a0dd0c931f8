//! Small view pieces the catalog pages share: form errors (local checks and the server's
//! `validation_failed` details) shown next to the form and under each field.

use leptos::prelude::*;

use super::forms::{FieldProblem, server_field_errors};
use crate::api::ApiError;
use crate::contexts::I18n;

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
