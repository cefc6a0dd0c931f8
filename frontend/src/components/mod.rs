//! Reusable pieces of UI, grouped by area.

pub mod auth;
pub mod common;
pub mod devices;
pub mod payments;
pub mod requests;
