//! # saring-gateways
//!
//! Saring's external services, each behind a small trait with a real implementation and a
//! simulated or recording one. Nothing here knows about users or quota; `saring-app` decides
//! what to send and when.
//!
//! * [`payments`]: [`PaymentGateway`] (Midtrans Snap and Core API through [`MidtransClient`]),
//!   notification parsing and the SHA-512 signature check, the Midtrans status mapping and
//!   transition rules (defined in `saring_domain::payment`, re-exported), and [`SimulatedGateway`], a Midtrans look-alike HTTP server with its own
//!   pay page that sends correctly signed notifications (the demo and every payment test).
//! * [`messenger`]: [`Messenger`] (WhatsApp through [`FonnteMessenger`], a
//!   [`ConsoleMessenger`] that keeps an [`Outbox`] for the demo, a [`RecordingMessenger`] for
//!   tests) and the `{a|b}` spintax / `{placeholder}` renderer in [`template`].
//! * [`telegram`]: the Bot API client for admin alerts and the `/start <token>` webhook.
//! * [`breaker`]: a generic circuit breaker (5 transient failures → open 60 s → 2 successes
//!   close it), wrapped around gateways by [`BreakerGateway`] and [`BreakerMessenger`].
//!
//! Traits return boxed futures ([`futures::future::BoxFuture`]) so that the app can hold them
//! as `Arc<dyn PaymentGateway>` / `Arc<dyn Messenger>`: `async fn` in traits is not
//! dyn-compatible, and a hand-written `BoxFuture` costs the same allocation as `async_trait`
//! without a proc-macro dependency or hidden lifetimes.
//!
//! Call [`install_crypto_provider`] once at start-up (the constructors here call it too): the
//! HTTP client is reqwest with rustls but without a built-in crypto provider, so the process
//! uses rustls' `ring` provider, the one sqlx and the RouterOS client already use.

pub mod breaker;
pub mod messenger;
pub mod payments;
pub mod telegram;
pub mod template;

mod http;

pub use breaker::{
    BreakerConfig, BreakerError, CircuitBreaker, CircuitState, Clock, ManualClock, SystemClock,
    Transient,
};
pub use messenger::{
    BreakerMessenger, CloudApiConfig, CloudApiMessenger, ConsoleMessenger, Delivery, Document,
    FailureKind, FonnteConfig, FonnteMessenger, Messenger, MessengerError, OTP_TIMEOUT, Outbox,
    OutboxEntry, OutgoingMessage, RecordingMessenger,
};
pub use payments::{
    BreakerGateway, ChargeRequest, ChargeResponse, CustomerDetails, ItemDetail, MidtransClient,
    MidtransConfig, Notification, NotificationError, PaymentError, PaymentGateway, PaymentMethod,
    PaymentStatus, SelfTestReport, SimConfig, SimHandle, SimulatedGateway, SnapRequest,
    SnapSession, StatusResponse, Transition, VaBank, map_status, transition,
};
pub use telegram::{StartCommand, TelegramClient, TelegramConfig, TelegramError};
pub use template::{Template, TemplateError, render};

/// Installs rustls' `ring` crypto provider as the process default.
///
/// reqwest is built with `rustls-no-provider`, so a provider must be installed before the
/// first HTTPS client is built (reqwest panics otherwise). Idempotent: a provider installed
/// earlier (by this function or anyone else) is kept.
pub fn install_crypto_provider() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        // `Err` means a provider is already installed: keep it.
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
}
