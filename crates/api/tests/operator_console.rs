//! The operator console end to end: quota operations, manual debts with their settlements,
//! the account lifecycle and the live router state — the API, the router state read back from
//! the simulator, the ledger and the messages in the outbox. Bad input and races change
//! nothing.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{Spawned, body, code, new_client, spawn_with};
use reqwest::{Client, Method};
use saring_domain::{Phone, UserId};
use saring_store::repo::{activity, users};
use serde_json::{Value, json};

const ENV: [(&str, &str); 1] = [("OTP_REQUEST_COOLDOWN_SECONDS", "0")];

async fn user(s: &Spawned, phone: &str) -> saring_domain::user::User {
    users::find_by_phone(s.app.db(), &Phone::parse(phone).unwrap())
        .await
        .unwrap()
        .unwrap()
}

async fn ledger_sources(s: &Spawned, id: UserId) -> Vec<String> {
    let (rows, _) = activity::ledger_for_user(s.app.db(), id, None, None, 0, 1000)
        .await
        .unwrap();
    rows.into_iter().map(|r| r.source).collect()
}

fn limit_on_router(s: &Spawned, phone: &str) -> Option<u64> {
    let name = Phone::parse(phone).unwrap().local();
    s.app
        .sim()
        .users()
        .into_iter()
        .find(|u| u.name == name)
        .and_then(|u| u.limit_bytes_total)
}

#[tokio::test]
async fn inject_unlimited_and_adjust() {
    let s = spawn_with(&ENV, 2).await;
    let admin = s.admin_client(false).await;
    let phone = "081277700001";
    let id = s.approved_user(&admin, phone).await;
    let uid = UserId::parse(&id).unwrap();
    let inject = format!("/api/admin/users/{id}/inject");

    // Bad input: each refused naming its field, nothing written.
    let before_ledger = ledger_sources(&s, uid).await.len();
    common::assert_each_invalid(
        &s,
        &admin,
        Method::POST,
        &inject,
        &[
            (json!({"add_mb": -1}), "add_mb"),
            (json!({"add_days": -3}), "add_mb"),
            (json!({}), "add_mb"),
            (json!({"add_mb": 0, "add_days": 0}), "add_mb"),
            (json!({"add_gb": 2000}), "add_mb"),
            (json!({"add_days": 5000}), "add_days"),
        ],
    )
    .await;
    let (st, b) = s
        .send(
            &admin,
            Method::POST,
            &inject,
            Some(json!({"add_mb": "banyak"})),
        )
        .await;
    assert_eq!((st.as_u16(), code(&b)), (422, "validation_failed"), "{b}");
    assert_eq!(ledger_sources(&s, uid).await.len(), before_ledger);

    // 1 GB and 7 days: ledger row, router limit, message.
    let (st, q) = s
        .send(
            &admin,
            Method::POST,
            &inject,
            Some(json!({"add_gb": 1, "add_days": 7, "reason": "kompensasi"})),
        )
        .await;
    assert_eq!(st, 200, "{q}");
    assert_eq!(q["total_quota_purchased_mb"], 1024.0, "{q}");
    assert_eq!(q["router_synced"], true);
    assert!(
        ledger_sources(&s, uid)
            .await
            .contains(&"admin.inject".to_owned())
    );
    assert_eq!(limit_on_router(&s, phone), Some(1024 * 1_048_576));
    assert!(
        common::queued_templates(&s)
            .await
            .contains(&"user_quota_injected".to_owned())
    );

    // Unlimited with an end in the past is refused; with days it is granted, then revoked.
    let unlimited = format!("/api/admin/users/{id}/unlimited");
    let past = (chrono::Utc::now() - chrono::Duration::days(1)).to_rfc3339();
    let (st, b) = s
        .send(
            &admin,
            Method::POST,
            &unlimited,
            Some(json!({"until": past})),
        )
        .await;
    assert_eq!(
        (st.as_u16(), b["details"][0]["loc"][0].as_str()),
        (422, Some("until")),
        "{b}"
    );
    let (st, q) = s
        .send(&admin, Method::POST, &unlimited, Some(json!({"days": 10})))
        .await;
    assert_eq!(st, 200, "{q}");
    assert_eq!(q["is_unlimited_user"], true);
    let (st, b) = s
        .send(&admin, Method::POST, &inject, Some(json!({"add_mb": 10})))
        .await;
    assert_eq!(
        (st.as_u16(), code(&b)),
        (422, "validation_failed"),
        "unlimited takes days only: {b}"
    );
    let (st, q) = s.send(&admin, Method::DELETE, &unlimited, None).await;
    assert_eq!(st, 200, "{q}");
    assert_eq!(q["is_unlimited_user"], false);
    let (st, b) = s.send(&admin, Method::DELETE, &unlimited, None).await;
    assert_eq!((st.as_u16(), code(&b)), (409, "conflict"), "{b}");

    // Direct adjust: super admins only, a reason required.
    let adjust = format!("/api/admin/users/{id}/quota-adjust");
    let (st, b) = s
        .send(
            &admin,
            Method::POST,
            &adjust,
            Some(json!({"set_purchased_mb": 5, "reason": "koreksi"})),
        )
        .await;
    assert_eq!(
        (st.as_u16(), code(&b)),
        (403, "super_admin_required"),
        "{b}"
    );
    let sa = super_admin(&s).await;
    let (st, b) = s
        .send(
            &sa,
            Method::POST,
            &adjust,
            Some(json!({"set_purchased_mb": 5, "reason": " "})),
        )
        .await;
    assert_eq!(
        (st.as_u16(), b["details"][0]["loc"][0].as_str()),
        (422, Some("reason")),
        "{b}"
    );
    let (st, q) = s
        .send(
            &sa,
            Method::POST,
            &adjust,
            Some(
                json!({"set_purchased_mb": 2048, "set_used_mb": 100, "reason": "koreksi meteran"}),
            ),
        )
        .await;
    assert_eq!(st, 200, "{q}");
    assert_eq!(
        (
            q["total_quota_purchased_mb"].as_f64(),
            q["total_quota_used_mb"].as_f64()
        ),
        (Some(2048.0), Some(100.0))
    );
    assert!(
        ledger_sources(&s, uid)
            .await
            .contains(&"quota.adjust_direct".to_owned())
    );

    // The admin's history view: plain words, filters.
    let (st, h) = s
        .get(
            &admin,
            &format!("/api/admin/users/{id}/quota-history?kind=admin"),
        )
        .await;
    assert_eq!(st, 200, "{h}");
    assert!(
        h["items"].as_array().unwrap().iter().all(|i| {
            let src = i["source"].as_str().unwrap();
            src.starts_with("admin.") || src.starts_with("quota.")
        }),
        "{h}"
    );
    assert!(h["total"].as_u64().unwrap() >= 4, "{h}");
    let (st, b) = s
        .get(
            &admin,
            &format!("/api/admin/users/{id}/quota-history?kind=nope"),
        )
        .await;
    assert_eq!((st.as_u16(), code(&b)), (422, "validation_failed"));
    let (st, b) = s
        .get(
            &admin,
            &format!("/api/admin/users/{id}/quota-history?from=2026-12-10&to=2026-12-01"),
        )
        .await;
    assert_eq!((st.as_u16(), code(&b)), (422, "validation_failed"), "{b}");
}

/// The super admin (besides the plain admin the tests make first).
async fn super_admin(s: &Spawned) -> Client {
    s.admin_client(true).await
}

#[tokio::test]
async fn manual_debts_are_added_settled_once_and_lift_the_block() {
    let s = spawn_with(&ENV, 2).await;
    let admin = s.admin_client(false).await;
    let phone = "081277700002";
    let id = s.approved_user(&admin, phone).await;
    let uid = UserId::parse(&id).unwrap();
    let debts = format!("/api/admin/users/{id}/debts");

    common::assert_each_invalid(
        &s,
        &admin,
        Method::POST,
        &debts,
        &[
            (json!({}), "amount_mb"),
            (json!({"amount_mb": 0}), "amount_mb"),
            (json!({"amount_mb": -10}), "amount_mb"),
            (json!({"amount_mb": 10, "package_id": "x"}), "amount_mb"),
            (json!({"package_id": "not-a-package"}), "package_id"),
            (
                json!({"amount_mb": 10, "debt_date": "2026-12-10", "due_date": "2026-12-01"}),
                "due_date",
            ),
            (json!({"amount_mb": 10, "price_rp": -5}), "price_rp"),
        ],
    )
    .await;
    let (_, list) = s.get(&admin, &debts).await;
    assert_eq!(list["summary"]["total_items"], 0, "{list}");

    // Two debts: 500 MB with a price, and a package advance (its quota granted now).
    let (st, d1) = s
        .send(
            &admin,
            Method::POST,
            &debts,
            Some(json!({"amount_mb": 500, "price_rp": 5000, "note": "pinjam"})),
        )
        .await;
    assert_eq!(st, 201, "{d1}");
    assert_eq!(
        d1["due_date"].as_str().map(|d| d.ends_with("-31")
            || d.ends_with("-30")
            || d.ends_with("-28")
            || d.ends_with("-29")),
        Some(true),
        "{d1}"
    );
    let sa = super_admin(&s).await;
    let package = s.admin_package(&sa, "Paket 2 GB", 20_000, 2.0, 30).await;
    let (st, d2) = s
        .send(
            &admin,
            Method::POST,
            &debts,
            Some(json!({"package_id": package})),
        )
        .await;
    assert_eq!(st, 201, "{d2}");
    assert_eq!(
        (d2["amount_mb"].as_i64(), d2["price_rp"].as_i64()),
        (Some(2048), Some(20_000))
    );
    assert_eq!(
        user(&s, phone).await.total_quota_purchased_mb,
        2048,
        "the advance was granted"
    );
    assert!(
        common::queued_templates(&s)
            .await
            .contains(&"user_debt_added".to_owned())
    );
    let (_, list) = s.get(&admin, &debts).await;
    assert_eq!(list["summary"]["manual_debt_mb"], 2548, "{list}");

    // An end-of-month style debt block, then settling: one item, then the rest.
    users::update(
        s.app.db(),
        uid,
        users::UserPatch {
            is_blocked: Some(true),
            blocked_reason: Some(Some("quota_manual_debt_end_of_month|debt_mb=2548".into())),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    saring_app::accounts::forget_user(&s.app, uid);
    let d1_id = d1["id"].as_str().unwrap();
    let settle = format!("{debts}/{d1_id}/settle");
    // Ten operators settle the same item at once: one receipt.
    let admins: Vec<Client> = vec![admin.clone(); 10];
    let results = futures::future::join_all(admins.iter().map(|a| {
        let (s, settle) = (&s, settle.clone());
        async move {
            s.send(a, Method::POST, &settle, Some(json!({"amount_rp": 5000})))
                .await
        }
    }))
    .await;
    let ok: Vec<&Value> = results
        .iter()
        .filter(|(st, _)| *st == 200)
        .map(|(_, b)| b)
        .collect();
    assert_eq!(ok.len(), 1, "{results:?}");
    assert!(
        results
            .iter()
            .all(|(st, b)| *st == 200 || code(b) == "debt_already_paid"),
        "{results:?}"
    );
    assert_eq!(ok[0]["paid_manual_mb"], 500);
    assert_eq!(ok[0]["unblocked"], false, "2 GB still owed");
    assert!(user(&s, phone).await.is_blocked);
    // The receipt opens from its signed link, and not with a changed one.
    let url = ok[0]["receipt_url"].as_str().unwrap();
    let path = &url[url.find("/api/").unwrap()..];
    let res = new_client().get(s.url(path)).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "application/pdf");
    let pdf = res.bytes().await.unwrap();
    assert!(pdf.starts_with(b"%PDF"));
    let (st, _) = body(
        new_client()
            .get(s.url(&path.replace(".pdf", "x.pdf")))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(st, 404);

    let (st, all) = s
        .send(
            &admin,
            Method::POST,
            &format!("{debts}/settle-all"),
            Some(json!({"note": "lunas tunai"})),
        )
        .await;
    assert_eq!(st, 200, "{all}");
    assert_eq!(
        (all["paid_manual_mb"].as_i64(), all["unblocked"].as_bool()),
        (Some(2048), Some(true))
    );
    let u = user(&s, phone).await;
    assert!(!u.is_blocked && u.manual_debt_mb == 0);
    assert!(
        common::queued_templates(&s)
            .await
            .contains(&"user_debt_cleared_unblock".to_owned())
    );
    // Nothing left: both refused, nothing changes.
    let (st, b) = s.send(&admin, Method::POST, &settle, Some(json!({}))).await;
    assert_eq!((st.as_u16(), code(&b)), (400, "debt_already_paid"), "{b}");
    let (st, b) = s
        .send(
            &admin,
            Method::POST,
            &format!("{debts}/settle-all"),
            Some(json!({})),
        )
        .await;
    assert_eq!((st.as_u16(), code(&b)), (400, "no_debt"), "{b}");
    let settles = ledger_sources(&s, uid)
        .await
        .iter()
        .filter(|s| *s == "admin.debt_settle")
        .count();
    assert_eq!(settles, 2);

    // The install-wide list and the report.
    let (st, list) = s.get(&admin, "/api/admin/debts?status=paid").await;
    assert_eq!(st, 200, "{list}");
    assert_eq!(list["total"], 2, "{list}");
    let (st, list) = s.get(&admin, "/api/admin/debts?status=open").await;
    assert_eq!((st.as_u16(), list["total"].as_u64()), (200, Some(0)));
    let (st, b) = s
        .send(
            &admin,
            Method::POST,
            &format!("{debts}/send-whatsapp"),
            None,
        )
        .await;
    assert_eq!((st.as_u16(), code(&b)), (400, "no_debt"), "{b}");
    let res = admin
        .get(s.url(&format!("{debts}/export")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    // Komandan accounts have no debts.
    let k = s.register("081277700009", "Komandan", true).await;
    s.send(
        &admin,
        Method::PATCH,
        &format!("/api/admin/users/{k}/approve"),
        None,
    )
    .await;
    let (st, b) = s
        .send(
            &admin,
            Method::POST,
            &format!("/api/admin/users/{k}/debts"),
            Some(json!({"amount_mb": 10})),
        )
        .await;
    assert_eq!((st.as_u16(), code(&b)), (409, "conflict"), "{b}");
}

#[tokio::test]
async fn lifecycle_phone_password_delete_and_router_state() {
    let s = spawn_with(&ENV, 3).await;
    let admin = s.admin_client(false).await;
    let phone = "081277700003";
    let id = s.approved_user(&admin, phone).await;
    let (client, _) = s.login_from_device(phone, 0).await;
    s.approved_user(&admin, "081277700004").await;

    // The live router state: in line after the login; a removed binding shows, and the fix
    // puts it back.
    let state_path = format!("/api/admin/users/{id}/router-state");
    let (st, state) = s.get(&admin, &state_path).await;
    assert_eq!(st, 200, "{state}");
    assert_eq!(state["in_line"], true, "{state}");
    assert_eq!(
        state["routers"][0]["bindings"].as_array().unwrap().len(),
        1,
        "{state}"
    );
    let binding = state["routers"][0]["bindings"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    s.app
        .sim()
        .exec(
            "/ip/hotspot/ip-binding/remove",
            &[(".id", binding.as_str())],
        )
        .unwrap();
    let (_, state) = s.get(&admin, &state_path).await;
    assert_eq!(state["in_line"], false, "{state}");
    assert!(
        !state["routers"][0]["differences"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    let (st, fixed) = s
        .send(&admin, Method::POST, &format!("{state_path}/fix"), None)
        .await;
    assert_eq!(st, 200, "{fixed}");
    assert_eq!(fixed["after"]["in_line"], true, "{fixed}");

    // A new phone number: a taken one is refused; the hotspot user follows a free one.
    let put = format!("/api/admin/users/{id}");
    let (st, b) = s
        .send(
            &admin,
            Method::PUT,
            &put,
            Some(json!({"phone_number": "081277700004"})),
        )
        .await;
    assert_eq!(
        (st.as_u16(), code(&b)),
        (409, "phone_already_registered"),
        "{b}"
    );
    let (st, b) = s
        .send(
            &admin,
            Method::PUT,
            &put,
            Some(json!({"phone_number": "nomor"})),
        )
        .await;
    assert_eq!(st, 422, "{b}");
    let (st, b) = s
        .send(
            &admin,
            Method::PUT,
            &put,
            Some(json!({"phone_number": "081277700099"})),
        )
        .await;
    assert_eq!(st, 200, "{b}");
    let names: Vec<String> = s.app.sim().users().into_iter().map(|u| u.name).collect();
    assert!(
        names.contains(&"081277700099".to_owned()) && !names.contains(&phone.to_owned()),
        "{names:?}"
    );
    assert!(
        common::queued_templates(&s)
            .await
            .contains(&"user_phone_changed".to_owned())
    );

    // A new hotspot password, on the router and by WhatsApp.
    let old = s
        .app
        .sim()
        .users()
        .into_iter()
        .find(|u| u.name == "081277700099")
        .unwrap()
        .password;
    let (st, b) = s
        .send(
            &admin,
            Method::POST,
            &format!("/api/admin/users/{id}/reset-hotspot-password"),
            None,
        )
        .await;
    assert_eq!(st, 200, "{b}");
    assert_eq!(b["router_updated"], true);
    let new = s
        .app
        .sim()
        .users()
        .into_iter()
        .find(|u| u.name == "081277700099")
        .unwrap()
        .password;
    assert_ne!(old, new);

    // Deleting without ALLOW_USER_HARD_DELETE deactivates; the router forgets the user.
    let (st, b) = s.send(&admin, Method::DELETE, &put, None).await;
    assert_eq!(st, 200, "{b}");
    assert_eq!(b["outcome"], "deactivated", "{b}");
    assert!(s.app.sim().ip_bindings().is_empty());
    assert!(s.app.sim().users().iter().all(|u| u.name != "081277700099"));
    let (st, _) = s.get(&client, "/api/auth/me").await;
    assert_eq!(st, 401, "a deactivated account's session ends");
    // Filters and sorting of the list.
    let (st, list) = s
        .get(
            &admin,
            "/api/admin/users?status=inactive&sort=name&order=asc",
        )
        .await;
    assert_eq!(st, 200, "{list}");
    assert_eq!(list["total"], 1, "{list}");
    let (st, b) = s.get(&admin, "/api/admin/users?sort=shoe").await;
    assert_eq!(
        (st.as_u16(), b["details"][0]["loc"][0].as_str()),
        (422, Some("sort")),
        "{b}"
    );
}

#[tokio::test]
async fn hard_delete_when_allowed_but_never_with_payments() {
    let s = common::spawn_with_payments(&[("ALLOW_USER_HARD_DELETE", "true")], 1).await;
    let admin = s.admin_client(false).await;
    let a = s.approved_user(&admin, "081277700005").await;
    let (st, b) = s
        .send(
            &admin,
            Method::DELETE,
            &format!("/api/admin/users/{a}"),
            None,
        )
        .await;
    assert_eq!(
        (st.as_u16(), b["outcome"].as_str()),
        (200, Some("deleted")),
        "{b}"
    );
    assert!(
        users::find_by_phone(s.app.db(), &Phone::parse("081277700005").unwrap())
            .await
            .unwrap()
            .is_none()
    );
    // An account with a payment is only deactivated.
    let b_id = s.approved_user(&admin, "081277700006").await;
    let sa = super_admin(&s).await;
    let package = s.admin_package(&sa, "Paket 1 GB", 10_000, 1.0, 30).await;
    let (st, bill) = s
        .post(
            &admin,
            "/api/admin/transactions/bill",
            json!({"user_id": b_id, "package_id": package, "payment_method": "qris"}),
        )
        .await;
    assert!(st.is_success(), "{bill}");
    let (st, b) = s
        .send(
            &admin,
            Method::DELETE,
            &format!("/api/admin/users/{b_id}"),
            None,
        )
        .await;
    assert_eq!(
        (st.as_u16(), b["outcome"].as_str()),
        (200, Some("deactivated")),
        "{b}"
    );
    let kept = users::find_by_phone(s.app.db(), &Phone::parse("081277700006").unwrap())
        .await
        .unwrap()
        .unwrap();
    assert!(!kept.is_active);
    // Nobody deletes themselves.
    let me = user(&s, common::ADMIN_PHONE).await;
    let (st, _) = s
        .send(
            &admin,
            Method::DELETE,
            &format!("/api/admin/users/{}", me.id),
            None,
        )
        .await;
    assert_eq!(st, 403);
}
