//! `GET /api/admin/jobs`: every job × scope with its schedule, last run (start, finish,
//! duration, ok/error, counts) and next run; `GET /api/admin/jobs/dead-letters`: runs given
//! up after their retries; `GET /api/admin/inactive-accounts/preview`: what the
//! inactive-account lifecycle would do today; `GET /api/admin/policy-parity`: the parity
//! guard's last report per router, `POST /api/admin/policy-parity/check`: a fresh read-only
//! report.

use actix_web::{HttpResponse, web};
use saring_app::App;
use saring_domain::api::Page;

use crate::ApiError;
use crate::session::AdminUser;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/jobs", web::get().to(list))
        .route("/jobs/dead-letters", web::get().to(dead_letters))
        .route(
            "/inactive-accounts/preview",
            web::get().to(inactive_preview),
        )
        .route("/policy-parity", web::get().to(parity))
        .route("/policy-parity/check", web::post().to(parity_check));
}

pub async fn list(app: web::Data<App>, AdminUser(_): AdminUser) -> Result<HttpResponse, ApiError> {
    let jobs = saring_app::jobs::status(&app).await?;
    Ok(HttpResponse::Ok().json(Page::all(jobs)))
}

pub async fn dead_letters(
    app: web::Data<App>,
    AdminUser(_): AdminUser,
) -> Result<HttpResponse, ApiError> {
    let items = saring_app::jobs::dead_letters(&app, 100).await?;
    Ok(HttpResponse::Ok().json(Page::all(items)))
}

pub async fn inactive_preview(
    app: web::Data<App>,
    AdminUser(_): AdminUser,
) -> Result<HttpResponse, ApiError> {
    let items = saring_app::jobs::accounts::lifecycle_plan(&app).await?;
    Ok(HttpResponse::Ok().json(Page::all(items)))
}

pub async fn parity(
    app: web::Data<App>,
    AdminUser(_): AdminUser,
) -> Result<HttpResponse, ApiError> {
    parity_reports(&app, false).await
}

pub async fn parity_check(
    app: web::Data<App>,
    AdminUser(_): AdminUser,
) -> Result<HttpResponse, ApiError> {
    parity_reports(&app, true).await
}

async fn parity_reports(app: &App, check_now: bool) -> Result<HttpResponse, ApiError> {
    let items = saring_app::sync::parity::reports(app, check_now).await?;
    Ok(HttpResponse::Ok().json(Page::all(items)))
}
