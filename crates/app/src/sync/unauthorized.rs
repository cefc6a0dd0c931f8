//! The unauthorized-hosts list (`UNAUTHORIZED_SYNC_ENABLED`): every device on the hotspot's
//! client ranges that belongs to no authorised user is kept in the address list
//! `MIKROTIK_ADDRESS_LIST_UNAUTHORIZED` (entries time out after
//! `MIKROTIK_ADDRESS_LIST_UNAUTHORIZED_TIMEOUT`), so the router's firewall can send it to the
//! portal; an address leaves the list as soon as an authorised device holds it. A device
//! counts as authorised when Saring has authorised it for an approved, active account, or
//! when the hotspot itself reports it logged in.

use std::collections::{BTreeSet, HashSet};
use std::net::IpAddr;

use saring_domain::access::ApprovalStatus;
use saring_routeros::Api;
use saring_routeros::menus::{AddressListEntry, HotspotHost};
use saring_store::repo::routers::Router;
use saring_store::repo::sync as sync_repo;
use serde::Serialize;

use crate::context::App;
use crate::error::AppResult;
use crate::router::{self, RouterHandle, router_error};

const MENU: &str = "/ip/firewall/address-list";

#[derive(Debug, Clone, Default, Serialize)]
pub struct UnauthorizedReport {
    pub router: String,
    pub hosts: usize,
    pub unauthorized: usize,
    pub added: Vec<String>,
    pub removed: Vec<String>,
    /// Entries no longer wanted but kept (see `kept_because`).
    pub kept: Vec<String>,
    pub kept_because: Option<String>,
}

pub async fn sync(app: &App, router: &Router) -> AppResult<UnauthorizedReport> {
    let c = app.config();
    let list = c.policy.lists.unauthorized.as_str();
    let name = router.spec.name.as_str();
    let users = sync_repo::users_for_router(app.db(), router.id, router.is_default).await?;
    let allowed_users: HashSet<_> = users
        .iter()
        .filter(|u| u.is_active && u.approval_status == ApprovalStatus::Approved)
        .map(|u| u.id)
        .collect();
    let known_macs: HashSet<String> =
        sync_repo::devices_for_router(app.db(), router.id, router.is_default)
            .await?
            .into_iter()
            .filter(|d| d.is_authorized && allowed_users.contains(&d.user_id))
            .map(|d| d.mac.to_string())
            .collect();

    let rh = RouterHandle::open(app, router.clone())?;
    let hosts: Vec<HotspotHost> = rh.pool.list(&[]).await.map_err(|e| router_error(name, e))?;
    let entries: Vec<AddressListEntry> = rh
        .pool
        .list(&[("list", list)])
        .await
        .map_err(|e| router_error(name, e))?;

    let mut report = UnauthorizedReport {
        router: name.to_owned(),
        hosts: hosts.len(),
        ..UnauthorizedReport::default()
    };
    let mut known_ips = BTreeSet::new();
    let mut unknown_ips = BTreeSet::new();
    for h in &hosts {
        let Some(ip) = h.address.as_deref().and_then(|a| a.parse::<IpAddr>().ok()) else {
            continue;
        };
        if !router::in_hotspot(router, ip) {
            continue;
        }
        let mac = saring_domain::Mac::parse(&h.mac_address).map(|m| m.to_string());
        let known = h.authorized || mac.is_ok_and(|m| known_macs.contains(&m));
        if known {
            known_ips.insert(ip.to_string());
        } else {
            unknown_ips.insert(ip.to_string());
        }
    }
    // An address an authorised device holds is never listed, even if another row claims it.
    let desired: BTreeSet<&String> = unknown_ips.difference(&known_ips).collect();
    report.unauthorized = desired.len();

    let mut present = BTreeSet::new();
    let mut stale = Vec::new();
    for e in &entries {
        if desired.contains(&e.address) && present.insert(e.address.clone()) {
            continue;
        }
        stale.push(e.id.as_str());
        report.removed.push(e.address.clone());
    }
    if let Some(reason) = crate::sync::remove_if_owned(&rh, MENU, &stale).await? {
        report.kept = std::mem::take(&mut report.removed);
        report.kept_because = Some(reason);
    }
    let comment = format!("{}|unauthorized", c.worker.walled_garden.comment_prefix);
    for ip in desired.into_iter().filter(|ip| !present.contains(*ip)) {
        rh.pool
            .add(
                MENU,
                &[
                    ("list", list),
                    ("address", ip.as_str()),
                    ("timeout", c.worker.unauthorized.timeout.as_str()),
                    ("comment", comment.as_str()),
                ],
            )
            .await
            .map_err(|e| router_error(name, e))?;
        report.added.push(ip.clone());
    }
    Ok(report)
}
