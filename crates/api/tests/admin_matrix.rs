//! Every admin route refuses anonymous callers (401) and ordinary users (403), and
//! super-admin-only actions refuse plain admins.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{body, code, new_client, spawn_with_router};
use reqwest::Method;
use serde_json::json;

const ID: &str = "6f1b6a9e-1f55-4c3e-8c4f-0f0e0d0c0b0a";

fn admin_routes() -> Vec<(Method, String)> {
    vec![
        (Method::GET, "/api/admin/users".into()),
        (Method::POST, "/api/admin/users".into()),
        (
            Method::POST,
            format!("/api/admin/users/{ID}/reset-password"),
        ),
        (Method::GET, format!("/api/admin/users/{ID}")),
        (Method::PUT, format!("/api/admin/users/{ID}")),
        (Method::PATCH, format!("/api/admin/users/{ID}/approve")),
        (Method::POST, format!("/api/admin/users/{ID}/approve")),
        (Method::POST, format!("/api/admin/users/{ID}/reject")),
        (
            Method::POST,
            format!("/api/admin/users/{ID}/generate-admin-password"),
        ),
        (Method::POST, format!("/api/admin/users/{ID}/reset-login")),
        (Method::GET, "/api/admin/action-logs".into()),
        (Method::GET, "/api/admin/dashboard/stats".into()),
        (Method::GET, "/api/admin/metrics".into()),
        (Method::GET, "/api/admin/jobs".into()),
        (Method::GET, "/api/admin/jobs/dead-letters".into()),
        (Method::GET, "/api/admin/inactive-accounts/preview".into()),
        (Method::GET, "/api/admin/policy-parity".into()),
        (Method::POST, "/api/admin/policy-parity/check".into()),
        (Method::GET, "/api/admin/routers".into()),
        (Method::POST, "/api/admin/routers".into()),
        (Method::GET, format!("/api/admin/routers/{ID}")),
        (Method::PUT, format!("/api/admin/routers/{ID}")),
        (Method::DELETE, format!("/api/admin/routers/{ID}")),
        (Method::POST, format!("/api/admin/routers/{ID}/check")),
        (Method::GET, format!("/api/admin/routers/{ID}/verify-rules")),
        (Method::GET, format!("/api/admin/routers/{ID}/live")),
        (Method::POST, format!("/api/admin/routers/{ID}/adopt")),
        (Method::DELETE, format!("/api/admin/routers/{ID}/adopt")),
        (Method::GET, "/api/admin/message-templates".into()),
        (
            Method::PUT,
            "/api/admin/message-templates/user_access_habis".into(),
        ),
        (
            Method::POST,
            "/api/admin/message-templates/user_access_habis/preview".into(),
        ),
        (Method::GET, "/api/admin/packages".into()),
        (Method::POST, "/api/admin/packages".into()),
        (Method::PUT, format!("/api/admin/packages/{ID}")),
        (Method::DELETE, format!("/api/admin/packages/{ID}")),
        (Method::GET, "/api/admin/profiles".into()),
        (Method::GET, "/api/admin/promos".into()),
        (Method::POST, "/api/admin/promos".into()),
        (Method::GET, "/api/admin/transactions".into()),
        (
            Method::GET,
            "/api/admin/transactions/BD-LPSR-X/detail".into(),
        ),
        (
            Method::POST,
            "/api/admin/transactions/BD-LPSR-X/reconcile".into(),
        ),
        (Method::POST, "/api/admin/transactions/bill".into()),
        (Method::POST, "/api/admin/midtrans/selftest".into()),
        (Method::DELETE, format!("/api/admin/users/{ID}")),
        (Method::POST, format!("/api/admin/users/{ID}/inject")),
        (Method::POST, format!("/api/admin/users/{ID}/unlimited")),
        (Method::DELETE, format!("/api/admin/users/{ID}/unlimited")),
        (Method::POST, format!("/api/admin/users/{ID}/quota-adjust")),
        (Method::GET, format!("/api/admin/users/{ID}/quota-history")),
        (Method::GET, format!("/api/admin/users/{ID}/debts")),
        (Method::POST, format!("/api/admin/users/{ID}/debts")),
        (
            Method::POST,
            format!("/api/admin/users/{ID}/debts/settle-all"),
        ),
        (Method::GET, format!("/api/admin/users/{ID}/debts/export")),
        (
            Method::POST,
            format!("/api/admin/users/{ID}/debts/send-whatsapp"),
        ),
        (
            Method::POST,
            format!("/api/admin/users/{ID}/debts/{ID}/settle"),
        ),
        (
            Method::POST,
            format!("/api/admin/users/{ID}/reset-hotspot-password"),
        ),
        (Method::GET, format!("/api/admin/users/{ID}/router-state")),
        (
            Method::POST,
            format!("/api/admin/users/{ID}/router-state/fix"),
        ),
        (Method::GET, "/api/admin/debts".into()),
        (
            Method::GET,
            "/api/admin/debt-settlements/LNS-20261207-ABCDEF".into(),
        ),
        (Method::GET, "/api/admin/quota-requests".into()),
        (
            Method::POST,
            format!("/api/admin/quota-requests/{ID}/process"),
        ),
        (Method::GET, "/api/admin/transactions/export".into()),
        (Method::GET, "/api/admin/backups".into()),
        (Method::POST, "/api/admin/backups".into()),
        (Method::POST, "/api/admin/backups/upload".into()),
        (Method::POST, "/api/admin/backups/restore".into()),
        (
            Method::GET,
            "/api/admin/backups/saring-20261207-213000-manual.backup.gz".into(),
        ),
        (
            Method::DELETE,
            "/api/admin/backups/saring-20261207-213000-manual.backup.gz".into(),
        ),
        (
            Method::GET,
            "/api/admin/transactions/export?format=pdf".into(),
        ),
        (Method::GET, "/api/admin/users/export".into()),
        (Method::GET, "/api/admin/users/export?format=pdf".into()),
        (Method::GET, "/api/admin/debts/export".into()),
        (Method::GET, "/api/admin/debts/export?format=pdf".into()),
        (Method::GET, "/api/admin/action-logs/export".into()),
        (
            Method::GET,
            format!("/api/admin/users/{ID}/detail-report.pdf"),
        ),
        (
            Method::GET,
            format!("/api/admin/users/{ID}/quota-history.pdf"),
        ),
        (
            Method::POST,
            format!("/api/admin/users/{ID}/detail-report/link"),
        ),
        (
            Method::POST,
            format!("/api/admin/users/{ID}/quota-history/link"),
        ),
        (
            Method::POST,
            format!("/api/admin/users/{ID}/detail-report/send-whatsapp"),
        ),
        (
            Method::POST,
            format!("/api/admin/users/{ID}/quota-history/send-whatsapp"),
        ),
        (Method::GET, "/api/admin/settings".into()),
        (Method::PUT, "/api/admin/settings".into()),
        (Method::GET, "/api/admin/notification-recipients".into()),
        (Method::POST, "/api/admin/notification-recipients".into()),
        (Method::POST, "/api/admin/whatsapp/test-send".into()),
        (Method::POST, "/api/admin/telegram/test-send".into()),
        (Method::POST, "/api/admin/whatsapp/broadcast/preview".into()),
        (Method::POST, "/api/admin/whatsapp/broadcast".into()),
        (Method::GET, "/api/admin/whatsapp/broadcasts".into()),
        (Method::GET, format!("/api/admin/whatsapp/broadcasts/{ID}")),
        (Method::GET, "/api/admin/does-not-exist".into()),
    ]
}

#[tokio::test]
async fn users_and_strangers_never_reach_admin_routes() {
    let s = spawn_with_router(1).await;
    let admin = s.admin_client(false).await;
    s.approved_user(&admin, "081255500001").await;
    let otp = s.otp("081255500001").await;
    let (_, login) = s
        .post(
            &new_client(),
            "/api/auth/verify-otp",
            json!({"phone_number": "081255500001", "otp": otp}),
        )
        .await;
    let user_token = login["access_token"].as_str().unwrap().to_owned();
    for (method, path) in admin_routes() {
        let (st, b) = body(
            new_client()
                .request(method.clone(), s.url(&path))
                .json(&json!({}))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(
            (st.as_u16(), b["code"].as_str()),
            (401, Some("unauthorized")),
            "{method} {path} anonymous: {b}"
        );
        let (st, b) = body(
            new_client()
                .request(method.clone(), s.url(&path))
                .bearer_auth(&user_token)
                .json(&json!({}))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(
            (st.as_u16(), b["code"].as_str()),
            (403, Some("admin_required")),
            "{method} {path} as a user: {b}"
        );
    }
}

#[tokio::test]
async fn role_rules_between_admins() {
    let s = spawn_with_router(1).await;
    let admin = s.admin_client(false).await;
    let sa = s.admin_client(true).await;
    let user = s.approved_user(&admin, "081255500002").await;
    let (_, list) = s.get(&sa, "/api/admin/users?role=SUPER_ADMIN").await;
    let sa_id = list["items"][0]["id"].as_str().unwrap().to_owned();
    let (_, list) = s.get(&sa, "/api/admin/users?role=ADMIN").await;
    let admin_id = list["items"][0]["id"].as_str().unwrap().to_owned();

    let put = |c: &reqwest::Client, id: &str, v: serde_json::Value| {
        let req = c.put(s.url(&format!("/api/admin/users/{id}"))).json(&v);
        async move { body(req.send().await.unwrap()).await }
    };
    // An admin manages users but not admins, and cannot hand out admin roles.
    let (st, b) = put(&admin, &user, json!({"role": "KOMANDAN"})).await;
    assert_eq!(st, 200, "{b}");
    let (st, b) = put(&admin, &user, json!({"role": "ADMIN"})).await;
    assert_eq!(
        (st.as_u16(), b["code"].as_str()),
        (403, Some("super_admin_required"))
    );
    let (st, b) = put(
        &admin,
        &sa_id,
        json!({"is_blocked": true, "blocked_reason": "coba"}),
    )
    .await;
    assert_eq!(
        (st.as_u16(), b["code"].as_str()),
        (403, Some("super_admin_required"))
    );
    let (st, b) = body(
        admin
            .post(s.url(&format!(
                "/api/admin/users/{admin_id}/generate-admin-password"
            )))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (st.as_u16(), b["code"].as_str()),
        (403, Some("super_admin_required"))
    );
    // Nobody changes their own role or blocks themselves.
    let (st, _) = put(&sa, &sa_id, json!({"role": "ADMIN"})).await;
    assert_eq!(st, 403);
    // The super admin promotes the user to admin: a password goes out by WhatsApp.
    let (st, b) = put(&sa, &user, json!({"role": "ADMIN"})).await;
    assert_eq!(st, 200, "{b}");
    let sent = s
        .app
        .messenger
        .sent_to(&saring_domain::Phone::parse("081255500002").unwrap());
    assert!(
        sent.iter()
            .any(|m| m.text.contains("Password portal admin"))
    );
    // Every change is in the action log.
    let (_, logs) = s.get(&sa, "/api/admin/action-logs").await;
    let kinds: Vec<&str> = logs["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["action_type"].as_str().unwrap())
        .collect();
    for k in ["APPROVE_USER", "CHANGE_USER_ROLE"] {
        assert!(kinds.contains(&k), "{kinds:?}");
    }
}

#[tokio::test]
async fn message_templates_are_previewed_and_changed_by_super_admins() {
    let s = spawn_with_router(1).await;
    let admin = s.admin_client(false).await;
    let sa = s.admin_client(true).await;
    let (st, list) = s.get(&admin, "/api/admin/message-templates").await;
    assert_eq!(st, 200);
    let habis = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["key"] == "user_access_habis")
        .unwrap()
        .clone();
    assert!(habis["custom"].is_null());
    assert!(
        habis["placeholders"]
            .as_array()
            .unwrap()
            .contains(&json!("full_name"))
    );
    let send = |c: &reqwest::Client, m: Method, path: &str, v: serde_json::Value| {
        let req = c.request(m, s.url(path)).json(&v);
        async move { body(req.send().await.unwrap()).await }
    };
    let path = "/api/admin/message-templates/user_access_habis";
    let draft = json!({"body": "Halo {full_name}, kuota habis. Beli di {link_user_app}"});
    // Preview with example values; unknown placeholders and broken syntax are refused.
    let (st, p) = send(
        &admin,
        Method::POST,
        &format!("{path}/preview"),
        draft.clone(),
    )
    .await;
    assert_eq!(st, 200, "{p}");
    assert_eq!(
        p["text"],
        "Halo Budi Santoso, kuota habis. Beli di https://wifi.contoh.id"
    );
    for bad in ["Halo {nama_lain}", "Halo {full_name"] {
        let (st, b) = send(&sa, Method::PUT, path, json!({ "body": bad })).await;
        assert_eq!(
            (st.as_u16(), b["code"].as_str()),
            (422, Some("validation_failed")),
            "{b}"
        );
    }
    // Plain admins may not change texts; super admins may, and may go back.
    let (st, _) = send(&admin, Method::PUT, path, draft.clone()).await;
    assert_eq!(st, 403);
    let (st, saved) = send(&sa, Method::PUT, path, draft).await;
    assert_eq!(st, 200, "{saved}");
    assert_eq!(
        saved["custom"],
        "Halo {full_name}, kuota habis. Beli di {link_user_app}"
    );
    let text = saring_app::templates::render_current(
        &s.app,
        "user_access_habis",
        &[("full_name", "Siti".into()), ("link_user_app", "x".into())],
    )
    .await
    .unwrap();
    assert_eq!(text, "Halo Siti, kuota habis. Beli di x");
    let (st, reset) = send(&sa, Method::PUT, path, json!({ "body": null })).await;
    assert_eq!(st, 200);
    assert!(reset["custom"].is_null());
    let (st, _) = send(
        &sa,
        Method::PUT,
        "/api/admin/message-templates/nope",
        json!({}),
    )
    .await;
    assert_eq!(st, 404);
    let (_, logs) = s
        .get(
            &sa,
            "/api/admin/action-logs?action_type=UPDATE_MESSAGE_TEMPLATE",
        )
        .await;
    assert_eq!(logs["total"], 2, "{logs}");
}

#[tokio::test]
async fn parity_report_is_checked_and_kept_per_router() {
    let s = spawn_with_router(1).await;
    let admin = s.admin_client(false).await;
    s.approved_user(&admin, "081255500009").await;
    // Nothing stored before the first check.
    let (st, b) = s.get(&admin, "/api/admin/policy-parity").await;
    assert_eq!(st, 200, "{b}");
    assert_eq!(b["items"][0]["router"], "default", "{b}");
    assert!(b["items"][0]["report"].is_null(), "{b}");
    // An unpaged list in the one envelope: page 1 holding everything.
    assert_eq!(
        (&b["total"], &b["page"], &b["per_page"]),
        (&json!(1), &json!(1), &json!(1)),
        "{b}"
    );
    let (st, checked) = s
        .post(&admin, "/api/admin/policy-parity/check", json!({}))
        .await;
    assert_eq!(st, 200, "{checked}");
    let report = &checked["items"][0]["report"];
    assert!(report["users_checked"].as_u64().unwrap() >= 1, "{checked}");
    assert_eq!(report["repaired_users"], 0, "a check never repairs");
    let (_, b) = s.get(&admin, "/api/admin/policy-parity").await;
    assert_eq!(b["items"][0]["report"], *report, "the check is kept");
}

#[tokio::test]
async fn routers_are_listed_by_admins_and_managed_by_super_admins() {
    let s = spawn_with_router(1).await;
    let admin = s.admin_client(false).await;
    let sa = s.admin_client(true).await;
    let send = |c: &reqwest::Client, m: Method, path: &str, v: Option<serde_json::Value>| {
        let mut req = c.request(m, s.url(path));
        if let Some(v) = v {
            req = req.json(&v);
        }
        async move { body(req.send().await.unwrap()).await }
    };
    let (st, list) = s.get(&admin, "/api/admin/routers").await;
    assert_eq!(st, 200, "{list}");
    assert_eq!(list["items"][0]["name"], "default");
    assert_eq!(list["items"][0]["managed_by_env"], true);
    assert!(list["items"][0].get("password").is_none(), "{list}");
    let quota = list["jobs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|j| j["name"] == "quota-sync")
        .unwrap();
    assert_eq!(
        (
            quota["default_seconds"].as_u64(),
            quota["min_seconds"].as_u64()
        ),
        (Some(300), Some(60))
    );

    let site_b = json!({
        "name": "site-b", "host": "127.0.0.1", "port": 1, "username": "api",
        "password": "rahasia-router", "hotspot_client_cidrs": ["10.9.0.0/24"],
        "job_intervals": {"quota-sync": 120}
    });
    // Plain admins read and check; only super admins change.
    let (st, _) = send(
        &admin,
        Method::POST,
        "/api/admin/routers",
        Some(site_b.clone()),
    )
    .await;
    assert_eq!(st, 403);
    // Bad bodies: a clear error, nothing written.
    let raw = |text: &'static str| {
        let req = sa
            .post(s.url("/api/admin/routers"))
            .header("content-type", "application/json")
            .body(text);
        async move { body(req.send().await.unwrap()).await }
    };
    let (st, b) = raw("{not json").await;
    assert_eq!(
        (st.as_u16(), b["code"].as_str()),
        (400, Some("invalid_json")),
        "{b}"
    );
    let (st, b) = raw(r#"{"name": "x", "port": "delapan"}"#).await;
    assert_eq!(
        (st.as_u16(), b["code"].as_str()),
        (422, Some("validation_failed")),
        "{b}"
    );
    let (st, b) = raw(r#"{"name": "x", "passwd": "typo"}"#).await;
    assert_eq!(
        (st.as_u16(), b["code"].as_str()),
        (422, Some("validation_failed")),
        "{b}"
    );
    let mut bad = site_b.clone();
    bad["hotspot_client_cidrs"] = json!(["10.9.0.0/40"]);
    let (st, b) = send(&sa, Method::POST, "/api/admin/routers", Some(bad)).await;
    assert_eq!(
        (st.as_u16(), b["code"].as_str()),
        (422, Some("validation_failed")),
        "{b}"
    );
    assert_eq!(b["details"][0]["loc"][0], "hotspot_client_cidrs", "{b}");
    let huge = json!({"name": "x", "tls_ca_pem": "A".repeat(2_000_000)});
    let (st, b) = send(&sa, Method::POST, "/api/admin/routers", Some(huge)).await;
    assert_eq!(
        (st.as_u16(), b["code"].as_str()),
        (413, Some("payload_too_large")),
        "{b}"
    );
    let (_, unchanged) = s.get(&admin, "/api/admin/routers").await;
    assert_eq!(unchanged["items"].as_array().unwrap().len(), 1);

    let (st, created) = send(
        &sa,
        Method::POST,
        "/api/admin/routers",
        Some(site_b.clone()),
    )
    .await;
    assert_eq!(st, 201, "{created}");
    assert!(!created.to_string().contains("rahasia-router"), "{created}");
    assert_eq!(created["job_intervals"]["quota-sync"], 120);
    let id = created["id"].as_str().unwrap().to_owned();
    let (st, _) = send(&sa, Method::POST, "/api/admin/routers", Some(site_b)).await;
    assert_eq!(st, 409, "the name is taken");
    // Nothing listens on port 1: the check says offline, with the reason.
    let (st, checked) = send(
        &admin,
        Method::POST,
        &format!("/api/admin/routers/{id}/check"),
        None,
    )
    .await;
    assert_eq!(st, 200, "{checked}");
    assert_eq!(checked["online"], false, "{checked}");
    assert!(checked["last_error"].is_string(), "{checked}");
    // verify-rules: any admin; a router that does not answer is a 503 naming it, an unknown
    // id a 404, and the default (simulated) router a checklist of what it lacks.
    let rules = format!("/api/admin/routers/{id}/verify-rules");
    let (st, b) = s.get(&admin, &rules).await;
    assert_eq!(
        (st.as_u16(), b["code"].as_str()),
        (503, Some("router_unavailable")),
        "{b}"
    );
    assert!(b["message"].as_str().unwrap().contains("site-b"), "{b}");
    for unknown in [ID, "not-a-uuid"] {
        let (st, b) = s
            .get(
                &admin,
                &format!("/api/admin/routers/{unknown}/verify-rules"),
            )
            .await;
        assert_eq!(
            (st.as_u16(), b["code"].as_str()),
            (404, Some("not_found")),
            "{b}"
        );
    }
    let default_id = list["items"][0]["id"].as_str().unwrap();
    let (st, report) = s
        .get(
            &admin,
            &format!("/api/admin/routers/{default_id}/verify-rules"),
        )
        .await;
    assert_eq!(st, 200, "{report}");
    assert_eq!(report["router"], "default");
    assert_eq!(report["all_found"], false, "{report}");
    assert_eq!(
        report["setup_command"],
        "saring routeros setup-script --router default"
    );
    let checks = report["checks"].as_array().unwrap();
    assert!(
        checks
            .iter()
            .any(|c| c["kind"] == "firewall_rule" && c["found"] == false && c["hint"].is_string()),
        "{report}"
    );
    let (st, changed) = send(
        &sa,
        Method::PUT,
        &format!("/api/admin/routers/{id}"),
        Some(json!({"is_enabled": false, "job_intervals": {"quota-sync": 600}})),
    )
    .await;
    assert_eq!(st, 200, "{changed}");
    assert_eq!(
        (changed["is_enabled"].as_bool(), changed["port"].as_u64()),
        (Some(false), Some(1))
    );
    // Adoption: super admins only, recorded, and shown on the router.
    assert!(
        changed["adopted_at"].is_null(),
        "a new router is not adopted"
    );
    let adopt = format!("/api/admin/routers/{id}/adopt");
    let (st, _) = send(&admin, Method::POST, &adopt, None).await;
    assert_eq!(st, 403);
    let (st, adopted) = send(&sa, Method::POST, &adopt, None).await;
    assert_eq!(st, 200, "{adopted}");
    assert!(adopted["adopted_at"].is_string(), "{adopted}");
    let (st, released) = send(&sa, Method::DELETE, &adopt, None).await;
    assert_eq!(st, 200, "{released}");
    assert!(released["adopted_at"].is_null(), "{released}");
    let (st, _) = send(
        &admin,
        Method::PUT,
        &format!("/api/admin/routers/{id}"),
        Some(json!({"port": 2})),
    )
    .await;
    assert_eq!(st, 403);
    // The default router's connection is the environment's.
    let default_id = list["items"][0]["id"].as_str().unwrap();
    let (st, b) = send(
        &sa,
        Method::PUT,
        &format!("/api/admin/routers/{default_id}"),
        Some(json!({"host": "10.1.1.1"})),
    )
    .await;
    assert_eq!(
        (st.as_u16(), b["code"].as_str()),
        (409, Some("conflict")),
        "{b}"
    );
    let (st, _) = send(
        &sa,
        Method::DELETE,
        &format!("/api/admin/routers/{default_id}"),
        None,
    )
    .await;
    assert_eq!(st, 409);
    let (st, _) = send(
        &sa,
        Method::DELETE,
        &format!("/api/admin/routers/{id}"),
        None,
    )
    .await;
    assert_eq!(st, 204);
    let (st, _) = s.get(&admin, &format!("/api/admin/routers/{id}")).await;
    assert_eq!(st, 404);
    let (st, _) = s.get(&admin, "/api/admin/routers/not-a-uuid").await;
    assert_eq!(st, 404);
    let (_, logs) = s.get(&sa, "/api/admin/action-logs").await;
    let text = logs.to_string();
    for k in [
        "CREATE_ROUTER",
        "UPDATE_ROUTER",
        "ADOPT_ROUTER",
        "RELEASE_ROUTER",
        "DELETE_ROUTER",
    ] {
        assert!(text.contains(k), "{k} in {text}");
    }
    assert!(!text.contains("rahasia-router"));
}

#[tokio::test]
async fn the_live_view_names_the_account_of_each_host() {
    let s = spawn_with_router(3).await;
    let admin = s.admin_client(false).await;
    s.approved_user(&admin, "081255700001").await;
    let (_, mac) = s.device(1);
    let (_, login) = s.login_from_device("081255700001", 1).await;
    assert!(login["access_token"].is_string(), "{login}");
    let (_, list) = s.get(&admin, "/api/admin/routers").await;
    let id = list["items"][0]["id"].as_str().unwrap().to_owned();

    // The binding made at login drops the device's host row; it is back with its next packet.
    s.app
        .sim
        .as_ref()
        .unwrap()
        .tick(std::time::Duration::from_secs(30));
    let (st, live) = s
        .get(&admin, &format!("/api/admin/routers/{id}/live"))
        .await;
    assert_eq!(st, 200, "{live}");
    assert_eq!(live["router"], "default");
    let hosts = live["hosts"].as_array().unwrap();
    assert_eq!(hosts.len(), 3, "{live}");
    let mine = hosts
        .iter()
        .find(|h| h["mac_address"] == mac.as_str())
        .unwrap();
    assert_eq!(mine["owner"]["phone_number"], "081255700001", "{mine}");
    assert!(
        hosts
            .iter()
            .filter(|h| h["mac_address"] != mac.as_str())
            .all(|h| h["owner"].is_null())
    );
    assert_eq!(live["truncated"], false);

    let (st, b) = s
        .get(&admin, &format!("/api/admin/routers/{ID}/live"))
        .await;
    assert_eq!((st.as_u16(), code(&b)), (404, "not_found"));
}
