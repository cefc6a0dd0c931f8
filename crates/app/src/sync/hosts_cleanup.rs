//! Router housekeeping the quota sync does not do:
//!
//! * [`stale_hosts`]: hotspot host rows left outside the hotspot ranges by a client that
//!   roamed (same MAC bypassed and present inside the ranges, ARP or DHCP showing its local
//!   address, idle at least `AUTO_CLEANUP_STALE_HOTSPOT_HOSTS_MIN_IDLE_SECONDS`) are removed;
//!   nothing else is touched.
//! * [`waiting_dhcp`]: DHCP leases in `waiting` whose comment carries our keyword
//!   (`AUTO_CLEANUP_WAITING_DHCP_ARP_COMMENT_KEYWORD`) and unseen for
//!   `AUTO_CLEANUP_WAITING_DHCP_ARP_MIN_LAST_SEEN_SECONDS` are removed with their ARP row.

use std::collections::{HashMap, HashSet};
use std::net::IpAddr;

use ipnet::IpNet;
use saring_routeros::menus::{ArpEntry, DhcpLease, HotspotHost};
use saring_routeros::{Api, parse_duration};
use saring_store::repo::routers::Router;
use serde::Serialize;

use crate::context::App;
use crate::error::AppResult;
use crate::router::{RouterHandle, router_error};

const HOST: &str = "/ip/hotspot/host";
const LEASE: &str = "/ip/dhcp-server/lease";
const ARP: &str = "/ip/arp";

#[derive(Debug, Clone, Default, Serialize)]
pub struct CleanupReport {
    pub router: String,
    /// Why nothing was checked.
    pub skipped: Option<String>,
    pub checked: usize,
    /// `mac@address` of each row removed.
    pub removed: Vec<String>,
    pub arp_removed: usize,
    /// Rows that qualified but were kept (see `kept_because`).
    pub kept: Vec<String>,
    pub kept_because: Option<String>,
}

fn inside(nets: &[IpNet], ip: Option<&str>) -> bool {
    ip.and_then(|a| a.parse::<IpAddr>().ok())
        .is_some_and(|ip| nets.iter().any(|n| n.contains(&ip)))
}

/// Removes foreign host rows (see the module docs).
pub async fn stale_hosts(app: &App, router: &Router) -> AppResult<CleanupReport> {
    let mut report = CleanupReport {
        router: router.spec.name.clone(),
        ..CleanupReport::default()
    };
    let nets = crate::router::cidrs(router);
    if nets.is_empty() {
        report.skipped = Some("no hotspot ranges".into());
        return Ok(report);
    }
    let rh = RouterHandle::open(app, router.clone())?;
    let name = rh.name().to_owned();
    let (hosts, arp, leases) = tokio::try_join!(
        rh.pool.list::<HotspotHost>(&[]),
        rh.pool.list::<ArpEntry>(&[]),
        rh.pool.list::<DhcpLease>(&[]),
    )
    .map_err(|e| router_error(&name, e))?;
    report.checked = hosts.len();
    let key = |mac: &str| mac.to_ascii_uppercase();
    let mut local: HashSet<String> = HashSet::new();
    for h in hosts.iter().filter(|h| inside(&nets, h.address.as_deref())) {
        local.insert(key(&h.mac_address));
    }
    let mut known_local: HashSet<String> = HashSet::new();
    for (mac, ip) in arp
        .iter()
        .filter_map(|a| Some((a.mac_address.as_deref()?, a.address.as_str())))
        .chain(
            leases
                .iter()
                .map(|l| (l.mac_address.as_str(), l.address.as_str())),
        )
    {
        if inside(&nets, Some(ip)) {
            known_local.insert(key(mac));
        }
    }
    let min_idle = std::time::Duration::from_secs(
        u64::try_from(app.config().worker.stale_hosts.min_idle_seconds).unwrap_or(3600),
    );
    let foreign: Vec<&HotspotHost> = hosts
        .iter()
        .filter(|h| {
            !inside(&nets, h.address.as_deref())
                && !inside(&nets, h.to_address.as_deref())
                && h.bypassed
                && local.contains(&key(&h.mac_address))
                && known_local.contains(&key(&h.mac_address))
                && h.idle_time >= min_idle
        })
        .collect();
    for h in foreign {
        match rh.pool.remove(HOST, &[h.id.as_str()]).await {
            Ok(()) => {}
            Err(e) if e.is_no_such_item() => continue,
            Err(e) => return Err(router_error(&name, e)),
        }
        report.removed.push(format!(
            "{}@{}",
            h.mac_address,
            h.address.as_deref().unwrap_or("-")
        ));
    }
    Ok(report)
}

/// Removes waiting leases of ours unseen for long, with their ARP rows.
pub async fn waiting_dhcp(app: &App, router: &Router) -> AppResult<CleanupReport> {
    let w = &app.config().worker;
    let mut report = CleanupReport {
        router: router.spec.name.clone(),
        ..CleanupReport::default()
    };
    let rh = RouterHandle::open(app, router.clone())?;
    let name = rh.name().to_owned();
    let (leases, arp) = tokio::try_join!(
        rh.pool.list::<DhcpLease>(&[]),
        rh.pool.list::<ArpEntry>(&[]),
    )
    .map_err(|e| router_error(&name, e))?;
    report.checked = leases.len();
    let min_seen = std::time::Duration::from_secs(
        u64::try_from(w.waiting_dhcp.min_last_seen_seconds).unwrap_or(21_600),
    );
    let arp_by_ip: HashMap<&str, &str> = arp
        .iter()
        .map(|a| (a.address.as_str(), a.id.as_str()))
        .collect();
    let arp_by_mac: HashMap<String, &str> = arp
        .iter()
        .filter_map(|a| {
            Some((
                a.mac_address.as_deref()?.to_ascii_uppercase(),
                a.id.as_str(),
            ))
        })
        .collect();
    for l in &leases {
        let ours = l
            .comment
            .as_deref()
            .is_some_and(|c| c.to_lowercase().contains(&w.waiting_dhcp.keyword));
        let seen = l
            .last_seen
            .as_deref()
            .and_then(parse_duration)
            .filter(|d| !d.is_zero());
        if !ours || l.status.as_deref() != Some("waiting") || seen.is_none_or(|d| d < min_seen) {
            continue;
        }
        // The keyword is the reference's too: another install's leases are kept unless this
        // install owns the router.
        if let Some(reason) = super::removal_hold(router, false) {
            report.kept.push(format!("{}@{}", l.mac_address, l.address));
            report.kept_because = Some(reason);
            continue;
        }
        match rh.pool.remove(LEASE, &[l.id.as_str()]).await {
            Ok(()) => {}
            Err(e) if e.is_no_such_item() => continue,
            Err(e) => return Err(router_error(&name, e)),
        }
        report
            .removed
            .push(format!("{}@{}", l.mac_address, l.address));
        let arp_id = arp_by_ip
            .get(l.address.as_str())
            .or_else(|| arp_by_mac.get(&l.mac_address.to_ascii_uppercase()));
        if let Some(id) = arp_id {
            match rh.pool.remove(ARP, &[id]).await {
                Ok(()) => report.arp_removed += 1,
                Err(e) if e.is_no_such_item() => {}
                Err(e) => return Err(router_error(&name, e)),
            }
        }
    }
    Ok(report)
}
