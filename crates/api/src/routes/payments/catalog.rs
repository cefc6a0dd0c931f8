//! Packages, hotspot profiles and promos: the public list and the admin CRUD.

use actix_web::{HttpResponse, web};
use saring_app::App;
use saring_app::payments::catalog::{self, Removal};
use saring_app::payments::promos as promo_uc;
use saring_domain::dto::MessageResponse;
use saring_domain::dto::payments::{PackageRemoval, PackageUpsert, ProfileUpsert, PromoUpsert};

use crate::ApiError;
use crate::body::Body;
use crate::session::{AdminUser, SuperAdmin};

type ApiResult = Result<HttpResponse, ApiError>;

/// `GET /api/packages`
pub async fn public_packages(app: web::Data<App>) -> ApiResult {
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "public, max-age=30"))
        .json(catalog::public_packages(&app).await?))
}

/// `GET /api/public/promos/active`
pub async fn active_promos(app: web::Data<App>) -> ApiResult {
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "public, max-age=30"))
        .json(promo_uc::active(&app).await?))
}

pub async fn admin_packages(app: web::Data<App>, _: AdminUser) -> ApiResult {
    Ok(HttpResponse::Ok().json(catalog::all_packages(&app).await?))
}

#[tracing::instrument(skip_all)]
pub async fn create_package(
    app: web::Data<App>,
    AdminUser(admin): AdminUser,
    Body(req): Body<PackageUpsert>,
) -> ApiResult {
    Ok(HttpResponse::Created().json(catalog::create_package(&app, &admin, &req).await?))
}

#[tracing::instrument(skip_all)]
pub async fn update_package(
    app: web::Data<App>,
    AdminUser(admin): AdminUser,
    id: web::Path<String>,
    Body(req): Body<PackageUpsert>,
) -> ApiResult {
    Ok(HttpResponse::Ok().json(catalog::update_package(&app, &admin, &id, &req).await?))
}

#[tracing::instrument(skip_all)]
pub async fn delete_package(
    app: web::Data<App>,
    AdminUser(admin): AdminUser,
    id: web::Path<String>,
) -> ApiResult {
    let body = match catalog::delete_package(&app, &admin, &id).await? {
        Removal::Deleted => PackageRemoval {
            message: "Paket dihapus.".into(),
            deleted: true,
            deactivated: false,
        },
        Removal::Deactivated => PackageRemoval {
            message: "Paket sudah dipakai transaksi, jadi dinonaktifkan (tidak dihapus) agar riwayat tetap utuh.".into(),
            deleted: false,
            deactivated: true,
        },
    };
    Ok(HttpResponse::Ok().json(body))
}

pub async fn profiles(app: web::Data<App>, _: AdminUser) -> ApiResult {
    Ok(HttpResponse::Ok().json(catalog::profiles(&app).await?))
}

#[tracing::instrument(skip_all)]
pub async fn create_profile(
    app: web::Data<App>,
    SuperAdmin(admin): SuperAdmin,
    Body(req): Body<ProfileUpsert>,
) -> ApiResult {
    Ok(HttpResponse::Created().json(catalog::save_profile(&app, &admin, None, &req).await?))
}

#[tracing::instrument(skip_all)]
pub async fn update_profile(
    app: web::Data<App>,
    SuperAdmin(admin): SuperAdmin,
    id: web::Path<String>,
    Body(req): Body<ProfileUpsert>,
) -> ApiResult {
    Ok(HttpResponse::Ok().json(catalog::save_profile(&app, &admin, Some(&id), &req).await?))
}

#[tracing::instrument(skip_all)]
pub async fn delete_profile(
    app: web::Data<App>,
    SuperAdmin(admin): SuperAdmin,
    id: web::Path<String>,
) -> ApiResult {
    catalog::delete_profile(&app, &admin, &id).await?;
    Ok(HttpResponse::Ok().json(MessageResponse::new("Profil dihapus.")))
}

pub async fn promos(app: web::Data<App>, _: AdminUser) -> ApiResult {
    Ok(HttpResponse::Ok().json(promo_uc::list(&app).await?))
}

pub async fn promo(app: web::Data<App>, _: AdminUser, id: web::Path<String>) -> ApiResult {
    Ok(HttpResponse::Ok().json(promo_uc::get(&app, &id).await?))
}

#[tracing::instrument(skip_all)]
pub async fn create_promo(
    app: web::Data<App>,
    SuperAdmin(admin): SuperAdmin,
    Body(req): Body<PromoUpsert>,
) -> ApiResult {
    Ok(HttpResponse::Created().json(promo_uc::save(&app, &admin, None, &req).await?))
}

#[tracing::instrument(skip_all)]
pub async fn update_promo(
    app: web::Data<App>,
    SuperAdmin(admin): SuperAdmin,
    id: web::Path<String>,
    Body(req): Body<PromoUpsert>,
) -> ApiResult {
    Ok(HttpResponse::Ok().json(promo_uc::save(&app, &admin, Some(&id), &req).await?))
}

#[tracing::instrument(skip_all)]
pub async fn delete_promo(
    app: web::Data<App>,
    SuperAdmin(admin): SuperAdmin,
    id: web::Path<String>,
) -> ApiResult {
    promo_uc::delete(&app, &admin, &id).await?;
    Ok(HttpResponse::Ok().json(MessageResponse::new("Promo dihapus.")))
}
