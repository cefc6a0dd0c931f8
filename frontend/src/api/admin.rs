//! `/api/admin/*`

use saring_domain::api::Page;
use saring_domain::dto::admin::{
    ActionLogItem, AdminUserDetail, AdminUserItem, AdminUserQuery, AdminUserUpdate, RejectRequest,
};

use super::{ApiError, encode_component, get, patch, post, put, query_string};

pub async fn users(q: &AdminUserQuery) -> Result<Page<AdminUserItem>, ApiError> {
    let qs = query_string(&[
        ("page", q.page.map(|p| p.to_string())),
        ("per_page", q.per_page.map(|p| p.to_string())),
        ("search", q.search.clone()),
        ("role", q.role.clone()),
        ("status", q.status.clone()),
        ("blok", q.blok.clone()),
    ]);
    get(&format!("/api/admin/users{qs}")).await
}

pub async fn user(id: &str) -> Result<AdminUserDetail, ApiError> {
    get(&format!("/api/admin/users/{}", encode_component(id))).await
}

pub async fn approve(id: &str) -> Result<serde_json::Value, ApiError> {
    patch(&format!(
        "/api/admin/users/{}/approve",
        encode_component(id)
    ))
    .await
}

pub async fn reject(id: &str, reason: Option<String>) -> Result<serde_json::Value, ApiError> {
    let path = format!("/api/admin/users/{}/reject", encode_component(id));
    post(&path, &RejectRequest { reason }).await
}

pub async fn update(id: &str, body: &AdminUserUpdate) -> Result<serde_json::Value, ApiError> {
    put(&format!("/api/admin/users/{}", encode_component(id)), body).await
}

/// The server's default page size (20) is used; `page` is sent only past the first page.
pub async fn action_logs(page: u64) -> Result<Page<ActionLogItem>, ApiError> {
    let qs = query_string(&[("page", (page > 1).then(|| page.to_string()))]);
    get(&format!("/api/admin/action-logs{qs}")).await
}
