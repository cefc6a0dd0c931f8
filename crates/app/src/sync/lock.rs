//! Leases: a KV lock with a random token, kept alive by a heartbeat while its holder works,
//! and freed by expiry alone if the holder dies (no broker is asked who is alive). A lease is
//! an optimisation — it keeps two workers from doing the same work — never the guarantee:
//! the quota sync is fenced by an epoch in the database, so a lost lease (Redis flushed,
//! a pause longer than the TTL) can waste work but never double-count.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use saring_store::{KvStore, LockToken};

use crate::context::App;

/// A held lease (or, when the KV store is down, a stand-in that holds nothing).
pub struct Lease {
    key: String,
    token: Option<LockToken>,
    kv: KvStore,
    lost: Arc<AtomicBool>,
    heartbeat: Option<tokio::task::JoinHandle<()>>,
}

impl Lease {
    /// Takes `key` for `ttl`, renewing it every `ttl / 3`. `None` if someone holds it. When
    /// the KV store cannot be reached the work goes ahead without a lease (logged).
    pub async fn acquire(app: &App, key: &str, ttl: Duration) -> Option<Lease> {
        let kv = app.kv().clone();
        let lost = Arc::new(AtomicBool::new(false));
        let token = match kv.lock(key, ttl).await {
            Ok(Some(token)) => Some(token),
            Ok(None) => return None,
            Err(e) => {
                tracing::warn!(key, error = %e, "KV store unavailable: running without a lease (fenced by the database)");
                None
            }
        };
        let heartbeat = token.clone().map(|token| {
            let (kv, key, lost) = (kv.clone(), key.to_owned(), lost.clone());
            tokio::spawn(async move {
                let every = (ttl / 3).max(Duration::from_millis(50));
                loop {
                    tokio::time::sleep(every).await;
                    match kv.extend(&key, &token, ttl).await {
                        Ok(true) => {}
                        Ok(false) => {
                            tracing::warn!(key, "lease lost (expired or taken over)");
                            lost.store(true, Ordering::SeqCst);
                            return;
                        }
                        Err(e) => tracing::warn!(key, error = %e, "lease heartbeat failed"),
                    }
                }
            })
        });
        Some(Lease {
            key: key.to_owned(),
            token,
            kv,
            lost,
            heartbeat,
        })
    }

    /// Whether the lease was lost while held (the holder should stop early).
    pub fn is_lost(&self) -> bool {
        self.lost.load(Ordering::SeqCst)
    }

    /// Stops the heartbeat and frees the key.
    pub async fn release(mut self) {
        if let Some(h) = self.heartbeat.take() {
            h.abort();
        }
        if let Some(token) = &self.token
            && let Err(e) = self.kv.unlock(&self.key, token).await
        {
            tracing::warn!(key = %self.key, error = %e, "lease release failed (it will expire)");
        }
    }
}

impl Drop for Lease {
    fn drop(&mut self) {
        if let Some(h) = self.heartbeat.take() {
            h.abort();
        }
    }
}
