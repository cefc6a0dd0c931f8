//! 1,000 notifications for 100 orders, shuffled and sent concurrently: duplicates, stale
//! pendings, expire-then-settle, denials, forged signatures, wrong amounts and unknown
//! orders. Each paid order must be credited exactly once and nothing else may change.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::HashMap;
use std::time::{Duration, Instant};

use futures::StreamExt;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use saring_domain::access::{ApprovalStatus, Role};
use saring_domain::ids::UserId;
use saring_domain::user::NewUser;
use saring_domain::{OrderId, PaymentStatus, Phone};
use saring_gateways::payments::signature;
use saring_store::repo::payments::{self, NewTransaction, ProviderMode, TransactionPurpose};
use saring_store::repo::{activity, packages, users};
use serde_json::{Value, json};

const ORDERS: usize = 100;
const USERS: usize = 20;
const NOTIFICATIONS: usize = 1000;
const PRICE: i64 = 10_000;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Fate {
    Paid,
    ExpiredThenPaid,
    Expired,
    Denied,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Expect {
    /// 200 and an event recorded.
    Recorded,
    /// 400 amount_mismatch, an event recorded, nothing applied.
    WrongAmount,
    Forged,
    Unknown,
}

fn note(order: &str, status: &str, code: &str, gross: &str, key: &str) -> Value {
    json!({
        "order_id": order, "transaction_status": status, "status_code": code,
        "gross_amount": gross, "signature_key": signature(order, code, gross, key),
        "transaction_id": format!("trx-{order}"), "payment_type": "qris",
        "status_message": "midtrans payment notification",
        "transaction_time": "2026-11-27 10:00:00", "settlement_time": "2026-11-27 10:01:00",
    })
}

#[tokio::test]
async fn a_thousand_notifications_credit_each_paid_order_exactly_once() {
    // The orders exist only in our database (no simulated Midtrans order behind them), and
    // some fates (settled after an expiry) are ones Midtrans itself never reports: the status
    // API cannot confirm them, so this test of exactly-once crediting turns confirmation off
    // (payments_forgery.rs covers it).
    let s = common::spawn_payments_only_with(&[("MIDTRANS_CONFIRM_NOTIFICATIONS", "false")]).await;
    let key = s.app.pay_sim().server_key().to_owned();
    let db = s.app.db();
    let mut rng = StdRng::seed_from_u64(0x5A21_7000);

    let profile = packages::save_profile(db, None, "profile-aktif", None)
        .await
        .unwrap();
    let package = packages::insert(
        db,
        &packages::PackageFields {
            name: "Storm 1 GB".into(),
            description: None,
            price: PRICE,
            quota_mb: 1024,
            duration_days: 30,
            profile_id: profile.id,
            is_active: true,
            sort_order: 0,
        },
    )
    .await
    .unwrap();
    let mut user_ids = Vec::new();
    for i in 0..USERS {
        let u = users::insert(
            db,
            &NewUser {
                phone: Phone::parse(&format!("0812{:08}", 10_000_000 + i)).unwrap(),
                full_name: format!("Storm {i}"),
                blok: Some("A".into()),
                kamar: Some("Kamar_1".into()),
                is_tamping: false,
                tamping_type: None,
                role: Role::User,
                approval_status: ApprovalStatus::Approved,
                is_active: true,
                password_hash: None,
                router_id: None,
            },
        )
        .await
        .unwrap();
        user_ids.push(u.id);
    }

    // 100 open orders, 5 per user, each with a fate.
    let now = s.app.now();
    let mut orders: Vec<(String, UserId, Fate)> = Vec::new();
    for i in 0..ORDERS {
        let user = user_ids[i % USERS];
        let id = OrderId::generate("BD-LPSR", rng.random())
            .unwrap()
            .to_string();
        let fate = match rng.random_range(0..10) {
            0..=4 => Fate::Paid,
            5 => Fate::ExpiredThenPaid,
            6 | 7 => Fate::Expired,
            _ => Fate::Denied,
        };
        payments::insert(
            db,
            &NewTransaction {
                user_id: user,
                package_id: Some(package.id),
                purpose: TransactionPurpose::Purchase,
                debt_type: None,
                manual_debt_id: None,
                debt_mb: None,
                provider_mode: ProviderMode::CoreApi,
                order_id: id.clone(),
                amount: PRICE,
                status: PaymentStatus::Pending,
                payment_method: Some("qris".into()),
                va_bank: None,
                expiry_time: Some(now + chrono::Duration::minutes(15)),
                created_by_admin_id: None,
            },
            now,
        )
        .await
        .unwrap();
        orders.push((id, user, fate));
    }

    // The genuine reports of each order, then noise up to 1,000.
    let gross = format!("{PRICE}.00");
    let mut batch: Vec<(Value, Expect)> = Vec::new();
    for (id, _, fate) in &orders {
        batch.push((note(id, "pending", "201", &gross, &key), Expect::Recorded));
        match fate {
            Fate::Paid => batch.push((
                note(id, "settlement", "200", &gross, &key),
                Expect::Recorded,
            )),
            Fate::ExpiredThenPaid => {
                batch.push((note(id, "expire", "407", &gross, &key), Expect::Recorded));
                batch.push((
                    note(id, "settlement", "200", &gross, &key),
                    Expect::Recorded,
                ));
            }
            Fate::Expired => {
                batch.push((note(id, "expire", "407", &gross, &key), Expect::Recorded))
            }
            Fate::Denied => batch.push((note(id, "deny", "202", &gross, &key), Expect::Recorded)),
        }
    }
    let genuine = batch.clone();
    while batch.len() < NOTIFICATIONS {
        let (id, _, _) = &orders[rng.random_range(0..ORDERS)];
        let extra = match rng.random_range(0..10) {
            // Forged settlement (wrong key) or a forged amount.
            0 => (
                note(id, "settlement", "200", &gross, "not-the-key"),
                Expect::Forged,
            ),
            1 => (
                note(id, "settlement", "200", "100.00", &key),
                Expect::WrongAmount,
            ),
            2 => (
                note(
                    &format!("BD-LPSR-{:012X}", rng.random::<u32>()),
                    "settlement",
                    "200",
                    &gross,
                    &key,
                ),
                Expect::Unknown,
            ),
            // A stale pending, or a duplicate of a genuine report.
            3 => (note(id, "pending", "201", &gross, &key), Expect::Recorded),
            _ => genuine[rng.random_range(0..genuine.len())].clone(),
        };
        batch.push(extra);
    }
    batch.shuffle(&mut rng);
    assert_eq!(batch.len(), NOTIFICATIONS);

    let client = common::new_client();
    let url = s.url("/api/transactions/notification");
    let started = Instant::now();
    let results: Vec<(Expect, u16, u32)> = futures::stream::iter(batch.into_iter())
        .map(|(body, expect)| {
            let client = client.clone();
            let url = url.clone();
            async move {
                // Retry like Midtrans does on our transient failures (503).
                for attempt in 1..=20u32 {
                    let res = client.post(&url).json(&body).send().await.unwrap();
                    let status = res.status().as_u16();
                    if status != 503 && status != 500 {
                        return (expect, status, attempt);
                    }
                    tokio::time::sleep(Duration::from_millis(20 * u64::from(attempt))).await;
                }
                panic!("notification never accepted");
            }
        })
        .buffer_unordered(32)
        .collect()
        .await;
    let elapsed = started.elapsed();
    let retries: u32 = results.iter().map(|(_, _, a)| a - 1).sum();
    println!(
        "payments storm: {NOTIFICATIONS} notifications for {ORDERS} orders in {elapsed:?} ({:.0}/s, {retries} retries after 503) on {}",
        NOTIFICATIONS as f64 / elapsed.as_secs_f64(),
        if std::env::var("TEST_DATABASE_URL").is_ok() {
            "PostgreSQL"
        } else {
            "SQLite"
        }
    );

    // Every answer is the right one.
    let mut recorded_events = 0;
    for (expect, status, _) in &results {
        let want = match expect {
            Expect::Recorded => 200,
            Expect::WrongAmount => 400,
            Expect::Forged => 403,
            Expect::Unknown => 404,
        };
        assert_eq!(*status, want, "{expect:?}");
        if matches!(expect, Expect::Recorded | Expect::WrongAmount) {
            recorded_events += 1;
        }
    }

    // Each paid order is SUCCESS and applied; every other order is not.
    let mut paid_per_user: HashMap<UserId, i64> = HashMap::new();
    let mut events = 0;
    for (id, user, fate) in &orders {
        let tx = payments::find_by_order_id(db, id).await.unwrap().unwrap();
        let want = match fate {
            Fate::Paid | Fate::ExpiredThenPaid => PaymentStatus::Success,
            Fate::Expired => PaymentStatus::Expired,
            Fate::Denied => PaymentStatus::Failed,
        };
        assert_eq!(tx.status, want, "{id} {fate:?}");
        assert_eq!(
            tx.applied_at.is_some(),
            want == PaymentStatus::Success,
            "{id}"
        );
        if want == PaymentStatus::Success {
            *paid_per_user.entry(*user).or_default() += 1;
        }
        let history = payments::events(db, tx.id).await.unwrap();
        assert_eq!(
            history
                .iter()
                .filter(|e| e.event_type == "EFFECT_APPLIED")
                .count(),
            usize::from(want == PaymentStatus::Success),
            "{id}"
        );
        events += history
            .iter()
            .filter(|e| e.event_type.starts_with("NOTIFICATION"))
            .count();
    }
    assert_eq!(
        events, recorded_events,
        "one event per accepted notification"
    );

    // Each user got 1 GB and 30 days per paid order, one ledger row each, nothing else.
    let now = s.app.now();
    for user in &user_ids {
        let n = paid_per_user.get(user).copied().unwrap_or(0);
        let u = users::find_by_id(db, *user).await.unwrap().unwrap();
        assert_eq!(u.total_quota_purchased_mb, 1024 * n, "{user}");
        assert_eq!(u.auto_debt_offset_mb, 0);
        assert!(!u.is_unlimited_user);
        match u.quota_expiry_date {
            Some(e) => assert_eq!((e - now).num_days(), 30 * n),
            None => assert_eq!(n, 0),
        }
        let (ledger, _) = activity::ledger_for_user(db, *user, None, None, 0, 100)
            .await
            .unwrap();
        assert_eq!(ledger.len() as i64, n, "{user}");
        assert!(ledger.iter().all(|l| l.source == "purchase_package"));
    }
    let paid: i64 = paid_per_user.values().sum();
    assert!(paid > 30, "the seed must exercise many payments ({paid})");
}
