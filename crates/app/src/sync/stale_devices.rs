//! Stale devices (`DEVICE_STALE_DAYS`, 0: never): a device not seen for that long, and not on
//! the router's hotspot right now, is taken off the router (binding, list entries) and
//! forgotten, so it neither holds a device slot nor keeps a bypass on the router forever.

use std::collections::{HashMap, HashSet};

use chrono::Duration;
use saring_routeros::Api;
use saring_routeros::menus::HotspotHost;
use saring_store::repo::routers::Router;
use saring_store::repo::{devices, sync as sync_repo};
use serde::Serialize;

use crate::context::App;
use crate::error::AppResult;
use crate::router::{self, RouterHandle, router_error};

#[derive(Debug, Clone, Default, Serialize)]
pub struct StaleDeviceReport {
    pub router: String,
    pub checked: usize,
    /// MAC addresses removed.
    pub removed: Vec<String>,
}

pub async fn cleanup(app: &App, router: &Router) -> AppResult<StaleDeviceReport> {
    let days = app.config().devices.stale_days;
    let mut report = StaleDeviceReport {
        router: router.spec.name.clone(),
        ..StaleDeviceReport::default()
    };
    if days <= 0 {
        return Ok(report);
    }
    let cutoff = app.now() - Duration::days(days);
    let all = sync_repo::devices_for_router(app.db(), router.id, router.is_default).await?;
    report.checked = all.len();
    let stale: Vec<_> = all
        .into_iter()
        .filter(|d| {
            let last = [
                d.last_bytes_updated_at,
                Some(d.last_seen_at),
                d.authorized_at,
                Some(d.first_seen_at),
            ]
            .into_iter()
            .flatten()
            .max();
            last.is_some_and(|t| t < cutoff)
        })
        .collect();
    if stale.is_empty() {
        return Ok(report);
    }
    let rh = RouterHandle::open(app, router.clone())?;
    let name = router.spec.name.as_str();
    // Never remove a device that is on the hotspot right now, whatever the database says.
    let online: HashSet<String> = rh
        .pool
        .list::<HotspotHost>(&[])
        .await
        .map_err(|e| router_error(name, e))?
        .into_iter()
        .filter_map(|h| saring_domain::Mac::parse(&h.mac_address).ok())
        .map(|m| m.to_string())
        .collect();
    let ids: Vec<uuid::Uuid> = stale.iter().map(|d| d.user_id.0).collect();
    let owners: HashMap<_, _> = sync_repo::users_by_ids(app.db(), &ids)
        .await?
        .into_iter()
        .map(|u| (u.id, u))
        .collect();
    for d in stale {
        if online.contains(&d.mac.to_string()) {
            continue;
        }
        let Some(owner) = owners.get(&d.user_id) else {
            continue;
        };
        let ip = d.ip_address.as_deref().and_then(|s| s.parse().ok());
        router::remove_device(app, &rh, owner, d.mac, ip).await?;
        devices::delete(app.db(), d.id).await?;
        crate::accounts::forget_user(app, d.user_id);
        report.removed.push(d.mac.to_string());
    }
    Ok(report)
}
