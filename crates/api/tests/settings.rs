//! Run-time settings: typed and validated (a bad key or value changes nothing), secrets
//! encrypted and never shown, every change in the action log, and applied without a restart —
//! in this process at once and in another process (the worker) within seconds.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::{Duration, Instant};

use common::{
    Spawned, assert_each_invalid, code, new_client, spawn_with_payments, spawn_with_router,
};
use reqwest::Method;
use saring_store::repo::settings as stored;
use serde_json::{Value, json};

const PATH: &str = "/api/admin/settings";

/// `PUT /api/admin/settings` with `{"settings": settings}`.
async fn put(
    s: &Spawned,
    client: &reqwest::Client,
    settings: Value,
) -> (reqwest::StatusCode, Value) {
    s.send(
        client,
        Method::PUT,
        PATH,
        Some(json!({ "settings": settings })),
    )
    .await
}

fn item<'a>(list: &'a Value, key: &str) -> &'a Value {
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["key"] == key)
        .unwrap_or_else(|| panic!("{key} missing from {list}"))
}

#[tokio::test]
async fn maintenance_is_switched_from_the_settings_page_and_logged() {
    let s = spawn_with_router(1).await;
    let sa = s.admin_client(true).await;
    let admin = s.admin_client(false).await;

    let (st, list) = s.get(&sa, PATH).await;
    assert_eq!(st, 200, "{list}");
    let m = item(&list, "MAINTENANCE_MODE_ACTIVE");
    assert_eq!(
        (m["kind"].as_str(), m["value"].as_str()),
        (Some("bool"), Some("False"))
    );
    assert_eq!(m["overridden"], false);
    assert_eq!(
        item(&list, "PAYMENT_PROVIDER_MODE")["options"],
        json!(["snap", "core_api"])
    );

    // A plain admin neither reads nor writes settings.
    for method in [Method::GET, Method::PUT] {
        let (st, b) = s
            .send(
                &admin,
                method,
                PATH,
                Some(json!({"settings": {"MAINTENANCE_MODE_ACTIVE": true}})),
            )
            .await;
        assert_eq!((st.as_u16(), code(&b)), (403, "super_admin_required"));
    }

    let (st, saved) = put(
        &s,
        &sa,
        json!({
            "MAINTENANCE_MODE_ACTIVE": true,
            "MAINTENANCE_MODE_MESSAGE": "Perbaikan jaringan sampai pukul 14.00.",
        }),
    )
    .await;
    assert_eq!(st, 200, "{saved}");
    assert_eq!(
        saved["changed"],
        json!(["MAINTENANCE_MODE_ACTIVE", "MAINTENANCE_MODE_MESSAGE"])
    );
    // The portal shows it at once.
    let (_, public) = s.get(&new_client(), "/api/settings/public").await;
    assert_eq!(public["maintenance_mode_active"], true);
    assert_eq!(
        public["maintenance_mode_message"],
        "Perbaikan jaringan sampai pukul 14.00."
    );

    // Saving the same values again changes nothing and logs nothing.
    let (_, again) = put(&s, &sa, json!({"MAINTENANCE_MODE_ACTIVE": "True"})).await;
    assert_eq!(again["changed"], json!([]));

    // Off again: `null` hands the key back to the environment.
    let (_, off) = put(&s, &sa, json!({"MAINTENANCE_MODE_ACTIVE": null})).await;
    assert_eq!(item(&off, "MAINTENANCE_MODE_ACTIVE")["overridden"], false);
    let (_, public) = s.get(&new_client(), "/api/settings/public").await;
    assert_eq!(public["maintenance_mode_active"], false);

    let (_, logs) = s.get(&sa, "/api/admin/action-logs").await;
    let changes: Vec<(String, Value, Value)> = logs["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["action_type"] == "UPDATE_SETTING")
        .filter(|l| l["details"]["key"] == "MAINTENANCE_MODE_ACTIVE")
        .map(|l| {
            (
                l["details"]["key"].as_str().unwrap().to_owned(),
                l["details"]["old"].clone(),
                l["details"]["new"].clone(),
            )
        })
        .collect();
    assert_eq!(changes.len(), 2, "{logs}");
    assert!(changes.contains(&("MAINTENANCE_MODE_ACTIVE".into(), Value::Null, json!("True"))));
    assert!(changes.contains(&("MAINTENANCE_MODE_ACTIVE".into(), json!("True"), Value::Null)));
}

#[tokio::test]
async fn a_bad_key_or_value_is_refused_by_name_and_changes_nothing() {
    let s = spawn_with_router(1).await;
    let sa = s.admin_client(true).await;
    let cases = [
        (
            json!({"settings": {"APP_NAME": "Baru", "NO_SUCH_KEY": "x"}}),
            "NO_SUCH_KEY",
        ),
        (
            json!({"settings": {"APP_NAME": "Baru", "MAINTENANCE_MODE_ACTIVE": "kadang"}}),
            "MAINTENANCE_MODE_ACTIVE",
        ),
        (json!({"settings": {"APP_NAME": 42}}), "APP_NAME"),
        (json!({"settings": {"APP_NAME": ""}}), "APP_NAME"),
        (
            json!({"settings": {"APP_NAME": "x".repeat(61)}}),
            "APP_NAME",
        ),
        (
            json!({"settings": {"APP_NAME": "Baru", "PAYMENT_PROVIDER_MODE": "paypal"}}),
            "PAYMENT_PROVIDER_MODE",
        ),
        (
            json!({"settings": {"CORE_API_ENABLED_VA_BANKS": ["bca", "hsbc"]}}),
            "CORE_API_ENABLED_VA_BANKS",
        ),
        (json!({"settings": {"BLOK_OPTIONS": []}}), "BLOK_OPTIONS"),
        (
            json!({"settings": {"BLOK_OPTIONS": {"A": 1}}}),
            "BLOK_OPTIONS",
        ),
        (
            json!({"settings": {"WHATSAPP_API_KEY": ""}}),
            "WHATSAPP_API_KEY",
        ),
        (json!({"settings": {}}), "settings"),
    ];
    assert_each_invalid(&s, &sa, Method::PUT, PATH, &cases).await;
    // A body of the wrong shape gets the API's usual answer.
    let (st, b) = put(&s, &sa, json!("APP_NAME=x")).await;
    assert_eq!((st.as_u16(), code(&b)), (422, "validation_failed"), "{b}");
    // Nothing was written: the valid keys of the refused updates are not in the table.
    assert!(stored::list(s.app.db()).await.unwrap().is_empty());
    let (_, public) = s.get(&new_client(), "/api/settings/public").await;
    assert_ne!(public["app_name"], "Baru");
}

#[tokio::test]
async fn secrets_are_encrypted_and_never_shown_or_logged() {
    let s = spawn_with_router(1).await;
    let sa = s.admin_client(true).await;
    let token = "tg-bot-token-7f3a9c";
    let (st, saved) = put(&s, &sa, json!({"TELEGRAM_BOT_TOKEN": token})).await;
    assert_eq!(st, 200, "{saved}");
    assert_eq!(item(&saved, "TELEGRAM_BOT_TOKEN")["value"], "••••••••");
    let (_, list) = s.get(&sa, PATH).await;
    let (_, logs) = s.get(&sa, "/api/admin/action-logs").await;
    for shown in [list.to_string(), saved.to_string(), logs.to_string()] {
        assert!(!shown.contains(token), "the secret leaked: {shown}");
    }
    let row = stored::list(s.app.db())
        .await
        .unwrap()
        .into_iter()
        .find(|r| r.key == "TELEGRAM_BOT_TOKEN")
        .unwrap();
    assert!(row.is_encrypted);
    assert!(!row.value.unwrap().contains(token));
    // Sending the mask back (a form that re-posts what it read) is refused, not stored.
    let (st, b) = put(&s, &sa, json!({"TELEGRAM_BOT_TOKEN": "••••••••"})).await;
    assert_eq!((st.as_u16(), code(&b)), (422, "validation_failed"));
    let current = saring_app::settings::current(&s.app.app).await.unwrap();
    assert_eq!(current.get("TELEGRAM_BOT_TOKEN"), Some(token));
}

#[tokio::test]
async fn another_process_sees_a_change_within_seconds() {
    let s = spawn_with_router(1).await;
    let sa = s.admin_client(true).await;
    // A second App on the same database and KV: what `saring worker` is to `saring serve`.
    let worker = saring_app::App::builder(
        s.app.app.config().clone(),
        s.app.app.mode(),
        s.app.db().clone(),
        s.app.app.kv().clone(),
    )
    .messenger(s.app.messenger.clone())
    .build()
    .unwrap();
    let before = saring_app::settings::current(&worker).await.unwrap();
    assert!(before.flag("ENABLE_WHATSAPP_NOTIFICATIONS"));
    let (st, b) = put(&s, &sa, json!({"ENABLE_WHATSAPP_NOTIFICATIONS": false})).await;
    assert_eq!(st, 200, "{b}");
    let started = Instant::now();
    loop {
        let now = saring_app::settings::current(&worker).await.unwrap();
        if !now.flag("ENABLE_WHATSAPP_NOTIFICATIONS") {
            break;
        }
        assert!(
            started.elapsed() < saring_app::settings::RELOAD_AFTER + Duration::from_secs(3),
            "the worker still has the old value"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // And it acts on it: no notification goes out.
    let phone = saring_domain::Phone::parse("081255500077").unwrap();
    assert!(!saring_app::notify::send_template(&worker, &phone, "user_access_habis", &[]).await);
    assert!(s.app.messenger.sent_to(&phone).is_empty());
}

#[tokio::test]
async fn registration_lists_and_payments_follow_the_settings() {
    let s = spawn_with_payments(&[], 1).await;
    let sa = s.admin_client(true).await;
    // A buyer registered under the old options (blok A).
    let package = s.admin_package(&sa, "Harian 1 GB", 10_000, 1.0, 1).await;
    s.approved_user(&sa, "081255500089").await;
    let (buyer, _) = s.login_from_device("081255500089", 0).await;
    let (st, b) = put(
        &s,
        &sa,
        json!({
            "BLOK_OPTIONS": ["Melati", "Mawar"],
            "PAYMENTS_ENABLED": false,
            "PAYMENT_UNAVAILABLE_MESSAGE": "Pembayaran ditutup sampai tanggal 10.",
            "BUSINESS_NAME": "Kos Melati Indah",
        }),
    )
    .await;
    assert_eq!(st, 200, "{b}");
    let (_, public) = s.get(&new_client(), "/api/settings/public").await;
    assert_eq!(public["blok_options"], json!(["Melati", "Mawar"]));
    // The old option is refused, the new one accepted.
    let (st, b) = s
        .post(
            &new_client(),
            "/api/auth/register",
            json!({"phone_number": "081255500088", "full_name": "Sari", "blok": "A", "kamar": "1"}),
        )
        .await;
    assert_eq!(
        (st.as_u16(), b["details"][0]["loc"][0].as_str()),
        (422, Some("blok")),
        "{b}"
    );
    let (st, b) = s
        .post(&new_client(), "/api/auth/register", json!({"phone_number": "081255500088", "full_name": "Sari", "blok": "mawar", "kamar": "1"}))
        .await;
    assert_eq!(st, 201, "{b}");

    // Payments closed by the operator: the portal says so and no order is placed.
    let (_, avail) = s
        .get(&new_client(), "/api/settings/payment-availability")
        .await;
    assert_eq!(avail["available"], false);
    assert_eq!(avail["reason"], "closed_by_operator");
    assert_eq!(avail["message"], "Pembayaran ditutup sampai tanggal 10.");
    let (st, b) = s
        .post(
            &buyer,
            "/api/transactions/initiate",
            json!({"package_id": package}),
        )
        .await;
    assert_eq!((st.as_u16(), code(&b)), (503, "payment_unavailable"), "{b}");
    assert_eq!(b["message"], "Pembayaran ditutup sampai tanggal 10.");

    // Open again: the order goes through, and its invoice carries the operator's name.
    put(&s, &sa, json!({"PAYMENTS_ENABLED": true})).await;
    let (st, b) = s
        .post(
            &buyer,
            "/api/transactions/initiate",
            json!({"package_id": package}),
        )
        .await;
    assert_eq!(st, 200, "{b}");
    // A new order: the refused attempt left none behind to reuse.
    assert_eq!(b["reused"], false);
    let order_id = b["order_id"].as_str().unwrap().to_owned();
    s.app.pay_sim().pay(&order_id).unwrap();
    s.wait_status(&buyer, &order_id, "SUCCESS").await;
    let res = buyer
        .get(s.url(&format!("/api/transactions/{order_id}/invoice?format=html")))
        .send()
        .await
        .unwrap();
    let html = res.text().await.unwrap();
    assert!(html.contains("Kos Melati Indah"), "{html}");
}

#[tokio::test]
async fn alert_recipients_and_test_sends() {
    let s = spawn_with_router(1).await;
    let sa = s.admin_client(true).await;
    let admin = s.admin_client(false).await;
    let user = s.approved_user(&sa, "081255500066").await;
    let path = "/api/admin/notification-recipients";

    let (st, list) = s
        .get(&sa, &format!("{path}?type=NEW_USER_REGISTRATION"))
        .await;
    assert_eq!(st, 200, "{list}");
    let items = list["items"].as_array().unwrap();
    assert_eq!(items.len(), 2, "both administrators, never users: {list}");
    assert!(items.iter().all(|i| i["is_subscribed"] == false));
    let plain = items.iter().find(|i| i["is_super_admin"] == false).unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();

    // Bad input changes nothing.
    assert_each_invalid(
        &s,
        &sa,
        Method::POST,
        path,
        &[
            (json!({"notification_type": "NOPE", "subscribed_admin_ids": []}), "notification_type"),
            (json!({"notification_type": "NEW_USER_REGISTRATION", "subscribed_admin_ids": [plain, user]}), "subscribed_admin_ids"),
            (json!({"notification_type": "NEW_USER_REGISTRATION", "subscribed_admin_ids": ["x"]}), "subscribed_admin_ids"),
        ],
    )
    .await;
    let (st, b) = s
        .get(&admin, &format!("{path}?type=NEW_USER_REGISTRATION"))
        .await;
    assert_eq!((st.as_u16(), code(&b)), (403, "super_admin_required"));

    // Only the plain admin receives new registrations now.
    let (st, b) = s
        .post(
            &sa,
            path,
            json!({"notification_type": "new_user_registration", "subscribed_admin_ids": [plain]}),
        )
        .await;
    assert_eq!(st, 200, "{b}");
    let phones = saring_store::repo::recipients::phones_for(
        s.app.db(),
        saring_store::entities::enums::NotificationType::NewUserRegistration,
    )
    .await
    .unwrap();
    assert_eq!(
        phones,
        vec![
            saring_domain::Phone::parse(common::ADMIN_PHONE)
                .unwrap()
                .as_e164()
                .to_owned()
        ]
    );
    let (_, logs) = s
        .get(
            &sa,
            "/api/admin/action-logs?action_type=UPDATE_NOTIFICATION_RECIPIENTS",
        )
        .await;
    assert_eq!(logs["items"].as_array().unwrap().len(), 1, "{logs}");

    // WhatsApp test send: delivered by the messenger in force, checked, rate-limited.
    let wa = async |phone: &str, message: &str| {
        let body = json!({"phone_number": phone, "message": message});
        s.post(&sa, "/api/admin/whatsapp/test-send", body).await
    };
    let (st, b) = wa("081255500099", "Tes kirim").await;
    assert_eq!(st, 200, "{b}");
    let to = saring_domain::Phone::parse("081255500099").unwrap();
    let sent = s.app.messenger.sent_to(&to);
    assert!(sent.iter().any(|m| m.text == "Tes kirim"));
    let (st, b) = wa("12", "Tes").await;
    assert_eq!((st.as_u16(), code(&b)), (422, "phone_invalid"), "{b}");
    assert_eq!(wa("081255500099", " ").await.0, 422);
    let mut last = 200;
    for _ in 0..5 {
        last = wa("081255500099", "lagi").await.0.as_u16();
    }
    assert_eq!(last, 429, "test sends are rate-limited");

    // Telegram without a bot says so.
    let tg = async |chat: &str| {
        let body = json!({"chat_id": chat, "message": "Tes"});
        s.post(&sa, "/api/admin/telegram/test-send", body).await
    };
    let (st, b) = tg("12345").await;
    assert_eq!((st.as_u16(), code(&b)), (503, "service_unavailable"), "{b}");
    assert_eq!(tg("abc").await.0, 422);
}
