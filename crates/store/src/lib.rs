//! Saring's storage layer.
//!
//! * [`db`] connects to SQLite or PostgreSQL and migrates ([`db::connect`], [`db::migrate`]);
//! * [`entities`] holds the sea-orm entities, one module per table, matching `saring-migration`;
//! * [`kv`] is the key-value store ([`KvStore`]: Redis or in-memory);
//! * [`repo`]: repositories taking and returning domain types;
//! * [`backup`] writes, verifies and restores whole-database backups;
//! * [`cipher`] encrypts stored secrets ([`SecretCipher`]);
//! * [`error`] defines [`StoreError`];
//! * `testing` (feature `testing`) gives fresh databases and KV stores to tests.

pub mod backup;
pub mod cipher;
pub mod db;
pub mod entities;
pub mod error;
pub mod kv;
pub mod repo;
#[cfg(feature = "testing")]
pub mod testing;

pub use cipher::{CryptoError, SecretCipher};
pub use error::StoreError;
pub use kv::{KvError, KvStore, LockToken};
pub use sea_orm::{DatabaseConnection, DbBackend};
