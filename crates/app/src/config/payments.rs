//! Payments: which gateway (Midtrans or the simulated one), Snap or Core API, keys, order id
//! prefixes, payment windows and link lifetimes.

use secrecy::SecretString;

use super::reader::Reader;

/// Which payment gateway to talk to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PaymentGatewayKind {
    Midtrans,
    Simulated,
}

/// Midtrans Snap (hosted page) or Core API (our own QR/VA page).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProviderMode {
    Snap,
    CoreApi,
}

#[derive(Debug, Clone)]
pub struct PaymentConfig {
    pub gateway: Option<PaymentGatewayKind>,
    pub provider_mode: ProviderMode,
    pub server_key: Option<SecretString>,
    pub client_key: Option<String>,
    pub is_production: bool,
    /// `MIDTRANS_DEFAULT_EXPIRY_MINUTES`: the payment window of a new order.
    pub expiry_minutes: u32,
    /// Core API methods offered (`qris`, `gopay`, `shopeepay`, `va`).
    pub enabled_methods: Vec<String>,
    /// Core API VA banks offered (`bca`, `bni`, `bri`, `mandiri`, `permata`, `cimb`).
    pub enabled_va_banks: Vec<String>,
    pub order_id_prefix: String,
    pub debt_order_id_prefix: String,
    pub admin_bill_order_id_prefix: String,
    /// How long a public status link (`?t=`) stays valid.
    pub status_token_max_age_seconds: i64,
    /// How long the temporary invoice link sent by WhatsApp stays valid.
    pub invoice_link_max_age_seconds: i64,
    /// `REPORT_LINK_MAX_AGE_SECONDS`: how long a signed link to a user's detail report or
    /// quota history PDF stays valid.
    pub report_link_max_age_seconds: i64,
    /// Minutes after its expiry time before an unpaid order is expired locally.
    pub expire_grace_minutes: i64,
    pub http_timeout_seconds: u64,
    /// `X-Override-Notification` on every charge (tunnels, staging).
    pub notification_url_override: Option<String>,
    /// Shown when payments are closed (circuit open).
    pub unavailable_message: String,
    /// `MIDTRANS_CONFIRM_NOTIFICATIONS`: a webhook that would mark an order paid is applied
    /// only as Midtrans' status API confirms it (the signature does not cover the status).
    pub confirm_notifications: bool,
    /// `SARING_PAY_SIM_LISTEN`: where the simulated gateway listens (`127.0.0.1:0`: a free
    /// port on loopback).
    pub simulator_listen: String,
    /// The key of the simulated gateway when `MIDTRANS_SERVER_KEY` is unset: not a variable;
    /// `saring run` sets it from its data directory's secrets. `None`: a random key for this
    /// process.
    pub simulator_server_key: Option<SecretString>,
}

pub(super) fn read(r: &mut Reader<'_>) -> PaymentConfig {
    PaymentConfig {
        gateway: r.parsed(
            "PAYMENT_GATEWAY",
            &[],
            None,
            |s| match s.to_ascii_lowercase().as_str() {
                "midtrans" => Ok(Some(PaymentGatewayKind::Midtrans)),
                "simulated" => Ok(Some(PaymentGatewayKind::Simulated)),
                _ => Err(format!("{s:?}: use midtrans or simulated")),
            },
            |v| match v {
                None => "(simulated for `saring run`, midtrans for `saring serve`)".into(),
                Some(PaymentGatewayKind::Midtrans) => "midtrans".into(),
                Some(PaymentGatewayKind::Simulated) => "simulated".into(),
            },
        ),
        provider_mode: r.parsed(
            "PAYMENT_PROVIDER_MODE",
            &[],
            ProviderMode::Snap,
            |s| match s.to_ascii_lowercase().as_str() {
                "snap" => Ok(ProviderMode::Snap),
                "core_api" | "core" => Ok(ProviderMode::CoreApi),
                _ => Err(format!("{s:?}: use snap or core_api")),
            },
            |m| {
                if *m == ProviderMode::Snap {
                    "snap".into()
                } else {
                    "core_api".into()
                }
            },
        ),
        server_key: r.secret("MIDTRANS_SERVER_KEY", &[]),
        client_key: r.opt_string("MIDTRANS_CLIENT_KEY", &[]),
        is_production: r.bool("MIDTRANS_IS_PRODUCTION", &[], false),
        expiry_minutes: r.int("MIDTRANS_DEFAULT_EXPIRY_MINUTES", &[], 15, 5, 24 * 60),
        enabled_methods: r.list(
            "CORE_API_ENABLED_PAYMENT_METHODS",
            &["qris", "gopay", "shopeepay", "va"],
        ),
        enabled_va_banks: r.list(
            "CORE_API_ENABLED_VA_BANKS",
            &["bca", "bni", "bri", "mandiri", "permata", "cimb"],
        ),
        order_id_prefix: r.string("MIDTRANS_ORDER_ID_PREFIX", &[], "BD-LPSR"),
        debt_order_id_prefix: r.string("DEBT_ORDER_ID_PREFIX", &[], "DEBT"),
        admin_bill_order_id_prefix: r.string("ADMIN_BILL_ORDER_ID_PREFIX", &[], "BD-LPSR"),
        status_token_max_age_seconds: r.int(
            "TRANSACTION_STATUS_TOKEN_MAX_AGE_SECONDS",
            &[],
            7 * 24 * 3600,
            300,
            30 * 24 * 3600,
        ),
        invoice_link_max_age_seconds: r.int(
            "INVOICE_LINK_MAX_AGE_SECONDS",
            &[],
            7 * 24 * 3600,
            300,
            90 * 24 * 3600,
        ),
        report_link_max_age_seconds: r.int(
            "REPORT_LINK_MAX_AGE_SECONDS",
            &[],
            24 * 3600,
            300,
            30 * 24 * 3600,
        ),
        expire_grace_minutes: r.int("TRANSACTION_EXPIRE_GRACE_MINUTES", &[], 5, 0, 24 * 60),
        http_timeout_seconds: r.int("MIDTRANS_HTTP_TIMEOUT_SECONDS", &[], 15, 1, 120),
        notification_url_override: r.opt_string("MIDTRANS_NOTIFICATION_URL_OVERRIDE", &[]),
        confirm_notifications: r.bool("MIDTRANS_CONFIRM_NOTIFICATIONS", &[], true),
        simulator_listen: r.string("SARING_PAY_SIM_LISTEN", &[], "127.0.0.1:0"),
        simulator_server_key: None,
        unavailable_message: r.string(
            "PAYMENT_GATEWAY_UNAVAILABLE_MESSAGE",
            &[],
            "Pembayaran sedang tidak tersedia karena gangguan di penyedia pembayaran. Silakan coba beberapa saat lagi.",
        ),
    }
}
