//! `/api/admin/whatsapp/broadcast…`: WhatsApp broadcasts to filtered users and their delivery
//! log (administrators; see `saring_app::whatsapp::broadcast`), and `/api/webhooks/whatsapp`:
//! the Cloud API's subscription check and signed delivery reports.

use actix_web::{HttpRequest, HttpResponse, web};
use saring_app::{App, AppError};
use saring_domain::api::ErrorCode;
use saring_domain::dto::whatsapp::{BroadcastFilter, BroadcastRequest};

use crate::ApiError;
use crate::body::Body;
use crate::paging::Paging;
use crate::session::AdminUser;

type ApiResult = Result<HttpResponse, ApiError>;

/// Routes under `/api/admin`.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/whatsapp/broadcast/preview", web::post().to(preview))
        .route("/whatsapp/broadcast", web::post().to(broadcast))
        .route("/whatsapp/broadcasts", web::get().to(list))
        .route("/whatsapp/broadcasts/{id}", web::get().to(detail));
}

/// Public routes (Meta calls them).
pub fn configure_webhooks(cfg: &mut web::ServiceConfig) {
    cfg.route("/api/webhooks/whatsapp", web::get().to(verify))
        .route("/api/webhooks/whatsapp", web::post().to(webhook));
}

#[tracing::instrument(skip_all, fields(admin_id = %admin.id))]
async fn preview(
    app: web::Data<App>,
    AdminUser(admin): AdminUser,
    Body(filter): Body<BroadcastFilter>,
) -> ApiResult {
    Ok(HttpResponse::Ok().json(saring_app::whatsapp::broadcast::preview(&app, &filter).await?))
}

#[tracing::instrument(skip_all, fields(admin_id = %admin.id))]
async fn broadcast(
    app: web::Data<App>,
    AdminUser(admin): AdminUser,
    req: HttpRequest,
    Body(body): Body<BroadcastRequest>,
) -> ApiResult {
    let key = match req.headers().get("idempotency-key") {
        None => None,
        Some(v) => Some(v.to_str().map_err(|_| {
            ApiError(AppError::invalid(
                "Idempotency-Key",
                "Idempotency-Key harus berupa teks ASCII.",
            ))
        })?),
    };
    let accepted = saring_app::whatsapp::broadcast::send(
        &app,
        &admin,
        &body.filter,
        &body.message,
        body.broadcast_id.as_deref(),
        key,
    )
    .await?;
    Ok(HttpResponse::Accepted().json(accepted))
}

async fn list(app: web::Data<App>, AdminUser(_): AdminUser, Paging(page): Paging) -> ApiResult {
    Ok(HttpResponse::Ok().json(saring_app::whatsapp::broadcast::list(&app, page).await?))
}

async fn detail(app: web::Data<App>, AdminUser(_): AdminUser, id: web::Path<String>) -> ApiResult {
    Ok(HttpResponse::Ok().json(saring_app::whatsapp::broadcast::detail(&app, &id).await?))
}

#[derive(serde::Deserialize)]
struct Subscribe {
    #[serde(rename = "hub.mode")]
    mode: Option<String>,
    #[serde(rename = "hub.verify_token")]
    verify_token: Option<String>,
    #[serde(rename = "hub.challenge")]
    challenge: Option<String>,
}

/// `GET /api/webhooks/whatsapp`: Meta's subscription check (answers the challenge as text).
async fn verify(app: web::Data<App>, q: web::Query<Subscribe>) -> ApiResult {
    let challenge = saring_app::whatsapp::webhook::verify_subscription(
        &app,
        q.mode.as_deref(),
        q.verify_token.as_deref(),
        q.challenge.as_deref(),
    )
    .await?;
    Ok(HttpResponse::Ok()
        .content_type("text/plain; charset=utf-8")
        .body(challenge))
}

/// `POST /api/webhooks/whatsapp`: signed delivery reports. A failure on our side answers 503
/// so Meta retries; refused bodies get their 4xx.
#[tracing::instrument(skip_all)]
async fn webhook(app: web::Data<App>, req: HttpRequest, body: web::Bytes) -> ApiResult {
    let signature = req
        .headers()
        .get("x-hub-signature-256")
        .and_then(|v| v.to_str().ok());
    match saring_app::whatsapp::webhook::receive(&app, &body, signature).await {
        Ok(outcome) => Ok(HttpResponse::Ok().json(outcome)),
        Err(e @ AppError::Rejected(_)) => Err(ApiError(e)),
        Err(e) => {
            tracing::error!(error = %e, "WhatsApp webhook not processed: Meta will retry");
            Err(ApiError::new(
                ErrorCode::ServiceUnavailable,
                "Laporan belum dapat diproses, silakan kirim ulang.",
            ))
        }
    }
}
