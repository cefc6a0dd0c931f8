//! Fixed-window rate limits in the KV store (shared by every API instance through Redis).
//! Exceeding one answers 429 with `retry_after_seconds` (the API sets `Retry-After`).
//! If the KV store is down the limit fails open (logged): the OTP checks that protect
//! accounts keep their own counters and fail closed.

use std::time::Duration;

use saring_domain::api::{ErrorBody, ErrorCode};

use crate::context::App;
use crate::error::{AppError, AppResult};
use crate::tokens::sha256_hex;

#[derive(Debug, Clone, Copy)]
pub struct Limit {
    pub count: u64,
    pub window: Duration,
}

pub const fn per_minute(count: u64) -> Limit {
    Limit {
        count,
        window: Duration::from_secs(60),
    }
}

pub const fn per_minutes(minutes: u64, count: u64) -> Limit {
    Limit {
        count,
        window: Duration::from_secs(minutes * 60),
    }
}

pub const fn per_hour(count: u64) -> Limit {
    Limit {
        count,
        window: Duration::from_secs(3600),
    }
}

/// 429 with the number of seconds to wait.
pub fn too_many(code: ErrorCode, message: &str, retry_after: Duration) -> AppError {
    let secs = retry_after.as_secs().max(1);
    AppError::Rejected(Box::new(
        ErrorBody::new(code, message)
            .with_details(serde_json::json!({ "retry_after_seconds": secs })),
    ))
}

/// Counts one hit of `key` in `scope` against every limit.
pub async fn check(app: &App, scope: &str, key: &str, limits: &[Limit]) -> AppResult<()> {
    for limit in limits {
        let kv_key = counter_key(scope, key, *limit);
        match app.kv().incr_window(&kv_key, limit.window).await {
            Ok(n) if n > limit.count => {
                let wait = app
                    .kv()
                    .ttl(&kv_key)
                    .await
                    .ok()
                    .flatten()
                    .unwrap_or(limit.window);
                return Err(too_many(
                    ErrorCode::RateLimited,
                    "Terlalu banyak permintaan. Coba lagi nanti.",
                    wait,
                ));
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(scope, error = %e, "rate limiter unavailable (failing open)"),
        }
    }
    Ok(())
}

fn counter_key(scope: &str, key: &str, limit: Limit) -> String {
    let digest = sha256_hex(key);
    format!("rl:{scope}:{}:{}", limit.window.as_secs(), &digest[..32])
}

/// Failures of `key` in the current window (0 when none). Unlike [`check`], reading costs
/// nothing: only [`note_failure`] counts, so successes never use up a limit.
pub async fn failures(app: &App, scope: &str, key: &str, limit: Limit) -> AppResult<u64> {
    Ok(app
        .kv()
        .get(&counter_key(scope, key, limit))
        .await?
        .and_then(|v| v.parse().ok())
        .unwrap_or(0))
}

/// Seconds until the failure window of `key` ends.
pub async fn failure_wait(app: &App, scope: &str, key: &str, limit: Limit) -> Duration {
    app.kv()
        .ttl(&counter_key(scope, key, limit))
        .await
        .ok()
        .flatten()
        .unwrap_or(limit.window)
}

/// Counts one failure of `key`; returns the count in the window.
pub async fn note_failure(app: &App, scope: &str, key: &str, limit: Limit) -> AppResult<u64> {
    Ok(app
        .kv()
        .incr_window(&counter_key(scope, key, limit), limit.window)
        .await?)
}

/// Forgets the failures of `key` (after a success).
pub async fn clear_failures(app: &App, scope: &str, key: &str, limit: Limit) {
    if let Err(e) = app.kv().del(&counter_key(scope, key, limit)).await {
        tracing::warn!(scope, error = %e, "could not clear a failure counter");
    }
}
