//! The status of a payment and which status changes to accept: one type for the database
//! column (`transactions.status`), the API's JSON, the SPA and the Midtrans mapping.
//!
//! The spelling is the reference's stored one (`PENDING`, `SUCCESS`, …), on the wire and in
//! the database alike ([`PaymentStatus::as_str`]).

use std::fmt;

use serde::{Deserialize, Serialize};

/// Our status of a payment (`transactions.status`, `transaction_events.status`, the `status`
/// of the transaction DTOs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum PaymentStatus {
    /// Created locally, Midtrans has nothing yet (a Snap order before the customer picks a
    /// method), or Midtrans sent a status we do not know.
    Unknown,
    /// Waiting for the customer (or for a fraud review: `capture` + `challenge`).
    Pending,
    /// Paid: grant the package.
    Success,
    /// Denied or failed; also a paid order reversed by the bank (`settlement` → `deny`).
    Failed,
    Expired,
    Cancelled,
    /// Refunded or charged back (fully or partly).
    Refunded,
}

impl PaymentStatus {
    /// Every status, in the order admin filters list them.
    pub const ALL: [PaymentStatus; 7] = [
        PaymentStatus::Pending,
        PaymentStatus::Success,
        PaymentStatus::Failed,
        PaymentStatus::Expired,
        PaymentStatus::Cancelled,
        PaymentStatus::Refunded,
        PaymentStatus::Unknown,
    ];

    /// The stored and JSON spelling: `PENDING`, `SUCCESS`, `FAILED`, `EXPIRED`, `CANCELLED`,
    /// `UNKNOWN`, `REFUNDED`.
    pub fn as_str(self) -> &'static str {
        match self {
            PaymentStatus::Unknown => "UNKNOWN",
            PaymentStatus::Pending => "PENDING",
            PaymentStatus::Success => "SUCCESS",
            PaymentStatus::Failed => "FAILED",
            PaymentStatus::Expired => "EXPIRED",
            PaymentStatus::Cancelled => "CANCELLED",
            PaymentStatus::Refunded => "REFUNDED",
        }
    }

    /// The status named by `text`, in any case (`pending`, ` SUCCESS `).
    pub fn parse(text: &str) -> Option<PaymentStatus> {
        let text = text.trim();
        Self::ALL
            .into_iter()
            .find(|s| s.as_str().eq_ignore_ascii_case(text))
    }

    /// Still waiting for the customer or for Midtrans (`PENDING`, `UNKNOWN`): the order can
    /// be paid, cancelled or expire.
    pub fn is_open(self) -> bool {
        matches!(self, PaymentStatus::Unknown | PaymentStatus::Pending)
    }

    /// No further change is expected from Midtrans (reversals and refunds aside).
    pub fn is_final(self) -> bool {
        !self.is_open()
    }
}

impl fmt::Display for PaymentStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Maps Midtrans' `transaction_status` (+ `fraud_status`) to our status (integrations.md §5.5).
///
/// | Midtrans | ours |
/// |---|---|
/// | `settlement` | success |
/// | `capture` + fraud absent/`accept` | success |
/// | `capture` + `challenge` | pending (wait for approve/deny) |
/// | `capture` + `deny` | failed |
/// | `pending`, `authorize` | pending |
/// | `deny`, `failure` | failed |
/// | `expire` | expired |
/// | `cancel` | cancelled |
/// | `refund`, `partial_refund`, `chargeback`, `partial_chargeback` | refunded |
/// | anything else | unknown (keep the current status) |
///
/// The reference left `failure` and refunds unmapped (the order stayed as it was).
pub fn map_status(transaction_status: &str, fraud_status: Option<&str>) -> PaymentStatus {
    let status = transaction_status.trim().to_ascii_lowercase();
    let fraud = fraud_status
        .map(|f| f.trim().to_ascii_lowercase())
        .filter(|f| !f.is_empty());
    match status.as_str() {
        "settlement" => PaymentStatus::Success,
        "capture" => match fraud.as_deref() {
            None | Some("accept") => PaymentStatus::Success,
            Some("deny") => PaymentStatus::Failed,
            Some(_) => PaymentStatus::Pending,
        },
        "pending" | "authorize" => PaymentStatus::Pending,
        "deny" | "failure" => PaymentStatus::Failed,
        "expire" => PaymentStatus::Expired,
        "cancel" => PaymentStatus::Cancelled,
        "refund" | "partial_refund" | "chargeback" | "partial_chargeback" => {
            PaymentStatus::Refunded
        }
        _ => PaymentStatus::Unknown,
    }
}

/// Whether a report's `status_code` fits its `transaction_status`, by Midtrans' documented
/// codes. The signature covers `order_id`, `status_code` and `gross_amount` but **not**
/// `transaction_status`, so a genuine `pending` notification (signed with `201`) edited to say
/// `settlement` still verifies; this check refuses it.
///
/// Conservative on purpose: only pairs that are certainly inconsistent are refused.
///
/// | status | code required |
/// |---|---|
/// | success (`settlement`, `capture` with fraud absent/`accept`) | `200` (Midtrans' own success check) |
/// | `pending` | `201` |
/// | `expire` | `407` |
/// | `cancel`, `refund`, `partial_refund` | `200` |
///
/// and the other way round: `201` only with a status we map to pending (`pending`,
/// `capture`+`challenge`), `407` only with `expire`. Anything else (`deny`, whose reversal
/// code is undocumented, `failure`, chargebacks, `authorize`) is not checked further.
pub fn status_code_consistent(
    transaction_status: &str,
    fraud_status: Option<&str>,
    status_code: &str,
) -> bool {
    let status = transaction_status.trim().to_ascii_lowercase();
    let code = status_code.trim();
    let mapped = map_status(&status, fraud_status);
    let required = match status.as_str() {
        _ if mapped == PaymentStatus::Success => Some("200"),
        "pending" => Some("201"),
        "expire" => Some("407"),
        "cancel" | "refund" | "partial_refund" => Some("200"),
        _ => None,
    };
    match (required, code) {
        (Some(required), _) => code == required,
        (None, "201") => mapped == PaymentStatus::Pending,
        (None, "407") => false,
        (None, _) => true,
    }
}

/// What to do when Midtrans reports `incoming` for an order we hold as `current`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transition {
    /// Same status (a duplicate notification): nothing to do.
    Unchanged,
    /// A normal step forward (unknown/pending → anything): store it; on `Success` grant.
    Advance,
    /// A paid order is taken back (settlement → deny reversal, refund, chargeback): store it
    /// and take back what was granted.
    Reverse,
    /// Money arrived for an order we had closed locally (our expiry job or a cancel raced the
    /// payment): store `Success` and grant; the customer paid.
    LatePayment,
    /// Stale or out of order (e.g. `pending` after `settlement`): keep the current status.
    Ignore,
}

impl Transition {
    /// Whether the incoming status should be stored.
    pub fn applies(self) -> bool {
        matches!(
            self,
            Transition::Advance | Transition::Reverse | Transition::LatePayment
        )
    }
}

/// Decides whether a reported status may replace the stored one. Final states never move
/// backwards; the only changes out of a final state are the documented ones:
///
/// * `Success` → `Failed` (Midtrans reverses a settlement for Permata VA, Mandiri bill, …)
///   or → `Refunded`: [`Transition::Reverse`];
/// * `Expired`/`Cancelled` → `Success`: [`Transition::LatePayment`]. Midtrans never settles
///   an order it expired or cancelled itself, so this only happens when *our* expiry or
///   cancel was premature; refusing it would keep the customer's money without service.
///
/// `Failed` and `Refunded` are terminal; an `Unknown` incoming status is ignored.
pub fn transition(current: PaymentStatus, incoming: PaymentStatus) -> Transition {
    use PaymentStatus as S;
    if incoming == S::Unknown {
        return Transition::Ignore;
    }
    if current == incoming {
        return Transition::Unchanged;
    }
    match (current, incoming) {
        (S::Unknown | S::Pending, _) => Transition::Advance,
        (S::Success, S::Failed | S::Refunded) => Transition::Reverse,
        (S::Expired | S::Cancelled, S::Success) => Transition::LatePayment,
        _ => Transition::Ignore,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_spelling_is_the_stored_one_on_the_wire_too() {
        for s in PaymentStatus::ALL {
            assert_eq!(
                serde_json::to_value(s).unwrap(),
                serde_json::Value::String(s.as_str().to_owned())
            );
            assert_eq!(PaymentStatus::parse(&s.as_str().to_lowercase()), Some(s));
            assert_eq!(s.to_string(), s.as_str());
        }
        assert_eq!(
            PaymentStatus::parse(" success "),
            Some(PaymentStatus::Success)
        );
        assert_eq!(PaymentStatus::parse("paid"), None);
        assert!(PaymentStatus::Pending.is_open() && PaymentStatus::Unknown.is_open());
        assert!(PaymentStatus::Expired.is_final() && !PaymentStatus::Success.is_open());
    }

    #[test]
    fn status_codes_must_fit_the_status() {
        let ok = |s: &str, f: Option<&str>, c: &str| status_code_consistent(s, f, c);
        // Midtrans' own pairs.
        assert!(ok("settlement", Some("accept"), "200"));
        assert!(ok("capture", None, "200"));
        assert!(ok("capture", Some("challenge"), "201"));
        assert!(ok("pending", Some("accept"), "201"));
        assert!(ok("deny", None, "202"));
        assert!(ok("expire", None, "407"));
        assert!(ok("cancel", None, "200"));
        assert!(ok("refund", None, "200"));
        // A signed pending (201) edited to say paid, and other certain mismatches.
        assert!(!ok("settlement", Some("accept"), "201"));
        assert!(!ok("Settlement", None, "202"));
        assert!(!ok("capture", Some("accept"), "201"));
        assert!(!ok("pending", None, "200"));
        assert!(!ok("expire", None, "201"));
        assert!(!ok("cancel", None, "201"));
        assert!(!ok("deny", None, "201"));
        assert!(!ok("deny", None, "407"));
        // Undocumented pairs are left alone (a reversal's deny, a failure, a chargeback).
        assert!(ok("deny", None, "200"));
        assert!(ok("failure", None, "202"));
        assert!(ok("chargeback", None, "200"));
    }
}
