//! Append-only records: login history, the admin action log and the quota ledger.

use chrono::{DateTime, Utc};
use saring_domain::ids::UserId;
use sea_orm::{
    ActiveModelBehavior, ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait,
    EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use serde_json::Value;
use uuid::Uuid;

use crate::entities::{admin_action_logs, quota_mutation_ledger, user_login_history};
use crate::error::StoreError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoginRecord {
    pub user_id: UserId,
    pub login_time: DateTime<Utc>,
    pub ip_address: Option<String>,
    pub mac_address: Option<String>,
    pub user_agent: Option<String>,
    pub router_id: Option<Uuid>,
    pub method: Option<String>,
}

pub async fn record_login<C: ConnectionTrait>(db: &C, r: &LoginRecord) -> Result<(), StoreError> {
    user_login_history::ActiveModel {
        user_id: Set(r.user_id.0),
        login_time: Set(r.login_time),
        ip_address: Set(r.ip_address.clone()),
        mac_address: Set(r.mac_address.clone()),
        user_agent_string: Set(r.user_agent.as_ref().map(|s| s.chars().take(500).collect())),
        router_id: Set(r.router_id),
        method: Set(r.method.clone()),
        ..user_login_history::ActiveModel::new()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// The latest logins of a user, newest first.
pub async fn login_history<C: ConnectionTrait>(
    db: &C,
    user: UserId,
    limit: u64,
) -> Result<Vec<LoginRecord>, StoreError> {
    Ok(user_login_history::Entity::find()
        .filter(user_login_history::Column::UserId.eq(user.0))
        .order_by_desc(user_login_history::Column::LoginTime)
        .limit(limit)
        .all(db)
        .await?
        .into_iter()
        .map(|m| LoginRecord {
            user_id: UserId(m.user_id),
            login_time: m.login_time,
            ip_address: m.ip_address,
            mac_address: m.mac_address,
            user_agent: m.user_agent_string,
            router_id: m.router_id,
            method: m.method,
        })
        .collect())
}

#[derive(Debug, Clone, PartialEq)]
pub struct ActionLog {
    pub id: Uuid,
    pub admin_id: Option<Uuid>,
    pub target_user_id: Option<Uuid>,
    pub action_type: String,
    pub details: Option<Value>,
    pub created_at: DateTime<Utc>,
}

pub async fn log_action<C: ConnectionTrait>(
    db: &C,
    admin: Option<UserId>,
    target: Option<UserId>,
    action_type: &str,
    details: Value,
) -> Result<(), StoreError> {
    admin_action_logs::ActiveModel {
        admin_id: Set(admin.map(|u| u.0)),
        target_user_id: Set(target.map(|u| u.0)),
        action_type: Set(action_type.to_owned()),
        details: Set(Some(details)),
        ..admin_action_logs::ActiveModel::new()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// Filters for the action log.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ActionFilter {
    pub admin_id: Option<Uuid>,
    pub target_user_id: Option<Uuid>,
    pub action_type: Option<String>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
}

pub async fn list_actions<C: ConnectionTrait>(
    db: &C,
    f: &ActionFilter,
    offset: u64,
    limit: u64,
) -> Result<(Vec<ActionLog>, u64), StoreError> {
    let q = action_query(f);
    let total = q.clone().count(db).await?;
    let rows = q
        .order_by_desc(admin_action_logs::Column::CreatedAt)
        .order_by_desc(admin_action_logs::Column::Id)
        .offset(offset)
        .limit(limit)
        .all(db)
        .await?
        .into_iter()
        .map(to_action)
        .collect();
    Ok((rows, total))
}

/// One batch of the action-log export: newest first, before the `(created_at, id)` of the
/// previous batch's last row.
pub async fn actions_batch<C: ConnectionTrait>(
    db: &C,
    f: &ActionFilter,
    before: Option<(DateTime<Utc>, Uuid)>,
    limit: u64,
) -> Result<Vec<ActionLog>, StoreError> {
    let mut q = action_query(f);
    if let Some((at, id)) = before {
        q = q.filter(super::keyset::after(
            admin_action_logs::Column::CreatedAt,
            at,
            admin_action_logs::Column::Id,
            id,
            true,
        ));
    }
    Ok(q.order_by_desc(admin_action_logs::Column::CreatedAt)
        .order_by_desc(admin_action_logs::Column::Id)
        .limit(limit)
        .all(db)
        .await?
        .into_iter()
        .map(to_action)
        .collect())
}

/// Deletes action-log rows older than `before`; returns how many.
pub async fn purge_actions<C: ConnectionTrait>(
    db: &C,
    before: DateTime<Utc>,
) -> Result<u64, StoreError> {
    Ok(admin_action_logs::Entity::delete_many()
        .filter(admin_action_logs::Column::CreatedAt.lt(before))
        .exec(db)
        .await?
        .rows_affected)
}

fn to_action(m: admin_action_logs::Model) -> ActionLog {
    ActionLog {
        id: m.id,
        admin_id: m.admin_id,
        target_user_id: m.target_user_id,
        action_type: m.action_type,
        details: m.details,
        created_at: m.created_at,
    }
}

fn action_query(f: &ActionFilter) -> sea_orm::Select<admin_action_logs::Entity> {
    let mut q = admin_action_logs::Entity::find();
    if let Some(a) = f.admin_id {
        q = q.filter(admin_action_logs::Column::AdminId.eq(a));
    }
    if let Some(t) = f.target_user_id {
        q = q.filter(admin_action_logs::Column::TargetUserId.eq(t));
    }
    if let Some(a) = &f.action_type {
        q = q.filter(admin_action_logs::Column::ActionType.eq(a.clone()));
    }
    if let Some(from) = f.from {
        q = q.filter(admin_action_logs::Column::CreatedAt.gte(from));
    }
    if let Some(to) = f.to {
        q = q.filter(admin_action_logs::Column::CreatedAt.lt(to));
    }
    q
}

/// One quota mutation.
#[derive(Debug, Clone, PartialEq)]
pub struct LedgerEntry {
    pub id: Uuid,
    pub user_id: UserId,
    pub actor_user_id: Option<UserId>,
    pub source: String,
    pub idempotency_key: String,
    pub before_state: Option<Value>,
    pub after_state: Option<Value>,
    pub event_details: Option<Value>,
    pub created_at: DateTime<Utc>,
}

/// Appends a ledger row. Returns `false` (and writes nothing) when the same
/// `(user, source, idempotency_key)` was recorded before: the caller's mutation is a replay.
pub async fn append_ledger<C: ConnectionTrait>(
    db: &C,
    e: &LedgerEntry,
) -> Result<bool, StoreError> {
    let row = quota_mutation_ledger::ActiveModel {
        id: Set(e.id),
        user_id: Set(e.user_id.0),
        actor_user_id: Set(e.actor_user_id.map(|u| u.0)),
        source: Set(e.source.chars().take(80).collect()),
        idempotency_key: Set(e.idempotency_key.chars().take(128).collect()),
        before_state: Set(e.before_state.clone()),
        after_state: Set(e.after_state.clone()),
        event_details: Set(e.event_details.clone()),
        created_at: Set(e.created_at),
    };
    let res = quota_mutation_ledger::Entity::insert(row)
        .on_conflict_do_nothing_on([
            quota_mutation_ledger::Column::UserId,
            quota_mutation_ledger::Column::Source,
            quota_mutation_ledger::Column::IdempotencyKey,
        ])
        .exec(db)
        .await?;
    Ok(matches!(res, sea_orm::TryInsertResult::Inserted(_)))
}

pub async fn ledger_for_user<C: ConnectionTrait>(
    db: &C,
    user: UserId,
    from: Option<DateTime<Utc>>,
    to: Option<DateTime<Utc>>,
    offset: u64,
    limit: u64,
) -> Result<(Vec<LedgerEntry>, u64), StoreError> {
    let mut q = quota_mutation_ledger::Entity::find()
        .filter(quota_mutation_ledger::Column::UserId.eq(user.0));
    if let Some(from) = from {
        q = q.filter(quota_mutation_ledger::Column::CreatedAt.gte(from));
    }
    if let Some(to) = to {
        q = q.filter(quota_mutation_ledger::Column::CreatedAt.lt(to));
    }
    let total = q.clone().count(db).await?;
    let rows = q
        .order_by_desc(quota_mutation_ledger::Column::CreatedAt)
        .order_by_desc(quota_mutation_ledger::Column::Id)
        .offset(offset)
        .limit(limit)
        .all(db)
        .await?
        .into_iter()
        .map(|m| LedgerEntry {
            id: m.id,
            user_id: UserId(m.user_id),
            actor_user_id: m.actor_user_id.map(UserId),
            source: m.source,
            idempotency_key: m.idempotency_key,
            before_state: m.before_state,
            after_state: m.after_state,
            event_details: m.event_details,
            created_at: m.created_at,
        })
        .collect();
    Ok((rows, total))
}
