//! Packages and payments: the catalogue, the gateway's availability and options, initiating
//! a purchase or a debt payment, an order's status (owner or signed public link), cancel, and
//! the signed-in user's transactions and debts.

use saring_domain::api::Page;
use saring_domain::dto::payments::{
    DebtInitiateRequest, InitiateRequest, InitiateResponse, PackageDto, PaymentAvailability,
    PaymentOptions, TransactionDetail,
};
use saring_domain::dto::users::{QuotaDebtList, TransactionItem};

use super::{ApiError, encode_component, get, post, query_string};

pub async fn packages() -> Result<Vec<PackageDto>, ApiError> {
    get("/api/packages").await
}

pub async fn availability() -> Result<PaymentAvailability, ApiError> {
    get("/api/settings/payment-availability").await
}

pub async fn options() -> Result<PaymentOptions, ApiError> {
    get("/api/settings/payment-options").await
}

pub async fn initiate(body: &InitiateRequest) -> Result<InitiateResponse, ApiError> {
    post("/api/transactions/initiate", body).await
}

pub async fn initiate_debt(body: &DebtInitiateRequest) -> Result<InitiateResponse, ApiError> {
    post("/api/transactions/debt/initiate", body).await
}

/// `?t=<token>` for the signed public routes, or nothing.
fn token_query(token: Option<&str>) -> String {
    query_string(&[("t", token.map(str::to_owned))])
}

/// The order's API path: the owner's route, or the public one when a status token is known.
fn order_path(order_id: &str, token: Option<&str>, tail: &str) -> String {
    let id = encode_component(order_id);
    match token.filter(|t| !t.trim().is_empty()) {
        Some(t) => format!(
            "/api/transactions/public/{tail}{id}{}",
            token_query(Some(t))
        ),
        None => format!("/api/transactions/{tail}{id}"),
    }
}

pub async fn detail(order_id: &str, token: Option<&str>) -> Result<TransactionDetail, ApiError> {
    get(&order_path(order_id, token, "by-order-id/")).await
}

pub async fn cancel(order_id: &str, token: Option<&str>) -> Result<TransactionDetail, ApiError> {
    let path = match token.filter(|t| !t.trim().is_empty()) {
        Some(t) => format!(
            "/api/transactions/public/{}/cancel{}",
            encode_component(order_id),
            token_query(Some(t))
        ),
        None => format!("/api/transactions/{}/cancel", encode_component(order_id)),
    };
    post(&path, &serde_json::json!({})).await
}

/// The QRIS image (SVG) of an order.
pub fn qr_url(order_id: &str, token: Option<&str>) -> String {
    let id = encode_component(order_id);
    match token.filter(|t| !t.trim().is_empty()) {
        Some(t) => format!("/api/transactions/public/{id}/qr{}", token_query(Some(t))),
        None => format!("/api/transactions/{id}/qr"),
    }
}

/// The invoice (PDF) of a paid order, for its owner.
pub fn invoice_url(order_id: &str) -> String {
    format!("/api/transactions/{}/invoice", encode_component(order_id))
}

pub async fn my_transactions(page: u64) -> Result<Page<TransactionItem>, ApiError> {
    get(&format!(
        "/api/users/me/transactions?page={page}&per_page=20"
    ))
    .await
}

pub async fn my_debts() -> Result<QuotaDebtList, ApiError> {
    get("/api/users/me/quota-debts").await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn owner_and_public_paths() {
        assert_eq!(
            order_path("BD-LPSR-1", None, "by-order-id/"),
            "/api/transactions/by-order-id/BD-LPSR-1"
        );
        assert_eq!(
            order_path("BD-LPSR-1", Some("a+b"), "by-order-id/"),
            "/api/transactions/public/by-order-id/BD-LPSR-1?t=a%2Bb"
        );
        assert_eq!(qr_url("X", None), "/api/transactions/X/qr");
        assert_eq!(
            qr_url("X", Some("t1")),
            "/api/transactions/public/X/qr?t=t1"
        );
        assert_eq!(invoice_url("X"), "/api/transactions/X/invoice");
    }
}
