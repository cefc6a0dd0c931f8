//! # saring-web
//!
//! The browser SPA (Leptos, client-side rendered, built with trunk): the captive portal and
//! user portal (login with WhatsApp OTP, quota, packages, payments, devices) and the admin
//! portal. It imports the request/response types and the access-status resolver from
//! `saring-domain`, so the browser and the server can never disagree about a status; texts
//! are Indonesian with English available. The pages arrive with the features they belong
//! to; for now this crate proves the shared domain types compile for `wasm32`.

pub use saring_domain as domain;
