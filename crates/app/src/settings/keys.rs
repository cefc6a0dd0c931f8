//! Every run-time setting, declared once: its key (the reference's name where it has one),
//! the page section, its type and limits, and the value in force when the page has none
//! (read from the environment's [`Config`]).

use saring_domain::dto::settings::SettingKind;
use saring_gateways::payments::{PaymentMethod, VaBank};
use secrecy::{ExposeSecret, SecretString};

use crate::config::{Config, ProviderMode};

pub const APP_NAME: &str = "APP_NAME";
pub const APP_BROWSER_TITLE: &str = "APP_BROWSER_TITLE";
pub const MAINTENANCE_MODE_ACTIVE: &str = "MAINTENANCE_MODE_ACTIVE";
pub const MAINTENANCE_MODE_MESSAGE: &str = "MAINTENANCE_MODE_MESSAGE";
pub const PAYMENTS_ENABLED: &str = "PAYMENTS_ENABLED";
pub const PAYMENT_UNAVAILABLE_MESSAGE: &str = "PAYMENT_UNAVAILABLE_MESSAGE";
pub const PAYMENT_PROVIDER_MODE: &str = "PAYMENT_PROVIDER_MODE";
pub const CORE_API_ENABLED_PAYMENT_METHODS: &str = "CORE_API_ENABLED_PAYMENT_METHODS";
pub const CORE_API_ENABLED_VA_BANKS: &str = "CORE_API_ENABLED_VA_BANKS";
pub const ENABLE_WHATSAPP_NOTIFICATIONS: &str = "ENABLE_WHATSAPP_NOTIFICATIONS";
pub const WHATSAPP_API_KEY: &str = "WHATSAPP_API_KEY";
pub const WHATSAPP_PROVIDER: &str = "WHATSAPP_PROVIDER";
pub const WHATSAPP_CLOUD_API_URL: &str = "WHATSAPP_CLOUD_API_URL";
pub const WHATSAPP_CLOUD_PHONE_NUMBER_ID: &str = "WHATSAPP_CLOUD_PHONE_NUMBER_ID";
pub const WHATSAPP_CLOUD_ACCESS_TOKEN: &str = "WHATSAPP_CLOUD_ACCESS_TOKEN";
pub const WHATSAPP_CLOUD_APP_SECRET: &str = "WHATSAPP_CLOUD_APP_SECRET";
pub const WHATSAPP_CLOUD_VERIFY_TOKEN: &str = "WHATSAPP_CLOUD_VERIFY_TOKEN";
pub const WHATSAPP_CLOUD_TEMPLATES: &str = "WHATSAPP_CLOUD_TEMPLATES";
pub const WHATSAPP_CLOUD_TEMPLATE_LANGUAGE: &str = "WHATSAPP_CLOUD_TEMPLATE_LANGUAGE";
pub const ENABLE_TELEGRAM_NOTIFICATIONS: &str = "ENABLE_TELEGRAM_NOTIFICATIONS";
pub const TELEGRAM_BOT_TOKEN: &str = "TELEGRAM_BOT_TOKEN";
pub const TELEGRAM_BOT_USERNAME: &str = "TELEGRAM_BOT_USERNAME";
pub const TELEGRAM_ADMIN_CHAT_IDS: &str = "TELEGRAM_ADMIN_CHAT_IDS";
pub const BLOK_OPTIONS: &str = "BLOK_OPTIONS";
pub const KAMAR_OPTIONS: &str = "KAMAR_OPTIONS";
pub const TAMPING_OPTIONS: &str = "TAMPING_OPTIONS";
pub const BUSINESS_NAME: &str = "BUSINESS_NAME";
pub const BUSINESS_ADDRESS: &str = "BUSINESS_ADDRESS";
pub const BUSINESS_PHONE: &str = "BUSINESS_PHONE";
pub const BUSINESS_EMAIL: &str = "BUSINESS_EMAIL";

/// The limits of a value.
#[derive(Debug, Clone, Copy)]
pub enum Rule {
    Bool,
    /// One line, at least one character unless `empty_ok`.
    Text {
        max_len: u32,
        empty_ok: bool,
    },
    LongText {
        max_len: u32,
    },
    Int {
        min: i64,
        max: i64,
    },
    Choice(fn() -> Vec<String>),
    /// Items of at most `item_len` characters, at most `max_items`, at least one; only
    /// `options` when given.
    List {
        options: Option<fn() -> Vec<String>>,
        item_len: u32,
        max_items: usize,
    },
    Secret {
        max_len: u32,
    },
}

impl Rule {
    pub fn kind(&self) -> SettingKind {
        match self {
            Rule::Bool => SettingKind::Bool,
            Rule::Text { .. } => SettingKind::Text,
            Rule::LongText { .. } => SettingKind::LongText,
            Rule::Int { .. } => SettingKind::Int,
            Rule::Choice(_) => SettingKind::Choice,
            Rule::List { .. } => SettingKind::List,
            Rule::Secret { .. } => SettingKind::Secret,
        }
    }
}

/// One setting.
pub struct Def {
    pub key: &'static str,
    pub group: &'static str,
    pub rule: Rule,
    pub description: &'static str,
    /// The value in force when the page has none (from the environment or the default).
    pub fallback: fn(&Config) -> Option<String>,
}

fn bool_text(b: bool) -> Option<String> {
    Some(if b { "True" } else { "False" }.to_owned())
}

fn csv(items: &[String]) -> Option<String> {
    Some(items.join(","))
}

fn secret(s: &Option<SecretString>) -> Option<String> {
    s.as_ref()
        .map(|s| s.expose_secret().to_owned())
        .filter(|s| !s.is_empty())
}

fn methods() -> Vec<String> {
    PaymentMethod::ALL
        .iter()
        .map(|m| m.as_str().to_owned())
        .collect()
}

fn banks() -> Vec<String> {
    VaBank::ALL.iter().map(|b| b.as_str().to_owned()).collect()
}

fn whatsapp_providers() -> Vec<String> {
    vec!["fonnte".into(), "cloud_api".into()]
}

fn provider_modes() -> Vec<String> {
    vec!["snap".into(), "core_api".into()]
}

const ADDRESS_LIST: Rule = Rule::List {
    options: None,
    item_len: 40,
    max_items: 200,
};

/// The settings, in page order.
pub static DEFS: &[Def] = &[
    Def {
        key: APP_NAME,
        group: "general",
        rule: Rule::Text {
            max_len: 60,
            empty_ok: false,
        },
        description: "Nama aplikasi di portal, pesan WhatsApp dan laporan.",
        fallback: |c| Some(c.app.name.clone()),
    },
    Def {
        key: APP_BROWSER_TITLE,
        group: "general",
        rule: Rule::Text {
            max_len: 60,
            empty_ok: false,
        },
        description: "Judul tab browser.",
        fallback: |c| Some(c.app.name.clone()),
    },
    Def {
        key: MAINTENANCE_MODE_ACTIVE,
        group: "maintenance",
        rule: Rule::Bool,
        description: "Saat aktif, pengguna melihat halaman pemeliharaan; admin tetap bisa masuk.",
        fallback: |_| bool_text(false),
    },
    Def {
        key: MAINTENANCE_MODE_MESSAGE,
        group: "maintenance",
        rule: Rule::LongText { max_len: 500 },
        description: "Pesan di halaman pemeliharaan.",
        fallback: |c| Some(c.portal.maintenance_message.clone()),
    },
    Def {
        key: PAYMENTS_ENABLED,
        group: "payments",
        rule: Rule::Bool,
        description: "Saat mati, pembelian paket dan pembayaran tagihan ditutup sementara.",
        fallback: |_| bool_text(true),
    },
    Def {
        key: PAYMENT_UNAVAILABLE_MESSAGE,
        group: "payments",
        rule: Rule::LongText { max_len: 300 },
        description: "Pesan di halaman beli saat pembayaran ditutup.",
        fallback: |c| Some(c.payments.unavailable_message.clone()),
    },
    Def {
        key: PAYMENT_PROVIDER_MODE,
        group: "payments",
        rule: Rule::Choice(provider_modes),
        description: "snap: halaman bayar Midtrans; core_api: QRIS/VA/e-wallet langsung di portal.",
        fallback: |c| {
            Some(
                match c.payments.provider_mode {
                    ProviderMode::Snap => "snap",
                    ProviderMode::CoreApi => "core_api",
                }
                .to_owned(),
            )
        },
    },
    Def {
        key: CORE_API_ENABLED_PAYMENT_METHODS,
        group: "payments",
        rule: Rule::List {
            options: Some(methods),
            item_len: 20,
            max_items: 10,
        },
        description: "Metode pembayaran yang ditawarkan (mode core_api).",
        fallback: |c| csv(&c.payments.enabled_methods),
    },
    Def {
        key: CORE_API_ENABLED_VA_BANKS,
        group: "payments",
        rule: Rule::List {
            options: Some(banks),
            item_len: 20,
            max_items: 10,
        },
        description: "Bank virtual account yang ditawarkan (mode core_api).",
        fallback: |c| csv(&c.payments.enabled_va_banks),
    },
    Def {
        key: ENABLE_WHATSAPP_NOTIFICATIONS,
        group: "whatsapp",
        rule: Rule::Bool,
        description: "Kirim pemberitahuan WhatsApp (OTP tetap terkirim).",
        fallback: |c| bool_text(c.whatsapp.enabled),
    },
    Def {
        key: WHATSAPP_API_KEY,
        group: "whatsapp",
        rule: Rule::Secret { max_len: 200 },
        description: "Token perangkat Fonnte.",
        fallback: |c| secret(&c.whatsapp.api_key),
    },
    Def {
        key: WHATSAPP_PROVIDER,
        group: "whatsapp",
        rule: Rule::Choice(whatsapp_providers),
        description: "Penyedia WhatsApp: fonnte, atau cloud_api (WhatsApp Cloud API resmi dari Meta).",
        fallback: |c| Some(c.whatsapp.provider.clone()),
    },
    Def {
        key: WHATSAPP_CLOUD_API_URL,
        group: "whatsapp",
        rule: Rule::Text {
            max_len: 200,
            empty_ok: true,
        },
        description: "Alamat dasar Graph API beserta versinya (kosong: milik Meta; di mode demo: simulator bawaan).",
        fallback: |c| c.whatsapp.cloud.api_url.clone(),
    },
    Def {
        key: WHATSAPP_CLOUD_PHONE_NUMBER_ID,
        group: "whatsapp",
        rule: Rule::Text {
            max_len: 32,
            empty_ok: true,
        },
        description: "Phone number ID nomor WhatsApp Business (Cloud API), bukan nomornya.",
        fallback: |c| c.whatsapp.cloud.phone_number_id.clone(),
    },
    Def {
        key: WHATSAPP_CLOUD_ACCESS_TOKEN,
        group: "whatsapp",
        rule: Rule::Secret { max_len: 1000 },
        description: "Access token (system user) untuk Cloud API.",
        fallback: |c| secret(&c.whatsapp.cloud.access_token),
    },
    Def {
        key: WHATSAPP_CLOUD_APP_SECRET,
        group: "whatsapp",
        rule: Rule::Secret { max_len: 200 },
        description: "App secret aplikasi Meta: memeriksa tanda tangan webhook status pengiriman.",
        fallback: |c| secret(&c.whatsapp.cloud.app_secret),
    },
    Def {
        key: WHATSAPP_CLOUD_VERIFY_TOKEN,
        group: "whatsapp",
        rule: Rule::Text {
            max_len: 200,
            empty_ok: true,
        },
        description: "Verify token yang sama dengan isian di dasbor Meta saat mendaftarkan webhook.",
        fallback: |c| c.whatsapp.cloud.verify_token.clone(),
    },
    Def {
        key: WHATSAPP_CLOUD_TEMPLATES,
        group: "whatsapp",
        rule: Rule::List {
            options: None,
            item_len: 160,
            max_items: 50,
        },
        description: "Pesan yang dikirim sebagai template Cloud API: kunci_kita=nama_template (atau kunci saja bila namanya sama).",
        fallback: |c| csv(&c.whatsapp.cloud.templates),
    },
    Def {
        key: WHATSAPP_CLOUD_TEMPLATE_LANGUAGE,
        group: "whatsapp",
        rule: Rule::Text {
            max_len: 16,
            empty_ok: false,
        },
        description: "Kode bahasa template Cloud API (mis. id, en_US).",
        fallback: |c| Some(c.whatsapp.cloud.template_language.clone()),
    },
    Def {
        key: ENABLE_TELEGRAM_NOTIFICATIONS,
        group: "telegram",
        rule: Rule::Bool,
        description: "Kirim pemberitahuan admin dan pengguna lewat Telegram (perlu token bot).",
        // On unless switched off: without a token (here or in the environment) nothing is sent.
        fallback: |_| bool_text(true),
    },
    Def {
        key: TELEGRAM_BOT_TOKEN,
        group: "telegram",
        rule: Rule::Secret { max_len: 200 },
        description: "Token bot dari @BotFather.",
        fallback: |c| secret(&c.telegram.bot_token),
    },
    Def {
        key: TELEGRAM_BOT_USERNAME,
        group: "telegram",
        rule: Rule::Text {
            max_len: 64,
            empty_ok: true,
        },
        description: "Nama pengguna bot (tanpa @), untuk tautan hubungkan Telegram.",
        fallback: |c| c.telegram.bot_username.clone(),
    },
    Def {
        key: TELEGRAM_ADMIN_CHAT_IDS,
        group: "telegram",
        rule: Rule::List {
            options: None,
            item_len: 32,
            max_items: 20,
        },
        description: "ID chat Telegram admin yang menerima peringatan.",
        fallback: |c| csv(&c.worker.messages.telegram_admin_chat_ids),
    },
    Def {
        key: BLOK_OPTIONS,
        group: "registration",
        rule: ADDRESS_LIST,
        description: "Pilihan blok di formulir pendaftaran.",
        fallback: |c| csv(&c.portal.blok_options),
    },
    Def {
        key: KAMAR_OPTIONS,
        group: "registration",
        rule: ADDRESS_LIST,
        description: "Pilihan kamar di formulir pendaftaran.",
        fallback: |c| csv(&c.portal.kamar_options),
    },
    Def {
        key: TAMPING_OPTIONS,
        group: "registration",
        rule: ADDRESS_LIST,
        description: "Pilihan jenis tamping di formulir pendaftaran.",
        fallback: |c| csv(&c.portal.tamping_options),
    },
    Def {
        key: BUSINESS_NAME,
        group: "branding",
        rule: Rule::Text {
            max_len: 100,
            empty_ok: true,
        },
        description: "Nama usaha di invoice dan laporan (kosong: nama aplikasi).",
        fallback: |_| None,
    },
    Def {
        key: BUSINESS_ADDRESS,
        group: "branding",
        rule: Rule::LongText { max_len: 300 },
        description: "Alamat usaha di invoice dan laporan.",
        fallback: |_| None,
    },
    Def {
        key: BUSINESS_PHONE,
        group: "branding",
        rule: Rule::Text {
            max_len: 30,
            empty_ok: true,
        },
        description: "Nomor kontak di invoice dan laporan.",
        fallback: |c| c.portal.admin_whatsapp.clone(),
    },
    Def {
        key: BUSINESS_EMAIL,
        group: "branding",
        rule: Rule::Text {
            max_len: 100,
            empty_ok: true,
        },
        description: "Email di invoice dan laporan.",
        fallback: |_| None,
    },
];

/// The declaration of `key`.
pub fn def(key: &str) -> Option<&'static Def> {
    DEFS.iter().find(|d| d.key == key)
}
