//! `/api/admin/message-templates`: the WhatsApp templates with the admin's texts (admins
//! read and preview, super admins change them; every change is in the action log).

use actix_web::{HttpResponse, web};
use saring_app::App;
use saring_domain::api::Page;
use saring_domain::dto::templates::{TemplateBody, TemplatePreview};

use crate::ApiError;
use crate::body::Body;
use crate::session::{AdminUser, SuperAdmin};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/message-templates", web::get().to(list))
        .route("/message-templates/{key}", web::put().to(save))
        .route("/message-templates/{key}/preview", web::post().to(preview));
}

async fn list(app: web::Data<App>, AdminUser(_): AdminUser) -> Result<HttpResponse, ApiError> {
    let items = saring_app::templates::list(&app).await?;
    Ok(HttpResponse::Ok().json(Page::all(items)))
}

async fn save(
    app: web::Data<App>,
    SuperAdmin(admin): SuperAdmin,
    key: web::Path<String>,
    Body(req): Body<TemplateBody>,
) -> Result<HttpResponse, ApiError> {
    let info = saring_app::templates::save(&app, &admin, &key, req.body.as_deref()).await?;
    Ok(HttpResponse::Ok().json(info))
}

async fn preview(
    app: web::Data<App>,
    AdminUser(_): AdminUser,
    key: web::Path<String>,
    body: Option<Body<TemplateBody>>,
) -> Result<HttpResponse, ApiError> {
    let draft = body.and_then(|Body(b)| b.body);
    let text = saring_app::templates::preview(&app, &key, draft.as_deref()).await?;
    Ok(HttpResponse::Ok().json(TemplatePreview { text }))
}
