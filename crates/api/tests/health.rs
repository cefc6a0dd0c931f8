//! Health endpoints and the error envelope for unknown routes.
#![allow(clippy::unwrap_used)]

mod common;

use common::spawn_app;
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
