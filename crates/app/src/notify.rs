//! Sending messages: which messenger this process uses, and sending a template to a user.

use std::sync::Arc;

use saring_domain::Phone;
use saring_gateways::messenger::{
    ConsoleMessenger, FonnteConfig, FonnteMessenger, Messenger, Outbox, OutgoingMessage,
};
use secrecy::ExposeSecret;

use crate::config::{Config, Mode};
use crate::context::App;
use crate::error::{AppError, AppResult};

/// The embedded mode writes messages to the console and keeps them in an outbox the demo
/// serves at `/api/dev/outbox`; production uses Fonnte (WhatsApp).
pub fn messenger_from_config(
    config: &Config,
    mode: Mode,
) -> AppResult<(Arc<dyn Messenger>, Option<Outbox>)> {
    match (mode, &config.whatsapp.api_key) {
        (Mode::Production, Some(key)) => {
            let mut fonnte = FonnteConfig::new(key.clone());
            fonnte.send_url = config.whatsapp.api_url.clone();
            let messenger = FonnteMessenger::new(fonnte)
                .map_err(|e| AppError::Internal(format!("WhatsApp configuration: {e}")))?;
            Ok((Arc::new(messenger), None))
        }
        (Mode::Production, None) => Err(AppError::Internal(
            "WHATSAPP_API_KEY must be set for saring serve/worker (OTP messages go by WhatsApp)"
                .into(),
        )),
        (Mode::Embedded, _) => {
            if config
                .whatsapp
                .api_key
                .as_ref()
                .is_some_and(|k| !k.expose_secret().is_empty())
            {
                tracing::info!(
                    "embedded mode: WHATSAPP_API_KEY is ignored, messages go to the console and /api/dev/outbox"
                );
            }
            let outbox = Outbox::new(500);
            Ok((
                Arc::new(ConsoleMessenger::new(outbox.clone())),
                Some(outbox),
            ))
        }
    }
}

/// The WhatsApp messenger in force: the one built at start, or — in production, when a super
/// admin set another `WHATSAPP_API_KEY` on the settings page — a Fonnte messenger for that
/// token (built once per token).
pub async fn whatsapp(app: &App) -> Arc<dyn Messenger> {
    let base = app.messenger().clone();
    if app.mode() != Mode::Production || app.messenger_injected() {
        return base;
    }
    let token = match crate::settings::current(app).await {
        Ok(c) => c.text(crate::settings::keys::WHATSAPP_API_KEY),
        Err(e) => {
            tracing::warn!(error = %e, "settings unreadable; the configured WhatsApp token is used");
            None
        }
    };
    let configured = app.config().whatsapp.api_key.as_ref();
    let Some(token) = token.filter(|t| configured.is_none_or(|k| k.expose_secret() != t)) else {
        return base;
    };
    let Ok(mut slot) = app.runtime_messenger().lock() else {
        return base;
    };
    if let Some((t, m)) = slot.as_ref()
        && *t == token
    {
        return m.clone();
    }
    let mut fonnte = FonnteConfig::new(token.clone().into());
    fonnte.send_url = app.config().whatsapp.api_url.clone();
    match FonnteMessenger::new(fonnte) {
        Ok(m) => {
            let m: Arc<dyn Messenger> = Arc::new(m);
            *slot = Some((token, m.clone()));
            m
        }
        Err(e) => {
            tracing::warn!(error = %e, "the WhatsApp token from the settings page is unusable; the configured one is used");
            base
        }
    }
}

/// Sends a rendered template to `to`. Notifications (not OTPs) respect
/// `ENABLE_WHATSAPP_NOTIFICATIONS` (settings page, else environment); failures are logged and
/// reported as `false`, never abort the caller's work.
pub async fn send_template(app: &App, to: &Phone, key: &str, vars: &[(&str, String)]) -> bool {
    let enabled = match crate::settings::current(app).await {
        Ok(c) => c.flag(crate::settings::keys::ENABLE_WHATSAPP_NOTIFICATIONS),
        Err(_) => app.config().whatsapp.enabled,
    };
    if !enabled {
        return false;
    }
    let text = match crate::templates::render(key, vars) {
        Ok(t) => t,
        Err(e) => {
            tracing::error!(error = %e, "message not sent");
            return false;
        }
    };
    match whatsapp(app)
        .await
        .send(&OutgoingMessage::text(to.clone(), text))
        .await
    {
        Ok(_) => true,
        Err(e) => {
            tracing::warn!(template = key, error = %e, "WhatsApp message failed");
            false
        }
    }
}
