//! Users.

use saring_domain::Phone;
use saring_domain::ids::UserId;
use saring_domain::units::Bytes;
use saring_domain::user::{NewUser, User};
use sea_orm::{
    ActiveModelBehavior, ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait,
    EntityTrait, QueryFilter,
};

use crate::entities::users;
use crate::error::StoreError;

fn to_domain(m: users::Model) -> Result<User, StoreError> {
    let phone = Phone::parse(&m.phone_number)
        .map_err(|e| StoreError::Corrupt(format!("users.phone_number of {}: {e}", m.id)))?;
    Ok(User {
        id: UserId(m.id),
        phone,
        full_name: m.full_name,
        blok: m.blok,
        kamar: m.kamar,
        is_tamping: m.is_tamping,
        tamping_type: m.tamping_type,
        role: m.role.into(),
        approval_status: m.approval_status.into(),
        is_active: m.is_active,
        is_blocked: m.is_blocked,
        blocked_reason: m.blocked_reason,
        blocked_at: m.blocked_at,
        password_hash: m.password_hash,
        router_id: m.router_id,
        mikrotik_server_name: m.mikrotik_server_name,
        mikrotik_profile_name: m.mikrotik_profile_name,
        mikrotik_password: m.mikrotik_password,
        mikrotik_user_exists: m.mikrotik_user_exists,
        is_unlimited_user: m.is_unlimited_user,
        total_quota_purchased_mb: m.total_quota_purchased_mb,
        total_quota_used: Bytes(m.total_quota_used_bytes),
        auto_debt_offset_mb: m.auto_debt_offset_mb,
        manual_debt_mb: m.manual_debt_mb,
        quota_expiry_date: m.quota_expiry_date,
        approved_at: m.approved_at,
        last_login_at: m.last_login_at,
        created_at: m.created_at,
        updated_at: m.updated_at,
    })
}

/// Inserts a user. A phone number that exists already is `StoreError::Conflict`.
pub async fn insert<C: ConnectionTrait>(db: &C, new: &NewUser) -> Result<User, StoreError> {
    let approved = new.approval_status == saring_domain::access::ApprovalStatus::Approved;
    let row = users::ActiveModel {
        phone_number: Set(new.phone.as_e164().to_owned()),
        full_name: Set(new.full_name.clone()),
        blok: Set(new.blok.clone()),
        kamar: Set(new.kamar.clone()),
        is_tamping: Set(new.is_tamping),
        tamping_type: Set(new.tamping_type.clone()),
        role: Set(new.role.into()),
        approval_status: Set(new.approval_status.into()),
        is_active: Set(new.is_active),
        password_hash: Set(new.password_hash.clone()),
        router_id: Set(new.router_id),
        approved_at: Set(approved.then(crate::db::now)),
        ..users::ActiveModel::new()
    };
    to_domain(row.insert(db).await?)
}

pub async fn find_by_id<C: ConnectionTrait>(
    db: &C,
    id: UserId,
) -> Result<Option<User>, StoreError> {
    users::Entity::find_by_id(id.0)
        .one(db)
        .await?
        .map(to_domain)
        .transpose()
}

/// Phones are stored in E.164, so one exact lookup finds every spelling the user typed.
pub async fn find_by_phone<C: ConnectionTrait>(
    db: &C,
    phone: &Phone,
) -> Result<Option<User>, StoreError> {
    users::Entity::find()
        .filter(users::Column::PhoneNumber.eq(phone.as_e164()))
        .one(db)
        .await?
        .map(to_domain)
        .transpose()
}
