//! The hotspot walled garden (`WALLED_GARDEN_ENABLED`): the hosts a user who is not logged in
//! (or has no quota) must still reach — the portal, the payment gateway, the messaging
//! providers and `WALLED_GARDEN_ALLOWED_HOSTS` — kept in `/ip/hotspot/walled-garden`.
//! Saring owns only the entries whose comment starts with
//! `WALLED_GARDEN_MANAGED_COMMENT_PREFIX`; entries an operator made by hand are never touched.

use std::collections::BTreeSet;

use saring_routeros::Api;
use saring_routeros::menus::WalledGarden;
use saring_store::repo::routers::Router;
use serde::Serialize;

use crate::config::Config;
use crate::context::App;
use crate::error::AppResult;
use crate::router::{RouterHandle, router_error};

const MENU: &str = "/ip/hotspot/walled-garden";

/// The host of a URL (`https://user@Host:8443/path` → `host`), if it has one.
pub fn url_host(url: &str) -> Option<String> {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let authority = rest.split(['/', '?', '#']).next()?;
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = if let Some(v6) = host_port.strip_prefix('[') {
        v6.split(']').next()?
    } else {
        host_port.split(':').next()?
    };
    let host = host.trim().trim_end_matches('.').to_ascii_lowercase();
    (!host.is_empty()).then_some(host)
}

/// Every host the walled garden must allow, sorted.
pub fn desired_hosts(c: &Config) -> BTreeSet<String> {
    let mut hosts: BTreeSet<String> = c
        .worker
        .walled_garden
        .allowed_hosts
        .iter()
        .map(|h| h.trim().to_ascii_lowercase())
        .filter(|h| !h.is_empty())
        .collect();
    let urls = [
        c.app.public_base_url.as_deref(),
        c.app.frontend_url.as_deref(),
        Some(c.whatsapp.api_url.as_str()),
        Some(c.telegram.api_base_url.as_str()),
    ];
    hosts.extend(urls.into_iter().flatten().filter_map(url_host));
    let midtrans: &[&str] = if c.payments.is_production {
        &["app.midtrans.com", "api.midtrans.com"]
    } else {
        &["app.sandbox.midtrans.com", "api.sandbox.midtrans.com"]
    };
    hosts.extend(midtrans.iter().map(|h| (*h).to_owned()));
    // Loopback and the simulator's own addresses mean nothing to the router.
    hosts.retain(|h| h != "localhost" && !h.starts_with("127."));
    hosts
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct WalledGardenReport {
    pub router: String,
    pub desired: usize,
    pub added: Vec<String>,
    pub removed: Vec<String>,
    /// Managed entries no longer wanted but kept (see `kept_because`).
    pub kept: Vec<String>,
    pub kept_because: Option<String>,
}

/// Brings one router's walled garden in line: adds the missing hosts, removes the managed
/// entries no longer wanted (and duplicates of a managed host). A second run changes nothing.
pub async fn sync(app: &App, router: &Router) -> AppResult<WalledGardenReport> {
    let c = app.config();
    let prefix = c.worker.walled_garden.comment_prefix.as_str();
    let comment = format!("{prefix}|walled-garden");
    let desired = desired_hosts(c);
    let rh = RouterHandle::open(app, router.clone())?;
    let name = router.spec.name.as_str();
    let rows: Vec<WalledGarden> = rh.pool.list(&[]).await.map_err(|e| router_error(name, e))?;
    let mut present = BTreeSet::new();
    let mut stale = Vec::new();
    let mut report = WalledGardenReport {
        router: name.to_owned(),
        desired: desired.len(),
        ..WalledGardenReport::default()
    };
    for row in &rows {
        let host = row.dst_host.as_deref().map(str::to_ascii_lowercase);
        let managed = row
            .comment
            .as_deref()
            .is_some_and(|c| c.starts_with(prefix));
        match host {
            // Hand-made entries count as present, so a host is never added twice.
            Some(h) if !managed => {
                present.insert(h);
            }
            Some(h) if desired.contains(&h) && present.insert(h.clone()) => {}
            other => {
                stale.push(row.id.as_str());
                report.removed.push(other.unwrap_or_default());
            }
        }
    }
    if let Some(reason) = super::remove_if_owned(&rh, MENU, &stale).await? {
        report.kept = std::mem::take(&mut report.removed);
        report.kept_because = Some(reason);
    }
    for host in desired.difference(&present) {
        rh.pool
            .add(
                MENU,
                &[
                    ("dst-host", host.as_str()),
                    ("action", "allow"),
                    ("comment", comment.as_str()),
                ],
            )
            .await
            .map_err(|e| router_error(name, e))?;
        report.added.push(host.clone());
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::url_host;

    #[test]
    fn hosts_of_urls() {
        assert_eq!(
            url_host("https://Portal.Example.id/login?x=1").as_deref(),
            Some("portal.example.id")
        );
        assert_eq!(
            url_host("http://user:pw@wifi.sekolah.sch.id:8080").as_deref(),
            Some("wifi.sekolah.sch.id")
        );
        assert_eq!(
            url_host("api.fonnte.com/send").as_deref(),
            Some("api.fonnte.com")
        );
        assert_eq!(url_host("http://[fd00::1]:80/").as_deref(), Some("fd00::1"));
        assert_eq!(url_host("https:///nothing"), None);
    }
}
