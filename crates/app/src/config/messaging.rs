//! WhatsApp (Fonnte) and the Telegram bot.

use secrecy::SecretString;

use super::reader::Reader;

#[derive(Debug, Clone)]
pub struct WhatsAppConfig {
    pub enabled: bool,
    pub api_url: String,
    pub api_key: Option<SecretString>,
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
