//! Buying packages end to end against the simulated Midtrans: initiate → pay on the
//! simulator → signed notifications (duplicated, reordered) → quota applied once → router
//! sync queued → invoice; Core API methods; cancel; late payment after a local expiry;
//! reconciliation of lost notifications; the circuit breaker.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use common::{Spawned, body, new_client, spawn_with_payments};
use reqwest::Client;
use saring_domain::Phone;
use saring_store::repo::{activity, outbox, users};
use serde_json::{Value, json};

const USER_PHONE: &str = "081234567801";

async fn buyer(s: &Spawned, admin: &Client, phone: &str) -> Client {
    s.approved_user(admin, phone).await;
    let (client, _) = s.login_from_device(phone, 0).await;
    client
}

async fn user_row(s: &Spawned, phone: &str) -> saring_domain::user::User {
    users::find_by_phone(s.app.db(), &Phone::parse(phone).unwrap())
        .await
        .unwrap()
        .unwrap()
}

async fn purchase_ledger_rows(s: &Spawned, phone: &str) -> usize {
    let user = user_row(s, phone).await;
    let (rows, _) = activity::ledger_for_user(s.app.db(), user.id, None, None, 0, 100)
        .await
        .unwrap();
    rows.iter()
        .filter(|r| r.source == "purchase_package")
        .count()
}

#[tokio::test]
async fn buy_pay_and_get_the_quota_exactly_once() {
    let s = spawn_with_payments(&[], 2).await;
    let admin = s.admin_client(true).await;
    let package = s
        .admin_package(&admin, "Harian 1 GB", 10_000, 1.0, 30)
        .await;
    let client = buyer(&s, &admin, USER_PHONE).await;

    // The portal lists it.
    let (_, list) = s.get(&new_client(), "/api/packages").await;
    assert_eq!(list[0]["name"], "Harian 1 GB");
    assert_eq!(list[0]["price_display"], "Rp 10.000");
    assert_eq!(list[0]["data_quota_gb"], 1.0);

    // Snap (the default mode): token + redirect, status UNKNOWN until Midtrans reports.
    let (status, first) = s
        .post(
            &client,
            "/api/transactions/initiate",
            json!({"package_id": package}),
        )
        .await;
    assert_eq!(status, 200, "{first}");
    let order_id = first["order_id"].as_str().unwrap().to_owned();
    assert!(order_id.starts_with("BD-LPSR-"));
    assert_eq!(first["provider_mode"], "snap");
    assert_eq!(first["status"], "UNKNOWN");
    assert!(
        first["redirect_url"]
            .as_str()
            .unwrap()
            .contains("/snap/v2/vtweb/")
    );
    assert_eq!(first["reused"], false);

    // A duplicate click gets the same order.
    let (_, again) = s
        .post(
            &client,
            "/api/transactions/initiate",
            json!({"package_id": package}),
        )
        .await;
    assert_eq!(again["order_id"], order_id.as_str());
    assert_eq!(again["reused"], true);

    // Midtrans misbehaves: every notification three times, plus a stale pending after.
    let sim = s.app.pay_sim();
    sim.duplicate_deliveries(3);
    sim.reorder(true);
    sim.pay(&order_id).unwrap();
    let detail = s.wait_status(&client, &order_id, "SUCCESS").await;
    // pending ×3, settlement ×3, then one stale pending.
    sim.wait_for_deliveries(7, Duration::from_secs(5)).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(
        sim.deliveries().iter().all(|d| d.http_status == Some(200)),
        "{:?}",
        sim.deliveries()
    );
    assert_eq!(detail["applied"], true);
    assert_eq!(detail["invoice_available"], true);
    assert_eq!(detail["hotspot_password"].as_str().map(str::len), Some(6));

    // Quota and expiry applied exactly once; one ledger row.
    let user = user_row(&s, USER_PHONE).await;
    assert_eq!(user.total_quota_purchased_mb, 1024);
    let expiry = user.quota_expiry_date.unwrap();
    // 30 days from the approval, extended by the package's 30 (`extend_active`).
    let days = (expiry - s.app.now()).num_days();
    assert!((59..=60).contains(&days), "{expiry}");
    assert_eq!(purchase_ledger_rows(&s, USER_PHONE).await, 1);
    let (_, quota) = s.get(&client, "/api/users/me/quota").await;
    assert_eq!(quota["total_quota_purchased_mb"], 1024.0, "{quota}");

    // The router sync is queued in the outbox (and was tried at once).
    let items = outbox::list(s.app.db(), None, 100).await.unwrap();
    assert!(
        items
            .iter()
            .any(|(i, _)| i.kind == "policy_sync_user"
                && i.payload["user_id"] == user.id.to_string()),
        "{items:?}"
    );

    // The event history shows every delivery with its raw payload.
    let (_, d) = s
        .get(
            &admin,
            &format!("/api/admin/transactions/{order_id}/detail"),
        )
        .await;
    let events = d["events"].as_array().unwrap();
    let count = |t: &str| events.iter().filter(|e| e["event_type"] == t).count();
    assert_eq!(count("EFFECT_APPLIED"), 1, "{d}");
    assert!(count("NOTIFICATION") + count("STATUS_CHECK") >= 1, "{d}");
    assert_eq!(
        count("NOTIFICATION") + count("NOTIFICATION_DUPLICATE") + count("NOTIFICATION_IGNORED"),
        sim.deliveries().len(),
        "one event per delivery: {d}"
    );
    assert!(
        events
            .iter()
            .any(|e| e["payload"]["signature_key"].is_string())
    );
    assert_eq!(
        d["midtrans_notification_payload"]["order_id"],
        order_id.as_str()
    );

    // WhatsApp: the purchase message with the temporary invoice link, which serves a PDF.
    let sent = s.app.messenger.sent_to(&Phone::parse(USER_PHONE).unwrap());
    let msg = sent
        .iter()
        .find(|m| m.text.contains("Kuitansi PDF"))
        .expect("purchase message");
    assert!(msg.text.contains(&order_id));
    assert!(msg.text.contains("Rp 10.000"));
    let link = msg
        .text
        .split_whitespace()
        .find(|w| w.contains("/api/transactions/invoice/temp/"))
        .unwrap();
    let path = &link[link.find("/api/").unwrap()..];
    let res = new_client().get(s.url(path)).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "application/pdf");
    assert!(res.bytes().await.unwrap().starts_with(b"%PDF-"));
    let bad = new_client()
        .get(s.url("/api/transactions/invoice/temp/abc.def.ghi.pdf"))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 403);

    // The owner's invoice, as PDF and HTML.
    let res = client
        .get(s.url(&format!("/api/transactions/{order_id}/invoice")))
        .send()
        .await
        .unwrap();
    assert!(res.bytes().await.unwrap().starts_with(b"%PDF-"));
    let html = client
        .get(s.url(&format!("/api/transactions/{order_id}/invoice?format=html")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("Rp 10.000") && html.contains("LUNAS"));

    // The public status page by signed token: masked, no password; a bad token is refused.
    let token = first["status_token"].as_str().unwrap();
    let (status, public) = s
        .get(
            &new_client(),
            &format!("/api/transactions/public/by-order-id/{order_id}?t={token}"),
        )
        .await;
    assert_eq!(status, 200, "{public}");
    assert_eq!(public["status"], "SUCCESS");
    assert!(public["hotspot_password"].is_null());
    assert!(
        public["user"]["phone_number"]
            .as_str()
            .unwrap()
            .contains('*')
    );
    let (status, _) = s
        .get(
            &new_client(),
            &format!("/api/transactions/public/by-order-id/{order_id}?t=forged"),
        )
        .await;
    assert_eq!(status, 403);

    // A paid order cannot be cancelled; a second purchase is a new order.
    let (status, b) = s
        .post(
            &client,
            &format!("/api/transactions/{order_id}/cancel"),
            json!({}),
        )
        .await;
    assert_eq!(
        (status.as_u16(), b["code"].as_str()),
        (409, Some("transaction_not_cancellable"))
    );
    let (_, next) = s
        .post(
            &client,
            "/api/transactions/initiate",
            json!({"package_id": package}),
        )
        .await;
    assert_ne!(next["order_id"], order_id.as_str());
}

#[tokio::test]
async fn core_api_methods_banks_and_their_switches() {
    let s = spawn_with_payments(
        &[
            ("PAYMENT_PROVIDER_MODE", "core_api"),
            ("CORE_API_ENABLED_PAYMENT_METHODS", "qris,va,gopay"),
            ("CORE_API_ENABLED_VA_BANKS", "bca,bni,mandiri,permata"),
        ],
        2,
    )
    .await;
    let admin = s.admin_client(true).await;
    let small = s.admin_package(&admin, "Paket A", 5_000, 1.0, 1).await;
    let client = buyer(&s, &admin, USER_PHONE).await;

    let (status, va) = s
        .post(
            &client,
            "/api/transactions/initiate",
            json!({"package_id": small, "payment_method": "va", "va_bank": "bca"}),
        )
        .await;
    assert_eq!(status, 200, "{va}");
    assert_eq!(va["status"], "PENDING");
    assert_eq!(va["payment_method"], "bca_va");
    assert!(
        va["va_number"].as_str().is_some_and(|v| v.len() >= 10),
        "{va}"
    );

    // Another method for the same package: the old order is replaced.
    let (_, mandiri) = s
        .post(
            &client,
            "/api/transactions/initiate",
            json!({"package_id": small, "payment_method": "va", "va_bank": "mandiri"}),
        )
        .await;
    assert_ne!(mandiri["order_id"], va["order_id"]);
    assert_eq!(mandiri["payment_method"], "echannel");
    assert!(
        mandiri["payment_code"].is_string() && mandiri["biller_code"] == "70012",
        "{mandiri}"
    );
    let (_, old) = s
        .get(
            &client,
            &format!(
                "/api/transactions/by-order-id/{}",
                va["order_id"].as_str().unwrap()
            ),
        )
        .await;
    assert_eq!(old["status"], "CANCELLED");

    let (_, qris) = s
        .post(
            &client,
            "/api/transactions/initiate",
            json!({"package_id": small, "payment_method": "qris"}),
        )
        .await;
    assert!(
        qris["qr_string"]
            .as_str()
            .is_some_and(|q| q.starts_with("000201")),
        "{qris}"
    );
    let order = qris["order_id"].as_str().unwrap();
    let svg = client
        .get(s.url(&format!("/api/transactions/{order}/qr")))
        .send()
        .await
        .unwrap();
    assert_eq!(svg.headers()["content-type"], "image/svg+xml");
    assert!(svg.text().await.unwrap().contains("<svg"));

    let (_, gopay) = s
        .post(
            &client,
            "/api/transactions/initiate",
            json!({"package_id": small, "payment_method": "gopay"}),
        )
        .await;
    assert!(gopay["deeplink_redirect_url"].is_string(), "{gopay}");

    // Disabled method and bank: 422, nothing created.
    for body in [
        json!({"package_id": small, "payment_method": "shopeepay"}),
        json!({"package_id": small, "payment_method": "va", "va_bank": "bri"}),
        json!({"package_id": small, "payment_method": "bitcoin"}),
    ] {
        let (status, b) = s.post(&client, "/api/transactions/initiate", body).await;
        assert_eq!(
            (status.as_u16(), b["code"].as_str()),
            (422, Some("payment_method_unavailable")),
            "{b}"
        );
    }
    let (_, options) = s.get(&new_client(), "/api/settings/payment-options").await;
    assert_eq!(options["provider_mode"], "core_api");
    assert_eq!(options["payment_methods"], json!(["qris", "va", "gopay"]));

    // Pay the QRIS order; cancel the GoPay one.
    s.app.pay_sim().pay(order).unwrap();
    s.wait_status(&client, order, "SUCCESS").await;
    let gopay_id = gopay["order_id"].as_str().unwrap();
    let (status, c) = s
        .post(
            &client,
            &format!("/api/transactions/{gopay_id}/cancel"),
            json!({}),
        )
        .await;
    assert_eq!(
        (status.as_u16(), c["status"].as_str()),
        (200, Some("CANCELLED")),
        "{c}"
    );
}

async fn signed(s: &Spawned, order: &str, status: &str, code: &str, gross: &str) -> Value {
    let sig =
        saring_gateways::payments::signature(order, code, gross, s.app.pay_sim().server_key());
    json!({"order_id": order, "transaction_status": status, "status_code": code, "gross_amount": gross, "signature_key": sig, "transaction_id": "tx-1", "payment_type": "qris"})
}

#[tokio::test]
async fn bad_notifications_change_nothing() {
    let s = spawn_with_payments(&[("PAYMENT_PROVIDER_MODE", "core_api")], 2).await;
    let admin = s.admin_client(true).await;
    let package = s.admin_package(&admin, "Paket B", 10_000, 2.0, 7).await;
    let client = buyer(&s, &admin, USER_PHONE).await;
    let (_, order) = s
        .post(
            &client,
            "/api/transactions/initiate",
            json!({"package_id": package, "payment_method": "qris"}),
        )
        .await;
    let order_id = order["order_id"].as_str().unwrap().to_owned();
    s.app.pay_sim().set_notification_url(None);
    let webhook = "/api/transactions/notification";
    let anon = new_client();

    // Forged signature.
    let mut forged = signed(&s, &order_id, "settlement", "200", "10000.00").await;
    forged["signature_key"] = json!("00".repeat(64));
    let (status, b) = s.post(&anon, webhook, forged).await;
    assert_eq!(
        (status.as_u16(), b["code"].as_str()),
        (403, Some("signature_invalid"))
    );
    // Correctly signed, wrong amount.
    let (status, b) = s
        .post(
            &anon,
            webhook,
            signed(&s, &order_id, "settlement", "200", "1000.00").await,
        )
        .await;
    assert_eq!(
        (status.as_u16(), b["code"].as_str()),
        (400, Some("amount_mismatch"))
    );
    // Unknown order.
    let (status, _) = s
        .post(
            &anon,
            webhook,
            signed(&s, "BD-LPSR-000000000000", "settlement", "200", "10000.00").await,
        )
        .await;
    assert_eq!(status, 404);
    // Not JSON; JSON without the required fields.
    let res = anon
        .post(s.url(webhook))
        .header("content-type", "application/json")
        .body("{oops")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    let (status, b) = s.post(&anon, webhook, json!({"order_id": order_id})).await;
    assert_eq!(
        (status.as_u16(), b["status"].as_str()),
        (200, Some("ignored"))
    );
    let user = user_row(&s, USER_PHONE).await;
    assert_eq!(user.total_quota_purchased_mb, 0);

    // The real settlement (the customer pays on Midtrans, whose status API confirms it), then
    // a replay of an older pending: still paid, credited once.
    s.app.pay_sim().pay(&order_id).unwrap();
    let (status, _) = s
        .post(
            &anon,
            webhook,
            signed(&s, &order_id, "settlement", "200", "10000.00").await,
        )
        .await;
    assert_eq!(status, 200);
    let (status, b) = s
        .post(
            &anon,
            webhook,
            signed(&s, &order_id, "pending", "201", "10000.00").await,
        )
        .await;
    assert_eq!(
        (status.as_u16(), b["message"].as_str()),
        (200, Some("Stale notification ignored"))
    );
    let (status, b) = s
        .post(
            &anon,
            webhook,
            signed(&s, &order_id, "settlement", "200", "10000.00").await,
        )
        .await;
    assert_eq!(
        (status.as_u16(), b["message"].as_str()),
        (200, Some("Duplicate notification"))
    );
    let (_, d) = s
        .get(
            &client,
            &format!("/api/transactions/by-order-id/{order_id}"),
        )
        .await;
    assert_eq!(d["status"], "SUCCESS");
    assert_eq!(
        user_row(&s, USER_PHONE).await.total_quota_purchased_mb,
        2048
    );
    assert_eq!(purchase_ledger_rows(&s, USER_PHONE).await, 1);

    // An inactive package cannot be bought; another user's order is not found.
    let (_, p) = body(
        admin
            .put(s.url(&format!("/api/admin/packages/{package}")))
            .json(&json!({"name": "Paket B", "price": 10_000, "data_quota_gb": 2, "duration_days": 7, "profile_id": order_profile(&s, &admin).await, "is_active": false}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(p["is_active"], false, "{p}");
    let (status, b) = s
        .post(
            &client,
            "/api/transactions/initiate",
            json!({"package_id": package}),
        )
        .await;
    assert_eq!(
        (status.as_u16(), b["code"].as_str()),
        (400, Some("package_inactive"))
    );
    let (status, _) = s
        .post(
            &client,
            "/api/transactions/initiate",
            json!({"package_id": "not-a-uuid"}),
        )
        .await;
    assert_eq!(status, 422);
    let other = buyer(&s, &admin, "081234567802").await;
    let (status, b) = s
        .get(&other, &format!("/api/transactions/by-order-id/{order_id}"))
        .await;
    assert_eq!(
        (status.as_u16(), b["code"].as_str()),
        (404, Some("transaction_not_found"))
    );
    let (status, _) = s
        .get(
            &new_client(),
            &format!("/api/transactions/by-order-id/{order_id}"),
        )
        .await;
    assert_eq!(status, 401);
}

async fn order_profile(s: &Spawned, admin: &Client) -> String {
    let (_, profiles) = s.get(admin, "/api/admin/profiles").await;
    profiles[0]["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn a_settlement_after_our_expiry_is_credited_and_lost_notifications_are_reconciled() {
    let s = spawn_with_payments(&[("PAYMENT_PROVIDER_MODE", "core_api")], 2).await;
    let admin = s.admin_client(true).await;
    let package = s.admin_package(&admin, "Paket C", 10_000, 1.0, 30).await;
    let client = buyer(&s, &admin, USER_PHONE).await;
    let (_, order) = s
        .post(
            &client,
            "/api/transactions/initiate",
            json!({"package_id": package, "payment_method": "va", "va_bank": "bni"}),
        )
        .await;
    let order_id = order["order_id"].as_str().unwrap().to_owned();

    // Our clock passes the payment window: the job expires the order locally.
    s.app.clock.advance(chrono::Duration::minutes(30));
    assert_eq!(saring_app::payments::expire_stale(&s.app).await.unwrap(), 1);
    assert_eq!(saring_app::payments::expire_stale(&s.app).await.unwrap(), 0);
    let (_, d) = s
        .get(
            &client,
            &format!("/api/transactions/by-order-id/{order_id}"),
        )
        .await;
    assert_eq!(d["status"], "EXPIRED");

    // The customer had paid meanwhile: the settlement still credits them.
    s.app.pay_sim().pay(&order_id).unwrap();
    s.wait_status(&client, &order_id, "SUCCESS").await;
    assert_eq!(
        user_row(&s, USER_PHONE).await.total_quota_purchased_mb,
        1024
    );

    // Notifications lost: the reconciliation finds the payment and applies it once.
    s.app.pay_sim().set_notification_url(None);
    let (_, second) = s
        .post(
            &client,
            "/api/transactions/initiate",
            json!({"package_id": package, "payment_method": "qris"}),
        )
        .await;
    let second_id = second["order_id"].as_str().unwrap().to_owned();
    s.app.pay_sim().pay(&second_id).unwrap();
    s.app.clock.advance(chrono::Duration::minutes(3));
    let report = saring_app::payments::reconcile_stale(&s.app, 50)
        .await
        .unwrap();
    assert_eq!(report.applied, 1, "{report:?}");
    let again = saring_app::payments::reconcile_stale(&s.app, 50)
        .await
        .unwrap();
    assert_eq!(again.applied, 0, "{again:?}");
    assert_eq!(
        user_row(&s, USER_PHONE).await.total_quota_purchased_mb,
        2048
    );
    // The admin action answers for one order (and is logged).
    let (status, r) = s
        .post(
            &admin,
            &format!("/api/admin/transactions/{second_id}/reconcile"),
            json!({}),
        )
        .await;
    assert_eq!(status, 200, "{r}");
    assert_eq!(
        (
            r["transaction_status"].as_str(),
            r["midtrans_status"].as_str(),
            r["quota_applied"].as_bool()
        ),
        (Some("SUCCESS"), Some("settlement"), Some(false))
    );
    let (_, logs) = s
        .get(
            &admin,
            "/api/admin/action-logs?action_type=TRANSACTION_RECONCILE",
        )
        .await;
    assert_eq!(logs["total"], 1, "{logs}");
}

#[tokio::test]
async fn the_breaker_closes_payments_and_alerts_admins() {
    let s = spawn_with_payments(&[], 2).await;
    let admin = s.admin_client(true).await;
    let package = s.admin_package(&admin, "Paket D", 10_000, 1.0, 30).await;
    let client = buyer(&s, &admin, USER_PHONE).await;
    let (_, a) = s
        .get(&new_client(), "/api/settings/payment-availability")
        .await;
    assert_eq!(
        (a["available"].as_bool(), a["circuit_state"].as_str()),
        (Some(true), Some("closed"))
    );
    let (status, st) = s
        .post(&admin, "/api/admin/midtrans/selftest", json!({}))
        .await;
    assert_eq!(
        (status.as_u16(), st["ok"].as_bool()),
        (200, Some(true)),
        "{st}"
    );

    // Midtrans goes away: five failures open the circuit.
    s.app.pay_sim().stop().await;
    for _ in 0..5 {
        let (status, b) = s
            .post(
                &client,
                "/api/transactions/initiate",
                json!({"package_id": package}),
            )
            .await;
        assert_eq!(
            (status.as_u16(), b["code"].as_str()),
            (503, Some("payment_unavailable")),
            "{b}"
        );
    }
    let (_, a) = s
        .get(&new_client(), "/api/settings/payment-availability")
        .await;
    assert_eq!(
        (
            a["available"].as_bool(),
            a["circuit_state"].as_str(),
            a["reason"].as_str()
        ),
        (Some(false), Some("open"), Some("circuit_open")),
        "{a}"
    );
    assert!(a["retry_after_seconds"].as_u64().unwrap() > 0);
    let (status, _) = s
        .post(
            &client,
            "/api/transactions/initiate",
            json!({"package_id": package}),
        )
        .await;
    assert_eq!(status, 503);
    let alerts = s
        .app
        .messenger
        .sent_to(&Phone::parse(common::SUPER_PHONE).unwrap());
    assert_eq!(
        alerts
            .iter()
            .filter(|m| m.text.contains("Midtrans"))
            .count(),
        1,
        "{alerts:?}"
    );
}

#[tokio::test]
async fn the_router_being_down_never_loses_a_purchase() {
    let s = spawn_with_payments(&[], 2).await;
    let admin = s.admin_client(true).await;
    let package = s.admin_package(&admin, "Paket E", 10_000, 1.0, 30).await;
    let client = buyer(&s, &admin, USER_PHONE).await;
    let (_, order) = s
        .post(
            &client,
            "/api/transactions/initiate",
            json!({"package_id": package}),
        )
        .await;
    let order_id = order["order_id"].as_str().unwrap().to_owned();
    s.app.sim().set_down(true);
    s.app.pay_sim().pay(&order_id).unwrap();
    s.wait_status(&client, &order_id, "SUCCESS").await;
    assert_eq!(
        user_row(&s, USER_PHONE).await.total_quota_purchased_mb,
        1024
    );
    // The request's own attempt at the router fails and hands the sync to the worker (the
    // status may show SUCCESS a moment before that attempt gives up).
    let mut pending = Vec::new();
    for _ in 0..100 {
        pending = outbox::list(
            s.app.db(),
            Some(saring_store::entities::enums::OutboxStatus::Pending),
            10,
        )
        .await
        .unwrap();
        if pending.iter().any(|(i, _)| i.kind == "policy_sync_user") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(
        pending.iter().any(|(i, _)| i.kind == "policy_sync_user"),
        "{pending:?}"
    );
    // The router comes back; the worker's outbox runs bring it in line (the pool backs off
    // for a moment after the failures, in real time).
    s.app.sim().set_down(false);
    let mut synced = false;
    for _ in 0..40 {
        s.app.clock.advance(chrono::Duration::minutes(1));
        saring_app::router::user_sync::run_outbox(&s.app, 10)
            .await
            .unwrap();
        synced = s
            .app
            .sim()
            .users()
            .iter()
            .any(|u| u.name == "081234567801" && u.profile.as_deref() == Some("profile-aktif"));
        if synced {
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    assert!(synced, "{:?}", s.app.sim().users());
}
