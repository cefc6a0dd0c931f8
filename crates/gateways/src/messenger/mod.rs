//! Sending WhatsApp messages.
//!
//! [`Messenger`] is the one interface the app uses; pick an implementation at start-up:
//!
//! | implementation | used by | behaviour |
//! |---|---|---|
//! | [`FonnteMessenger`] | production | Fonnte HTTP API (`/send`, `/validate`) |
//! | [`CloudApiMessenger`] | production | Meta's WhatsApp Cloud API (Graph API `/{phone-number-id}/messages`), text and template messages; [`cloud_api::sim`] is a look-alike server that posts signed delivery webhooks |
//! | [`ConsoleMessenger`] | the demo (`saring run`) | logs each message and keeps it in an [`Outbox`] served at `GET /api/dev/outbox` |
//! | [`RecordingMessenger`] | tests | records messages; scripted failures and "is on WhatsApp" answers |
//!
//! Wrap any of them in [`BreakerMessenger`] to stop calling a provider that keeps timing out.
//! Rate limits and the anti-ban random delay between bulk messages are the caller's business
//! (they need the KV store); a messenger sends when asked.

pub mod cloud_api;
mod console;
mod fonnte;
mod recording;

use std::sync::Arc;
use std::time::Duration;

use futures::future::BoxFuture;
use saring_domain::Phone;
use serde::Serialize;

use crate::breaker::{BreakerError, CircuitBreaker, Transient};

pub use cloud_api::{CloudApiConfig, CloudApiMessenger, CloudTemplate};
pub use console::{ConsoleMessenger, Outbox, OutboxEntry};
pub use fonnte::{DEFAULT_SEND_URL, DEFAULT_VALIDATE_URL, FonnteConfig, FonnteMessenger};
pub use recording::{FailureKind, RecordingMessenger};

/// How long an OTP send may take at most: the user is waiting on the login page.
pub const OTP_TIMEOUT: Duration = Duration::from_secs(8);

/// A document sent along with a message, by public URL (the provider downloads it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Document {
    pub url: String,
    /// The name the recipient sees, e.g. `invoice-BD-LPSR-1A2B3C.pdf`.
    pub filename: String,
}

/// Which of our message templates a message was rendered from, with its parameters in the
/// order of the template's placeholders. Providers that need pre-approved templates (the
/// Cloud API) send this instead of the text when they know the template; the others send
/// `text`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateCall {
    pub key: String,
    pub params: Vec<String>,
}

/// One message to one recipient.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingMessage {
    pub to: Phone,
    pub text: String,
    pub document: Option<Document>,
    /// The template `text` was rendered from, if any.
    pub template: Option<TemplateCall>,
    /// Upper bound for this send's HTTP round trip, below the messenger's own timeout
    /// (`Some(OTP_TIMEOUT)` for OTPs; see [`OutgoingMessage::otp`]).
    pub timeout: Option<Duration>,
}

impl OutgoingMessage {
    /// A plain text message.
    pub fn text(to: Phone, text: impl Into<String>) -> Self {
        OutgoingMessage {
            to,
            text: text.into(),
            document: None,
            template: None,
            timeout: None,
        }
    }

    /// Names the template `text` was rendered from and its parameters (see [`TemplateCall`]).
    pub fn with_template(mut self, key: impl Into<String>, params: Vec<String>) -> Self {
        self.template = Some(TemplateCall {
            key: key.into(),
            params,
        });
        self
    }

    /// An OTP message: sent with at most [`OTP_TIMEOUT`] to wait for the provider.
    pub fn otp(to: Phone, text: impl Into<String>) -> Self {
        OutgoingMessage {
            timeout: Some(OTP_TIMEOUT),
            ..Self::text(to, text)
        }
    }

    /// Adds a document (e.g. a PDF invoice) by URL; `text` becomes its caption.
    pub fn with_document(mut self, url: impl Into<String>, filename: impl Into<String>) -> Self {
        self.document = Some(Document {
            url: url.into(),
            filename: filename.into(),
        });
        self
    }
}

/// The provider accepted the message (queued, not necessarily delivered yet).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Delivery {
    /// The provider's id for the message, when it gives one (Fonnte: `id[0]`).
    pub provider_message_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MessengerError {
    /// The provider answered and refused: retrying the same message will not help
    /// (Fonnte `status:false`: "token invalid", "target invalid", "insufficient quota"…).
    #[error("WhatsApp provider refused the message: {reason}")]
    Rejected { reason: String },
    /// Timeout, connection error, HTTP 5xx/429 or an unreadable answer: try again later.
    #[error("WhatsApp provider temporarily unavailable: {reason}")]
    Transient { reason: String },
    /// Not configured (no token, bad URL): nothing can be sent until an admin fixes it.
    #[error("WhatsApp is not configured: {reason}")]
    Config { reason: String },
}

impl MessengerError {
    /// Worth retrying later (with backoff).
    pub fn is_transient(&self) -> bool {
        matches!(self, MessengerError::Transient { .. })
    }

    pub(crate) fn transient(reason: impl Into<String>) -> Self {
        MessengerError::Transient {
            reason: reason.into(),
        }
    }

    pub(crate) fn rejected(reason: impl Into<String>) -> Self {
        MessengerError::Rejected {
            reason: reason.into(),
        }
    }
}

impl Transient for MessengerError {
    fn is_transient(&self) -> bool {
        MessengerError::is_transient(self)
    }
}

/// Sends WhatsApp messages. Object safe: hold it as `Arc<dyn Messenger>`.
pub trait Messenger: Send + Sync {
    /// Sends one message. `Ok` means the provider accepted (queued) it.
    fn send<'a>(
        &'a self,
        msg: &'a OutgoingMessage,
    ) -> BoxFuture<'a, Result<Delivery, MessengerError>>;

    /// Whether `phone` has a WhatsApp account: `Some(true|false)`, or `None` when the
    /// provider cannot tell (sending to a non-WhatsApp number still "succeeds" with Fonnte,
    /// so registration checks this first).
    fn is_registered<'a>(
        &'a self,
        phone: &'a Phone,
    ) -> BoxFuture<'a, Result<Option<bool>, MessengerError>>;

    /// A short name for logs and the admin page (`fonnte`, `console`, `recording`).
    fn name(&self) -> &'static str;
}

impl<M: Messenger + ?Sized> Messenger for Arc<M> {
    fn send<'a>(
        &'a self,
        msg: &'a OutgoingMessage,
    ) -> BoxFuture<'a, Result<Delivery, MessengerError>> {
        (**self).send(msg)
    }

    fn is_registered<'a>(
        &'a self,
        phone: &'a Phone,
    ) -> BoxFuture<'a, Result<Option<bool>, MessengerError>> {
        (**self).is_registered(phone)
    }

    fn name(&self) -> &'static str {
        (**self).name()
    }
}

/// A messenger behind a [`CircuitBreaker`]: while the circuit is open, sends fail at once
/// with [`MessengerError::Transient`] (`"circuit open"`) instead of waiting for timeouts.
pub struct BreakerMessenger<M> {
    inner: M,
    breaker: Arc<CircuitBreaker>,
}

impl<M: Messenger> BreakerMessenger<M> {
    pub fn new(inner: M, breaker: Arc<CircuitBreaker>) -> Self {
        BreakerMessenger { inner, breaker }
    }

    pub fn breaker(&self) -> &Arc<CircuitBreaker> {
        &self.breaker
    }

    pub fn inner(&self) -> &M {
        &self.inner
    }
}

fn open_to_transient<T>(r: Result<T, BreakerError<MessengerError>>) -> Result<T, MessengerError> {
    r.map_err(|e| match e {
        BreakerError::Open { retry_after } => MessengerError::transient(format!(
            "circuit open, retry in {} s",
            retry_after.as_secs().max(1)
        )),
        BreakerError::Inner(e) => e,
    })
}

impl<M: Messenger> Messenger for BreakerMessenger<M> {
    fn send<'a>(
        &'a self,
        msg: &'a OutgoingMessage,
    ) -> BoxFuture<'a, Result<Delivery, MessengerError>> {
        Box::pin(async move { open_to_transient(self.breaker.call(self.inner.send(msg)).await) })
    }

    fn is_registered<'a>(
        &'a self,
        phone: &'a Phone,
    ) -> BoxFuture<'a, Result<Option<bool>, MessengerError>> {
        Box::pin(async move {
            open_to_transient(self.breaker.call(self.inner.is_registered(phone)).await)
        })
    }

    fn name(&self) -> &'static str {
        self.inner.name()
    }
}
