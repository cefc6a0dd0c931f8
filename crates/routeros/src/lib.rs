//! Saring's RouterOS API client and RouterOS simulator.
//!
//! * [`proto`]: the word/sentence codec (all five length forms, control bytes rejected,
//!   size guards).
//! * [`Connection`]: one logged-in connection (plain or TLS) that multiplexes tagged
//!   commands; [`Pool`]: per-router pool with reconnect/backoff and health checks.
//! * [`Api`]: print/add/set/remove and typed helpers ([`menus`]) on both.
//! * [`sim`]: a RouterOS API server with an in-memory hotspot world, used by tests, the
//!   demo and `saring routeros sim`.
//!
//! See `docs/routeros.md` for the protocol subset and the simulator.

pub mod api;
pub mod client;
pub mod command;
pub mod duration;
pub mod error;
pub mod menus;
pub mod pool;
pub mod proto;
pub mod reply;
pub mod sim;
pub mod tls;

pub use api::{Api, FirewallTable};
pub use client::{ConnectOptions, Connection, InFlight, LoginMethod};
pub use command::{Command, Response};
pub use duration::{format_duration, parse_duration};
pub use error::{Error, Result};
pub use menus::FromRow;
pub use pool::{Pool, PoolConfig};
pub use reply::Row;
pub use tls::{TlsOptions, TlsVerify};
