//! `/api/admin/settings`: the run-time settings (super admins; secrets never returned), the
//! recipients of the administrator alerts, and the WhatsApp and Telegram test sends.

use actix_web::{HttpResponse, web};
use saring_app::App;
use saring_domain::api::Page;
use saring_domain::dto::MessageResponse;
use saring_domain::dto::settings::{RecipientsUpdate, SettingsUpdate, TelegramTest, WhatsAppTest};

use crate::ApiError;
use crate::body::Body;
use crate::session::SuperAdmin;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/settings", web::get().to(list))
        .route("/settings", web::put().to(save))
        .route("/notification-recipients", web::get().to(recipients))
        .route("/notification-recipients", web::post().to(save_recipients))
        .route("/whatsapp/test-send", web::post().to(whatsapp_test))
        .route("/telegram/test-send", web::post().to(telegram_test));
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

#[derive(serde::Deserialize)]
struct TypeQuery {
    #[serde(rename = "type", default)]
    kind: String,
}

async fn recipients(
    app: web::Data<App>,
    SuperAdmin(_): SuperAdmin,
    q: web::Query<TypeQuery>,
) -> Result<HttpResponse, ApiError> {
    let items = saring_app::settings::recipients::list(&app, &q.kind).await?;
    Ok(HttpResponse::Ok().json(Page::all(items)))
}

async fn save_recipients(
    app: web::Data<App>,
    SuperAdmin(admin): SuperAdmin,
    Body(req): Body<RecipientsUpdate>,
) -> Result<HttpResponse, ApiError> {
    let items = saring_app::settings::recipients::save(
        &app,
        &admin,
        &req.notification_type,
        &req.subscribed_admin_ids,
    )
    .await?;
    Ok(HttpResponse::Ok().json(Page::all(items)))
}

async fn whatsapp_test(
    app: web::Data<App>,
    SuperAdmin(admin): SuperAdmin,
    Body(req): Body<WhatsAppTest>,
) -> Result<HttpResponse, ApiError> {
    saring_app::settings::recipients::whatsapp_test(&app, &admin, &req.phone_number, &req.message)
        .await?;
    Ok(HttpResponse::Ok().json(MessageResponse::new("Pesan uji WhatsApp terkirim.")))
}

async fn telegram_test(
    app: web::Data<App>,
    SuperAdmin(admin): SuperAdmin,
    Body(req): Body<TelegramTest>,
) -> Result<HttpResponse, ApiError> {
    saring_app::settings::recipients::telegram_test(&app, &admin, &req.chat_id, &req.message)
        .await?;
    Ok(HttpResponse::Ok().json(MessageResponse::new("Pesan uji Telegram terkirim.")))
}
