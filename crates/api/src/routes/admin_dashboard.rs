//! `GET /api/admin/dashboard/stats`: the admin portal's landing figures (revenue, accounts by
//! status, pending work, debts, usage today, best sellers, newest transactions, routers,
//! jobs); `GET /api/admin/metrics`: reliability signals with `ok | warn | critical` levels.
//! Any administrator. Bodies: `saring_domain::dto::dashboard`.

use actix_web::{HttpResponse, web};
use saring_app::App;
use saring_app::operator::{dashboard, reliability};

use crate::ApiError;
use crate::session::AdminUser;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/dashboard/stats", web::get().to(stats))
        .route("/metrics", web::get().to(metrics));
}

pub async fn stats(app: web::Data<App>, AdminUser(_): AdminUser) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(dashboard::stats(&app).await?))
}

pub async fn metrics(
    app: web::Data<App>,
    AdminUser(_): AdminUser,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(reliability::metrics(&app).await?))
}
