//! `Body<T>`: a JSON body, or a form-urlencoded one (MikroTik login pages and the
//! reference's portal post forms), with the same error envelope either way.
//!
//! * `Content-Type: application/json` (or `…+json`), or **no** `Content-Type`: JSON
//!   (`docs/api.md`); `application/x-www-form-urlencoded`: a form; anything else: 415.
//! * More than [`JSON_LIMIT_BYTES`](crate::JSON_LIMIT_BYTES): 413.
//! * Not JSON at all: 400 `invalid_json`.
//! * JSON of the wrong shape: 422 `validation_failed` with
//!   `details: [{"loc": ["body", <field path>…], "msg": <Indonesian>}]` — never the value
//!   sent, never serde's wording or its line/column.

use actix_web::dev::Payload;
use actix_web::http::header::CONTENT_LENGTH;
use actix_web::{FromRequest, HttpMessage, HttpRequest, mime};
use futures::StreamExt;
use futures::future::LocalBoxFuture;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::ApiError;
use crate::error::{field_error, invalid_json, too_large, unsupported_media_type};

pub struct Body<T>(pub T);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Json,
    Form,
}

fn format_of(req: &HttpRequest) -> Option<Format> {
    match req.mime_type() {
        Ok(None) => Some(Format::Json),
        Ok(Some(m)) if m.subtype() == mime::JSON || m.suffix() == Some(mime::JSON) => {
            Some(Format::Json)
        }
        Ok(Some(m))
            if m.type_() == mime::APPLICATION && m.subtype() == mime::WWW_FORM_URLENCODED =>
        {
            Some(Format::Form)
        }
        _ => None,
    }
}

/// Reads the whole (decompressed) payload, at most `limit` bytes.
async fn read(
    mut payload: actix_web::dev::Decompress<Payload>,
    limit: usize,
) -> Result<Vec<u8>, ApiError> {
    let mut buf = Vec::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|_| invalid_json())?;
        if buf.len() + chunk.len() > limit {
            return Err(too_large());
        }
        buf.extend_from_slice(&chunk);
    }
    Ok(buf)
}

/// The field path serde was at, as `loc` entries.
fn loc(path: &serde_path_to_error::Path) -> Vec<Value> {
    use serde_path_to_error::Segment;
    path.iter()
        .filter_map(|s| match s {
            Segment::Seq { index } => Some(Value::from(*index)),
            Segment::Map { key } => Some(Value::from(key.as_str())),
            Segment::Enum { variant } => Some(Value::from(variant.as_str())),
            Segment::Unknown => None,
        })
        .collect()
}

/// Parses `bytes` as JSON into `T`.
pub fn from_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value = match serde_path_to_error::deserialize::<_, T>(&mut de) {
        Ok(v) => v,
        Err(e) if e.inner().is_data() => {
            let path = loc(e.path());
            return Err(field_error("body", path, &e.inner().to_string()));
        }
        Err(_) => return Err(invalid_json()),
    };
    de.end().map_err(|_| invalid_json())?;
    Ok(value)
}

/// Parses `bytes` as a form (`application/x-www-form-urlencoded`) into `T`.
pub fn from_form<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(bytes));
    serde_path_to_error::deserialize::<_, T>(de)
        .map_err(|e| field_error("body", loc(e.path()), &e.inner().to_string()))
}

impl<T: DeserializeOwned + 'static> FromRequest for Body<T> {
    type Error = actix_web::Error;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let limit = crate::JSON_LIMIT_BYTES;
        let Some(format) = format_of(req) else {
            return Box::pin(async { Err(unsupported_media_type().into()) });
        };
        let declared = req
            .headers()
            .get(CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<usize>().ok());
        if declared.is_some_and(|n| n > limit) {
            return Box::pin(async { Err(too_large().into()) });
        }
        let payload = actix_web::dev::Decompress::from_headers(payload.take(), req.headers());
        Box::pin(async move {
            let bytes = read(payload, limit).await?;
            let value = match format {
                Format::Json => from_json(&bytes)?,
                Format::Form => from_form(&bytes)?,
            };
            Ok(Body(value))
        })
    }
}
