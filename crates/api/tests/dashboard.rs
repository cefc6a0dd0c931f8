//! The admin dashboard (`GET /api/admin/dashboard/stats`) and the reliability signals
//! (`GET /api/admin/metrics`) over known data: payments on both sides of local midnight in
//! `APP_TIMEZONE`, zero days in the revenue series, accounts in every access status, a
//! manual debt and an auto debt, a waiting komandan request, usage today, routers and jobs.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use common::fixtures::{account, quota, transaction, utc};
use common::{Spawned, new_client, spawn_with};
use saring_domain::access::Role;
use saring_domain::quota::{PackagePrice, QuotaAccount};
use saring_domain::units::BYTES_PER_MB;
use saring_domain::{PaymentStatus, Rupiah};
use saring_gateways::messenger::FailureKind;
use saring_store::repo::jobs::{self, Finished};
use saring_store::repo::{outbox, quota_requests, sync};
use serde_json::{Value, json};
use uuid::Uuid;

const ENV: [(&str, &str); 1] = [("OTP_REQUEST_COOLDOWN_SECONDS", "0")];

/// 14-12-2026 11:00 WITA (`Asia/Makassar`, UTC+8, the default `APP_TIMEZONE`).
fn now() -> DateTime<Utc> {
    utc("2026-12-14T03:00:00Z")
}

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

async fn spawn(tz: &str) -> Spawned {
    let s = spawn_with(&[ENV[0], ("APP_TIMEZONE", tz)], 1).await;
    s.app.set_now(now());
    s
}

/// The id of the router `default` (the simulator), as the routers page lists it.
async fn default_router(s: &Spawned, admin: &reqwest::Client) -> Uuid {
    let (code, list) = s.get(admin, "/api/admin/routers").await;
    assert_eq!(code, 200, "{list}");
    let id = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "default")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    Uuid::parse_str(&id).unwrap()
}

async fn stats(s: &Spawned, admin: &reqwest::Client) -> Value {
    let (st, b) = s.get(admin, "/api/admin/dashboard/stats").await;
    assert_eq!(st, 200, "{b}");
    b
}

async fn metrics(s: &Spawned, admin: &reqwest::Client) -> Value {
    let (st, b) = s.get(admin, "/api/admin/metrics").await;
    assert_eq!(st, 200, "{b}");
    b
}

#[tokio::test]
async fn dashboard_counts_known_data_exactly() {
    let s = spawn("Asia/Makassar").await;
    let admin = s.admin_client(false).await;
    let sa = s.admin_client(true).await;
    let pkg_a = s.admin_package(&sa, "Paket A", 10_000, 1.0, 30).await;
    let pkg_b = s.admin_package(&sa, "Paket B", 50_000, 5.0, 30).await;
    let (a, b) = (Some(pkg_a.as_str()), Some(pkg_b.as_str()));

    // An empty install: every figure is zero, the series still has 30 days.
    let empty = stats(&s, &admin).await;
    assert_eq!(empty["today"], "2026-12-14");
    assert_eq!(empty["timezone"], "Asia/Makassar");
    assert_eq!(empty["revenue"]["this_month"], 0);
    assert_eq!(empty["revenue_daily"].as_array().unwrap().len(), 30);
    assert_eq!(empty["users"]["total"], 0, "administrators are not counted");

    // Accounts in every status (now = 14-12-2026 11:00 WITA).
    let later = Some(now() + Duration::days(10));
    let mb = |m: i64| m * BYTES_PER_MB;
    let active = account(
        &s,
        "081288800001",
        Role::User,
        Some(quota(10_240, mb(1024), later)),
        false,
    )
    .await;
    let fup = account(
        &s,
        "081288800002",
        Role::User,
        Some(quota(4096, mb(2000), later)),
        false,
    )
    .await;
    account(
        &s,
        "081288800003",
        Role::User,
        Some(quota(1000, mb(1000), later)),
        false,
    )
    .await;
    // Over quota by 500 MB and one byte: 501 MB of auto debt.
    account(
        &s,
        "081288800004",
        Role::User,
        Some(quota(1000, mb(1500) + 1, later)),
        false,
    )
    .await;
    account(
        &s,
        "081288800005",
        Role::User,
        Some(quota(1000, 0, Some(now() - Duration::seconds(1)))),
        false,
    )
    .await;
    account(
        &s,
        "081288800006",
        Role::User,
        Some(quota(1000, 0, later)),
        true,
    )
    .await;
    let unlimited = QuotaAccount {
        is_unlimited: true,
        ..quota(0, mb(9000), Some(now() + Duration::days(5)))
    };
    account(&s, "081288800007", Role::User, Some(unlimited), false).await;
    let komandan = account(&s, "081288800008", Role::Komandan, None, false).await;
    // A registration waiting for approval.
    s.register("081288800009", "Menunggu", false).await;

    // A manual debt of 500 MB, through the console.
    let (st, d) = s
        .post(
            &admin,
            &format!("/api/admin/users/{active}/debts"),
            json!({"amount_mb": 500, "note": "uji"}),
        )
        .await;
    assert_eq!(st, 201, "{d}");
    // A waiting komandan request.
    quota_requests::insert(
        s.app.db(),
        komandan,
        saring_store::entities::enums::RequestType::Quota,
        json!({"requested_mb": 1024, "requested_duration_days": 7}),
        now(),
    )
    .await
    .unwrap();
    // Usage: 300 + 200 MB today (local), 999 MB yesterday.
    sync::add_daily(
        s.app.db(),
        &[(active.0, mb(300)), (fup.0, mb(200))],
        day("2026-12-14"),
        now(),
    )
    .await
    .unwrap();
    sync::add_daily(s.app.db(), &[(active.0, mb(999))], day("2026-12-13"), now())
        .await
        .unwrap();

    // Payments around local midnights (WITA = UTC+8).
    let m = |t: DateTime<Utc>| t - Duration::minutes(1);
    let payments_made = [
        // 13-12 23:59:59: yesterday.
        ("DASH-A", a, 10_000, utc("2026-12-13T15:59:59Z")),
        // 14-12 00:00:00: today.
        ("DASH-B", a, 20_000, utc("2026-12-13T16:00:00Z")),
        ("DASH-C", b, 50_000, utc("2026-12-14T02:00:00Z")),
        // 08-12: the first of the last 7 days.
        ("DASH-D", b, 5_000, utc("2026-12-08T04:00:00Z")),
        // 07-12 23:59:59: this month, not the last 7 days.
        ("DASH-E", a, 7_000, utc("2026-12-07T15:59:59Z")),
        // 01-12 01:00: a debt payment on the 1st.
        ("DASH-F", None, 3_000, utc("2026-11-30T17:00:00Z")),
        // 30-11 23:59:59: last month, inside the 30 days.
        ("DASH-G", a, 100_000, utc("2026-11-30T15:59:59Z")),
        // 14-11 23:59:59: one day before the series.
        ("DASH-H", a, 999_000, utc("2026-11-14T15:59:59Z")),
    ];
    for (order, pkg, amount, at) in payments_made {
        transaction(
            &s,
            active,
            order,
            (pkg, amount, PaymentStatus::Pending),
            (m(at), Some(at)),
        )
        .await;
    }
    // Not paid: never revenue, but the newest transactions.
    transaction(
        &s,
        fup,
        "DASH-PENDING",
        (a, 40_000, PaymentStatus::Pending),
        (now() - Duration::minutes(1), None),
    )
    .await;
    transaction(
        &s,
        fup,
        "DASH-FAILED",
        (b, 60_000, PaymentStatus::Failed),
        (now() - Duration::minutes(2), None),
    )
    .await;

    // The router checked now (the simulator answers), a failing job and a dead letter.
    let router = default_router(&s, &admin).await;
    let (code, checked) = s
        .post(
            &admin,
            &format!("/api/admin/routers/{router}/check"),
            json!({}),
        )
        .await;
    assert_eq!(code, 200, "{checked}");
    jobs::finished(
        s.app.db(),
        "quota-sync",
        "default",
        &Finished {
            started_at: now() - Duration::minutes(5),
            finished_at: now() - Duration::minutes(4),
            ok: false,
            error: Some("router timeout".into()),
            summary: None,
        },
    )
    .await
    .unwrap();
    jobs::add_dead_letter(s.app.db(), "outbox", "global", "gagal", 3, None)
        .await
        .unwrap();

    let st = stats(&s, &admin).await;
    let r = &st["revenue"];
    assert_eq!(
        (r["today"].as_i64(), r["today_count"].as_u64()),
        (Some(70_000), Some(2)),
        "{r}"
    );
    assert_eq!(
        (r["last_7_days"].as_i64(), r["last_7_days_count"].as_u64()),
        (Some(85_000), Some(4)),
        "{r}"
    );
    assert_eq!(
        (r["this_month"].as_i64(), r["this_month_count"].as_u64()),
        (Some(95_000), Some(6)),
        "{r}"
    );

    let series = st["revenue_daily"].as_array().unwrap();
    assert_eq!(series.len(), 30);
    assert_eq!(series[0]["date"], "2026-11-15");
    assert_eq!(series[29]["date"], "2026-12-14");
    let by_day: Vec<(String, i64)> = series
        .iter()
        .filter(|d| d["amount"] != 0)
        .map(|d| {
            (
                d["date"].as_str().unwrap().to_owned(),
                d["amount"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        by_day,
        vec![
            ("2026-11-30".to_owned(), 100_000),
            ("2026-12-01".to_owned(), 3_000),
            ("2026-12-07".to_owned(), 7_000),
            ("2026-12-08".to_owned(), 5_000),
            ("2026-12-13".to_owned(), 10_000),
            ("2026-12-14".to_owned(), 70_000),
        ]
    );
    assert_eq!(series[28]["count"], 1);
    assert_eq!(series[29]["count"], 2);

    assert_eq!(
        st["users"],
        json!({"total": 9, "ok": 2, "unlimited": 1, "fup": 1, "habis": 3, "expired": 1, "blocked": 1, "inactive": 1}),
    );
    assert_eq!(st["pending_approvals"], 1);
    assert_eq!(st["pending_requests"], 1);
    let catalog = [
        PackagePrice {
            name: "Paket A".into(),
            price: Rupiah(10_000),
            quota_mb: 1024,
        },
        PackagePrice {
            name: "Paket B".into(),
            price: Rupiah(50_000),
            quota_mb: 5120,
        },
    ];
    let estimate = saring_domain::debt::estimate_mb(500 + 501, &catalog).unwrap();
    assert_eq!(
        st["debts"],
        json!({"manual_open_items": 1, "manual_users": 1, "manual_open_mb": 500, "auto_users": 1, "auto_mb": 501, "estimated_rp": estimate.amount()}),
    );
    assert_eq!(st["quota_used_today_mb"], 500.0);

    assert_eq!(
        st["top_packages"],
        json!([
            {"package_id": pkg_a, "name": "Paket A", "count": 4, "amount": 137_000},
            {"package_id": pkg_b, "name": "Paket B", "count": 2, "amount": 55_000},
        ])
    );
    let recent: Vec<&str> = st["recent_transactions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["order_id"].as_str().unwrap())
        .collect();
    assert_eq!(
        recent,
        [
            "DASH-PENDING",
            "DASH-FAILED",
            "DASH-C",
            "DASH-B",
            "DASH-A",
            "DASH-D",
            "DASH-E",
            "DASH-F",
            "DASH-G",
            "DASH-H"
        ]
    );
    assert_eq!(st["recent_transactions"][0]["status"], "PENDING");
    assert_eq!(st["recent_transactions"][2]["package_name"], "Paket B");
    assert_eq!(
        st["recent_transactions"][2]["user_full_name"],
        "Pengguna 081288800001"
    );
    // Each links to the transaction's page.
    let (code, detail) = s.get(&admin, "/api/admin/transactions/DASH-C/detail").await;
    assert_eq!(code, 200, "{detail}");

    let rt = &st["routers"];
    assert_eq!(
        (
            rt["online"].as_u64(),
            rt["offline"].as_u64(),
            rt["unknown"].as_u64()
        ),
        (Some(1), Some(0), Some(0)),
        "{rt}"
    );
    assert_eq!(rt["items"][0]["name"], "default");
    assert_eq!(
        st["jobs"],
        json!({"failing": ["quota-sync@default"], "dead_letters": 1})
    );

    // A minute before local midnight the same payments fall on other days.
    s.app.set_now(utc("2026-12-13T15:59:00Z"));
    let st = stats(&s, &admin).await;
    assert_eq!(st["today"], "2026-12-13");
    assert_eq!(st["revenue"]["today"], 10_000);
    assert_eq!(st["revenue"]["today_count"], 1);
}

#[tokio::test]
async fn days_follow_app_timezone() {
    // WIB is UTC+7: 16:00Z on the 13th is still 23:00 on the 13th in Jakarta.
    for (tz, today, yesterday) in [
        ("Asia/Makassar", 70_000, 0),
        ("Asia/Jakarta", 50_000, 20_000),
    ] {
        let s = spawn(tz).await;
        let admin = s.admin_client(false).await;
        let user = account(&s, "081288800010", Role::User, None, false).await;
        let sa = s.admin_client(true).await;
        let pkg = s.admin_package(&sa, "Paket A", 10_000, 1.0, 30).await;
        for (order, amount, at) in [
            ("TZ-B", 20_000, utc("2026-12-13T16:00:00Z")),
            ("TZ-C", 50_000, utc("2026-12-14T02:00:00Z")),
        ] {
            transaction(
                &s,
                user,
                order,
                (Some(&pkg), amount, PaymentStatus::Pending),
                (at, Some(at)),
            )
            .await;
        }
        let st = stats(&s, &admin).await;
        assert_eq!(st["timezone"], tz);
        assert_eq!(st["revenue"]["today"], today, "{tz}");
        assert_eq!(st["revenue_daily"][28]["amount"], yesterday, "{tz}");
        assert_eq!(st["revenue"]["last_7_days"], 70_000, "{tz}");
    }
}

#[tokio::test]
async fn reliability_signals_have_levels() {
    let s = spawn("Asia/Makassar").await;
    // Rows stamped by the database (dead letters) carry the real time: so does the clock here.
    let now = saring_store::db::now();
    s.app.set_now(now);
    let admin = s.admin_client(false).await;

    // A router that never synced is a warning; nothing else is wrong yet.
    let m = metrics(&s, &admin).await;
    assert_eq!(m["sync_lag"][0]["router"], "default");
    assert_eq!(m["sync_lag"][0]["lag_seconds"], Value::Null);
    assert_eq!(m["sync_lag"][0]["level"], "warn");
    for signal in ["payments", "otp", "jobs"] {
        assert_eq!(m[signal]["level"], "ok", "{signal}: {m}");
    }
    assert_eq!(m["level"], "warn");

    // The router synced 30 s ago: ok.
    let router = default_router(&s, &admin).await;
    sync::save_poll(
        s.app.db(),
        router,
        3600,
        now - Duration::hours(1),
        now - Duration::seconds(30),
    )
    .await
    .unwrap();
    let m = metrics(&s, &admin).await;
    assert_eq!(m["sync_lag"][0]["lag_seconds"], 30);
    assert_eq!(m["sync_lag"][0]["level"], "ok");

    // An OTP WhatsApp could not deliver is counted (the user got a 503).
    let phone = "081288800020";
    s.approved_user(&admin, phone).await;
    s.app.messenger.fail_next(1, FailureKind::Transient);
    let (st, b) = s
        .post(
            &new_client(),
            "/api/auth/request-otp",
            json!({"phone_number": phone}),
        )
        .await;
    assert_eq!(st, 503, "{b}");

    // The reconciliation credited an order the app had missed.
    jobs::finished(
        s.app.db(),
        "reconcile-payments",
        "global",
        &Finished {
            started_at: now - Duration::minutes(10),
            finished_at: now - Duration::minutes(10),
            ok: true,
            error: None,
            summary: Some(json!({"report": {"checked": 3, "updated": 2, "applied": 1, "unknown_at_gateway": 0, "errors": 0}})),
        },
    )
    .await
    .unwrap();
    // An outbox item due ten minutes ago, and a dead letter.
    let depth_before = outbox::list(s.app.db(), None, 10_000)
        .await
        .unwrap()
        .into_iter()
        .filter(|(_, st)| {
            matches!(
                st,
                saring_store::entities::enums::OutboxStatus::Pending
                    | saring_store::entities::enums::OutboxStatus::Running
            )
        })
        .count() as u64;
    outbox::enqueue(
        s.app.db(),
        "policy_sync_user",
        None,
        json!({}),
        now - Duration::minutes(10),
    )
    .await
    .unwrap();
    jobs::add_dead_letter(s.app.db(), "router-audit", "default", "gagal", 3, None)
        .await
        .unwrap();

    let m = metrics(&s, &admin).await;
    assert_eq!(m["otp"]["failures_1h"], 1, "{m}");
    assert_eq!(m["otp"]["failures_24h"], 1);
    assert_eq!(m["otp"]["level"], "warn");
    let p = &m["payments"];
    assert_eq!(
        (
            p["runs_24h"].as_u64(),
            p["mismatches_24h"].as_u64(),
            p["corrected_24h"].as_u64()
        ),
        (Some(1), Some(1), Some(2)),
        "{p}"
    );
    assert_eq!(p["level"], "warn");
    assert_eq!(m["outbox"]["pending"], depth_before + 1);
    assert!(
        m["outbox"]["oldest_due_seconds"].as_i64().unwrap() >= 600,
        "{m}"
    );
    assert_eq!(m["outbox"]["level"], "warn");
    assert_eq!(
        (
            m["jobs"]["dead_letters"].as_u64(),
            m["jobs"]["dead_letters_24h"].as_u64()
        ),
        (Some(1), Some(1))
    );
    assert_eq!(m["jobs"]["level"], "warn");
    assert_eq!(m["level"], "warn");

    // Twelve schedules (and at least 15 minutes) without a sync is critical, and so is the
    // whole page.
    let interval = m["sync_lag"][0]["interval_seconds"].as_i64().unwrap();
    let lag = (interval * 12).max(900) + 1;
    sync::save_poll(
        s.app.db(),
        router,
        3600,
        now - Duration::hours(2),
        now - Duration::seconds(lag),
    )
    .await
    .unwrap();
    let m = metrics(&s, &admin).await;
    assert_eq!(m["sync_lag"][0]["lag_seconds"], lag);
    assert_eq!(m["sync_lag"][0]["level"], "critical", "{m}");
    assert_eq!(m["level"], "critical");
}

/// `GET /api/admin/transactions/export`: the orders of a range of local days, oldest first,
/// over several batches, as CSV; bad ranges are refused by field.
#[tokio::test]
async fn transactions_export_streams_a_range_of_local_days() {
    let s = spawn("Asia/Makassar").await;
    let admin = s.admin_client(false).await;
    let user = account(&s, "081277700001", Role::User, None, false).await;
    let start = utc("2026-11-30T16:00:00Z"); // 01-12-2026 00:00 WITA
    // Just outside on both sides.
    let outside = [
        ("OUT-BEFORE", utc("2026-11-30T15:59:59Z")),
        ("OUT-AFTER", utc("2026-12-10T16:00:00Z")),
    ];
    for (order, at) in outside {
        transaction(
            &s,
            user,
            order,
            (None, 1_000, PaymentStatus::Success),
            (at, Some(at)),
        )
        .await;
    }
    // 2,100 orders inside (three batches), the last at 10-12-2026 23:59:59 WITA.
    let n = 2_100;
    for i in 0..n {
        let at = if i == n - 1 {
            utc("2026-12-10T15:59:59Z")
        } else {
            start + Duration::seconds(i)
        };
        let status = if i % 2 == 0 {
            PaymentStatus::Success
        } else {
            PaymentStatus::Expired
        };
        transaction(
            &s,
            user,
            &format!("IN-{i:05}"),
            (None, 10_000, status),
            (at, None),
        )
        .await;
    }

    let res = admin
        .get(s.url("/api/admin/transactions/export?from=01-12-2026&to=2026-12-10"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "text/csv; charset=utf-8");
    assert!(
        res.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("transaksi_01-12-2026_10-12-2026.csv")
    );
    let text = res.text().await.unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines.len(),
        1 + n as usize,
        "header and every order in range"
    );
    assert!(lines[0].starts_with("Tanggal,Dibayar,Order ID,Nama"));
    assert!(lines[1].starts_with("01-12-2026 00:00 WITA,,IN-00000,Pengguna 081277700001,081277700001,Pelunasan tunggakan,qris,SUCCESS,Rp 10.000,10000"), "{}", lines[1]);
    assert!(
        lines[n as usize].contains("10-12-2026 23:59 WITA,,IN-02099"),
        "{}",
        lines[n as usize]
    );
    assert!(!text.contains("OUT-"));
    // Oldest first, without repeats across batches.
    let orders: Vec<&str> = lines[1..]
        .iter()
        .map(|l| l.split(',').nth(2).unwrap())
        .collect();
    let mut sorted = orders.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(orders, sorted);

    // A status filter.
    let only = admin
        .get(s.url("/api/admin/transactions/export?from=01-12-2026&to=10-12-2026&status=expired"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(only.lines().count(), 1 + n as usize / 2);

    for (query, field) in [
        ("from=10-12-2026&to=01-12-2026", "to"),
        ("from=01-01-2016&to=01-01-2026", "to"),
        ("from=32-12-2026&to=01-01-2027", "from"),
        ("to=01-01-2027", "from"),
        ("from=01-12-2026&to=10-12-2026&status=LUNAS", "status"),
        ("from=01-12-2026&to=10-12-2026&format=xlsx", "format"),
    ] {
        let (st, b) = s
            .get(&admin, &format!("/api/admin/transactions/export?{query}"))
            .await;
        assert_eq!(st, 422, "{query}: {b}");
        assert_eq!(b["details"][0]["loc"][0], field, "{query}: {b}");
    }
    // Twelve months is one export.
    let (st, _) = s
        .get(
            &admin,
            "/api/admin/transactions/export?from=11-12-2025&to=10-12-2026",
        )
        .await;
    assert_eq!(st, 200);
}
