//! Measurements of two whole flows against the simulators, run by `cargo xtask bench flows`
//! (ignored in the normal test run: they print numbers, they do not check them):
//!
//! * a payment: the customer pays on the simulated Midtrans → its notification reaches the
//!   API → the quota is credited → the user's hotspot user on the router has its new limit.
//!   Also counted: router write bursts per payment (commands that change something) and the
//!   router syncs still waiting in the outbox afterwards (each would write again).
//! * a captive login: `verify-otp` with a hotspot context → the device bound on the router,
//!   with 1 and with 20 routers configured.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::{Duration, Instant};

use common::{Spawned, new_client, spawn_with, spawn_with_payments};
use saring_domain::router::RouterSpec;
use saring_store::entities::enums::OutboxStatus;
use saring_store::repo::outbox;
use serde_json::json;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let idx = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[idx.min(sorted.len() - 1)]
}

fn report(name: &str, mut samples: Vec<Duration>) {
    samples.sort();
    println!(
        "{name}: n={} p50={:.1} ms p99={:.1} ms max={:.1} ms",
        samples.len(),
        percentile(&samples, 0.5).as_secs_f64() * 1000.0,
        percentile(&samples, 0.99).as_secs_f64() * 1000.0,
        samples.last().unwrap().as_secs_f64() * 1000.0
    );
}

fn limit_of(s: &Spawned, name: &str) -> Option<u64> {
    s.app
        .sim()
        .users()
        .into_iter()
        .find(|u| u.name == name)
        .and_then(|u| u.limit_bytes_total)
}

#[tokio::test]
#[ignore = "a measurement: cargo xtask bench flows"]
async fn payment_to_router_latency() {
    let s = spawn_with_payments(&[("OTP_REQUEST_COOLDOWN_SECONDS", "0")], 2).await;
    let admin = s.admin_client(true).await;
    let package = s.admin_package(&admin, "Paket 1 GB", 10_000, 1.0, 30).await;
    let phone = "081234567890";
    s.approved_user(&admin, phone).await;
    let (client, _) = s.login_from_device(phone, 0).await;
    let name = saring_domain::Phone::parse(phone).unwrap().local();
    let sim = s.app.pay_sim();
    let mut latencies = Vec::new();
    let mut writes = Vec::new();
    let mut left_queued = 0;
    let rounds = 200;
    let buyer = saring_store::repo::users::find_by_phone(
        s.app.db(),
        &saring_domain::Phone::parse(phone).unwrap(),
    )
    .await
    .unwrap()
    .unwrap();
    let package_id = uuid::Uuid::parse_str(&package).unwrap();
    let gateway = s.app.payments().unwrap().clone();
    for _ in 0..rounds {
        // The order as initiating it leaves it (initiation itself is rate-limited per user).
        let order_id = new_order(&s, &gateway, buyer.id, package_id).await;
        let before = limit_of(&s, &name);
        s.app.sim().record(true);
        let started = Instant::now();
        sim.pay(&order_id).unwrap();
        loop {
            if limit_of(&s, &name) != before {
                break;
            }
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "the router never changed"
            );
            tokio::time::sleep(Duration::from_micros(200)).await;
        }
        latencies.push(started.elapsed());
        s.wait_status(&client, &order_id, "SUCCESS").await;
        // Let the request finish whatever it does after the router write.
        tokio::time::sleep(Duration::from_millis(20)).await;
        writes.push(s.app.sim().recorded_writes().len());
        s.app.sim().record(false);
        let pending = outbox::list(s.app.db(), Some(OutboxStatus::Pending), 100)
            .await
            .unwrap();
        left_queued += pending
            .iter()
            .filter(|(i, _)| i.kind == "policy_sync_user")
            .count();
        for (item, _) in pending {
            // What the worker would do next; done here so each round starts clean.
            outbox::complete(s.app.db(), item.id, s.app.now())
                .await
                .unwrap();
        }
    }
    report("payment → router change", latencies);
    writes.sort_unstable();
    println!(
        "router writes per payment: median {} (min {}, max {}); router syncs left in the outbox for the worker: {left_queued} of {rounds} payments",
        writes[writes.len() / 2],
        writes[0],
        writes[writes.len() - 1]
    );
}

async fn new_order(
    s: &Spawned,
    gateway: &std::sync::Arc<dyn saring_gateways::payments::PaymentGateway>,
    user: saring_domain::UserId,
    package: uuid::Uuid,
) -> String {
    use saring_domain::{OrderId, PaymentStatus, Rupiah};
    use saring_gateways::payments::{ChargeRequest, CustomerDetails, ItemDetail, PaymentMethod};
    use saring_store::repo::payments::{self, NewTransaction, ProviderMode, TransactionPurpose};
    let order = OrderId::generate("BD-LPSR", rand::random()).unwrap();
    payments::insert(
        s.app.db(),
        &NewTransaction {
            user_id: user,
            package_id: Some(package),
            purpose: TransactionPurpose::Purchase,
            debt_type: None,
            manual_debt_id: None,
            debt_mb: None,
            provider_mode: ProviderMode::CoreApi,
            order_id: order.to_string(),
            amount: 10_000,
            status: PaymentStatus::Pending,
            payment_method: Some("qris".into()),
            va_bank: None,
            expiry_time: None,
            created_by_admin_id: None,
        },
        s.app.now(),
    )
    .await
    .unwrap();
    gateway
        .charge(&ChargeRequest {
            order_id: order.clone(),
            gross_amount: Rupiah(10_000),
            item: ItemDetail::new("pkg", "Paket 1 GB", Rupiah(10_000)),
            customer: CustomerDetails::default(),
            method: PaymentMethod::Qris,
            bank: None,
            expiry_minutes: None,
            callback_url: None,
        })
        .await
        .unwrap();
    order.to_string()
}

/// Routers another 19 sites would add (their own ranges; nobody connects to them here).
async fn add_sites(s: &Spawned, n: u8) {
    for i in 0..n {
        let spec = RouterSpec {
            name: format!("site-{i:02}"),
            host: format!("10.250.{i}.1"),
            port: 8728,
            use_tls: false,
            tls_insecure: false,
            tls_ca_pem: None,
            tls_fingerprint_sha256: None,
            username: "api".into(),
            password: format!("router-password-{i}"),
            hotspot_server_names: vec!["srv-user".into()],
            hotspot_client_cidrs: vec![format!("10.{}.0.0/16", 100 + u16::from(i))],
            is_enabled: true,
        };
        saring_store::repo::routers::create(s.app.db(), s.app.cipher(), &spec, &Default::default())
            .await
            .unwrap();
    }
}

async fn login_latencies(routers: u8) -> Vec<Duration> {
    let rounds = 200;
    let s = spawn_with(
        &[
            ("OTP_REQUEST_COOLDOWN_SECONDS", "0"),
            ("OTP_GLOBAL_SENDS_PER_MINUTE", "100000"),
            ("OTP_GLOBAL_SENDS_PER_HOUR", "1000000"),
        ],
        rounds,
    )
    .await;
    add_sites(&s, routers - 1).await;
    let devices: Vec<(String, String)> = (0..rounds).map(|i| s.device(i)).collect();
    let mut out = Vec::new();
    for (i, (ip, mac)) in devices.iter().enumerate() {
        let phone = format!("0812{:08}", 40_000_000 + i);
        s.app.approved_user(&phone).await;
        let code = s.otp(&phone).await;
        let body = json!({"phone_number": phone, "otp": code, "client_ip": ip, "client_mac": mac});
        // Each login from its own (proxied) address, as many phones behind one portal are.
        let forwarded = format!("10.201.{}.{}", i / 250, i % 250 + 1);
        let started = Instant::now();
        let res = new_client()
            .post(s.url("/api/auth/verify-otp"))
            .header("x-forwarded-for", forwarded)
            .json(&body)
            .send()
            .await
            .unwrap();
        let (st, b) = common::body(res).await;
        out.push(started.elapsed());
        assert_eq!(st, 200, "{b}");
        assert!(b["hotspot_binding_active"].is_boolean(), "{b}");
    }
    out
}

#[tokio::test]
#[ignore = "a measurement: cargo xtask bench flows"]
async fn captive_login_latency_with_1_and_20_routers() {
    for routers in [1, 20] {
        report(
            &format!("captive login (verify-otp → binding), {routers} router(s)"),
            login_latencies(routers).await,
        );
    }
}
