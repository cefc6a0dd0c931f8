//! A Midtrans look-alike HTTP server for the demo (`saring run`) and the tests.
//!
//! It speaks enough of Midtrans for [`MidtransClient`] to be pointed at
//! it unchanged ([`SimHandle::midtrans_config`]): Snap (`POST /snap/v1/transactions`), Core API
//! (`POST /v2/charge`, `GET /v2/{id}/status`, `POST /v2/{id}/cancel|expire`), Basic auth with
//! the configured server key, Midtrans-shaped errors (401 bad key, 400 duplicate Snap order id
//! or bad amount, 406 reused Core order id, 404 unknown transaction), realistic 201 bodies
//! (EMV `qr_string`, `generate-qr-code-v2` and `deeplink-redirect` actions, VA numbers, Mandiri
//! bill key) and WIB times.
//!
//! Each order has a pay page, `GET /pay/{order_id}` (Indonesian), standing in for Snap's hosted
//! page or a banking app: it shows the QR code / VA number and has **Bayar**, **Gagalkan** and
//! **Kedaluwarsa** buttons. Tests do the same through [`SimHandle::pay`], [`SimHandle::deny`],
//! [`SimHandle::expire`] and [`SimHandle::reverse`].
//!
//! Every status change is POSTed as a JSON notification, correctly signed, to the notification
//! URL, retried by the answer's status code as Midtrans does (2xx and 301/302/303: done; 500:
//! 1 retry; 503: 4; 400/404: 2; anything else, timeouts included: 5; 307/308 redirects are
//! followed, at most 5) with compressed delays ([`SimConfig::retry_delays`]). Switches on the
//! handle make deliveries misbehave like the real thing: duplicates, a stale `pending` after the
//! final status, a delay, a bad signature; and the status API can be taken down
//! ([`SimHandle::status_api_down`]). Every attempt is recorded ([`SimHandle::deliveries`]).

mod notify;
mod page;
mod routes;
mod state;

use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use actix_web::dev::ServerHandle;
use actix_web::{App, HttpServer, web};
use base64::Engine;
use chrono::{DateTime, Utc};
use secrecy::SecretString;
use serde::Serialize;
use serde_json::Value;
use tokio::sync::{Notify, mpsc};

use self::notify::Event;
use self::state::{Method, Order, State, Switches};
use super::{MidtransClient, MidtransConfig, PaymentError};
use crate::breaker::lock;

#[derive(Debug, Clone)]
pub struct SimConfig {
    /// The key `MidtransClient` must present (Basic auth) and notifications are signed with.
    /// Default: a random key for this simulator (there is no public demo key: one anybody
    /// knows lets anybody sign a notification the app accepts).
    pub server_key: String,
    /// Where notifications go (the app's `/api/transactions/notification`); can be set later
    /// with [`SimHandle::set_notification_url`].
    pub notification_url: Option<String>,
    /// The base URL written into links (pay page, QR images); default `http://<bound address>`.
    pub public_url: Option<String>,
    /// Waits before retry 1, 2, 3…; the last one repeats. Midtrans waits about 2, 10, 30, 90
    /// and 210 minutes; the default compresses that to 50, 100, 150, 200 and 250 ms.
    pub retry_delays: Vec<Duration>,
    /// How long a delivery attempt waits for the app (Midtrans: 15 s).
    pub delivery_timeout: Duration,
    /// Also notify `pending` when a charge is created or a Snap method is chosen (Midtrans does).
    pub notify_pending: bool,
    /// How often pending orders past their expiry time are expired (and notified).
    pub expiry_check_interval: Duration,
}

impl Default for SimConfig {
    fn default() -> Self {
        SimConfig {
            server_key: format!("SB-Mid-server-{}", hex::encode(rand::random::<[u8; 24]>())),
            notification_url: None,
            public_url: None,
            retry_delays: [50, 100, 150, 200, 250]
                .into_iter()
                .map(Duration::from_millis)
                .collect(),
            delivery_timeout: Duration::from_secs(5),
            notify_pending: true,
            expiry_check_interval: Duration::from_secs(1),
        }
    }
}

/// One notification delivery attempt and what the app answered.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DeliveryRecord {
    pub order_id: String,
    pub transaction_status: String,
    /// 1 for the first attempt, 2 for the first retry…
    pub attempt: u32,
    /// Which copy (0-based) when duplicates are switched on.
    pub copy: u32,
    /// A stale `pending` sent after the final status (the `reorder` switch).
    pub stale: bool,
    /// The app's HTTP status; `None` if the request failed (see `error`).
    pub http_status: Option<u16>,
    pub error: Option<String>,
    pub at: DateTime<Utc>,
    pub body: Value,
}

#[derive(Debug, thiserror::Error)]
pub enum SimError {
    #[error("simulator: cannot listen: {0}")]
    Bind(#[from] std::io::Error),
    #[error("simulator: no order {0:?}")]
    UnknownOrder(String),
    #[error("simulator: cannot {action} order {order_id} in status {status}")]
    InvalidState {
        order_id: String,
        status: String,
        action: &'static str,
    },
}

/// What happens to an order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Action {
    Pay,
    Deny,
    Expire,
    Reverse,
    Cancel,
}

impl Action {
    fn name(self) -> &'static str {
        match self {
            Action::Pay => "pay",
            Action::Deny => "deny",
            Action::Expire => "expire",
            Action::Reverse => "reverse",
            Action::Cancel => "cancel",
        }
    }
}

/// State shared by the HTTP handlers, the handle and the delivery task.
pub(crate) struct Shared {
    pub config: SimConfig,
    pub base_url: String,
    /// `Basic base64(server_key:)`.
    pub expected_auth: String,
    pub state: Mutex<State>,
    events: mpsc::UnboundedSender<Event>,
    delivered: Notify,
}

impl Shared {
    /// Queues the notification for an order's current status (call with the state locked).
    fn emit(&self, state: &State, order: &Order) {
        let switches = state.switches.clone();
        let body = order.to_json(
            &self.base_url,
            &self.config.server_key,
            "midtrans payment notification",
        );
        let stale = (switches.reorder && order.status != "pending").then(|| {
            let mut pending = order.clone();
            pending.status = "pending";
            pending.settlement_time = None;
            pending.to_json(
                &self.base_url,
                &self.config.server_key,
                "midtrans payment notification",
            )
        });
        let event = Event {
            body,
            stale,
            switches,
        };
        if self.events.send(event).is_err() {
            tracing::debug!("simulator stopped: notification dropped");
        }
    }

    /// Picks a method for an order that has none (a Snap order), notifying `pending`.
    fn choose(&self, state: &mut State, order_id: &str, method: &str) -> Result<(), SimError> {
        let order = state
            .orders
            .get_mut(order_id)
            .ok_or_else(|| SimError::UnknownOrder(order_id.to_owned()))?;
        if order.method.is_some() || order.status != "pending" {
            return Ok(());
        }
        let generated = Method::generate(
            method,
            &order.order_id,
            order.gross_amount,
            &order.transaction_id,
        )
        .ok_or(SimError::InvalidState {
            order_id: order_id.to_owned(),
            status: order.status.to_owned(),
            action: "choose an unknown method for",
        })?;
        order.choose(generated);
        let order = order.clone();
        if self.config.notify_pending {
            self.emit(state, &order);
        }
        Ok(())
    }

    /// Applies an action to an order (by order id or transaction id) and notifies. A Snap
    /// order without a method gets `method` (default QRIS) first, as if the customer chose it.
    pub(crate) fn act(
        &self,
        id: &str,
        action: Action,
        method: Option<&str>,
    ) -> Result<Order, SimError> {
        let mut state = lock(&self.state);
        let order_id = state
            .find_mut(id)
            .map(|o| o.order_id.clone())
            .ok_or_else(|| SimError::UnknownOrder(id.to_owned()))?;
        if matches!(action, Action::Pay | Action::Deny | Action::Expire) {
            self.choose(&mut state, &order_id, method.unwrap_or("qris"))?;
        }
        let order = state
            .orders
            .get_mut(&order_id)
            .ok_or_else(|| SimError::UnknownOrder(id.to_owned()))?;
        let next = match (action, order.status, order.method.is_some()) {
            (_, _, false) => None,
            (Action::Pay, "pending", _) => Some("settlement"),
            (Action::Deny, "pending", _) | (Action::Reverse, "settlement", _) => Some("deny"),
            (Action::Expire, "pending", _) => Some("expire"),
            (Action::Cancel, "pending", _) => Some("cancel"),
            _ => None,
        };
        let Some(next) = next else {
            return Err(SimError::InvalidState {
                order_id,
                status: order.status.to_owned(),
                action: action.name(),
            });
        };
        order.status = next;
        if next == "settlement" {
            order.settlement_time = Some(Utc::now());
        }
        let order = order.clone();
        self.emit(&state, &order);
        tracing::info!(order_id = %order.order_id, status = next, "simulated payment status changed");
        Ok(order)
    }

    /// Expires pending orders whose window has passed. A Snap order nobody opened just
    /// lapses (Midtrans has no transaction to notify about).
    fn expire_overdue(&self) {
        let now = Utc::now();
        let mut state = lock(&self.state);
        let overdue: Vec<String> = state
            .orders
            .values()
            .filter(|o| o.status == "pending" && o.expiry_time.is_some_and(|t| t <= now))
            .map(|o| o.order_id.clone())
            .collect();
        for id in overdue {
            if let Some(order) = state.orders.get_mut(&id) {
                order.status = "expire";
                if order.method.is_some() {
                    let order = order.clone();
                    self.emit(&state, &order);
                }
            }
        }
    }
}

/// Starts simulators.
pub struct SimulatedGateway;

impl SimulatedGateway {
    /// Binds `addr` (e.g. `127.0.0.1:0`) and serves the simulator on the current tokio
    /// runtime until [`SimHandle::stop`].
    pub async fn start(addr: &str, config: SimConfig) -> Result<SimHandle, SimError> {
        let listener = TcpListener::bind(addr)?;
        let local = listener.local_addr()?;
        let base_url = config
            .public_url
            .clone()
            .unwrap_or_else(|| format!("http://{local}"))
            .trim_end_matches('/')
            .to_owned();
        let expected_auth = format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(format!("{}:", config.server_key))
        );
        let (events, rx) = mpsc::unbounded_channel();
        let state = State {
            notification_url: config.notification_url.clone(),
            ..State::default()
        };
        let shared = Arc::new(Shared {
            config,
            base_url,
            expected_auth,
            state: Mutex::new(state),
            events,
            delivered: Notify::new(),
        });
        let data = web::Data::from(shared.clone());
        let server = HttpServer::new(move || {
            App::new()
                .app_data(data.clone())
                .configure(routes::configure)
        })
        .workers(1)
        .disable_signals()
        .shutdown_timeout(1)
        .listen(listener)?
        .run();
        let server_handle = server.handle();
        let client =
            notify::client(shared.config.delivery_timeout).map_err(std::io::Error::other)?;
        let tasks = vec![
            tokio::spawn(async move {
                if let Err(e) = server.await {
                    tracing::warn!(error = %e, "payment simulator stopped");
                }
            })
            .abort_handle(),
            tokio::spawn(notify::dispatch(shared.clone(), client, rx)).abort_handle(),
            tokio::spawn(expiry_loop(shared.clone())).abort_handle(),
        ];
        tracing::info!(url = %shared.base_url, "payment simulator listening");
        Ok(SimHandle {
            shared,
            server: server_handle,
            tasks: Arc::new(tasks),
        })
    }
}

async fn expiry_loop(shared: Arc<Shared>) {
    let period = shared
        .config
        .expiry_check_interval
        .max(Duration::from_millis(10));
    let mut tick = tokio::time::interval(period);
    loop {
        tick.tick().await;
        shared.expire_overdue();
    }
}

/// Controls a running simulator. Cheap to clone.
#[derive(Clone)]
pub struct SimHandle {
    shared: Arc<Shared>,
    server: ServerHandle,
    tasks: Arc<Vec<tokio::task::AbortHandle>>,
}

impl std::fmt::Debug for SimHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SimHandle")
            .field("base_url", &self.shared.base_url)
            .finish_non_exhaustive()
    }
}

impl SimHandle {
    /// `http://127.0.0.1:<port>` (or the configured public URL).
    pub fn base_url(&self) -> &str {
        &self.shared.base_url
    }

    pub fn server_key(&self) -> &str {
        &self.shared.config.server_key
    }

    /// A [`MidtransConfig`] pointing at this simulator with its server key.
    pub fn midtrans_config(&self) -> MidtransConfig {
        MidtransConfig::for_simulator(
            self.base_url(),
            SecretString::from(self.shared.config.server_key.clone()),
        )
    }

    /// A [`MidtransClient`] pointing at this simulator.
    pub fn client(&self) -> Result<MidtransClient, PaymentError> {
        MidtransClient::new(self.midtrans_config())
    }

    /// The pay page of an order.
    pub fn pay_page_url(&self, order_id: &str) -> String {
        format!("{}/pay/{order_id}", self.shared.base_url)
    }

    /// Where notifications go from now on (`None`: nowhere, recorded as failed).
    pub fn set_notification_url(&self, url: Option<String>) {
        lock(&self.shared.state).notification_url = url;
    }

    /// The customer pays (pending → settlement). A Snap order without a method pays by QRIS.
    pub fn pay(&self, order_id: &str) -> Result<(), SimError> {
        self.shared.act(order_id, Action::Pay, None).map(drop)
    }

    /// The customer pays a Snap order with `method` (`qris`, `gopay`, `shopeepay`, `bca`,
    /// `bni`, `bri`, `cimb`, `permata`, `mandiri`).
    pub fn pay_with(&self, order_id: &str, method: &str) -> Result<(), SimError> {
        self.shared
            .act(order_id, Action::Pay, Some(method))
            .map(drop)
    }

    /// The payment is denied (pending → deny).
    pub fn deny(&self, order_id: &str) -> Result<(), SimError> {
        self.shared.act(order_id, Action::Deny, None).map(drop)
    }

    /// The payment window closes now (pending → expire).
    pub fn expire(&self, order_id: &str) -> Result<(), SimError> {
        self.shared.act(order_id, Action::Expire, None).map(drop)
    }

    /// The bank reverses a settled payment (settlement → deny), as happens with Permata VA
    /// and Mandiri bill payments.
    pub fn reverse(&self, order_id: &str) -> Result<(), SimError> {
        self.shared.act(order_id, Action::Reverse, None).map(drop)
    }

    /// The order as the status API would answer it (`None` if unknown or, for Snap, no method
    /// chosen yet).
    pub fn order(&self, order_id: &str) -> Option<Value> {
        let mut state = lock(&self.shared.state);
        let order = state.find_mut(order_id)?;
        order.method.is_some().then(|| {
            order.to_json(
                &self.shared.base_url,
                &self.shared.config.server_key,
                "Success, transaction is found",
            )
        })
    }

    /// Each notification is POSTed `copies` times (1 = normal), concurrently.
    pub fn duplicate_deliveries(&self, copies: u32) {
        lock(&self.shared.state).switches.copies = copies.max(1);
    }

    /// After a final status, also deliver a stale `pending` notification for the order.
    pub fn reorder(&self, on: bool) {
        lock(&self.shared.state).switches.reorder = on;
    }

    /// Wait this long before delivering each notification.
    pub fn delay(&self, delay: Duration) {
        lock(&self.shared.state).switches.delay = delay;
    }

    /// Sign notifications with a wrong key.
    pub fn bad_signature(&self, on: bool) {
        lock(&self.shared.state).switches.bad_signature = on;
    }

    /// The status API answers 503 (`true`) or works again (`false`).
    pub fn status_api_down(&self, down: bool) {
        lock(&self.shared.state).switches.status_down = down;
    }

    /// Back to normal deliveries.
    pub fn reset_switches(&self) {
        lock(&self.shared.state).switches = Switches::default();
    }

    /// Every delivery attempt so far, in the order they were answered.
    pub fn deliveries(&self) -> Vec<DeliveryRecord> {
        lock(&self.shared.state).deliveries.clone()
    }

    pub fn clear_deliveries(&self) {
        lock(&self.shared.state).deliveries.clear();
    }

    /// Waits until at least `count` delivery attempts are recorded or `timeout` passes, and
    /// returns the record.
    pub async fn wait_for_deliveries(
        &self,
        count: usize,
        timeout: Duration,
    ) -> Vec<DeliveryRecord> {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let notified = self.shared.delivered.notified();
            let records = self.deliveries();
            if records.len() >= count {
                return records;
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                return self.deliveries();
            }
        }
    }

    /// Stops the server and the delivery tasks (pending notifications are dropped).
    pub async fn stop(&self) {
        self.server.stop(true).await;
        for task in self.tasks.iter() {
            task.abort();
        }
    }
}
