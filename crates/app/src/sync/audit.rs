//! The nightly router audit: entries on the router that name people who are gone, or whose
//! state has moved on — ip-bindings, status-list entries and hotspot users whose `uid=` names
//! no account, and blocked-list entries of accounts no longer blocked. Entries without a
//! `uid=` (made by hand) are never considered.
//!
//! **By default it only reports** (per kind, with examples). Saring writes the same comment
//! format as lpsaring, so an entry whose `uid=` is unknown here may belong to a live person of
//! another install that still manages the router. An entry is removed only when its kind's
//! switch is on (`MIKROTIK_AUDIT_AUTO_CLEANUP_*`) **and** the router is adopted (an operator
//! confirmed this install owns its entries, or an import did); at most 500 a run. The report
//! says, per kind, why what was found stayed.

use std::collections::HashSet;

use saring_routeros::Api;
use saring_routeros::menus::{AddressListEntry, HotspotUser, IpBinding};
use saring_store::repo::routers::Router;
use saring_store::repo::users;
use serde::Serialize;

use crate::context::App;
use crate::error::AppResult;
use crate::router::plan::uid_of;
use crate::router::{RouterHandle, router_error};

const MAX_REMOVALS: usize = 500;
const EXAMPLES: usize = 5;

/// What one run found and did on one router.
#[derive(Debug, Clone, Default, Serialize)]
pub struct AuditReport {
    pub router: String,
    /// This install owns the router's entries (adopted).
    pub adopted: bool,
    /// A dry run: nothing was removed whatever the switches say.
    pub dry_run: bool,
    pub findings: Vec<AuditFinding>,
}

impl AuditReport {
    /// The finding of one kind.
    pub fn finding(&self, kind: &str) -> Option<&AuditFinding> {
        self.findings.iter().find(|f| f.kind == kind)
    }
}

/// One kind of entry the audit looks for.
#[derive(Debug, Clone, Default, Serialize)]
pub struct AuditFinding {
    /// `orphan_bindings`, `orphan_list_entries`, `orphan_hotspot_users` or
    /// `stale_blocked_entries`.
    pub kind: String,
    pub found: usize,
    pub removed: usize,
    /// A few of the entries found (address or name, and comment).
    pub examples: Vec<String>,
    /// Why the entries found were kept (`None` when they were all removed).
    pub kept_because: Option<String>,
}

/// One kind's candidates: ids to remove and a line to show for each.
struct Kind<'a> {
    name: &'static str,
    menu: &'static str,
    switch: (&'static str, bool),
    items: Vec<(&'a str, String)>,
}

pub async fn run(app: &App, router: &Router, dry_run: bool) -> AppResult<AuditReport> {
    let (accounts, _) = users::list(app.db(), &users::UserFilter::default(), 0, 10_000_000).await?;
    let known: HashSet<String> = accounts.iter().map(|u| u.id.to_string()).collect();
    let blocked: HashSet<String> = accounts
        .iter()
        .filter(|u| u.is_blocked)
        .map(|u| u.id.to_string())
        .collect();
    let orphan = |comment: Option<&str>| uid_of(comment).is_some_and(|uid| !known.contains(uid));
    let shown = |what: &str, comment: Option<&str>| format!("{what} ({})", comment.unwrap_or(""));

    let name = router.spec.name.as_str();
    let err = |e| router_error(name, e);
    let rh = RouterHandle::open(app, router.clone())?;
    let bindings: Vec<IpBinding> = rh.pool.list(&[]).await.map_err(err)?;
    let hs_users: Vec<HotspotUser> = rh.pool.list(&[]).await.map_err(err)?;
    let entries: Vec<AddressListEntry> = rh.pool.list(&[]).await.map_err(err)?;
    let lists = &app.config().policy.lists;
    let status_lists = lists.status_lists();
    let ours: Vec<&AddressListEntry> = entries
        .iter()
        .filter(|e| status_lists.contains(&e.list.as_str()))
        .collect();
    let switches = app.config().worker.audit_cleanup;
    let kinds = [
        Kind {
            name: "orphan_bindings",
            menu: "/ip/hotspot/ip-binding",
            switch: (
                "MIKROTIK_AUDIT_AUTO_CLEANUP_ORPHANED_BINDINGS",
                switches.orphaned_bindings,
            ),
            items: bindings
                .iter()
                .filter(|b| orphan(b.comment.as_deref()))
                .map(|b| {
                    let what = b.mac_address.as_deref().or(b.address.as_deref());
                    (
                        b.id.as_str(),
                        shown(what.unwrap_or("?"), b.comment.as_deref()),
                    )
                })
                .collect(),
        },
        Kind {
            name: "orphan_list_entries",
            menu: "/ip/firewall/address-list",
            switch: (
                "MIKROTIK_AUDIT_AUTO_CLEANUP_ORPHANED_LISTS",
                switches.orphaned_lists,
            ),
            items: ours
                .iter()
                .filter(|e| orphan(e.comment.as_deref()))
                .map(|e| {
                    let what = format!("{} {}", e.list, e.address);
                    (e.id.as_str(), shown(&what, e.comment.as_deref()))
                })
                .collect(),
        },
        Kind {
            name: "stale_blocked_entries",
            menu: "/ip/firewall/address-list",
            switch: (
                "MIKROTIK_AUDIT_AUTO_CLEANUP_STALE_BLOCKED",
                switches.stale_blocked,
            ),
            items: ours
                .iter()
                .filter(|e| e.list == lists.blocked)
                .filter(|e| {
                    uid_of(e.comment.as_deref())
                        .is_some_and(|uid| known.contains(uid) && !blocked.contains(uid))
                })
                .map(|e| {
                    let what = format!("{} {}", e.list, e.address);
                    (e.id.as_str(), shown(&what, e.comment.as_deref()))
                })
                .collect(),
        },
        Kind {
            name: "orphan_hotspot_users",
            menu: "/ip/hotspot/user",
            switch: (
                "MIKROTIK_AUDIT_AUTO_CLEANUP_ORPHANED_USERS",
                switches.orphaned_users,
            ),
            items: hs_users
                .iter()
                .filter(|u| orphan(u.comment.as_deref()))
                .map(|u| (u.id.as_str(), shown(&u.name, u.comment.as_deref())))
                .collect(),
        },
    ];

    let hold = super::removal_hold(router, dry_run);
    let mut report = AuditReport {
        router: name.to_owned(),
        adopted: router.is_adopted(),
        dry_run,
        findings: Vec::new(),
    };
    let mut budget = MAX_REMOVALS;
    for kind in kinds {
        let mut finding = AuditFinding {
            kind: kind.name.to_owned(),
            found: kind.items.len(),
            examples: kind
                .items
                .iter()
                .take(EXAMPLES)
                .map(|(_, line)| line.clone())
                .collect(),
            ..AuditFinding::default()
        };
        let (switch_name, switch_on) = kind.switch;
        let reason = if kind.items.is_empty() {
            None
        } else if !switch_on {
            Some(format!("{switch_name} is off: the audit only reports"))
        } else {
            hold.clone()
        };
        if reason.is_none() && !kind.items.is_empty() {
            let n = kind.items.len().min(budget);
            budget -= n;
            let ids: Vec<&str> = kind.items.iter().take(n).map(|(id, _)| *id).collect();
            rh.pool.remove(kind.menu, &ids).await.map_err(err)?;
            finding.removed = n;
            if n < kind.items.len() {
                finding.kept_because = Some(format!(
                    "at most {MAX_REMOVALS} removals a run; the rest next run"
                ));
            }
        } else {
            finding.kept_because = reason;
        }
        report.findings.push(finding);
    }
    Ok(report)
}

/// What the audit finds on a router, removing nothing (before an adoption).
pub async fn preview(app: &App, router: uuid::Uuid) -> AppResult<AuditReport> {
    let router = crate::router::existing_router(app, router).await?;
    run(app, &router, true).await
}
