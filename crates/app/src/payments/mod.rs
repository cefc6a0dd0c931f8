//! Packages, promos and payments: the catalog, buying a package or paying a debt through
//! Midtrans (Snap or Core API), the notification webhook with exactly-once crediting,
//! status pages, cancel, reconciliation, invoices.
//!
//! ## Exactly once
//! Whatever says an order is paid — a notification, a status check, a reconciliation — ends
//! in [`notification::apply_report`], which in **one database transaction** (begun with
//! `db::begin_write`: `BEGIN IMMEDIATE` on SQLite, the order's row `FOR UPDATE` on
//! PostgreSQL):
//!
//! 1. records the report as a `transaction_events` row with its raw payload;
//! 2. decides with [`saring_domain::payment::transition`] whether the stored status moves
//!    (final states never move back, except a bank reversal or refund; a late settlement
//!    after our own expiry is a payment);
//! 3. claims the order's effect with `UPDATE transactions SET applied_at = now, status =
//!    'SUCCESS' WHERE id = ? AND applied_at IS NULL` — one caller ever sees a row changed;
//! 4. only then applies the package or the debt payment to the locked user row, together
//!    with the quota ledger row whose idempotency key (`purchase:<order id>`,
//!    `debt:<order id>`) is unique, and queues the router sync in the outbox.
//!
//! Duplicates, concurrent deliveries and stale reports find the claim taken (or the status
//! final) and change nothing but the event log. The router and WhatsApp are touched only
//! after the commit; a failure there never loses the payment (the outbox retries the sync).
//!
//! ## Jobs for the worker
//! [`expire_stale`] closes unpaid orders past their window; [`reconcile_stale`] asks
//! Midtrans about open and recently closed orders and applies what it says. Both are
//! idempotent and safe to run from several workers at once.

pub mod admin;
pub mod catalog;
pub mod debt;
mod effect;
pub mod export;
pub mod gateway;
pub mod initiate;
pub mod invoice;
pub(crate) mod messages;
pub mod notification;
pub mod pdf;
pub mod promos;
pub mod reconcile;
pub mod status;

use chrono::Duration;
use saring_domain::api::ErrorCode;
use saring_domain::dto::payments::PaymentOptions;
use saring_gateways::payments::{PaymentMethod, VaBank};

pub use reconcile::{ReconcileReport, expire_stale, reconcile_stale};

use crate::context::App;
use crate::error::{AppError, AppResult};
use crate::settings::keys;
use crate::tokens;

const STATUS_PURPOSE: &str = "transaction-status";
const INVOICE_PURPOSE: &str = "temp-invoice";

/// The signed token of the public status page of an order.
pub fn status_token(app: &App, order_id: &str) -> String {
    tokens::sign(
        app,
        STATUS_PURPOSE,
        order_id,
        Duration::seconds(app.config().payments.status_token_max_age_seconds),
    )
}

/// Whether `token` opens the status page of `order_id`.
pub fn verify_status_token(app: &App, order_id: &str, token: &str) -> bool {
    tokens::verify_signed(app, STATUS_PURPOSE, token).is_some_and(|o| o == order_id)
}

/// The portal's status page of an order (`/payment/status?order_id=…&t=…`).
pub fn status_url(app: &App, order_id: &str, token: &str, debt: bool) -> String {
    let purpose = if debt { "&purpose=debt" } else { "" };
    format!(
        "{}/payment/status?order_id={order_id}{purpose}&t={token}",
        app.config().public_base_url(app.mode())
    )
}

/// A temporary public link to an order's invoice (sent by WhatsApp).
pub fn invoice_link(app: &App, transaction_id: uuid::Uuid) -> String {
    let token = tokens::sign(
        app,
        INVOICE_PURPOSE,
        &transaction_id.to_string(),
        Duration::seconds(app.config().payments.invoice_link_max_age_seconds),
    );
    format!(
        "{}/api/transactions/invoice/temp/{token}.pdf",
        app.config().public_base_url(app.mode())
    )
}

/// The transaction id a temporary invoice token stands for.
pub fn verify_invoice_token(app: &App, token: &str) -> Option<uuid::Uuid> {
    let token = token.trim_end_matches(".pdf").trim_end_matches(".html");
    tokens::verify_signed(app, INVOICE_PURPOSE, token).and_then(|id| id.parse().ok())
}

/// The options in force: the settings page overrides the environment, so an operator can
/// switch the mode, methods and banks at run time (see `settings::keys`).
pub async fn options(app: &App) -> AppResult<PaymentOptions> {
    let s = crate::settings::current(app).await?;
    let provider_mode = match s.text(keys::PAYMENT_PROVIDER_MODE).as_deref() {
        Some("core_api" | "core") => "core_api",
        _ => "snap",
    };
    Ok(PaymentOptions {
        provider_mode: provider_mode.to_owned(),
        payment_methods: s
            .list(keys::CORE_API_ENABLED_PAYMENT_METHODS)
            .into_iter()
            .map(|m| m.to_ascii_lowercase())
            .filter(|m| m.parse::<PaymentMethod>().is_ok())
            .collect(),
        va_banks: s
            .list(keys::CORE_API_ENABLED_VA_BANKS)
            .into_iter()
            .map(|b| b.to_ascii_lowercase())
            .filter(|b| b.parse::<VaBank>().is_ok())
            .collect(),
    })
}

/// The payment choice of a Core API order, validated against the options.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Choice {
    pub method: PaymentMethod,
    pub bank: Option<VaBank>,
}

fn unavailable(what: &str) -> AppError {
    AppError::rejected(
        ErrorCode::PaymentMethodUnavailable,
        format!("{what} tidak tersedia."),
    )
}

/// Parses and checks a requested method and bank. `None` method: the first enabled one;
/// VA without a bank: BNI when enabled, else the first enabled bank.
pub fn choose(
    opts: &PaymentOptions,
    method: Option<&str>,
    bank: Option<&str>,
) -> AppResult<Choice> {
    let method = match method.map(str::trim).filter(|m| !m.is_empty()) {
        Some(m) => {
            let lower = m.to_ascii_lowercase();
            if !opts.payment_methods.contains(&lower) {
                return Err(unavailable("Metode pembayaran"));
            }
            lower
                .parse::<PaymentMethod>()
                .map_err(|_| unavailable("Metode pembayaran"))?
        }
        None => opts
            .payment_methods
            .first()
            .and_then(|m| m.parse().ok())
            .ok_or_else(|| unavailable("Metode pembayaran"))?,
    };
    if method != PaymentMethod::Va {
        return Ok(Choice { method, bank: None });
    }
    let bank = match bank.map(str::trim).filter(|b| !b.is_empty()) {
        Some(b) => {
            let lower = b.to_ascii_lowercase();
            if !opts.va_banks.contains(&lower) {
                return Err(unavailable("Bank VA"));
            }
            lower
                .parse::<VaBank>()
                .map_err(|_| unavailable("Bank VA"))?
        }
        None => {
            let pick = if opts.va_banks.iter().any(|b| b == "bni") {
                Some("bni")
            } else {
                opts.va_banks.first().map(String::as_str)
            };
            pick.and_then(|b| b.parse().ok())
                .ok_or_else(|| unavailable("Bank VA"))?
        }
    };
    Ok(Choice {
        method,
        bank: Some(bank),
    })
}

/// The stored payment method of a choice: `qris`, `gopay`, `shopeepay`, `<bank>_va`, or
/// `echannel` (Mandiri bill).
pub fn method_label(choice: Choice) -> String {
    match (choice.method, choice.bank) {
        (PaymentMethod::Va, Some(VaBank::Mandiri)) => "echannel".into(),
        (PaymentMethod::Va, Some(bank)) => format!("{bank}_va"),
        (PaymentMethod::Va, None) => "bni_va".into(),
        (m, _) => m.as_str().to_owned(),
    }
}

/// The 503 for a closed or failing gateway.
pub(crate) fn gateway_unavailable(app: &App) -> AppError {
    AppError::rejected(
        ErrorCode::PaymentUnavailable,
        app.config().payments.unavailable_message.clone(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts() -> PaymentOptions {
        PaymentOptions {
            provider_mode: "core_api".into(),
            payment_methods: vec!["qris".into(), "va".into()],
            va_banks: vec!["bca".into(), "bni".into(), "mandiri".into()],
        }
    }

    #[test]
    fn choices_follow_the_enabled_options() {
        let o = opts();
        assert_eq!(choose(&o, None, None).unwrap().method, PaymentMethod::Qris);
        let va = choose(&o, Some("VA"), None).unwrap();
        assert_eq!(va.bank, Some(VaBank::Bni));
        assert_eq!(method_label(va), "bni_va");
        let m = choose(&o, Some("va"), Some("mandiri")).unwrap();
        assert_eq!(method_label(m), "echannel");
        assert!(choose(&o, Some("gopay"), None).is_err());
        assert!(choose(&o, Some("va"), Some("bri")).is_err());
        assert!(choose(&o, Some("bitcoin"), None).is_err());
    }
}
