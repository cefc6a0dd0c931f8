//! The quota sync's storage: per-host-row counters (baselines), the per-router sync state
//! (fencing epoch, boot time, health), and the batched writes of one sync chunk (ledger rows,
//! usage, daily usage, device activity). Every write takes any connection or transaction, so a
//! chunk's writes commit together.

use std::collections::HashSet;

use chrono::{DateTime, NaiveDate, Utc};
use saring_domain::device::Device;
use saring_domain::ids::UserId;
use saring_domain::user::User;
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict, Query};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, QuerySelect,
    Statement,
};
use serde_json::Value;
use uuid::Uuid;

use crate::entities::{
    daily_usage_logs, host_counters, quota_mutation_ledger, router_sync_state, user_devices, users,
};
use crate::error::StoreError;

/// Rows per multi-row statement (well under SQLite's and PostgreSQL's parameter limits).
const ROWS_PER_STATEMENT: usize = 500;

/// The baseline of one host row: the counter total last credited.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Counter {
    pub mac: String,
    pub host_id: String,
    pub bytes_total: i64,
    pub uptime_seconds: i64,
    pub born_rel_seconds: i64,
    pub seen_at: DateTime<Utc>,
}

/// Every counter of a router.
pub async fn counters<C: ConnectionTrait>(
    db: &C,
    router_id: Uuid,
) -> Result<Vec<Counter>, StoreError> {
    Ok(host_counters::Entity::find()
        .filter(host_counters::Column::RouterId.eq(router_id))
        .all(db)
        .await?
        .into_iter()
        .map(|m| Counter {
            mac: m.mac_address,
            host_id: m.host_id,
            bytes_total: m.bytes_total,
            uptime_seconds: m.uptime_seconds,
            born_rel_seconds: m.born_rel_seconds,
            seen_at: m.seen_at,
        })
        .collect())
}

/// Inserts or replaces counters.
pub async fn upsert_counters<C: ConnectionTrait>(
    db: &C,
    router_id: Uuid,
    rows: &[Counter],
) -> Result<(), StoreError> {
    use host_counters::Column as Col;
    for chunk in rows.chunks(ROWS_PER_STATEMENT) {
        let mut q = Query::insert();
        q.into_table(host_counters::Entity).columns([
            Col::RouterId,
            Col::MacAddress,
            Col::HostId,
            Col::BytesTotal,
            Col::UptimeSeconds,
            Col::BornRelSeconds,
            Col::SeenAt,
        ]);
        for c in chunk {
            q.values([
                router_id.into(),
                c.mac.clone().into(),
                c.host_id.clone().into(),
                c.bytes_total.into(),
                c.uptime_seconds.into(),
                c.born_rel_seconds.into(),
                c.seen_at.into(),
            ])
            .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        }
        q.on_conflict(
            OnConflict::columns([Col::RouterId, Col::MacAddress, Col::HostId])
                .update_columns([
                    Col::BytesTotal,
                    Col::UptimeSeconds,
                    Col::BornRelSeconds,
                    Col::SeenAt,
                ])
                .to_owned(),
        );
        db.execute(&q).await?;
    }
    Ok(())
}

/// Deletes the counters of host rows that are gone.
pub async fn delete_counters<C: ConnectionTrait>(
    db: &C,
    router_id: Uuid,
    keys: &[(String, String)],
) -> Result<(), StoreError> {
    for chunk in keys.chunks(200) {
        let mut any = Condition::any();
        for (mac, host) in chunk {
            any = any.add(
                Condition::all()
                    .add(host_counters::Column::MacAddress.eq(mac.clone()))
                    .add(host_counters::Column::HostId.eq(host.clone())),
            );
        }
        host_counters::Entity::delete_many()
            .filter(host_counters::Column::RouterId.eq(router_id))
            .filter(any)
            .exec(db)
            .await?;
    }
    Ok(())
}

/// Deletes every counter of a router (after `saring quota reset --router`).
pub async fn delete_all_counters<C: ConnectionTrait>(
    db: &C,
    router_id: Uuid,
) -> Result<u64, StoreError> {
    Ok(host_counters::Entity::delete_many()
        .filter(host_counters::Column::RouterId.eq(router_id))
        .exec(db)
        .await?
        .rows_affected)
}

/// What the worker knows about a router between runs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyncState {
    pub epoch: i64,
    pub router_uptime_seconds: Option<i64>,
    pub boot_at: Option<DateTime<Utc>>,
    pub last_poll_at: Option<DateTime<Utc>>,
    pub down_since: Option<DateTime<Utc>>,
    pub down_alerted_at: Option<DateTime<Utc>>,
}

fn state_of(m: router_sync_state::Model) -> SyncState {
    SyncState {
        epoch: m.epoch,
        router_uptime_seconds: m.router_uptime_seconds,
        boot_at: m.boot_at,
        last_poll_at: m.last_poll_at,
        down_since: m.down_since,
        down_alerted_at: m.down_alerted_at,
    }
}

pub async fn state<C: ConnectionTrait>(db: &C, router_id: Uuid) -> Result<SyncState, StoreError> {
    Ok(router_sync_state::Entity::find_by_id(router_id)
        .one(db)
        .await?
        .map(state_of)
        .unwrap_or_default())
}

async fn ensure_state<C: ConnectionTrait>(
    db: &C,
    router_id: Uuid,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let row = router_sync_state::ActiveModel {
        router_id: sea_orm::Set(router_id),
        epoch: sea_orm::Set(0),
        updated_at: sea_orm::Set(now),
        ..Default::default()
    };
    router_sync_state::Entity::insert(row)
        .on_conflict_do_nothing_on([router_sync_state::Column::RouterId])
        .exec(db)
        .await?;
    Ok(())
}

/// Starts a sync run: bumps the router's fencing epoch and returns the new value. A run
/// whose epoch is no longer current ([`holds_epoch`]) must not write. Call it inside a write
/// transaction: the increment and the read must not interleave with another run's.
pub async fn bump_epoch<C: ConnectionTrait>(
    db: &C,
    router_id: Uuid,
    now: DateTime<Utc>,
) -> Result<i64, StoreError> {
    ensure_state(db, router_id, now).await?;
    router_sync_state::Entity::update_many()
        .col_expr(
            router_sync_state::Column::Epoch,
            Expr::col(router_sync_state::Column::Epoch).add(1),
        )
        .col_expr(router_sync_state::Column::UpdatedAt, Expr::value(now))
        .filter(router_sync_state::Column::RouterId.eq(router_id))
        .exec(db)
        .await?;
    Ok(state(db, router_id).await?.epoch)
}

/// Whether `epoch` is still the router's current one. On PostgreSQL the state row is locked
/// for the rest of the transaction, so a newer run cannot start (bump the epoch) until this
/// transaction ends; on SQLite a write transaction (`db::begin_write`) is exclusive anyway.
pub async fn holds_epoch<C: ConnectionTrait>(
    db: &C,
    router_id: Uuid,
    epoch: i64,
) -> Result<bool, StoreError> {
    let mut q = router_sync_state::Entity::find_by_id(router_id);
    if db.get_database_backend() == DbBackend::Postgres {
        q = q.lock_exclusive();
    }
    Ok(q.one(db).await?.is_some_and(|m| m.epoch == epoch))
}

/// Records what a poll saw of the router's clock.
pub async fn save_poll<C: ConnectionTrait>(
    db: &C,
    router_id: Uuid,
    router_uptime_seconds: i64,
    boot_at: DateTime<Utc>,
    poll_at: DateTime<Utc>,
) -> Result<(), StoreError> {
    ensure_state(db, router_id, poll_at).await?;
    router_sync_state::Entity::update_many()
        .col_expr(
            router_sync_state::Column::RouterUptimeSeconds,
            Expr::value(router_uptime_seconds),
        )
        .col_expr(router_sync_state::Column::BootAt, Expr::value(boot_at))
        .col_expr(router_sync_state::Column::LastPollAt, Expr::value(poll_at))
        .col_expr(router_sync_state::Column::UpdatedAt, Expr::value(poll_at))
        .filter(router_sync_state::Column::RouterId.eq(router_id))
        .exec(db)
        .await?;
    Ok(())
}

/// Records the router's health (`None` = up).
pub async fn save_health<C: ConnectionTrait>(
    db: &C,
    router_id: Uuid,
    down_since: Option<DateTime<Utc>>,
    down_alerted_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    ensure_state(db, router_id, now).await?;
    router_sync_state::Entity::update_many()
        .col_expr(
            router_sync_state::Column::DownSince,
            Expr::value(down_since),
        )
        .col_expr(
            router_sync_state::Column::DownAlertedAt,
            Expr::value(down_alerted_at),
        )
        .col_expr(router_sync_state::Column::UpdatedAt, Expr::value(now))
        .filter(router_sync_state::Column::RouterId.eq(router_id))
        .exec(db)
        .await?;
    Ok(())
}

/// One user's usage credit in a sync chunk.
#[derive(Debug, Clone, PartialEq)]
pub struct UsageCredit {
    pub user_id: UserId,
    pub delta_bytes: i64,
    /// `(user, "hotspot.sync_usage", key)` is unique: the same observation is credited once.
    pub idempotency_key: String,
    pub used_before: i64,
    pub details: Value,
}

/// Ledger source of usage credits.
pub const SYNC_USAGE_SOURCE: &str = "hotspot.sync_usage";

/// Inserts the ledger rows of a chunk; returns the users whose row was new (a user whose key
/// exists already was credited before: the caller must not credit it again).
pub async fn insert_usage_ledger<C: ConnectionTrait>(
    db: &C,
    credits: &[UsageCredit],
    now: DateTime<Utc>,
) -> Result<HashSet<Uuid>, StoreError> {
    use quota_mutation_ledger::Column as Col;
    let mut inserted = HashSet::new();
    for chunk in credits.chunks(ROWS_PER_STATEMENT) {
        let mut q = Query::insert();
        q.into_table(quota_mutation_ledger::Entity).columns([
            Col::Id,
            Col::UserId,
            Col::Source,
            Col::IdempotencyKey,
            Col::BeforeState,
            Col::AfterState,
            Col::EventDetails,
            Col::CreatedAt,
        ]);
        for c in chunk {
            q.values([
                Uuid::now_v7().into(),
                c.user_id.0.into(),
                SYNC_USAGE_SOURCE.into(),
                c.idempotency_key
                    .chars()
                    .take(128)
                    .collect::<String>()
                    .into(),
                serde_json::json!({ "used_bytes": c.used_before }).into(),
                serde_json::json!({ "used_bytes": c.used_before.saturating_add(c.delta_bytes) })
                    .into(),
                c.details.clone().into(),
                now.into(),
            ])
            .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        }
        q.on_conflict(
            OnConflict::columns([Col::UserId, Col::Source, Col::IdempotencyKey])
                .do_nothing()
                .to_owned(),
        )
        .returning_col(Col::UserId);
        for row in db.query_all(&q).await? {
            inserted.insert(row.try_get::<Uuid>("", "user_id")?);
        }
    }
    Ok(inserted)
}

/// Adds bytes to users' used quota (`used = used + delta`, so a concurrent change is kept):
/// one `UPDATE … FROM (VALUES …)` per chunk, a join rather than a `CASE` per row.
pub async fn add_usage<C: ConnectionTrait>(
    db: &C,
    deltas: &[(Uuid, i64)],
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let backend = db.get_database_backend();
    for chunk in deltas.chunks(ROWS_PER_STATEMENT) {
        let mut values: Vec<sea_orm::Value> = Vec::with_capacity(chunk.len() * 2 + 1);
        values.push(now.into());
        let mut rows = String::with_capacity(chunk.len() * 12);
        for (id, delta) in chunk {
            if !rows.is_empty() {
                rows.push_str(", ");
            }
            let (a, b) = (
                placeholder(backend, values.len() + 1),
                placeholder(backend, values.len() + 2),
            );
            rows.push_str(&format!("({a}, {b})"));
            values.push((*id).into());
            values.push((*delta).into());
        }
        let sql = format!(
            "UPDATE users SET total_quota_used_bytes = total_quota_used_bytes + v.column2, \
             updated_at = {now} FROM (VALUES {rows}) AS v WHERE users.id = v.column1",
            now = placeholder(backend, 1),
        );
        db.execute_raw(Statement::from_sql_and_values(backend, sql, values))
            .await?;
    }
    Ok(())
}

/// The `n`th (1-based) bind placeholder of a raw statement.
fn placeholder(backend: DbBackend, n: usize) -> String {
    match backend {
        DbBackend::Postgres => format!("${n}"),
        _ => "?".to_owned(),
    }
}

/// Adds bytes to each user's row for `date` (created when missing).
pub async fn add_daily<C: ConnectionTrait>(
    db: &C,
    deltas: &[(Uuid, i64)],
    date: NaiveDate,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    use daily_usage_logs::Column as Col;
    for chunk in deltas.chunks(ROWS_PER_STATEMENT) {
        let mut q = Query::insert();
        q.into_table(daily_usage_logs::Entity).columns([
            Col::Id,
            Col::UserId,
            Col::LogDate,
            Col::UsageBytes,
            Col::CreatedAt,
            Col::UpdatedAt,
        ]);
        for (user, delta) in chunk {
            q.values([
                Uuid::now_v7().into(),
                (*user).into(),
                date.into(),
                (*delta).into(),
                now.into(),
                now.into(),
            ])
            .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        }
        q.on_conflict(
            OnConflict::columns([Col::UserId, Col::LogDate])
                .value(
                    Col::UsageBytes,
                    Expr::col((daily_usage_logs::Entity, Col::UsageBytes)).add(Expr::col((
                        sea_orm::sea_query::Alias::new("excluded"),
                        Col::UsageBytes,
                    ))),
                )
                .value(Col::UpdatedAt, Expr::value(now))
                .to_owned(),
        );
        db.execute(&q).await?;
    }
    Ok(())
}

/// Marks devices as active at `now` (`last_bytes_updated_at`, `last_seen_at`).
pub async fn touch_devices<C: ConnectionTrait>(
    db: &C,
    ids: &[Uuid],
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    for chunk in ids.chunks(ROWS_PER_STATEMENT * 2) {
        user_devices::Entity::update_many()
            .col_expr(user_devices::Column::LastBytesUpdatedAt, Expr::value(now))
            .col_expr(user_devices::Column::LastSeenAt, Expr::value(now))
            .filter(user_devices::Column::Id.is_in(chunk.iter().copied()))
            .exec(db)
            .await?;
    }
    Ok(())
}

/// The users of a router (and, for the default router, users without one).
pub async fn users_for_router<C: ConnectionTrait>(
    db: &C,
    router_id: Uuid,
    is_default: bool,
) -> Result<Vec<User>, StoreError> {
    let mut cond = Condition::any().add(users::Column::RouterId.eq(router_id));
    if is_default {
        cond = cond.add(users::Column::RouterId.is_null());
    }
    users::Entity::find()
        .filter(cond)
        .into_partial_model::<super::users::UserRow>()
        .all(db)
        .await?
        .into_iter()
        .map(super::users::to_domain)
        .collect()
}

/// Users by id (any router).
pub async fn users_by_ids<C: ConnectionTrait>(
    db: &C,
    ids: &[Uuid],
) -> Result<Vec<User>, StoreError> {
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(ROWS_PER_STATEMENT * 2) {
        for m in users::Entity::find()
            .filter(users::Column::Id.is_in(chunk.iter().copied()))
            .into_partial_model::<super::users::UserRow>()
            .all(db)
            .await?
        {
            out.push(super::users::to_domain(m)?);
        }
    }
    Ok(out)
}

/// The devices of a router (and, for the default router, devices without one).
pub async fn devices_for_router<C: ConnectionTrait>(
    db: &C,
    router_id: Uuid,
    is_default: bool,
) -> Result<Vec<Device>, StoreError> {
    let mut cond = Condition::any().add(user_devices::Column::RouterId.eq(router_id));
    if is_default {
        cond = cond.add(user_devices::Column::RouterId.is_null());
    }
    user_devices::Entity::find()
        .filter(cond)
        .all(db)
        .await?
        .into_iter()
        .map(super::devices::to_domain)
        .collect()
}

/// Sets the stored hotspot profile name of users (after the router was told).
pub async fn set_profile_names<C: ConnectionTrait>(
    db: &C,
    changes: &[(Uuid, String)],
) -> Result<(), StoreError> {
    for (id, profile) in changes {
        users::Entity::update_many()
            .col_expr(
                users::Column::MikrotikProfileName,
                Expr::value(profile.clone()),
            )
            .filter(users::Column::Id.eq(*id))
            .exec(db)
            .await?;
    }
    Ok(())
}

/// Stores which low-quota / expiry notice level a user got last.
pub async fn set_notification_levels<C: ConnectionTrait>(
    db: &C,
    user: Uuid,
    quota_level: Option<Option<i32>>,
    expiry_level: Option<Option<i32>>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let mut q = users::Entity::update_many().filter(users::Column::Id.eq(user));
    if let Some(level) = quota_level {
        q = q
            .col_expr(
                users::Column::LastQuotaNotificationLevel,
                Expr::value(level),
            )
            .col_expr(users::Column::LastLowQuotaNotifAt, Expr::value(Some(now)));
    }
    if let Some(level) = expiry_level {
        q = q
            .col_expr(
                users::Column::LastExpiryNotificationLevel,
                Expr::value(level),
            )
            .col_expr(users::Column::LastExpiryNotifAt, Expr::value(Some(now)));
    }
    q.exec(db).await?;
    Ok(())
}

/// On PostgreSQL: locks the user's row without waiting (`FOR UPDATE NOWAIT`). Returns
/// `false` when another transaction (a quota sync) holds it. On SQLite: always `true` (the
/// caller uses a KV lock there).
pub async fn try_lock_user_row<C: ConnectionTrait>(db: &C, user: Uuid) -> Result<bool, StoreError> {
    if db.get_database_backend() != DbBackend::Postgres {
        return Ok(true);
    }
    let stmt = Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT id FROM users WHERE id = $1 FOR UPDATE NOWAIT",
        [user.into()],
    );
    match db.query_one_raw(stmt).await {
        Ok(_) => Ok(true),
        Err(e)
            if e.to_string().contains("55P03")
                || e.to_string().contains("could not obtain lock") =>
        {
            Ok(false)
        }
        Err(e) => Err(e.into()),
    }
}
