//! # saring-domain
//!
//! The rules and types that must be identical everywhere in Saring: in the API, the worker, the
//! CLI and the browser SPA. It owns phone numbers (`Phone`, E.164 with the Indonesian local
//! `08…` form), MAC addresses (`Mac`), data amounts (exact `Bytes`, displayed as `Megabytes`
//! with one rounding rule and one display rule), money (`Rupiah`), time in the operator's
//! time zone (`AppTz`), the access-status resolver with what the router must get for each
//! status (`access`), the package/quota/debt arithmetic (`quota`), a payment's status and its
//! allowed changes (`payment`), the list and error envelopes (`api`) and every request and
//! response body of the API (`dto`), all shared with the SPA. It does no I/O and depends on no server crate, so it also compiles to
//! `wasm32-unknown-unknown`.

pub mod access;
pub mod api;
pub mod debt;
pub mod device;
pub mod dto;
pub mod ids;
pub mod ledger;
pub mod locale;
pub mod mac;
pub mod money;
pub mod payment;
pub mod phone;
pub mod quota;
pub mod router;
pub mod time;
pub mod units;
pub mod user;

pub use access::{AccessStatus, BindingType, PageStatus, PolicySettings, Role, RouterPolicy};
pub use ids::{OrderId, UserId};
pub use locale::Locale;
pub use mac::Mac;
pub use money::Rupiah;
pub use payment::PaymentStatus;
pub use phone::Phone;
pub use time::AppTz;
pub use units::{Bytes, Megabytes};
