//! The demo's messenger: every message is logged and kept in an in-memory [`Outbox`], which
//! `saring run` serves at `GET /api/dev/outbox` so a tester can read OTPs without WhatsApp.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use futures::future::BoxFuture;
use saring_domain::Phone;
use serde::Serialize;

use super::{Delivery, Document, Messenger, MessengerError, OutgoingMessage};
use crate::breaker::lock;

/// One message kept in the outbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OutboxEntry {
    /// The recipient in E.164 (`+6281234567890`).
    pub to: String,
    pub text: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub document: Option<Document>,
    pub sent_at: DateTime<Utc>,
}

/// A bounded ring buffer of the last messages (oldest dropped first). Cheap to clone; clones
/// share the same buffer.
#[derive(Debug, Clone)]
pub struct Outbox {
    inner: Arc<Mutex<VecDeque<OutboxEntry>>>,
    capacity: usize,
}

impl Default for Outbox {
    fn default() -> Self {
        Self::new(Outbox::DEFAULT_CAPACITY)
    }
}

impl Outbox {
    pub const DEFAULT_CAPACITY: usize = 500;

    pub fn new(capacity: usize) -> Self {
        let capacity = capacity.max(1);
        Outbox {
            inner: Arc::new(Mutex::new(VecDeque::with_capacity(capacity.min(1024)))),
            capacity,
        }
    }

    pub fn push(&self, entry: OutboxEntry) {
        let mut q = lock(&self.inner);
        while q.len() >= self.capacity {
            q.pop_front();
        }
        q.push_back(entry);
    }

    /// Every kept message, oldest first.
    pub fn entries(&self) -> Vec<OutboxEntry> {
        lock(&self.inner).iter().cloned().collect()
    }

    /// The most recent message to `phone`, if any.
    pub fn last_to(&self, phone: &Phone) -> Option<OutboxEntry> {
        lock(&self.inner)
            .iter()
            .rev()
            .find(|e| e.to == phone.as_e164())
            .cloned()
    }

    pub fn len(&self) -> usize {
        lock(&self.inner).len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn clear(&self) {
        lock(&self.inner).clear();
    }
}

/// Logs messages (tracing, `info`) and keeps them in an [`Outbox`]; never fails.
#[derive(Debug, Clone)]
pub struct ConsoleMessenger {
    outbox: Outbox,
    registered: Option<bool>,
    counter: Arc<AtomicU64>,
}

impl ConsoleMessenger {
    /// Keeps messages in `outbox`; every number counts as registered on WhatsApp.
    pub fn new(outbox: Outbox) -> Self {
        ConsoleMessenger {
            outbox,
            registered: Some(true),
            counter: Arc::new(AtomicU64::new(0)),
        }
    }

    /// What [`Messenger::is_registered`] answers for every number.
    pub fn with_registered(mut self, answer: Option<bool>) -> Self {
        self.registered = answer;
        self
    }

    pub fn outbox(&self) -> &Outbox {
        &self.outbox
    }
}

impl Messenger for ConsoleMessenger {
    fn send<'a>(
        &'a self,
        msg: &'a OutgoingMessage,
    ) -> BoxFuture<'a, Result<Delivery, MessengerError>> {
        Box::pin(async move {
            let n = self.counter.fetch_add(1, Ordering::Relaxed) + 1;
            tracing::info!(
                provider = "console",
                to = %msg.to,
                document = msg.document.as_ref().map(|d| d.url.as_str()),
                "WhatsApp (console): {}",
                msg.text
            );
            self.outbox.push(OutboxEntry {
                to: msg.to.as_e164().to_owned(),
                text: msg.text.clone(),
                document: msg.document.clone(),
                sent_at: Utc::now(),
            });
            Ok(Delivery {
                provider_message_id: Some(format!("console-{n}")),
            })
        })
    }

    fn is_registered<'a>(
        &'a self,
        _phone: &'a Phone,
    ) -> BoxFuture<'a, Result<Option<bool>, MessengerError>> {
        Box::pin(async move { Ok(self.registered) })
    }

    fn name(&self) -> &'static str {
        "console"
    }
}
