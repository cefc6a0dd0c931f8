//! Health endpoints and the error envelope for unknown routes.
#![allow(clippy::unwrap_used)]

mod common;

use common::{spawn_app, spawn_with_router};
use serde_json::Value;

#[tokio::test]
async fn health_reports_database_and_kv() {
    let s = spawn_app().await;
    for path in ["/health", "/api/health", "/ready"] {
        let res = s.client.get(s.url(path)).send().await.unwrap();
        assert_eq!(res.status(), 200, "{path}");
        assert_eq!(res.headers()["cache-control"], "no-store");
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["status"], "ok");
        assert_eq!(body["database"], "ok");
        assert_eq!(body["kv"], "ok");
    }
}

#[tokio::test]
async fn ready_counts_routers_and_only_admins_see_what_one_lacks() {
    let s = spawn_with_router(0).await;
    let anon = reqwest::Client::new();
    let (st, body) = s.get(&anon, "/ready").await;
    assert_eq!(st, 200, "{body}");
    assert_eq!(
        body["routers"],
        serde_json::json!({"complete": 0, "incomplete": 0, "unchecked": 1}),
        "{body}"
    );
    // `/health` stays the liveness body only.
    let (_, health) = s.get(&anon, "/health").await;
    assert!(health.get("routers").is_none(), "{health}");

    let admin = s.admin_client(false).await;
    let (_, list) = s.get(&admin, "/api/admin/routers").await;
    let router = &list["items"][0];
    assert_eq!(router["setup"]["setup"], "unchecked", "{list}");
    assert_eq!(router["setup"]["fix"], "saring router check default");
    let id = router["id"].as_str().unwrap().to_owned();

    // After a check (the router-health job makes one too), `/ready` counts the router as
    // incomplete without saying which or what it lacks; the admins' list says both.
    let (st, report) = s
        .get(&admin, &format!("/api/admin/routers/{id}/verify-rules"))
        .await;
    assert_eq!(st, 200, "{report}");
    let (st, body) = s.get(&anon, "/ready").await;
    assert_eq!(
        st, 200,
        "a router that is not set up does not take the API out: {body}"
    );
    assert_eq!(
        body["routers"],
        serde_json::json!({"complete": 0, "incomplete": 1, "unchecked": 0}),
        "{body}"
    );
    let text = body.to_string();
    for secret in ["default", "address list", "setup-script"] {
        assert!(!text.contains(secret), "/ready shows {secret:?}: {text}");
    }
    let (_, list) = s.get(&admin, "/api/admin/routers").await;
    let setup = &list["items"][0]["setup"];
    assert_eq!(setup["setup"], "incomplete", "{list}");
    assert_eq!(
        setup["fix"],
        "saring routeros setup-script --router default"
    );
    let missing: Vec<&str> = setup["missing"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|m| m.as_str())
        .collect();
    assert_eq!(missing.len() as u64, report["missing"].as_u64().unwrap());
    assert!(
        missing.iter().any(|m| m.starts_with("address list ")),
        "{missing:?}"
    );
    // The list is for admins only.
    let (st, _) = s.get(&anon, "/api/admin/routers").await;
    assert_eq!(st, 401);
}

#[tokio::test]
async fn unknown_routes_get_the_json_envelope_with_a_request_id() {
    let s = spawn_app().await;
    let res = s
        .client
        .get(s.url("/api/nope"))
        .header("x-request-id", "trace-123")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
    assert_eq!(res.headers()["x-request-id"], "trace-123");
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["code"], "not_found");
    assert_eq!(body["request_id"], "trace-123");
    assert!(body["message"].as_str().unwrap().len() > 3);

    // A hostile request id is replaced, not echoed.
    let res = s
        .client
        .post(s.url("/api/nope"))
        .header("x-request-id", "a b\"<script>")
        .send()
        .await
        .unwrap();
    let id = res.headers()["x-request-id"].to_str().unwrap().to_owned();
    assert_eq!(id.len(), 32);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["request_id"], id.as_str());
}
