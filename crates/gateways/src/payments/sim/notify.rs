//! Delivering notifications like Midtrans: first attempts in event order, retries by the
//! app's answer, with the delivery switches applied.

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use serde_json::{Value, json};
use tokio::sync::mpsc;

use super::state::Switches;
use super::{DeliveryRecord, Shared};
use crate::breaker::lock;
use crate::http;
use crate::payments::signature;

/// One status change to notify.
pub(crate) struct Event {
    pub body: Value,
    /// A stale `pending` to deliver after `body` (the `reorder` switch).
    pub stale: Option<Value>,
    pub switches: Switches,
}

/// The client notifications are sent with: follows 307/308 only (at most 5), like Midtrans.
pub(crate) fn client(timeout: Duration) -> Result<reqwest::Client, String> {
    let policy = reqwest::redirect::Policy::custom(|attempt| {
        let code = attempt.status().as_u16();
        if matches!(code, 307 | 308) && attempt.previous().len() <= 5 {
            attempt.follow()
        } else {
            attempt.stop()
        }
    });
    http::builder(timeout, timeout)
        .redirect(policy)
        .build()
        .map_err(|e| format!("HTTP client: {e}"))
}

/// How many retries Midtrans makes after an answer (integrations.md §5.5). `None` = the
/// request failed (timeout, connection refused): treated as "anything else".
pub(crate) fn retries_for(status: Option<u16>) -> u32 {
    match status {
        Some(200..=299 | 301..=303) => 0,
        Some(500) => 1,
        Some(503) => 4,
        Some(400 | 404) => 2,
        _ => 5,
    }
}

/// Runs until the simulator stops: takes events in order and delivers them.
pub(crate) async fn dispatch(
    shared: Arc<Shared>,
    client: reqwest::Client,
    mut events: mpsc::UnboundedReceiver<Event>,
) {
    while let Some(event) = events.recv().await {
        if !event.switches.delay.is_zero() {
            tokio::time::sleep(event.switches.delay).await;
        }
        let body = if event.switches.bad_signature {
            forge(event.body)
        } else {
            event.body
        };
        let copies = (0..event.switches.copies.max(1)).map(|copy| {
            let (shared, client, body) = (shared.clone(), client.clone(), body.clone());
            deliver(shared, client, body, copy, false)
        });
        futures::future::join_all(copies).await;
        if let Some(stale) = event.stale {
            deliver(shared.clone(), client.clone(), stale, 0, true).await;
        }
    }
}

/// Signs a body with a wrong key.
fn forge(mut body: Value) -> Value {
    let text = |k: &str| {
        body.get(k)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    let forged = signature(
        &text("order_id"),
        &text("status_code"),
        &text("gross_amount"),
        "not-the-server-key",
    );
    body["signature_key"] = json!(forged);
    body
}

/// Makes the first attempt now and, if the answer asks for it, schedules the retries.
async fn deliver(
    shared: Arc<Shared>,
    client: reqwest::Client,
    body: Value,
    copy: u32,
    stale: bool,
) {
    let Some(first) = attempt(&shared, &client, &body, 1, copy, stale).await else {
        return;
    };
    if retries_for(first) == 0 {
        return;
    }
    tokio::spawn(async move {
        let mut budget = retries_for(first);
        let mut retry = 0;
        while retry < budget {
            retry += 1;
            tokio::time::sleep(retry_delay(&shared.config.retry_delays, retry)).await;
            match attempt(&shared, &client, &body, retry + 1, copy, stale).await {
                Some(status) => budget = retries_for(status),
                None => return,
            }
        }
    });
}

fn retry_delay(delays: &[Duration], retry: u32) -> Duration {
    let i = usize::try_from(retry.saturating_sub(1)).unwrap_or(usize::MAX);
    delays
        .get(i)
        .or_else(|| delays.last())
        .copied()
        .unwrap_or(Duration::from_millis(50))
}

/// POSTs once and records it. Returns the answer's status (`Some(None)` for a failed
/// request), or `None` when there is nowhere to send to (no retries then).
async fn attempt(
    shared: &Shared,
    client: &reqwest::Client,
    body: &Value,
    attempt: u32,
    copy: u32,
    stale: bool,
) -> Option<Option<u16>> {
    let url = lock(&shared.state).notification_url.clone();
    let (http_status, error) = match &url {
        None => (None, Some("no notification URL configured".to_owned())),
        Some(url) => match client.post(url).json(body).send().await {
            Ok(response) => (Some(response.status().as_u16()), None),
            Err(e) => (None, Some(http::describe(e))),
        },
    };
    let text = |k: &str| {
        body.get(k)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    let record = DeliveryRecord {
        order_id: text("order_id"),
        transaction_status: text("transaction_status"),
        attempt,
        copy,
        stale,
        http_status,
        error,
        at: Utc::now(),
        body: body.clone(),
    };
    tracing::debug!(
        order_id = %record.order_id,
        status = %record.transaction_status,
        attempt,
        http_status,
        "simulated notification delivered"
    );
    lock(&shared.state).deliveries.push(record);
    shared.delivered.notify_waiters();
    url.map(|_| http_status)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_follow_midtrans_policy() {
        assert_eq!(retries_for(Some(200)), 0);
        assert_eq!(retries_for(Some(204)), 0);
        assert_eq!(retries_for(Some(302)), 0);
        assert_eq!(retries_for(Some(500)), 1);
        assert_eq!(retries_for(Some(503)), 4);
        assert_eq!(retries_for(Some(400)), 2);
        assert_eq!(retries_for(Some(404)), 2);
        assert_eq!(retries_for(Some(403)), 5);
        assert_eq!(retries_for(Some(307)), 5);
        assert_eq!(retries_for(None), 5);
    }

    #[test]
    fn retry_delays_repeat_the_last() {
        let d = [Duration::from_millis(1), Duration::from_millis(2)];
        assert_eq!(retry_delay(&d, 1), Duration::from_millis(1));
        assert_eq!(retry_delay(&d, 2), Duration::from_millis(2));
        assert_eq!(retry_delay(&d, 5), Duration::from_millis(2));
        assert_eq!(retry_delay(&[], 1), Duration::from_millis(50));
    }
}
