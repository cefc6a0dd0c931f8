//! Every error the API returns, as the reference's envelope with a fitting status code.

use actix_web::error::{JsonPayloadError, PathError, QueryPayloadError, UrlencodedError};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, ResponseError, web};
use saring_app::AppError;
use saring_domain::api::{ErrorBody, ErrorCode};

use crate::JSON_LIMIT_BYTES;
use crate::request_id;

/// An error on its way to the client.
#[derive(Debug)]
pub struct ApiError(pub AppError);

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        ApiError(e)
    }
}

impl ApiError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        ApiError(AppError::rejected(code, message))
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        StatusCode::from_u16(self.0.to_body().code.http_status())
            .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    fn error_response(&self) -> HttpResponse {
        let mut body: ErrorBody = self.0.to_body();
        body.request_id = request_id::current();
        if self.0.is_server_fault() {
            tracing::error!(error = %self.0, request_id = body.request_id.as_deref().unwrap_or("-"), "request failed");
        }
        let status = StatusCode::from_u16(body.code.http_status())
            .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut res = HttpResponse::build(status);
        if let Some(seconds) = body
            .details
            .as_ref()
            .and_then(|d| d.get("retry_after_seconds"))
            .and_then(|v| v.as_u64())
        {
            res.insert_header(("Retry-After", seconds.to_string()));
        }
        res.insert_header(("Cache-Control", "no-store")).json(body)
    }
}

fn json_error(err: JsonPayloadError, _req: &HttpRequest) -> actix_web::Error {
    let api = match &err {
        JsonPayloadError::OverflowKnownLength { .. } | JsonPayloadError::Overflow { .. } => {
            ApiError::new(
                ErrorCode::PayloadTooLarge,
                format!(
                    "Isi permintaan terlalu besar (maksimal {} KB).",
                    JSON_LIMIT_BYTES / 1024
                ),
            )
        }
        JsonPayloadError::ContentType => ApiError::new(
            ErrorCode::UnsupportedMediaType,
            "Gunakan Content-Type: application/json.",
        ),
        JsonPayloadError::Deserialize(e) if e.is_data() => ApiError(AppError::Rejected(Box::new(
            ErrorBody::new(
                ErrorCode::ValidationFailed,
                "Data yang dikirim tidak sesuai.",
            )
            .with_details(serde_json::json!([{ "msg": e.to_string() }])),
        ))),
        _ => ApiError::new(ErrorCode::InvalidJson, "JSON tidak valid."),
    };
    api.into()
}

fn form_error(err: UrlencodedError, _req: &HttpRequest) -> actix_web::Error {
    let api = match &err {
        UrlencodedError::Overflow { .. } => ApiError::new(
            ErrorCode::PayloadTooLarge,
            format!(
                "Isi permintaan terlalu besar (maksimal {} KB).",
                JSON_LIMIT_BYTES / 1024
            ),
        ),
        UrlencodedError::Parse(e) => ApiError(AppError::Rejected(Box::new(
            ErrorBody::new(
                ErrorCode::ValidationFailed,
                "Data yang dikirim tidak sesuai.",
            )
            .with_details(serde_json::json!([{ "msg": e.to_string() }])),
        ))),
        _ => ApiError::new(ErrorCode::BadRequest, "Isi formulir tidak valid."),
    };
    api.into()
}

pub fn form_config() -> web::FormConfig {
    web::FormConfig::default()
        .limit(JSON_LIMIT_BYTES)
        .error_handler(form_error)
}

fn query_error(err: QueryPayloadError, _req: &HttpRequest) -> actix_web::Error {
    ApiError(AppError::Rejected(Box::new(
        ErrorBody::new(ErrorCode::ValidationFailed, "Parameter query tidak valid.")
            .with_details(serde_json::json!([{ "msg": err.to_string() }])),
    )))
    .into()
}

fn path_error(_err: PathError, _req: &HttpRequest) -> actix_web::Error {
    ApiError::new(ErrorCode::NotFound, "Alamat tidak ditemukan.").into()
}

pub fn json_config() -> web::JsonConfig {
    web::JsonConfig::default()
        .limit(JSON_LIMIT_BYTES)
        .error_handler(json_error)
}

pub fn query_config() -> web::QueryConfig {
    web::QueryConfig::default().error_handler(query_error)
}

pub fn path_config() -> web::PathConfig {
    web::PathConfig::default().error_handler(path_error)
}
