//! Hostile input at the edge: page numbers that overflowed the SQL builder (a dropped
//! connection) or never parsed (`#[serde(flatten)]` in a query), request bodies whose 422
//! echoed serde's internals, and the content types a body may come with.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{Spawned, body, new_client, spawn_app, spawn_with_router};
use reqwest::Client;
use serde_json::{Value, json};

const USER_PHONE: &str = "081234567821";

/// Every paged route, with the client allowed to read it.
async fn paged_routes(s: &Spawned) -> Vec<(&'static str, Client)> {
    let admin = s.admin_client(true).await;
    s.approved_user(&admin, USER_PHONE).await;
    let (user, _) = s.login_from_device(USER_PHONE, 0).await;
    vec![
        ("/api/users/me/transactions", user.clone()),
        ("/api/users/me/quota-history", user),
        ("/api/admin/users", admin.clone()),
        ("/api/admin/transactions", admin.clone()),
        ("/api/admin/action-logs", admin),
    ]
}

fn assert_names(b: &Value, field: &str, what: &str) {
    assert_eq!(b["code"], "validation_failed", "{what}: {b}");
    assert_eq!(
        b["details"][0]["loc"],
        json!(["query", field]),
        "{what}: {b}"
    );
    assert!(
        b["details"][0]["msg"].as_str().unwrap().contains(field),
        "{what}: {b}"
    );
}

#[tokio::test]
async fn out_of_range_pages_are_refused_naming_the_parameter() {
    let s = spawn_with_router(1).await;
    for (route, client) in paged_routes(&s).await {
        for page in [
            "0",
            "-1",
            "abc",
            "9223372036854775807",
            "18446744073709551616",
            "100001",
        ] {
            let what = format!("{route}?page={page}");
            let (status, b) = s.get(&client, &what).await;
            assert_eq!(status, 422, "{what}: {b}");
            assert_names(&b, "page", &what);
        }
        for per_page in ["0", "101", "1000000", "x"] {
            let what = format!("{route}?page=1&per_page={per_page}");
            let (status, b) = s.get(&client, &what).await;
            assert_eq!(status, 422, "{what}: {b}");
            assert_names(&b, "per_page", &what);
        }
        // In range: the page asked for, with the route's other parameters kept.
        let what = format!("{route}?page=2&per_page=5");
        let (status, b) = s.get(&client, &what).await;
        assert_eq!(status, 200, "{what}: {b}");
        assert_eq!(
            (b["page"].as_u64(), b["per_page"].as_u64()),
            (Some(2), Some(5)),
            "{what}: {b}"
        );
        let (status, b) = s.get(&client, route).await;
        assert_eq!(status, 200, "{route}: {b}");
        assert_eq!(b["per_page"], 20, "{route}: {b}");
    }
}

#[tokio::test]
async fn paged_routes_keep_their_filters() {
    let s = spawn_app().await;
    let admin = s.admin_client(true).await;
    for i in 0..6 {
        s.app.approved_user(&format!("0812345670{i:02}")).await;
    }
    // Seven users (the admin and six registrations): page 2 of 5 holds two.
    let (status, b) = s.get(&admin, "/api/admin/users?page=2&per_page=5").await;
    assert_eq!(status, 200, "{b}");
    assert_eq!(
        (&b["total"], &b["page"], &b["per_page"]),
        (&json!(7), &json!(2), &json!(5)),
        "{b}"
    );
    assert_eq!(b["items"].as_array().unwrap().len(), 2);
    let (status, b) = s
        .get(
            &admin,
            "/api/admin/users?status=approved&per_page=5&page=1&search=Budi",
        )
        .await;
    assert_eq!(status, 200, "{b}");
    assert_eq!(b["total"], 6, "{b}");
    // The action log answered 422 to any page before (a flattened query).
    let (status, b) = s
        .get(
            &admin,
            "/api/admin/action-logs?page=1&per_page=5&action_type=NOTHING_LIKE_THIS",
        )
        .await;
    assert_eq!(status, 200, "{b}");
    assert_eq!(b["total"], 0, "{b}");
    let (status, b) = s
        .get(
            &admin,
            "/api/admin/transactions?page=1&per_page=3&status=SUCCESS",
        )
        .await;
    assert_eq!(status, 200, "{b}");
}

async fn send(
    s: &Spawned,
    client: &Client,
    path: &str,
    ctype: Option<&str>,
    raw: &str,
) -> (u16, Value) {
    let mut req = client.post(s.url(path)).body(raw.to_owned());
    if let Some(ct) = ctype {
        req = req.header("content-type", ct);
    }
    let (status, b) = body(req.send().await.unwrap()).await;
    (status.as_u16(), b)
}

fn assert_clean(b: &Value, raw: &str) {
    let text = b.to_string();
    for leak in ["line", "column", "invalid type", "expected", "812345"] {
        assert!(!text.contains(leak), "{leak:?} leaked for {raw}: {text}");
    }
}

#[tokio::test]
async fn bodies_of_the_wrong_shape_get_clean_field_errors() {
    let s = spawn_app().await;
    let anon = new_client();
    let json = Some("application/json");
    let cases = [
        (
            "/api/auth/request-otp",
            r#"{"phone_number": 81234567890}"#,
            json!(["body", "phone_number"]),
            "harus berupa teks",
        ),
        (
            "/api/auth/admin/login",
            r#"{"username": ["081234567890"], "password": "x"}"#,
            json!(["body", "username"]),
            "harus berupa teks",
        ),
    ];
    for (path, raw, loc, msg) in cases {
        let (status, b) = send(&s, &anon, path, json, raw).await;
        assert_eq!(status, 422, "{raw}: {b}");
        assert_eq!(b["code"], "validation_failed", "{raw}: {b}");
        assert_eq!(
            b["details"],
            json!([{"loc": loc, "msg": msg}]),
            "{raw}: {b}"
        );
        assert_clean(&b, raw);
    }

    // A required field left out (a signed-in user's purchase).
    let admin = s.admin_client(true).await;
    let (status, b) = send(&s, &admin, "/api/transactions/initiate", json, "{}").await;
    assert_eq!(status, 422, "{b}");
    assert_eq!(
        b["details"],
        json!([{"loc": ["body", "package_id"], "msg": "wajib diisi"}]),
        "{b}"
    );

    // Nested paths, unknown fields and out-of-range numbers (a super admin's router form,
    // which refuses unknown fields).
    let cases = [
        (
            r#"{"name": "b", "hostname": "10.0.0.1"}"#,
            json!(["body", "hostname"]),
            "kolom tidak dikenal",
        ),
        (
            r#"{"hotspot_client_cidrs": ["10.0.0.0/24", 812345]}"#,
            json!(["body", "hotspot_client_cidrs", 1]),
            "harus berupa teks",
        ),
        (
            r#"{"port": "812345"}"#,
            json!(["body", "port"]),
            "harus berupa angka",
        ),
        (
            r#"{"port": 812345}"#,
            json!(["body", "port"]),
            "nilai tidak valid",
        ),
        (
            r#"{"use_tls": "yes-812345"}"#,
            json!(["body", "use_tls"]),
            "harus berupa true atau false",
        ),
    ];
    for (raw, loc, msg) in cases {
        let (status, b) = send(&s, &admin, "/api/admin/routers", json, raw).await;
        assert_eq!(status, 422, "{raw}: {b}");
        assert_eq!(
            b["details"],
            json!([{"loc": loc, "msg": msg}]),
            "{raw}: {b}"
        );
        assert_clean(&b, raw);
    }

    // Not JSON at all, or JSON followed by more.
    for raw in ["{oops", r#"{"phone_number": "0812"} trailing"#, ""] {
        let (status, b) = send(&s, &anon, "/api/auth/request-otp", json, raw).await;
        assert_eq!(
            (status, b["code"].as_str()),
            (400, Some("invalid_json")),
            "{raw:?}: {b}"
        );
        assert_clean(&b, raw);
    }
}

#[tokio::test]
async fn a_body_without_content_type_is_json_and_a_wrong_one_is_refused() {
    let s = spawn_app().await;
    let anon = new_client();
    let login = r#"{"username": "081299990000", "password": "salah-sekali"}"#;
    // No Content-Type: read as JSON (docs/api.md), so the credentials are checked.
    let (status, b) = send(&s, &anon, "/api/auth/admin/login", None, login).await;
    assert_eq!(
        (status, b["code"].as_str()),
        (401, Some("invalid_credentials")),
        "{b}"
    );
    let (status, b) = send(
        &s,
        &anon,
        "/api/auth/admin/login",
        Some("application/json; charset=utf-8"),
        login,
    )
    .await;
    assert_eq!(status, 401, "{b}");
    // A content type the API does not read.
    for ct in [
        "text/plain",
        "application/xml",
        "multipart/form-data; boundary=x",
        "nonsense",
    ] {
        let (status, b) = send(&s, &anon, "/api/auth/admin/login", Some(ct), login).await;
        assert_eq!(
            (status, b["code"].as_str()),
            (415, Some("unsupported_media_type")),
            "{ct}: {b}"
        );
    }
    // Forms still work (MikroTik login pages), with the same clean errors.
    let form = Some("application/x-www-form-urlencoded");
    let (status, b) = send(
        &s,
        &anon,
        "/api/auth/admin/login",
        form,
        "username=081299990000&password=salah-sekali",
    )
    .await;
    assert_eq!(status, 401, "{b}");
    let admin = s.admin_client(true).await;
    let (status, b) = send(
        &s,
        &admin,
        "/api/admin/routers",
        form,
        "name=b&port=812345x",
    )
    .await;
    assert_eq!(status, 422, "{b}");
    assert_eq!(
        b["details"],
        json!([{"loc": ["body", "port"], "msg": "nilai tidak valid"}]),
        "{b}"
    );
    assert_clean(&b, "port=812345x");
    // Too large.
    let big = format!(
        r#"{{"username": "{}", "password": "x"}}"#,
        "9".repeat(70 * 1024)
    );
    let (status, b) = send(&s, &anon, "/api/auth/admin/login", None, &big).await;
    assert_eq!(
        (status, b["code"].as_str()),
        (413, Some("payload_too_large")),
        "{b}"
    );
    let (status, b) = send(
        &s,
        &anon,
        "/api/auth/admin/login",
        form,
        &format!("username={big}"),
    )
    .await;
    assert_eq!(
        (status, b["code"].as_str()),
        (413, Some("payload_too_large")),
        "{b}"
    );
}

/// `Host` and `X-Forwarded-Host` never flow into links: the session hand-over URL and RFC
/// 8908's `user-portal-url` are built on the configured public base URL.
#[tokio::test]
async fn host_headers_never_flow_into_links() {
    let s = common::spawn_with(&[("APP_PUBLIC_BASE_URL", "https://portal.example.net/")], 1).await;
    s.admin_client(true).await;
    let evil = |req: reqwest::RequestBuilder| {
        req.header("host", "evil.example")
            .header("x-forwarded-host", "evil.example")
            .header("x-forwarded-proto", "http")
            .header("forwarded", "host=evil.example;proto=http")
    };
    let client = new_client();
    let (status, login) = body(
        evil(client.post(s.url("/api/auth/admin/login")))
            .json(&json!({"username": common::SUPER_PHONE, "password": common::ADMIN_PASSWORD}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200, "{login}");
    let session_url = login["session_url"].as_str().unwrap();
    assert!(
        session_url.starts_with("https://portal.example.net/session/consume?token="),
        "{session_url}"
    );
    for client in [client, new_client()] {
        let (status, captive) = body(
            evil(client.get(s.url("/api/captive")))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(status, 200, "{captive}");
        assert_eq!(
            captive["user-portal-url"], "https://portal.example.net/captive",
            "{captive}"
        );
    }

    // Without APP_PUBLIC_BASE_URL: FRONTEND_URL, still never the request's host.
    let s = common::spawn_with(&[("FRONTEND_URL", "https://wifi.example.org")], 1).await;
    let (_, captive) = body(
        evil(new_client().get(s.url("/api/captive")))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        captive["user-portal-url"],
        "https://wifi.example.org/captive"
    );
    // Neither (the embedded mode): this server's configured listen address.
    let s = common::spawn_with(&[("SARING_LISTEN", "127.0.0.1:9123")], 1).await;
    let (_, captive) = body(
        evil(new_client().get(s.url("/api/captive")))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(captive["user-portal-url"], "http://127.0.0.1:9123/captive");
}
