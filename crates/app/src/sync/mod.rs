//! The worker's router-side use cases: the quota sync ([`quota`]) with its exact counter
//! arithmetic ([`counters`]), the shared per-user router plan ([`plan`]) and its execution
//! ([`apply`]), leases ([`lock`]), the per-user quota lock ([`quota_lock`]), router health
//! ([`health`]), full re-push / quota resets ([`push`]), the walled garden
//! ([`walled_garden`]), the unauthorized-hosts list ([`unauthorized`]) stale devices
//! ([`stale_devices`]) the nightly router audit ([`audit`]) and the
//! banking bypass ([`banking`]). See `docs/worker.md`.

pub mod apply;
pub mod audit;
pub mod banking;
pub mod counters;
pub mod desired;
pub mod health;
pub mod hosts_cleanup;
pub mod lock;
pub mod parity;
pub mod plan;
pub mod push;
pub mod quota;
pub mod quota_lock;
pub mod stale_devices;
pub mod unauthorized;
pub mod walled_garden;
