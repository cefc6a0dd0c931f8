//! The UI language: Indonesian by default, English on request, remembered in localStorage.

use leptos::prelude::*;
use saring_domain::Locale;

use crate::browser;

const STORAGE_KEY: &str = "saring:locale";

/// The language context; `tr` reads the locale signal, so views using it re-render on a switch.
#[derive(Debug, Clone, Copy)]
pub struct I18n {
    pub locale: RwSignal<Locale>,
}

impl I18n {
    pub fn new() -> Self {
        let stored = browser::local_get(STORAGE_KEY).and_then(|v| Locale::parse(&v));
        let locale = stored.unwrap_or_default();
        browser::set_lang(lang_tag(locale));
        I18n {
            locale: RwSignal::new(locale),
        }
    }

    pub fn get(&self) -> Locale {
        self.locale.get()
    }

    pub fn tr(&self, key: &str) -> String {
        crate::i18n::text(self.locale.get(), key)
    }

    pub fn tr_with(&self, key: &str, args: &[(&str, &str)]) -> String {
        crate::i18n::text_with(self.locale.get(), key, args)
    }

    /// [`I18n::tr`] without subscribing (texts made in event handlers and async answers).
    pub fn text(&self, key: &str) -> String {
        crate::i18n::text(self.locale.get_untracked(), key)
    }

    /// [`I18n::tr_with`] without subscribing.
    pub fn text_with(&self, key: &str, args: &[(&str, &str)]) -> String {
        crate::i18n::text_with(self.locale.get_untracked(), key, args)
    }

    pub fn set(&self, locale: Locale) {
        self.locale.set(locale);
        browser::local_set(STORAGE_KEY, lang_tag(locale));
        browser::set_lang(lang_tag(locale));
    }

    pub fn toggle(&self) {
        self.set(match self.locale.get_untracked() {
            Locale::Id => Locale::En,
            Locale::En => Locale::Id,
        });
    }
}

impl Default for I18n {
    fn default() -> Self {
        Self::new()
    }
}

pub fn lang_tag(locale: Locale) -> &'static str {
    match locale {
        Locale::Id => "id",
        Locale::En => "en",
    }
}

pub fn use_i18n() -> I18n {
    use_context::<I18n>().unwrap_or_default()
}
