//! The catalog: hotspot profiles (`package_profiles`) and the packages users buy.

use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelBehavior, ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait,
    EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter, QueryOrder,
};
use uuid::Uuid;

use crate::entities::{package_profiles, packages, transactions, user_quota_debts};
use crate::error::StoreError;

/// A hotspot profile packages map to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    pub id: Uuid,
    pub profile_name: String,
    pub description: Option<String>,
    pub package_count: u64,
}

/// A package. `quota_mb` 0 = unlimited.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Package {
    pub id: Uuid,
    pub name: String,
    pub description: Option<String>,
    pub price: i64,
    pub quota_mb: i64,
    pub duration_days: i32,
    pub profile_id: Uuid,
    pub profile_name: Option<String>,
    pub is_active: bool,
    pub sort_order: i32,
}

impl Package {
    pub fn is_unlimited(&self) -> bool {
        self.quota_mb == 0
    }
}

/// What a package is made of (create or replace).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackageFields {
    pub name: String,
    pub description: Option<String>,
    pub price: i64,
    pub quota_mb: i64,
    pub duration_days: i32,
    pub profile_id: Uuid,
    pub is_active: bool,
    pub sort_order: i32,
}

fn to_package(m: packages::Model, profile: Option<package_profiles::Model>) -> Package {
    Package {
        id: m.id,
        name: m.name,
        description: m.description,
        price: m.price,
        quota_mb: m.data_quota_mb,
        duration_days: m.duration_days,
        profile_id: m.profile_id,
        profile_name: profile.map(|p| p.profile_name),
        is_active: m.is_active,
        sort_order: m.sort_order,
    }
}

/// Packages (only active ones when `active_only`), by sort order, then price, then name.
pub async fn list<C: ConnectionTrait>(
    db: &C,
    active_only: bool,
) -> Result<Vec<Package>, StoreError> {
    let mut q = packages::Entity::find();
    if active_only {
        q = q.filter(packages::Column::IsActive.eq(true));
    }
    Ok(q.order_by_asc(packages::Column::SortOrder)
        .order_by_asc(packages::Column::Price)
        .order_by_asc(packages::Column::Name)
        .find_also_related(package_profiles::Entity)
        .all(db)
        .await?
        .into_iter()
        .map(|(p, profile)| to_package(p, profile))
        .collect())
}

pub async fn find<C: ConnectionTrait>(db: &C, id: Uuid) -> Result<Option<Package>, StoreError> {
    Ok(packages::Entity::find_by_id(id)
        .find_also_related(package_profiles::Entity)
        .one(db)
        .await?
        .map(|(p, profile)| to_package(p, profile)))
}

pub async fn insert<C: ConnectionTrait>(db: &C, f: &PackageFields) -> Result<Package, StoreError> {
    let row = packages::ActiveModel {
        name: Set(f.name.clone()),
        description: Set(f.description.clone()),
        price: Set(f.price),
        data_quota_mb: Set(f.quota_mb),
        duration_days: Set(f.duration_days),
        profile_id: Set(f.profile_id),
        is_active: Set(f.is_active),
        sort_order: Set(f.sort_order),
        ..packages::ActiveModel::new()
    }
    .insert(db)
    .await?;
    find(db, row.id).await?.ok_or(StoreError::NotFound)
}

pub async fn update<C: ConnectionTrait>(
    db: &C,
    id: Uuid,
    f: &PackageFields,
) -> Result<Package, StoreError> {
    let model = packages::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(StoreError::NotFound)?;
    let mut row = model.into_active_model();
    row.name = Set(f.name.clone());
    row.description = Set(f.description.clone());
    row.price = Set(f.price);
    row.data_quota_mb = Set(f.quota_mb);
    row.duration_days = Set(f.duration_days);
    row.profile_id = Set(f.profile_id);
    row.is_active = Set(f.is_active);
    row.sort_order = Set(f.sort_order);
    row.update(db).await?;
    find(db, id).await?.ok_or(StoreError::NotFound)
}

pub async fn set_active<C: ConnectionTrait>(
    db: &C,
    id: Uuid,
    active: bool,
) -> Result<bool, StoreError> {
    Ok(packages::Entity::update_many()
        .col_expr(packages::Column::IsActive, Expr::value(active))
        .col_expr(packages::Column::UpdatedAt, Expr::value(crate::db::now()))
        .filter(packages::Column::Id.eq(id))
        .exec(db)
        .await?
        .rows_affected
        == 1)
}

/// How many transactions (and debt advances) refer to the package.
pub async fn references<C: ConnectionTrait>(db: &C, id: Uuid) -> Result<u64, StoreError> {
    let t = transactions::Entity::find()
        .filter(transactions::Column::PackageId.eq(id))
        .count(db)
        .await?;
    let d = user_quota_debts::Entity::find()
        .filter(user_quota_debts::Column::PackageId.eq(id))
        .count(db)
        .await?;
    Ok(t + d)
}

pub async fn delete<C: ConnectionTrait>(db: &C, id: Uuid) -> Result<bool, StoreError> {
    Ok(packages::Entity::delete_by_id(id)
        .exec(db)
        .await?
        .rows_affected
        == 1)
}

pub async fn name_taken<C: ConnectionTrait>(
    db: &C,
    name: &str,
    except: Option<Uuid>,
) -> Result<bool, StoreError> {
    let mut q = packages::Entity::find().filter(packages::Column::Name.eq(name));
    if let Some(id) = except {
        q = q.filter(packages::Column::Id.ne(id));
    }
    Ok(q.count(db).await? > 0)
}

async fn package_count<C: ConnectionTrait>(db: &C, profile: Uuid) -> Result<u64, StoreError> {
    Ok(packages::Entity::find()
        .filter(packages::Column::ProfileId.eq(profile))
        .count(db)
        .await?)
}

pub async fn list_profiles<C: ConnectionTrait>(db: &C) -> Result<Vec<Profile>, StoreError> {
    let rows = package_profiles::Entity::find()
        .order_by_asc(package_profiles::Column::ProfileName)
        .all(db)
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for m in rows {
        out.push(Profile {
            package_count: package_count(db, m.id).await?,
            id: m.id,
            profile_name: m.profile_name,
            description: m.description,
        });
    }
    Ok(out)
}

pub async fn find_profile<C: ConnectionTrait>(
    db: &C,
    id: Uuid,
) -> Result<Option<Profile>, StoreError> {
    match package_profiles::Entity::find_by_id(id).one(db).await? {
        Some(m) => Ok(Some(Profile {
            package_count: package_count(db, m.id).await?,
            id: m.id,
            profile_name: m.profile_name,
            description: m.description,
        })),
        None => Ok(None),
    }
}

pub async fn find_profile_by_name<C: ConnectionTrait>(
    db: &C,
    name: &str,
) -> Result<Option<Profile>, StoreError> {
    match package_profiles::Entity::find()
        .filter(package_profiles::Column::ProfileName.eq(name))
        .one(db)
        .await?
    {
        Some(m) => find_profile(db, m.id).await,
        None => Ok(None),
    }
}

/// Creates (`id: None`) or renames/redescribes a profile.
pub async fn save_profile<C: ConnectionTrait>(
    db: &C,
    id: Option<Uuid>,
    profile_name: &str,
    description: Option<&str>,
) -> Result<Profile, StoreError> {
    let id = match id {
        Some(id) => {
            let model = package_profiles::Entity::find_by_id(id)
                .one(db)
                .await?
                .ok_or(StoreError::NotFound)?;
            let mut row = model.into_active_model();
            row.profile_name = Set(profile_name.to_owned());
            row.description = Set(description.map(str::to_owned));
            row.update(db).await?.id
        }
        None => {
            package_profiles::ActiveModel {
                profile_name: Set(profile_name.to_owned()),
                description: Set(description.map(str::to_owned)),
                ..package_profiles::ActiveModel::new()
            }
            .insert(db)
            .await?
            .id
        }
    };
    find_profile(db, id).await?.ok_or(StoreError::NotFound)
}

pub async fn delete_profile<C: ConnectionTrait>(db: &C, id: Uuid) -> Result<bool, StoreError> {
    Ok(package_profiles::Entity::delete_by_id(id)
        .exec(db)
        .await?
        .rows_affected
        == 1)
}
