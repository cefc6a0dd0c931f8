//! The application context: configuration and handles to the database and the KV store,
//! shared by the API, the worker and the CLI.

use std::sync::Arc;
use std::time::Instant;

use saring_store::{DatabaseConnection, KvStore, SecretCipher, db};
use secrecy::ExposeSecret;
use serde::Serialize;

use crate::config::{Config, Mode};
use crate::error::AppResult;

/// Cheap to clone; one per process.
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
    started: Instant,
}

impl App {
    /// Connects to the configured database (and migrates it) and KV store.
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
        let app = App::new(config, mode, db, kv)?;
        crate::routers::sync_default_router(&app).await?;
        Ok(app)
    }

    /// Builds a context from ready handles (tests bring their own database and KV).
    pub fn new(config: Config, mode: Mode, db: DatabaseConnection, kv: KvStore) -> AppResult<App> {
        let cipher = SecretCipher::new(config.secrets.encryption_key.expose_secret())
            .map_err(saring_store::StoreError::from)?;
        Ok(App {
            inner: Arc::new(Inner {
                config,
                mode,
                db,
                kv,
                cipher,
                started: Instant::now(),
            }),
        })
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

    /// Liveness of the database and the KV store.
    pub async fn health(&self) -> Health {
        let db_ok = self.db().ping().await.is_ok();
        let kv_ok = self.kv().ping().await.is_ok();
        Health {
            status: if db_ok && kv_ok { "ok" } else { "degraded" },
            database: if db_ok { "ok" } else { "down" },
            kv: if kv_ok { "ok" } else { "down" },
            version: env!("CARGO_PKG_VERSION"),
            uptime_seconds: self.inner.started.elapsed().as_secs(),
        }
    }
}

/// `GET /health` and `/api/health`.
#[derive(Debug, Clone, Serialize)]
pub struct Health {
    pub status: &'static str,
    pub database: &'static str,
    pub kv: &'static str,
    pub version: &'static str,
    pub uptime_seconds: u64,
}

impl Health {
    pub fn is_ok(&self) -> bool {
        self.status == "ok"
    }
}
