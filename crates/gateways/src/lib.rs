//! # saring-gateways
//!
//! Saring's external services, each behind a small trait with a real implementation and a
//! simulated or recording one: payments (`PaymentGateway`: Midtrans Snap and Core API, with
//! signature checks, and a simulated gateway that serves its own pay page and sends
//! correctly signed notifications), messaging (`Messenger`: Fonnte WhatsApp, a console
//! messenger with an inbox for the demo, and a recording fake for tests) and Telegram for
//! admin alerts. Nothing here knows about users or quota; `saring-app` decides what to send.
