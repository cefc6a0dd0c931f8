//! Device credentials: secrets held by a browser that logged in with an OTP from a device,
//! stored only as SHA-256 hashes. A credential belongs to one device row; deleting the row
//! (device removed, or its MAC moved to another account) deletes its credentials.

use chrono::{DateTime, Utc};
use saring_domain::ids::UserId;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelBehavior, ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait,
    EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use uuid::Uuid;

use crate::entities::device_credentials;
use crate::error::StoreError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceCredential {
    pub id: Uuid,
    pub device_id: Uuid,
    pub user_id: UserId,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
}

fn to_record(m: device_credentials::Model) -> DeviceCredential {
    DeviceCredential {
        id: m.id,
        device_id: m.device_id,
        user_id: UserId(m.user_id),
        created_at: m.created_at,
        expires_at: m.expires_at,
        last_used_at: m.last_used_at,
    }
}

pub async fn insert<C: ConnectionTrait>(
    db: &C,
    device_id: Uuid,
    user: UserId,
    token_hash: &str,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> Result<DeviceCredential, StoreError> {
    let row = device_credentials::ActiveModel {
        device_id: Set(device_id),
        user_id: Set(user.0),
        token_hash: Set(token_hash.to_owned()),
        created_at: Set(now),
        expires_at: Set(expires_at),
        ..device_credentials::ActiveModel::new()
    };
    Ok(to_record(row.insert(db).await?))
}

/// The unexpired credential with this hash.
pub async fn find_valid<C: ConnectionTrait>(
    db: &C,
    token_hash: &str,
    now: DateTime<Utc>,
) -> Result<Option<DeviceCredential>, StoreError> {
    Ok(device_credentials::Entity::find()
        .filter(device_credentials::Column::TokenHash.eq(token_hash))
        .filter(device_credentials::Column::ExpiresAt.gt(now))
        .one(db)
        .await?
        .map(to_record))
}

/// Deletes one credential; `true` only for the caller that deleted it (a credential is
/// spent once, even by two requests at the same moment).
pub async fn delete<C: ConnectionTrait>(db: &C, id: Uuid) -> Result<bool, StoreError> {
    Ok(device_credentials::Entity::delete_by_id(id)
        .exec(db)
        .await?
        .rows_affected
        == 1)
}

/// Deletes every credential of a user (reset-login, an administrator ending their sessions).
pub async fn delete_for_user<C: ConnectionTrait>(db: &C, user: UserId) -> Result<u64, StoreError> {
    Ok(device_credentials::Entity::delete_many()
        .filter(device_credentials::Column::UserId.eq(user.0))
        .exec(db)
        .await?
        .rows_affected)
}

/// Keeps the `keep` newest credentials of a device (one per browser that logged in there).
pub async fn prune_device<C: ConnectionTrait>(
    db: &C,
    device_id: Uuid,
    keep: u64,
) -> Result<u64, StoreError> {
    // A device has a handful of credentials: skip the newest here rather than with OFFSET
    // (SQLite refuses OFFSET without LIMIT).
    let ids: Vec<Uuid> = device_credentials::Entity::find()
        .select_only()
        .column(device_credentials::Column::Id)
        .filter(device_credentials::Column::DeviceId.eq(device_id))
        .order_by_desc(device_credentials::Column::CreatedAt)
        .into_tuple()
        .all(db)
        .await?;
    let stale: Vec<Uuid> = ids
        .into_iter()
        .skip(usize::try_from(keep).unwrap_or(usize::MAX))
        .collect();
    if stale.is_empty() {
        return Ok(0);
    }
    Ok(device_credentials::Entity::delete_many()
        .filter(device_credentials::Column::Id.is_in(stale))
        .exec(db)
        .await?
        .rows_affected)
}

/// Deletes expired credentials (retention).
pub async fn delete_expired<C: ConnectionTrait>(
    db: &C,
    now: DateTime<Utc>,
) -> Result<u64, StoreError> {
    Ok(device_credentials::Entity::delete_many()
        .filter(device_credentials::Column::ExpiresAt.lte(now))
        .exec(db)
        .await?
        .rows_affected)
}

/// Records a use.
pub async fn touch<C: ConnectionTrait>(
    db: &C,
    id: Uuid,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    device_credentials::Entity::update_many()
        .col_expr(device_credentials::Column::LastUsedAt, Expr::value(now))
        .filter(device_credentials::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}
