//! `/api/admin/*`: users, action log, catalog (packages, profiles, promos), transactions,
//! the Midtrans self-test, the jobs table, the WhatsApp message templates, the preview of
//! the inactive-account lifecycle, the policy parity guard's reports and the routers.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use saring_domain::api::Page;
use saring_domain::dto::admin::{
    ActionLogItem, AdminUserDetail, AdminUserItem, AdminUserQuery, AdminUserUpdate, RejectRequest,
};
use saring_domain::dto::payments::{
    AdminTransactionDetail, AdminTransactionItem, AdminTransactionQuery, PackageDto, PackageUpsert,
    ProfileDto, PromoDto, PromoUpsert, ReconcileResponse, SelfTestResponse,
};
use saring_domain::dto::routers::{RouterInput, RouterList, RouterView};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::{ApiError, encode_component, get, patch, post, put, query_string};

pub async fn users(q: &AdminUserQuery) -> Result<Page<AdminUserItem>, ApiError> {
    let qs = query_string(&[
        ("page", q.page.map(|p| p.to_string())),
        ("per_page", q.per_page.map(|p| p.to_string())),
        ("search", q.search.clone()),
        ("role", q.role.clone()),
        ("status", q.status.clone()),
        ("blok", q.blok.clone()),
        ("sort", q.sort.clone()),
        ("order", q.order.clone()),
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

// ---- Catalog, promos, transactions, Midtrans self-test, jobs -------------------------------

pub async fn packages() -> Result<Vec<PackageDto>, ApiError> {
    get("/api/admin/packages").await
}

pub async fn profiles() -> Result<Vec<ProfileDto>, ApiError> {
    get("/api/admin/profiles").await
}

/// Creates (`id` `None`) or updates a package.
pub async fn save_package(id: Option<&str>, body: &PackageUpsert) -> Result<PackageDto, ApiError> {
    match id {
        Some(id) => {
            put(
                &format!("/api/admin/packages/{}", encode_component(id)),
                body,
            )
            .await
        }
        None => post("/api/admin/packages", body).await,
    }
}

/// What deleting a package did: deleted, or deactivated because history refers to it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct PackageRemoval {
    #[serde(default)]
    pub deleted: bool,
    #[serde(default)]
    pub deactivated: bool,
}

pub async fn delete_package(id: &str) -> Result<PackageRemoval, ApiError> {
    super::delete(&format!("/api/admin/packages/{}", encode_component(id))).await
}

pub async fn promos() -> Result<Vec<PromoDto>, ApiError> {
    get("/api/admin/promos").await
}

/// Creates (`id` `None`) or updates a promo (super admin).
pub async fn save_promo(id: Option<&str>, body: &PromoUpsert) -> Result<PromoDto, ApiError> {
    match id {
        Some(id) => put(&format!("/api/admin/promos/{}", encode_component(id)), body).await,
        None => post("/api/admin/promos", body).await,
    }
}

pub async fn delete_promo(id: &str) -> Result<serde_json::Value, ApiError> {
    super::delete(&format!("/api/admin/promos/{}", encode_component(id))).await
}

pub async fn transactions(
    q: &AdminTransactionQuery,
) -> Result<Page<AdminTransactionItem>, ApiError> {
    let qs = query_string(&[
        ("page", q.page.map(|p| p.to_string())),
        ("per_page", q.per_page.map(|p| p.to_string())),
        ("status", q.status.clone()),
        ("search", q.search.clone()),
        ("user_id", q.user_id.clone()),
    ]);
    get(&format!("/api/admin/transactions{qs}")).await
}

pub async fn transaction(order_id: &str) -> Result<AdminTransactionDetail, ApiError> {
    get(&format!(
        "/api/admin/transactions/{}/detail",
        encode_component(order_id)
    ))
    .await
}

pub async fn reconcile(order_id: &str) -> Result<ReconcileResponse, ApiError> {
    let path = format!(
        "/api/admin/transactions/{}/reconcile",
        encode_component(order_id)
    );
    post(&path, &serde_json::json!({})).await
}

/// The per-transaction PDF report (any status).
pub fn transaction_pdf_url(order_id: &str) -> String {
    format!(
        "/api/admin/transactions/{}/report.pdf",
        encode_component(order_id)
    )
}

pub async fn midtrans_self_test() -> Result<SelfTestResponse, ApiError> {
    post("/api/admin/midtrans/selftest", &serde_json::json!({})).await
}

/// `{items, total}` lists.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Items<T> {
    pub items: Vec<T>,
}

/// When a job runs (`{"kind":"every","seconds":300}` or `{"kind":"cron","expr":"…"}`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum JobSchedule {
    Every { seconds: u64 },
    Cron { expr: String },
}

/// One row of `GET /api/admin/jobs` (the server's `saring_app::jobs::JobStatus`, which is
/// not a shared DTO).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct JobRow {
    pub job: String,
    #[serde(default)]
    pub description: String,
    pub scope: String,
    #[serde(default)]
    pub schedule: Option<JobSchedule>,
    #[serde(default)]
    pub last_started_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub last_finished_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub last_duration_ms: Option<i64>,
    #[serde(default)]
    pub last_ok: Option<bool>,
    #[serde(default)]
    pub last_error: Option<String>,
    #[serde(default)]
    pub run_count: i64,
    #[serde(default)]
    pub failure_count: i64,
    #[serde(default)]
    pub next_run_at: Option<DateTime<Utc>>,
}

/// One row of `GET /api/admin/jobs/dead-letters`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct DeadLetterRow {
    pub id: String,
    pub job: String,
    pub scope: String,
    pub error: String,
    pub attempts: i32,
    #[serde(default)]
    pub payload: Option<serde_json::Value>,
    pub created_at: DateTime<Utc>,
}

/// The `items` of a `{items, total}` list.
async fn get_items<T: DeserializeOwned>(path: &str) -> Result<Vec<T>, ApiError> {
    get::<Items<T>>(path).await.map(|l| l.items)
}

pub async fn jobs() -> Result<Vec<JobRow>, ApiError> {
    get_items("/api/admin/jobs").await
}

pub async fn dead_letters() -> Result<Vec<DeadLetterRow>, ApiError> {
    get_items("/api/admin/jobs/dead-letters").await
}

/// One template of `GET /api/admin/message-templates` (the server's
/// `saring_app::templates::TemplateInfo`, which is not a shared DTO).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct MessageTemplate {
    pub key: String,
    /// Saring's own text.
    pub builtin: String,
    /// The admin's text, when there is one (it is what gets sent).
    #[serde(default)]
    pub custom: Option<String>,
    /// The placeholders a text for this key may use.
    #[serde(default)]
    pub placeholders: Vec<String>,
}

impl MessageTemplate {
    /// The text in force: the admin's, else the built-in one.
    pub fn text(&self) -> &str {
        self.custom.as_deref().unwrap_or(&self.builtin)
    }

    pub fn is_custom(&self) -> bool {
        self.custom.is_some()
    }
}

/// `{"body": "…"}` of a template save or preview; `null`: the built-in text (save) or the
/// text in force (preview).
#[derive(Debug, Serialize)]
struct TemplateBody<'a> {
    body: Option<&'a str>,
}

#[derive(Debug, Deserialize)]
struct PreviewText {
    text: String,
}

fn template_path(key: &str, tail: &str) -> String {
    format!(
        "/api/admin/message-templates/{}{tail}",
        encode_component(key)
    )
}

pub async fn message_templates() -> Result<Vec<MessageTemplate>, ApiError> {
    get_items("/api/admin/message-templates").await
}

/// Saves the admin's text for a template (super admin); `None` restores the built-in one.
pub async fn save_message_template(
    key: &str,
    body: Option<&str>,
) -> Result<MessageTemplate, ApiError> {
    put(&template_path(key, ""), &TemplateBody { body }).await
}

/// The message `body` would give (`None`: the text in force), with example values.
pub async fn preview_message_template(key: &str, body: Option<&str>) -> Result<String, ApiError> {
    post::<_, PreviewText>(&template_path(key, "/preview"), &TemplateBody { body })
        .await
        .map(|p| p.text)
}

pub use saring_domain::dto::admin::{InactiveAccount, LifecycleAction};

pub async fn inactive_accounts_preview() -> Result<Vec<InactiveAccount>, ApiError> {
    get_items("/api/admin/inactive-accounts/preview").await
}

/// One user whose router state differs from the database, in a [`ParityReport`].
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ParityItem {
    pub user_id: String,
    /// The hotspot username (the local number, `08…`).
    pub username: String,
    pub full_name: String,
    /// Kinds of difference (`missing_ip_binding`, `address_list`, …).
    #[serde(default)]
    pub mismatches: Vec<String>,
    /// Router writes the repair needs.
    #[serde(default)]
    pub ops: u64,
    #[serde(default)]
    pub repaired: bool,
}

/// One run of the policy parity guard on a router (the server's
/// `saring_app::sync::parity::ParityReport`, which is not a shared DTO).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct ParityReport {
    #[serde(default)]
    pub generated_at: Option<DateTime<Utc>>,
    /// Why nothing was checked (`disabled`, `locked`).
    #[serde(default)]
    pub skipped: Option<String>,
    #[serde(default)]
    pub users_checked: u64,
    #[serde(default)]
    pub users_with_mismatches: u64,
    /// Users per kind of difference.
    #[serde(default)]
    pub summary: BTreeMap<String, u64>,
    /// The differing users (the server keeps the first 300).
    #[serde(default)]
    pub items: Vec<ParityItem>,
    #[serde(default)]
    pub repaired_users: u64,
    #[serde(default)]
    pub repair_failures: u64,
    #[serde(default)]
    pub repair_errors: Vec<String>,
}

/// A router with its last report (`None`: none in the last 24 hours).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct RouterParity {
    pub router: String,
    #[serde(default)]
    pub report: Option<ParityReport>,
}

/// The guard's last report per router.
pub async fn policy_parity() -> Result<Vec<RouterParity>, ApiError> {
    get_items("/api/admin/policy-parity").await
}

/// A fresh read-only report for every enabled router (never repairs).
pub async fn check_policy_parity() -> Result<Vec<RouterParity>, ApiError> {
    post::<_, Items<RouterParity>>("/api/admin/policy-parity/check", &serde_json::json!({}))
        .await
        .map(|l| l.items)
}

// ---- Routers --------------------------------------------------------------------------------

/// The routers with the per-router jobs whose schedule a router may override.
pub async fn routers() -> Result<RouterList, ApiError> {
    get("/api/admin/routers").await
}

fn router_path(id: &str, action: &str) -> String {
    format!("/api/admin/routers/{}{action}", encode_component(id))
}

/// Creates (`id` `None`) or changes a router (only the fields present in `body` change).
pub async fn save_router(id: Option<&str>, body: &RouterInput) -> Result<RouterView, ApiError> {
    match id {
        Some(id) => put(&router_path(id, ""), body).await,
        None => post("/api/admin/routers", body).await,
    }
}

/// `204 No Content` on success.
pub async fn delete_router(id: &str) -> Result<serde_json::Value, ApiError> {
    super::delete(&router_path(id, "")).await
}

/// Connects to the router now; the router as it is after the check.
pub async fn check_router(id: &str) -> Result<RouterView, ApiError> {
    post(&router_path(id, "/check"), &serde_json::json!({})).await
}

/// Records that this install owns the router's entries (super admin).
pub async fn adopt_router(id: &str) -> Result<RouterView, ApiError> {
    post(&router_path(id, "/adopt"), &serde_json::json!({})).await
}

/// Withdraws the adoption: jobs go back to reporting what they would remove.
pub async fn release_router(id: &str) -> Result<serde_json::Value, ApiError> {
    super::delete(&router_path(id, "/adopt")).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn job_rows_parse_the_server_shape() {
        let raw = r#"{"items":[{"job":"quota-sync","description":"d","scope":"r1",
            "schedule":{"kind":"every","seconds":300},"timezone":"Asia/Makassar",
            "last_started_at":"2026-03-01T10:00:00Z","last_finished_at":"2026-03-01T10:00:02Z",
            "last_duration_ms":2000,"last_ok":false,"last_error":"router down","run_count":3,
            "failure_count":1,"last_summary":null,"next_run_at":"2026-03-01T10:05:00Z"},
            {"job":"retention","description":"","scope":"global",
            "schedule":{"kind":"cron","expr":"0 30 4 * * *"},"timezone":"Asia/Makassar",
            "last_started_at":null,"last_finished_at":null,"last_duration_ms":null,
            "last_ok":null,"last_error":null,"run_count":0,"failure_count":0,
            "last_summary":null,"next_run_at":null}],"total":2}"#;
        let list: Items<JobRow> = serde_json::from_str(raw).unwrap();
        assert_eq!(list.items.len(), 2);
        assert_eq!(
            list.items[0].schedule,
            Some(JobSchedule::Every { seconds: 300 })
        );
        assert_eq!(list.items[0].last_ok, Some(false));
        assert_eq!(
            list.items[1].schedule,
            Some(JobSchedule::Cron {
                expr: "0 30 4 * * *".into()
            })
        );
        let dl: Items<DeadLetterRow> = serde_json::from_str(
            r#"{"items":[{"id":"7f0c2d4e-0000-4000-8000-000000000001","job":"outbox","scope":"global",
            "error":"timeout","attempts":5,"payload":{"a":1},"created_at":"2026-03-01T10:00:00Z"}],"total":1}"#,
        )
        .unwrap();
        assert_eq!(dl.items[0].attempts, 5);
    }

    #[test]
    fn templates_and_inactive_accounts_parse_the_server_shape() {
        let raw = r#"{"items":[{"key":"user_role_changed","builtin":"Peran {role}.",
            "custom":null,"placeholders":["role"]},{"key":"x","builtin":"a","custom":"b",
            "placeholders":[]}],"total":2}"#;
        let list: Items<MessageTemplate> = serde_json::from_str(raw).unwrap();
        assert_eq!(list.items[0].text(), "Peran {role}.");
        assert!(!list.items[0].is_custom());
        assert_eq!(list.items[1].text(), "b");
        assert_eq!(
            serde_json::to_string(&TemplateBody { body: None }).unwrap(),
            r#"{"body":null}"#
        );
        assert_eq!(
            template_path("a b", "/preview"),
            "/api/admin/message-templates/a%20b/preview"
        );
        let raw = r#"{"items":[{"user_id":"7f0c2d4e-0000-4000-8000-000000000001",
            "phone_number":"081234567890","full_name":"Budi","last_activity_at":"2026-01-01T00:00:00Z",
            "idle_days":91,"action":"warn_before_delete"}],"total":1}"#;
        let plan: Items<InactiveAccount> = serde_json::from_str(raw).unwrap();
        assert_eq!(plan.items[0].action, LifecycleAction::WarnBeforeDelete);
        assert_eq!(plan.items[0].idle_days, 91);
    }

    #[test]
    fn parity_reports_parse_the_server_shape() {
        let raw = r#"{"items":[{"router":"default","report":{"router":"default",
            "generated_at":"2026-03-01T10:00:00Z","skipped":null,"users_checked":12,
            "users_with_mismatches":1,"summary":{"address_list":1,"hotspot_profile":1},
            "items":[{"user_id":"7f0c2d4e-0000-4000-8000-000000000001","username":"081234567890",
            "full_name":"Budi","mismatches":["address_list","hotspot_profile"],"ops":2,
            "repaired":true}],"repaired_users":1,"repair_failures":0,"repair_errors":[]}},
            {"router":"r2","report":null},
            {"router":"r3","report":{"router":"r3","generated_at":null,"skipped":"locked",
            "users_checked":0,"users_with_mismatches":0,"summary":{},"items":[],
            "repaired_users":0,"repair_failures":0,"repair_errors":[]}}],"total":3}"#;
        let list: Items<RouterParity> = serde_json::from_str(raw).unwrap();
        let report = list.items[0].report.as_ref().unwrap();
        assert_eq!(report.users_checked, 12);
        assert_eq!(report.summary.get("hotspot_profile"), Some(&1));
        assert_eq!(report.items[0].mismatches.len(), 2);
        assert!(report.items[0].repaired);
        assert_eq!(list.items[1].report, None);
        let skipped = list.items[2].report.as_ref().unwrap();
        assert_eq!(skipped.skipped.as_deref(), Some("locked"));
        assert_eq!(skipped.generated_at, None);
    }

    #[test]
    fn router_paths() {
        assert_eq!(router_path("a b", ""), "/api/admin/routers/a%20b");
        assert_eq!(router_path("r-1", "/check"), "/api/admin/routers/r-1/check");
    }

    #[test]
    fn pdf_url() {
        assert_eq!(
            transaction_pdf_url("BD-LPSR-1"),
            "/api/admin/transactions/BD-LPSR-1/report.pdf"
        );
    }
}
