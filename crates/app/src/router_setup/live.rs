//! What a router shows right now: its hotspot hosts and active sessions, each named with the
//! account its MAC address belongs to (the routers page's live view).

use std::collections::HashMap;

use saring_domain::Mac;
use saring_domain::dto::routers::{LIVE_LIMIT, LiveHost, LiveOwner, LiveSession, RouterLive};
use saring_routeros::Api;
use saring_store::repo::sync;
use uuid::Uuid;

use crate::context::App;
use crate::error::AppResult;
use crate::router::RouterHandle;

/// Reads the router with this id (404 when there is none; 503 when it cannot be reached).
pub async fn live(app: &App, id: Uuid) -> AppResult<RouterLive> {
    let router = crate::router::existing_router(app, id).await?;
    let rh = RouterHandle::open(app, router.clone())?;
    let (hosts, active) = tokio::try_join!(rh.pool.hotspot_hosts(), rh.pool.hotspot_active())
        .map_err(|e| crate::router::router_error(&router.spec.name, e))?;
    let owners = owners(app, &router).await?;
    let owner_of = |mac: &str| Mac::parse(mac).ok().and_then(|m| owners.get(&m).cloned());
    let truncated = hosts.len() > LIVE_LIMIT || active.len() > LIVE_LIMIT;
    Ok(RouterLive {
        router: router.spec.name.clone(),
        read_at: app.now(),
        hosts: hosts
            .into_iter()
            .take(LIVE_LIMIT)
            .map(|h| LiveHost {
                owner: owner_of(&h.mac_address),
                mac_address: h.mac_address,
                address: h.address,
                server: h.server,
                uptime_seconds: h.uptime.as_secs(),
                idle_seconds: h.idle_time.as_secs(),
                bytes_in: h.bytes_in,
                bytes_out: h.bytes_out,
                authorized: h.authorized,
                bypassed: h.bypassed,
            })
            .collect(),
        active: active
            .into_iter()
            .take(LIVE_LIMIT)
            .map(|a| LiveSession {
                owner: a.mac_address.as_deref().and_then(owner_of),
                user: a.user,
                address: a.address,
                mac_address: a.mac_address,
                login_by: a.login_by,
                uptime_seconds: a.uptime.as_secs(),
                bytes_in: a.bytes_in,
                bytes_out: a.bytes_out,
            })
            .collect(),
        truncated,
    })
}

/// The accounts of the router's known devices, by MAC.
async fn owners(
    app: &App,
    router: &saring_store::repo::routers::Router,
) -> AppResult<HashMap<Mac, LiveOwner>> {
    let devices = sync::devices_for_router(app.db(), router.id, router.is_default).await?;
    let mut ids: Vec<Uuid> = devices.iter().map(|d| d.user_id.0).collect();
    ids.sort_unstable();
    ids.dedup();
    let users: HashMap<_, _> = sync::users_by_ids(app.db(), &ids)
        .await?
        .into_iter()
        .map(|u| (u.id, u))
        .collect();
    Ok(devices
        .into_iter()
        .filter_map(|d| {
            let u = users.get(&d.user_id)?;
            Some((
                d.mac,
                LiveOwner {
                    user_id: u.id.to_string(),
                    full_name: u.full_name.clone(),
                    phone_number: u.phone.local(),
                },
            ))
        })
        .collect())
}
