//! Sending messages: which messenger this process uses, and sending a template to a user.

use std::collections::BTreeMap;
use std::sync::Arc;

use futures::future::BoxFuture;
use saring_domain::Phone;
use saring_gateways::messenger::cloud_api::sim::{CloudSimConfig, CloudSimHandle};
use saring_gateways::messenger::{
    CloudApiConfig, CloudApiMessenger, CloudTemplate, ConsoleMessenger, Delivery, FonnteConfig,
    FonnteMessenger, Messenger, MessengerError, Outbox, OutgoingMessage,
};
use secrecy::ExposeSecret;

use crate::settings::{Current, keys};
use crate::tokens::sha256_hex;

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

/// The WhatsApp messenger in force, following the settings page (hot-applied, no restart):
///
/// * `WHATSAPP_PROVIDER = cloud_api`: a Cloud API messenger for the page's phone-number id,
///   access token, base URL and template mapping (built once per configuration). Without a
///   base URL the demo uses its built-in simulator ([`demo_simulator`]); an incomplete
///   configuration gives a messenger that refuses every send with the reason (never a silent
///   fallback to another provider).
/// * `fonnte`: the messenger built at start, or — in production, when a super admin set
///   another `WHATSAPP_API_KEY` — a Fonnte messenger for that token.
pub async fn whatsapp(app: &App) -> Arc<dyn Messenger> {
    let base = app.messenger().clone();
    let settings = match crate::settings::current(app).await {
        Ok(c) => Some(c),
        Err(e) => {
            tracing::warn!(error = %e, "settings unreadable; the configured WhatsApp messenger is used");
            None
        }
    };
    let Some(settings) = settings else {
        return base;
    };
    if settings.text(keys::WHATSAPP_PROVIDER).as_deref() == Some("cloud_api") {
        return cloud_api(app, &settings).await;
    }
    if app.mode() != Mode::Production || app.messenger_injected() {
        return base;
    }
    let token = settings.text(keys::WHATSAPP_API_KEY);
    let configured = app.config().whatsapp.api_key.as_ref();
    let Some(token) = token.filter(|t| configured.is_none_or(|k| k.expose_secret() != t)) else {
        return base;
    };
    cached(app, format!("fonnte:{}", sha256_hex(&token)), || {
        let mut fonnte = FonnteConfig::new(token.clone().into());
        fonnte.send_url = app.config().whatsapp.api_url.clone();
        FonnteMessenger::new(fonnte).map(|m| Arc::new(m) as Arc<dyn Messenger>)
    })
    .unwrap_or_else(|e| {
        tracing::warn!(error = %e, "the WhatsApp token from the settings page is unusable; the configured one is used");
        base
    })
}

/// The messenger for `fingerprint`, built by `build` when the slot holds another one.
fn cached(
    app: &App,
    fingerprint: String,
    build: impl FnOnce() -> Result<Arc<dyn Messenger>, MessengerError>,
) -> Result<Arc<dyn Messenger>, MessengerError> {
    let mut slot = app
        .runtime_messenger()
        .lock()
        .map_err(|_| MessengerError::Config {
            reason: "messenger slot poisoned".into(),
        })?;
    if let Some((f, m)) = slot.as_ref()
        && *f == fingerprint
    {
        return Ok(m.clone());
    }
    let m = build()?;
    *slot = Some((fingerprint, m.clone()));
    Ok(m)
}

/// The Cloud API messenger the settings describe (see [`whatsapp`]).
async fn cloud_api(app: &App, c: &Current) -> Arc<dyn Messenger> {
    let mut config = match c.text(keys::WHATSAPP_CLOUD_API_URL) {
        Some(url) => match (
            c.text(keys::WHATSAPP_CLOUD_PHONE_NUMBER_ID),
            c.text(keys::WHATSAPP_CLOUD_ACCESS_TOKEN),
        ) {
            (Some(id), Some(token)) => {
                let mut config = CloudApiConfig::new(id, token.into());
                config.base_url = url;
                config
            }
            _ => {
                return refusing(
                    "WHATSAPP_CLOUD_PHONE_NUMBER_ID and WHATSAPP_CLOUD_ACCESS_TOKEN must be set for the Cloud API",
                );
            }
        },
        None if app.mode() == Mode::Embedded => match demo_simulator(app, c).await {
            Ok(sim) => {
                let sc = sim.config();
                let mut config =
                    CloudApiConfig::new(sc.phone_number_id.clone(), sc.access_token.clone().into());
                config.base_url = sim.base_url().to_owned();
                config
            }
            Err(e) => return refusing(&format!("the Cloud API simulator did not start: {e}")),
        },
        None => match (
            c.text(keys::WHATSAPP_CLOUD_PHONE_NUMBER_ID),
            c.text(keys::WHATSAPP_CLOUD_ACCESS_TOKEN),
        ) {
            (Some(id), Some(token)) => CloudApiConfig::new(id, token.into()),
            _ => {
                return refusing(
                    "WHATSAPP_CLOUD_PHONE_NUMBER_ID and WHATSAPP_CLOUD_ACCESS_TOKEN must be set for the Cloud API",
                );
            }
        },
    };
    config.templates = cloud_templates(c);
    let fingerprint = sha256_hex(&format!(
        "cloud:{}:{}:{}:{:?}",
        config.base_url,
        config.phone_number_id,
        config.access_token.expose_secret(),
        config.templates
    ));
    let demo = app.mode() == Mode::Embedded && c.text(keys::WHATSAPP_CLOUD_API_URL).is_none();
    let console = app.messenger().clone();
    cached(app, fingerprint, || {
        let cloud: Arc<dyn Messenger> = Arc::new(CloudApiMessenger::new(config)?);
        // The demo's simulator delivers nowhere: keep a copy of each accepted message in the
        // console inbox (`/api/dev/outbox`) so OTP codes can still be read there.
        Ok(if demo {
            Arc::new(Mirrored { cloud, console }) as Arc<dyn Messenger>
        } else {
            cloud
        })
    })
    .unwrap_or_else(|e| refusing(&e.to_string()))
}

/// The demo's Cloud API messenger: sends through the simulator, then copies the message to
/// the console messenger.
struct Mirrored {
    cloud: Arc<dyn Messenger>,
    console: Arc<dyn Messenger>,
}

impl Messenger for Mirrored {
    fn send<'a>(
        &'a self,
        msg: &'a OutgoingMessage,
    ) -> BoxFuture<'a, Result<Delivery, MessengerError>> {
        Box::pin(async move {
            let delivery = self.cloud.send(msg).await?;
            if let Err(e) = self.console.send(msg).await {
                tracing::debug!(error = %e, "demo: console copy failed");
            }
            Ok(delivery)
        })
    }

    fn is_registered<'a>(
        &'a self,
        phone: &'a Phone,
    ) -> BoxFuture<'a, Result<Option<bool>, MessengerError>> {
        self.cloud.is_registered(phone)
    }

    fn name(&self) -> &'static str {
        "cloud_api"
    }
}

/// `WHATSAPP_CLOUD_TEMPLATES` (`our_key=cloud_name` or `our_key`) in the template language.
fn cloud_templates(c: &Current) -> BTreeMap<String, CloudTemplate> {
    let language = c
        .text(keys::WHATSAPP_CLOUD_TEMPLATE_LANGUAGE)
        .unwrap_or_else(|| "id".into());
    c.list(keys::WHATSAPP_CLOUD_TEMPLATES)
        .into_iter()
        .filter_map(|item| {
            let (key, name) = match item.split_once('=') {
                Some((k, n)) => (k.trim().to_owned(), n.trim().to_owned()),
                None => (item.trim().to_owned(), item.trim().to_owned()),
            };
            (!key.is_empty() && !name.is_empty()).then(|| {
                (
                    key,
                    CloudTemplate {
                        name,
                        language: language.clone(),
                    },
                )
            })
        })
        .collect()
}

/// The demo's Cloud API simulator, started on first use on a free loopback port. It takes the
/// page's token, phone-number id and app secret when set (random ones otherwise) and posts
/// its delivery webhooks to this process once its address is known.
pub async fn demo_simulator(app: &App, c: &Current) -> std::io::Result<Arc<CloudSimHandle>> {
    app.whatsapp_sim()
        .get_or_try_init(|| async {
            let mut config = CloudSimConfig::default();
            if let Some(token) = c.text(keys::WHATSAPP_CLOUD_ACCESS_TOKEN) {
                config.access_token = token;
            }
            if let Some(id) = c.text(keys::WHATSAPP_CLOUD_PHONE_NUMBER_ID) {
                config.phone_number_id = id;
            }
            if let Some(secret) = c.text(keys::WHATSAPP_CLOUD_APP_SECRET) {
                config.app_secret = secret;
            }
            config.webhook_url = app.api_base().map(|b| format!("{b}{WEBHOOK_PATH}"));
            let sim = CloudSimHandle::start("127.0.0.1:0", config).await?;
            tracing::info!(
                url = sim.base_url(),
                "demo: WhatsApp Cloud API simulator started"
            );
            Ok(Arc::new(sim))
        })
        .await
        .cloned()
}

/// Where Meta (and the simulator) post delivery reports.
pub const WEBHOOK_PATH: &str = "/api/webhooks/whatsapp";

/// Records this process's API address, and points a running demo simulator's webhooks at it.
pub fn point_simulator_at(app: &App, api_base: &str) {
    app.set_api_base(api_base);
    if let Some(sim) = app.whatsapp_sim().get() {
        sim.set_webhook_url(Some(format!(
            "{}{WEBHOOK_PATH}",
            api_base.trim_end_matches('/')
        )));
    }
}

/// A messenger that refuses every send with `reason` (a provider chosen but not usable).
fn refusing(reason: &str) -> Arc<dyn Messenger> {
    tracing::warn!(reason, "WhatsApp Cloud API is not usable");
    Arc::new(Refusing(reason.to_owned()))
}

struct Refusing(String);

impl Messenger for Refusing {
    fn send<'a>(
        &'a self,
        _msg: &'a OutgoingMessage,
    ) -> BoxFuture<'a, Result<Delivery, MessengerError>> {
        let reason = self.0.clone();
        Box::pin(async move { Err(MessengerError::Config { reason }) })
    }

    fn is_registered<'a>(
        &'a self,
        _phone: &'a Phone,
    ) -> BoxFuture<'a, Result<Option<bool>, MessengerError>> {
        Box::pin(async { Ok(None) })
    }

    fn name(&self) -> &'static str {
        "cloud_api"
    }
}

/// Our template `key`'s parameters for a provider template: the values of its placeholders
/// in the order they first appear in the built-in text.
pub fn template_params(key: &str, vars: &[(&str, String)]) -> Vec<String> {
    crate::templates::placeholders(key)
        .iter()
        .map(|p| {
            vars.iter()
                .find(|(k, _)| k == p)
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        })
        .collect()
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
    let msg =
        OutgoingMessage::text(to.clone(), text).with_template(key, template_params(key, vars));
    match whatsapp(app).await.send(&msg).await {
        Ok(_) => true,
        Err(e) => {
            tracing::warn!(template = key, error = %e, "WhatsApp message failed");
            false
        }
    }
}
