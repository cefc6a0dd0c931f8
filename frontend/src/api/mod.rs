//! A typed client for Saring's REST API over the shared DTOs (`saring_domain::dto`).
//!
//! Same-origin only (the SPA is served by the API server): relative URLs, cookies sent with
//! `credentials: same-origin`, no token in JavaScript. Errors arrive as the shared envelope
//! [`ErrorBody`]; [`ApiError::text`] translates its code (or shows the server's Indonesian
//! message when there is no translation).

pub mod admin;
pub mod auth;
pub mod backups;
pub mod operator;
pub mod payments;
pub mod users;

use gloo_net::http::{Request, RequestBuilder};
use saring_domain::api::{ErrorBody, ErrorCode};
use saring_domain::{Locale, PageStatus};
use serde::Serialize;
use serde::de::DeserializeOwned;
use web_sys::RequestCredentials;

/// A failed call: the HTTP status (0 when the server was not reached) and the envelope.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    pub http_status: u16,
    pub body: ErrorBody,
    /// `Retry-After` in seconds, on 429 answers.
    pub retry_after: Option<u32>,
}

impl ApiError {
    fn network() -> Self {
        ApiError {
            http_status: 0,
            body: ErrorBody::new(ErrorCode::ServiceUnavailable, "network"),
            retry_after: None,
        }
    }

    pub fn code(&self) -> ErrorCode {
        self.body.code
    }

    pub fn is(&self, code: ErrorCode) -> bool {
        self.body.code == code
    }

    pub fn is_network(&self) -> bool {
        self.http_status == 0
    }

    pub fn is_unauthorized(&self) -> bool {
        self.http_status == 401
    }

    /// The policy page this error names (`403` access errors carry it).
    pub fn policy_target(&self) -> Option<String> {
        let status = self.body.status.filter(|s| *s != PageStatus::Ok)?;
        Some(match &self.body.status_token {
            Some(sig) => format!(
                "/policy/{status}?status={status}&sig={}",
                encode_component(sig)
            ),
            None => format!("/policy/{status}"),
        })
    }

    /// The text to show: our translation of the code, else the server's message.
    pub fn text(&self, locale: Locale) -> String {
        if self.is_network() {
            return crate::i18n::text(locale, "error-network");
        }
        let key = format!("error-{}", self.body.code.as_str());
        match crate::i18n::lookup(locale, &key) {
            Some(text) => text,
            None if self.body.message.is_empty() => crate::i18n::text(locale, "error-internal"),
            None => self.body.message.clone(),
        }
    }
}

/// Percent-encodes a query component.
pub fn encode_component(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(char::from(b))
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// `?a=1&b=x` from the pairs whose value is present and not blank.
pub fn query_string(pairs: &[(&str, Option<String>)]) -> String {
    let parts: Vec<String> = pairs
        .iter()
        .filter_map(|(k, v)| {
            let v = v.as_deref()?.trim();
            (!v.is_empty()).then(|| format!("{k}={}", encode_component(v)))
        })
        .collect();
    if parts.is_empty() {
        String::new()
    } else {
        format!("?{}", parts.join("&"))
    }
}

enum Method {
    Get,
    Post,
    Put,
    Patch,
    Delete,
}

fn builder(method: &Method, path: &str) -> RequestBuilder {
    let b = match method {
        Method::Get => Request::get(path),
        Method::Post => Request::post(path),
        Method::Put => Request::put(path),
        Method::Patch => Request::patch(path),
        Method::Delete => Request::delete(path),
    };
    b.credentials(RequestCredentials::SameOrigin)
        .header("Accept", "application/json")
}

async fn send<B: Serialize + ?Sized, T: DeserializeOwned>(
    method: Method,
    path: &str,
    body: Option<&B>,
) -> Result<T, ApiError> {
    let b = builder(&method, path);
    let request = match body {
        Some(body) => b.json(body).map_err(|_| ApiError::network())?,
        None => b.build().map_err(|_| ApiError::network())?,
    };
    respond(request).await
}

/// Sends a file (or any blob) as the raw request body of a `POST`.
pub async fn post_blob<T: DeserializeOwned>(
    path: &str,
    blob: &web_sys::Blob,
    content_type: &str,
) -> Result<T, ApiError> {
    let request = builder(&Method::Post, path)
        .header("Content-Type", content_type)
        .body(wasm_bindgen::JsValue::from(blob.clone()))
        .map_err(|_| ApiError::network())?;
    respond(request).await
}

/// The answer's JSON, or the error envelope.
async fn respond<T: DeserializeOwned>(request: gloo_net::http::Request) -> Result<T, ApiError> {
    let response = request.send().await.map_err(|_| ApiError::network())?;
    let status = response.status();
    let text = response.text().await.unwrap_or_default();
    if (200..300).contains(&status) {
        let text = if text.trim().is_empty() {
            "null"
        } else {
            text.as_str()
        };
        return serde_json::from_str(text).map_err(|e| ApiError {
            http_status: status,
            body: ErrorBody::new(ErrorCode::Internal, format!("respons tidak dikenal: {e}")),
            retry_after: None,
        });
    }
    let retry_after = response
        .headers()
        .get("Retry-After")
        .and_then(|v| v.trim().parse().ok());
    let body = serde_json::from_str::<ErrorBody>(&text).unwrap_or_else(|_| {
        let code = match status {
            401 => ErrorCode::Unauthorized,
            403 => ErrorCode::Forbidden,
            404 => ErrorCode::NotFound,
            429 => ErrorCode::RateLimited,
            503 => ErrorCode::ServiceUnavailable,
            _ => ErrorCode::Internal,
        };
        ErrorBody::new(code, String::new())
    });
    Err(ApiError {
        http_status: status,
        body,
        retry_after,
    })
}

pub async fn get<T: DeserializeOwned>(path: &str) -> Result<T, ApiError> {
    send::<(), T>(Method::Get, path, None).await
}

pub async fn post<B: Serialize + ?Sized, T: DeserializeOwned>(
    path: &str,
    body: &B,
) -> Result<T, ApiError> {
    send(Method::Post, path, Some(body)).await
}

pub async fn put<B: Serialize + ?Sized, T: DeserializeOwned>(
    path: &str,
    body: &B,
) -> Result<T, ApiError> {
    send(Method::Put, path, Some(body)).await
}

pub async fn patch<T: DeserializeOwned>(path: &str) -> Result<T, ApiError> {
    send::<(), T>(Method::Patch, path, None).await
}

pub async fn delete<T: DeserializeOwned>(path: &str) -> Result<T, ApiError> {
    send::<(), T>(Method::Delete, path, None).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_strings() {
        assert_eq!(query_string(&[("a", None), ("b", Some(" ".into()))]), "");
        assert_eq!(
            query_string(&[
                ("search", Some("Budi S".into())),
                ("page", Some("2".into()))
            ]),
            "?search=Budi%20S&page=2"
        );
    }

    #[test]
    fn policy_target_from_a_403() {
        let e = ApiError {
            http_status: 403,
            body: ErrorBody::access_denied(PageStatus::Habis, "a+b".into(), "Kuota habis."),
            retry_after: None,
        };
        assert_eq!(
            e.policy_target().as_deref(),
            Some("/policy/habis?status=habis&sig=a%2Bb")
        );
    }

    #[test]
    fn texts_are_translated_by_code_else_the_server_message() {
        let e = ApiError {
            http_status: 401,
            body: ErrorBody::new(ErrorCode::OtpInvalid, "Kode OTP salah (server)."),
            retry_after: None,
        };
        assert_ne!(e.text(Locale::Id), "Kode OTP salah (server).");
        assert_ne!(e.text(Locale::En), e.text(Locale::Id));
        let unknown = ApiError {
            http_status: 409,
            body: ErrorBody::new(ErrorCode::Locked, "Sedang diproses."),
            retry_after: None,
        };
        assert_eq!(unknown.text(Locale::En), "Sedang diproses.");
    }
}
