//! Midtrans payment notifications (webhooks) and status answers, which share one shape.

use chrono::{DateTime, Utc};
use saring_domain::Rupiah;
use serde::Serialize;
use serde_json::Value;
use sha2::{Digest, Sha512};
use subtle::ConstantTimeEq;

use super::fields;
use super::wib;
use saring_domain::payment::{PaymentStatus, map_status, status_code_consistent};

/// A notification body (or a `GET /v2/{id}/status` answer: same fields).
///
/// Parsed leniently: only `order_id`, `transaction_status`, `status_code` and `gross_amount`
/// are required; numbers are accepted where strings are expected; every field, known or not,
/// stays in [`raw`](Self::raw). `gross_amount` is kept exactly as sent (`"10000.00"`) because
/// the signature is computed over that text.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Notification {
    pub order_id: String,
    /// Midtrans' status: `pending`, `settlement`, `capture`, `deny`, `expire`, `cancel`…
    pub transaction_status: String,
    /// `"200"`, `"201"`, `"202"`, `"407"`…, as a string (it is part of the signature).
    pub status_code: String,
    /// Exactly as sent, e.g. `"10000.00"`.
    pub gross_amount: String,
    pub signature_key: Option<String>,
    pub fraud_status: Option<String>,
    pub transaction_id: Option<String>,
    pub payment_type: Option<String>,
    pub status_message: Option<String>,
    /// Midtrans' WIB times, converted to UTC.
    pub transaction_time: Option<DateTime<Utc>>,
    pub settlement_time: Option<DateTime<Utc>>,
    pub expiry_time: Option<DateTime<Utc>>,
    pub va_number: Option<String>,
    pub bank: Option<String>,
    pub bill_key: Option<String>,
    pub biller_code: Option<String>,
    pub payment_code: Option<String>,
    /// QR image URL (QRIS/GoPay/ShopeePay; `generate-qr-code-v2` preferred).
    pub qr_url: Option<String>,
    /// The whole body as received.
    pub raw: Value,
}

/// The status API answers with the notification shape (including `signature_key`).
pub type StatusResponse = Notification;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NotificationError {
    #[error("notification is not a JSON object")]
    Malformed,
    /// The reference answers such payloads with 200 "ignored" so Midtrans stops retrying.
    #[error("notification lacks {0}")]
    Incomplete(&'static str),
}

impl Notification {
    pub fn from_slice(body: &[u8]) -> Result<Notification, NotificationError> {
        let value: Value =
            serde_json::from_slice(body).map_err(|_| NotificationError::Malformed)?;
        Notification::from_value(value)
    }

    pub fn from_value(raw: Value) -> Result<Notification, NotificationError> {
        if !raw.is_object() {
            return Err(NotificationError::Malformed);
        }
        let required =
            |key: &'static str| fields::text(&raw, key).ok_or(NotificationError::Incomplete(key));
        let order_id = required("order_id")?;
        let transaction_status = required("transaction_status")?;
        let status_code = required("status_code")?;
        let gross_amount = required("gross_amount")?;
        let time = |key: &str| fields::text(&raw, key).and_then(|t| wib::parse(&t));
        let (va_number, bank) = fields::va(&raw);
        Ok(Notification {
            order_id,
            transaction_status,
            status_code,
            gross_amount,
            signature_key: fields::text(&raw, "signature_key"),
            fraud_status: fields::text(&raw, "fraud_status"),
            transaction_id: fields::text(&raw, "transaction_id"),
            payment_type: fields::text(&raw, "payment_type"),
            status_message: fields::text(&raw, "status_message"),
            transaction_time: time("transaction_time"),
            settlement_time: time("settlement_time"),
            expiry_time: time("expiry_time"),
            va_number,
            bank,
            bill_key: fields::bill_key(&raw),
            biller_code: fields::text(&raw, "biller_code"),
            payment_code: fields::text(&raw, "payment_code"),
            qr_url: fields::qr_url(&raw),
            raw,
        })
    }

    /// Our status for this notification ([`map_status`]).
    pub fn status(&self) -> PaymentStatus {
        map_status(&self.transaction_status, self.fraud_status.as_deref())
    }

    /// Whether `status_code` fits `transaction_status` ([`status_code_consistent`]): the
    /// signature does not cover the status, only the code.
    pub fn status_code_consistent(&self) -> bool {
        status_code_consistent(
            &self.transaction_status,
            self.fraud_status.as_deref(),
            &self.status_code,
        )
    }

    /// Checks `signature_key` = hex(SHA-512(order_id ‖ status_code ‖ gross_amount ‖ key)),
    /// in constant time. A `gross_amount` without a decimal point is also tried with `.00`
    /// appended (the reference's allowance for home-made senders; Midtrans always sends it).
    pub fn verify_signature(&self, server_key: &str) -> bool {
        let Some(given) = self.signature_key.as_deref() else {
            return false;
        };
        let given = given.trim().to_ascii_lowercase();
        let matches = |amount: &str| {
            let expected = signature(&self.order_id, &self.status_code, amount, server_key);
            bool::from(expected.as_bytes().ct_eq(given.as_bytes()))
        };
        let exact = matches(&self.gross_amount);
        let padded =
            !self.gross_amount.contains('.') && matches(&format!("{}.00", self.gross_amount));
        exact | padded
    }

    /// The amount in whole rupiah (`"10000.00"` → 10 000); `None` if it has a non-zero
    /// fraction or is not a number.
    pub fn gross_amount_rupiah(&self) -> Option<Rupiah> {
        let (whole, fraction) = match self.gross_amount.split_once('.') {
            Some((w, f)) => (w, f),
            None => (self.gross_amount.as_str(), ""),
        };
        if !fraction.chars().all(|c| c == '0') {
            return None;
        }
        whole.parse::<i64>().ok().map(Rupiah)
    }

    /// When the customer paid: `settlement_time`, else `transaction_time`.
    pub fn paid_at(&self) -> Option<DateTime<Utc>> {
        self.settlement_time.or(self.transaction_time)
    }

    /// A key that is equal for deliveries of the same event (for burst de-duplication):
    /// `order_id:transaction_status:status_code:transaction_id`.
    pub fn dedup_key(&self) -> String {
        format!(
            "{}:{}:{}:{}",
            self.order_id,
            self.transaction_status,
            self.status_code,
            self.transaction_id.as_deref().unwrap_or("-")
        )
    }
}

/// hex(SHA-512(order_id ‖ status_code ‖ gross_amount ‖ server_key)), lower case.
pub fn signature(
    order_id: &str,
    status_code: &str,
    gross_amount: &str,
    server_key: &str,
) -> String {
    let mut h = Sha512::new();
    h.update(order_id.as_bytes());
    h.update(status_code.as_bytes());
    h.update(gross_amount.as_bytes());
    h.update(server_key.as_bytes());
    hex::encode(h.finalize())
}
