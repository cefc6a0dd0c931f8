//! `MidtransClient` against the `SimulatedGateway`, and the simulator's notifications.
#![allow(clippy::unwrap_used)] // tests may unwrap (workspace lint)

mod common;

use std::time::Duration;

use chrono::Utc;
use common::phone;
use saring_domain::{OrderId, Rupiah};
use saring_gateways::payments::sim::DeliveryRecord;
use saring_gateways::{
    ChargeRequest, ChargeResponse, CustomerDetails, ItemDetail, MidtransClient, MidtransConfig,
    Notification, PaymentError, PaymentGateway, PaymentMethod, PaymentStatus, SimConfig, SimHandle,
    SimulatedGateway, SnapRequest, Transition, VaBank, install_crypto_provider, transition,
};
use secrecy::SecretString;
use serde_json::{Value, json};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

const WAIT: Duration = Duration::from_secs(5);

fn order_id() -> OrderId {
    OrderId::parse(&format!(
        "BD-LPSR-{}",
        &uuid::Uuid::new_v4().simple().to_string()[..12].to_uppercase()
    ))
    .unwrap()
}

fn customer() -> CustomerDetails {
    CustomerDetails {
        first_name: "Budi".into(),
        phone: Some(phone("081234567890")),
        ..CustomerDetails::default()
    }
}

fn charge_req(order_id: &OrderId, method: PaymentMethod, bank: Option<VaBank>) -> ChargeRequest {
    ChargeRequest {
        order_id: order_id.clone(),
        gross_amount: Rupiah(10_000),
        item: ItemDetail::new("pkg-10gb", "Paket 10 GB", Rupiah(10_000)),
        customer: customer(),
        method,
        bank,
        expiry_minutes: Some(15),
        callback_url: Some("http://portal.local/payment/finish".into()),
    }
}

/// Charges a fresh order.
async fn charge_new(
    gw: &MidtransClient,
    method: PaymentMethod,
    bank: Option<VaBank>,
) -> ChargeResponse {
    gw.charge(&charge_req(&order_id(), method, bank))
        .await
        .unwrap()
}

/// Creates a pending QRIS charge and returns its order id.
async fn qris_order(gw: &MidtransClient) -> OrderId {
    let id = order_id();
    gw.charge(&charge_req(&id, PaymentMethod::Qris, None))
        .await
        .unwrap();
    id
}

fn snap_req(order_id: &OrderId) -> SnapRequest {
    SnapRequest {
        order_id: order_id.clone(),
        gross_amount: Rupiah(25_000),
        item: ItemDetail::new("pkg-25gb", "Paket 25 GB", Rupiah(25_000)),
        customer: customer(),
        finish_url: Some("http://portal.local/payment/finish?t=abc".into()),
        expiry_minutes: Some(30),
    }
}

/// A simulator with fast retries; notifications go to `receiver` when given.
async fn sim(receiver: Option<&MockServer>, notify_pending: bool) -> SimHandle {
    install_crypto_provider();
    SimulatedGateway::start(
        "127.0.0.1:0",
        SimConfig {
            notification_url: receiver
                .map(|r| format!("{}/api/transactions/notification", r.uri())),
            retry_delays: vec![Duration::from_millis(5)],
            delivery_timeout: Duration::from_millis(500),
            notify_pending,
            ..SimConfig::default()
        },
    )
    .await
    .unwrap()
}

async fn receiver(status: u16) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(status))
        .mount(&server)
        .await;
    server
}

/// A receiver answering `status`, a simulator notifying it, and a client for the simulator.
async fn setup(status: u16, notify_pending: bool) -> (MockServer, SimHandle, MidtransClient) {
    let rx = receiver(status).await;
    let sim = sim(Some(&rx), notify_pending).await;
    let gw = client(&sim);
    (rx, sim, gw)
}

fn no_redirects() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// The pay page of an order, as HTML.
async fn pay_page(http: &reqwest::Client, sim: &SimHandle, id: &OrderId) -> String {
    let url = sim.pay_page_url(id.as_str());
    http.get(url).send().await.unwrap().text().await.unwrap()
}

/// Submits the pay page's form.
async fn press(
    http: &reqwest::Client,
    sim: &SimHandle,
    id: &OrderId,
    form: &[(&str, &str)],
) -> reqwest::Response {
    let url = sim.pay_page_url(id.as_str());
    http.post(url).form(form).send().await.unwrap()
}

fn client(sim: &SimHandle) -> MidtransClient {
    sim.client().unwrap()
}

fn wrong_key_client(sim: &SimHandle) -> MidtransClient {
    MidtransClient::new(MidtransConfig::for_simulator(
        sim.base_url(),
        SecretString::from("SB-Mid-server-WRONG"),
    ))
    .unwrap()
}

#[tokio::test]
async fn snap_flow_status_404_until_a_method_is_chosen() {
    let (_rx, sim, gw) = setup(200, true).await;
    let id = order_id();
    let session = gw.create_snap(&snap_req(&id)).await.unwrap();
    assert!(!session.token.is_empty());
    assert_eq!(
        session.redirect_url,
        format!("{}/snap/v2/vtweb/{}", sim.base_url(), session.token)
    );

    // Before the customer picks a method Midtrans knows no transaction.
    assert_eq!(gw.status(&id).await, Ok(None));

    // The redirect URL leads to the pay page.
    let http = no_redirects();
    let r = http.get(&session.redirect_url).send().await.unwrap();
    assert_eq!(r.status(), 302);
    assert_eq!(r.headers()["location"], format!("/pay/{}", id.as_str()));

    sim.pay_with(id.as_str(), "bni").unwrap();
    let status = gw.status(&id).await.unwrap().unwrap();
    assert_eq!(status.transaction_status, "settlement");
    assert_eq!(status.status(), PaymentStatus::Success);
    assert_eq!(status.payment_type.as_deref(), Some("bank_transfer"));
    assert_eq!(status.bank.as_deref(), Some("bni"));
    assert!(status.va_number.as_deref().unwrap().starts_with("988"));
    assert_eq!(status.gross_amount, "25000.00");
    assert!(status.verify_signature(sim.server_key()));
    assert!(status.settlement_time.is_some());

    // Choosing the method notifies `pending`, paying notifies `settlement`.
    let records = sim.wait_for_deliveries(2, WAIT).await;
    let statuses: Vec<&str> = records
        .iter()
        .map(|r| r.transaction_status.as_str())
        .collect();
    assert_eq!(statuses, ["pending", "settlement"]);
    sim.stop().await;
}

#[tokio::test]
async fn core_api_charges_for_every_method() {
    let sim = sim(None, false).await;
    let gw = client(&sim);
    let before = Utc::now();

    let id = order_id();
    let qris = gw
        .charge(&charge_req(&id, PaymentMethod::Qris, None))
        .await
        .unwrap();
    assert_eq!(qris.payment_type, "qris");
    assert_eq!(qris.transaction_status, "pending");
    assert_eq!(qris.status(), PaymentStatus::Pending);
    assert_eq!(qris.status_code, "201");
    assert!(uuid::Uuid::parse_str(&qris.transaction_id).is_ok());
    assert!(
        qris.qr_string
            .as_deref()
            .unwrap()
            .starts_with("000201010212")
    );
    assert!(
        qris.qr_url
            .as_deref()
            .unwrap()
            .ends_with("/qr-code?version=2"),
        "v2 preferred"
    );
    assert_eq!(qris.raw["acquirer"], "gopay");
    let expiry = qris.expiry_time.unwrap();
    assert!(expiry >= before + chrono::Duration::minutes(15) - chrono::Duration::seconds(2));
    assert!(expiry <= Utc::now() + chrono::Duration::minutes(15) + chrono::Duration::seconds(2));
    // The QR image is served.
    let svg = reqwest::get(qris.qr_url.as_deref().unwrap()).await.unwrap();
    assert_eq!(svg.headers()["content-type"], "image/svg+xml");
    assert!(svg.text().await.unwrap().contains("<svg"));

    for (method, deeplink) in [
        (PaymentMethod::Gopay, true),
        (PaymentMethod::Shopeepay, true),
    ] {
        let r = charge_new(&gw, method, None).await;
        assert_eq!(r.payment_type, method.as_str());
        assert!(r.qr_url.is_some());
        assert_eq!(r.deeplink_url.is_some(), deeplink);
    }

    for bank in [VaBank::Bca, VaBank::Bni, VaBank::Bri, VaBank::Cimb] {
        let r = charge_new(&gw, PaymentMethod::Va, Some(bank)).await;
        assert_eq!(r.payment_type, "bank_transfer");
        assert_eq!(r.bank.as_deref(), Some(bank.as_str()));
        assert!(
            r.va_number
                .as_deref()
                .unwrap()
                .chars()
                .all(|c| c.is_ascii_digit())
        );
        assert_eq!(r.raw["va_numbers"][0]["bank"], bank.as_str());
        assert!(r.qr_url.is_none());
    }
    let default_bank = charge_new(&gw, PaymentMethod::Va, None).await;
    assert_eq!(default_bank.bank.as_deref(), Some("bni"));

    let permata = charge_new(&gw, PaymentMethod::Va, Some(VaBank::Permata)).await;
    assert_eq!(permata.bank.as_deref(), Some("permata"));
    assert_eq!(
        permata.va_number.as_deref(),
        permata.raw["permata_va_number"].as_str()
    );

    let mandiri = charge_new(&gw, PaymentMethod::Va, Some(VaBank::Mandiri)).await;
    assert_eq!(mandiri.payment_type, "echannel");
    assert_eq!(mandiri.biller_code.as_deref(), Some("70012"));
    assert_eq!(mandiri.bill_key.as_deref().map(str::len), Some(12));
    assert!(mandiri.va_number.is_none());
    let va_expiry = mandiri.expiry_time.unwrap();
    assert!(
        va_expiry <= Utc::now() + chrono::Duration::minutes(16),
        "custom_expiry honoured"
    );

    // Status by order id and by transaction id.
    let s = gw.status(&id).await.unwrap().unwrap();
    assert_eq!(
        s.transaction_id.as_deref(),
        Some(qris.transaction_id.as_str())
    );
    assert_eq!(s.status(), PaymentStatus::Pending);
    assert_eq!(s.status_code, "201");
    assert!(s.verify_signature(sim.server_key()));
    let by_trx = OrderId::parse(&qris.transaction_id).unwrap();
    assert_eq!(
        gw.status(&by_trx).await.unwrap().unwrap().order_id,
        id.as_str()
    );
    sim.stop().await;
}

#[tokio::test]
async fn cancel_expire_and_order_id_reuse() {
    let sim = sim(None, false).await;
    let gw = client(&sim);

    let id = qris_order(&gw).await;
    assert_eq!(gw.cancel(&id).await, Ok(PaymentStatus::Cancelled));
    assert_eq!(
        gw.status(&id).await.unwrap().unwrap().transaction_status,
        "cancel"
    );
    // Not pending any more.
    assert!(matches!(
        gw.cancel(&id).await,
        Err(PaymentError::Rejected {
            status_code: 412,
            ..
        })
    ));
    // A cancelled order id may be charged again.
    let again = gw
        .charge(&charge_req(&id, PaymentMethod::Va, Some(VaBank::Bri)))
        .await
        .unwrap();
    assert_eq!(again.transaction_status, "pending");

    let id = order_id();
    gw.charge(&charge_req(&id, PaymentMethod::Gopay, None))
        .await
        .unwrap();
    assert_eq!(gw.expire(&id).await, Ok(PaymentStatus::Expired));
    let s = gw.status(&id).await.unwrap().unwrap();
    assert_eq!(
        (s.transaction_status.as_str(), s.status_code.as_str()),
        ("expire", "407")
    );
    assert_eq!(s.status(), PaymentStatus::Expired);

    // Unknown orders.
    let unknown = order_id();
    assert_eq!(gw.status(&unknown).await, Ok(None));
    assert!(matches!(
        gw.cancel(&unknown).await,
        Err(PaymentError::Rejected {
            status_code: 404,
            ..
        })
    ));

    // A paid order id cannot be charged again (406); a pending one neither.
    let paid = qris_order(&gw).await;
    sim.pay(paid.as_str()).unwrap();
    let err = gw
        .charge(&charge_req(&paid, PaymentMethod::Qris, None))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, PaymentError::Rejected { status_code: 406, messages } if messages[0].contains("paid")),
        "{err}"
    );
    assert!(!err.is_transient());
    sim.stop().await;
}

#[tokio::test]
async fn wrong_key_duplicates_and_bad_amounts_are_refused() {
    let sim = sim(None, false).await;
    let gw = client(&sim);
    let bad = wrong_key_client(&sim);
    let id = order_id();
    assert_eq!(
        bad.create_snap(&snap_req(&id)).await,
        Err(PaymentError::Unauthorized)
    );
    assert_eq!(
        bad.charge(&charge_req(&id, PaymentMethod::Qris, None))
            .await,
        Err(PaymentError::Unauthorized)
    );
    assert_eq!(bad.status(&id).await, Err(PaymentError::Unauthorized));
    assert_eq!(bad.self_test().await, Err(PaymentError::Unauthorized));

    gw.create_snap(&snap_req(&id)).await.unwrap();
    let dup = gw.create_snap(&snap_req(&id)).await.unwrap_err();
    assert!(
        matches!(&dup, PaymentError::Rejected { status_code: 400, messages } if messages[0].contains("sudah digunakan")),
        "{dup}"
    );

    let mut mismatch = snap_req(&order_id());
    mismatch.item.price = Rupiah(20_000);
    let err = gw.create_snap(&mismatch).await.unwrap_err();
    assert!(
        matches!(&err, PaymentError::Rejected { status_code: 400, messages } if messages.iter().any(|m| m.contains("sum of item_details"))),
        "{err}"
    );

    let mut zero = charge_req(&order_id(), PaymentMethod::Qris, None);
    zero.gross_amount = Rupiah(0);
    zero.item.price = Rupiah(0);
    assert!(matches!(
        gw.charge(&zero).await,
        Err(PaymentError::Rejected {
            status_code: 400,
            ..
        })
    ));

    let report = gw.self_test().await.unwrap();
    assert_eq!(report.environment, "custom");
    assert_eq!(report.checks.len(), 2);
    assert_eq!(report.core_base_url, format!("{}/v2", sim.base_url()));
    sim.stop().await;
}

#[tokio::test]
async fn pay_page_buttons_settle_deny_and_expire() {
    let (_rx, sim, gw) = setup(200, false).await;
    let http = no_redirects();

    let id = order_id();
    let va = gw
        .charge(&charge_req(&id, PaymentMethod::Va, Some(VaBank::Bca)))
        .await
        .unwrap();
    let page = pay_page(&http, &sim, &id).await;
    for text in [
        "Bayar",
        "Gagalkan",
        "Kedaluwarsa",
        "Rp 10.000",
        "Menunggu pembayaran",
        va.va_number.as_deref().unwrap(),
    ] {
        assert!(page.contains(text), "{text} missing");
    }
    let r = press(&http, &sim, &id, &[("action", "pay")]).await;
    assert_eq!(r.status(), 303);
    assert_eq!(
        gw.status(&id).await.unwrap().unwrap().status(),
        PaymentStatus::Success
    );
    let page = pay_page(&http, &sim, &id).await;
    assert!(page.contains("Lunas") && !page.contains("Gagalkan"));

    let denied = qris_order(&gw).await;
    press(&http, &sim, &denied, &[("action", "deny")]).await;
    assert_eq!(
        gw.status(&denied).await.unwrap().unwrap().status(),
        PaymentStatus::Failed
    );

    // A Snap page lets the customer pick a method and returns to the finish URL.
    let snap = order_id();
    gw.create_snap(&snap_req(&snap)).await.unwrap();
    let page = pay_page(&http, &sim, &snap).await;
    assert!(page.contains("<select name=\"method\">"));
    let r = press(
        &http,
        &sim,
        &snap,
        &[("action", "expire"), ("method", "mandiri")],
    )
    .await;
    assert_eq!(r.status(), 303);
    assert_eq!(
        r.headers()["location"],
        format!(
            "http://portal.local/payment/finish?t=abc&order_id={}&status_code=407&transaction_status=expire",
            snap.as_str()
        )
    );
    let s = gw.status(&snap).await.unwrap().unwrap();
    assert_eq!(
        (s.status(), s.payment_type.as_deref()),
        (PaymentStatus::Expired, Some("echannel"))
    );
    sim.stop().await;
}

fn parsed(record: &DeliveryRecord) -> Notification {
    Notification::from_value(record.body.clone()).unwrap()
}

#[tokio::test]
async fn notifications_are_signed_midtrans_payloads() {
    let (rx, sim, gw) = setup(200, true).await;
    let id = order_id();
    gw.charge(&charge_req(&id, PaymentMethod::Va, Some(VaBank::Permata)))
        .await
        .unwrap();
    sim.pay(id.as_str()).unwrap();
    let records = sim.wait_for_deliveries(2, WAIT).await;
    assert_eq!(records.len(), 2);
    let (pending, settled) = (parsed(&records[0]), parsed(&records[1]));
    assert_eq!(
        (
            pending.transaction_status.as_str(),
            pending.status_code.as_str()
        ),
        ("pending", "201")
    );
    assert_eq!(
        (
            settled.transaction_status.as_str(),
            settled.status_code.as_str()
        ),
        ("settlement", "200")
    );
    for n in [&pending, &settled] {
        assert!(n.verify_signature(sim.server_key()));
        assert_eq!(n.gross_amount, "10000.00");
        assert_eq!(
            n.status_message.as_deref(),
            Some("midtrans payment notification")
        );
        assert!(uuid::Uuid::parse_str(n.transaction_id.as_deref().unwrap()).is_ok());
        assert_eq!(n.bank.as_deref(), Some("permata"));
        assert!(n.transaction_time.is_some() && n.expiry_time.is_some());
    }
    // WIB strings: a naive time 7 hours ahead of UTC.
    let raw_time = settled.raw["settlement_time"].as_str().unwrap();
    assert_eq!(raw_time.len(), "2026-03-01 14:05:09".len());
    let paid = settled.settlement_time.unwrap();
    assert!((Utc::now() - paid).num_seconds().abs() < 5);
    assert!(
        records
            .iter()
            .all(|r| r.http_status == Some(200) && r.attempt == 1)
    );

    // What the app's webhook receives.
    let received = rx.received_requests().await.unwrap();
    assert_eq!(received.len(), 2);
    assert_eq!(received[1].url.path(), "/api/transactions/notification");
    assert_eq!(received[1].headers["content-type"], "application/json");
    let body: Value = received[1].body_json().unwrap();
    assert_eq!(body["transaction_status"], "settlement");

    // A reversal (settlement -> deny) is notified too.
    sim.reverse(id.as_str()).unwrap();
    let records = sim.wait_for_deliveries(3, WAIT).await;
    let reversal = parsed(&records[2]);
    assert_eq!(
        (
            reversal.transaction_status.as_str(),
            reversal.status_code.as_str()
        ),
        ("deny", "202")
    );
    assert_eq!(
        transition(PaymentStatus::Success, reversal.status()),
        Transition::Reverse
    );
    assert!(
        sim.reverse(id.as_str()).is_err(),
        "only a settlement can be reversed"
    );
    sim.stop().await;
}

#[tokio::test]
async fn duplicate_reordered_badly_signed_and_delayed_deliveries() {
    let (_rx, sim, gw) = setup(200, false).await;

    // Duplicates.
    sim.duplicate_deliveries(3);
    let id = qris_order(&gw).await;
    sim.pay(id.as_str()).unwrap();
    let records = sim.wait_for_deliveries(3, WAIT).await;
    assert_eq!(records.len(), 3);
    assert!(records.iter().all(|r| r.transaction_status == "settlement"));
    let mut copies: Vec<u32> = records.iter().map(|r| r.copy).collect();
    copies.sort_unstable();
    assert_eq!(copies, [0, 1, 2]);
    assert_eq!(
        parsed(&records[0]).dedup_key(),
        parsed(&records[2]).dedup_key()
    );
    sim.reset_switches();
    sim.clear_deliveries();

    // Out of order: a stale pending arrives after the settlement.
    sim.reorder(true);
    let id = qris_order(&gw).await;
    sim.pay(id.as_str()).unwrap();
    let records = sim.wait_for_deliveries(2, WAIT).await;
    assert_eq!(records[0].transaction_status, "settlement");
    assert_eq!(
        (records[1].transaction_status.as_str(), records[1].stale),
        ("pending", true)
    );
    let stale = parsed(&records[1]);
    assert!(stale.verify_signature(sim.server_key()));
    assert_eq!(
        transition(PaymentStatus::Success, stale.status()),
        Transition::Ignore
    );
    sim.reset_switches();
    sim.clear_deliveries();

    // Bad signature.
    sim.bad_signature(true);
    let id = qris_order(&gw).await;
    sim.deny(id.as_str()).unwrap();
    let records = sim.wait_for_deliveries(1, WAIT).await;
    assert!(!parsed(&records[0]).verify_signature(sim.server_key()));
    sim.reset_switches();
    sim.clear_deliveries();

    // Delay.
    sim.delay(Duration::from_millis(300));
    let id = qris_order(&gw).await;
    let asked = Utc::now();
    sim.expire(id.as_str()).unwrap();
    assert!(
        sim.wait_for_deliveries(1, Duration::from_millis(150))
            .await
            .is_empty()
    );
    let records = sim.wait_for_deliveries(1, WAIT).await;
    assert!((records[0].at - asked).num_milliseconds() >= 300);
    assert_eq!(records[0].transaction_status, "expire");
    sim.stop().await;
}

/// Pays one order with the app answering `status` and returns the attempts made (waiting
/// for `expected` of them, then a little longer for any extra one).
async fn attempts_when_app_answers(status: u16, expected: usize) -> Vec<DeliveryRecord> {
    let rx = receiver(status).await;
    let sim = sim(Some(&rx), false).await;
    let gw = client(&sim);
    let id = qris_order(&gw).await;
    sim.pay(id.as_str()).unwrap();
    sim.wait_for_deliveries(expected, WAIT).await;
    tokio::time::sleep(Duration::from_millis(150)).await;
    let records = sim.deliveries();
    sim.stop().await;
    records
}

#[tokio::test]
async fn retries_follow_the_apps_answer() {
    for (status, attempts) in [
        (200, 1),
        (201, 1),
        (302, 1),
        (500, 2),
        (503, 5),
        (400, 3),
        (404, 3),
        (403, 6),
    ] {
        let records = attempts_when_app_answers(status, attempts).await;
        assert_eq!(records.len(), attempts, "HTTP {status}");
        let numbers: Vec<u32> = records.iter().map(|r| r.attempt).collect();
        assert_eq!(
            numbers,
            (1..=attempts as u32).collect::<Vec<_>>(),
            "HTTP {status}"
        );
        assert!(records.iter().all(|r| r.http_status == Some(status)));
    }
}

#[tokio::test]
async fn unreachable_apps_get_five_retries_and_no_url_gets_none() {
    let sim = sim(None, false).await;
    let gw = client(&sim);
    // Nothing listens on port 9.
    sim.set_notification_url(Some("http://127.0.0.1:9/notify".into()));
    let id = qris_order(&gw).await;
    sim.pay(id.as_str()).unwrap();
    sim.wait_for_deliveries(6, WAIT).await;
    tokio::time::sleep(Duration::from_millis(150)).await;
    let records = sim.deliveries();
    assert_eq!(records.len(), 6);
    assert!(
        records
            .iter()
            .all(|r| r.http_status.is_none() && r.error.is_some())
    );

    sim.set_notification_url(None);
    sim.clear_deliveries();
    let id = qris_order(&gw).await;
    sim.pay(id.as_str()).unwrap();
    let records = sim.wait_for_deliveries(2, Duration::from_millis(300)).await;
    assert_eq!(records.len(), 1);
    assert_eq!(
        records[0].error.as_deref(),
        Some("no notification URL configured")
    );
    sim.stop().await;
}

#[tokio::test]
async fn overdue_orders_expire_by_themselves() {
    install_crypto_provider();
    let rx = receiver(200).await;
    let sim = SimulatedGateway::start(
        "127.0.0.1:0",
        SimConfig {
            notification_url: Some(rx.uri()),
            notify_pending: false,
            expiry_check_interval: Duration::from_millis(20),
            ..SimConfig::default()
        },
    )
    .await
    .unwrap();
    let gw = client(&sim);
    let id = order_id();
    // custom_expiry in seconds, straight to the simulator.
    let body = json!({
        "payment_type": "qris",
        "transaction_details": {"order_id": id.as_str(), "gross_amount": 5000},
        "custom_expiry": {"expiry_duration": 1, "unit": "second"},
    });
    let r = reqwest::Client::new()
        .post(format!("{}/v2/charge", sim.base_url()))
        .basic_auth(sim.server_key(), Some(""))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let records = sim.wait_for_deliveries(1, WAIT).await;
    assert_eq!(records[0].transaction_status, "expire");
    assert_eq!(
        gw.status(&id).await.unwrap().unwrap().status(),
        PaymentStatus::Expired
    );
    sim.stop().await;
}
