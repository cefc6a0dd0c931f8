//! The operator console (`/api/admin/users/{id}/…`, `/api/admin/quota-requests`,
//! `/api/admin/debts`, adding users and bills) and the komandan's requests
//! (`/api/komandan/requests…`), over `saring_domain::dto::operator`.

use saring_domain::api::Page;
use saring_domain::dto::MessageResponse;
use saring_domain::dto::admin::AdminCreateUser;
use saring_domain::dto::auth::UserMe;
use saring_domain::dto::operator::{
    AddDebt, DebtItemView, DebtListQuery, DebtReportSent, DebtSettlement, HotspotPasswordReset,
    InjectQuota, NewQuotaRequest, ProcessRequest, QuotaAdjust, QuotaHistoryQuery, QuotaRequestView,
    QuotaState, ReportLinkSent, RequestLimits, RouterFix, SetUnlimited, SettleDebt, UserDebts,
    UserRemoved, UserRouterState,
};
use saring_domain::dto::payments::{AdminBillRequest, AdminBillResponse};
use saring_domain::dto::users::QuotaHistoryItem;

use super::{ApiError, encode_component, get, post, query_string};

/// `/api/admin/users/{id}{tail}`
pub fn user_path(id: &str, tail: &str) -> String {
    format!("/api/admin/users/{}{tail}", encode_component(id))
}

/// `page` as a query value, sent only past the first page (the server's default is 1).
fn page_param(page: u64) -> Option<String> {
    (page > 1).then(|| page.to_string())
}

// ---- Accounts ------------------------------------------------------------------------------

pub async fn create_user(body: &AdminCreateUser) -> Result<UserMe, ApiError> {
    post("/api/admin/users", body).await
}

pub async fn create_bill(body: &AdminBillRequest) -> Result<AdminBillResponse, ApiError> {
    post("/api/admin/transactions/bill", body).await
}

/// Deletes the account, or deactivates it when it must be kept (payments, settings).
pub async fn remove_user(id: &str) -> Result<UserRemoved, ApiError> {
    super::delete(&user_path(id, "")).await
}

/// Takes the user's devices off the router and ends their sessions.
pub async fn reset_login(id: &str) -> Result<MessageResponse, ApiError> {
    post(&user_path(id, "/reset-login"), &serde_json::json!({})).await
}

pub async fn reset_hotspot_password(id: &str) -> Result<HotspotPasswordReset, ApiError> {
    post(
        &user_path(id, "/reset-hotspot-password"),
        &serde_json::json!({}),
    )
    .await
}

// ---- Quota ---------------------------------------------------------------------------------

pub async fn inject(id: &str, body: &InjectQuota) -> Result<QuotaState, ApiError> {
    post(&user_path(id, "/inject"), body).await
}

pub async fn set_unlimited(id: &str, body: &SetUnlimited) -> Result<QuotaState, ApiError> {
    post(&user_path(id, "/unlimited"), body).await
}

pub async fn revoke_unlimited(id: &str) -> Result<QuotaState, ApiError> {
    super::delete(&user_path(id, "/unlimited")).await
}

/// Super admins: sets the purchased and/or used MB directly.
pub async fn adjust_quota(id: &str, body: &QuotaAdjust) -> Result<QuotaState, ApiError> {
    post(&user_path(id, "/quota-adjust"), body).await
}

/// The query of `GET …/quota-history`.
pub fn quota_history_path(id: &str, q: &QuotaHistoryQuery, page: u64) -> String {
    let qs = query_string(&[
        ("kind", q.kind.clone()),
        ("from", q.from.map(|d| d.to_string())),
        ("to", q.to.map(|d| d.to_string())),
        ("page", page_param(page)),
    ]);
    user_path(id, &format!("/quota-history{qs}"))
}

pub async fn quota_history(
    id: &str,
    q: &QuotaHistoryQuery,
    page: u64,
) -> Result<Page<QuotaHistoryItem>, ApiError> {
    get(&quota_history_path(id, q, page)).await
}

// ---- Debts ---------------------------------------------------------------------------------

pub async fn user_debts(id: &str) -> Result<UserDebts, ApiError> {
    get(&user_path(id, "/debts")).await
}

pub async fn add_debt(id: &str, body: &AddDebt) -> Result<DebtItemView, ApiError> {
    post(&user_path(id, "/debts"), body).await
}

/// Settles one manual item (`Some(debt_id)`) or everything the user owes (`None`).
pub async fn settle_debt(
    id: &str,
    debt_id: Option<&str>,
    body: &SettleDebt,
) -> Result<DebtSettlement, ApiError> {
    let tail = match debt_id {
        Some(d) => format!("/debts/{}/settle", encode_component(d)),
        None => "/debts/settle-all".to_owned(),
    };
    post(&user_path(id, &tail), body).await
}

/// The user's debt report (PDF), for a download link.
pub fn debt_report_url(id: &str) -> String {
    user_path(id, "/debts/export")
}

pub async fn send_debt_report(id: &str) -> Result<DebtReportSent, ApiError> {
    post(
        &user_path(id, "/debts/send-whatsapp"),
        &serde_json::json!({}),
    )
    .await
}

/// A user's report: `detail-report` or `quota-history`.
pub fn user_report_url(id: &str, report: &str) -> String {
    user_path(id, &format!("/{report}.pdf"))
}

/// Sends the user a signed link to their report by WhatsApp.
pub async fn send_user_report(id: &str, report: &str) -> Result<ReportLinkSent, ApiError> {
    post(
        &user_path(id, &format!("/{report}/send-whatsapp")),
        &serde_json::json!({}),
    )
    .await
}

/// The query of `GET /api/admin/debts`.
pub fn debts_path(q: &DebtListQuery, page: u64) -> String {
    let qs = query_string(&[
        ("status", q.status.clone()),
        ("search", q.search.clone()),
        ("page", page_param(page)),
    ]);
    format!("/api/admin/debts{qs}")
}

/// Every user's debt items.
pub async fn debts(q: &DebtListQuery, page: u64) -> Result<Page<DebtItemView>, ApiError> {
    get(&debts_path(q, page)).await
}

// ---- Live router state ---------------------------------------------------------------------

pub async fn router_state(id: &str) -> Result<UserRouterState, ApiError> {
    get(&user_path(id, "/router-state")).await
}

pub async fn fix_router_state(id: &str) -> Result<RouterFix, ApiError> {
    post(&user_path(id, "/router-state/fix"), &serde_json::json!({})).await
}

// ---- Komandan requests ---------------------------------------------------------------------

/// The query of `GET /api/admin/quota-requests` (`status` empty: every status).
pub fn quota_requests_path(status: Option<String>, page: u64, per_page: Option<u64>) -> String {
    let qs = query_string(&[
        ("status", status),
        ("page", page_param(page)),
        ("per_page", per_page.map(|p| p.to_string())),
    ]);
    format!("/api/admin/quota-requests{qs}")
}

pub async fn quota_requests(
    status: Option<String>,
    page: u64,
) -> Result<Page<QuotaRequestView>, ApiError> {
    get(&quota_requests_path(status, page, None)).await
}

/// How many requests wait for an admin (the navigation's count).
pub async fn pending_requests() -> Result<u64, ApiError> {
    let path = quota_requests_path(Some("PENDING".into()), 1, Some(1));
    get::<Page<QuotaRequestView>>(&path).await.map(|p| p.total)
}

pub async fn process_request(
    id: &str,
    body: &ProcessRequest,
) -> Result<QuotaRequestView, ApiError> {
    let path = format!("/api/admin/quota-requests/{}/process", encode_component(id));
    post(&path, body).await
}

pub async fn request_limits() -> Result<RequestLimits, ApiError> {
    get("/api/komandan/requests/limits").await
}

pub async fn submit_request(body: &NewQuotaRequest) -> Result<QuotaRequestView, ApiError> {
    post("/api/komandan/requests", body).await
}

/// The komandan's own requests, newest first.
pub async fn my_requests(page: u64) -> Result<Page<QuotaRequestView>, ApiError> {
    let qs = query_string(&[("page", page_param(page))]);
    get(&format!("/api/komandan/requests/history{qs}")).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    #[test]
    fn paths() {
        assert_eq!(user_path("a b", "/inject"), "/api/admin/users/a%20b/inject");
        let q = QuotaHistoryQuery {
            kind: Some("admin".into()),
            from: NaiveDate::from_ymd_opt(2026, 3, 1),
            to: None,
        };
        assert_eq!(
            quota_history_path("u1", &q, 2),
            "/api/admin/users/u1/quota-history?kind=admin&from=2026-03-01&page=2"
        );
        assert_eq!(
            quota_history_path("u1", &QuotaHistoryQuery::default(), 1),
            "/api/admin/users/u1/quota-history"
        );
        let q = DebtListQuery {
            status: Some("overdue".into()),
            search: Some("Budi S".into()),
        };
        assert_eq!(
            debts_path(&q, 1),
            "/api/admin/debts?status=overdue&search=Budi%20S"
        );
        assert_eq!(
            quota_requests_path(Some("PENDING".into()), 1, Some(1)),
            "/api/admin/quota-requests?status=PENDING&per_page=1"
        );
        assert_eq!(
            quota_requests_path(None, 3, None),
            "/api/admin/quota-requests?page=3"
        );
        assert_eq!(debt_report_url("u1"), "/api/admin/users/u1/debts/export");
        assert_eq!(
            user_report_url("u1", "quota-history"),
            "/api/admin/users/u1/quota-history.pdf"
        );
    }

    #[test]
    fn operator_shapes_parse() {
        let raw = r#"{"items":[{"id":"r1","requester_id":"u1","requester_name":"Budi",
            "requester_phone":"+6281234567890","status":"PARTIALLY_APPROVED","request_type":"QUOTA",
            "requested_mb":10240,"requested_duration_days":30,"granted_mb":5120,
            "granted_duration_days":15,"rejection_reason":"Sebagian saja","processed_by_name":"Admin",
            "processed_at":"2026-03-01T10:00:00Z","created_at":"2026-03-01T09:00:00Z"}],
            "total":1,"page":1,"per_page":20}"#;
        let page: Page<QuotaRequestView> = serde_json::from_str(raw).unwrap();
        assert_eq!(page.items[0].granted_mb, Some(5120));
        assert_eq!(page.total, 1);
        let state: UserRouterState = serde_json::from_str(
            r#"{"user_id":"u1","expected":{"status":"active","profile":"default",
            "address_list":"klient_aktif","binding_type":"bypassed","hotspot_username":"0812"},
            "routers":[{"router":"default","error":null,"hotspot_user":null,"bindings":[],
            "address_lists":[{"id":"*1","summary":"klient_habis 172.16.2.10","comment":null}],
            "hosts":[],"active_sessions":[],"differences":["Daftar alamat salah"]}],"in_line":false}"#,
        )
        .unwrap();
        assert_eq!(state.routers[0].differences.len(), 1);
        assert!(!state.in_line);
    }
}
