//! Test harness shared by every crate's tests (feature `testing`).
//!
//! * [`TestDb::new`]: a fresh, migrated database. SQLite in a temporary file by default (a file,
//!   not `:memory:`, so the pool has several connections and WAL as in production); when
//!   `TEST_DATABASE_URL` is set (e.g. `postgres://postgres@127.0.0.1:5432/test`), a new
//!   PostgreSQL database with a random name is created through that URL and dropped afterwards.
//! * [`TestKv::new`]: an in-memory KV by default; when `TEST_REDIS_URL` is set, Redis with a
//!   random key prefix, cleared afterwards.
//!
//! Parallel tests never share a database or a key. Clean-up happens when the value is dropped
//! (in a helper thread with its own runtime, so it works from inside `#[tokio::test]`); calling
//! `cleanup().await` does the same explicitly and reports errors.
//!
//! These are test helpers: construction panics with a clear message if the database or Redis
//! cannot be reached (use `try_new` to handle it).
#![allow(clippy::expect_used, clippy::panic)]

use std::ops::Deref;
use std::time::Duration;

use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend};
use uuid::Uuid;

use crate::db;
use crate::error::StoreError;
use crate::kv::{KvStore, RedisKv};

/// Environment variable naming the PostgreSQL server used for tests (admin URL).
pub const TEST_DATABASE_URL: &str = "TEST_DATABASE_URL";
/// Environment variable naming the Redis server used for tests.
pub const TEST_REDIS_URL: &str = "TEST_REDIS_URL";

fn env_url(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

/// `url` with its database name replaced by `name` (query string kept).
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (url, None),
    };
    let authority_start = base.find("://").map_or(0, |i| i + 3);
    let path_start = base[authority_start..]
        .find('/')
        .map_or(base.len(), |i| authority_start + i);
    let mut out = format!("{}/{name}", &base[..path_start]);
    if let Some(query) = query {
        out.push('?');
        out.push_str(query);
    }
    out
}

/// Runs `work` to completion on a fresh runtime in a helper thread (usable from `Drop`, even
/// inside an async test).
fn run_detached<F>(work: F)
where
    F: std::future::Future<Output = ()> + Send + 'static,
{
    let handle = std::thread::spawn(move || {
        if let Ok(rt) = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
        {
            rt.block_on(work);
        }
    });
    let _ = handle.join();
}

async fn admin_connection(admin_url: &str) -> Result<DatabaseConnection, StoreError> {
    let mut opts = ConnectOptions::new(admin_url.to_owned());
    opts.max_connections(1)
        .sqlx_logging(false)
        .connect_timeout(Duration::from_secs(5));
    Ok(Database::connect(opts).await?)
}

async fn drop_pg_database(admin_url: &str, name: &str) -> Result<(), StoreError> {
    let admin = admin_connection(admin_url).await?;
    // The name is ours (`saring_test_<hex>`), so quoting it is enough.
    admin
        .execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
        .await?;
    admin.close().await?;
    Ok(())
}

#[derive(Debug)]
struct PgDatabase {
    admin_url: String,
    name: String,
}

/// A fresh database for one test. Dereferences to its [`DatabaseConnection`].
#[derive(Debug)]
pub struct TestDb {
    // Field order matters: the pool is dropped before the temporary directory.
    db: DatabaseConnection,
    url: String,
    pg: Option<PgDatabase>,
    _dir: Option<tempfile::TempDir>,
}

impl TestDb {
    /// A fresh database with every migration applied.
    pub async fn new() -> Self {
        Self::try_new()
            .await
            .expect("TestDb::new: cannot create a test database")
    }

    /// A fresh database with no tables at all (for migration tests).
    pub async fn new_empty() -> Self {
        Self::try_new_empty()
            .await
            .expect("TestDb::new_empty: cannot create a test database")
    }

    /// Like [`TestDb::new`], returning the error instead of panicking.
    pub async fn try_new() -> Result<Self, StoreError> {
        let test_db = Self::try_new_empty().await?;
        db::migrate(&test_db.db).await?;
        Ok(test_db)
    }

    /// Like [`TestDb::new_empty`], returning the error instead of panicking.
    pub async fn try_new_empty() -> Result<Self, StoreError> {
        match env_url(TEST_DATABASE_URL) {
            Some(admin_url) => Self::postgres(admin_url).await,
            None => Self::sqlite().await,
        }
    }

    async fn sqlite() -> Result<Self, StoreError> {
        let dir = tempfile::Builder::new().prefix("saring-test-").tempdir()?;
        let path = dir.path().join("test.db");
        let url = format!("sqlite://{}?mode=rwc", path.display());
        let db = db::connect(&url).await?;
        Ok(Self {
            db,
            url,
            pg: None,
            _dir: Some(dir),
        })
    }

    async fn postgres(admin_url: String) -> Result<Self, StoreError> {
        if !admin_url.starts_with("postgres") {
            return Err(StoreError::Config(format!(
                "{TEST_DATABASE_URL} must be a postgres:// URL"
            )));
        }
        let name = format!("saring_test_{}", Uuid::new_v4().simple());
        let admin = admin_connection(&admin_url).await?;
        admin
            .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
            .await?;
        admin.close().await?;
        let url = with_database(&admin_url, &name);
        // From here on, dropping `this` drops the database even if connecting fails.
        let pg = PgDatabase { admin_url, name };
        let db = match db::connect(&url).await {
            Ok(db) => db,
            Err(err) => {
                let _ = drop_pg_database(&pg.admin_url, &pg.name).await;
                return Err(err);
            }
        };
        Ok(Self {
            db,
            url,
            pg: Some(pg),
            _dir: None,
        })
    }

    /// The connection.
    pub fn conn(&self) -> &DatabaseConnection {
        &self.db
    }

    /// The URL of this database (to start an app against it).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// `Sqlite` or `Postgres`.
    pub fn backend(&self) -> DbBackend {
        self.db.get_database_backend()
    }

    /// Closes the pool and removes the database now, reporting failures.
    pub async fn cleanup(mut self) -> Result<(), StoreError> {
        self.db.close_by_ref().await?;
        if let Some(pg) = self.pg.take() {
            drop_pg_database(&pg.admin_url, &pg.name).await?;
        }
        Ok(())
    }
}

impl Deref for TestDb {
    type Target = DatabaseConnection;

    fn deref(&self) -> &DatabaseConnection {
        &self.db
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some(pg) = self.pg.take() {
            run_detached(async move {
                if let Err(err) = drop_pg_database(&pg.admin_url, &pg.name).await {
                    eprintln!("TestDb: could not drop test database {}: {err}", pg.name);
                }
            });
        }
    }
}

/// A KV store for one test. Dereferences to its [`KvStore`].
#[derive(Debug)]
pub struct TestKv {
    kv: KvStore,
    /// Redis URL and prefix, to clear the keys at the end.
    redis: Option<(String, String)>,
}

impl TestKv {
    /// In-memory, or Redis under a random prefix when `TEST_REDIS_URL` is set.
    pub async fn new() -> Self {
        Self::try_new()
            .await
            .expect("TestKv::new: cannot reach the test KV store")
    }

    /// Like [`TestKv::new`], returning the error instead of panicking.
    pub async fn try_new() -> Result<Self, StoreError> {
        let Some(url) = env_url(TEST_REDIS_URL) else {
            return Ok(Self {
                kv: KvStore::memory(),
                redis: None,
            });
        };
        let prefix = format!("saring-test:{}:", Uuid::new_v4().simple());
        let kv = KvStore::redis(&url, &prefix)?;
        kv.ping().await?;
        Ok(Self {
            kv,
            redis: Some((url, prefix)),
        })
    }

    /// The store.
    pub fn store(&self) -> &KvStore {
        &self.kv
    }

    /// True when backed by Redis.
    pub fn is_redis(&self) -> bool {
        self.redis.is_some()
    }

    /// Deletes this test's keys now, reporting failures.
    pub async fn cleanup(mut self) -> Result<(), StoreError> {
        if self.redis.take().is_some() {
            self.kv.clear().await?;
        }
        Ok(())
    }
}

impl Deref for TestKv {
    type Target = KvStore;

    fn deref(&self) -> &KvStore {
        &self.kv
    }
}

impl Drop for TestKv {
    fn drop(&mut self) {
        if let Some((url, prefix)) = self.redis.take() {
            // A fresh pool on the helper runtime: this test's pooled connections belong to
            // the test's runtime, which is blocked here.
            run_detached(async move {
                let cleared = match RedisKv::new(&url, &prefix) {
                    Ok(kv) => KvStore::Redis(kv).clear().await.map(|_| ()),
                    Err(err) => Err(err),
                };
                if let Err(err) = cleared {
                    eprintln!("TestKv: could not clear keys under {prefix}: {err}");
                }
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::with_database;

    #[test]
    fn replaces_database_name() {
        assert_eq!(
            with_database("postgres://postgres@127.0.0.1:5432/test", "x"),
            "postgres://postgres@127.0.0.1:5432/x"
        );
        assert_eq!(
            with_database("postgres://u:p@h/test?sslmode=disable", "x"),
            "postgres://u:p@h/x?sslmode=disable"
        );
        assert_eq!(
            with_database("postgres://h:5432", "x"),
            "postgres://h:5432/x"
        );
    }
}
