//! A circuit breaker for calls to external services.
//!
//! * **Closed**: calls go through; `failure_threshold` *consecutive transient* failures open it.
//! * **Open** until `now + open_for`: calls are refused at once (no network traffic).
//! * **HalfOpen** once that time has passed: calls go through again; `half_open_successes`
//!   successes close it, one transient failure opens it again.
//!
//! Only failures for which [`Transient::is_transient`] is true count (timeouts, 5xx,
//! connection errors). A refusal such as a 400 or a bad key proves the service is reachable,
//! so it counts as a success for the breaker. The defaults are the reference's: 5 failures,
//! 60 s open, 2 successes to close. Time comes from a [`Clock`], so tests are deterministic.

use std::future::Future;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// Errors that can say whether they are transient (worth retrying later).
pub trait Transient {
    fn is_transient(&self) -> bool;
}

/// Where the breaker reads the time.
pub trait Clock: Send + Sync {
    fn now(&self) -> Instant;
}

/// The real monotonic clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Instant {
        Instant::now()
    }
}

/// A clock that only moves when told to (tests).
#[derive(Debug)]
pub struct ManualClock {
    now: Mutex<Instant>,
}

impl Default for ManualClock {
    fn default() -> Self {
        ManualClock {
            now: Mutex::new(Instant::now()),
        }
    }
}

impl ManualClock {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn advance(&self, by: Duration) {
        let mut now = lock(&self.now);
        *now += by;
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Instant {
        *lock(&self.now)
    }
}

/// Thresholds; [`Default`] gives the reference's numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BreakerConfig {
    /// Consecutive transient failures that open the circuit.
    pub failure_threshold: u32,
    /// How long the circuit stays open before trial calls are let through.
    pub open_for: Duration,
    /// Successful trial calls needed to close it again.
    pub half_open_successes: u32,
}

impl Default for BreakerConfig {
    fn default() -> Self {
        BreakerConfig {
            failure_threshold: 5,
            open_for: Duration::from_secs(60),
            half_open_successes: 2,
        }
    }
}

/// What the breaker currently does with a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CircuitState {
    Closed,
    /// Calls are refused until this instant.
    Open {
        until: Instant,
    },
    HalfOpen,
}

/// A call refused by an open circuit, or the call's own error.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BreakerError<E> {
    #[error("circuit open, retry in {retry_after:?}")]
    Open { retry_after: Duration },
    #[error(transparent)]
    Inner(E),
}

#[derive(Debug)]
struct Inner {
    state: CircuitState,
    failures: u32,
    successes: u32,
}

/// A thread-safe circuit breaker; share it with `Arc`.
pub struct CircuitBreaker {
    config: BreakerConfig,
    clock: Arc<dyn Clock>,
    inner: Mutex<Inner>,
}

impl std::fmt::Debug for CircuitBreaker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CircuitBreaker")
            .field("config", &self.config)
            .field("state", &self.state())
            .finish()
    }
}

impl Default for CircuitBreaker {
    fn default() -> Self {
        Self::new(BreakerConfig::default())
    }
}

impl CircuitBreaker {
    pub fn new(config: BreakerConfig) -> Self {
        Self::with_clock(config, Arc::new(SystemClock))
    }

    pub fn with_clock(config: BreakerConfig, clock: Arc<dyn Clock>) -> Self {
        CircuitBreaker {
            config,
            clock,
            inner: Mutex::new(Inner {
                state: CircuitState::Closed,
                failures: 0,
                successes: 0,
            }),
        }
    }

    pub fn config(&self) -> BreakerConfig {
        self.config
    }

    /// The current state (an expired `Open` is reported, and becomes, `HalfOpen`).
    pub fn state(&self) -> CircuitState {
        let mut inner = lock(&self.inner);
        self.refresh(&mut inner);
        inner.state
    }

    /// `Ok` if a call may go out now, else how long until it may.
    pub fn check(&self) -> Result<(), Duration> {
        let mut inner = lock(&self.inner);
        self.refresh(&mut inner);
        match inner.state {
            CircuitState::Open { until } => Err(until.saturating_duration_since(self.clock.now())),
            CircuitState::Closed | CircuitState::HalfOpen => Ok(()),
        }
    }

    /// Records a successful call (or a non-transient refusal).
    pub fn record_success(&self) {
        let mut inner = lock(&self.inner);
        self.refresh(&mut inner);
        match inner.state {
            CircuitState::HalfOpen => {
                inner.successes += 1;
                if inner.successes >= self.config.half_open_successes {
                    inner.state = CircuitState::Closed;
                    inner.failures = 0;
                    inner.successes = 0;
                    tracing::info!("circuit closed");
                }
            }
            CircuitState::Closed => inner.failures = 0,
            // A call that started before the circuit opened: it proves nothing now.
            CircuitState::Open { .. } => {}
        }
    }

    /// Records a transient failure.
    pub fn record_failure(&self) {
        let mut inner = lock(&self.inner);
        self.refresh(&mut inner);
        let open = match inner.state {
            CircuitState::HalfOpen => true,
            CircuitState::Closed => {
                inner.failures += 1;
                inner.failures >= self.config.failure_threshold
            }
            CircuitState::Open { .. } => false,
        };
        if open {
            inner.state = CircuitState::Open {
                until: self.clock.now() + self.config.open_for,
            };
            inner.failures = 0;
            inner.successes = 0;
            tracing::warn!(open_for = ?self.config.open_for, "circuit opened");
        }
    }

    /// Runs `call` unless the circuit is open, and records its outcome.
    pub async fn call<T, E, F>(&self, call: F) -> Result<T, BreakerError<E>>
    where
        F: Future<Output = Result<T, E>>,
        E: Transient,
    {
        if let Err(retry_after) = self.check() {
            return Err(BreakerError::Open { retry_after });
        }
        let result = call.await;
        match &result {
            Err(e) if e.is_transient() => self.record_failure(),
            _ => self.record_success(),
        }
        result.map_err(BreakerError::Inner)
    }

    fn refresh(&self, inner: &mut Inner) {
        if let CircuitState::Open { until } = inner.state
            && self.clock.now() >= until
        {
            inner.state = CircuitState::HalfOpen;
            inner.successes = 0;
        }
    }
}

/// Locks a mutex, recovering the data if a panicking thread poisoned it (the state here is
/// always consistent between statements).
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}
