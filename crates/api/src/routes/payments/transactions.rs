//! `/api/transactions/*`: initiate (package, debt), the Midtrans webhook, status (owner and
//! public by signed token), cancel, QR code, invoices; `/api/settings/payment-*`.

use actix_web::{HttpResponse, web};
use saring_app::payments as pay;
use saring_app::payments::{invoice as inv, status};
use saring_app::ratelimit::{check, per_minute};
use saring_app::{App, AppError};
use saring_domain::api::ErrorCode;
use saring_domain::dto::payments::{DebtInitiateRequest, InitiateRequest};
use serde::Deserialize;

use super::pdf_response;
use crate::ApiError;
use crate::body::Body;
use crate::session::AuthUser;

type ApiResult = Result<HttpResponse, ApiError>;

/// `?t=<signed status token>`
#[derive(Debug, Deserialize)]
pub struct TokenQuery {
    #[serde(default)]
    t: String,
}

/// `?format=html` (default PDF)
#[derive(Debug, Deserialize)]
pub struct FormatQuery {
    #[serde(default)]
    format: Option<String>,
}

/// `GET /api/settings/payment-availability`: the Midtrans circuit breaker (never cached).
pub async fn availability(app: web::Data<App>) -> ApiResult {
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .json(pay::gateway::availability(&app).await))
}

/// `GET /api/settings/payment-options`: mode, methods and banks in force.
pub async fn options(app: web::Data<App>) -> ApiResult {
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .json(pay::options(&app).await?))
}

async fn limit(app: &App, user: &AuthUser) -> Result<(), ApiError> {
    check(app, "initiate", &user.0.id.to_string(), &[per_minute(10)]).await?;
    Ok(())
}

#[tracing::instrument(skip_all, fields(user_id = %user.0.id))]
pub async fn initiate(
    app: web::Data<App>,
    user: AuthUser,
    Body(req): Body<InitiateRequest>,
) -> ApiResult {
    limit(&app, &user).await?;
    Ok(HttpResponse::Ok().json(pay::initiate::purchase(&app, &user.0, &req).await?))
}

#[tracing::instrument(skip_all, fields(user_id = %user.0.id))]
pub async fn initiate_debt(
    app: web::Data<App>,
    user: AuthUser,
    body: Option<Body<DebtInitiateRequest>>,
) -> ApiResult {
    limit(&app, &user).await?;
    let req = body.map(|Body(b)| b).unwrap_or_default();
    Ok(HttpResponse::Ok().json(pay::initiate::debt_payment(&app, &user.0, &req).await?))
}

/// `POST /api/transactions/notification` (Midtrans). A failure on our side answers 503, so
/// Midtrans retries (4 times); bad input gets its 4xx; everything else 200.
#[tracing::instrument(skip_all)]
pub async fn notification(app: web::Data<App>, body: web::Bytes) -> ApiResult {
    match pay::notification::handle_notification(&app, &body).await {
        Ok(ack) => Ok(HttpResponse::Ok().json(ack)),
        Err(e @ AppError::Rejected(_)) => Err(ApiError(e)),
        Err(e) => {
            tracing::error!(error = %e, "notification not processed: Midtrans will retry");
            Err(ApiError::new(
                ErrorCode::ServiceUnavailable,
                "Notifikasi belum dapat diproses, silakan kirim ulang.",
            ))
        }
    }
}

pub async fn detail(app: web::Data<App>, user: AuthUser, order_id: web::Path<String>) -> ApiResult {
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .json(status::detail_for_user(&app, &user.0, &order_id).await?))
}

pub async fn public_detail(
    app: web::Data<App>,
    order_id: web::Path<String>,
    q: web::Query<TokenQuery>,
) -> ApiResult {
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .json(status::detail_public(&app, &order_id, &q.t).await?))
}

#[tracing::instrument(skip_all)]
pub async fn cancel(app: web::Data<App>, user: AuthUser, order_id: web::Path<String>) -> ApiResult {
    let tx = status::find_for(&app, &user.0, &order_id).await?;
    Ok(HttpResponse::Ok().json(status::cancel(&app, tx, "user").await?))
}

#[tracing::instrument(skip_all)]
pub async fn public_cancel(
    app: web::Data<App>,
    order_id: web::Path<String>,
    q: web::Query<TokenQuery>,
) -> ApiResult {
    let tx = status::find_public(&app, &order_id, &q.t).await?;
    let mut detail = status::cancel(&app, tx, "public-link").await?;
    detail.hotspot_password = None;
    detail.user = None;
    Ok(HttpResponse::Ok().json(detail))
}

fn svg(body: String) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("image/svg+xml")
        .insert_header(("Cache-Control", "private, max-age=300"))
        .body(body)
}

pub async fn qr(app: web::Data<App>, user: AuthUser, order_id: web::Path<String>) -> ApiResult {
    let tx = status::find_for(&app, &user.0, &order_id).await?;
    Ok(svg(status::qr_svg(&tx)?))
}

pub async fn public_qr(
    app: web::Data<App>,
    order_id: web::Path<String>,
    q: web::Query<TokenQuery>,
) -> ApiResult {
    let tx = status::find_public(&app, &order_id, &q.t).await?;
    Ok(svg(status::qr_svg(&tx)?))
}

fn invoice_response(data: &inv::InvoiceData, html: bool) -> HttpResponse {
    if html {
        HttpResponse::Ok()
            .content_type("text/html; charset=utf-8")
            .insert_header(("Cache-Control", "private, no-store"))
            .body(inv::html(data))
    } else {
        pdf_response(inv::pdf(data), &format!("invoice-{}.pdf", data.order_id))
    }
}

/// `GET /api/transactions/{order_id}/invoice[?format=html]` (owner or admin).
pub async fn invoice(
    app: web::Data<App>,
    user: AuthUser,
    order_id: web::Path<String>,
    q: web::Query<FormatQuery>,
) -> ApiResult {
    let data = inv::for_user(&app, &user.0, &order_id).await?;
    Ok(invoice_response(&data, q.format.as_deref() == Some("html")))
}

/// `GET /api/transactions/invoice/temp/{token}(.pdf|.html)`: the link WhatsApp carries.
pub async fn invoice_temp(app: web::Data<App>, token: web::Path<String>) -> ApiResult {
    let data = inv::by_token(&app, &token).await?;
    Ok(invoice_response(&data, token.ends_with(".html")))
}
