//! In-memory KV: a mutex-guarded map with expiry instants and a pluggable clock.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use super::{KvError, ttl_millis};

/// Sweep expired entries once every this many operations, so keys that are never read again
/// do not accumulate.
const SWEEP_EVERY: u64 = 1024;

/// Where the in-memory store gets "now" from.
pub trait Clock: Send + Sync + std::fmt::Debug + 'static {
    /// The current instant.
    fn now(&self) -> Instant;
}

/// The real monotonic clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Instant {
        Instant::now()
    }
}

/// A clock that only moves when told to, so tests can expire keys without sleeping. Clones
/// share the same time.
#[derive(Debug, Clone)]
pub struct ManualClock {
    start: Instant,
    offset: Arc<Mutex<Duration>>,
}

impl Default for ManualClock {
    fn default() -> Self {
        Self::new()
    }
}

impl ManualClock {
    /// A clock standing at the current instant.
    pub fn new() -> Self {
        Self {
            start: Instant::now(),
            offset: Arc::new(Mutex::new(Duration::ZERO)),
        }
    }

    /// Moves the clock forward.
    pub fn advance(&self, by: Duration) {
        let mut offset = self.offset.lock().unwrap_or_else(PoisonError::into_inner);
        *offset += by;
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Instant {
        self.start + *self.offset.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[derive(Debug)]
struct Entry {
    value: String,
    expires_at: Option<Instant>,
}

impl Entry {
    fn is_live(&self, now: Instant) -> bool {
        self.expires_at.is_none_or(|at| at > now)
    }
}

#[derive(Debug)]
struct Inner {
    map: Mutex<HashMap<String, Entry>>,
    clock: Arc<dyn Clock>,
    ops: AtomicU64,
    unavailable: AtomicBool,
}

/// The process-local KV store. Clones share the same data.
#[derive(Debug, Clone)]
pub struct MemoryKv {
    inner: Arc<Inner>,
}

impl Default for MemoryKv {
    fn default() -> Self {
        Self::new()
    }
}

/// The map, locked, with expired entries treated as absent.
struct Locked<'a> {
    map: MutexGuard<'a, HashMap<String, Entry>>,
    now: Instant,
}

impl Locked<'_> {
    /// The live entry at `key`; an expired one is removed on the way.
    fn live(&mut self, key: &str) -> Option<&mut Entry> {
        let now = self.now;
        if self.map.get(key).is_some_and(|e| !e.is_live(now)) {
            self.map.remove(key);
        }
        self.map.get_mut(key)
    }

    fn insert(&mut self, key: &str, value: &str, ttl: Option<Duration>) {
        let expires_at = ttl.map(|ttl| self.now + Duration::from_millis(ttl_millis(ttl)));
        self.map.insert(
            key.to_owned(),
            Entry {
                value: value.to_owned(),
                expires_at,
            },
        );
    }
}

impl MemoryKv {
    /// An empty store on the system clock.
    pub fn new() -> Self {
        Self::with_clock(Arc::new(SystemClock))
    }

    /// An empty store reading time from `clock` (e.g. a [`ManualClock`]).
    pub fn with_clock(clock: Arc<dyn Clock>) -> Self {
        Self {
            inner: Arc::new(Inner {
                map: Mutex::new(HashMap::new()),
                clock,
                ops: AtomicU64::new(0),
                unavailable: AtomicBool::new(false),
            }),
        }
    }

    /// Simulates an outage: while `true`, every operation fails with
    /// [`KvError::Unavailable`]. For testing fail-open/fail-closed behaviour.
    pub fn set_unavailable(&self, unavailable: bool) {
        self.inner.unavailable.store(unavailable, Ordering::SeqCst);
    }

    /// Number of stored entries, including expired ones not yet swept.
    pub fn raw_len(&self) -> usize {
        self.lock_map().len()
    }

    /// Removes every expired entry now.
    pub fn purge_expired(&self) {
        let now = self.inner.clock.now();
        self.lock_map().retain(|_, e| e.is_live(now));
    }

    fn lock_map(&self) -> MutexGuard<'_, HashMap<String, Entry>> {
        // A panic while holding the lock cannot leave an entry half-written (every update is a
        // single insert/remove/field store), so a poisoned map is still consistent.
        self.inner
            .map
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Locks the map for one operation (sweeping now and then).
    fn begin(&self) -> Result<Locked<'_>, KvError> {
        if self.inner.unavailable.load(Ordering::SeqCst) {
            return Err(KvError::Unavailable(
                "in-memory store: simulated outage".into(),
            ));
        }
        let now = self.inner.clock.now();
        let mut map = self.lock_map();
        if self.inner.ops.fetch_add(1, Ordering::Relaxed) % SWEEP_EVERY == SWEEP_EVERY - 1 {
            map.retain(|_, e| e.is_live(now));
        }
        Ok(Locked { map, now })
    }

    pub(super) async fn ping(&self) -> Result<(), KvError> {
        self.begin().map(|_| ())
    }

    pub(super) async fn get(&self, key: &str) -> Result<Option<String>, KvError> {
        Ok(self.begin()?.live(key).map(|e| e.value.clone()))
    }

    pub(super) async fn set(
        &self,
        key: &str,
        value: &str,
        ttl: Option<Duration>,
    ) -> Result<(), KvError> {
        self.begin()?.insert(key, value, ttl);
        Ok(())
    }

    pub(super) async fn set_nx(
        &self,
        key: &str,
        value: &str,
        ttl: Option<Duration>,
    ) -> Result<bool, KvError> {
        let mut map = self.begin()?;
        if map.live(key).is_some() {
            return Ok(false);
        }
        map.insert(key, value, ttl);
        Ok(true)
    }

    pub(super) async fn del(&self, key: &str) -> Result<bool, KvError> {
        let mut map = self.begin()?;
        let existed = map.live(key).is_some();
        map.map.remove(key);
        Ok(existed)
    }

    pub(super) async fn get_del(&self, key: &str) -> Result<Option<String>, KvError> {
        let mut map = self.begin()?;
        let value = map.live(key).map(|e| std::mem::take(&mut e.value));
        map.map.remove(key);
        Ok(value)
    }

    pub(super) async fn incr_window(&self, key: &str, window: Duration) -> Result<u64, KvError> {
        let mut map = self.begin()?;
        let now = map.now;
        let Some(entry) = map.live(key) else {
            map.insert(key, "1", Some(window));
            return Ok(1);
        };
        let count = entry
            .value
            .parse::<u64>()
            .map_err(|_| KvError::Command(format!("value at `{key}` is not a counter")))?
            .saturating_add(1);
        entry.value = count.to_string();
        if entry.expires_at.is_none() {
            // Same repair as the Redis script: a counter must never live forever.
            entry.expires_at = Some(now + Duration::from_millis(ttl_millis(window)));
        }
        Ok(count)
    }

    pub(super) async fn ttl(&self, key: &str) -> Result<Option<Duration>, KvError> {
        let mut map = self.begin()?;
        let now = map.now;
        Ok(map
            .live(key)
            .and_then(|e| e.expires_at)
            .map(|at| at.saturating_duration_since(now)))
    }

    pub(super) async fn unlock(&self, key: &str, token: &str) -> Result<bool, KvError> {
        let mut map = self.begin()?;
        if map.live(key).is_some_and(|e| e.value == token) {
            map.map.remove(key);
            return Ok(true);
        }
        Ok(false)
    }

    pub(super) async fn extend(
        &self,
        key: &str,
        token: &str,
        ttl: Duration,
    ) -> Result<bool, KvError> {
        let mut map = self.begin()?;
        let expires_at = map.now + Duration::from_millis(ttl_millis(ttl));
        match map.live(key) {
            Some(entry) if entry.value == token => {
                entry.expires_at = Some(expires_at);
                Ok(true)
            }
            _ => Ok(false),
        }
    }

    pub(super) async fn clear(&self) -> Result<u64, KvError> {
        let mut map = self.begin()?;
        let now = map.now;
        let live = map.map.values().filter(|e| e.is_live(now)).count();
        map.map.clear();
        Ok(u64::try_from(live).unwrap_or(u64::MAX))
    }
}
