//! Payments through Midtrans (Snap hosted page or Core API charges), and a simulator.
//!
//! The app holds an `Arc<dyn PaymentGateway>`:
//!
//! * production: [`MidtransClient`] (sandbox or production hosts), usually wrapped in
//!   [`BreakerGateway`] so an unreachable Midtrans answers [`PaymentError::Unavailable`] at once;
//! * demo and tests: the same [`MidtransClient`] pointed at a [`SimulatedGateway`] (see
//!   [`MidtransConfig::for_simulator`]), which serves a pay page and POSTs signed
//!   notifications to the app like Midtrans does.
//!
//! Webhooks arrive at the app's HTTP route; parse them with [`Notification::from_slice`],
//! check [`Notification::verify_signature`], map with [`Notification::status`] /
//! [`map_status`] and decide with [`transition`] whether the stored status may change.

mod breaker;
mod fields;
mod midtrans;
mod notification;
pub mod sim;
pub mod wib;

use std::fmt;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use futures::future::BoxFuture;
use saring_domain::{OrderId, Phone, Rupiah};
use serde::{Deserialize, Serialize};
use serde_json::Value;

pub use breaker::BreakerGateway;
pub use midtrans::{
    MidtransClient, MidtransConfig, PRODUCTION_CORE_URL, PRODUCTION_SNAP_URL, SANDBOX_CORE_URL,
    SANDBOX_SNAP_URL,
};
pub use notification::{Notification, NotificationError, StatusResponse, signature};
pub use saring_domain::payment::{
    PaymentStatus, Transition, map_status, status_code_consistent, transition,
};
pub use sim::{SimConfig, SimHandle, SimulatedGateway};

use crate::breaker::Transient;

/// How the customer pays with the Core API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaymentMethod {
    Qris,
    Gopay,
    Shopeepay,
    /// Bank virtual account (see [`VaBank`]).
    Va,
}

/// The bank of a virtual-account payment. Mandiri is a bill payment (`echannel`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VaBank {
    Bca,
    #[default]
    Bni,
    Bri,
    Mandiri,
    Permata,
    Cimb,
}

/// An unknown method or bank name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown payment option {0:?}")]
pub struct UnknownOption(pub String);

macro_rules! names {
    ($ty:ident { $($variant:ident = $name:literal),+ $(,)? }) => {
        impl $ty {
            pub const ALL: &'static [$ty] = &[$($ty::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($ty::$variant => $name),+ }
            }
        }

        impl FromStr for $ty {
            type Err = UnknownOption;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s.trim().to_ascii_lowercase().as_str() {
                    $($name => Ok($ty::$variant),)+
                    _ => Err(UnknownOption(s.to_owned())),
                }
            }
        }

        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

names!(PaymentMethod { Qris = "qris", Gopay = "gopay", Shopeepay = "shopeepay", Va = "va" });
names!(VaBank {
    Bca = "bca",
    Bni = "bni",
    Bri = "bri",
    Mandiri = "mandiri",
    Permata = "permata",
    Cimb = "cimb",
});

/// Who pays. Midtrans shows these on its pages and e-mails.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CustomerDetails {
    pub first_name: String,
    pub last_name: Option<String>,
    pub email: Option<String>,
    /// Sent in the local form `08…` (as the reference does).
    pub phone: Option<Phone>,
}

/// The one line item of an order. `price × quantity` must equal the order's gross amount.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemDetail {
    pub id: String,
    /// Truncated to 50 characters (Midtrans' limit).
    pub name: String,
    pub price: Rupiah,
    pub quantity: u32,
}

impl ItemDetail {
    /// One unit at `price`.
    pub fn new(id: impl Into<String>, name: impl Into<String>, price: Rupiah) -> Self {
        ItemDetail {
            id: id.into(),
            name: name.into(),
            price,
            quantity: 1,
        }
    }
}

/// A Snap (hosted payment page) transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnapRequest {
    pub order_id: OrderId,
    pub gross_amount: Rupiah,
    pub item: ItemDetail,
    pub customer: CustomerDetails,
    /// `callbacks.finish`: where Snap sends the customer afterwards.
    pub finish_url: Option<String>,
    /// Payment window from now (sent as `expiry` with `start_time`); `None`: Midtrans' default.
    pub expiry_minutes: Option<u32>,
}

/// Where to send the customer for a Snap payment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SnapSession {
    pub token: String,
    pub redirect_url: String,
}

/// A Core API charge: we show the QR / VA number on our own page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChargeRequest {
    pub order_id: OrderId,
    pub gross_amount: Rupiah,
    pub item: ItemDetail,
    pub customer: CustomerDetails,
    pub method: PaymentMethod,
    /// For [`PaymentMethod::Va`]; `None` means BNI (the reference's default).
    pub bank: Option<VaBank>,
    /// `custom_expiry` from now; `None`: Midtrans' default for the method.
    pub expiry_minutes: Option<u32>,
    /// GoPay/ShopeePay: where the e-wallet app returns the customer.
    pub callback_url: Option<String>,
}

/// What the customer needs to pay a Core API charge.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChargeResponse {
    pub transaction_id: String,
    /// Normally `pending`.
    pub transaction_status: String,
    pub status_code: String,
    /// `qris`, `gopay`, `shopeepay`, `bank_transfer` or `echannel`.
    pub payment_type: String,
    pub va_number: Option<String>,
    pub bank: Option<String>,
    /// Mandiri bill payment: bill key and biller (company) code.
    pub bill_key: Option<String>,
    pub biller_code: Option<String>,
    /// The EMV QR payload (render it as a QR code).
    pub qr_string: Option<String>,
    /// QR image URL (`generate-qr-code-v2` preferred).
    pub qr_url: Option<String>,
    /// E-wallet app link (`deeplink-redirect`).
    pub deeplink_url: Option<String>,
    pub expiry_time: Option<DateTime<Utc>>,
    pub raw: Value,
}

impl ChargeResponse {
    pub fn status(&self) -> PaymentStatus {
        map_status(&self.transaction_status, None)
    }
}

/// The admin's "Midtrans self-test": the key is accepted and both APIs answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SelfTestReport {
    pub gateway: &'static str,
    /// `sandbox`, `production` or `custom` (base URLs overridden, e.g. the simulator).
    pub environment: &'static str,
    pub core_base_url: String,
    pub snap_base_url: String,
    pub latency_ms: u64,
    /// One line per check, human readable.
    pub checks: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PaymentError {
    /// HTTP 401: the server key is wrong or for the other environment.
    #[error(
        "Midtrans rejected the server key (401): check MIDTRANS_SERVER_KEY and MIDTRANS_IS_PRODUCTION"
    )]
    Unauthorized,
    /// A 4xx (or HTTP 200 with body `status_code` ≥ 400, except 407): fix the request.
    #[error("Midtrans refused the request ({status_code}): {}", messages.join("; "))]
    Rejected {
        status_code: u16,
        messages: Vec<String>,
    },
    /// Timeout, connection error, 5xx, 429 or an unreadable answer: retry later.
    #[error("Midtrans temporarily unavailable: {0}")]
    Transient(String),
    /// The circuit breaker is open: no call was made.
    #[error("payment gateway unavailable, retry in {} s", retry_after.as_secs().max(1))]
    Unavailable { retry_after: Duration },
    /// Missing key, invalid base URL…
    #[error("payment gateway misconfigured: {0}")]
    Config(String),
}

impl PaymentError {
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            PaymentError::Transient(_) | PaymentError::Unavailable { .. }
        )
    }
}

impl Transient for PaymentError {
    fn is_transient(&self) -> bool {
        // Only real failures of the service count for the breaker, not its own refusals.
        matches!(self, PaymentError::Transient(_))
    }
}

/// A payment provider. Object safe: hold it as `Arc<dyn PaymentGateway>`.
pub trait PaymentGateway: Send + Sync {
    /// Creates a Snap transaction; send the customer to `redirect_url` (or open `token`
    /// with snap.js).
    fn create_snap<'a>(
        &'a self,
        req: &'a SnapRequest,
    ) -> BoxFuture<'a, Result<SnapSession, PaymentError>>;

    /// Creates a Core API charge (QRIS, GoPay, ShopeePay, VA).
    fn charge<'a>(
        &'a self,
        req: &'a ChargeRequest,
    ) -> BoxFuture<'a, Result<ChargeResponse, PaymentError>>;

    /// The transaction as Midtrans sees it; `None` when Midtrans does not know it (yet):
    /// a Snap order before the customer picks a method answers 404 — not a failure.
    fn status<'a>(
        &'a self,
        order_id: &'a OrderId,
    ) -> BoxFuture<'a, Result<Option<StatusResponse>, PaymentError>>;

    /// Cancels a pending transaction (the order id may then be reused). Returns the new
    /// status (`Cancelled`).
    fn cancel<'a>(
        &'a self,
        order_id: &'a OrderId,
    ) -> BoxFuture<'a, Result<PaymentStatus, PaymentError>>;

    /// Expires a pending transaction now. Returns the new status (`Expired`).
    fn expire<'a>(
        &'a self,
        order_id: &'a OrderId,
    ) -> BoxFuture<'a, Result<PaymentStatus, PaymentError>>;

    /// Checks the credentials and that both APIs are reachable, without creating anything.
    fn self_test(&self) -> BoxFuture<'_, Result<SelfTestReport, PaymentError>>;

    /// `midtrans` (also when pointed at the simulator).
    fn name(&self) -> &'static str;
}

impl<G: PaymentGateway + ?Sized> PaymentGateway for Arc<G> {
    fn create_snap<'a>(
        &'a self,
        req: &'a SnapRequest,
    ) -> BoxFuture<'a, Result<SnapSession, PaymentError>> {
        (**self).create_snap(req)
    }
    fn charge<'a>(
        &'a self,
        req: &'a ChargeRequest,
    ) -> BoxFuture<'a, Result<ChargeResponse, PaymentError>> {
        (**self).charge(req)
    }
    fn status<'a>(
        &'a self,
        order_id: &'a OrderId,
    ) -> BoxFuture<'a, Result<Option<StatusResponse>, PaymentError>> {
        (**self).status(order_id)
    }
    fn cancel<'a>(
        &'a self,
        order_id: &'a OrderId,
    ) -> BoxFuture<'a, Result<PaymentStatus, PaymentError>> {
        (**self).cancel(order_id)
    }
    fn expire<'a>(
        &'a self,
        order_id: &'a OrderId,
    ) -> BoxFuture<'a, Result<PaymentStatus, PaymentError>> {
        (**self).expire(order_id)
    }
    fn self_test(&self) -> BoxFuture<'_, Result<SelfTestReport, PaymentError>> {
        (**self).self_test()
    }
    fn name(&self) -> &'static str {
        (**self).name()
    }
}
