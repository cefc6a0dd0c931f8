//! The key-value store: OTP codes, cooldowns, rate limits, per-MAC counters, de-duplication
//! keys and locks.
//!
//! Two backends behind one type, [`KvStore`]: Redis (production, shared by every API and worker
//! instance) and in-memory (the embedded/demo mode and tests).
//!
//! **Why an enum and not a trait object.** The app holds one KV for its whole life and clones it
//! into handlers and jobs. An enum with inherent `async fn`s is `Clone`, `Send + Sync`, needs no
//! boxing of every future and no `async-trait`, and the two implementations are all we will
//! have. The failure paths a third "faulty" implementation would give tests are covered by
//! [`MemoryKv::set_unavailable`] (every operation then fails with [`KvError::Unavailable`], the
//! way Redis does when it is down).
//!
//! Semantics shared by both backends (one test suite runs against both):
//! * keys are namespaced: Redis prepends the configured prefix (e.g. `saring:`), so tests on a
//!   shared Redis use a random prefix and never collide; each in-memory store is private anyway;
//! * TTLs have millisecond resolution and are at least 1 ms (`Duration::ZERO` is treated as
//!   1 ms); an expired key behaves exactly like a missing one;
//! * `set` without a TTL makes the key persistent (as Redis `SET` does, it drops an old TTL);
//! * every backend error is a [`KvError`]; callers decide whether to fail open or closed.

mod memory;
mod redis;

use std::time::Duration;

pub use memory::{Clock, ManualClock, MemoryKv, SystemClock};
pub use redis::RedisKv;

/// A KV operation failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum KvError {
    /// The store cannot be reached (connection refused, pool timeout, I/O error).
    #[error("kv store unavailable: {0}")]
    Unavailable(String),
    /// The store cannot be set up from the given settings (e.g. a malformed Redis URL).
    #[error("invalid kv configuration: {0}")]
    Config(String),
    /// The store answered with an error (e.g. `incr_window` on a key that holds text).
    #[error("kv command failed: {0}")]
    Command(String),
}

/// Proof of holding a lock taken with [`KvStore::lock`]: a random token stored as the lock's
/// value, so only the holder can [`unlock`](KvStore::unlock) or [`extend`](KvStore::extend) it.
/// There is no unlock-on-drop (dropping cannot run async code): release explicitly, and choose
/// a TTL after which a crashed holder's lock frees itself.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct LockToken(String);

impl LockToken {
    fn random() -> Self {
        Self(uuid::Uuid::new_v4().simple().to_string())
    }

    /// The token as stored in the KV.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The KV store the application uses: Redis or in-memory. Cheap to clone.
#[derive(Clone, Debug)]
pub enum KvStore {
    /// Process-local store.
    Memory(MemoryKv),
    /// Redis through a deadpool connection pool.
    Redis(RedisKv),
}

macro_rules! dispatch {
    ($self:ident . $method:ident ( $($arg:expr),* )) => {
        match $self {
            KvStore::Memory(kv) => kv.$method($($arg),*).await,
            KvStore::Redis(kv) => kv.$method($($arg),*).await,
        }
    };
}

impl KvStore {
    /// A fresh in-memory store on the system clock.
    pub fn memory() -> Self {
        Self::Memory(MemoryKv::new())
    }

    /// A Redis store for `url` (`redis://host:port/db`), prefixing every key with `prefix`.
    /// Connections are made lazily; call [`KvStore::ping`] to check the server at start-up.
    pub fn redis(url: &str, prefix: &str) -> Result<Self, KvError> {
        RedisKv::new(url, prefix).map(Self::Redis)
    }

    /// Checks that the store answers.
    pub async fn ping(&self) -> Result<(), KvError> {
        dispatch!(self.ping())
    }

    /// The value at `key`, if present and not expired.
    pub async fn get(&self, key: &str) -> Result<Option<String>, KvError> {
        dispatch!(self.get(key))
    }

    /// Stores `value` at `key`, replacing any value and TTL; `ttl: None` keeps it forever.
    pub async fn set(&self, key: &str, value: &str, ttl: Option<Duration>) -> Result<(), KvError> {
        dispatch!(self.set(key, value, ttl))
    }

    /// Stores `value` only if `key` is absent (or expired). Returns whether it was stored: the
    /// primitive for de-duplication keys ("send this WhatsApp once per 6 h").
    pub async fn set_nx(
        &self,
        key: &str,
        value: &str,
        ttl: Option<Duration>,
    ) -> Result<bool, KvError> {
        dispatch!(self.set_nx(key, value, ttl))
    }

    /// Deletes `key`; returns whether a live key was deleted.
    pub async fn del(&self, key: &str) -> Result<bool, KvError> {
        dispatch!(self.del(key))
    }

    /// Atomically reads and deletes `key` (Redis `GETDEL`): a single-use value such as an OTP
    /// code or a one-time session token can be taken by exactly one caller.
    pub async fn get_del(&self, key: &str) -> Result<Option<String>, KvError> {
        dispatch!(self.get_del(key))
    }

    /// Fixed-window counter: increments `key` and returns the new count. The expiry (`window`)
    /// is set only when the increment creates the key, so the window starts at the first hit and
    /// does not slide; [`KvStore::ttl`] then tells how long until it resets (for `Retry-After`).
    pub async fn incr_window(&self, key: &str, window: Duration) -> Result<u64, KvError> {
        dispatch!(self.incr_window(key, window))
    }

    /// Time left before `key` expires; `None` if it is missing or has no expiry.
    pub async fn ttl(&self, key: &str) -> Result<Option<Duration>, KvError> {
        dispatch!(self.ttl(key))
    }

    /// Tries to take the lock `key` for `ttl`. Returns the token proving ownership, or `None`
    /// if someone else holds it. Never waits.
    pub async fn lock(&self, key: &str, ttl: Duration) -> Result<Option<LockToken>, KvError> {
        let token = LockToken::random();
        let taken = self.set_nx(key, token.as_str(), Some(ttl)).await?;
        Ok(taken.then_some(token))
    }

    /// Releases the lock if `token` still owns it (compare-and-delete). Returns whether it did:
    /// `false` means the lock had expired and possibly been taken by someone else.
    pub async fn unlock(&self, key: &str, token: &LockToken) -> Result<bool, KvError> {
        dispatch!(self.unlock(key, token.as_str()))
    }

    /// Renews the lock's lease to `ttl` from now if `token` still owns it (a heartbeat for long
    /// jobs). Returns `false` if the lock was lost; the holder should then stop.
    pub async fn extend(
        &self,
        key: &str,
        token: &LockToken,
        ttl: Duration,
    ) -> Result<bool, KvError> {
        dispatch!(self.extend(key, token.as_str(), ttl))
    }

    /// Deletes every key of this store (for Redis: every key under its prefix; refused without
    /// a prefix). Returns how many keys were deleted. Meant for tests and resets.
    pub async fn clear(&self) -> Result<u64, KvError> {
        dispatch!(self.clear())
    }
}

/// A TTL in whole milliseconds, at least 1.
fn ttl_millis(ttl: Duration) -> u64 {
    u64::try_from(ttl.as_millis()).unwrap_or(u64::MAX).max(1)
}
