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

/// Sends a rendered template to `to`. Notifications (not OTPs) respect
/// `ENABLE_WHATSAPP_NOTIFICATIONS`; failures are logged and reported as `false`, never
/// abort the caller's work.
pub async fn send_template(app: &App, to: &Phone, key: &str, vars: &[(&str, String)]) -> bool {
    if !app.config().whatsapp.enabled {
        return false;
    }
    let text = match crate::templates::render(key, vars) {
        Ok(t) => t,
        Err(e) => {
            tracing::error!(error = %e, "message not sent");
            return false;
        }
    };
    match app
        .messenger()
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
