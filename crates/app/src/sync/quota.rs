//! The quota sync of one router: read the router once, credit usage exactly, then bring every
//! user's router artefacts in line with their status — writing only what differs.
//!
//! 1. Lease `lock:quota-sync:<router>` (KV, heartbeat; stale only by expiry) and bump the
//!    router's fencing epoch in the database.
//! 2. One pipelined read: `/system/resource` (uptime: reboot detection and the router's
//!    clock), `/ip/hotspot/host`, `/ip/hotspot/ip-binding`, `/ip/firewall/address-list`,
//!    `/ip/hotspot/user`.
//! 3. One query each for the router's users, devices and host counters; MACs whose ip-binding
//!    names an account become its devices ([`enroll_from_bindings`]); per host row of a
//!    known MAC, [`counters::credit`].
//! 4. Users are written in chunks, each chunk one transaction that first checks the epoch:
//!    ledger rows (idempotency key = hash of the observations), new baselines, `used += delta`,
//!    daily rows. A crash or kill at any point leaves each user either fully credited with its
//!    baselines advanced, or untouched.
//! 5. Auto-debt block/unblock, then the plan ([`super::plan`]) against the snapshot: bindings,
//!    status lists, pruning, hotspot profiles; applied pipelined.
//! 6. Notices (status change, low quota, expiry) go to the outbox, never inline.

use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use saring_domain::access::{AccessStatus, ApprovalStatus, BlockKind, auto_debt_limit_reason};
use saring_domain::device::Device;
use saring_domain::mac::Mac;
use saring_domain::units::Bytes;
use saring_domain::user::User;
use saring_routeros::Api;
use saring_store::db;
use saring_store::repo::routers::Router;
use saring_store::repo::sync::{self as sync_repo, Counter, UsageCredit};
use serde::Serialize;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::counters::{self, HostObs, Reason};
use super::desired::{Planner, Snapshot};
use super::lock::Lease;
use crate::context::App;
use crate::error::{AppError, AppResult};
use crate::router::apply::{self, Applied};
use crate::router::plan::{self, Op};
use crate::router::{RouterHandle, router_error};

/// Users per write transaction: a transaction of 2,500 holds SQLite's write lock for about
/// 0.1 s; smaller chunks cost a commit (fsync) each (10,000 users in chunks of 1,000: ~500 ms
/// CPU for the cycle, in chunks of 2,500: ~370 ms).
pub const CHUNK_USERS: usize = 2500;
/// The lease's TTL (renewed every third of it while the sync runs).
pub const LEASE_TTL: Duration = Duration::from_secs(60);

/// Progress callback: `(done, total)` users written.
pub type Progress<'a> = &'a (dyn Fn(u64, u64) + Send + Sync);

/// What one run did (also the job's summary).
#[derive(Debug, Clone, Default, Serialize)]
pub struct QuotaSyncReport {
    pub router: String,
    /// Why nothing was done (`locked`, `disabled`, `fenced`).
    pub skipped: Option<String>,
    pub hosts: usize,
    pub known_hosts: usize,
    pub users: usize,
    pub users_credited: usize,
    pub bytes_credited: i64,
    pub counters_written: usize,
    pub counters_deleted: usize,
    pub rebooted: bool,
    /// Devices enrolled from ip-binding comments (`AUTO_ENROLL_DEVICES_FROM_IP_BINDING`).
    pub devices_enrolled: usize,
    pub blocked: usize,
    pub unblocked: usize,
    pub profile_changes: usize,
    pub notices: usize,
    pub router_ops: usize,
    pub router_failures: usize,
    pub router_errors: Vec<String>,
    pub duration_ms: u64,
}

/// Syncs one router (see the module docs). A router that cannot be reached is an error (the
/// job retries); a run that finds the lease held is skipped.
pub async fn sync_router(
    app: &App,
    router: &Router,
    progress: Option<Progress<'_>>,
) -> AppResult<QuotaSyncReport> {
    let started = Instant::now();
    let mut report = QuotaSyncReport {
        router: router.spec.name.clone(),
        ..QuotaSyncReport::default()
    };
    let lease = match router_lease(app, router).await {
        Ok(lease) => lease,
        Err(why) => {
            report.skipped = Some(why.into());
            return Ok(report);
        }
    };
    let result = run(app, router, &lease, &mut report, progress).await;
    lease.release().await;
    report.duration_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    result.map(|()| report)
}

/// The router's sync lease (`lock:quota-sync:<router>`, also held by the parity guard), or
/// why the router is skipped: `disabled` (router or operations off) or `locked`.
pub(crate) async fn router_lease(app: &App, router: &Router) -> Result<Lease, &'static str> {
    if !router.spec.is_enabled || !app.config().router.operations_enabled {
        return Err("disabled");
    }
    let key = format!("lock:quota-sync:{}", router.id);
    Lease::acquire(app, &key, LEASE_TTL).await.ok_or("locked")
}

/// One host row's credit, kept for the ledger.
#[derive(Debug, Clone, Serialize)]
struct RowCredit {
    mac: String,
    host_id: String,
    total: i64,
    delta: i64,
    reason: Reason,
}

#[derive(Default)]
struct UserWork {
    delta: i64,
    rows: Vec<RowCredit>,
    counters: Vec<Counter>,
    devices: Vec<Uuid>,
}

fn idempotency_key(rows: &[RowCredit]) -> String {
    let mut h = Sha256::new();
    for r in rows {
        h.update(r.mac.as_bytes());
        h.update(b"@");
        h.update(r.host_id.as_bytes());
        h.update(b"=");
        h.update(r.total.to_string().as_bytes());
        h.update(b";");
    }
    format!("sync:{}", hex::encode(h.finalize()))
}

async fn run(
    app: &App,
    router: &Router,
    lease: &Lease,
    report: &mut QuotaSyncReport,
    progress: Option<Progress<'_>>,
) -> AppResult<()> {
    let dbc = app.db();
    // Increment and read in one transaction: two runs starting together get different epochs
    // (on PostgreSQL the second increment waits for the first commit), so only the newest
    // run writes.
    let txn = db::begin_write(dbc).await?;
    let epoch = sync_repo::bump_epoch(&txn, router.id, app.now()).await?;
    txn.commit().await.map_err(saring_store::StoreError::from)?;
    let rh = RouterHandle::open(app, router.clone())?;
    let pool = &rh.pool;
    let name = rh.name().to_owned();
    let (resource, (hosts, snapshot)) =
        tokio::try_join!(pool.resource(), super::desired::read(app, pool))
            .map_err(|e| router_error(&name, e))?;
    let poll_at = app.now();
    let uptime = i64::try_from(resource.uptime.as_secs()).unwrap_or(i64::MAX);
    let state = sync_repo::state(dbc, router.id).await?;
    let rebooted = counters::rebooted(
        state.router_uptime_seconds,
        state.last_poll_at,
        uptime,
        poll_at,
    );
    report.rebooted = rebooted;
    report.hosts = hosts.len();

    let mut users = sync_repo::users_for_router(dbc, router.id, router.is_default).await?;
    let mut devices = sync_repo::devices_for_router(dbc, router.id, router.is_default).await?;
    let known: HashSet<Uuid> = users.iter().map(|u| u.id.0).collect();
    let missing: Vec<Uuid> = devices
        .iter()
        .map(|d| d.user_id.0)
        .filter(|id| !known.contains(id))
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    if !missing.is_empty() {
        users.extend(sync_repo::users_by_ids(dbc, &missing).await?);
    }
    report.users = users.len();
    if app.config().devices.auto_enroll_from_bindings {
        report.devices_enrolled = enroll_from_bindings(
            app,
            router,
            &users,
            &mut devices,
            &snapshot.bindings,
            &hosts,
        )
        .await?;
    }
    let stored: HashMap<(String, String), Counter> = sync_repo::counters(dbc, router.id)
        .await?
        .into_iter()
        .map(|c| ((c.mac.clone(), c.host_id.clone()), c))
        .collect();

    // Credit every row of a known MAC.
    let cidrs = crate::router::cidrs(router);
    let device_by_mac: HashMap<Mac, &Device> = devices.iter().map(|d| (d.mac, d)).collect();
    let mut obs_by_mac: HashMap<Mac, Vec<HostObs>> = HashMap::new();
    let mut present: HashSet<(String, String)> = HashSet::with_capacity(hosts.len());
    for h in &hosts {
        if let Some(o) = HostObs::from_row(h, &cidrs) {
            present.insert((o.mac.to_string(), o.host_id.clone()));
            obs_by_mac.entry(o.mac).or_default().push(o);
        }
    }
    let mut work: HashMap<Uuid, UserWork> = HashMap::new();
    for (mac, rows) in &obs_by_mac {
        let Some(device) = device_by_mac.get(mac) else {
            continue;
        };
        report.known_hosts += rows.len();
        let w = work.entry(device.user_id.0).or_default();
        let mut device_delta = 0;
        for o in rows {
            let key = (o.mac.to_string(), o.host_id.clone());
            let c = counters::credit(o, stored.get(&key), uptime, rebooted, poll_at);
            if let Some(next) = c.write {
                w.counters.push(next);
            }
            if c.delta > 0 || c.reason != Reason::Continued {
                w.rows.push(RowCredit {
                    mac: key.0,
                    host_id: key.1,
                    total: o.total,
                    delta: c.delta,
                    reason: c.reason,
                });
            }
            w.delta += c.delta;
            device_delta += c.delta;
        }
        if device_delta > 0 {
            w.devices.push(device.id);
        }
    }
    work.retain(|_, w| w.delta > 0 || !w.counters.is_empty());
    let vanished: Vec<(String, String)> = stored
        .keys()
        .filter(|k| !present.contains(*k))
        .cloned()
        .collect();

    // Write, chunk by chunk, each chunk one fenced transaction.
    let used_before: HashMap<Uuid, i64> = users
        .iter()
        .map(|u| (u.id.0, u.total_quota_used.0))
        .collect();
    let mut ids: Vec<Uuid> = work.keys().copied().collect();
    ids.sort();
    let today = app.config().app.timezone.date(poll_at);
    let total = ids.len() as u64;
    let mut done = 0u64;
    let mut credited: HashMap<Uuid, i64> = HashMap::new();
    let writing = crate::sync::quota_lock::writing_key(router.id);
    let chunks: Vec<&[Uuid]> = if ids.is_empty() {
        vec![&[][..]]
    } else {
        ids.chunks(CHUNK_USERS).collect()
    };
    let last = chunks.len() - 1;
    for (i, chunk) in chunks.into_iter().enumerate() {
        if lease.is_lost() {
            return Err(AppError::Internal("quota sync lease lost; stopping".into()));
        }
        let marker = app
            .kv()
            .lock(&writing, Duration::from_secs(30))
            .await
            .ok()
            .flatten();
        let written = write_chunk(
            app,
            router,
            epoch,
            chunk,
            &work,
            &used_before,
            poll_at,
            today,
            ChunkExtras {
                first: i == 0,
                last: i == last,
                rebooted,
                uptime,
                vanished: &vanished,
            },
        )
        .await;
        if let Some(token) = marker {
            let _ = app.kv().unlock(&writing, &token).await;
        }
        match written? {
            None => {
                report.skipped = Some("fenced".into());
                return Ok(());
            }
            Some(applied) => {
                for id in chunk {
                    if let Some(w) = work.get(id) {
                        report.counters_written += w.counters.len();
                        if applied.contains(id) && w.delta > 0 {
                            credited.insert(*id, w.delta);
                        }
                    }
                }
            }
        }
        done += chunk.len() as u64;
        if let Some(p) = progress {
            p(done, total);
        }
    }
    report.counters_deleted = if rebooted { 0 } else { vanished.len() };
    report.users_credited = credited.len();
    report.bytes_credited = credited.values().sum();
    for u in &mut users {
        if let Some(d) = credited.get(&u.id.0) {
            u.total_quota_used += Bytes(*d);
        }
    }

    // The router side.
    enforce(
        app,
        &rh,
        &mut users,
        &devices,
        &obs_by_mac,
        snapshot,
        report,
    )
    .await?;
    Ok(())
}

struct ChunkExtras<'a> {
    first: bool,
    last: bool,
    rebooted: bool,
    uptime: i64,
    vanished: &'a [(String, String)],
}

/// Enrols, as an authorised device of its account, every MAC whose ip-binding comment names an
/// approved account of this router by id and that is no device yet, while the account has
/// device slots left (`MAX_DEVICES_PER_USER`). A MAC that is another account's device stays
/// theirs.
async fn enroll_from_bindings(
    app: &App,
    router: &Router,
    users: &[User],
    devices: &mut Vec<Device>,
    bindings: &[saring_routeros::menus::IpBinding],
    hosts: &[saring_routeros::menus::HotspotHost],
) -> AppResult<usize> {
    use saring_store::repo::devices as device_repo;
    let by_id: HashMap<Uuid, &User> = users
        .iter()
        .filter(|u| u.approval_status == ApprovalStatus::Approved)
        .map(|u| (u.id.0, u))
        .collect();
    let mut known: HashSet<Mac> = devices.iter().map(|d| d.mac).collect();
    let mut slots: HashMap<Uuid, u64> = HashMap::new();
    let max = u64::from(app.config().devices.max_per_user);
    let mut enrolled = 0;
    for b in bindings.iter().filter(|b| !b.disabled) {
        let Some(user) = plan::owner_id(b.comment.as_deref()).and_then(|id| by_id.get(&id)) else {
            continue;
        };
        let Some(mac) = b.mac_address.as_deref().and_then(|m| Mac::parse(m).ok()) else {
            continue;
        };
        if known.contains(&mac) {
            continue;
        }
        let used = match slots.get(&user.id.0) {
            Some(n) => *n,
            None => device_repo::count_for_user(app.db(), user.id).await?,
        };
        if used >= max {
            continue;
        }
        let mac_text = mac.to_string();
        let ip = b.address.clone().or_else(|| {
            hosts
                .iter()
                .find(|h| h.mac_address.eq_ignore_ascii_case(&mac_text))
                .and_then(|h| h.address.clone())
        });
        let seen = device_repo::DeviceSeen {
            user_id: user.id,
            router_id: Some(router.id),
            mac,
            ip_address: ip,
            user_agent: None,
            authorized: true,
        };
        match device_repo::upsert_seen(app.db(), &seen, app.now()).await {
            Ok(device) => {
                known.insert(mac);
                slots.insert(user.id.0, used + 1);
                devices.push(device);
                enrolled += 1;
                crate::accounts::forget_user(app, user.id);
                tracing::info!(user_id = %user.id, %mac, "device enrolled from its ip-binding");
            }
            // E.g. the MAC is another account's device on another router.
            Err(e) => tracing::warn!(%mac, error = %e, "device not enrolled from ip-binding"),
        }
    }
    Ok(enrolled)
}

/// One chunk's transaction. `None` when the run was fenced off (a newer run started).
#[allow(clippy::too_many_arguments)]
async fn write_chunk(
    app: &App,
    router: &Router,
    epoch: i64,
    chunk: &[Uuid],
    work: &HashMap<Uuid, UserWork>,
    used_before: &HashMap<Uuid, i64>,
    poll_at: DateTime<Utc>,
    today: chrono::NaiveDate,
    x: ChunkExtras<'_>,
) -> AppResult<Option<HashSet<Uuid>>> {
    let txn = db::begin_write(app.db()).await?;
    if !sync_repo::holds_epoch(&txn, router.id, epoch).await? {
        return Ok(None);
    }
    if x.first {
        if x.rebooted {
            // Every baseline belongs to a row that died with the old boot.
            sync_repo::delete_all_counters(&txn, router.id).await?;
        }
        let boot_at = poll_at - chrono::Duration::seconds(x.uptime);
        sync_repo::save_poll(&txn, router.id, x.uptime, boot_at, poll_at).await?;
    }
    let mut credits = Vec::new();
    let mut counters = Vec::new();
    let mut touched = Vec::new();
    for id in chunk {
        let Some(w) = work.get(id) else { continue };
        counters.extend(w.counters.iter().cloned());
        if w.delta > 0 {
            credits.push(UsageCredit {
                user_id: saring_domain::ids::UserId(*id),
                delta_bytes: w.delta,
                idempotency_key: idempotency_key(&w.rows),
                used_before: used_before.get(id).copied().unwrap_or(0),
                details: serde_json::json!({
                    "router": router.spec.name,
                    "delta_bytes": w.delta,
                    "rows": w.rows,
                }),
            });
        }
    }
    let applied = sync_repo::insert_usage_ledger(&txn, &credits, poll_at).await?;
    let deltas: Vec<(Uuid, i64)> = credits
        .iter()
        .filter(|c| applied.contains(&c.user_id.0))
        .map(|c| (c.user_id.0, c.delta_bytes))
        .collect();
    for (id, _) in &deltas {
        if let Some(w) = work.get(id) {
            touched.extend(w.devices.iter().copied());
        }
    }
    sync_repo::upsert_counters(&txn, router.id, &counters).await?;
    sync_repo::add_usage(&txn, &deltas, poll_at).await?;
    sync_repo::add_daily(&txn, &deltas, today, poll_at).await?;
    sync_repo::touch_devices(&txn, &touched, poll_at).await?;
    if x.last && !x.rebooted {
        sync_repo::delete_counters(&txn, router.id, x.vanished).await?;
    }
    txn.commit().await.map_err(saring_store::StoreError::from)?;
    Ok(Some(applied))
}

/// Auto-debt limit: block a user whose auto debt reached `QUOTA_DEBT_LIMIT_MB`, lift an
/// auto-debt block once the debt is below it (or the limit is off, or the user is exempt).
/// Returns the new user when it changed.
async fn auto_debt(app: &App, user: &User) -> AppResult<Option<(User, bool)>> {
    let limit_mb = app.config().quota.debt_limit_mb;
    let account = user.quota_account();
    let debt = account.auto_debt();
    let auto_blocked = user.is_blocked
        && BlockKind::of_reason(user.blocked_reason.as_deref()) == BlockKind::AutoDebtLimit;
    let should_block = limit_mb > 0
        && account.owes_debt()
        && user.is_active
        && user.approval_status == ApprovalStatus::Approved
        && debt >= Bytes::from_mb(limit_mb);
    let (block, reason) = if should_block && !user.is_blocked {
        (
            true,
            Some(auto_debt_limit_reason(debt.to_mb(), limit_mb, "quota_sync")),
        )
    } else if auto_blocked && !should_block {
        (false, None)
    } else {
        return Ok(None);
    };
    let action = if block {
        "block_auto_debt_limit"
    } else if limit_mb == 0 {
        "unblock_auto_debt_limit_disabled"
    } else if !account.owes_debt() {
        "unblock_auto_debt_exempt"
    } else {
        "unblock_auto_debt_below_limit"
    };
    let updated = crate::blocks::apply(
        app,
        user.id,
        crate::blocks::BlockChange {
            block,
            reason,
            source: "policy.block_transition:quota_sync",
            action,
            details: serde_json::json!({"action": action, "debt_bytes": debt.0, "limit_mb": limit_mb}),
        },
    )
    .await?;
    Ok(Some((updated, block)))
}

#[allow(clippy::too_many_arguments)]
async fn enforce(
    app: &App,
    rh: &RouterHandle,
    users: &mut [User],
    devices: &[Device],
    obs_by_mac: &HashMap<Mac, Vec<HostObs>>,
    snapshot: Snapshot,
    report: &mut QuotaSyncReport,
) -> AppResult<()> {
    let router = &rh.router;

    // Blocks first: they change the decisions below.
    for u in users.iter_mut() {
        match auto_debt(app, u).await {
            Ok(Some((updated, blocked))) => {
                if blocked {
                    report.blocked += 1;
                    crate::jobs::notices::debt_blocked(app, &updated).await;
                } else {
                    report.unblocked += 1;
                }
                *u = updated;
            }
            Ok(None) => {}
            Err(e) => tracing::warn!(user_id = %u.id, error = %e, "auto-debt check failed"),
        }
    }

    let planner = Planner::new(app, router, "quota-sync", devices, obs_by_mac, snapshot);
    let mut ops: Vec<Op> = Vec::new();
    let mut profile_changes: Vec<(Uuid, String, Option<String>, AccessStatus)> = Vec::new();
    let mut need_user_sync = Vec::new();
    for u in users.iter() {
        let p = planner.plan(u);
        ops.extend(p.ops);
        if let Some((new, old, status)) = p.profile_change {
            profile_changes.push((u.id.0, new, old, status));
        }
        if p.missing_hotspot_user {
            need_user_sync.push(u.id);
        }
    }
    let applied: Applied = apply::run_batch(&rh.pool, ops).await;
    report.router_ops = applied.ops;
    report.router_failures = applied.failed;
    report.router_errors = applied.errors;
    if applied.failed == 0 {
        let changes: Vec<(Uuid, String)> = profile_changes
            .iter()
            .map(|(id, p, _, _)| (*id, p.clone()))
            .collect();
        sync_repo::set_profile_names(app.db(), &changes).await?;
        report.profile_changes = changes.len();
        for (id, _, old, status) in &profile_changes {
            if old.is_some()
                && let Some(u) = users.iter().find(|u| u.id.0 == *id)
                && crate::jobs::notices::status_changed(app, u, *status).await
            {
                report.notices += 1;
            }
        }
    }
    for id in need_user_sync {
        crate::router::user_sync::enqueue(
            app.db(),
            id,
            app.now(),
            "quota-sync:missing-hotspot-user",
        )
        .await?;
    }
    report.notices += crate::jobs::notices::quota_and_expiry(app, users).await?;
    if applied.transient && applied.failed > 0 {
        return Err(AppError::rejected(
            saring_domain::api::ErrorCode::RouterUnavailable,
            format!("{} router writes failed", applied.failed),
        ));
    }
    Ok(())
}
