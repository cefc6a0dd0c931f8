//! Which payment gateway this process talks to, its circuit breaker, and whether payments
//! are open (`/api/settings/payment-availability`).
//!
//! * `saring run` (embedded): a [`SimulatedGateway`] on 127.0.0.1 (random port, or
//!   `SARING_PAY_SIM_LISTEN`), signing with `MIDTRANS_SERVER_KEY` when set, else the
//!   install's own key from its data directory (`embedded::secrets`), else a random key for
//!   the process — never a key anybody else knows; the app reaches it through the ordinary
//!   [`MidtransClient`].
//! * `saring serve` / `saring worker`: Midtrans (`MIDTRANS_SERVER_KEY`,
//!   `MIDTRANS_IS_PRODUCTION`); start-up fails without a server key. The simulated gateway
//!   is used in production only when `PAYMENT_GATEWAY=simulated` says so explicitly.
//!
//! Either way the client sits behind a [`BreakerGateway`] (5 failures → open 60 s → 2
//! successes), whose state the portal shows and whose opening alerts the super admins.

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use saring_domain::dto::payments::PaymentAvailability;
use saring_gateways::breaker::{CircuitBreaker, CircuitState};
use saring_gateways::payments::{
    BreakerGateway, MidtransClient, MidtransConfig, PaymentGateway, SimConfig, SimHandle,
    SimulatedGateway,
};
use secrecy::{ExposeSecret, SecretString};

use crate::config::{Config, Mode, PaymentGatewayKind};
use crate::context::App;
use crate::error::{AppError, AppResult};
use crate::settings::keys;

/// What comes with the gateway: its breaker, the simulator (demo and tests) and the key
/// notifications are signed with.
#[derive(Clone, Default)]
pub struct PaymentRuntime {
    pub breaker: Option<Arc<CircuitBreaker>>,
    pub simulator: Option<SimHandle>,
    /// The server key notifications must be signed with.
    pub server_key: Option<SecretString>,
}

impl std::fmt::Debug for PaymentRuntime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PaymentRuntime")
            .field("breaker", &self.breaker)
            .field("simulator", &self.simulator)
            .finish_non_exhaustive()
    }
}

/// Wraps a client in a fresh breaker.
pub fn with_breaker(
    client: MidtransClient,
    server_key: SecretString,
    simulator: Option<SimHandle>,
) -> (Arc<dyn PaymentGateway>, PaymentRuntime) {
    let breaker = Arc::new(CircuitBreaker::default());
    let gateway: Arc<dyn PaymentGateway> = Arc::new(BreakerGateway::new(client, breaker.clone()));
    (
        gateway,
        PaymentRuntime {
            breaker: Some(breaker),
            simulator,
            server_key: Some(server_key),
        },
    )
}

fn config_error(e: impl std::fmt::Display) -> AppError {
    AppError::Internal(format!("payment gateway: {e}"))
}

/// Starts a simulated gateway signing with `server_key` on `listen` and returns a client
/// for it (behind a breaker).
pub async fn start_simulated(
    listen: &str,
    server_key: SecretString,
) -> AppResult<(Arc<dyn PaymentGateway>, PaymentRuntime)> {
    let sim = SimulatedGateway::start(
        listen,
        SimConfig {
            server_key: server_key.expose_secret().to_owned(),
            ..SimConfig::default()
        },
    )
    .await
    .map_err(config_error)?;
    let client = sim.client().map_err(config_error)?;
    Ok(with_breaker(client, server_key, Some(sim)))
}

/// The gateway for this process (see the module docs).
pub async fn connect(
    config: &Config,
    mode: Mode,
) -> AppResult<(Arc<dyn PaymentGateway>, PaymentRuntime)> {
    let p = &config.payments;
    match config.payment_gateway(mode) {
        PaymentGatewayKind::Simulated => {
            if mode == Mode::Production {
                tracing::warn!("PAYMENT_GATEWAY=simulated: payments are simulated, not real");
            }
            let key = p
                .server_key
                .clone()
                .or_else(|| p.simulator_server_key.clone())
                .unwrap_or_else(crate::config::random_secret);
            start_simulated(&p.simulator_listen, key).await
        }
        PaymentGatewayKind::Midtrans => {
            let key = p.server_key.clone().ok_or_else(|| {
                AppError::Internal(
                    "MIDTRANS_SERVER_KEY is not set: saring serve/worker take payments through \
                     Midtrans (set PAYMENT_GATEWAY=simulated explicitly to run on the simulated \
                     gateway instead)"
                        .into(),
                )
            })?;
            let mut mc = MidtransConfig::new(key.clone(), p.is_production);
            mc.timeout = Duration::from_secs(p.http_timeout_seconds);
            mc.notification_url_override = p.notification_url_override.clone();
            let client = MidtransClient::new(mc).map_err(config_error)?;
            Ok(with_breaker(client, key, None))
        }
    }
}

/// Sends the simulator's notifications to this API (call once the listener is bound).
pub fn point_simulator_at(app: &App, api_base: &str) {
    if let Some(sim) = &app.payment_runtime().simulator {
        sim.set_notification_url(Some(format!(
            "{}/api/transactions/notification",
            api_base.trim_end_matches('/')
        )));
    }
}

/// Whether payments are open now: configured, not switched off on the settings page
/// (`PAYMENTS_ENABLED`), and the breaker not open.
pub async fn availability(app: &App) -> PaymentAvailability {
    let now = Utc::now();
    let settings = crate::settings::current(app).await.ok();
    let closed = settings
        .as_ref()
        .is_some_and(|s| !s.flag(keys::PAYMENTS_ENABLED));
    let configured = app.payments().is_ok();
    let state = app
        .payment_runtime()
        .breaker
        .as_ref()
        .map(|b| (b.state(), b.check().err()));
    let (circuit_state, retry_after) = match state {
        None => ("unknown", None),
        Some((CircuitState::Closed, _)) => ("closed", None),
        Some((CircuitState::HalfOpen, _)) => ("half_open", None),
        Some((CircuitState::Open { .. }, wait)) => ("open", wait),
    };
    let open = circuit_state == "open";
    let available = configured && !open && !closed;
    let reason = if !configured {
        Some("not_configured".to_owned())
    } else if closed {
        Some("closed_by_operator".to_owned())
    } else if open {
        Some("circuit_open".to_owned())
    } else {
        None
    };
    let retry_after_seconds = retry_after.map(|d| d.as_secs().max(1));
    PaymentAvailability {
        available,
        message: (!available).then(|| {
            settings
                .and_then(|s| s.text(keys::PAYMENT_UNAVAILABLE_MESSAGE))
                .unwrap_or_else(|| app.config().payments.unavailable_message.clone())
        }),
        reason,
        circuit_name: "midtrans".into(),
        circuit_state: circuit_state.into(),
        retry_after_seconds,
        checked_at: now,
        open_until: retry_after.and_then(|d| chrono::Duration::from_std(d).ok().map(|d| now + d)),
    }
}

const BREAKER_ALERT_KEY: &str = "payments:breaker-open-alert";

/// After a failed call: if the breaker is now open, tell the super admins (once per
/// opening window).
pub async fn alert_if_open(app: &App) {
    let Some(breaker) = &app.payment_runtime().breaker else {
        return;
    };
    let CircuitState::Open { .. } = breaker.state() else {
        return;
    };
    let ttl = breaker.config().open_for.max(Duration::from_secs(60));
    match app.kv().set_nx(BREAKER_ALERT_KEY, "1", Some(ttl)).await {
        Ok(true) => {}
        Ok(false) => return,
        Err(e) => {
            tracing::warn!(error = %e, "breaker alert de-duplication unavailable");
        }
    }
    tracing::error!("Midtrans circuit breaker opened: payments are closed");
    let admins = match crate::payments::messages::super_admin_phones(app).await {
        Ok(a) => a,
        Err(e) => {
            tracing::warn!(error = %e, "cannot list super admins for the breaker alert");
            return;
        }
    };
    let retry = breaker
        .check()
        .err()
        .map_or(60, |d| d.as_secs().max(1))
        .to_string();
    for phone in admins {
        crate::notify::send_template(
            app,
            &phone,
            "payment_gateway_unavailable_to_admin",
            &[
                ("app_name", app.config().app.name.clone()),
                ("retry_after_seconds", retry.clone()),
            ],
        )
        .await;
    }
}
