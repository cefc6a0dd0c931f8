//! A messenger for tests: records what was sent and fails on command.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};

use futures::future::BoxFuture;
use saring_domain::Phone;

use super::{Delivery, Messenger, MessengerError, OutgoingMessage};
use crate::breaker::lock;

/// How a scripted failure fails.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FailureKind {
    /// [`MessengerError::Transient`] (like a timeout or HTTP 503).
    Transient,
    /// [`MessengerError::Rejected`] with this reason (like Fonnte's `"target invalid"`).
    Rejected(String),
}

#[derive(Debug, Default)]
struct State {
    sent: Vec<OutgoingMessage>,
    failures: VecDeque<FailureKind>,
    failed_attempts: usize,
    registered: HashMap<String, Option<bool>>,
    default_registered: Option<bool>,
}

/// Records every accepted message; can be told to fail the next sends and what to answer
/// for "is this number on WhatsApp". Cheap to clone; clones share the record.
#[derive(Debug, Clone)]
pub struct RecordingMessenger {
    state: Arc<Mutex<State>>,
}

impl Default for RecordingMessenger {
    fn default() -> Self {
        Self::new()
    }
}

impl RecordingMessenger {
    /// Accepts everything; every number is registered.
    pub fn new() -> Self {
        RecordingMessenger {
            state: Arc::new(Mutex::new(State {
                default_registered: Some(true),
                ..State::default()
            })),
        }
    }

    /// The next `n` sends fail with `kind` (added after failures already scripted).
    pub fn fail_next(&self, n: usize, kind: FailureKind) {
        let mut s = lock(&self.state);
        s.failures.extend(std::iter::repeat_n(kind, n));
    }

    /// What `is_registered(phone)` answers.
    pub fn set_registered(&self, phone: &Phone, answer: Option<bool>) {
        lock(&self.state)
            .registered
            .insert(phone.as_e164().to_owned(), answer);
    }

    /// What `is_registered` answers for numbers without their own answer.
    pub fn set_default_registered(&self, answer: Option<bool>) {
        lock(&self.state).default_registered = answer;
    }

    /// Every accepted message, in order.
    pub fn sent(&self) -> Vec<OutgoingMessage> {
        lock(&self.state).sent.clone()
    }

    /// Accepted messages to `phone`, in order.
    pub fn sent_to(&self, phone: &Phone) -> Vec<OutgoingMessage> {
        lock(&self.state)
            .sent
            .iter()
            .filter(|m| &m.to == phone)
            .cloned()
            .collect()
    }

    /// How many sends failed because they were told to.
    pub fn failed_attempts(&self) -> usize {
        lock(&self.state).failed_attempts
    }

    /// Forgets recorded messages and pending failures.
    pub fn clear(&self) {
        let mut s = lock(&self.state);
        s.sent.clear();
        s.failures.clear();
        s.failed_attempts = 0;
    }
}

impl Messenger for RecordingMessenger {
    fn send<'a>(
        &'a self,
        msg: &'a OutgoingMessage,
    ) -> BoxFuture<'a, Result<Delivery, MessengerError>> {
        Box::pin(async move {
            let mut s = lock(&self.state);
            if let Some(kind) = s.failures.pop_front() {
                s.failed_attempts += 1;
                return Err(match kind {
                    FailureKind::Transient => MessengerError::transient("scripted failure"),
                    FailureKind::Rejected(reason) => MessengerError::rejected(reason),
                });
            }
            s.sent.push(msg.clone());
            Ok(Delivery {
                provider_message_id: Some(format!("rec-{}", s.sent.len())),
            })
        })
    }

    fn is_registered<'a>(
        &'a self,
        phone: &'a Phone,
    ) -> BoxFuture<'a, Result<Option<bool>, MessengerError>> {
        Box::pin(async move {
            let s = lock(&self.state);
            Ok(s.registered
                .get(phone.as_e164())
                .copied()
                .unwrap_or(s.default_registered))
        })
    }

    fn name(&self) -> &'static str {
        "recording"
    }
}
