//! Integration tests of the store: one binary (faster to link), one module per area.
//! Every test runs on SQLite + in-memory KV by default, and on PostgreSQL / Redis when
//! `TEST_DATABASE_URL` / `TEST_REDIS_URL` are set.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod backup;
mod connect;
mod constraints;
mod dashboard;
mod kv;
mod migrations;
mod roundtrip;
mod support;
