//! The worker's router-side use cases: the quota sync ([`quota`]) with its exact counter
//! arithmetic ([`counters`]), the shared per-user router plan ([`plan`]) and its execution
//! ([`apply`]), leases ([`lock`]), the per-user quota lock ([`quota_lock`]), router health
//! ([`health`]), full re-push / quota resets ([`push`]), the walled garden
//! ([`walled_garden`]), the unauthorized-hosts list ([`unauthorized`]), stale devices
//! ([`stale_devices`]), foreign host rows and waiting DHCP leases ([`hosts_cleanup`]), the
//! policy parity guard ([`parity`]), the nightly router audit ([`audit`]) and the banking
//! bypass ([`banking`]). See `docs/worker.md`.
//!
//! **Ownership.** Saring writes the same comment formats as lpsaring, so a comment prefix or a
//! `uid=` does not prove that this install wrote an entry. Jobs that remove entries they
//! cannot tell apart from another install's (walled garden, unauthorized list, banking list,
//! waiting leases, the audit) remove them only on routers this install has adopted; elsewhere
//! they report what they kept and why ([`removal_hold`]).

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

use saring_routeros::Api;
use saring_store::repo::routers::Router;

use crate::error::AppResult;
use crate::netpolicy::{RouterHandle, router_error};

/// Why removals of entries this install cannot prove it wrote are held back on this router:
/// a dry run, or a router not adopted. `None`: they may go.
pub fn removal_hold(router: &Router, dry_run: bool) -> Option<String> {
    if dry_run {
        Some("dry run: nothing is removed".into())
    } else if !router.is_adopted() {
        Some(format!(
            "router {} is not adopted: entries this install cannot prove it wrote are kept (adopt it on the routers page or with `saring router adopt {}`)",
            router.spec.name, router.spec.name
        ))
    } else {
        None
    }
}

/// Removes `ids` from `menu` unless removals are held back on this router. Returns why they
/// were kept (`None`: removed).
pub async fn remove_if_owned(
    rh: &RouterHandle,
    menu: &str,
    ids: &[&str],
) -> AppResult<Option<String>> {
    if ids.is_empty() {
        return Ok(None);
    }
    if let Some(reason) = removal_hold(&rh.router, false) {
        return Ok(Some(reason));
    }
    rh.pool
        .remove(menu, ids)
        .await
        .map_err(|e| router_error(rh.name(), e))?;
    Ok(None)
}
