//! The banking bypass (`AKSES_BANKING_ENABLED`): the IPv4 addresses of the bank hosts in
//! `AKSES_BANKING_DOMAINS`, resolved through DNS, kept in the address list
//! `AKSES_BANKING_LIST_NAME` so a banking app can reach its bank before its user logs in
//! (to pay a debt, say). Saring owns only the entries whose comment says
//! `source=banking-sync` (the reference's marker, so entries it made are adopted); when no
//! host resolves at all (DNS down) nothing is changed.

use std::collections::{BTreeMap, BTreeSet};
use std::net::IpAddr;
use std::time::Duration;

use saring_routeros::Api;
use saring_routeros::menus::AddressListEntry;
use saring_store::repo::routers::Router;
use serde::Serialize;

use crate::context::App;
use crate::error::AppResult;
use crate::router::{RouterHandle, router_error};

const MARKER: &str = "source=banking-sync";

/// Resolves each host to its IPv4 addresses (5 s per host); hosts that fail are skipped.
pub async fn resolve(domains: &[String]) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for d in domains {
        let lookup = tokio::net::lookup_host((d.as_str(), 443));
        match tokio::time::timeout(Duration::from_secs(5), lookup).await {
            Ok(Ok(addrs)) => {
                for a in addrs {
                    if let IpAddr::V4(v4) = a.ip() {
                        out.entry(v4.to_string()).or_insert_with(|| d.clone());
                    }
                }
            }
            Ok(Err(e)) => tracing::warn!(domain = %d, error = %e, "bank host does not resolve"),
            Err(_) => tracing::warn!(domain = %d, "bank host lookup timed out"),
        }
    }
    out
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct BankingReport {
    pub router: String,
    pub resolved: usize,
    pub added: Vec<String>,
    pub removed: Vec<String>,
    /// Managed entries no longer resolved but kept (see `kept_because`).
    pub kept: Vec<String>,
    pub kept_because: Option<String>,
}

pub async fn sync(app: &App, router: &Router) -> AppResult<BankingReport> {
    let w = &app.config().worker;
    let mut report = BankingReport {
        router: router.spec.name.clone(),
        ..BankingReport::default()
    };
    let wanted = resolve(&w.banking.domains).await;
    report.resolved = wanted.len();
    if wanted.is_empty() {
        return Ok(report);
    }
    let name = router.spec.name.as_str();
    let rh = RouterHandle::open(app, router.clone())?;
    let entries: Vec<AddressListEntry> = rh
        .pool
        .list(&[("list", w.banking.list.as_str())])
        .await
        .map_err(|e| router_error(name, e))?;
    let present: BTreeSet<&str> = entries.iter().map(|e| e.address.as_str()).collect();
    let stale: Vec<&AddressListEntry> = entries
        .iter()
        .filter(|e| e.comment.as_deref().is_some_and(|c| c.contains(MARKER)))
        .filter(|e| !wanted.contains_key(&e.address))
        .collect();
    let ids: Vec<&str> = stale.iter().map(|e| e.id.as_str()).collect();
    let addresses = stale.iter().map(|e| e.address.clone()).collect();
    match super::remove_if_owned(&rh, "/ip/firewall/address-list", &ids).await? {
        None => report.removed = addresses,
        Some(reason) => {
            report.kept = addresses;
            report.kept_because = Some(reason);
        }
    }
    for (ip, domain) in wanted
        .iter()
        .filter(|(ip, _)| !present.contains(ip.as_str()))
    {
        let comment = format!(
            "AUTO-BANKING-BYPASS|{MARKER}|domain={domain}|managed-by={}",
            w.walled_garden.comment_prefix
        );
        rh.pool
            .add(
                "/ip/firewall/address-list",
                &[
                    ("list", w.banking.list.as_str()),
                    ("address", ip.as_str()),
                    ("comment", comment.as_str()),
                ],
            )
            .await
            .map_err(|e| router_error(name, e))?;
        report.added.push(ip.clone());
    }
    Ok(report)
}
