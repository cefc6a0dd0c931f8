//! The application context: configuration and handles to the database, the KV store, the
//! routers, the messenger and the clock, shared by the API, the worker and the CLI.

use std::sync::Arc;
use std::time::Instant;

pub use saring_domain::dto::health::Health;
use saring_gateways::messenger::{Messenger, Outbox};
use saring_gateways::payments::PaymentGateway;
use saring_store::{DatabaseConnection, KvStore, SecretCipher, db};
use secrecy::ExposeSecret;

use crate::clock::{Clock, SystemClock};
use crate::config::{Config, Mode};
use crate::error::AppResult;
use crate::router::RouterHub;

/// Cheap to clone; one per process.
/// Counts of accounts by status, valid while no account row changed (see `cache::Keyed`).
pub type AccountTallyCache = crate::cache::Keyed<
    Option<chrono::DateTime<chrono::Utc>>,
    saring_store::repo::dashboard::AccountTally,
>;

/// How long those counts are served at most (time passing and deletions do not change the key).
const ACCOUNT_TALLY_TTL: std::time::Duration = std::time::Duration::from_secs(30);

#[derive(Clone)]
pub struct App {
    inner: Arc<Inner>,
}

struct Inner {
    config: Config,
    mode: Mode,
    db: DatabaseConnection,
    kv: KvStore,
    cipher: SecretCipher,
    clock: Arc<dyn Clock>,
    messenger: Arc<dyn Messenger>,
    outbox: Option<Outbox>,
    payments: Option<Arc<dyn PaymentGateway>>,
    payment_runtime: crate::payments::gateway::PaymentRuntime,
    routers: RouterHub,
    users: crate::cache::UserCache,
    settings: crate::cache::Refreshing<crate::settings::snapshot::Current>,
    /// The dashboard's counts of accounts by status, keyed by the accounts' latest change.
    account_tally: AccountTallyCache,
    /// Whether `messenger` was handed in (tests) rather than built from the configuration.
    messenger_injected: bool,
    /// The WhatsApp messenger for a token set at run time, with its token.
    runtime_messenger: std::sync::Mutex<Option<(String, Arc<dyn Messenger>)>>,
    /// The demo's WhatsApp Cloud API simulator, started on first use (see `notify`).
    whatsapp_sim:
        tokio::sync::OnceCell<Arc<saring_gateways::messenger::cloud_api::sim::CloudSimHandle>>,
    /// This process's own API address, once its listener is bound (the demo's simulators
    /// send their webhooks there).
    api_base: std::sync::OnceLock<String>,
    started: Instant,
}

/// Builds an [`App`] from ready handles.
pub struct AppBuilder {
    config: Config,
    mode: Mode,
    db: DatabaseConnection,
    kv: KvStore,
    clock: Arc<dyn Clock>,
    messenger: Option<Arc<dyn Messenger>>,
    payments: Option<Arc<dyn PaymentGateway>>,
    payment_runtime: crate::payments::gateway::PaymentRuntime,
}

impl AppBuilder {
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    pub fn messenger(mut self, messenger: Arc<dyn Messenger>) -> Self {
        self.messenger = Some(messenger);
        self
    }

    /// The payment gateway (Midtrans, or the simulated one in the demo and tests).
    pub fn payments(mut self, gateway: Arc<dyn PaymentGateway>) -> Self {
        self.payments = Some(gateway);
        self
    }

    /// The payment gateway's circuit breaker, simulator handle and notification key.
    pub fn payment_runtime(mut self, runtime: crate::payments::gateway::PaymentRuntime) -> Self {
        self.payment_runtime = runtime;
        self
    }

    pub fn build(self) -> AppResult<App> {
        let cipher = SecretCipher::new(self.config.secrets.encryption_key.expose_secret())
            .map_err(saring_store::StoreError::from)?;
        let messenger_injected = self.messenger.is_some();
        let (messenger, outbox) = match self.messenger {
            Some(m) => (m, None),
            None => crate::notify::messenger_from_config(&self.config, self.mode)?,
        };
        let routers = RouterHub::new(&self.config);
        Ok(App {
            inner: Arc::new(Inner {
                config: self.config,
                mode: self.mode,
                db: self.db,
                kv: self.kv,
                cipher,
                clock: self.clock,
                messenger,
                outbox,
                payments: self.payments,
                payment_runtime: self.payment_runtime,
                routers,
                users: crate::cache::UserCache::new(crate::accounts::USER_CACHE_TTL, 10_000),
                settings: crate::cache::Refreshing::new(crate::settings::snapshot::RELOAD_AFTER),
                account_tally: crate::cache::Keyed::new(ACCOUNT_TALLY_TTL),
                messenger_injected,
                runtime_messenger: std::sync::Mutex::new(None),
                whatsapp_sim: tokio::sync::OnceCell::new(),
                api_base: std::sync::OnceLock::new(),
                started: Instant::now(),
            }),
        })
    }
}

impl App {
    /// Connects to the configured database (and migrates it) and KV store, and registers the
    /// router named by `MIKROTIK_*`.
    pub async fn connect(config: Config, mode: Mode) -> AppResult<App> {
        let db = db::connect(&config.database_url).await?;
        db::migrate(&db).await?;
        let kv = match &config.redis_url {
            Some(url) => {
                let kv = KvStore::redis(url.expose_secret(), "saring:")?;
                kv.ping().await?;
                kv
            }
            None => KvStore::memory(),
        };
        let (gateway, runtime) = crate::payments::gateway::connect(&config, mode).await?;
        let app = App::builder(config, mode, db, kv)
            .payments(gateway)
            .payment_runtime(runtime)
            .build()?;
        crate::router::sync_default_router(&app).await?;
        Ok(app)
    }

    pub fn builder(config: Config, mode: Mode, db: DatabaseConnection, kv: KvStore) -> AppBuilder {
        AppBuilder {
            config,
            mode,
            db,
            kv,
            clock: Arc::new(SystemClock),
            messenger: None,
            payments: None,
            payment_runtime: Default::default(),
        }
    }

    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    pub fn mode(&self) -> Mode {
        self.inner.mode
    }

    pub fn db(&self) -> &DatabaseConnection {
        &self.inner.db
    }

    pub fn kv(&self) -> &KvStore {
        &self.inner.kv
    }

    pub fn cipher(&self) -> &SecretCipher {
        &self.inner.cipher
    }

    pub fn messenger(&self) -> &Arc<dyn Messenger> {
        &self.inner.messenger
    }

    /// Whether the messenger was handed to the builder (tests) rather than built from the
    /// configuration (then a WhatsApp token set at run time does not replace it).
    pub fn messenger_injected(&self) -> bool {
        self.inner.messenger_injected
    }

    /// The slot for a messenger built from a run-time token (see `notify::whatsapp`).
    pub fn runtime_messenger(&self) -> &std::sync::Mutex<Option<(String, Arc<dyn Messenger>)>> {
        &self.inner.runtime_messenger
    }

    /// The dashboard's counts of accounts by status (see `operator::dashboard`).
    pub fn account_tally_cache(&self) -> &AccountTallyCache {
        &self.inner.account_tally
    }

    /// The demo's WhatsApp Cloud API simulator slot (see `notify::whatsapp`).
    pub fn whatsapp_sim(
        &self,
    ) -> &tokio::sync::OnceCell<Arc<saring_gateways::messenger::cloud_api::sim::CloudSimHandle>>
    {
        &self.inner.whatsapp_sim
    }

    /// Records this process's API address (`http://127.0.0.1:8080`) once it listens.
    pub fn set_api_base(&self, base: &str) {
        let _ = self
            .inner
            .api_base
            .set(base.trim_end_matches('/').to_owned());
    }

    /// This process's API address, when known.
    pub fn api_base(&self) -> Option<&str> {
        self.inner.api_base.get().map(String::as_str)
    }

    /// The run-time settings snapshot (see `settings::current`).
    pub fn settings_cache(&self) -> &crate::cache::Refreshing<crate::settings::snapshot::Current> {
        &self.inner.settings
    }

    /// The console messenger's outbox (embedded mode only).
    pub fn outbox(&self) -> Option<&Outbox> {
        self.inner.outbox.as_ref()
    }

    /// The payment gateway; a 503 `payment_unavailable` when none is configured.
    pub fn payments(&self) -> AppResult<&Arc<dyn PaymentGateway>> {
        self.inner.payments.as_ref().ok_or_else(|| {
            crate::error::AppError::rejected(
                saring_domain::api::ErrorCode::PaymentUnavailable,
                "Pembayaran belum dikonfigurasi.",
            )
        })
    }

    /// Users recently read for authentication (see `accounts::cached_user`).
    pub fn user_cache(&self) -> &crate::cache::UserCache {
        &self.inner.users
    }

    /// The breaker, simulator and notification key that came with the gateway.
    pub fn payment_runtime(&self) -> &crate::payments::gateway::PaymentRuntime {
        &self.inner.payment_runtime
    }

    pub fn routers(&self) -> &RouterHub {
        &self.inner.routers
    }

    /// Now, by the app's clock.
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.inner.clock.now()
    }

    /// Liveness of the database and the KV store.
    pub async fn health(&self) -> Health {
        let db_ok = self.db().ping().await.is_ok();
        let kv_ok = self.kv().ping().await.is_ok();
        Health::new(
            db_ok,
            kv_ok,
            env!("CARGO_PKG_VERSION"),
            self.inner.started.elapsed().as_secs(),
        )
    }
}
