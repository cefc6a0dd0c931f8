//! Every admin route refuses anonymous callers (401) and ordinary users (403), and
//! super-admin-only actions refuse plain admins.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{body, new_client, spawn_with_router};
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
