//! Users.

use chrono::{DateTime, Utc};
use saring_domain::Phone;
use saring_domain::ids::UserId;
use saring_domain::units::Bytes;
use saring_domain::user::{NewUser, User};
use sea_orm::{
    ActiveModelBehavior, ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait,
    DerivePartialModel, EntityTrait, QueryFilter,
};
use uuid::Uuid;

use crate::entities::enums::{ApprovalStatus as EntityApproval, UserRole};
use crate::entities::users;
use crate::error::StoreError;

/// Declares [`UserRow`]: the columns a domain [`User`] is made of, as a partial model (the
/// quota sync reads only these for every user of a router), and its conversion from a whole
/// row.
macro_rules! user_row {
    ($($field:ident: $ty:ty),* $(,)?) => {
        #[derive(Debug, Clone, DerivePartialModel)]
        #[sea_orm(entity = "users::Entity")]
        pub(crate) struct UserRow {
            $(pub $field: $ty,)*
        }

        impl From<users::Model> for UserRow {
            fn from(m: users::Model) -> Self {
                UserRow { $($field: m.$field,)* }
            }
        }
    };
}

user_row! {
    id: Uuid,
    phone_number: String,
    full_name: String,
    blok: Option<String>,
    kamar: Option<String>,
    is_tamping: bool,
    tamping_type: Option<String>,
    role: UserRole,
    approval_status: EntityApproval,
    is_active: bool,
    is_blocked: bool,
    blocked_reason: Option<String>,
    blocked_at: Option<DateTime<Utc>>,
    password_hash: Option<String>,
    router_id: Option<Uuid>,
    mikrotik_server_name: Option<String>,
    mikrotik_profile_name: Option<String>,
    mikrotik_password: Option<String>,
    mikrotik_user_exists: bool,
    is_unlimited_user: bool,
    total_quota_purchased_mb: i64,
    total_quota_used_bytes: i64,
    auto_debt_offset_mb: i64,
    manual_debt_mb: i64,
    quota_expiry_date: Option<DateTime<Utc>>,
    approved_at: Option<DateTime<Utc>>,
    last_login_at: Option<DateTime<Utc>>,
    telegram_chat_id: Option<String>,
    telegram_username: Option<String>,
    telegram_linked_at: Option<DateTime<Utc>>,
    last_quota_notification_level: Option<i32>,
    last_expiry_notification_level: Option<i32>,
    session_epoch: i64,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

pub(crate) fn to_domain(m: impl Into<UserRow>) -> Result<User, StoreError> {
    let m: UserRow = m.into();
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
        telegram_chat_id: m.telegram_chat_id,
        telegram_username: m.telegram_username,
        telegram_linked_at: m.telegram_linked_at,
        last_quota_notification_level: m.last_quota_notification_level,
        last_expiry_notification_level: m.last_expiry_notification_level,
        session_epoch: m.session_epoch,
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

/// A partial update: only `Some` fields change (`Some(None)` clears a nullable column).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UserPatch {
    pub full_name: Option<String>,
    pub blok: Option<Option<String>>,
    pub kamar: Option<Option<String>>,
    pub is_tamping: Option<bool>,
    pub tamping_type: Option<Option<String>>,
    pub role: Option<saring_domain::access::Role>,
    pub approval_status: Option<saring_domain::access::ApprovalStatus>,
    pub is_active: Option<bool>,
    pub is_blocked: Option<bool>,
    pub blocked_reason: Option<Option<String>>,
    pub blocked_at: Option<Option<chrono::DateTime<chrono::Utc>>>,
    pub blocked_by_id: Option<Option<uuid::Uuid>>,
    pub password_hash: Option<Option<String>>,
    pub router_id: Option<Option<uuid::Uuid>>,
    pub mikrotik_server_name: Option<Option<String>>,
    pub mikrotik_profile_name: Option<Option<String>>,
    pub mikrotik_password: Option<Option<String>>,
    pub mikrotik_user_exists: Option<bool>,
    /// Quota columns, written together.
    pub quota: Option<saring_domain::quota::QuotaAccount>,
    pub approved_at: Option<Option<chrono::DateTime<chrono::Utc>>>,
    pub approved_by_id: Option<Option<uuid::Uuid>>,
    pub rejected_at: Option<Option<chrono::DateTime<chrono::Utc>>>,
    pub rejected_by_id: Option<Option<uuid::Uuid>>,
    pub last_login_at: Option<Option<chrono::DateTime<chrono::Utc>>>,
    pub previous_blok: Option<Option<String>>,
    pub previous_kamar: Option<Option<String>>,
    pub telegram_chat_id: Option<Option<String>>,
    pub telegram_username: Option<Option<String>>,
    pub telegram_linked_at: Option<Option<chrono::DateTime<chrono::Utc>>>,
    pub phone: Option<Phone>,
}

macro_rules! patch {
    ($row:ident, $patch:ident, $($field:ident),* $(,)?) => {
        $( if let Some(v) = $patch.$field { $row.$field = Set(v); } )*
    };
}

/// Applies a patch; returns the updated user. Unknown id → `NotFound`.
pub async fn update<C: ConnectionTrait>(
    db: &C,
    id: UserId,
    patch: UserPatch,
) -> Result<User, StoreError> {
    let model = users::Entity::find_by_id(id.0)
        .one(db)
        .await?
        .ok_or(StoreError::NotFound)?;
    let ends_sessions = ends_sessions(&model, &patch);
    let epoch = model.session_epoch;
    let mut row = sea_orm::IntoActiveModel::into_active_model(model);
    if ends_sessions {
        row.session_epoch = Set(epoch.saturating_add(1));
    }
    patch!(
        row,
        patch,
        full_name,
        blok,
        kamar,
        is_tamping,
        tamping_type,
        is_active,
        is_blocked,
        blocked_reason,
        blocked_at,
        blocked_by_id,
        password_hash,
        router_id,
        mikrotik_server_name,
        mikrotik_profile_name,
        mikrotik_password,
        mikrotik_user_exists,
        approved_at,
        approved_by_id,
        rejected_at,
        rejected_by_id,
        last_login_at,
        previous_blok,
        previous_kamar,
        telegram_chat_id,
        telegram_username,
        telegram_linked_at,
    );
    if let Some(role) = patch.role {
        row.role = Set(role.into());
    }
    if let Some(status) = patch.approval_status {
        row.approval_status = Set(status.into());
    }
    if let Some(phone) = patch.phone {
        row.phone_number = Set(phone.as_e164().to_owned());
    }
    if let Some(q) = patch.quota {
        row.is_unlimited_user = Set(q.is_unlimited);
        row.total_quota_purchased_mb = Set(q.purchased_mb);
        row.auto_debt_offset_mb = Set(q.auto_debt_offset_mb);
        row.total_quota_used_bytes = Set(q.used.0);
        row.quota_expiry_date = Set(q.expiry);
    }
    to_domain(row.update(db).await?)
}

/// Whether a patch takes rights away, so every access token issued before must stop working
/// (the next request sees the new epoch): deactivation, a block, a changed role, an approval
/// withdrawn.
fn ends_sessions(old: &users::Model, patch: &UserPatch) -> bool {
    let role_changed = patch.role.is_some_and(|r| UserRole::from(r) != old.role);
    let approval_changed = patch
        .approval_status
        .is_some_and(|a| EntityApproval::from(a) != old.approval_status);
    role_changed
        || approval_changed
        || (patch.is_active == Some(false) && old.is_active)
        || (patch.is_blocked == Some(true) && !old.is_blocked)
}

/// Ends every access token of the user (logout, reset-login, reuse of a refresh token):
/// tokens carry the epoch they were issued in. Returns the new epoch.
pub async fn bump_session_epoch<C: ConnectionTrait>(db: &C, id: UserId) -> Result<i64, StoreError> {
    use sea_orm::sea_query::{Expr, ExprTrait};
    users::Entity::update_many()
        .col_expr(
            users::Column::SessionEpoch,
            Expr::col(users::Column::SessionEpoch).add(1),
        )
        .filter(users::Column::Id.eq(id.0))
        .exec(db)
        .await?;
    users::Entity::find_by_id(id.0)
        .one(db)
        .await?
        .map(|m| m.session_epoch)
        .ok_or(StoreError::NotFound)
}

/// Locks the user's row for the rest of the transaction (`SELECT … FOR UPDATE` on
/// PostgreSQL; SQLite transactions started with `db::begin_write` are already exclusive).
pub async fn lock<C: ConnectionTrait>(db: &C, id: UserId) -> Result<User, StoreError> {
    use sea_orm::QuerySelect;
    let mut q = users::Entity::find_by_id(id.0);
    if db.get_database_backend() == sea_orm::DbBackend::Postgres {
        q = q.lock_exclusive();
    }
    q.one(db)
        .await?
        .ok_or(StoreError::NotFound)
        .and_then(to_domain)
}

pub async fn delete<C: ConnectionTrait>(db: &C, id: UserId) -> Result<bool, StoreError> {
    Ok(users::Entity::delete_by_id(id.0)
        .exec(db)
        .await?
        .rows_affected
        == 1)
}

/// Registrations still pending or rejected that were made before `cutoff`, oldest first.
pub async fn unapproved_before<C: ConnectionTrait>(
    db: &C,
    cutoff: chrono::DateTime<chrono::Utc>,
    limit: u64,
) -> Result<Vec<User>, StoreError> {
    use crate::entities::enums::ApprovalStatus as A;
    use sea_orm::{QueryOrder, QuerySelect};
    users::Entity::find()
        .filter(users::Column::ApprovalStatus.is_in([A::PendingApproval, A::Rejected]))
        .filter(users::Column::CreatedAt.lt(cutoff))
        .order_by_asc(users::Column::CreatedAt)
        .limit(limit)
        .all(db)
        .await?
        .into_iter()
        .map(to_domain)
        .collect()
}

/// Filters for the admin user list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UserFilter {
    /// Matches the name (case-insensitive) or any spelling of the phone number.
    pub search: Option<String>,
    pub role: Option<saring_domain::access::Role>,
    pub approval: Option<saring_domain::access::ApprovalStatus>,
    pub is_active: Option<bool>,
    pub is_blocked: Option<bool>,
    pub is_unlimited: Option<bool>,
    pub blok: Option<String>,
    /// One of the reference's quota filters.
    pub quota: Option<QuotaFilter>,
    pub sort: UserSort,
}

/// The reference's quota filters of the user list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuotaFilter {
    /// Owes manual debt, or used beyond the effective quota (not unlimited).
    Debt,
    /// The expiry date has passed.
    Expired(chrono::DateTime<chrono::Utc>),
    /// Not unlimited, bought more than the FUP threshold, at most that much left.
    Fup {
        threshold_mb: i64,
    },
    /// Not unlimited, bought something, nothing left.
    Habis,
    /// Not unlimited, nothing bought.
    NoQuota,
    Tamping,
}

/// The order of the user list (pending approvals always first; by default newest first).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UserSort {
    pub by: SortBy,
    pub descending: bool,
}

impl Default for UserSort {
    fn default() -> Self {
        UserSort {
            by: SortBy::CreatedAt,
            descending: true,
        }
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum SortBy {
    #[default]
    CreatedAt,
    Name,
    Phone,
    LastLogin,
    Expiry,
    Remaining,
    Used,
}

/// Bytes of the effective quota (purchased + offset).
fn effective_bytes() -> sea_orm::sea_query::SimpleExpr {
    use sea_orm::sea_query::{Expr, ExprTrait};
    Expr::col(users::Column::TotalQuotaPurchasedMb)
        .add(Expr::col(users::Column::AutoDebtOffsetMb))
        .mul(1_048_576i64)
}

/// What is left of the effective quota, in bytes.
fn remaining_bytes() -> sea_orm::sea_query::SimpleExpr {
    use sea_orm::sea_query::{Expr, ExprTrait};
    effective_bytes().sub(Expr::col(users::Column::TotalQuotaUsedBytes))
}

/// The `WHERE` of a user filter (the list and the exports share it).
fn condition(filter: &UserFilter) -> sea_orm::Condition {
    use sea_orm::Condition;
    use sea_orm::sea_query::{Expr, ExprTrait, Func};
    let mut cond = Condition::all();
    if let Some(search) = filter
        .search
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        let mut any = Condition::any().add(
            Expr::expr(Func::lower(Expr::col(users::Column::FullName)))
                .like(format!("%{}%", search.to_lowercase())),
        );
        if let Ok(phone) = Phone::parse(search) {
            any = any.add(users::Column::PhoneNumber.eq(phone.as_e164()));
        }
        let digits: String = search.chars().filter(char::is_ascii_digit).collect();
        if digits.len() >= 3 {
            let tail = digits.trim_start_matches('0').trim_start_matches("62");
            any = any.add(users::Column::PhoneNumber.contains(tail));
        }
        cond = cond.add(any);
    }
    if let Some(role) = filter.role {
        cond = cond.add(users::Column::Role.eq(crate::entities::enums::UserRole::from(role)));
    }
    if let Some(a) = filter.approval {
        cond = cond
            .add(users::Column::ApprovalStatus.eq(crate::entities::enums::ApprovalStatus::from(a)));
    }
    if let Some(v) = filter.is_active {
        cond = cond.add(users::Column::IsActive.eq(v));
    }
    if let Some(v) = filter.is_blocked {
        cond = cond.add(users::Column::IsBlocked.eq(v));
    }
    if let Some(v) = filter.is_unlimited {
        cond = cond.add(users::Column::IsUnlimitedUser.eq(v));
    }
    if let Some(b) = &filter.blok {
        cond = cond.add(users::Column::Blok.eq(b.clone()));
    }
    let mib = 1_048_576i64;
    let effective = effective_bytes;
    let remaining = remaining_bytes;
    let limited = || users::Column::IsUnlimitedUser.eq(false);
    if let Some(q) = filter.quota {
        cond = cond.add(match q {
            QuotaFilter::Debt => Condition::any().add(users::Column::ManualDebtMb.gt(0)).add(
                Condition::all()
                    .add(limited())
                    .add(users::Column::Role.eq(crate::entities::enums::UserRole::User))
                    .add(Expr::col(users::Column::TotalQuotaUsedBytes).gt(effective())),
            ),
            QuotaFilter::Expired(now) => Condition::all()
                .add(users::Column::QuotaExpiryDate.is_not_null())
                .add(users::Column::QuotaExpiryDate.lt(now)),
            QuotaFilter::Fup { threshold_mb } => Condition::all()
                .add(limited())
                .add(users::Column::TotalQuotaPurchasedMb.gt(threshold_mb))
                .add(remaining().gt(0))
                .add(remaining().lte(threshold_mb.saturating_mul(mib))),
            QuotaFilter::Habis => Condition::all()
                .add(limited())
                .add(users::Column::TotalQuotaPurchasedMb.gt(0))
                .add(remaining().lte(0)),
            QuotaFilter::NoQuota => Condition::all()
                .add(limited())
                .add(users::Column::TotalQuotaPurchasedMb.lte(0)),
            QuotaFilter::Tamping => Condition::all().add(users::Column::IsTamping.eq(true)),
        });
    }
    cond
}

/// One batch of an export: the users matching `filter`, oldest account first, after the
/// `(created_at, id)` of the previous batch's last row (the export's order is fixed so that it
/// can be read in batches; `filter.sort` does not apply).
pub async fn export_batch<C: ConnectionTrait>(
    db: &C,
    filter: &UserFilter,
    after: Option<(chrono::DateTime<chrono::Utc>, Uuid)>,
    limit: u64,
) -> Result<Vec<User>, StoreError> {
    use sea_orm::{QueryOrder, QuerySelect};
    let mut cond = condition(filter);
    if let Some((at, id)) = after {
        cond = cond.add(crate::repo::keyset::after(
            users::Column::CreatedAt,
            at,
            users::Column::Id,
            id,
            false,
        ));
    }
    users::Entity::find()
        .filter(cond)
        .order_by_asc(users::Column::CreatedAt)
        .order_by_asc(users::Column::Id)
        .limit(limit)
        .all(db)
        .await?
        .into_iter()
        .map(to_domain)
        .collect()
}

/// A page of users (pending approvals first, then newest) and the total count.
pub async fn list<C: ConnectionTrait>(
    db: &C,
    filter: &UserFilter,
    offset: u64,
    limit: u64,
) -> Result<(Vec<User>, u64), StoreError> {
    use sea_orm::sea_query::{Expr, ExprTrait};
    use sea_orm::{PaginatorTrait, QueryOrder, QuerySelect};
    let cond = condition(filter);
    let remaining = || remaining_bytes();
    let total = users::Entity::find().filter(cond.clone()).count(db).await?;
    let order = if filter.sort.descending {
        sea_orm::Order::Desc
    } else {
        sea_orm::Order::Asc
    };
    let mut q = users::Entity::find()
        .filter(cond)
        .order_by_desc(Expr::col(users::Column::ApprovalStatus).eq("PENDING_APPROVAL"));
    q = match filter.sort.by {
        SortBy::CreatedAt => q.order_by(users::Column::CreatedAt, order),
        SortBy::Name => q.order_by(users::Column::FullName, order),
        SortBy::Phone => q.order_by(users::Column::PhoneNumber, order),
        SortBy::LastLogin => q.order_by(users::Column::LastLoginAt, order),
        SortBy::Expiry => q.order_by(users::Column::QuotaExpiryDate, order),
        SortBy::Remaining => q.order_by(remaining(), order),
        SortBy::Used => q.order_by(users::Column::TotalQuotaUsedBytes, order),
    };
    let rows = q
        .order_by_asc(users::Column::Id)
        .offset(offset)
        .limit(limit)
        .all(db)
        .await?;
    Ok((
        rows.into_iter().map(to_domain).collect::<Result<_, _>>()?,
        total,
    ))
}

/// Approved accounts with one of `roles`, living in one of `bloks` (any blok when empty),
/// ordered by name then id: the candidates of a WhatsApp broadcast (the caller applies the
/// rules that need the domain, such as the access status).
pub async fn approved_with_roles<C: ConnectionTrait>(
    db: &C,
    roles: &[saring_domain::access::Role],
    bloks: &[String],
) -> Result<Vec<User>, StoreError> {
    use crate::entities::enums::{ApprovalStatus as A, UserRole};
    use sea_orm::QueryOrder;
    let roles: Vec<UserRole> = roles.iter().copied().map(UserRole::from).collect();
    let mut q = users::Entity::find()
        .filter(users::Column::ApprovalStatus.eq(A::Approved))
        .filter(users::Column::Role.is_in(roles));
    if !bloks.is_empty() {
        q = q.filter(users::Column::Blok.is_in(bloks.to_vec()));
    }
    q.order_by_asc(users::Column::FullName)
        .order_by_asc(users::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(to_domain)
        .collect()
}

/// The names of the accounts `ids` (unknown ids are left out).
pub async fn names_of<C: ConnectionTrait>(
    db: &C,
    ids: &[uuid::Uuid],
) -> Result<std::collections::HashMap<uuid::Uuid, String>, StoreError> {
    use sea_orm::QuerySelect;
    if ids.is_empty() {
        return Ok(Default::default());
    }
    let mut out = std::collections::HashMap::new();
    for chunk in ids.chunks(500) {
        let rows: Vec<(uuid::Uuid, String)> = users::Entity::find()
            .select_only()
            .column(users::Column::Id)
            .column(users::Column::FullName)
            .filter(users::Column::Id.is_in(chunk.to_vec()))
            .into_tuple()
            .all(db)
            .await?;
        out.extend(rows);
    }
    Ok(out)
}
