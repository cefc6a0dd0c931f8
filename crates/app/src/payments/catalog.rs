//! The catalog: packages (price in Rupiah, quota in GB with 0 = unlimited, days, hotspot
//! profile) and the hotspot profiles they map to. The API speaks GB with two decimals; the
//! database stores whole MB (`1 GB = 1024 MB`, truncated like the reference's
//! `int(gb × 1024)`).

use saring_domain::api::ErrorCode;
use saring_domain::dto::payments::{PackageDto, PackageUpsert, ProfileDto, ProfileUpsert};
use saring_domain::money::Rupiah;
use saring_domain::user::User;
use saring_store::repo::activity;
use saring_store::repo::packages::{self, Package, PackageFields};
use saring_store::{StoreError, db};
use uuid::Uuid;

use crate::context::App;
use crate::error::{AppError, AppResult};

pub const MAX_PRICE: i64 = 100_000_000;
pub const MAX_QUOTA_GB: f64 = 10_000.0;
pub const MAX_DAYS: i64 = 3650;

/// MB → GB with two decimals (`1536` → `1.5`).
pub fn mb_to_gb(mb: i64) -> f64 {
    let centi = (i128::from(mb) * 100 + 512) / 1024;
    i64::try_from(centi).unwrap_or(i64::MAX) as f64 / 100.0
}

/// GB (at most two decimals) → whole MB.
pub fn gb_to_mb(gb: f64) -> AppResult<i64> {
    let invalid = || {
        AppError::invalid(
            "data_quota_gb",
            "Kuota harus 0 (unlimited) sampai 10.000 GB, paling banyak 2 angka desimal.",
        )
    };
    if !gb.is_finite() || !(0.0..=MAX_QUOTA_GB).contains(&gb) {
        return Err(invalid());
    }
    let centi = (gb * 100.0).round();
    if (gb * 100.0 - centi).abs() > 1e-6 {
        return Err(invalid());
    }
    Ok(centi as i64 * 1024 / 100)
}

fn whole(value: f64, field: &str, max: i64, message: &str) -> AppResult<i64> {
    if !value.is_finite() || value.fract() != 0.0 || value < 0.0 || value > max as f64 {
        return Err(AppError::invalid(field, message));
    }
    Ok(value as i64)
}

pub fn to_dto(p: Package) -> PackageDto {
    PackageDto {
        id: p.id.to_string(),
        price_display: Rupiah(p.price).to_string(),
        price: Rupiah(p.price),
        data_quota_gb: mb_to_gb(p.quota_mb),
        data_quota_mb: p.quota_mb,
        is_unlimited: p.is_unlimited(),
        duration_days: p.duration_days,
        is_active: p.is_active,
        profile_id: p.profile_id.to_string(),
        profile_name: p.profile_name,
        sort_order: p.sort_order,
        name: p.name,
        description: p.description,
    }
}

fn profile_dto(p: packages::Profile) -> ProfileDto {
    ProfileDto {
        id: p.id.to_string(),
        profile_name: p.profile_name,
        description: p.description,
        package_count: p.package_count,
    }
}

/// `GET /api/packages`: active packages.
pub async fn public_packages(app: &App) -> AppResult<Vec<PackageDto>> {
    Ok(packages::list(app.db(), true)
        .await?
        .into_iter()
        .map(to_dto)
        .collect())
}

/// `GET /api/admin/packages`: all packages.
pub async fn all_packages(app: &App) -> AppResult<Vec<PackageDto>> {
    Ok(packages::list(app.db(), false)
        .await?
        .into_iter()
        .map(to_dto)
        .collect())
}

fn parse_id(raw: &str, what: &str) -> AppResult<Uuid> {
    Uuid::parse_str(raw.trim())
        .map_err(|_| AppError::rejected(ErrorCode::NotFound, format!("{what} tidak ditemukan.")))
}

fn package_not_found() -> AppError {
    AppError::rejected(ErrorCode::NotFound, "Paket tidak ditemukan.")
}

async fn validate(
    app: &App,
    req: &PackageUpsert,
    except: Option<Uuid>,
) -> AppResult<PackageFields> {
    let name = req.name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(AppError::invalid(
            "name",
            "Nama paket wajib diisi (maksimal 100 karakter).",
        ));
    }
    let price = whole(
        req.price,
        "price",
        MAX_PRICE,
        "Harga harus bilangan bulat Rp 0 sampai Rp 100.000.000.",
    )?;
    let quota_mb = gb_to_mb(req.data_quota_gb)?;
    let days = whole(
        req.duration_days,
        "duration_days",
        MAX_DAYS,
        "Masa aktif harus 0 sampai 3650 hari.",
    )?;
    let profile_id = Uuid::parse_str(req.profile_id.trim())
        .map_err(|_| AppError::invalid("profile_id", "Profil hotspot tidak ditemukan."))?;
    if packages::find_profile(app.db(), profile_id)
        .await?
        .is_none()
    {
        return Err(AppError::invalid(
            "profile_id",
            "Profil hotspot tidak ditemukan.",
        ));
    }
    if packages::name_taken(app.db(), name, except).await? {
        return Err(AppError::rejected(
            ErrorCode::Conflict,
            format!("Paket bernama {name:?} sudah ada."),
        ));
    }
    let description = req
        .description
        .as_deref()
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .map(|d| d.chars().take(2000).collect());
    Ok(PackageFields {
        name: name.to_owned(),
        description,
        price,
        quota_mb,
        duration_days: i32::try_from(days).unwrap_or(30),
        profile_id,
        is_active: req.is_active,
        sort_order: req.sort_order.unwrap_or(0),
    })
}

fn conflict_on_unique(e: StoreError) -> AppError {
    match e {
        StoreError::Conflict(_) => AppError::rejected(ErrorCode::Conflict, "Nama sudah dipakai."),
        other => other.into(),
    }
}

async fn log(app: &App, admin: &User, details: serde_json::Value) -> AppResult<()> {
    activity::log_action(
        app.db(),
        Some(admin.id),
        None,
        "ADMIN_API_MUTATION",
        details,
    )
    .await?;
    Ok(())
}

pub async fn create_package(app: &App, admin: &User, req: &PackageUpsert) -> AppResult<PackageDto> {
    let fields = validate(app, req, None).await?;
    let p = packages::insert(app.db(), &fields)
        .await
        .map_err(conflict_on_unique)?;
    log(app, admin, serde_json::json!({"resource": "package", "action": "create", "id": p.id, "name": p.name, "price": p.price})).await?;
    Ok(to_dto(p))
}

pub async fn update_package(
    app: &App,
    admin: &User,
    id: &str,
    req: &PackageUpsert,
) -> AppResult<PackageDto> {
    let id = parse_id(id, "Paket")?;
    if packages::find(app.db(), id).await?.is_none() {
        return Err(package_not_found());
    }
    let fields = validate(app, req, Some(id)).await?;
    let p = packages::update(app.db(), id, &fields)
        .await
        .map_err(conflict_on_unique)?;
    log(app, admin, serde_json::json!({"resource": "package", "action": "update", "id": p.id, "name": p.name, "price": p.price, "is_active": p.is_active})).await?;
    Ok(to_dto(p))
}

/// What deleting a package did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Removal {
    Deleted,
    /// Transactions refer to it: kept for their history, no longer sold.
    Deactivated,
}

pub async fn delete_package(app: &App, admin: &User, id: &str) -> AppResult<Removal> {
    let id = parse_id(id, "Paket")?;
    let txn = db::begin_write(app.db()).await?;
    if packages::find(&txn, id).await?.is_none() {
        return Err(package_not_found());
    }
    let removal = if packages::references(&txn, id).await? > 0 {
        packages::set_active(&txn, id, false).await?;
        Removal::Deactivated
    } else {
        packages::delete(&txn, id).await?;
        Removal::Deleted
    };
    activity::log_action(
        &txn,
        Some(admin.id),
        None,
        "ADMIN_API_MUTATION",
        serde_json::json!({"resource": "package", "action": match removal { Removal::Deleted => "delete", Removal::Deactivated => "deactivate" }, "id": id}),
    )
    .await?;
    txn.commit().await.map_err(StoreError::from)?;
    Ok(removal)
}

pub async fn profiles(app: &App) -> AppResult<Vec<ProfileDto>> {
    Ok(packages::list_profiles(app.db())
        .await?
        .into_iter()
        .map(profile_dto)
        .collect())
}

pub async fn save_profile(
    app: &App,
    admin: &User,
    id: Option<&str>,
    req: &ProfileUpsert,
) -> AppResult<ProfileDto> {
    let name = req.profile_name.trim();
    if name.is_empty() || name.chars().count() > 100 || name.chars().any(|c| c.is_control()) {
        return Err(AppError::invalid(
            "profile_name",
            "Nama profil wajib diisi (maksimal 100 karakter).",
        ));
    }
    let id = id.map(|i| parse_id(i, "Profil")).transpose()?;
    if let Some(existing) = packages::find_profile_by_name(app.db(), name).await?
        && Some(existing.id) != id
    {
        return Err(AppError::rejected(
            ErrorCode::Conflict,
            format!("Profil {name:?} sudah ada."),
        ));
    }
    let description = req
        .description
        .as_deref()
        .map(str::trim)
        .filter(|d| !d.is_empty());
    let p = packages::save_profile(app.db(), id, name, description)
        .await
        .map_err(|e| match e {
            StoreError::NotFound => {
                AppError::rejected(ErrorCode::NotFound, "Profil tidak ditemukan.")
            }
            other => conflict_on_unique(other),
        })?;
    log(app, admin, serde_json::json!({"resource": "package_profile", "action": if id.is_some() { "update" } else { "create" }, "id": p.id, "profile_name": p.profile_name})).await?;
    Ok(profile_dto(p))
}

pub async fn delete_profile(app: &App, admin: &User, id: &str) -> AppResult<()> {
    let id = parse_id(id, "Profil")?;
    let Some(p) = packages::find_profile(app.db(), id).await? else {
        return Err(AppError::rejected(
            ErrorCode::NotFound,
            "Profil tidak ditemukan.",
        ));
    };
    if p.package_count > 0 {
        return Err(AppError::rejected(
            ErrorCode::Conflict,
            format!(
                "Profil {:?} masih dipakai oleh {} paket; pindahkan paketnya dulu.",
                p.profile_name, p.package_count
            ),
        ));
    }
    packages::delete_profile(app.db(), id).await?;
    log(app, admin, serde_json::json!({"resource": "package_profile", "action": "delete", "id": id, "profile_name": p.profile_name})).await?;
    Ok(())
}

/// Seeds the demo catalog on an empty database (embedded mode): a profile per policy
/// profile used by packages, and four packages.
pub async fn seed_demo(app: &App) -> AppResult<bool> {
    if !packages::list(app.db(), false).await?.is_empty() {
        return Ok(false);
    }
    let profiles = &app.config().policy.profiles;
    let active = match packages::find_profile_by_name(app.db(), &profiles.active).await? {
        Some(p) => p,
        None => {
            packages::save_profile(app.db(), None, &profiles.active, Some("Paket kuota")).await?
        }
    };
    let unlimited = match packages::find_profile_by_name(app.db(), &profiles.unlimited).await? {
        Some(p) => p,
        None => {
            packages::save_profile(app.db(), None, &profiles.unlimited, Some("Paket unlimited"))
                .await?
        }
    };
    let seeds = [
        (
            "Harian 1 GB",
            5_000,
            1024,
            1,
            active.id,
            "Kuota 1 GB untuk sehari.",
        ),
        (
            "Mingguan 5 GB",
            20_000,
            5 * 1024,
            7,
            active.id,
            "Kuota 5 GB selama 7 hari.",
        ),
        (
            "Bulanan 20 GB",
            50_000,
            20 * 1024,
            30,
            active.id,
            "Kuota 20 GB selama 30 hari.",
        ),
        (
            "Unlimited 30 Hari",
            150_000,
            0,
            30,
            unlimited.id,
            "Tanpa batas kuota selama 30 hari.",
        ),
    ];
    for (i, (name, price, mb, days, profile_id, description)) in seeds.into_iter().enumerate() {
        packages::insert(
            app.db(),
            &PackageFields {
                name: name.into(),
                description: Some(description.into()),
                price,
                quota_mb: mb,
                duration_days: days,
                profile_id,
                is_active: true,
                sort_order: i32::try_from(i).unwrap_or(0),
            },
        )
        .await?;
    }
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gb_conversions() {
        assert_eq!(gb_to_mb(1.5).unwrap(), 1536);
        assert_eq!(gb_to_mb(0.0).unwrap(), 0);
        assert_eq!(gb_to_mb(0.01).unwrap(), 10);
        assert_eq!(gb_to_mb(10_000.0).unwrap(), 10_240_000);
        assert!(gb_to_mb(1.234).is_err());
        assert!(gb_to_mb(-1.0).is_err());
        assert!(gb_to_mb(10_000.01).is_err());
        assert!(gb_to_mb(f64::NAN).is_err());
        assert!((mb_to_gb(1536) - 1.5).abs() < 1e-9);
        assert!((mb_to_gb(10) - 0.01).abs() < 1e-9);
        assert!(whole(1.5, "price", MAX_PRICE, "x").is_err());
        assert!(whole(-1.0, "price", MAX_PRICE, "x").is_err());
        assert!(whole(1e12, "price", MAX_PRICE, "x").is_err());
        assert_eq!(whole(10_000.0, "price", MAX_PRICE, "x").unwrap(), 10_000);
    }
}
