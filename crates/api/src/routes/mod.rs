//! Routes, grouped by resource.

pub mod health;

use actix_web::{HttpResponse, web};
use saring_domain::api::ErrorCode;

use crate::ApiError;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/health", web::get().to(health::get))
        .route("/ready", web::get().to(health::ready))
        .route("/api/health", web::get().to(health::get));
}

/// Anything unrouted: a JSON 404 in the usual envelope.
pub async fn not_found() -> Result<HttpResponse, ApiError> {
    Err(ApiError::new(
        ErrorCode::NotFound,
        "Alamat tidak ditemukan.",
    ))
}
