//! `/api/admin/*`: the dashboard and the reliability signals, users, action log, catalog (packages, profiles, promos), transactions,
//! the Midtrans self-test, the jobs table, the WhatsApp message templates, the preview of
//! the inactive-account lifecycle, the policy parity guard's reports and the routers.

use saring_domain::api::Page;
use saring_domain::dto::MessageResponse;
use saring_domain::dto::admin::{
    ActionLogItem, AdminUserDetail, AdminUserItem, AdminUserQuery, AdminUserUpdate, RejectRequest,
};
use saring_domain::dto::dashboard::{DashboardStats, ReliabilityMetrics};
use saring_domain::dto::jobs::{DeadLetterView, JobStatus};
use saring_domain::dto::parity::RouterParity;
use saring_domain::dto::payments::{
    AdminTransactionDetail, AdminTransactionItem, AdminTransactionQuery, PackageDto,
    PackageRemoval, PackageUpsert, ProfileDto, PromoDto, PromoUpsert, ReconcileResponse,
    SelfTestResponse,
};
use saring_domain::dto::routers::{RouterInput, RouterList, RouterRulesReport, RouterView};
use saring_domain::dto::settings::{
    RecipientView, RecipientsUpdate, SettingsList, SettingsSaved, SettingsUpdate, TelegramTest,
    WhatsAppTest,
};
use saring_domain::dto::templates::{TemplateBody, TemplateInfo, TemplatePreview};
use serde::de::DeserializeOwned;

use super::{ApiError, encode_component, get, patch, post, put, query_string};

/// The landing page's figures.
pub async fn dashboard_stats() -> Result<DashboardStats, ApiError> {
    get("/api/admin/dashboard/stats").await
}

/// The reliability signals.
pub async fn metrics() -> Result<ReliabilityMetrics, ApiError> {
    get("/api/admin/metrics").await
}

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
/// A page of the action log, optionally within the days `from`..`to` (`yyyy-mm-dd`).
pub async fn action_logs(
    page: u64,
    from: Option<String>,
    to: Option<String>,
) -> Result<Page<ActionLogItem>, ApiError> {
    let qs = query_string(&[
        ("page", (page > 1).then(|| page.to_string())),
        ("from", from),
        ("to", to),
    ]);
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

/// The `items` of a list the API answers unpaged.
async fn get_items<T: DeserializeOwned>(path: &str) -> Result<Vec<T>, ApiError> {
    get::<Page<T>>(path).await.map(|l| l.items)
}

pub async fn jobs() -> Result<Vec<JobStatus>, ApiError> {
    get_items("/api/admin/jobs").await
}

pub async fn dead_letters() -> Result<Vec<DeadLetterView>, ApiError> {
    get_items("/api/admin/jobs/dead-letters").await
}

fn template_body(body: Option<&str>) -> TemplateBody {
    TemplateBody {
        body: body.map(str::to_owned),
    }
}

fn template_path(key: &str, tail: &str) -> String {
    format!(
        "/api/admin/message-templates/{}{tail}",
        encode_component(key)
    )
}

pub async fn message_templates() -> Result<Vec<TemplateInfo>, ApiError> {
    get_items("/api/admin/message-templates").await
}

/// Saves the admin's text for a template (super admin); `None` restores the built-in one.
pub async fn save_message_template(
    key: &str,
    body: Option<&str>,
) -> Result<TemplateInfo, ApiError> {
    put(&template_path(key, ""), &template_body(body)).await
}

/// The message `body` would give (`None`: the text in force), with example values.
pub async fn preview_message_template(key: &str, body: Option<&str>) -> Result<String, ApiError> {
    post::<_, TemplatePreview>(&template_path(key, "/preview"), &template_body(body))
        .await
        .map(|p| p.text)
}

/// The run-time settings (super admins).
pub async fn settings() -> Result<SettingsList, ApiError> {
    get("/api/admin/settings").await
}

/// Saves changed settings (`null` hands a key back to the environment).
pub async fn save_settings(update: &SettingsUpdate) -> Result<SettingsSaved, ApiError> {
    put("/api/admin/settings", update).await
}

/// The administrators and whether they receive alerts of `kind`.
pub async fn notification_recipients(kind: String) -> Result<Vec<RecipientView>, ApiError> {
    get_items(&format!(
        "/api/admin/notification-recipients?type={}",
        encode_component(&kind)
    ))
    .await
}

/// Exactly these administrators receive alerts of the update's type.
pub async fn save_notification_recipients(
    update: &RecipientsUpdate,
) -> Result<Page<RecipientView>, ApiError> {
    post("/api/admin/notification-recipients", update).await
}

pub async fn whatsapp_test(req: &WhatsAppTest) -> Result<MessageResponse, ApiError> {
    post("/api/admin/whatsapp/test-send", req).await
}

pub async fn telegram_test(req: &TelegramTest) -> Result<MessageResponse, ApiError> {
    post("/api/admin/telegram/test-send", req).await
}

pub use saring_domain::dto::admin::{InactiveAccount, LifecycleAction};

pub async fn inactive_accounts_preview() -> Result<Vec<InactiveAccount>, ApiError> {
    get_items("/api/admin/inactive-accounts/preview").await
}

/// The guard's last report per router.
pub async fn policy_parity() -> Result<Vec<RouterParity>, ApiError> {
    get_items("/api/admin/policy-parity").await
}

/// A fresh read-only report for every enabled router (never repairs).
pub async fn check_policy_parity() -> Result<Vec<RouterParity>, ApiError> {
    post::<_, Page<RouterParity>>("/api/admin/policy-parity/check", &serde_json::json!({}))
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

/// verify-rules: what the router holds of what Saring needs, item by item.
pub async fn verify_router_rules(id: &str) -> Result<RouterRulesReport, ApiError> {
    get(&router_path(id, "/verify-rules")).await
}

/// The router's hotspot hosts and sessions right now.
pub async fn router_live(id: &str) -> Result<saring_domain::dto::routers::RouterLive, ApiError> {
    get(&router_path(id, "/live")).await
}

/// Records that this install owns the router's entries (super admin).
pub async fn adopt_router(id: &str) -> Result<RouterView, ApiError> {
    post(&router_path(id, "/adopt"), &serde_json::json!({})).await
}

/// Withdraws the adoption: jobs go back to reporting what they would remove.
pub async fn release_router(id: &str) -> Result<serde_json::Value, ApiError> {
    super::delete(&router_path(id, "/adopt")).await
}

/// `POST /api/admin/whatsapp/broadcast/preview`.
pub async fn broadcast_preview(
    filter: &saring_domain::dto::whatsapp::BroadcastFilter,
) -> Result<saring_domain::dto::whatsapp::BroadcastPreview, ApiError> {
    post("/api/admin/whatsapp/broadcast/preview", filter).await
}

/// `POST /api/admin/whatsapp/broadcast` (the body's `broadcast_id` makes a retry harmless).
pub async fn broadcast(
    req: &saring_domain::dto::whatsapp::BroadcastRequest,
) -> Result<saring_domain::dto::whatsapp::BroadcastAccepted, ApiError> {
    post("/api/admin/whatsapp/broadcast", req).await
}

/// `GET /api/admin/whatsapp/broadcasts?page=`.
pub async fn broadcasts(
    page: u64,
) -> Result<Page<saring_domain::dto::whatsapp::BroadcastSummary>, ApiError> {
    get(&format!("/api/admin/whatsapp/broadcasts?page={page}")).await
}

/// `GET /api/admin/whatsapp/broadcasts/{id}`.
pub async fn broadcast_detail(
    id: &str,
) -> Result<saring_domain::dto::whatsapp::BroadcastDetail, ApiError> {
    get(&format!(
        "/api/admin/whatsapp/broadcasts/{}",
        encode_component(id)
    ))
    .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use saring_domain::dto::jobs::When;

    #[test]
    fn job_lists_parse_the_list_envelope() {
        let raw = r#"{"items":[{"job":"quota-sync","description":"d","scope":"r1",
            "schedule":{"kind":"every","seconds":300},"timezone":"Asia/Makassar",
            "last_started_at":"2026-03-01T10:00:00Z","last_finished_at":"2026-03-01T10:00:02Z",
            "last_duration_ms":2000,"last_ok":false,"last_error":"router down","run_count":3,
            "failure_count":1,"last_summary":null,"next_run_at":"2026-03-01T10:05:00Z"},
            {"job":"retention","description":"","scope":"global",
            "schedule":{"kind":"cron","expr":"0 30 4 * * *"},"timezone":"Asia/Makassar",
            "last_started_at":null,"last_finished_at":null,"last_duration_ms":null,
            "last_ok":null,"last_error":null,"run_count":0,"failure_count":0,
            "last_summary":null,"next_run_at":null}],"total":2,"page":1,"per_page":2}"#;
        let list: Page<JobStatus> = serde_json::from_str(raw).unwrap();
        assert_eq!(list.items.len(), 2);
        assert_eq!(list.items[0].schedule, Some(When::Every { seconds: 300 }));
        assert_eq!(list.items[0].last_ok, Some(false));
        assert_eq!(
            list.items[1].schedule,
            Some(When::Cron {
                expr: "0 30 4 * * *".into()
            })
        );
        let dl: Page<DeadLetterView> = serde_json::from_str(
            r#"{"items":[{"id":"7f0c2d4e-0000-4000-8000-000000000001","job":"outbox","scope":"global",
            "error":"timeout","attempts":5,"payload":{"a":1},"created_at":"2026-03-01T10:00:00Z"}],"total":1,
            "page":1,"per_page":1}"#,
        )
        .unwrap();
        assert_eq!(dl.items[0].attempts, 5);
    }

    #[test]
    fn templates_and_inactive_accounts_parse_the_server_shape() {
        let raw = r#"{"items":[{"key":"user_role_changed","builtin":"Peran {role}.",
            "custom":null,"placeholders":["role"]},{"key":"x","builtin":"a","custom":"b",
            "placeholders":[]}],"total":2,"page":1,"per_page":2}"#;
        let list: Page<TemplateInfo> = serde_json::from_str(raw).unwrap();
        assert_eq!(list.items[0].text(), "Peran {role}.");
        assert!(!list.items[0].is_custom());
        assert_eq!(list.items[1].text(), "b");
        assert_eq!(
            serde_json::to_string(&template_body(None)).unwrap(),
            r#"{"body":null}"#
        );
        assert_eq!(
            template_path("a b", "/preview"),
            "/api/admin/message-templates/a%20b/preview"
        );
        let raw = r#"{"items":[{"user_id":"7f0c2d4e-0000-4000-8000-000000000001",
            "phone_number":"081234567890","full_name":"Budi","last_activity_at":"2026-01-01T00:00:00Z",
            "idle_days":91,"action":"warn_before_delete"}],"total":1,"page":1,"per_page":1}"#;
        let plan: Page<InactiveAccount> = serde_json::from_str(raw).unwrap();
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
            "repaired_users":0,"repair_failures":0,"repair_errors":[]}}],"total":3,"page":1,"per_page":3}"#;
        let list: Page<RouterParity> = serde_json::from_str(raw).unwrap();
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
        assert_eq!(
            router_path("r-1", "/verify-rules"),
            "/api/admin/routers/r-1/verify-rules"
        );
    }

    #[test]
    fn pdf_url() {
        assert_eq!(
            transaction_pdf_url("BD-LPSR-1"),
            "/api/admin/transactions/BD-LPSR-1/report.pdf"
        );
    }
}
