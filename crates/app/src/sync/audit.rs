//! The nightly router audit: what Saring wrote on the router for people who are gone or whose
//! state has moved on. Removed (at most 500 items a run): ip-bindings, status-list entries and
//! hotspot users whose `uid=` names no account; blocked-list entries of accounts that are no
//! longer blocked. Entries without a `uid=` (made by hand) are never touched. The quota sync
//! keeps live accounts right; this catches what it never looks at.

use std::collections::HashSet;

use saring_routeros::Api;
use saring_routeros::menus::{AddressListEntry, HotspotUser, IpBinding};
use saring_store::repo::routers::Router;
use saring_store::repo::users;
use serde::Serialize;

use super::plan::uid_of;
use crate::context::App;
use crate::error::AppResult;
use crate::netpolicy::{RouterHandle, router_error};

const MAX_REMOVALS: usize = 500;

#[derive(Debug, Clone, Default, Serialize)]
pub struct AuditReport {
    pub router: String,
    pub orphan_bindings: usize,
    pub orphan_list_entries: usize,
    pub orphan_hotspot_users: usize,
    pub stale_blocked_entries: usize,
}

pub async fn run(app: &App, router: &Router) -> AppResult<AuditReport> {
    let (accounts, _) = users::list(app.db(), &users::UserFilter::default(), 0, 10_000_000).await?;
    let known: HashSet<String> = accounts.iter().map(|u| u.id.to_string()).collect();
    let blocked: HashSet<String> = accounts
        .iter()
        .filter(|u| u.is_blocked)
        .map(|u| u.id.to_string())
        .collect();
    let orphan = |comment: Option<&str>| uid_of(comment).is_some_and(|uid| !known.contains(uid));

    let name = router.spec.name.as_str();
    let err = |e| router_error(name, e);
    let rh = RouterHandle::open(app, router.clone())?;
    let bindings: Vec<IpBinding> = rh.pool.list(&[]).await.map_err(err)?;
    let hs_users: Vec<HotspotUser> = rh.pool.list(&[]).await.map_err(err)?;
    let lists = &app.config().policy.lists;
    let status_lists = [
        &lists.active,
        &lists.fup,
        &lists.habis,
        &lists.expired,
        &lists.inactive,
        &lists.blocked,
    ];
    let entries: Vec<AddressListEntry> = rh.pool.list(&[]).await.map_err(err)?;

    let mut report = AuditReport {
        router: name.to_owned(),
        ..AuditReport::default()
    };
    let mut budget = MAX_REMOVALS;
    let mut take = |ids: Vec<&str>| {
        let n = ids.len().min(budget);
        budget -= n;
        ids.into_iter()
            .take(n)
            .map(str::to_owned)
            .collect::<Vec<String>>()
    };
    let ids = take(
        bindings
            .iter()
            .filter(|b| orphan(b.comment.as_deref()))
            .map(|b| b.id.as_str())
            .collect(),
    );
    report.orphan_bindings = ids.len();
    remove(&rh, "/ip/hotspot/ip-binding", &ids, name).await?;

    let ours: Vec<&AddressListEntry> = entries
        .iter()
        .filter(|e| status_lists.iter().any(|l| **l == e.list))
        .collect();
    let ids = take(
        ours.iter()
            .filter(|e| orphan(e.comment.as_deref()))
            .map(|e| e.id.as_str())
            .collect(),
    );
    report.orphan_list_entries = ids.len();
    remove(&rh, "/ip/firewall/address-list", &ids, name).await?;
    let ids = take(
        ours.iter()
            .filter(|e| e.list == lists.blocked)
            .filter(|e| {
                uid_of(e.comment.as_deref())
                    .is_some_and(|uid| known.contains(uid) && !blocked.contains(uid))
            })
            .map(|e| e.id.as_str())
            .collect(),
    );
    report.stale_blocked_entries = ids.len();
    remove(&rh, "/ip/firewall/address-list", &ids, name).await?;

    let ids = take(
        hs_users
            .iter()
            .filter(|u| orphan(u.comment.as_deref()))
            .map(|u| u.id.as_str())
            .collect(),
    );
    report.orphan_hotspot_users = ids.len();
    remove(&rh, "/ip/hotspot/user", &ids, name).await?;
    Ok(report)
}

async fn remove(rh: &RouterHandle, menu: &str, ids: &[String], name: &str) -> AppResult<()> {
    let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
    rh.pool
        .remove(menu, &ids)
        .await
        .map_err(|e| router_error(name, e))
}
