//! WhatsApp broadcasts (`/api/admin/whatsapp/broadcast…`) and their delivery log.
//!
//! A broadcast goes to the approved users and komandan a [`BroadcastFilter`] selects. Each
//! criterion narrows the set; a filter without any criterion is refused (`filter_empty`):
//! writing to everybody takes an explicit `"all": true`.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Longest broadcast message, in characters.
pub const BROADCAST_MAX_LEN: usize = 1000;
/// How many recipients a preview names.
pub const PREVIEW_SAMPLE: usize = 5;

/// Who receives a broadcast. Lists are "any of"; criteria combine with "and".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BroadcastFilter {
    /// Every approved user and komandan (no other criterion needed).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub all: bool,
    /// Access statuses (`active`, `unlimited`, `fup`, `habis`, `expired`, `blocked`,
    /// `inactive`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<Vec<String>>,
    /// `USER` and/or `KOMANDAN`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<Vec<String>>,
    /// Blok names as on the registration form.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub blok: Option<Vec<String>>,
    /// Only users who owe quota debt (`true`) or only those who do not (`false`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub has_debt: Option<bool>,
}

/// One recipient named in a preview, the number masked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecipientSample {
    pub full_name: String,
    /// `0812****7890`.
    pub phone_masked: String,
}

/// `POST /api/admin/whatsapp/broadcast/preview` (the body is a [`BroadcastFilter`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BroadcastPreview {
    pub count: u64,
    /// The first few recipients by name.
    pub sample: Vec<RecipientSample>,
}

/// `POST /api/admin/whatsapp/broadcast`. A retry with the same `Idempotency-Key` header or the
/// same `broadcast_id` answers the first broadcast and sends nothing again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BroadcastRequest {
    #[serde(default)]
    pub filter: BroadcastFilter,
    #[serde(default)]
    pub message: String,
    /// A UUID the client chose for this broadcast (optional).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub broadcast_id: Option<String>,
}

/// 202 to [`BroadcastRequest`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BroadcastAccepted {
    pub broadcast_id: String,
    pub recipients: u64,
    /// This answer repeats an earlier identical request; nothing new was queued.
    #[serde(default)]
    pub replayed: bool,
}

/// How many of a broadcast's messages are in each state.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryCounts {
    /// Waiting in the outbox (paced, or retrying).
    pub queued: u64,
    /// Accepted by the provider.
    pub sent: u64,
    /// Reported delivered to the phone.
    pub delivered: u64,
    /// Reported read.
    pub read: u64,
    pub failed: u64,
}

impl DeliveryCounts {
    /// Adds `n` messages in `status` (a message-log status).
    pub fn add(&mut self, status: &str, n: u64) {
        match status {
            "sent" => self.sent += n,
            "delivered" => self.delivered += n,
            "read" => self.read += n,
            "failed" | "skipped" => self.failed += n,
            _ => self.queued += n,
        }
    }
}

/// A broadcast in the delivery log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BroadcastSummary {
    pub id: String,
    pub admin_name: Option<String>,
    pub message: String,
    pub filter: BroadcastFilter,
    pub recipients: u64,
    pub counts: DeliveryCounts,
    pub created_at: DateTime<Utc>,
}

/// One recipient of a broadcast and what became of the message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BroadcastRecipient {
    pub user_id: Option<String>,
    pub full_name: Option<String>,
    /// Local form, `0812…`.
    pub phone_number: String,
    /// `pending`, `sent`, `delivered`, `read` or `failed`.
    pub status: String,
    pub attempts: i32,
    pub error: Option<String>,
    pub updated_at: DateTime<Utc>,
}

/// `GET /api/admin/whatsapp/broadcasts/{id}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BroadcastDetail {
    #[serde(flatten)]
    pub summary: BroadcastSummary,
    pub items: Vec<BroadcastRecipient>,
}
