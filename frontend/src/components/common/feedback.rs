//! The success / error pair every form shows after a call.

use leptos::prelude::*;

use super::{Alert, AlertKind};
use crate::api::ApiError;
use crate::contexts::{I18n, use_i18n};

#[derive(Debug, Clone, Copy)]
pub struct Feedback {
    pub ok: RwSignal<Option<String>>,
    pub error: RwSignal<Option<String>>,
    i18n: I18n,
}

impl Feedback {
    pub fn new() -> Self {
        Feedback {
            ok: RwSignal::new(None),
            error: RwSignal::new(None),
            i18n: use_i18n(),
        }
    }

    pub fn clear(&self) {
        self.ok.set(None);
        self.error.set(None);
    }

    /// Shows the translated text of `key` as a success.
    pub fn success(&self, key: &str) {
        self.error.set(None);
        self.ok.set(Some(crate::i18n::text(
            self.i18n.locale.get_untracked(),
            key,
        )));
    }

    /// Shows `text` (already translated, or the server's own words) as a success.
    pub fn say(&self, text: String) {
        self.error.set(None);
        self.ok.set(Some(text));
    }

    pub fn fail(&self, e: &ApiError) {
        self.ok.set(None);
        self.error
            .set(Some(e.text(self.i18n.locale.get_untracked())));
    }

    /// Shows the outcome of a call (`ok_key` on success); the value on success.
    pub fn report<T>(&self, result: Result<T, ApiError>, ok_key: &str) -> Option<T> {
        match result {
            Ok(v) => {
                self.success(ok_key);
                Some(v)
            }
            Err(e) => {
                self.fail(&e);
                None
            }
        }
    }

    pub fn view(&self) -> impl IntoView + use<> {
        view! {
            <Alert kind=AlertKind::Success text=self.ok/>
            <Alert kind=AlertKind::Error text=self.error/>
        }
    }
}

impl Default for Feedback {
    fn default() -> Self {
        Self::new()
    }
}
