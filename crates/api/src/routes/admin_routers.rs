//! `/api/admin/routers`: the routers of an install (admins list and check them; super admins
//! add, change and remove them; any admin runs verify-rules). Bodies: `saring_domain::dto::routers`.

use actix_web::{HttpResponse, web};
use saring_app::App;
use saring_domain::api::ErrorCode;
use saring_domain::dto::routers::RouterInput;
use uuid::Uuid;

use crate::ApiError;
use crate::body::Body;
use crate::session::{AdminUser, SuperAdmin};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/routers", web::get().to(list))
        .route("/routers", web::post().to(create))
        .route("/routers/{id}", web::get().to(get))
        .route("/routers/{id}", web::put().to(update))
        .route("/routers/{id}", web::delete().to(delete))
        .route("/routers/{id}/check", web::post().to(check))
        .route("/routers/{id}/verify-rules", web::get().to(verify_rules))
        .route("/routers/{id}/live", web::get().to(live))
        .route("/routers/{id}/adopt", web::post().to(adopt))
        .route("/routers/{id}/adopt", web::delete().to(release));
}

fn router_id(raw: &str) -> Result<Uuid, ApiError> {
    Uuid::parse_str(raw).map_err(|_| ApiError::new(ErrorCode::NotFound, "Router tidak ditemukan."))
}

async fn list(app: web::Data<App>, AdminUser(_): AdminUser) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(saring_app::router_admin::list(&app).await?))
}

async fn get(
    app: web::Data<App>,
    AdminUser(_): AdminUser,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(saring_app::router_admin::get(&app, router_id(&id)?).await?))
}

async fn create(
    app: web::Data<App>,
    SuperAdmin(admin): SuperAdmin,
    Body(input): Body<RouterInput>,
) -> Result<HttpResponse, ApiError> {
    let view = saring_app::router_admin::create(&app, Some(&admin), input).await?;
    Ok(HttpResponse::Created().json(view))
}

async fn update(
    app: web::Data<App>,
    SuperAdmin(admin): SuperAdmin,
    id: web::Path<String>,
    Body(input): Body<RouterInput>,
) -> Result<HttpResponse, ApiError> {
    let id = router_id(&id)?;
    Ok(HttpResponse::Ok()
        .json(saring_app::router_admin::update(&app, Some(&admin), id, input).await?))
}

async fn delete(
    app: web::Data<App>,
    SuperAdmin(admin): SuperAdmin,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    saring_app::router_admin::delete(&app, Some(&admin), router_id(&id)?).await?;
    Ok(HttpResponse::NoContent().finish())
}

async fn check(
    app: web::Data<App>,
    AdminUser(_): AdminUser,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(saring_app::router_admin::check(&app, router_id(&id)?).await?))
}

/// `GET /api/admin/routers/{id}/verify-rules`: what the router holds of what Saring needs,
/// item by item (connects to the router now).
async fn verify_rules(
    app: web::Data<App>,
    AdminUser(_): AdminUser,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let report = saring_app::router_setup::verify(&app, router_id(&id)?).await?;
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .json(report))
}

/// `GET /api/admin/routers/{id}/live`: the router's hotspot hosts and sessions right now.
async fn live(
    app: web::Data<App>,
    AdminUser(_): AdminUser,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let live = saring_app::router_setup::live::live(&app, router_id(&id)?).await?;
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .json(live))
}

/// `POST /api/admin/routers/{id}/adopt`: this install owns the router's entries.
async fn adopt(
    app: web::Data<App>,
    SuperAdmin(admin): SuperAdmin,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = router_id(&id)?;
    Ok(HttpResponse::Ok()
        .json(saring_app::router_admin::set_adopted(&app, Some(&admin), id, true).await?))
}

/// `DELETE /api/admin/routers/{id}/adopt`: withdraws the adoption (jobs go back to reporting).
async fn release(
    app: web::Data<App>,
    SuperAdmin(admin): SuperAdmin,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = router_id(&id)?;
    Ok(HttpResponse::Ok()
        .json(saring_app::router_admin::set_adopted(&app, Some(&admin), id, false).await?))
}
