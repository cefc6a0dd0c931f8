//! Komandan requests end to end: the limits, filing within the caps and pace, the admins'
//! processing — exactly once however many click at the same moment — the quota on the
//! router, and the messages in the outbox.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{Spawned, code, new_client, spawn_with};
use reqwest::{Client, Method};
use saring_app::accounts::{CreateAdmin, create_admin};
use saring_domain::Phone;
use saring_store::repo::{activity, users};
use secrecy::SecretString;
use serde_json::json;

const ENV: [(&str, &str); 2] = [
    ("OTP_REQUEST_COOLDOWN_SECONDS", "0"),
    ("KOMANDAN_INITIAL_QUOTA_MB", "100"),
];

/// A komandan, approved and signed in (cookie client), and their id.
async fn komandan(s: &Spawned, admin: &Client, phone: &str) -> (Client, String) {
    let id = s.register(phone, "Komandan Regu", true).await;
    let (st, b) = s
        .send(
            admin,
            Method::PATCH,
            &format!("/api/admin/users/{id}/approve"),
            None,
        )
        .await;
    assert_eq!(st, 200, "{b}");
    let otp = s.otp(phone).await;
    let c = new_client();
    let (st, b) = s
        .post(
            &c,
            "/api/auth/verify-otp",
            json!({"phone_number": phone, "otp": otp}),
        )
        .await;
    assert_eq!(st, 200, "{b}");
    assert_eq!(b["user"]["role"], "KOMANDAN");
    (c, id)
}

/// Another administrator, signed in.
async fn extra_admin(s: &Spawned, n: usize) -> Client {
    let phone = format!("08119{:07}", n);
    create_admin(
        &s.app,
        CreateAdmin {
            phone: Phone::parse(&phone).unwrap(),
            full_name: format!("Admin {n}"),
            password: SecretString::from(common::ADMIN_PASSWORD.to_owned()),
            super_admin: false,
        },
    )
    .await
    .unwrap();
    let c = new_client();
    let (st, b) = s
        .post(
            &c,
            "/api/auth/admin/login",
            json!({"username": phone, "password": common::ADMIN_PASSWORD}),
        )
        .await;
    assert_eq!(st, 200, "{b}");
    c
}

async fn purchased_mb(s: &Spawned, phone: &str) -> i64 {
    users::find_by_phone(s.app.db(), &Phone::parse(phone).unwrap())
        .await
        .unwrap()
        .unwrap()
        .total_quota_purchased_mb
}

#[tokio::test]
async fn a_request_is_filed_within_limits_and_approved_once() {
    let s = spawn_with(&ENV, 1).await;
    let admin = s.admin_client(false).await;
    let phone = "081266600001";
    let (k, _) = komandan(&s, &admin, phone).await;

    let (st, limits) = s.get(&k, "/api/komandan/requests/limits").await;
    assert_eq!(st, 200, "{limits}");
    assert_eq!(limits["max_quota_mb"], 51_200);
    assert!(limits["next_request_at"].is_null());

    // Bad requests change nothing.
    common::assert_each_invalid(
        &s,
        &k,
        Method::POST,
        "/api/komandan/requests",
        &[
        (
            json!({"request_type": "QUOTA", "requested_mb": 0, "requested_duration_days": 7}),
            "requested_mb",
        ),
        (
            json!({"request_type": "QUOTA", "requested_mb": -5, "requested_duration_days": 7}),
            "requested_mb",
        ),
        (
            json!({"request_type": "QUOTA", "requested_mb": 60_000, "requested_duration_days": 7}),
            "requested_mb",
        ),
        (
            json!({"request_type": "QUOTA", "requested_mb": 1024, "requested_duration_days": 31}),
            "requested_duration_days",
        ),
        (
            json!({"request_type": "UNLIMITED", "requested_duration_days": 0}),
            "requested_duration_days",
        ),
        ],
    )
    .await;
    let (_, hist) = s.get(&k, "/api/komandan/requests/history").await;
    assert_eq!(hist["total"], 0, "{hist}");

    let (st, req) = s
        .post(
            &k,
            "/api/komandan/requests",
            json!({"request_type": "QUOTA", "requested_mb": 2048, "requested_duration_days": 7}),
        )
        .await;
    assert_eq!(st, 201, "{req}");
    assert_eq!(req["status"], "PENDING");
    let id = req["id"].as_str().unwrap().to_owned();
    // A second one while the first waits, and within the window.
    let (st, b) = s
        .post(
            &k,
            "/api/komandan/requests",
            json!({"request_type": "QUOTA", "requested_mb": 10, "requested_duration_days": 1}),
        )
        .await;
    assert_eq!((st.as_u16(), code(&b)), (409, "conflict"), "{b}");
    let (_, limits) = s.get(&k, "/api/komandan/requests/limits").await;
    assert!(limits["blocked_reason"].is_string(), "{limits}");

    // Ten admins approve at the same moment: one wins, the quota grows once.
    let before = purchased_mb(&s, phone).await;
    let mut admins = vec![admin.clone()];
    for n in 0..9 {
        admins.push(extra_admin(&s, n).await);
    }
    let path = format!("/api/admin/quota-requests/{id}/process");
    let results = futures::future::join_all(admins.iter().map(|a| {
        let path = path.clone();
        let s = &s;
        async move { s.post(a, &path, json!({"action": "APPROVE"})).await }
    }))
    .await;
    let ok = results.iter().filter(|(st, _)| *st == 200).count();
    let conflicts = results
        .iter()
        .filter(|(st, b)| *st == 409 && code(b) == "conflict")
        .count();
    assert_eq!((ok, conflicts), (1, 9), "{results:?}");
    assert_eq!(
        purchased_mb(&s, phone).await,
        before + 2048,
        "granted exactly once"
    );
    // And again, sequentially: still 409.
    let (st, _) = s
        .post(
            &admin,
            &path,
            json!({"action": "REJECT", "rejection_reason": "terlambat"}),
        )
        .await;
    assert_eq!(st, 409);

    let (_, hist) = s.get(&k, "/api/komandan/requests/history").await;
    assert_eq!(hist["items"][0]["status"], "APPROVED", "{hist}");
    let uid = saring_domain::UserId::parse(req["requester_id"].as_str().unwrap()).unwrap();
    let (rows, _) = activity::ledger_for_user(s.app.db(), uid, None, None, 0, 100)
        .await
        .unwrap();
    assert_eq!(
        rows.iter()
            .filter(|r| r.source == "komandan.request_grant")
            .count(),
        1
    );
    assert!(
        common::queued_templates(&s)
            .await
            .contains(&"komandan_request_quota_approved".to_owned())
    );
    // The router carries the new limit.
    let hs = s
        .app
        .sim()
        .users()
        .into_iter()
        .find(|u| u.name == Phone::parse(phone).unwrap().local())
        .expect("hotspot user on the router");
    assert_eq!(
        hs.limit_bytes_total,
        Some(u64::try_from(before + 2048).unwrap() * 1_048_576)
    );
}

#[tokio::test]
async fn the_pace_and_the_other_decisions() {
    let s = spawn_with(
        &[
            ("OTP_REQUEST_COOLDOWN_SECONDS", "0"),
            ("KOMANDAN_ALLOW_UNLIMITED_REQUEST", "false"),
        ],
        1,
    )
    .await;
    let admin = s.admin_client(false).await;
    let (k, _) = komandan(&s, &admin, "081266600002").await;
    let (st, b) = s
        .post(
            &k,
            "/api/komandan/requests",
            json!({"request_type": "UNLIMITED", "requested_duration_days": 7}),
        )
        .await;
    assert_eq!((st.as_u16(), code(&b)), (403, "forbidden"), "{b}");

    let (_, r) = s
        .post(
            &k,
            "/api/komandan/requests",
            json!({"request_type": "QUOTA", "requested_mb": 5000, "requested_duration_days": 10}),
        )
        .await;
    let id = r["id"].as_str().unwrap().to_owned();
    let path = format!("/api/admin/quota-requests/{id}/process");
    // A rejection needs a reason; a partial grant needs what it grants.
    let (st, b) = s.post(&admin, &path, json!({"action": "REJECT"})).await;
    assert_eq!(
        (st.as_u16(), b["details"][0]["loc"][0].as_str()),
        (422, Some("rejection_reason")),
        "{b}"
    );
    let (st, b) = s
        .post(
            &admin,
            &path,
            json!({"action": "REJECT_AND_GRANT_QUOTA", "rejection_reason": "terlalu banyak"}),
        )
        .await;
    assert_eq!(
        (st.as_u16(), b["details"][0]["loc"][0].as_str()),
        (422, Some("granted_quota_mb")),
        "{b}"
    );
    let (st, b) = s
        .post(&admin, &path, json!({"action": "REJECT_AND_GRANT_QUOTA", "rejection_reason": "terlalu banyak", "granted_quota_mb": 1000, "granted_duration_days": 5}))
        .await;
    assert_eq!(st, 200, "{b}");
    assert_eq!(
        (b["status"].as_str(), b["granted_mb"].as_i64()),
        (Some("PARTIALLY_APPROVED"), Some(1000))
    );

    // The 24-hour window and the 6-hour cooldown.
    let (st, b) = s
        .post(
            &k,
            "/api/komandan/requests",
            json!({"request_type": "QUOTA", "requested_mb": 100, "requested_duration_days": 1}),
        )
        .await;
    assert_eq!((st.as_u16(), code(&b)), (429, "rate_limited"), "{b}");
    assert!(b["details"]["retry_at"].is_string(), "{b}");
    s.app.clock.advance(chrono::Duration::hours(25));
    let (st, b) = s
        .post(
            &k,
            "/api/komandan/requests",
            json!({"request_type": "QUOTA", "requested_mb": 100, "requested_duration_days": 1}),
        )
        .await;
    assert_eq!(st, 201, "{b}");

    // Roles: a user is no komandan; a komandan is no admin; admins see the list.
    s.approved_user(&admin, "081266600003").await;
    let (user, _) = s.login_from_device("081266600003", 0).await;
    let (st, _) = s.get(&user, "/api/komandan/requests/limits").await;
    assert_eq!(st, 403);
    let (st, _) = s.get(&k, "/api/admin/quota-requests").await;
    assert_eq!(st, 403);
    let (st, list) = s
        .get(&admin, "/api/admin/quota-requests?status=pending")
        .await;
    assert_eq!(st, 200, "{list}");
    assert_eq!(list["total"], 1, "{list}");
    let (st, b) = s.get(&admin, "/api/admin/quota-requests?status=SOON").await;
    assert_eq!((st.as_u16(), code(&b)), (422, "validation_failed"));
}
