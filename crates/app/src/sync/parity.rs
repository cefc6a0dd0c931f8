//! The policy parity guard: between quota syncs, compare what each user should have on the
//! router (the planner of [`super::desired`], the same one the sync writes with) with what the
//! router has, and report every difference by kind. With auto-remediation on, at most
//! `POLICY_PARITY_AUTO_REMEDIATION_MAX_USERS` approved, active users are repaired a run; the
//! rest waits for the next quota sync. The last report per router is kept for 24 hours
//! (`GET /api/admin/policy-parity`).
//!
//! It holds the quota sync's lease while it runs, so the two never interleave their reads
//! and writes on one router.

use std::collections::HashMap;
use std::time::Duration;

use saring_domain::access::ApprovalStatus;
pub use saring_domain::dto::parity::{ParityItem, ParityReport, RouterParity};
use saring_domain::mac::Mac;
use saring_store::repo::routers::Router;
use saring_store::repo::sync as sync_repo;

use super::counters::HostObs;
use super::desired::Planner;
use crate::context::App;
use crate::error::AppResult;
use crate::router::plan::Op;
use crate::router::{RouterHandle, router_error};

/// Items kept in a report (the summary counts all).
pub const MAX_ITEMS: usize = 300;
/// How long the last report is kept.
pub const REPORT_TTL: Duration = Duration::from_secs(24 * 3600);

/// The kind of difference an op repairs (`None`: a consequence of another, not reported).
pub fn mismatch(op: &Op) -> Option<&'static str> {
    Some(match op {
        Op::AddBinding { .. } => "missing_ip_binding",
        Op::SetBinding { attrs, .. } if attrs.iter().any(|(k, _)| *k == "type") => "binding_type",
        Op::SetBinding { .. } => "binding_details",
        Op::RemoveBindings(_) => "extra_ip_binding",
        Op::AddEntry { .. } => "address_list",
        Op::AddLease { .. } => "dhcp_lease_missing",
        Op::SetEntryComment { .. } => "address_list_comment",
        Op::RemoveEntries(_) => "address_list_stale",
        Op::SetHotspotUser { .. } => "hotspot_profile",
        Op::RemoveHosts(_) => return None,
    })
}

fn report_key(router: &Router) -> String {
    format!("policy_parity:last_report:{}", router.id)
}

/// The last stored report of a router.
pub async fn last_report(app: &App, router: &Router) -> AppResult<Option<ParityReport>> {
    let raw = app.kv().get(&report_key(router)).await?;
    Ok(raw.and_then(|r| serde_json::from_str(&r).ok()))
}

/// One guard run on a router (read-only unless auto-remediation is on).
pub async fn run(app: &App, router: &Router) -> AppResult<ParityReport> {
    let w = &app.config().worker;
    let repair_max = if w.parity.repair_enabled {
        w.parity.repair_max_users
    } else {
        0
    };
    check(app, router, repair_max).await
}

/// Compares, repairs at most `repair_max` users, stores and returns the report.
pub async fn check(app: &App, router: &Router, repair_max: usize) -> AppResult<ParityReport> {
    let mut report = ParityReport {
        router: router.spec.name.clone(),
        ..ParityReport::default()
    };
    let lease = match super::quota::router_lease(app, router).await {
        Ok(lease) => lease,
        Err(why) => {
            report.skipped = Some(why.into());
            return Ok(report);
        }
    };
    let result = compare_and_repair(app, router, repair_max, &mut report).await;
    lease.release().await;
    result?;
    report.generated_at = Some(app.now());
    let json = serde_json::to_string(&report).map_err(|e| {
        crate::error::AppError::Internal(format!("parity report not serialisable: {e}"))
    })?;
    app.kv()
        .set(&report_key(router), &json, Some(REPORT_TTL))
        .await?;
    Ok(report)
}

async fn compare_and_repair(
    app: &App,
    router: &Router,
    repair_max: usize,
    report: &mut ParityReport,
) -> AppResult<()> {
    let rh = RouterHandle::open(app, router.clone())?;
    let pool = &rh.pool;
    let name = rh.name().to_owned();
    let (hosts, snapshot) = super::desired::read(app, pool)
        .await
        .map_err(|e| router_error(&name, e))?;
    let dbc = app.db();
    let users = sync_repo::users_for_router(dbc, router.id, router.is_default).await?;
    let devices = sync_repo::devices_for_router(dbc, router.id, router.is_default).await?;
    let cidrs = crate::router::cidrs(router);
    let mut obs_by_mac: HashMap<Mac, Vec<HostObs>> = HashMap::new();
    for h in &hosts {
        if let Some(o) = HostObs::from_row(h, &cidrs) {
            obs_by_mac.entry(o.mac).or_default().push(o);
        }
    }
    let planner = Planner::new(app, router, "parity-guard", &devices, &obs_by_mac, snapshot);
    report.users_checked = users.len();
    let mut differing = Vec::new();
    for u in &users {
        let plan = planner.plan(u);
        let mut kinds: Vec<String> = plan
            .ops
            .iter()
            .filter_map(mismatch)
            .map(str::to_owned)
            .collect();
        if plan.missing_hotspot_user {
            kinds.push("missing_hotspot_user".into());
        }
        kinds.sort();
        kinds.dedup();
        if kinds.is_empty() {
            continue;
        }
        for k in &kinds {
            *report.summary.entry(k.clone()).or_default() += 1;
        }
        differing.push((u, plan, kinds));
    }
    report.users_with_mismatches = differing.len();
    differing.sort_by_key(|(u, _, _)| u.hotspot_username());
    let mut repaired = 0;
    for (u, plan, kinds) in differing {
        let eligible =
            u.is_active && u.approval_status == ApprovalStatus::Approved && repaired < repair_max;
        let mut ok = false;
        if eligible {
            let applied = crate::router::apply::run_batch(pool, plan.ops.clone()).await;
            if plan.missing_hotspot_user {
                crate::router::user_sync::enqueue(dbc, u.id, app.now(), "parity-guard").await?;
            }
            ok = applied.failed == 0;
            repaired += 1;
            if ok {
                report.repaired_users += 1;
            } else {
                report.repair_failures += 1;
                report.repair_errors.extend(applied.errors);
                report.repair_errors.truncate(5);
            }
        }
        if report.items.len() < MAX_ITEMS {
            report.items.push(ParityItem {
                user_id: u.id.to_string(),
                username: u.hotspot_username(),
                full_name: u.full_name.clone(),
                mismatches: kinds,
                ops: plan.ops.len(),
                repaired: ok,
            });
        }
    }
    if report.users_with_mismatches > 0 {
        tracing::info!(
            router = %name,
            users = report.users_with_mismatches,
            repaired = report.repaired_users,
            "policy parity differences"
        );
    }
    Ok(())
}

/// The last report of every router; with `check_now`, a fresh read-only report first.
pub async fn reports(app: &App, check_now: bool) -> AppResult<Vec<RouterParity>> {
    let routers = saring_store::repo::routers::list(app.db(), app.cipher()).await?;
    let mut out = Vec::with_capacity(routers.len());
    for r in routers {
        let report = if check_now && r.spec.is_enabled {
            Some(check(app, &r, 0).await?)
        } else {
            last_report(app, &r).await?
        };
        out.push(RouterParity {
            router: r.spec.name.clone(),
            report,
        });
    }
    Ok(out)
}
