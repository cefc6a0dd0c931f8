//! A small time-bounded cache of users for the authentication path.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use saring_domain::ids::UserId;
use saring_domain::user::User;

/// Bounded: past `capacity` entries the cache is cleared (a burst of distinct users only
/// costs database reads, never memory).
pub struct UserCache {
    entries: Mutex<HashMap<UserId, (Instant, User)>>,
    ttl: Duration,
    capacity: usize,
}

impl UserCache {
    pub fn new(ttl: Duration, capacity: usize) -> Self {
        UserCache {
            entries: Mutex::new(HashMap::new()),
            ttl,
            capacity,
        }
    }

    pub fn get(&self, id: UserId) -> Option<User> {
        let entries = self.entries.lock().ok()?;
        entries
            .get(&id)
            .filter(|(at, _)| at.elapsed() < self.ttl)
            .map(|(_, u)| u.clone())
    }

    pub fn put(&self, user: User) {
        if let Ok(mut entries) = self.entries.lock() {
            if entries.len() >= self.capacity {
                entries.clear();
            }
            entries.insert(user.id, (Instant::now(), user));
        }
    }

    pub fn remove(&self, id: UserId) {
        if let Ok(mut entries) = self.entries.lock() {
            entries.remove(&id);
        }
    }
}

/// One value that is read again after `ttl` (the run-time settings: every process sees an
/// operator's change within `ttl`, and the process that made it at once, by [`clear`]).
///
/// [`clear`]: Refreshing::clear
pub struct Refreshing<T> {
    slot: Mutex<Option<(Instant, std::sync::Arc<T>)>>,
    ttl: Duration,
}

impl<T> Refreshing<T> {
    pub fn new(ttl: Duration) -> Self {
        Refreshing {
            slot: Mutex::new(None),
            ttl,
        }
    }

    /// The value, unless it is older than the ttl.
    pub fn get(&self) -> Option<std::sync::Arc<T>> {
        let slot = self.slot.lock().ok()?;
        slot.as_ref()
            .filter(|(at, _)| at.elapsed() < self.ttl)
            .map(|(_, v)| v.clone())
    }

    pub fn put(&self, value: std::sync::Arc<T>) {
        if let Ok(mut slot) = self.slot.lock() {
            *slot = Some((Instant::now(), value));
        }
    }

    pub fn clear(&self) {
        if let Ok(mut slot) = self.slot.lock() {
            *slot = None;
        }
    }
}

/// One value computed from data whose state `K` names (e.g. the time of its latest change):
/// served while the data's key is unchanged and the value is younger than `ttl` (which bounds
/// what the key cannot see, such as time passing).
pub struct Keyed<K, T> {
    slot: Mutex<Option<(Instant, K, std::sync::Arc<T>)>>,
    ttl: Duration,
}

impl<K: PartialEq, T> Keyed<K, T> {
    pub fn new(ttl: Duration) -> Self {
        Keyed {
            slot: Mutex::new(None),
            ttl,
        }
    }

    /// The value computed for `key`, unless it is older than the ttl.
    pub fn get(&self, key: &K) -> Option<std::sync::Arc<T>> {
        let slot = self.slot.lock().ok()?;
        slot.as_ref()
            .filter(|(at, k, _)| k == key && at.elapsed() < self.ttl)
            .map(|(_, _, v)| v.clone())
    }

    pub fn put(&self, key: K, value: std::sync::Arc<T>) {
        if let Ok(mut slot) = self.slot.lock() {
            *slot = Some((Instant::now(), key, value));
        }
    }
}
