//! `/api/admin/settings`: the run-time settings (super admins; secrets never returned).

use actix_web::{HttpResponse, web};
use saring_app::App;
use saring_domain::dto::settings::SettingsUpdate;

use crate::ApiError;
use crate::body::Body;
use crate::session::SuperAdmin;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/settings", web::get().to(list))
        .route("/settings", web::put().to(save));
}

async fn list(app: web::Data<App>, SuperAdmin(_): SuperAdmin) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(saring_app::settings::list(&app).await?))
}

async fn save(
    app: web::Data<App>,
    SuperAdmin(admin): SuperAdmin,
    Body(req): Body<SettingsUpdate>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(saring_app::settings::update(&app, &admin, &req.settings).await?))
}
