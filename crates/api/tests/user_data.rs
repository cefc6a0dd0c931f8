//! The signed-in user's own data and actions, and admin-created accounts.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{body, new_client, spawn_with};
use serde_json::json;

const ENV: [(&str, &str); 3] = [
    ("OTP_REQUEST_COOLDOWN_SECONDS", "0"),
    ("TELEGRAM_BOT_USERNAME", "saring_test_bot"),
    ("TELEGRAM_WEBHOOK_SECRET", "hook-secret-123"),
];

#[tokio::test]
async fn portal_data_profile_devices_and_telegram() {
    let s = spawn_with(&ENV, 2).await;
    let admin = s.admin_client(false).await;
    let id = s.approved_user(&admin, "081277700001").await;
    let (ip, mac) = s.device(0);
    let (c, _) = s.login_from_device("081277700001", 0).await;

    // Charts and history have their shapes even when empty.
    let (st, week) = s.get(&c, "/api/users/me/weekly-usage").await;
    assert_eq!(st, 200);
    assert_eq!(week["weekly_data"].as_array().unwrap().len(), 7);
    let (_, months) = s.get(&c, "/api/users/me/monthly-usage?months=3").await;
    assert_eq!(months["monthly_data"].as_array().unwrap().len(), 3);
    let (_, spending) = s.get(&c, "/api/users/me/weekly-spending").await;
    assert_eq!(spending["total"], 0);
    let (_, tx) = s.get(&c, "/api/users/me/transactions").await;
    assert_eq!(tx["total"], 0);
    let (_, history) = s.get(&c, "/api/users/me/quota-history").await;
    assert_eq!(
        history["items"][0]["source"], "registration.approve",
        "{history}"
    );
    assert!(
        history["items"][0]["title"]
            .as_str()
            .unwrap()
            .contains("disetujui")
    );

    // Manual debts: listed with what paying each costs now, and summed in the quota summary.
    let uid = saring_domain::ids::UserId(id.parse().unwrap());
    for (mb, price, note) in [
        (2048, Some(20_000), "Pinjaman kuota"),
        (300, None, "Tanpa harga"),
    ] {
        let new = saring_store::repo::debts::NewDebt {
            user_id: uid,
            amount_mb: mb,
            price_rp: price,
            debt_date: None,
            due_date: None,
            is_unlimited: false,
            package_id: None,
            note: Some(note.into()),
            created_by: None,
        };
        saring_store::repo::debts::insert(s.app.db(), &new, s.app.now())
            .await
            .unwrap();
    }
    saring_app::accounts::forget_user(&s.app, uid);
    let (st, debts) = s.get(&c, "/api/users/me/quota-debts").await;
    assert_eq!(st, 200, "{debts}");
    assert_eq!(
        (debts["open_count"].as_u64(), debts["open_mb"].as_i64()),
        (Some(2), Some(2348))
    );
    let priced = debts["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["note"] == "Pinjaman kuota")
        .unwrap();
    assert_eq!(
        (
            priced["remaining_mb"].as_i64(),
            priced["price_due"].as_i64()
        ),
        (Some(2048), Some(20_000))
    );
    let (st, _) = s.get(&c, "/api/users/me/quota-debts?status=nonsense").await;
    assert_eq!(st, 422);
    let (_, quota) = s.get(&c, "/api/users/me/quota").await;
    assert_eq!(
        quota["quota_debt_manual_mb"].as_f64(),
        Some(2348.0),
        "{quota}"
    );
    // No package prices the item without a price: only the priced one is counted.
    assert_eq!(
        quota["quota_debt_total_estimated_rp"].as_i64(),
        Some(20_000),
        "{quota}"
    );

    let (_, logins) = s.get(&c, "/api/users/me/login-history").await;
    assert_eq!(logins[0]["method"], "otp");
    assert_eq!(logins[0]["mac_address"], mac.as_str());

    // Profile: validated, and the answer shows the change at once.
    let res = c
        .put(s.url("/api/auth/me/profile"))
        .json(&json!({"full_name": "Budi Baru", "kamar": "kamar 4"}))
        .send()
        .await
        .unwrap();
    let (st, me) = body(res).await;
    assert_eq!(st, 200, "{me}");
    assert_eq!(
        (me["full_name"].as_str(), me["kamar"].as_str()),
        (Some("Budi Baru"), Some("Kamar_4"))
    );
    let (_, me) = s.get(&c, "/api/auth/me").await;
    assert_eq!(me["full_name"], "Budi Baru");
    let (st, b) = body(
        c.put(s.url("/api/auth/me/profile"))
            .json(&json!({"kamar": "Kamar_99"}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (st.as_u16(), b["code"].as_str()),
        (422, Some("validation_failed"))
    );

    // Devices: label, then removal takes the device off the router.
    let (_, devs) = s.get(&c, "/api/users/me/devices").await;
    let dev_id = devs["devices"][0]["id"].as_str().unwrap().to_owned();
    let (st, d) = body(
        c.put(s.url(&format!("/api/users/me/devices/{dev_id}/label")))
            .json(&json!({"label": "HP pribadi"}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (st.as_u16(), d["label"].as_str()),
        (200, Some("HP pribadi"))
    );
    let (st, _) = body(
        c.put(s.url("/api/users/me/devices/not-a-uuid/label"))
            .json(&json!({"label": "x"}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(st, 404);
    assert!(
        s.app
            .sim()
            .ip_bindings()
            .iter()
            .any(|b| b.mac_address.as_deref() == Some(mac.as_str()))
    );
    let (st, _) = body(
        c.delete(s.url(&format!("/api/users/me/devices/{dev_id}")))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(st, 200);
    assert!(
        s.app
            .sim()
            .ip_bindings()
            .iter()
            .all(|b| b.mac_address.as_deref() != Some(mac.as_str()))
    );
    assert!(s.app.sim().address_list().iter().all(|e| e.address != ip));
    // Another user's device is invisible.
    let (st, _) = body(
        c.delete(s.url(&format!("/api/users/me/devices/{dev_id}")))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(st, 404);

    // Bind the current device again from the portal (once it shows up on the router again).
    s.app.sim().tick(std::time::Duration::from_secs(5));
    let (st, bound) = s
        .post(
            &c,
            "/api/users/me/devices/bind-current",
            json!({"client_ip": ip, "client_mac": mac}),
        )
        .await;
    assert_eq!(st, 200, "{bound}");
    assert_eq!(bound["bound"], true);

    // Hotspot password reset: new 6 digits on the router and by WhatsApp.
    let before = s
        .app
        .sim()
        .users()
        .into_iter()
        .find(|u| u.name == "081277700001")
        .unwrap()
        .password;
    let (st, _) = s
        .post(&c, "/api/users/me/reset-hotspot-password", json!({}))
        .await;
    assert_eq!(st, 200);
    let after = s
        .app
        .sim()
        .users()
        .into_iter()
        .find(|u| u.name == "081277700001")
        .unwrap()
        .password;
    assert_ne!(before, after);
    assert!(
        s.app
            .messenger
            .sent()
            .iter()
            .any(|m| m.text.contains(after.as_deref().unwrap()))
    );

    // Telegram: link token → webhook `/start <token>` with the secret → linked; unlink.
    let (st, link) = s
        .post(&c, "/api/auth/me/telegram/link-token", json!({}))
        .await;
    assert_eq!(st, 200, "{link}");
    let url = link["link_url"].as_str().unwrap();
    assert!(url.starts_with("https://t.me/saring_test_bot?start="));
    let token = url.rsplit('=').next().unwrap();
    let update = json!({"update_id": 1, "message": {"message_id": 5, "chat": {"id": 424242, "type": "private"}, "from": {"id": 424242, "username": "budi"}, "text": format!("/start {token}")}});
    let (st, _) = body(
        new_client()
            .post(s.url("/api/telegram/webhook"))
            .header("x-telegram-bot-api-secret-token", "wrong")
            .json(&update)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(st, 403);
    let (st, hook) = body(
        new_client()
            .post(s.url("/api/telegram/webhook"))
            .header("x-telegram-bot-api-secret-token", "hook-secret-123")
            .json(&update)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (st.as_u16(), hook["linked"].as_bool()),
        (200, Some(true)),
        "{hook}"
    );
    let (_, tg) = s.get(&c, "/api/auth/me/telegram/status").await;
    assert_eq!(
        (tg["linked"].as_bool(), tg["username"].as_str()),
        (Some(true), Some("budi"))
    );
    // The token is single use.
    let (_, hook) = body(
        new_client()
            .post(s.url("/api/telegram/webhook"))
            .header("x-telegram-bot-api-secret-token", "hook-secret-123")
            .json(&update)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(hook["linked"], false);
    let (st, _) = s.post(&c, "/api/auth/me/telegram/unlink", json!({})).await;
    assert_eq!(st, 200);
    let (_, tg) = s.get(&c, "/api/auth/me/telegram/status").await;
    assert_eq!(tg["linked"], false);
    let _ = id;
}

#[tokio::test]
async fn admins_create_accounts_directly() {
    let s = spawn_with(&ENV, 1).await;
    let admin = s.admin_client(false).await;
    let (st, created) = s.post(&admin, "/api/admin/users", json!({"phone_number": "0812 7770 0002", "full_name": "Sari Langsung", "blok": "B", "kamar": "2"})).await;
    assert_eq!(st, 201, "{created}");
    assert_eq!(
        (
            created["approval_status"].as_str(),
            created["is_active"].as_bool()
        ),
        (Some("APPROVED"), Some(true))
    );
    assert!(
        s.app.sim().users().iter().any(|u| u.name == "081277700002"),
        "hotspot user created"
    );
    let (st, b) = s
        .post(
            &admin,
            "/api/admin/users",
            json!({"phone_number": "081277700003", "full_name": "Calon Admin", "role": "ADMIN"}),
        )
        .await;
    assert_eq!(
        (st.as_u16(), b["code"].as_str()),
        (403, Some("super_admin_required"))
    );
    let (st, b) = s.post(&admin, "/api/admin/users", json!({"phone_number": "081277700002", "full_name": "Dobel", "blok": "B", "kamar": "2"})).await;
    assert_eq!(
        (st.as_u16(), b["code"].as_str()),
        (409, Some("phone_already_registered"))
    );
}
