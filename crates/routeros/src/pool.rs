//! A per-router pool: a few multiplexed connections, a bound on concurrent commands,
//! reconnect with exponential backoff and jitter, and a periodic health check.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, Weak};
use std::time::{Duration, Instant};

use rand::Rng;
use tokio::sync::Semaphore;

use crate::api::Api;
use crate::client::{ConnectOptions, Connection};
use crate::command::{Command, Response};
use crate::error::{Error, Result};

/// Pool tuning.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PoolConfig {
    /// Connections kept open (each one multiplexes many commands). Default 1.
    pub max_connections: usize,
    /// Commands in flight at once across the pool. Default 64.
    pub max_in_flight: usize,
    /// Interval of the background health check (`/system/identity/print`); `None` = off.
    pub health_interval: Option<Duration>,
    /// First reconnect delay after a failed connect. Default 500 ms.
    pub backoff_initial: Duration,
    /// Largest reconnect delay. Default 30 s.
    pub backoff_max: Duration,
}

impl Default for PoolConfig {
    fn default() -> Self {
        Self {
            max_connections: 1,
            max_in_flight: 64,
            health_interval: Some(Duration::from_secs(30)),
            backoff_initial: Duration::from_millis(500),
            backoff_max: Duration::from_secs(30),
        }
    }
}

#[derive(Debug, Default)]
struct Backoff {
    failures: u32,
    retry_at: Option<Instant>,
    last_error: String,
}

struct Inner {
    options: ConnectOptions,
    config: PoolConfig,
    slots: Mutex<Vec<Option<Connection>>>,
    backoff: Mutex<Backoff>,
    connecting: tokio::sync::Mutex<()>,
    permits: Semaphore,
    next: AtomicUsize,
}

fn locked<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// A pool of connections to one router. Cheap to clone.
#[derive(Clone)]
pub struct Pool {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Pool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pool")
            .field("endpoint", &self.inner.options.endpoint())
            .field("config", &self.inner.config)
            .finish_non_exhaustive()
    }
}

/// Backoff delay after `failures` consecutive failures: exponential, capped, with
/// "equal jitter" (between half and all of the step).
#[must_use]
pub fn backoff_delay(config: &PoolConfig, failures: u32, rng: &mut impl Rng) -> Duration {
    let exp = failures.saturating_sub(1).min(20);
    let step = config
        .backoff_initial
        .saturating_mul(1u32 << exp)
        .min(config.backoff_max);
    let half = step / 2;
    half + half.mul_f64(rng.random::<f64>())
}

impl Pool {
    /// A pool for `options`. Connects lazily on first use. Must be called inside a tokio
    /// runtime when the health check is on.
    #[must_use]
    pub fn new(options: ConnectOptions, config: PoolConfig) -> Self {
        let slots = (0..config.max_connections.max(1)).map(|_| None).collect();
        let inner = Arc::new(Inner {
            permits: Semaphore::new(config.max_in_flight.max(1)),
            options,
            config,
            slots: Mutex::new(slots),
            backoff: Mutex::new(Backoff::default()),
            connecting: tokio::sync::Mutex::new(()),
            next: AtomicUsize::new(0),
        });
        if let Some(every) = inner.config.health_interval {
            tokio::spawn(health_loop(Arc::downgrade(&inner), every));
        }
        Self { inner }
    }

    /// The connection options.
    #[must_use]
    pub fn options(&self) -> &ConnectOptions {
        &self.inner.options
    }

    /// Number of open, live connections.
    #[must_use]
    pub fn live_connections(&self) -> usize {
        locked(&self.inner.slots)
            .iter()
            .filter(|s| s.as_ref().is_some_and(Connection::is_alive))
            .count()
    }

    /// A live connection (connecting if needed, unless the pool is backing off).
    pub async fn connection(&self) -> Result<Connection> {
        let slot = self.inner.next.fetch_add(1, Ordering::Relaxed) % self.slot_count();
        if let Some(conn) = self.live_in(slot) {
            return Ok(conn);
        }
        let _guard = self.inner.connecting.lock().await;
        if let Some(conn) = self.live_in(slot) {
            return Ok(conn);
        }
        {
            let backoff = locked(&self.inner.backoff);
            if let Some(at) = backoff.retry_at {
                let now = Instant::now();
                if at > now {
                    return Err(Error::Unavailable {
                        retry_in: at - now,
                        last_error: backoff.last_error.clone(),
                    });
                }
            }
        }
        match Connection::connect(&self.inner.options).await {
            Ok(conn) => {
                *locked(&self.inner.backoff) = Backoff::default();
                if let Some(s) = locked(&self.inner.slots).get_mut(slot) {
                    *s = Some(conn.clone());
                }
                metrics::counter!("routeros_pool_connects_total", "endpoint" => self.inner.options.endpoint())
                    .increment(1);
                Ok(conn)
            }
            Err(err) => {
                let mut backoff = locked(&self.inner.backoff);
                backoff.failures += 1;
                let delay = backoff_delay(&self.inner.config, backoff.failures, &mut rand::rng());
                backoff.retry_at = Some(Instant::now() + delay);
                backoff.last_error = err.to_string();
                tracing::warn!(endpoint = %self.inner.options.endpoint(), error = %err, retry_in_ms = delay.as_millis(), "router connect failed");
                Err(err)
            }
        }
    }

    fn slot_count(&self) -> usize {
        locked(&self.inner.slots).len().max(1)
    }

    fn live_in(&self, slot: usize) -> Option<Connection> {
        let mut slots = locked(&self.inner.slots);
        let entry = slots.get_mut(slot)?;
        match entry {
            Some(conn) if conn.is_alive() => Some(conn.clone()),
            Some(_) => {
                *entry = None;
                None
            }
            None => None,
        }
    }

    /// Forgets every connection (they close when their last user finishes) and clears
    /// the backoff so the next command connects at once.
    pub fn reset(&self) {
        for slot in locked(&self.inner.slots).iter_mut() {
            *slot = None;
        }
        *locked(&self.inner.backoff) = Backoff::default();
    }

    /// Pings every open connection; drops those that fail. Returns the number of
    /// healthy connections.
    pub async fn health_check(&self) -> usize {
        check_health(&self.inner).await
    }

    async fn run(&self, cmd: Command) -> Result<Response> {
        let _permit = self
            .inner
            .permits
            .acquire()
            .await
            .map_err(|_| Error::ConnectionClosed)?;
        let conn = self.connection().await?;
        let flight = match conn.start(&cmd) {
            Ok(flight) => flight,
            // Not sent at all: the connection died since we picked it. Reconnect once.
            Err(_) if !conn.is_alive() => self.connection().await?.start(&cmd)?,
            Err(e) => return Err(e),
        };
        conn.wait_for(flight, conn.command_timeout()).await
    }
}

async fn check_health(inner: &Inner) -> usize {
    let conns: Vec<(usize, Connection)> = locked(&inner.slots)
        .iter()
        .enumerate()
        .filter_map(|(i, s)| s.clone().map(|c| (i, c)))
        .collect();
    let mut healthy = 0;
    for (i, conn) in conns {
        let ok = conn.is_alive() && conn.ping().await.is_ok();
        if ok {
            healthy += 1;
        } else {
            tracing::info!(endpoint = %conn.endpoint(), "router health check failed; reconnecting on next use");
            if let Some(slot) = locked(&inner.slots).get_mut(i) {
                *slot = None;
            }
        }
    }
    healthy
}

async fn health_loop(inner: Weak<Inner>, every: Duration) {
    let mut ticker = tokio::time::interval(every);
    ticker.tick().await;
    loop {
        ticker.tick().await;
        let Some(inner) = inner.upgrade() else { return };
        check_health(&inner).await;
    }
}

impl Api for Pool {
    async fn execute(&self, cmd: Command) -> Result<Response> {
        let started = Instant::now();
        let path = cmd.path().into_owned();
        let result = self.run(cmd).await;
        crate::client::record_metrics(&path, started.elapsed(), result.as_ref().err());
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_caps() {
        let config = PoolConfig::default();
        let mut rng = rand::rng();
        for failures in 1..30 {
            let d = backoff_delay(&config, failures, &mut rng);
            let step = config
                .backoff_initial
                .saturating_mul(1 << (failures - 1).min(20))
                .min(config.backoff_max);
            assert!(d >= step / 2 && d <= step, "{failures}: {d:?}");
        }
    }
}
