//! WhatsApp (Fonnte or Meta's Cloud API), broadcasts, and the Telegram bot.

use secrecy::SecretString;

use super::reader::Reader;

#[derive(Debug, Clone)]
pub struct WhatsAppConfig {
    pub enabled: bool,
    pub api_url: String,
    pub api_key: Option<SecretString>,
    /// `fonnte` or `cloud_api` (the settings page may switch it at run time).
    pub provider: String,
    pub cloud: CloudApiEnv,
    pub broadcast: BroadcastConfig,
}

/// Meta's WhatsApp Cloud API (`WHATSAPP_CLOUD_*`).
#[derive(Debug, Clone)]
pub struct CloudApiEnv {
    /// Graph API base URL with its version; unset: Meta's (in production) or the built-in
    /// simulator (in the demo).
    pub api_url: Option<String>,
    pub access_token: Option<SecretString>,
    pub app_secret: Option<SecretString>,
    pub phone_number_id: Option<String>,
    pub verify_token: Option<String>,
    /// `our_key=cloud_name` (or just `our_key`: same name) for messages sent as templates.
    pub templates: Vec<String>,
    pub template_language: String,
}

/// Limits of WhatsApp broadcasts.
#[derive(Debug, Clone)]
pub struct BroadcastConfig {
    /// Messages of one broadcast per minute (the rest wait in the outbox).
    pub per_minute: u64,
    /// Broadcasts one administrator may start per hour.
    pub per_admin_per_hour: u64,
    /// Broadcasts in all per day.
    pub per_day: u64,
}

#[derive(Debug, Clone)]
pub struct TelegramConfig {
    pub bot_token: Option<SecretString>,
    pub bot_username: Option<String>,
    pub webhook_secret: Option<SecretString>,
    pub api_base_url: String,
}

pub(super) fn read_whatsapp(r: &mut Reader<'_>) -> WhatsAppConfig {
    WhatsAppConfig {
        enabled: r.bool("ENABLE_WHATSAPP_NOTIFICATIONS", &[], true),
        api_url: r.string("WHATSAPP_API_URL", &[], "https://api.fonnte.com/send"),
        api_key: r.secret("WHATSAPP_API_KEY", &[]),
        provider: r.parsed(
            "WHATSAPP_PROVIDER",
            &[],
            "fonnte".to_owned(),
            |s| match s.trim().to_ascii_lowercase().as_str() {
                p @ ("fonnte" | "cloud_api") => Ok(p.to_owned()),
                _ => Err("must be fonnte or cloud_api".to_owned()),
            },
            Clone::clone,
        ),
        cloud: CloudApiEnv {
            api_url: r.opt_string("WHATSAPP_CLOUD_API_URL", &[]),
            access_token: r.secret("WHATSAPP_CLOUD_ACCESS_TOKEN", &[]),
            app_secret: r.secret("WHATSAPP_CLOUD_APP_SECRET", &[]),
            phone_number_id: r.opt_string("WHATSAPP_CLOUD_PHONE_NUMBER_ID", &[]),
            verify_token: r.opt_string("WHATSAPP_CLOUD_VERIFY_TOKEN", &[]),
            templates: r.list("WHATSAPP_CLOUD_TEMPLATES", &[]),
            template_language: r.string("WHATSAPP_CLOUD_TEMPLATE_LANGUAGE", &[], "id"),
        },
        broadcast: BroadcastConfig {
            per_minute: r.int("WHATSAPP_BROADCAST_PER_MINUTE", &[], 20, 1, 1000),
            per_admin_per_hour: r.int("WHATSAPP_BROADCAST_ADMIN_PER_HOUR", &[], 3, 1, 100),
            per_day: r.int("WHATSAPP_BROADCAST_PER_DAY", &[], 20, 1, 1000),
        },
    }
}

pub(super) fn read_telegram(r: &mut Reader<'_>) -> TelegramConfig {
    TelegramConfig {
        bot_token: r.secret("TELEGRAM_BOT_TOKEN", &[]),
        bot_username: r.opt_string("TELEGRAM_BOT_USERNAME", &[]),
        webhook_secret: r.secret("TELEGRAM_WEBHOOK_SECRET", &[]),
        api_base_url: r.string("TELEGRAM_API_BASE_URL", &[], "https://api.telegram.org"),
    }
}
