//! The catalog and promo administration (validation, roles, lifecycle), and paying debts
//! online (whole debt, one item, underpayment, unblocking).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{body, new_client, spawn_with_payments};
use saring_domain::Phone;
use saring_store::repo::debts::{self, NewDebt};
use saring_store::repo::users::{self, UserPatch};
use serde_json::json;

#[tokio::test]
async fn package_crud_validates_and_keeps_history() {
    let s = spawn_with_payments(&[], 1).await;
    let sa = s.admin_client(true).await;
    let package = s.admin_package(&sa, "Harian", 5_000, 1.0, 1).await;
    let (_, profiles) = s.get(&sa, "/api/admin/profiles").await;
    let profile = profiles[0]["id"].as_str().unwrap().to_owned();
    let make = |name: &str,
                price: serde_json::Value,
                gb: serde_json::Value,
                days: serde_json::Value,
                profile: &str| {
        json!({"name": name, "price": price, "data_quota_gb": gb, "duration_days": days, "profile_id": profile})
    };
    for (bad, field) in [
        (make("X", json!(-1), json!(1), json!(1), &profile), "price"),
        (
            make("X", json!(100_000_001), json!(1), json!(1), &profile),
            "price",
        ),
        (
            make("X", json!(1e18), json!(1), json!(1), &profile),
            "price",
        ),
        (
            make("X", json!(10.5), json!(1), json!(1), &profile),
            "price",
        ),
        (
            make("X", json!(1000), json!(1.234), json!(1), &profile),
            "data_quota_gb",
        ),
        (
            make("X", json!(1000), json!(10_001), json!(1), &profile),
            "data_quota_gb",
        ),
        (
            make("X", json!(1000), json!(-2), json!(1), &profile),
            "data_quota_gb",
        ),
        (
            make("X", json!(1000), json!(1), json!(3651), &profile),
            "duration_days",
        ),
        (
            make(
                "X",
                json!(1000),
                json!(1),
                json!(1),
                "00000000-0000-0000-0000-000000000000",
            ),
            "profile_id",
        ),
        (make(" ", json!(1000), json!(1), json!(1), &profile), "name"),
    ] {
        let (status, b) = s.post(&sa, "/api/admin/packages", bad).await;
        assert_eq!(
            (status.as_u16(), b["code"].as_str()),
            (422, Some("validation_failed")),
            "{field}: {b}"
        );
        assert_eq!(b["details"][0]["loc"][0], field, "{b}");
    }
    let (status, b) = s
        .post(
            &sa,
            "/api/admin/packages",
            make("Harian", json!(1000), json!(1), json!(1), &profile),
        )
        .await;
    assert_eq!(
        (status.as_u16(), b["code"].as_str()),
        (409, Some("conflict"))
    );
    // Unlimited: 0 GB.
    let (status, u) = s
        .post(
            &sa,
            "/api/admin/packages",
            make("Unlimited", json!(150_000), json!(0), json!(30), &profile),
        )
        .await;
    assert_eq!(status, 201, "{u}");
    assert_eq!(u["is_unlimited"], true);

    // A plain admin manages packages but not profiles or promos; a user nothing.
    let admin = s.admin_client(false).await;
    let (status, _) = s
        .post(&admin, "/api/admin/profiles", json!({"profile_name": "x"}))
        .await;
    assert_eq!(status, 403);
    let (status, _) = s
        .post(&admin, "/api/admin/promos", json!({"name": "x"}))
        .await;
    assert_eq!(status, 403);
    s.approved_user(&admin, "081234567811").await;
    let (user, _) = s.login_from_device("081234567811", 0).await;
    let (status, _) = s.get(&user, "/api/admin/packages").await;
    assert_eq!(status, 403);

    // Delete: unused packages go, used ones are deactivated; a used profile stays.
    let (status, b) = s
        .post(
            &user,
            "/api/transactions/initiate",
            json!({"package_id": package}),
        )
        .await;
    assert_eq!(status, 200, "{b}");
    let (_, d) = body(
        admin
            .delete(s.url(&format!("/api/admin/packages/{package}")))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (d["deleted"].as_bool(), d["deactivated"].as_bool()),
        (Some(false), Some(true)),
        "{d}"
    );
    let (_, list) = s.get(&new_client(), "/api/packages").await;
    assert_eq!(list.as_array().unwrap().len(), 1, "{list}");
    let unlimited = u["id"].as_str().unwrap();
    let (_, d) = body(
        admin
            .delete(s.url(&format!("/api/admin/packages/{unlimited}")))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(d["deleted"], true);
    let (status, b) = body(
        sa.delete(s.url(&format!("/api/admin/profiles/{profile}")))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 409, "{b}");
    // Every mutation is in the action log.
    let (_, logs) = s
        .get(&sa, "/api/admin/action-logs?action_type=ADMIN_API_MUTATION")
        .await;
    assert!(logs["total"].as_u64().unwrap() >= 5, "{logs}");
}

#[tokio::test]
async fn promos_have_a_lifecycle_and_a_public_list() {
    let s = spawn_with_payments(&[], 0).await;
    let sa = s.admin_client(true).await;
    let (status, p) = s
        .post(&sa, "/api/admin/promos", json!({"name": "Promo Merdeka", "event_type": "GENERAL_ANNOUNCEMENT", "description": "Diskon"}))
        .await;
    assert_eq!(status, 201, "{p}");
    assert_eq!(p["status"], "DRAFT");
    let id = p["id"].as_str().unwrap();
    let (_, active) = s.get(&new_client(), "/api/public/promos/active").await;
    assert_eq!(active, json!([]));
    let put = |b: serde_json::Value| {
        let sa = sa.clone();
        let url = s.url(&format!("/api/admin/promos/{id}"));
        async move { body(sa.put(url).json(&b).send().await.unwrap()).await }
    };
    let (status, p) = put(json!({"status": "ACTIVE"})).await;
    assert_eq!(
        (status.as_u16(), p["status"].as_str()),
        (200, Some("ACTIVE")),
        "{p}"
    );
    let (_, active) = s.get(&new_client(), "/api/public/promos/active").await;
    assert_eq!(active[0]["name"], "Promo Merdeka");
    let (status, _) = put(json!({"status": "DRAFT"})).await;
    assert_eq!(status, 409);
    let (status, _) = put(json!({"end_date": "2000-01-01T00:00:00Z"})).await;
    assert_eq!(status, 422);
    let (status, p) = put(json!({"status": "ARCHIVED"})).await;
    assert_eq!(
        (status.as_u16(), p["status"].as_str()),
        (200, Some("ARCHIVED"))
    );
    let (status, _) = put(json!({"status": "ACTIVE"})).await;
    assert_eq!(status, 409);
    let (_, active) = s.get(&new_client(), "/api/public/promos/active").await;
    assert_eq!(active, json!([]));
    let (status, _) = s
        .post(
            &sa,
            "/api/admin/promos",
            json!({"name": "Bonus", "event_type": "BONUS_REGISTRATION", "bonus_value_mb": -5}),
        )
        .await;
    assert_eq!(status, 422);
}

#[tokio::test]
async fn paying_the_whole_debt_unblocks_and_one_item_pays_only_it() {
    let s = spawn_with_payments(&[("PAYMENT_PROVIDER_MODE", "core_api")], 2).await;
    let sa = s.admin_client(true).await;
    s.admin_package(&sa, "1 GB", 10_000, 1.0, 30).await;
    let phone = "081234567821";
    s.approved_user(&sa, phone).await;
    let (client, _) = s.login_from_device(phone, 0).await;
    let db = s.app.db();
    let user = users::find_by_phone(db, &Phone::parse(phone).unwrap())
        .await
        .unwrap()
        .unwrap();
    let now = s.app.now();

    // No debt: nothing to pay.
    let (status, b) = s
        .post(&client, "/api/transactions/debt/initiate", json!({}))
        .await;
    assert_eq!(
        (status.as_u16(), b["code"].as_str()),
        (400, Some("no_debt"))
    );

    // 300 MB used beyond the quota, two manual items, blocked at the debt limit.
    let mut account = user.quota_account();
    account.used = saring_domain::Bytes::from_mb(300);
    users::update(
        db,
        user.id,
        UserPatch {
            quota: Some(account),
            is_blocked: Some(true),
            blocked_reason: Some(Some(
                "quota_debt_limit|debt_mb=300|limit_mb=100|source=test".into(),
            )),
            ..UserPatch::default()
        },
    )
    .await
    .unwrap();
    let new = |mb: i64, price: Option<i64>, day: u32| NewDebt {
        user_id: user.id,
        amount_mb: mb,
        price_rp: price,
        debt_date: chrono::NaiveDate::from_ymd_opt(2026, 11, day),
        due_date: None,
        is_unlimited: false,
        package_id: None,
        note: None,
        created_by: None,
    };
    let item_a = debts::insert(db, &new(512, Some(20_000), 1), now)
        .await
        .unwrap();
    let item_b = debts::insert(db, &new(1024, None, 2), now).await.unwrap();

    // One item: its price, only it is paid.
    let (status, one) = s
        .post(
            &client,
            "/api/transactions/debt/initiate",
            json!({"manual_debt_id": item_a.id.to_string(), "payment_method": "qris"}),
        )
        .await;
    assert_eq!(status, 200, "{one}");
    assert!(one["order_id"].as_str().unwrap().starts_with("DEBT-"));
    assert_eq!(one["amount"], 20_000);
    let one_id = one["order_id"].as_str().unwrap();
    s.app.pay_sim().pay(one_id).unwrap();
    let d = s.wait_status(&client, one_id, "SUCCESS").await;
    assert_eq!(
        (d["purpose"].as_str(), d["debt_type"].as_str()),
        (Some("debt"), Some("manual"))
    );
    let open = debts::open_for_user(db, user.id).await.unwrap();
    assert_eq!(
        open.iter().map(|d| d.id).collect::<Vec<_>>(),
        vec![item_b.id]
    );
    let u = users::find_by_id(db, user.id).await.unwrap().unwrap();
    assert!(u.is_blocked, "auto debt and item B are still owed");
    assert_eq!(u.manual_debt_mb, 1024);
    let (status, b) = s
        .post(
            &client,
            "/api/transactions/debt/initiate",
            json!({"manual_debt_id": item_a.id.to_string()}),
        )
        .await;
    assert_eq!(
        (status.as_u16(), b["code"].as_str()),
        (400, Some("debt_already_paid"))
    );
    let (status, _) = s
        .post(
            &client,
            "/api/transactions/debt/initiate",
            json!({"manual_debt_id": "00000000-0000-0000-0000-000000000000"}),
        )
        .await;
    assert_eq!(status, 404);

    // The whole debt: 300 MB auto (Rp 10.000 estimate) + item B (1 GB estimate Rp 10.000).
    let (status, all) = s
        .post(
            &client,
            "/api/transactions/debt/initiate",
            json!({"payment_method": "qris"}),
        )
        .await;
    assert_eq!(status, 200, "{all}");
    assert_eq!(all["amount"], 20_000);
    let (_, again) = s
        .post(
            &client,
            "/api/transactions/debt/initiate",
            json!({"payment_method": "qris"}),
        )
        .await;
    assert_eq!(
        again["order_id"], all["order_id"],
        "a duplicate click reuses the order"
    );
    let all_id = all["order_id"].as_str().unwrap();
    s.app.pay_sim().duplicate_deliveries(2);
    s.app.pay_sim().pay(all_id).unwrap();
    s.wait_status(&client, all_id, "SUCCESS").await;
    let u = users::find_by_id(db, user.id).await.unwrap().unwrap();
    assert!(
        !u.is_blocked && u.blocked_reason.is_none(),
        "debt paid: unblocked"
    );
    assert_eq!(u.manual_debt_mb, 0);
    assert_eq!(u.auto_debt_offset_mb, 300);
    assert_eq!(u.quota_account().auto_debt(), saring_domain::Bytes::ZERO);
    wait_message(&s, phone, "Akses Aktif Kembali").await;
}

#[tokio::test]
async fn an_underpaid_debt_settles_the_paid_fraction() {
    let s = spawn_with_payments(&[("PAYMENT_PROVIDER_MODE", "core_api")], 2).await;
    let sa = s.admin_client(true).await;
    s.admin_package(&sa, "1 GB", 10_000, 1.0, 30).await;
    let phone = "081234567831";
    s.approved_user(&sa, phone).await;
    let (client, _) = s.login_from_device(phone, 0).await;
    let db = s.app.db();
    let user = users::find_by_phone(db, &Phone::parse(phone).unwrap())
        .await
        .unwrap()
        .unwrap();
    let item = debts::insert(
        db,
        &NewDebt {
            user_id: user.id,
            amount_mb: 1000,
            price_rp: Some(10_000),
            debt_date: None,
            due_date: None,
            is_unlimited: false,
            package_id: None,
            note: None,
            created_by: None,
        },
        s.app.now(),
    )
    .await
    .unwrap();
    let (_, order) = s
        .post(
            &client,
            "/api/transactions/debt/initiate",
            json!({"payment_method": "qris"}),
        )
        .await;
    assert_eq!(order["amount"], 10_000);
    // Before the payment lands, the user uses 1 GB more than they have: auto debt appears.
    let mut account = users::find_by_id(db, user.id)
        .await
        .unwrap()
        .unwrap()
        .quota_account();
    account.used += saring_domain::Bytes::from_mb(1024);
    users::update(
        db,
        user.id,
        UserPatch {
            quota: Some(account),
            ..UserPatch::default()
        },
    )
    .await
    .unwrap();
    let id = order["order_id"].as_str().unwrap();
    s.app.pay_sim().pay(id).unwrap();
    s.wait_status(&client, id, "SUCCESS").await;
    // Due now Rp 20.000 (10.000 item + 10.000 auto estimate), paid 10.000: half of 2024 MB.
    let u = users::find_by_id(db, user.id).await.unwrap().unwrap();
    let left_auto = u.quota_account().auto_debt().ceil_mb();
    let left_manual = debts::open_for_user(db, user.id)
        .await
        .unwrap()
        .iter()
        .map(|d| d.remaining_mb())
        .sum::<i64>();
    assert_eq!(u.auto_debt_offset_mb, 1012);
    assert_eq!((left_auto, left_manual), (12, 1000), "item {:?}", item.id);
    wait_message(&s, phone, "Kekurangan pembayaran: *Rp 10.000*").await;
}

/// The WhatsApp message goes out after the commit: wait for it.
async fn wait_message(s: &common::Spawned, phone: &str, needle: &str) {
    for _ in 0..100 {
        let sent = s.app.messenger.sent_to(&Phone::parse(phone).unwrap());
        if sent.iter().any(|m| m.text.contains(needle)) {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("no message containing {needle:?}");
}
