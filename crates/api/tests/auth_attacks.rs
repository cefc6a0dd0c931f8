//! Bad input and attacks on the login flow: each answers a clear error and changes nothing.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::net::Ipv4Addr;

use chrono::Duration;
use common::{body, new_client, spawn_with, spawn_with_router};
use reqwest::StatusCode;
use serde_json::{Value, json};

const NO_COOLDOWN: [(&str, &str); 1] = [("OTP_REQUEST_COOLDOWN_SECONDS", "0")];

fn code(b: &Value) -> &str {
    b["code"].as_str().unwrap_or("")
}

#[tokio::test]
async fn malformed_oversized_and_mistyped_bodies() {
    let s = spawn_with_router(1).await;
    let c = new_client();
    let raw = |body: &'static str, ct: &'static str| {
        let c = c.clone();
        let url = s.url("/api/auth/request-otp");
        async move {
            body_of(
                c.post(url)
                    .header("content-type", ct)
                    .body(body)
                    .send()
                    .await
                    .unwrap(),
            )
            .await
        }
    };
    let (st, b) = raw("{not json", "application/json").await;
    assert_eq!((st.as_u16(), code(&b)), (400, "invalid_json"), "{b}");
    let (st, b) = raw(r#"{"phone_number": 81234567890}"#, "application/json").await;
    assert_eq!((st.as_u16(), code(&b)), (422, "validation_failed"), "{b}");
    let (st, b) = raw(r#"{"phone_number": "021-555"}"#, "application/json").await;
    assert_eq!((st.as_u16(), code(&b)), (422, "phone_invalid"), "{b}");
    assert!(b["message"].as_str().unwrap().contains("08"));
    let huge = format!(r#"{{"phone_number": "{}"}}"#, "9".repeat(100_000));
    let (st, b) = body_of(
        c.post(s.url("/api/auth/request-otp"))
            .header("content-type", "application/json")
            .body(huge)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((st.as_u16(), code(&b)), (413, "payload_too_large"), "{b}");
    // Forms are accepted (MikroTik login pages post forms); bad ones get the same envelope.
    let (st, b) = raw("phone_number=0899", "application/x-www-form-urlencoded").await;
    assert_eq!((st.as_u16(), code(&b)), (422, "phone_invalid"), "{b}");
    let (st, b) = raw(
        "phone_number=081299990000",
        "application/x-www-form-urlencoded",
    )
    .await;
    assert_eq!((st.as_u16(), code(&b)), (404, "user_not_found"), "{b}");
    // Registration validates every field and writes nothing on error.
    for (req, field) in [
        (
            json!({"phone_number": "081211112222", "full_name": "X", "blok": "A", "kamar": "1"}),
            "full_name",
        ),
        (
            json!({"phone_number": "081211112222", "full_name": "Sari Dewi", "blok": "Z", "kamar": "1"}),
            "blok",
        ),
        (
            json!({"phone_number": "081211112222", "full_name": "Sari Dewi", "is_tamping": true}),
            "tamping_type",
        ),
    ] {
        let (st, b) = s.post(&c, "/api/auth/register", req).await;
        assert_eq!((st.as_u16(), code(&b)), (422, "validation_failed"), "{b}");
        assert_eq!(b["details"][0]["loc"][0], field);
    }
    let (st, list) = s
        .get(&s.admin_client(false).await, "/api/admin/users")
        .await;
    assert_eq!(st, 200);
    assert_eq!(list["meta"]["total"], 1, "only the admin exists: {list}");
    // Duplicate registration.
    s.register("081211112222", "Sari Dewi", false).await;
    let (st, b) = s.post(&c, "/api/auth/register", json!({"phone_number": "+62 812 1111 2222", "full_name": "Sari Lagi", "blok": "A", "kamar": "1"})).await;
    assert_eq!((st.as_u16(), code(&b)), (409, "phone_already_registered"));
}

async fn body_of(res: reqwest::Response) -> (StatusCode, Value) {
    body(res).await
}

#[tokio::test]
async fn otp_brute_force_replay_and_cooldown() {
    let s = spawn_with_router(2).await;
    let admin = s.admin_client(false).await;
    s.approved_user(&admin, "081234500001").await;
    let c = new_client();

    // Cooldown: a second request within 60 s is refused with Retry-After.
    let real = s.otp("081234500001").await;
    let res = c
        .post(s.url("/api/auth/request-otp"))
        .json(&json!({"phone_number": "081234500001"}))
        .send()
        .await
        .unwrap();
    assert!(res.headers().get("retry-after").is_some());
    let (st, b) = body(res).await;
    assert_eq!((st.as_u16(), code(&b)), (429, "otp_cooldown"));

    // Five wrong codes, then even the right one is refused for the window.
    let wrong = if real == "000000" { "111111" } else { "000000" };
    for _ in 0..5 {
        let (st, b) = s
            .post(
                &c,
                "/api/auth/verify-otp",
                json!({"phone_number": "081234500001", "otp": wrong}),
            )
            .await;
        assert_eq!((st.as_u16(), code(&b)), (401, "otp_invalid"), "{b}");
    }
    let (st, b) = s
        .post(
            &c,
            "/api/auth/verify-otp",
            json!({"phone_number": "081234500001", "otp": real}),
        )
        .await;
    assert_eq!(
        (st.as_u16(), code(&b)),
        (429, "otp_too_many_attempts"),
        "{b}"
    );
}

#[tokio::test]
async fn a_used_code_cannot_be_replayed() {
    let s = spawn_with(&NO_COOLDOWN, 2).await;
    let admin = s.admin_client(false).await;
    s.approved_user(&admin, "081234500002").await;
    let otp = s.otp("081234500002").await;
    let (st, _) = s
        .post(
            &new_client(),
            "/api/auth/verify-otp",
            json!({"phone_number": "081234500002", "otp": otp}),
        )
        .await;
    assert_eq!(st, 200);
    let (st, b) = s
        .post(
            &new_client(),
            "/api/auth/verify-otp",
            json!({"phone_number": "081234500002", "otp": otp}),
        )
        .await;
    assert_eq!((st.as_u16(), code(&b)), (401, "otp_expired"), "{b}");
}

#[tokio::test]
async fn captive_context_is_checked_against_the_router() {
    let s = spawn_with(&NO_COOLDOWN, 2).await;
    let admin = s.admin_client(false).await;
    let uid = s.approved_user(&admin, "081234500003").await;
    let verify = |ctx: Value| {
        let s = &s;
        async move {
            let otp = s.otp("081234500003").await;
            let mut req = json!({"phone_number": "081234500003", "otp": otp});
            req.as_object_mut()
                .unwrap()
                .extend(ctx.as_object().unwrap().clone());
            s.post(&new_client(), "/api/auth/verify-otp", req).await
        }
    };
    let (st, b) = verify(json!({"client_ip": "10.9.9.9", "client_mac": "00:11:22:33:44:55"})).await;
    assert_eq!(
        (st.as_u16(), code(&b)),
        (403, "captive_context_invalid"),
        "{b}"
    );
    let (ip, mac) = s.device(0);
    let (st, b) = verify(json!({"client_ip": ip, "client_mac": mac, "link_login_only": "http://login.attacker.example/login"})).await;
    assert_eq!(
        (st.as_u16(), code(&b)),
        (403, "captive_context_invalid"),
        "{b}"
    );
    let (st, b) =
        verify(json!({"client_ip": "172.16.3.250", "client_mac": "00:11:22:33:44:55"})).await;
    assert_eq!((st.as_u16(), code(&b)), (401, "device_not_detected"), "{b}");
    let (st, b) = verify(json!({"client_ip": "not-an-ip"})).await;
    assert_eq!(
        (st.as_u16(), code(&b)),
        (403, "captive_context_invalid"),
        "{b}"
    );
    assert!(
        s.app.sim().ip_bindings().is_empty(),
        "nothing was bound by refused logins"
    );

    // A forged MAC in the URL is ignored: the router's MAC for that IP is bound.
    let (st, b) = verify(json!({"client_ip": ip, "client_mac": "02:66:66:66:66:66"})).await;
    assert_eq!(st, 200, "{b}");
    let bindings = s.app.sim().ip_bindings();
    assert_eq!(bindings.len(), 1);
    assert_eq!(bindings[0].mac_address.as_deref(), Some(mac.as_str()));
    assert!(bindings[0].comment.as_deref().unwrap().contains(&uid));
}

#[tokio::test]
async fn router_down_during_login_writes_nothing_and_the_code_still_works() {
    let s = spawn_with(&NO_COOLDOWN, 2).await;
    let admin = s.admin_client(false).await;
    s.approved_user(&admin, "081234500004").await;
    let (ip, mac) = s.device(0);
    let otp = s.otp("081234500004").await;
    s.app.sim().set_down(true);
    let req =
        json!({"phone_number": "081234500004", "otp": otp, "client_ip": ip, "client_mac": mac});
    let (st, b) = s
        .post(&new_client(), "/api/auth/verify-otp", req.clone())
        .await;
    assert_eq!((st.as_u16(), code(&b)), (503, "router_unavailable"), "{b}");
    let uid = saring_store::repo::users::find_by_phone(
        s.app.db(),
        &saring_domain::Phone::parse("081234500004").unwrap(),
    )
    .await
    .unwrap()
    .unwrap()
    .id;
    assert!(
        saring_store::repo::devices::list_for_user(s.app.db(), uid)
            .await
            .unwrap()
            .is_empty(),
        "no device row without its binding"
    );
    s.app.sim().set_down(false);
    assert!(
        s.app.sim().ip_bindings().is_empty(),
        "no binding without its device row"
    );
    // The user retries: once the connection pool's reconnect backoff has passed, the
    // unused code still works.
    let mut answer = (StatusCode::SERVICE_UNAVAILABLE, Value::Null);
    for _ in 0..50 {
        answer = s
            .post(&new_client(), "/api/auth/verify-otp", req.clone())
            .await;
        if answer.0 != StatusCode::SERVICE_UNAVAILABLE {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    assert_eq!(
        answer.0, 200,
        "the unused code still works once the router is back: {}",
        answer.1
    );
    assert_eq!(
        saring_store::repo::devices::list_for_user(s.app.db(), uid)
            .await
            .unwrap()
            .len(),
        1
    );
    assert_eq!(s.app.sim().ip_bindings().len(), 1);
}

#[tokio::test]
async fn device_limit_takeover_and_randomized_addresses() {
    let s = spawn_with(&NO_COOLDOWN, 0).await;
    let admin = s.admin_client(false).await;
    s.approved_user(&admin, "081234500005").await;
    let sim = s.app.sim();
    let fixed = [
        "00:1A:00:00:00:01",
        "00:1A:00:00:00:02",
        "00:1A:00:00:00:03",
        "00:1A:00:00:00:04",
    ];
    let random = ["DA:00:00:00:00:01", "DA:00:00:00:00:02"];
    for (i, mac) in fixed.iter().chain(random.iter()).enumerate() {
        sim.add_host(mac, Ipv4Addr::new(172, 16, 2, 100 + i as u8))
            .unwrap();
    }
    let login = |mac: &'static str, ip: String, confirm: bool| {
        let s = &s;
        async move {
            let otp = s.otp("081234500005").await;
            s.post(&new_client(), "/api/auth/verify-otp", json!({"phone_number": "081234500005", "otp": otp, "client_ip": ip, "client_mac": mac, "confirm_device_takeover": confirm})).await
        }
    };
    for (i, mac) in fixed.iter().take(3).enumerate() {
        s.app.clock.advance(Duration::minutes(1));
        let (st, b) = login(mac, format!("172.16.2.{}", 100 + i), false).await;
        assert_eq!(st, 200, "{b}");
    }
    // The fourth fixed-address device needs confirmation, and then replaces the oldest.
    let (st, b) = login(fixed[3], "172.16.2.103".into(), false).await;
    assert_eq!(
        (st.as_u16(), code(&b)),
        (403, "device_limit_reached"),
        "{b}"
    );
    assert_eq!(b["details"]["max_devices"], 3);
    assert_eq!(b["details"]["devices"].as_array().unwrap().len(), 3);
    let bound = |mac: &str| {
        s.app
            .sim()
            .ip_bindings()
            .iter()
            .any(|x| x.mac_address.as_deref() == Some(mac))
    };
    assert!(!bound(fixed[3]));
    s.app.clock.advance(Duration::minutes(1));
    let (st, b) = login(fixed[3], "172.16.2.103".into(), true).await;
    assert_eq!(st, 200, "{b}");
    assert!(
        bound(fixed[3]) && !bound(fixed[0]),
        "the oldest device left the router"
    );

    // A randomized address at the limit is not refused: with no randomized device to
    // replace it needs confirmation too; then later randomized addresses replace it.
    s.app.clock.advance(Duration::minutes(1));
    let (st, b) = login(random[0], "172.16.2.104".into(), true).await;
    assert_eq!(st, 200, "{b}");
    s.app.clock.advance(Duration::minutes(1));
    let (st, b) = login(random[1], "172.16.2.105".into(), false).await;
    assert_eq!(st, 200, "{b}");
    assert!(
        bound(random[1]) && !bound(random[0]),
        "the new private address replaced the old one"
    );
    let c = new_client();
    let otp = s.otp("081234500005").await;
    let (_, l) = s
        .post(
            &c,
            "/api/auth/verify-otp",
            json!({"phone_number": "081234500005", "otp": otp}),
        )
        .await;
    let (_, devs) = s.get(&c, "/api/users/me/devices").await;
    assert!(l["access_token"].is_string());
    let list = devs["devices"].as_array().unwrap();
    assert_eq!(list.len(), 3);
    assert!(
        list.iter()
            .any(|d| d["mac_address"] == random[1] && d["is_randomized_mac"] == true)
    );
}

#[tokio::test]
async fn blocked_users_and_the_auto_debt_exception() {
    let s = spawn_with(&NO_COOLDOWN, 1).await;
    let admin = s.admin_client(false).await;
    let id = s.approved_user(&admin, "081234500006").await;
    let (st, b) = body(
        admin
            .put(s.url(&format!("/api/admin/users/{id}")))
            .json(&json!({"is_blocked": true}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (st.as_u16(), code(&b)),
        (422, "validation_failed"),
        "a block needs a reason: {b}"
    );
    let (st, _) = body(
        admin
            .put(s.url(&format!("/api/admin/users/{id}")))
            .json(&json!({"is_blocked": true, "blocked_reason": "Melanggar aturan"}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(st, 200);
    let (st, b) = s
        .post(
            &new_client(),
            "/api/auth/request-otp",
            json!({"phone_number": "081234500006"}),
        )
        .await;
    assert_eq!(
        (st.as_u16(), code(&b), b["status"].as_str()),
        (403, "access_denied", Some("blocked"))
    );
    // An auto-debt-limit block still lets the user log in (to pay).
    let uid = saring_domain::UserId::parse(&id).unwrap();
    saring_store::repo::users::update(
        s.app.db(),
        uid,
        saring_store::repo::users::UserPatch {
            blocked_reason: Some(Some(
                "quota_debt_limit|debt_mb=600.00|limit_mb=500|source=test".into(),
            )),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let (st, b) = s
        .post(
            &new_client(),
            "/api/auth/request-otp",
            json!({"phone_number": "081234500006"}),
        )
        .await;
    assert_eq!(st, 200, "{b}");
}

#[tokio::test]
async fn tokens_forged_expired_and_refresh_reuse() {
    let s = spawn_with(&NO_COOLDOWN, 1).await;
    let admin = s.admin_client(false).await;
    s.approved_user(&admin, "081234500007").await;
    let otp = s.otp("081234500007").await;
    let (_, login) = s
        .post(
            &new_client(),
            "/api/auth/verify-otp",
            json!({"phone_number": "081234500007", "otp": otp}),
        )
        .await;
    let token = login["access_token"].as_str().unwrap().to_owned();
    let bearer = |t: String| {
        let c = new_client();
        let url = s.url("/api/auth/me");
        async move { body(c.get(url).bearer_auth(t).send().await.unwrap()).await }
    };
    assert_eq!(bearer(token.clone()).await.0, 200);
    // Forged signature, alg:none, garbage.
    let parts: Vec<&str> = token.split('.').collect();
    let forged = format!("{}.{}.{}", parts[0], parts[1], "AAAA");
    let none_header = "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0";
    for bad in [
        forged,
        format!("{none_header}.{}.", parts[1]),
        "garbage".into(),
    ] {
        let (st, b) = bearer(bad).await;
        assert_eq!((st.as_u16(), code(&b)), (401, "token_invalid"), "{b}");
    }
    // Expired (the app clock moves past the 30-minute lifetime).
    s.app.clock.advance(Duration::minutes(31));
    let (st, b) = bearer(token).await;
    assert_eq!((st.as_u16(), code(&b)), (401, "token_expired"));

    // Refresh rotation: the old token works again only within the grace period from the
    // same client; later reuse revokes every session.
    let refresh = login["refresh_token"].as_str().unwrap().to_owned();
    let c = new_client();
    let (st, rotated) = s
        .post(&c, "/api/auth/refresh", json!({"refresh_token": refresh}))
        .await;
    assert_eq!(st, 200, "{rotated}");
    let (st, _) = s
        .post(&c, "/api/auth/refresh", json!({"refresh_token": refresh}))
        .await;
    assert_eq!(st, 200, "within the grace period");
    s.app.clock.advance(Duration::seconds(10));
    let (st, b) = s
        .post(&c, "/api/auth/refresh", json!({"refresh_token": refresh}))
        .await;
    assert_eq!((st.as_u16(), code(&b)), (401, "unauthorized"));
    let (st, _) = s
        .post(
            &c,
            "/api/auth/refresh",
            json!({"refresh_token": rotated["refresh_token"]}),
        )
        .await;
    assert_eq!(st, 401, "reuse revoked the newer token too");
}

#[tokio::test]
async fn cookie_writes_from_a_foreign_origin_are_refused() {
    let s = spawn_with(&NO_COOLDOWN, 1).await;
    let admin = s.admin_client(false).await;
    s.approved_user(&admin, "081234500008").await;
    let otp = s.otp("081234500008").await;
    let c = new_client();
    let (st, login) = s
        .post(
            &c,
            "/api/auth/verify-otp",
            json!({"phone_number": "081234500008", "otp": otp}),
        )
        .await;
    assert_eq!(st, 200);
    let (st, b) = body(
        c.post(s.url("/api/auth/reset-login"))
            .header("origin", "https://evil.example")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((st.as_u16(), code(&b)), (403, "origin_invalid"));
    let (st, _) = body(
        c.post(s.url("/api/auth/reset-login"))
            .header("origin", s.base.clone())
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(st, 200);
    // Bearer tokens are not ambient credentials: no origin check.
    let (st, _) = body(
        new_client()
            .post(s.url("/api/auth/reset-login"))
            .bearer_auth(login["access_token"].as_str().unwrap())
            .header("origin", "https://evil.example")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(st, 200);
}
