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

/// 400 `invalid_json`: the body is not JSON at all.
pub(crate) fn invalid_json() -> ApiError {
    ApiError::new(ErrorCode::InvalidJson, "JSON tidak valid.")
}

/// 413: more than [`JSON_LIMIT_BYTES`].
pub(crate) fn too_large() -> ApiError {
    ApiError::new(
        ErrorCode::PayloadTooLarge,
        format!(
            "Isi permintaan terlalu besar (maksimal {} KB).",
            JSON_LIMIT_BYTES / 1024
        ),
    )
}

/// 415: a body in a format the API does not read.
pub(crate) fn unsupported_media_type() -> ApiError {
    ApiError::new(
        ErrorCode::UnsupportedMediaType,
        "Gunakan Content-Type: application/json.",
    )
}

/// A field name or key as the client sent it, kept short.
fn short(name: &str) -> String {
    name.chars().take(64).collect()
}

/// The text between the first pair of backticks after `prefix`.
fn quoted_after(text: &str, prefix: &str) -> Option<String> {
    let rest = text.strip_prefix(prefix)?;
    rest.split('`').next().map(short)
}

/// What a value of the wrong type should have been, in Indonesian.
fn expected_type(serde_msg: &str) -> &'static str {
    let expected = serde_msg
        .split_once(", expected ")
        .map_or("", |(_, e)| e)
        .to_ascii_lowercase();
    let has = |words: &[&str]| words.iter().any(|w| expected.contains(w));
    if has(&["string", "char"]) {
        "harus berupa teks"
    } else if has(&["bool"]) {
        "harus berupa true atau false"
    } else if has(&[
        "integer", "number", "float", "u8", "u16", "u32", "u64", "i8", "i16", "i32", "i64", "f32",
        "f64",
    ]) {
        "harus berupa angka"
    } else if has(&["sequence", "array", "tuple", "list"]) {
        "harus berupa daftar"
    } else if has(&["struct", "map", "object"]) {
        "harus berupa objek"
    } else {
        "tipe data tidak sesuai"
    }
}

/// 422 `validation_failed` for a body or query that serde could not read into its type:
/// `details: [{"loc": [source, <path>…], "msg": …}]`, in Indonesian, without the value sent
/// and without serde's wording.
pub(crate) fn field_error(source: &str, path: Vec<serde_json::Value>, serde_msg: &str) -> ApiError {
    let mut loc: Vec<serde_json::Value> = vec![source.into()];
    loc.extend(path.into_iter().map(|v| match v {
        serde_json::Value::String(s) => serde_json::Value::String(short(&s)),
        other => other,
    }));
    let mut push_field = |field: String| {
        if loc.last().and_then(serde_json::Value::as_str) != Some(field.as_str()) {
            loc.push(field.into());
        }
    };
    let msg = if let Some(field) = quoted_after(serde_msg, "missing field `") {
        push_field(field);
        "wajib diisi"
    } else if let Some(field) = quoted_after(serde_msg, "unknown field `") {
        push_field(field);
        "kolom tidak dikenal"
    } else if serde_msg.starts_with("invalid type:") {
        expected_type(serde_msg)
    } else if serde_msg.starts_with("unknown variant") {
        "pilihan tidak dikenal"
    } else {
        "nilai tidak valid"
    };
    ApiError(AppError::Rejected(Box::new(
        ErrorBody::new(
            ErrorCode::ValidationFailed,
            "Data yang dikirim tidak sesuai.",
        )
        .with_details(serde_json::json!([{ "loc": loc, "msg": msg }])),
    )))
}

fn json_error(err: JsonPayloadError, _req: &HttpRequest) -> actix_web::Error {
    let api = match &err {
        JsonPayloadError::OverflowKnownLength { .. } | JsonPayloadError::Overflow { .. } => {
            too_large()
        }
        JsonPayloadError::ContentType => unsupported_media_type(),
        JsonPayloadError::Deserialize(e) if e.is_data() => {
            field_error("body", Vec::new(), &e.to_string())
        }
        _ => invalid_json(),
    };
    api.into()
}

fn form_error(err: UrlencodedError, _req: &HttpRequest) -> actix_web::Error {
    let api = match &err {
        UrlencodedError::Overflow { .. } => too_large(),
        UrlencodedError::Parse(e) => field_error("body", Vec::new(), &e.to_string()),
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
    let QueryPayloadError::Deserialize(e) = &err else {
        return ApiError::new(ErrorCode::ValidationFailed, "Parameter query tidak valid.").into();
    };
    field_error("query", Vec::new(), &e.to_string()).into()
}

fn path_error(_err: PathError, _req: &HttpRequest) -> actix_web::Error {
    ApiError::new(ErrorCode::NotFound, "Alamat tidak ditemukan.").into()
}

pub fn json_config() -> web::JsonConfig {
    web::JsonConfig::default()
        .limit(JSON_LIMIT_BYTES)
        .content_type_required(false)
        .error_handler(json_error)
}

pub fn query_config() -> web::QueryConfig {
    web::QueryConfig::default().error_handler(query_error)
}

pub fn path_config() -> web::PathConfig {
    web::PathConfig::default().error_handler(path_error)
}
