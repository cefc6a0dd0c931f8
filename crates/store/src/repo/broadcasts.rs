//! WhatsApp broadcasts (`whatsapp_broadcasts`); their messages are in the message log.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use serde_json::Value;
use uuid::Uuid;

use crate::entities::whatsapp_broadcasts;
use crate::error::StoreError;

/// One broadcast.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Broadcast {
    pub id: Uuid,
    pub admin_id: Option<Uuid>,
    pub message: String,
    pub filter: Value,
    pub recipients: i32,
    pub idempotency_key: Option<String>,
    pub created_at: DateTime<Utc>,
}

fn of(m: whatsapp_broadcasts::Model) -> Broadcast {
    Broadcast {
        id: m.id,
        admin_id: m.admin_id,
        message: m.message,
        filter: m.filter,
        recipients: m.recipients,
        idempotency_key: m.idempotency_key,
        created_at: m.created_at,
    }
}

/// Records a broadcast. Returns `false` (and writes nothing) when one with the same
/// `idempotency_key` exists: the caller answers with that one instead.
pub async fn insert<C: ConnectionTrait>(db: &C, b: &Broadcast) -> Result<bool, StoreError> {
    let row = whatsapp_broadcasts::ActiveModel {
        id: Set(b.id),
        admin_id: Set(b.admin_id),
        message: Set(b.message.clone()),
        filter: Set(b.filter.clone()),
        recipients: Set(b.recipients),
        idempotency_key: Set(b.idempotency_key.clone()),
        created_at: Set(b.created_at),
        updated_at: Set(b.created_at),
    };
    let res = whatsapp_broadcasts::Entity::insert(row)
        .on_conflict_do_nothing_on([whatsapp_broadcasts::Column::IdempotencyKey])
        .exec(db)
        .await?;
    Ok(matches!(res, sea_orm::TryInsertResult::Inserted(_)))
}

pub async fn find<C: ConnectionTrait>(db: &C, id: Uuid) -> Result<Option<Broadcast>, StoreError> {
    Ok(whatsapp_broadcasts::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(of))
}

pub async fn find_by_key<C: ConnectionTrait>(
    db: &C,
    idempotency_key: &str,
) -> Result<Option<Broadcast>, StoreError> {
    Ok(whatsapp_broadcasts::Entity::find()
        .filter(whatsapp_broadcasts::Column::IdempotencyKey.eq(idempotency_key))
        .one(db)
        .await?
        .map(of))
}

/// A page of broadcasts, newest first, and how many there are.
pub async fn list<C: ConnectionTrait>(
    db: &C,
    offset: u64,
    limit: u64,
) -> Result<(Vec<Broadcast>, u64), StoreError> {
    let total = whatsapp_broadcasts::Entity::find().count(db).await?;
    let rows = whatsapp_broadcasts::Entity::find()
        .order_by_desc(whatsapp_broadcasts::Column::CreatedAt)
        .order_by_desc(whatsapp_broadcasts::Column::Id)
        .offset(offset)
        .limit(limit)
        .all(db)
        .await?;
    Ok((rows.into_iter().map(of).collect(), total))
}
