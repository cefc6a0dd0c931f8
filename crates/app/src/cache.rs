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
