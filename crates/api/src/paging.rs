//! `Paging`: the `?page=&per_page=` of every paged route, checked once
//! ([`PageRequest::parse`]). The route's other query parameters are left to its own
//! `web::Query<…>`; a bad page answers 422 `validation_failed` naming the parameter
//! (`details: [{"loc": ["query", "page"], "msg": …}]`).

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest};
use futures::future::{Ready, ready};
use saring_app::AppError;
use saring_domain::api::{ErrorBody, ErrorCode, PageRequest};

use crate::ApiError;

/// The validated page of a list request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Paging(pub PageRequest);

fn invalid(loc: serde_json::Value, message: &str) -> ApiError {
    ApiError(AppError::Rejected(Box::new(
        ErrorBody::new(ErrorCode::ValidationFailed, message)
            .with_details(serde_json::json!([{ "loc": loc, "msg": message }])),
    )))
}

/// Reads `page` and `per_page` from a query string (the last occurrence wins).
pub fn parse(query: &str) -> Result<PageRequest, ApiError> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query)
        .map_err(|_| invalid(serde_json::json!(["query"]), "Parameter query tidak valid."))?;
    let last = |name: &str| {
        pairs
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    PageRequest::parse(last("page"), last("per_page"))
        .map_err(|e| invalid(serde_json::json!(["query", e.field]), &e.message))
}

impl FromRequest for Paging {
    type Error = ApiError;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(parse(req.query_string()).map(Paging))
    }
}
