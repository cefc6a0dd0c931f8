//! Bad input and attacks on the login flow: each answers a clear error and changes nothing.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::net::Ipv4Addr;

use chrono::Duration;
use common::{body, code, new_client, spawn_with, spawn_with_router};
use reqwest::StatusCode;
use serde_json::{Value, json};

const NO_COOLDOWN: [(&str, &str); 1] = [("OTP_REQUEST_COOLDOWN_SECONDS", "0")];

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
    assert_eq!(list["total"], 1, "only the admin exists: {list}");
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

/// A client whose requests come from `ip` (through the trusted local proxy).
fn client_at(ip: &str) -> reqwest::Client {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(
        "x-forwarded-for",
        reqwest::header::HeaderValue::from_str(ip).unwrap(),
    );
    reqwest::Client::builder()
        .cookie_store(true)
        .default_headers(headers)
        .build()
        .unwrap()
}

async fn bearer_get(s: &common::Spawned, token: &str, path: &str) -> (StatusCode, Value) {
    body(
        reqwest::Client::new()
            .get(s.url(path))
            .bearer_auth(token)
            .send()
            .await
            .unwrap(),
    )
    .await
}

async fn otp_login(s: &common::Spawned, client: &reqwest::Client, phone: &str) -> Value {
    let otp = s.otp(phone).await;
    let (st, b) = s
        .post(
            client,
            "/api/auth/verify-otp",
            json!({"phone_number": phone, "otp": otp}),
        )
        .await;
    assert_eq!(st, 200, "{b}");
    b
}

#[tokio::test]
async fn an_otp_gives_an_administrator_only_a_user_session() {
    let s = spawn_with(&NO_COOLDOWN, 1).await;
    let _super = s.admin_client(true).await;
    let admin_phone = saring_domain::Phone::parse(common::SUPER_PHONE).unwrap();
    s.app.messenger.clear();
    // Before: request-otp + verify-otp answered SUPER_ADMIN tokens, no password asked.
    let c = new_client();
    let login = otp_login(&s, &c, common::SUPER_PHONE).await;
    assert_eq!(login["user"]["role"], "USER", "{login}");
    let token = login["access_token"].as_str().unwrap();
    for path in ["/api/admin/users", "/api/admin/routers", "/api/admin/jobs"] {
        let (st, b) = bearer_get(&s, token, path).await;
        assert_eq!(
            (st.as_u16(), code(&b)),
            (403, "admin_required"),
            "{path}: {b}"
        );
        let (st, _) = s.get(&c, path).await;
        assert_eq!(st, 403, "{path} with the cookie session");
    }
    // Refreshing keeps the cap; so does handing the session to another browser.
    let (st, refreshed) = s
        .post(
            &new_client(),
            "/api/auth/refresh",
            json!({"refresh_token": login["refresh_token"]}),
        )
        .await;
    assert_eq!(st, 200);
    let (st, b) = bearer_get(
        &s,
        refreshed["access_token"].as_str().unwrap(),
        "/api/admin/users",
    )
    .await;
    assert_eq!(st, 403, "{b}");
    let other = new_client();
    let (st, handed) = s
        .post(
            &other,
            "/api/auth/session/consume",
            json!({"token": login["session_token"]}),
        )
        .await;
    assert_eq!(st, 200);
    assert_eq!(handed["user"]["role"], "USER");
    assert_eq!(s.get(&other, "/api/admin/users").await.0, 403);
    // No admin-login alert was sent: this was not an admin login.
    assert!(
        s.app
            .messenger
            .sent_to(&admin_phone)
            .iter()
            .all(|m| !m.text.contains("Login admin")),
        "an OTP login is not an admin login"
    );
    // The password login is the way in as an administrator.
    let (st, b) = s
        .post(
            &new_client(),
            "/api/auth/admin/login",
            json!({"username": common::SUPER_PHONE, "password": common::ADMIN_PASSWORD}),
        )
        .await;
    assert_eq!(
        (st, b["user"]["role"].as_str()),
        (StatusCode::OK, Some("SUPER_ADMIN"))
    );
}

#[tokio::test]
async fn logout_ends_the_session_however_the_client_holds_it() {
    let s = spawn_with(&NO_COOLDOWN, 1).await;
    let admin = s.admin_client(false).await;
    s.approved_user(&admin, "081234500009").await;

    // A Bearer client (an app, an integrator) logs out with its access token alone.
    let first = otp_login(&s, &new_client(), "081234500009").await;
    let (st, rotated) = s
        .post(
            &new_client(),
            "/api/auth/refresh",
            json!({"refresh_token": first["refresh_token"]}),
        )
        .await;
    assert_eq!(st, 200);
    let access = rotated["access_token"].as_str().unwrap().to_owned();
    let other_session = otp_login(&s, &new_client(), "081234500009").await;
    assert_eq!(bearer_get(&s, &access, "/api/auth/me").await.0, 200);
    let (st, b) = body(
        reqwest::Client::new()
            .post(s.url("/api/auth/logout"))
            .bearer_auth(&access)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(st, 200, "{b}");
    // Before: the access token worked for up to 30 more minutes and the refresh token in the
    // body still refreshed.
    let (st, b) = bearer_get(&s, &access, "/api/auth/me").await;
    assert_eq!((st.as_u16(), code(&b)), (401, "token_expired"), "{b}");
    // The account's other sessions lose their access token too, and refresh it.
    let other_access = other_session["access_token"].as_str().unwrap();
    assert_eq!(bearer_get(&s, other_access, "/api/auth/me").await.0, 401);
    let (st, renewed) = s
        .post(
            &new_client(),
            "/api/auth/refresh",
            json!({"refresh_token": other_session["refresh_token"]}),
        )
        .await;
    assert_eq!(st, 200, "{renewed}");
    let renewed_access = renewed["access_token"].as_str().unwrap();
    assert_eq!(bearer_get(&s, renewed_access, "/api/auth/me").await.0, 200);
    s.app.clock.advance(Duration::seconds(10));
    let (st, _) = s
        .post(
            &new_client(),
            "/api/auth/refresh",
            json!({"refresh_token": rotated["refresh_token"]}),
        )
        .await;
    assert_eq!(st, 401, "the logged-out session's refresh token is dead");

    // A cookie session that also received its refresh token in the body: logging out with
    // the cookie ends the body's token as well, even one rotated away moments before.
    let c = new_client();
    let login = otp_login(&s, &c, "081234500009").await;
    let (st, _) = s.post(&c, "/api/auth/refresh", json!({})).await;
    assert_eq!(st, 200, "the cookie rotated");
    let (st, _) = s.post(&c, "/api/auth/logout", json!({})).await;
    assert_eq!(st, 200);
    let (st, b) = s
        .post(
            &new_client(),
            "/api/auth/refresh",
            json!({"refresh_token": login["refresh_token"]}),
        )
        .await;
    assert_eq!(st, 401, "{b}");
}

#[tokio::test]
async fn deactivated_and_blocked_accounts_lose_their_sessions_at_once() {
    let s = spawn_with(&NO_COOLDOWN, 1).await;
    let admin = s.admin_client(false).await;
    let id = s.approved_user(&admin, "081234500010").await;
    let set = |patch: Value| {
        let admin = admin.clone();
        let url = s.url(&format!("/api/admin/users/{id}"));
        async move { body(admin.put(url).json(&patch).send().await.unwrap()).await }
    };
    for (off, on) in [
        (json!({"is_active": false}), json!({"is_active": true})),
        (
            json!({"is_blocked": true, "blocked_reason": "Melanggar aturan"}),
            json!({"is_blocked": false}),
        ),
    ] {
        let login = otp_login(&s, &new_client(), "081234500010").await;
        let access = login["access_token"].as_str().unwrap();
        assert_eq!(bearer_get(&s, access, "/api/auth/me").await.0, 200);
        assert_eq!(set(off.clone()).await.0, 200);
        // Before: the access token kept working until it expired, and refresh kept minting.
        let (st, b) = bearer_get(&s, access, "/api/auth/me").await;
        assert_eq!(
            (st.as_u16(), code(&b)),
            (401, "token_expired"),
            "{off}: {b}"
        );
        let (st, b) = s
            .post(
                &new_client(),
                "/api/auth/refresh",
                json!({"refresh_token": login["refresh_token"]}),
            )
            .await;
        assert_eq!(st, 403, "{off}: {b}");
        assert_eq!(set(on).await.0, 200);
        let (st, _) = s
            .post(
                &new_client(),
                "/api/auth/refresh",
                json!({"refresh_token": login["refresh_token"]}),
            )
            .await;
        assert_eq!(st, 401, "a refused refresh token stays revoked");
    }
    // An administrator's reset-login ends every session of the account.
    let login = otp_login(&s, &new_client(), "081234500010").await;
    let (st, _) = s
        .post(
            &admin,
            &format!("/api/admin/users/{id}/reset-login"),
            json!({}),
        )
        .await;
    assert_eq!(st, 200);
    let (st, _) = bearer_get(&s, login["access_token"].as_str().unwrap(), "/api/auth/me").await;
    assert_eq!(st, 401);
}

#[tokio::test]
async fn a_cross_origin_write_with_an_expired_cookie_rotates_nothing() {
    let s = spawn_with(&NO_COOLDOWN, 1).await;
    let admin = s.admin_client(false).await;
    s.approved_user(&admin, "081234500011").await;
    let victim = new_client();
    otp_login(&s, &victim, "081234500011").await;
    s.app.clock.advance(Duration::minutes(31));
    // A page elsewhere makes the victim's browser post with its (expired) cookies.
    let (st, b) = body(
        victim
            .put(s.url("/api/auth/me/profile"))
            .header("origin", "https://evil.example")
            .json(&json!({"full_name": "Diganti Penyerang"}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((st.as_u16(), code(&b)), (403, "origin_invalid"), "{b}");
    // Before: that request rotated the refresh token and the browser dropped the new cookie,
    // so the victim's next request looked like token theft and ended all their sessions.
    s.app.clock.advance(Duration::seconds(30));
    let (st, me) = s.get(&victim, "/api/auth/me").await;
    assert_eq!(st, 200, "{me}");
    assert_ne!(me["full_name"], "Diganti Penyerang");
}

#[tokio::test]
async fn forwarded_for_is_read_from_the_right() {
    let s = spawn_with(&NO_COOLDOWN, 1).await;
    // status-token/verify allows 30 requests a minute per address. The client writes a new
    // "address" of its own each time; the proxy appended the real one after it.
    let mut last = (StatusCode::OK, Value::Null);
    for i in 0..31 {
        last = body(
            new_client()
                .post(s.url("/api/auth/status-token/verify"))
                .header(
                    "x-forwarded-for",
                    format!("10.66.{}.{}, 198.51.100.7", i / 200, i % 200 + 1),
                )
                .json(&json!({"status": "blocked", "token": "x"}))
                .send()
                .await
                .unwrap(),
        )
        .await;
    }
    assert_eq!(
        (last.0.as_u16(), code(&last.1)),
        (429, "rate_limited"),
        "a client cannot choose its own address: {}",
        last.1
    );
}

#[tokio::test]
async fn phone_numbers_cannot_be_enumerated_and_sends_have_a_budget() {
    let s = spawn_with(
        &[
            ("OTP_REQUEST_COOLDOWN_SECONDS", "0"),
            ("OTP_GLOBAL_SENDS_PER_MINUTE", "3"),
        ],
        1,
    )
    .await;
    // One address tries numbers: after OTP_REQUEST_PER_IP_PER_MINUTE (20) it learns nothing.
    // Before: 40 numbers in 0.1 s, each answered "not registered" or "pending".
    let prober = client_at("203.0.113.9");
    let mut answers = Vec::new();
    for i in 0..25 {
        let (st, b) = s
            .post(
                &prober,
                "/api/auth/request-otp",
                json!({"phone_number": format!("08129{:07}", i)}),
            )
            .await;
        answers.push((st.as_u16(), code(&b).to_owned()));
    }
    assert!(answers[..20].iter().all(|a| a.0 == 404), "{answers:?}");
    assert!(
        answers[20..]
            .iter()
            .all(|a| *a == (429, "rate_limited".into())),
        "{answers:?}"
    );
    // The install-wide budget: the fourth send in a minute is refused, whoever asks.
    let admin = s.admin_client(false).await;
    for n in 0..4 {
        s.approved_user(&admin, &format!("08127700000{n}")).await;
    }
    s.app.messenger.clear();
    for n in 0..4 {
        let (st, b) = s
            .post(
                &client_at(&format!("203.0.113.{}", 20 + n)),
                "/api/auth/request-otp",
                json!({"phone_number": format!("08127700000{n}")}),
            )
            .await;
        assert_eq!(st, if n < 3 { 200 } else { 429 }, "send {n}: {b}");
    }
    assert_eq!(
        s.app.messenger.sent().len(),
        3,
        "nothing beyond the budget was sent"
    );
}

#[tokio::test]
async fn nobody_can_lock_someone_elses_login() {
    let s = spawn_with(
        &[
            ("OTP_REQUEST_COOLDOWN_SECONDS", "0"),
            ("OTP_CODE_MAX_FAILURES", "8"),
        ],
        1,
    )
    .await;
    let admin = s.admin_client(false).await;
    s.approved_user(&admin, "081234500012").await;
    let real = s.otp("081234500012").await;
    let wrong = if real == "000000" { "111111" } else { "000000" };
    // An attacker sends wrong codes from one address: that address is stopped, nobody else.
    let attacker = client_at("203.0.113.50");
    for _ in 0..5 {
        let (st, _) = s
            .post(
                &attacker,
                "/api/auth/verify-otp",
                json!({"phone_number": "081234500012", "otp": wrong}),
            )
            .await;
        assert_eq!(st, 401);
    }
    let (st, b) = s
        .post(
            &attacker,
            "/api/auth/verify-otp",
            json!({"phone_number": "081234500012", "otp": wrong}),
        )
        .await;
    assert_eq!((st.as_u16(), code(&b)), (429, "otp_too_many_attempts"));
    // Before: the number was locked for 5 minutes for everyone, the owner included.
    let owner = client_at("172.16.9.9");
    let (st, b) = s
        .post(
            &owner,
            "/api/auth/verify-otp",
            json!({"phone_number": "081234500012", "otp": real}),
        )
        .await;
    assert_eq!(st, 200, "{b}");
    // Many wrong codes from many places make the current code void; a new one works.
    let real = s.otp("081234500012").await;
    let wrong = if real == "000000" { "111111" } else { "000000" };
    for n in 0..8 {
        let (st, _) = s
            .post(
                &client_at(&format!("203.0.113.{}", 60 + n)),
                "/api/auth/verify-otp",
                json!({"phone_number": "081234500012", "otp": wrong}),
            )
            .await;
        assert_eq!(st, 401);
    }
    let (st, b) = s
        .post(
            &owner,
            "/api/auth/verify-otp",
            json!({"phone_number": "081234500012", "otp": real}),
        )
        .await;
    assert_eq!((st.as_u16(), code(&b)), (401, "otp_expired"), "{b}");
    let fresh = s.otp("081234500012").await;
    let (st, _) = s
        .post(
            &owner,
            "/api/auth/verify-otp",
            json!({"phone_number": "081234500012", "otp": fresh}),
        )
        .await;
    assert_eq!(st, 200);

    // The admin password: wrong guesses stop the guesser's address; the admin still gets in,
    // and successful logins count for nothing (before: 20 logins an hour, even good ones,
    // locked the number for about an hour).
    let guesser = client_at("203.0.113.80");
    for _ in 0..5 {
        let (st, _) = s
            .post(
                &guesser,
                "/api/auth/admin/login",
                json!({"username": common::ADMIN_PHONE, "password": "tebakan-salah"}),
            )
            .await;
        assert_eq!(st, 401);
    }
    let (st, b) = s
        .post(
            &guesser,
            "/api/auth/admin/login",
            json!({"username": common::ADMIN_PHONE, "password": common::ADMIN_PASSWORD}),
        )
        .await;
    assert_eq!((st.as_u16(), code(&b)), (429, "rate_limited"), "{b}");
    for n in 0..25 {
        let (st, b) = s
            .post(
                &client_at(&format!("198.51.100.{}", n + 1)),
                "/api/auth/admin/login",
                json!({"username": common::ADMIN_PHONE, "password": common::ADMIN_PASSWORD}),
            )
            .await;
        assert_eq!(st, 200, "login {n}: {b}");
    }
}

#[tokio::test]
async fn change_password_guesses_are_limited() {
    let s = spawn_with(&NO_COOLDOWN, 1).await;
    let admin = s.admin_client(false).await;
    for _ in 0..5 {
        let (st, _) = s
            .post(
                &admin,
                "/api/auth/me/change-password",
                json!({"current_password": "bukan-ini-123", "new_password": "password-baru-123"}),
            )
            .await;
        assert_eq!(st, 401);
    }
    // Before: unlimited guesses at the current password from a stolen session.
    let (st, b) = s
        .post(&admin, "/api/auth/me/change-password", json!({"current_password": common::ADMIN_PASSWORD, "new_password": "password-baru-123"}))
        .await;
    assert_eq!((st.as_u16(), code(&b)), (429, "rate_limited"), "{b}");
}
