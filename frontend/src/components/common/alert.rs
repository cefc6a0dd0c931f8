//! An inline message box, announced to screen readers.

use leptos::prelude::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AlertKind {
    Info,
    Success,
    Warning,
    Error,
}

impl AlertKind {
    fn class(self) -> &'static str {
        match self {
            AlertKind::Info => "alert alert-info",
            AlertKind::Success => "alert alert-ok",
            AlertKind::Warning => "alert alert-warn",
            AlertKind::Error => "alert alert-error",
        }
    }
}

/// Shows `text` when it is `Some`; errors use `role="alert"`, the rest `role="status"`.
#[component]
pub fn Alert(kind: AlertKind, #[prop(into)] text: Signal<Option<String>>) -> impl IntoView {
    let role = if kind == AlertKind::Error {
        "alert"
    } else {
        "status"
    };
    move || {
        text.get()
            .map(|t| view! { <p class=kind.class() role=role>{t}</p> })
    }
}
