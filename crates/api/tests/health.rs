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
async fn ready_says_what_a_router_lacks_and_how_to_fix_it() {
    let s = spawn_with_router(0).await;
    let anon = reqwest::Client::new();
    let (st, body) = s.get(&anon, "/ready").await;
    assert_eq!(st, 200, "{body}");
    assert_eq!(body["routers"][0]["router"], "default", "{body}");
    assert_eq!(body["routers"][0]["setup"], "unchecked", "{body}");
    assert_eq!(body["routers"][0]["fix"], "saring router check default");
    // `/health` stays the liveness body only.
    let (_, health) = s.get(&anon, "/health").await;
    assert!(health.get("routers").is_none(), "{health}");

    // After a check (the router-health job makes one too), `/ready` names what is missing.
    let admin = s.admin_client(false).await;
    let (_, list) = s.get(&admin, "/api/admin/routers").await;
    let id = list["items"][0]["id"].as_str().unwrap().to_owned();
    let (st, report) = s
        .get(&admin, &format!("/api/admin/routers/{id}/verify-rules"))
        .await;
    assert_eq!(st, 200, "{report}");
    let (st, body) = s.get(&anon, "/ready").await;
    assert_eq!(
        st, 200,
        "a router that is not set up does not take the API out: {body}"
    );
    let router = &body["routers"][0];
    assert_eq!(router["setup"], "incomplete", "{body}");
    assert_eq!(
        router["fix"],
        "saring routeros setup-script --router default"
    );
    let missing: Vec<&str> = router["missing"]
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
