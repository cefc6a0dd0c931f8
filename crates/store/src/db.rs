//! Connecting to the database (SQLite or PostgreSQL) and migrating it.

use std::path::Path;
use std::time::Duration;

use chrono::{DateTime, SubsecRound as _, Utc};
use saring_migration::{Migrator, MigratorTrait as _};
use sea_orm::sqlx::sqlite::SqliteJournalMode;
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend,
    SqliteTransactionMode, Statement, TransactionOptions, TransactionTrait,
};

use crate::error::StoreError;

/// The embedded default: a SQLite file under `./data`, created on first use.
pub fn default_sqlite_url() -> &'static str {
    "sqlite://./data/saring.db?mode=rwc"
}

/// The current UTC time at the precision both backends store (microseconds; PostgreSQL would
/// round nanoseconds away, SQLite would keep them), so a value written and read back compares
/// equal on either backend.
pub fn now() -> DateTime<Utc> {
    to_db_precision(Utc::now())
}

/// `t` truncated to microseconds (see [`now`]).
pub fn to_db_precision(t: DateTime<Utc>) -> DateTime<Utc> {
    t.trunc_subsecs(6)
}

/// PostgreSQL pool size: small enough for a Raspberry Pi running API and worker side by side
/// (each process has its own pool), large enough for concurrent requests.
const PG_MAX_CONNECTIONS: u32 = 8;
/// SQLite pool size for a file: WAL lets readers run beside the one writer; writers queue on
/// the busy timeout (use [`begin_write`] for transactions that write).
const SQLITE_MAX_CONNECTIONS: u32 = 4;
const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(5);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(10);
/// Arbitrary constant naming the advisory lock that serialises concurrent `migrate` calls on
/// PostgreSQL (`serve` and `worker` may start together).
const MIGRATION_LOCK_KEY: i64 = 0x5341_5249_4E47_0001;

/// What a database URL points at.
#[derive(Debug, PartialEq, Eq)]
enum Target<'a> {
    /// An in-memory SQLite database (one connection, or the data is gone).
    SqliteMemory,
    /// A SQLite file at this path.
    SqliteFile(&'a str),
    Postgres,
}

fn target(url: &str) -> Result<Target<'_>, StoreError> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        return Ok(Target::Postgres);
    }
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .ok_or_else(|| {
            StoreError::Config(
                "database URL must start with sqlite:, postgres:// or postgresql://".into(),
            )
        })?;
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    let memory =
        path.is_empty() || path == ":memory:" || query.split('&').any(|kv| kv == "mode=memory");
    Ok(if memory {
        Target::SqliteMemory
    } else {
        Target::SqliteFile(path)
    })
}

/// Connects to `url` (`sqlite:…` or `postgres://…`).
///
/// SQLite: creates the parent directory and the file if missing, turns on foreign keys on every
/// connection, uses WAL journaling and a 5 s busy timeout. An in-memory database
/// (`sqlite::memory:`) gets exactly one connection that is never recycled.
/// PostgreSQL: a pool of up to 8 connections.
pub async fn connect(url: &str) -> Result<DatabaseConnection, StoreError> {
    let mut opts = ConnectOptions::new(url.to_owned());
    opts.sqlx_logging(false)
        .connect_timeout(CONNECT_TIMEOUT)
        .acquire_timeout(ACQUIRE_TIMEOUT);
    match target(url)? {
        Target::Postgres => {
            opts.max_connections(PG_MAX_CONNECTIONS)
                .min_connections(0)
                .idle_timeout(Duration::from_secs(300));
        }
        Target::SqliteMemory => {
            opts.max_connections(1)
                .min_connections(1)
                .idle_timeout(None)
                .max_lifetime(None)
                .map_sqlx_sqlite_opts(|o| o.foreign_keys(true).busy_timeout(SQLITE_BUSY_TIMEOUT));
        }
        Target::SqliteFile(path) => {
            if let Some(parent) = Path::new(path).parent()
                && !parent.as_os_str().is_empty()
            {
                std::fs::create_dir_all(parent)?;
            }
            opts.max_connections(SQLITE_MAX_CONNECTIONS)
                .map_sqlx_sqlite_opts(|o| {
                    o.create_if_missing(true)
                        .foreign_keys(true)
                        .journal_mode(SqliteJournalMode::Wal)
                        .busy_timeout(SQLITE_BUSY_TIMEOUT)
                });
        }
    }
    Ok(Database::connect(opts).await?)
}

/// Begins a transaction that will write. On SQLite it starts with `BEGIN IMMEDIATE`, taking the
/// write lock up front (waiting up to the busy timeout) instead of failing with `SQLITE_BUSY`
/// when a read transaction later tries to write; on PostgreSQL it is a plain `BEGIN`.
pub async fn begin_write<C>(db: &C) -> Result<C::Transaction, StoreError>
where
    C: TransactionTrait,
{
    Ok(db
        .begin_with_options(TransactionOptions {
            sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
            ..TransactionOptions::default()
        })
        .await?)
}

/// Serialises transactions that check something across rows before writing (e.g. that a
/// router's ranges overlap no other router's) under the lock named `key`: on PostgreSQL a
/// transaction-scoped advisory lock (row locks cannot stop a concurrent insert); on SQLite
/// the write lock [`begin_write`] already holds does it.
pub async fn lock_for_check<C: ConnectionTrait>(txn: &C, key: i64) -> Result<(), StoreError> {
    if txn.get_database_backend() == DbBackend::Postgres {
        txn.execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT pg_advisory_xact_lock($1)",
            [key.into()],
        ))
        .await?;
    }
    Ok(())
}

/// The [`lock_for_check`] key of router changes.
pub const ROUTERS_LOCK_KEY: i64 = 0x5341_5249_4E47_0002;

/// Applies every pending migration, all in one transaction. Safe to call on every start and
/// from several processes at once (PostgreSQL: an advisory lock; SQLite: the write lock).
pub async fn migrate(db: &DatabaseConnection) -> Result<(), StoreError> {
    let txn = begin_write(db).await?;
    lock_for_check(&txn, MIGRATION_LOCK_KEY).await?;
    Migrator::up(&txn, None).await?;
    txn.commit().await?;
    Ok(())
}

/// Names of the tables in the database (current schema on PostgreSQL), sorted, including the
/// migrations' own `seaql_migrations`.
pub async fn table_names(db: &DatabaseConnection) -> Result<Vec<String>, StoreError> {
    let backend = db.get_database_backend();
    let sql = match backend {
        DbBackend::Postgres => {
            "SELECT tablename AS name FROM pg_catalog.pg_tables \
             WHERE schemaname = current_schema() ORDER BY tablename"
        }
        DbBackend::Sqlite => {
            "SELECT name FROM sqlite_master \
             WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        }
        other => {
            return Err(StoreError::Config(format!(
                "unsupported database backend {other:?}"
            )));
        }
    };
    let rows = db
        .query_all_raw(Statement::from_string(backend, sql))
        .await?;
    rows.iter()
        .map(|row| row.try_get::<String>("", "name").map_err(StoreError::from))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets() {
        assert_eq!(target("sqlite::memory:").unwrap(), Target::SqliteMemory);
        assert_eq!(target("sqlite://:memory:").unwrap(), Target::SqliteMemory);
        assert_eq!(
            target("sqlite:file:x?mode=memory&cache=shared").unwrap(),
            Target::SqliteMemory
        );
        assert_eq!(
            target(default_sqlite_url()).unwrap(),
            Target::SqliteFile("./data/saring.db")
        );
        assert_eq!(
            target("sqlite:///var/lib/saring/db.sqlite").unwrap(),
            Target::SqliteFile("/var/lib/saring/db.sqlite")
        );
        assert_eq!(target("postgres://u@h/db").unwrap(), Target::Postgres);
        assert_eq!(target("postgresql://u@h/db").unwrap(), Target::Postgres);
        assert!(matches!(
            target("mysql://u@h/db"),
            Err(StoreError::Config(_))
        ));
    }
}
