//! # saring-app
//!
//! Saring's use cases, the only place with business workflows: configuration, registration
//! and accounts, OTP login and sessions, devices and what the router holds for each user,
//! packages and payments, the quota sync and the worker's other jobs, and the admin's
//! operations. HTTP handlers (`saring-api`) and jobs (`saring-worker`) are thin:
//! they parse input, call one function here, and map the result. Everything here is
//! testable with SQLite + the in-memory KV + the RouterOS simulator, and the same tests run
//! on PostgreSQL + Redis when `TEST_DATABASE_URL` / `TEST_REDIS_URL` are set.

pub mod config;
pub mod context;
pub mod embedded;
pub mod error;

pub use config::{Config, Mode};
pub use context::App;
pub use error::{AppError, AppResult};
pub mod accounts;
pub mod admin_users;
pub mod auth;
pub mod backups;
pub mod blocks;
pub mod cache;
pub mod clock;
pub mod jobs;
pub mod ledger;
pub mod me;
pub mod notify;
pub mod operator;
pub mod payments;
pub mod portal;
pub mod presence;
pub mod present;
pub mod ratelimit;
pub mod registration;
pub mod reports;
pub mod router;
pub mod router_admin;
pub mod router_setup;
pub mod settings;
pub mod sync;
pub use sync::quota_lock;
pub mod telegram;
pub mod templates;
#[cfg(feature = "testing")]
pub mod testing;
pub mod tokens;
pub mod whatsapp;
