//! Public settings (`GET /api/settings/public`): app name, maintenance, admin WhatsApp,
//! registration options, time zone. Loaded at start and again every minute (and at once
//! after a super admin saves the settings page), so a switch to maintenance reaches open
//! pages too; until the first answer (or if it fails) the portal works with defaults and
//! maintenance off.

use leptos::prelude::*;
use leptos::task::spawn_local;
use saring_domain::AppTz;
use saring_domain::dto::auth::PublicSettings;

use crate::api;

#[derive(Debug, Clone, Copy)]
pub struct Settings {
    pub data: RwSignal<Option<PublicSettings>>,
    pub loaded: RwSignal<bool>,
}

impl Settings {
    pub fn load() -> Self {
        let s = Settings {
            data: RwSignal::new(None),
            loaded: RwSignal::new(false),
        };
        s.reload();
        set_interval(move || s.reload(), std::time::Duration::from_secs(60));
        s
    }

    /// Reads the settings again (a failed read keeps the last ones).
    pub fn reload(self) {
        spawn_local(async move {
            if let Ok(settings) = api::auth::public_settings().await {
                self.data.set(Some(settings));
            }
            self.loaded.set(true);
        });
    }

    pub fn app_name(&self) -> String {
        self.data
            .with(|d| d.as_ref().map(|d| d.app_name.clone()))
            .filter(|n| !n.trim().is_empty())
            .unwrap_or_else(|| "Saring".to_owned())
    }

    /// The browser tab's title: the settings page's, else the app's name.
    pub fn browser_title(&self) -> String {
        self.data
            .with(|d| d.as_ref().map(|d| d.app_browser_title.clone()))
            .filter(|n| !n.trim().is_empty())
            .unwrap_or_else(|| self.app_name())
    }

    /// One of the registration option lists (blok, kamar, tamping), empty until loaded.
    pub fn options(self, pick: fn(&PublicSettings) -> &Vec<String>) -> Signal<Vec<String>> {
        Signal::derive(move || {
            self.data
                .with(|d| d.as_ref().map(|d| pick(d).clone()).unwrap_or_default())
        })
    }

    pub fn maintenance(&self) -> bool {
        self.data
            .with(|d| d.as_ref().is_some_and(|d| d.maintenance_mode_active))
    }

    pub fn tz(&self) -> AppTz {
        self.data
            .with(|d| d.as_ref().and_then(|d| d.timezone.parse().ok()))
            .unwrap_or_default()
    }

    /// `https://wa.me/62…` for the admin, with a prefilled text.
    pub fn admin_whatsapp_link(&self, text: &str) -> Option<String> {
        let number = self
            .data
            .with(|d| d.as_ref().and_then(|d| d.admin_whatsapp.clone()))?;
        whatsapp_link(&number, text)
    }
}

/// `https://wa.me/<digits>?text=…`; local `08…` numbers become `628…`.
pub fn whatsapp_link(number: &str, text: &str) -> Option<String> {
    let digits: String = number.chars().filter(char::is_ascii_digit).collect();
    let digits = match digits.strip_prefix('0') {
        Some(rest) => format!("62{rest}"),
        None => digits,
    };
    if digits.len() < 8 {
        return None;
    }
    Some(format!(
        "https://wa.me/{digits}?text={}",
        api::encode_component(text)
    ))
}

pub fn use_settings() -> Settings {
    expect_context::<Settings>()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whatsapp_links() {
        assert_eq!(
            whatsapp_link("0812-3456-789", "Halo admin").as_deref(),
            Some("https://wa.me/628123456789?text=Halo%20admin")
        );
        assert_eq!(
            whatsapp_link("+62 812 3456 789", "x").as_deref(),
            Some("https://wa.me/628123456789?text=x")
        );
        assert_eq!(whatsapp_link("12", "x"), None);
    }
}
