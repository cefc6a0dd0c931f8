//! Public portal endpoints: settings, RFC 8908 captive API, WhatsApp number check, the demo
//! outbox.

use actix_web::{HttpResponse, web};
use saring_app::App;
use saring_domain::api::ErrorCode;
use saring_domain::dto::auth::{RequestOtpRequest, ValidateWhatsAppResponse};

use crate::ApiError;
use crate::body::Body;
use crate::session::{AuthUser, Client};

type ApiResult = Result<HttpResponse, ApiError>;

/// Not cached by browsers: a super admin's switch (maintenance, the registration lists) must
/// reach the next page load. The server answers from its settings snapshot (no query).
pub async fn public_settings(app: web::Data<App>) -> ApiResult {
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-cache"))
        .json(saring_app::portal::public_settings(&app).await?))
}

/// `GET /api/captive` (RFC 8908): `application/captive+json`.
pub async fn captive(app: web::Data<App>, user: Option<AuthUser>) -> ApiResult {
    let portal = app.config().public_base_url(app.mode());
    let info = saring_app::portal::captive_info(
        &app,
        user.as_ref().map(|u| &u.0),
        format!("{portal}/captive"),
    );
    let body = serde_json::to_vec(&info)
        .map_err(|e| ApiError(saring_app::AppError::Internal(e.to_string())))?;
    Ok(HttpResponse::Ok()
        .content_type("application/captive+json")
        .insert_header(("Cache-Control", "private, no-store"))
        .body(body))
}

/// `POST /api/users/validate-whatsapp`: is this number on WhatsApp (for the registration form).
pub async fn validate_whatsapp(
    app: web::Data<App>,
    Client(client): Client,
    Body(req): Body<RequestOtpRequest>,
) -> ApiResult {
    saring_app::ratelimit::check(
        &app,
        "validate-wa",
        client.ip.as_deref().unwrap_or("-"),
        &[
            saring_app::ratelimit::per_minute(10),
            saring_app::ratelimit::per_hour(60),
        ],
    )
    .await?;
    let phone = saring_app::auth::parse_phone(&req.phone_number)?;
    let answer = match saring_app::notify::whatsapp(&app)
        .await
        .is_registered(&phone)
        .await
    {
        Ok(Some(false)) => ValidateWhatsAppResponse {
            is_valid: false,
            message: "Nomor tidak aktif di WhatsApp.".into(),
        },
        Ok(_) => ValidateWhatsAppResponse {
            is_valid: true,
            message: "Nomor WhatsApp valid.".into(),
        },
        Err(e) => {
            tracing::warn!(error = %e, "WhatsApp number check failed");
            ValidateWhatsAppResponse {
                is_valid: true,
                message: "Nomor belum dapat diperiksa; pendaftaran tetap bisa dilanjutkan.".into(),
            }
        }
    };
    Ok(HttpResponse::Ok().json(answer))
}

/// `GET /api/dev/outbox`: the embedded mode's WhatsApp messages (admins only unless the
/// demo listens on loopback); 404 in production.
pub async fn dev_outbox(app: web::Data<App>, user: Option<AuthUser>) -> ApiResult {
    match saring_app::portal::dev_outbox(&app, user.as_ref().map(|u| &u.0))? {
        Some(messages) => Ok(HttpResponse::Ok()
            .insert_header(("Cache-Control", "no-store"))
            .json(messages)),
        None => Err(ApiError::new(
            ErrorCode::NotFound,
            "Alamat tidak ditemukan.",
        )),
    }
}
