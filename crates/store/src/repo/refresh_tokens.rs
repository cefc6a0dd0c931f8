//! Refresh tokens, stored only as SHA-256 hashes.

use chrono::{DateTime, Utc};
use saring_domain::access::Role;
use saring_domain::ids::UserId;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelBehavior, ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait,
    EntityTrait, QueryFilter,
};
use uuid::Uuid;

use crate::entities::refresh_tokens;
use crate::error::StoreError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefreshToken {
    pub id: Uuid,
    pub user_id: UserId,
    pub issued_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub replaced_by_id: Option<Uuid>,
    pub ip_address: Option<String>,
    pub user_agent: Option<String>,
    /// The highest role the session may act as; `None`: the account's own role.
    pub role_cap: Option<Role>,
}

fn to_record(m: refresh_tokens::Model) -> RefreshToken {
    RefreshToken {
        id: m.id,
        user_id: UserId(m.user_id),
        issued_at: m.issued_at,
        expires_at: m.expires_at,
        revoked_at: m.revoked_at,
        replaced_by_id: m.replaced_by_id,
        ip_address: m.ip_address,
        user_agent: m.user_agent,
        role_cap: m.role_cap.as_deref().and_then(|r| r.parse().ok()),
    }
}

pub struct NewRefreshToken<'a> {
    pub user_id: UserId,
    pub token_hash: &'a str,
    pub issued_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub ip_address: Option<&'a str>,
    pub user_agent: Option<&'a str>,
    pub role_cap: Option<Role>,
}

pub async fn insert<C: ConnectionTrait>(
    db: &C,
    new: NewRefreshToken<'_>,
) -> Result<RefreshToken, StoreError> {
    let row = refresh_tokens::ActiveModel {
        user_id: Set(new.user_id.0),
        token_hash: Set(new.token_hash.to_owned()),
        issued_at: Set(new.issued_at),
        expires_at: Set(new.expires_at),
        ip_address: Set(new.ip_address.map(|s| truncate(s, 45))),
        user_agent: Set(new.user_agent.map(|s| truncate(s, 255))),
        role_cap: Set(new.role_cap.map(|r| r.as_str().to_owned())),
        ..refresh_tokens::ActiveModel::new()
    };
    Ok(to_record(row.insert(db).await?))
}

fn truncate(s: &str, max: usize) -> String {
    s.chars().take(max).collect()
}

pub async fn find_by_hash<C: ConnectionTrait>(
    db: &C,
    token_hash: &str,
) -> Result<Option<RefreshToken>, StoreError> {
    Ok(refresh_tokens::Entity::find()
        .filter(refresh_tokens::Column::TokenHash.eq(token_hash))
        .one(db)
        .await?
        .map(to_record))
}

/// Revokes the token if it is still active; `true` only for the caller that revoked it
/// (so two concurrent rotations of one token cannot both succeed).
pub async fn revoke_if_active<C: ConnectionTrait>(
    db: &C,
    id: Uuid,
    now: DateTime<Utc>,
    replaced_by: Option<Uuid>,
) -> Result<bool, StoreError> {
    let res = refresh_tokens::Entity::update_many()
        .col_expr(refresh_tokens::Column::RevokedAt, Expr::value(now))
        .col_expr(
            refresh_tokens::Column::ReplacedById,
            Expr::value(replaced_by),
        )
        .filter(refresh_tokens::Column::Id.eq(id))
        .filter(refresh_tokens::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(res.rows_affected == 1)
}

/// Links an already revoked token to its replacement.
pub async fn set_replaced_by<C: ConnectionTrait>(
    db: &C,
    id: Uuid,
    replaced_by: Uuid,
) -> Result<(), StoreError> {
    refresh_tokens::Entity::update_many()
        .col_expr(
            refresh_tokens::Column::ReplacedById,
            Expr::value(replaced_by),
        )
        .filter(refresh_tokens::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// Revokes every active token of a user (logout everywhere, reuse detected, password reset).
pub async fn revoke_all_for_user<C: ConnectionTrait>(
    db: &C,
    user: UserId,
    now: DateTime<Utc>,
) -> Result<u64, StoreError> {
    let res = refresh_tokens::Entity::update_many()
        .col_expr(refresh_tokens::Column::RevokedAt, Expr::value(now))
        .filter(refresh_tokens::Column::UserId.eq(user.0))
        .filter(refresh_tokens::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(res.rows_affected)
}

pub async fn find<C: ConnectionTrait>(
    db: &C,
    id: Uuid,
) -> Result<Option<RefreshToken>, StoreError> {
    Ok(refresh_tokens::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(to_record))
}
