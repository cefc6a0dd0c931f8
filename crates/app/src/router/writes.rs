//! The writes that make a router reflect one user's state — the ip-binding per device, the
//! status address list per IP, the hotspot user, static leases — plus reading which MAC holds
//! an IP. Used alike by logins, the outbox and the quota sync.
//!
//! Every write is "read, then act by id" and idempotent: running an operation twice leaves
//! the router exactly as running it once. Comments use the reference's formats
//! (`authorized|user=08…|uid=…`, `lpsaring|status=…|uid=…`) so its audits and firewall rules
//! keep working.

use std::net::IpAddr;

use saring_domain::access::{AccessDecision, AccessStatus};
use saring_domain::mac::Mac;
use saring_domain::user::User;
use saring_routeros::menus::{AddressListEntry, DhcpLease, HotspotHost};
use saring_routeros::{Api, Pool};
use saring_store::repo::routers::Router;

use super::hub::{RouterHandle, router_error};
use super::select::in_hotspot;
use super::{apply, plan};
use crate::context::App;
use crate::error::AppResult;

/// Which MAC holds `ip` according to the router: hotspot host table, then ARP, then DHCP.
pub async fn mac_for_ip(pool: &Pool, router: &str, ip: IpAddr) -> AppResult<Option<Mac>> {
    let ip_text = ip.to_string();
    let hosts: Vec<HotspotHost> = pool
        .list(&[("address", &ip_text)])
        .await
        .map_err(|e| router_error(router, e))?;
    let translated: Vec<HotspotHost> = if hosts.is_empty() {
        pool.list(&[("to-address", &ip_text)])
            .await
            .map_err(|e| router_error(router, e))?
    } else {
        Vec::new()
    };
    if let Some(mac) = hosts
        .iter()
        .chain(&translated)
        .find_map(|h| Mac::parse(&h.mac_address).ok())
    {
        return Ok(Some(mac));
    }
    let arp: Vec<saring_routeros::menus::ArpEntry> = pool
        .list(&[("address", &ip_text)])
        .await
        .map_err(|e| router_error(router, e))?;
    if let Some(mac) = arp
        .iter()
        .find_map(|a| a.mac_address.as_deref().and_then(|m| Mac::parse(m).ok()))
    {
        return Ok(Some(mac));
    }
    let leases: Vec<saring_routeros::menus::DhcpLease> = pool
        .list(&[("address", &ip_text)])
        .await
        .map_err(|e| router_error(router, e))?;
    Ok(leases.iter().find_map(|l| Mac::parse(&l.mac_address).ok()))
}

/// `date=dd-mm-yyyy|time=HH:MM:SS` in the app's time zone.
pub fn stamp(app: &App) -> String {
    let now = app.now();
    let tz = app.config().app.timezone;
    format!("date={}|time={}", tz.format_date(now), tz.format_time(now))
}

/// Whether a router comment names this user as its owner (`uid=` token, exact).
pub fn comment_owned_by(comment: Option<&str>, user: &User) -> bool {
    let uid = user.id.to_string();
    comment.is_some_and(|c| {
        c.split(['|', ' '])
            .any(|t| t.strip_prefix("uid=") == Some(uid.as_str()))
    })
}

/// The hotspot server for this user's bindings: the role's server when the router has it,
/// else `all`.
pub fn server_for(app: &App, router: &Router, user: &User) -> String {
    let wanted = match user.role {
        saring_domain::Role::Komandan => &app.config().router.server_komandan,
        _ => &app.config().router.server_user,
    };
    if router.spec.hotspot_server_names.iter().any(|s| s == wanted) {
        wanted.clone()
    } else {
        "all".to_owned()
    }
}

pub use super::plan::BindingChange;

/// Where static DHCP leases go, when they are on (`MIKROTIK_DHCP_STATIC_LEASE_ENABLED` and
/// `MIKROTIK_DHCP_LEASE_SERVER_NAME` set).
pub fn lease_target(app: &App) -> Option<plan::LeaseTarget> {
    let r = &app.config().router;
    if !r.dhcp_static_lease_enabled {
        return None;
    }
    r.dhcp_lease_server_name
        .clone()
        .filter(|s| !s.trim().is_empty())
        .map(|server| plan::LeaseTarget {
            server,
            keyword: app.config().worker.waiting_dhcp.keyword.clone(),
        })
}

/// Makes the router reflect one device of a user: the ip-binding for its MAC with the type
/// the policy gives, the device's IP in exactly the status list, and (when the binding
/// changed) the stale host row removed so the device re-enters with its new binding. The
/// rules are those of the quota sync ([`super::plan`]), fed with rows printed for
/// this device.
pub async fn apply_device(
    app: &App,
    rh: &RouterHandle,
    user: &User,
    decision: &AccessDecision,
    mac: Mac,
    ip: Option<IpAddr>,
    source: &str,
) -> AppResult<BindingChange> {
    let (pool, router) = (&rh.pool, &rh.router);
    let name = router.spec.name.as_str();
    let err = |e| router_error(name, e);
    let binding_type = decision.router.binding_type;
    let stamp = stamp(app);
    let comment = plan::binding_comment(user, binding_type, source, &stamp);
    let server = server_for(app, router, user);
    let existing = pool
        .ip_bindings(Some(&mac.to_string()))
        .await
        .map_err(err)?;
    let existing: Vec<&saring_routeros::menus::IpBinding> = existing.iter().collect();
    let (mut ops, change) = plan::binding(user, binding_type, &server, &comment, mac, &existing);
    if let Some(ip) = ip.filter(|ip| in_hotspot(router, *ip)) {
        ops.extend(status_list_ops(app, rh, user, decision, ip, &stamp).await?);
        if let Some(target) = lease_target(app) {
            let (mac_text, ip_text) = (mac.to_string(), ip.to_string());
            let (q_mac, q_ip) = (
                [("mac-address", mac_text.as_str())],
                [("address", ip_text.as_str())],
            );
            let (for_mac, for_ip) = tokio::try_join!(
                pool.list::<DhcpLease>(&q_mac),
                pool.list::<DhcpLease>(&q_ip),
            )
            .map_err(err)?;
            let comment = plan::lease_comment(user, &target.keyword, source, &stamp);
            ops.extend(plan::static_lease(
                &target,
                &comment,
                mac,
                ip,
                &for_mac.iter().collect::<Vec<_>>(),
                &for_ip.iter().collect::<Vec<_>>(),
            ));
        }
    }
    if change.type_changed {
        let hosts: Vec<HotspotHost> = pool
            .list(&[("mac-address", &mac.to_string())])
            .await
            .map_err(err)?;
        let ids: Vec<String> = hosts.iter().map(|h| h.id.clone()).collect();
        if !ids.is_empty() {
            ops.push(plan::Op::RemoveHosts(ids));
        }
    }
    apply::run_in_order(pool, &ops).await.map_err(err)?;
    Ok(change)
}

async fn status_list_ops(
    app: &App,
    rh: &RouterHandle,
    user: &User,
    decision: &AccessDecision,
    ip: IpAddr,
    stamp: &str,
) -> AppResult<Vec<plan::Op>> {
    let entries: Vec<AddressListEntry> = rh
        .pool
        .address_list(None, Some(&ip.to_string()))
        .await
        .map_err(|e| router_error(rh.name(), e))?;
    let entries: Vec<&AddressListEntry> = entries.iter().collect();
    let comment = plan::status_comment(user, decision, ip, stamp);
    Ok(plan::status_entry(
        &app.config().policy.lists,
        user,
        decision,
        ip,
        &comment,
        &entries,
    ))
}

/// Puts `ip` in the list for the user's status and takes it out of every other managed list
/// (and the unauthorized list). An entry already carrying the same owner and status is left
/// alone, so repeated syncs write nothing.
pub async fn set_status_list(
    app: &App,
    rh: &RouterHandle,
    user: &User,
    decision: &AccessDecision,
    ip: IpAddr,
) -> AppResult<()> {
    let ops = status_list_ops(app, rh, user, decision, ip, &stamp(app)).await?;
    apply::run_in_order(&rh.pool, &ops)
        .await
        .map_err(|e| router_error(rh.name(), e))
}

/// Removes the hotspot host rows of a MAC (the device reconnects and is re-evaluated).
pub async fn remove_host_rows(pool: &Pool, router: &str, mac: Mac) -> AppResult<()> {
    let hosts: Vec<HotspotHost> = pool
        .list(&[("mac-address", &mac.to_string())])
        .await
        .map_err(|e| router_error(router, e))?;
    let ids: Vec<&str> = hosts.iter().map(|h| h.id.as_str()).collect();
    match pool.remove("/ip/hotspot/host", &ids).await {
        Ok(()) => Ok(()),
        // Gone between print and remove (idle timeout): nothing left to do.
        Err(e) if e.is_no_such_item() => Ok(()),
        Err(e) => Err(router_error(router, e)),
    }
}

/// Takes a device off the router: its bindings, the status-list entries this user owns for
/// its IP, and its host rows.
pub async fn remove_device(
    app: &App,
    rh: &RouterHandle,
    user: &User,
    mac: Mac,
    ip: Option<IpAddr>,
) -> AppResult<()> {
    let pool = &rh.pool;
    let name = rh.name();
    let err = |e| router_error(name, e);
    let bindings = pool
        .ip_bindings(Some(&mac.to_string()))
        .await
        .map_err(err)?;
    let ids: Vec<&str> = bindings.iter().map(|b| b.id.as_str()).collect();
    pool.remove("/ip/hotspot/ip-binding", &ids)
        .await
        .map_err(err)?;
    if let Some(ip) = ip {
        let lists = &app.config().policy.lists;
        let entries: Vec<AddressListEntry> = pool
            .address_list(None, Some(&ip.to_string()))
            .await
            .map_err(err)?;
        let owned: Vec<&str> = entries
            .iter()
            .filter(|e| {
                lists.managed().contains(&e.list.as_str())
                    && comment_owned_by(e.comment.as_deref(), user)
            })
            .map(|e| e.id.as_str())
            .collect();
        pool.remove("/ip/firewall/address-list", &owned)
            .await
            .map_err(err)?;
    }
    // Our static leases of the MAC (never an operator's).
    let keyword = &app.config().worker.waiting_dhcp.keyword;
    let leases: Vec<DhcpLease> = pool
        .list(&[("mac-address", &mac.to_string())])
        .await
        .map_err(err)?;
    let ours: Vec<&str> = leases
        .iter()
        .filter(|l| !l.dynamic && plan::lease_is_ours(l.comment.as_deref(), keyword))
        .map(|l| l.id.as_str())
        .collect();
    pool.remove("/ip/dhcp-server/lease", &ours)
        .await
        .map_err(err)?;
    remove_host_rows(pool, name, mac).await
}

/// `limit-bytes-total` for the user's hotspot user. 0 = no limit on RouterOS: only for
/// unlimited access. Without quota the limit is one byte, so a hotspot login cannot give a
/// habis/expired/blocked user data.
pub fn limit_bytes_total(app: &App, user: &User, decision: &AccessDecision) -> String {
    if !app.config().router.send_limit_bytes_total {
        return "0".to_owned();
    }
    match decision.detail {
        AccessStatus::Unlimited => "0".to_owned(),
        AccessStatus::Active | AccessStatus::Fup => {
            user.quota_account().effective_quota().0.max(1).to_string()
        }
        _ => "1".to_owned(),
    }
}

/// Creates or updates the user's hotspot user (`name` = local `08…` number): password,
/// profile for the status, server for the role, and the byte/time limits when enabled.
/// A profile the router does not have falls back to `default` (logged), so an incomplete
/// router setup does not block approvals.
pub async fn upsert_hotspot_user(
    app: &App,
    rh: &RouterHandle,
    user: &User,
    decision: &AccessDecision,
    password: &str,
) -> AppResult<()> {
    let (pool, router) = (&rh.pool, &rh.router);
    let name = router.spec.name.as_str();
    let err = |e| router_error(name, e);
    let username = user.hotspot_username();
    let server = server_for(app, router, user);
    let account = user.quota_account();
    let limit_bytes = limit_bytes_total(app, user, decision);
    let limit_uptime = match (app.config().router.send_session_timeout, account.expiry) {
        (true, Some(expiry)) => (expiry - app.now()).num_seconds().max(1).to_string(),
        _ => "0s".to_owned(),
    };
    let comment = format!("saring|{}|{}", plan::owner_tokens(user), stamp(app));
    let existing = pool.hotspot_users(Some(&username)).await.map_err(err)?;
    let write = |profile: String| {
        let attrs: Vec<(&str, String)> = vec![
            ("password", password.to_owned()),
            ("profile", profile),
            ("server", server.clone()),
            ("limit-bytes-total", limit_bytes.clone()),
            ("limit-uptime", limit_uptime.clone()),
            ("comment", comment.clone()),
        ];
        let existing_id = existing.first().map(|u| u.id.clone());
        let username = username.clone();
        async move {
            let borrowed: Vec<(&str, &str)> = attrs.iter().map(|(k, v)| (*k, v.as_str())).collect();
            match existing_id {
                Some(id) => pool.set("/ip/hotspot/user", &id, &borrowed).await,
                None => {
                    let mut with_name = vec![("name", username.as_str())];
                    with_name.extend(borrowed);
                    pool.add("/ip/hotspot/user", &with_name).await.map(drop)
                }
            }
        }
    };
    match write(decision.router.profile.clone()).await {
        Ok(()) => Ok(()),
        Err(e) if e.is_trap_containing("of profile") => {
            tracing::warn!(router = name, profile = %decision.router.profile, "hotspot profile missing on the router, using `default`");
            write("default".to_owned()).await.map_err(err)
        }
        Err(e) => Err(err(e)),
    }
}

/// Removes the hotspot user called `username` from the router (nothing when it is absent).
pub async fn remove_hotspot_user(rh: &RouterHandle, username: &str) -> AppResult<bool> {
    let existing = rh
        .pool
        .hotspot_users(Some(username))
        .await
        .map_err(|e| router_error(rh.name(), e))?;
    let ids: Vec<&str> = existing.iter().map(|u| u.id.as_str()).collect();
    if ids.is_empty() {
        return Ok(false);
    }
    rh.pool
        .remove("/ip/hotspot/user", &ids)
        .await
        .map_err(|e| router_error(rh.name(), e))?;
    Ok(true)
}
