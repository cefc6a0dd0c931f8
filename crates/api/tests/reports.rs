//! Reports and exports: the transactions report as PDF (grouped, with totals), sorting of
//! the transaction list and export, the user and debt lists as CSV and PDF, one user's
//! detail report and quota history with signed temporary links (expired and tampered links
//! refused) and by WhatsApp, the action log's date filters and CSV export, and its retention.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use chrono::{DateTime, Duration, Utc};
use common::fixtures::{account, quota, transaction, utc};
use common::{Spawned, code, new_client, queued_templates, spawn_with};
use reqwest::Client;
use saring_domain::PaymentStatus;
use saring_domain::access::Role;
use saring_domain::units::BYTES_PER_MB;
use saring_store::repo::users;
use serde_json::json;

/// 14-12-2026 11:00 WITA.
fn now() -> DateTime<Utc> {
    utc("2026-12-14T03:00:00Z")
}

async fn spawn() -> Spawned {
    let s = spawn_with(&[("OTP_REQUEST_COOLDOWN_SECONDS", "0")], 1).await;
    s.app.set_now(now());
    s
}

/// The body of a GET that must succeed with `content_type`.
async fn download(s: &Spawned, client: &Client, path: &str, content_type: &str) -> Vec<u8> {
    let res = client.get(s.url(path)).send().await.unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let bytes = res.bytes().await.unwrap().to_vec();
    assert_eq!(status, 200, "{path}: {}", String::from_utf8_lossy(&bytes));
    assert!(
        headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with(content_type),
        "{path}: {headers:?}"
    );
    bytes
}

/// A PDF (its page streams are uncompressed: the text is searchable as `(text)`).
async fn pdf(s: &Spawned, client: &Client, path: &str) -> String {
    let bytes = download(s, client, path, "application/pdf").await;
    assert!(bytes.starts_with(b"%PDF"), "{path}");
    String::from_utf8_lossy(&bytes).into_owned()
}

fn shows(pdf: &str, text: &str) -> bool {
    pdf.contains(&format!("({text})"))
}

async fn csv(s: &Spawned, client: &Client, path: &str) -> String {
    String::from_utf8(download(s, client, path, "text/csv").await).unwrap()
}

async fn rename(s: &Spawned, id: saring_domain::UserId, name: &str) {
    users::update(
        s.app.db(),
        id,
        users::UserPatch {
            full_name: Some(name.to_owned()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
}

#[tokio::test]
async fn transactions_report_pdf_groups_with_subtotals_and_sorts() {
    let s = spawn().await;
    let admin = s.admin_client(false).await;
    let user = account(&s, "081277700001", Role::User, None, false).await;
    // 01-12-2026 WITA: two paid (10.000 + 5.000) and one expired; 02-12-2026: one paid 20.000.
    let day1 = utc("2026-11-30T17:00:00Z");
    let day2 = utc("2026-12-01T17:00:00Z");
    for (order, amount, status, at) in [
        ("A-1", 10_000, PaymentStatus::Success, day1),
        (
            "A-2",
            5_000,
            PaymentStatus::Success,
            day1 + Duration::minutes(1),
        ),
        (
            "A-3",
            7_000,
            PaymentStatus::Expired,
            day1 + Duration::minutes(2),
        ),
        ("B-1", 20_000, PaymentStatus::Success, day2),
    ] {
        transaction(&s, user, order, (None, amount, status), (at, None)).await;
    }

    let report = pdf(
        &s,
        &admin,
        "/api/admin/transactions/export?format=pdf&from=01-12-2026&to=02-12-2026&group=day",
    )
    .await;
    assert!(shows(&report, "Laporan Penjualan"));
    assert!(shows(&report, "01-12-2026 s/d 02-12-2026"));
    assert!(shows(&report, "Rp 35.000"), "the total of paid orders");
    assert!(shows(&report, "01-12-2026") && shows(&report, "02-12-2026"));
    assert!(shows(&report, "Rp 15.000"), "the first day's subtotal");
    assert!(shows(&report, "Rp 20.000"), "the second day's subtotal");
    let first = report.find("(01-12-2026)").unwrap();
    let second = report.find("(02-12-2026)").unwrap();
    assert!(first < second, "days in date order");
    // The busiest group first with sort=amount.
    let by_amount = pdf(
        &s,
        &admin,
        "/api/admin/transactions/export?format=pdf&from=01-12-2026&to=02-12-2026&group=day&sort=amount&order=desc",
    )
    .await;
    assert!(by_amount.find("(02-12-2026)").unwrap() < by_amount.find("(01-12-2026)").unwrap());
    // By method and by package (debt payments are their own line).
    let by_method = pdf(
        &s,
        &admin,
        "/api/admin/transactions/export?format=pdf&from=01-12-2026&to=02-12-2026&group=method",
    )
    .await;
    assert!(shows(&by_method, "QRIS"));
    let by_package = pdf(
        &s,
        &admin,
        "/api/admin/transactions/export?format=pdf&from=01-12-2026&to=02-12-2026&group=package&status=success",
    )
    .await;
    assert!(shows(&by_package, "Pelunasan tunggakan"));
    assert!(shows(&by_package, "SUCCESS"));

    // The CSV in the order asked for; the list too.
    let text = csv(
        &s,
        &admin,
        "/api/admin/transactions/export?from=01-12-2026&to=02-12-2026&sort=amount&order=desc",
    )
    .await;
    let orders: Vec<&str> = text
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(2).unwrap())
        .collect();
    assert_eq!(orders, ["B-1", "A-1", "A-3", "A-2"]);
    let (st, list) = s
        .get(&admin, "/api/admin/transactions?sort=amount&order=asc")
        .await;
    assert_eq!(st, 200, "{list}");
    assert_eq!(list["items"][0]["order_id"], "A-2");

    // Bad input, refused by field.
    for (query, field) in [
        ("format=pdf&from=02-12-2026&to=01-12-2026", "to"),
        ("format=pdf&from=01-01-2016&to=01-01-2026", "to"),
        (
            "format=pdf&from=01-12-2026&to=02-12-2026&group=week",
            "group",
        ),
        ("format=xlsx&from=01-12-2026&to=02-12-2026", "format"),
        ("from=01-12-2026&to=02-12-2026&sort=name", "sort"),
        ("from=01-12-2026&to=02-12-2026&order=up", "order"),
    ] {
        let (st, b) = s
            .get(&admin, &format!("/api/admin/transactions/export?{query}"))
            .await;
        assert_eq!(st, 422, "{query}: {b}");
        assert_eq!(b["details"][0]["loc"][0], field, "{query}: {b}");
    }
    let (st, b) = s.get(&admin, "/api/admin/transactions?sort=name").await;
    assert_eq!(st, 422, "{b}");
}

#[tokio::test]
async fn user_and_debt_lists_export_as_csv_and_pdf() {
    let s = spawn().await;
    let admin = s.admin_client(false).await;
    // 1,050 accounts: the CSV crosses a batch boundary.
    for i in 0..1_050 {
        account(&s, &format!("0812888{i:05}"), Role::User, None, false).await;
    }
    let debtor = account(
        &s,
        "081277700002",
        Role::User,
        Some(quota(1024, 1536 * BYTES_PER_MB, None)),
        false,
    )
    .await;
    rename(&s, debtor, "=HYPERLINK(\"x\")").await;
    let blocked = account(&s, "081277700003", Role::User, None, true).await;
    rename(&s, blocked, "Budi Diblokir").await;

    let all = csv(&s, &admin, "/api/admin/users/export?format=csv").await;
    let lines: Vec<&str> = all.lines().collect();
    assert!(lines[0].starts_with("Nama,Telepon,Peran,Persetujuan,Status"));
    // Every account (the admin included) exactly once.
    assert_eq!(lines.len(), 1 + 1_050 + 2 + 1, "{}", lines.len());
    let mut phones: Vec<&str> = lines
        .iter()
        .filter_map(|l| l.find(",0812888").map(|i| &l[i + 1..i + 13]))
        .collect();
    assert_eq!(phones.len(), 1_050);
    phones.sort_unstable();
    phones.dedup();
    assert_eq!(phones.len(), 1_050, "no account twice across batches");
    assert!(
        all.contains("\"'=HYPERLINK(\"\"x\"\")\""),
        "formula written as text"
    );

    let only_blocked = csv(&s, &admin, "/api/admin/users/export?status=blocked").await;
    assert_eq!(only_blocked.lines().count(), 2, "{only_blocked}");
    assert!(only_blocked.contains("Budi Diblokir,081277700003,USER"));
    let listed = pdf(
        &s,
        &admin,
        "/api/admin/users/export?format=pdf&status=blocked",
    )
    .await;
    assert!(shows(&listed, "Daftar Pengguna"));
    assert!(shows(&listed, "Budi Diblokir"));
    assert!(shows(&listed, "Jumlah pengguna: 1"));
    let (st, b) = s.get(&admin, "/api/admin/users/export?status=lunas").await;
    assert_eq!(
        (st.as_u16(), b["details"][0]["loc"][0].as_str()),
        (422, Some("status"))
    );
    let (st, b) = s.get(&admin, "/api/admin/users/export?format=doc").await;
    assert_eq!(
        (st.as_u16(), b["details"][0]["loc"][0].as_str()),
        (422, Some("format"))
    );

    // The debt list: the one debtor, 512 MB of automatic debt.
    let debts = csv(&s, &admin, "/api/admin/debts/export").await;
    let lines: Vec<&str> = debts.lines().collect();
    assert_eq!(lines.len(), 2, "{debts}");
    assert!(lines[0].starts_with("Nama,Telepon,Blok,Kamar,Tunggakan otomatis (MB)"));
    assert!(
        lines[1].contains(",081277700002,A,1,512,0,512,0,"),
        "{}",
        lines[1]
    );
    assert!(lines[1].starts_with("\"'=HYPERLINK"));
    let debt_pdf = pdf(&s, &admin, "/api/admin/debts/export?format=pdf").await;
    assert!(shows(&debt_pdf, "Daftar Tunggakan"));
    assert!(shows(&debt_pdf, "512,00 MB"));
    let none = csv(&s, &admin, "/api/admin/debts/export?search=tidak-ada").await;
    assert_eq!(none.lines().count(), 1, "the header alone");
}

#[tokio::test]
async fn user_reports_open_by_signed_links_until_they_expire() {
    let s = spawn().await;
    let admin = s.admin_client(false).await;
    let phone = "081277700004";
    let id = s.approved_user(&admin, phone).await;
    let (st, b) = s
        .post(
            &admin,
            &format!("/api/admin/users/{id}/inject"),
            json!({"add_mb": 2048, "add_days": 30}),
        )
        .await;
    assert_eq!(st, 200, "{b}");

    let detail = pdf(
        &s,
        &admin,
        &format!("/api/admin/users/{id}/detail-report.pdf"),
    )
    .await;
    assert!(shows(&detail, "Laporan Pengguna"));
    assert!(shows(&detail, "Pengguna Uji"));
    assert!(shows(&detail, "2,00 GB"));
    let history = pdf(
        &s,
        &admin,
        &format!("/api/admin/users/{id}/quota-history.pdf"),
    )
    .await;
    assert!(shows(&history, "Riwayat Mutasi Kuota"));
    assert!(shows(&history, "+2,00 GB"), "the inject");
    let (st, b) = s
        .get(
            &admin,
            "/api/admin/users/6f1b6a9e-1f55-4c3e-8c4f-0f0e0d0c0b0a/detail-report.pdf",
        )
        .await;
    assert_eq!((st.as_u16(), code(&b)), (404, "user_not_found"));

    // A link, valid 24 hours, opened without a session.
    let (st, link) = s
        .post(
            &admin,
            &format!("/api/admin/users/{id}/quota-history/link"),
            json!({}),
        )
        .await;
    assert_eq!(st, 200, "{link}");
    let expires: DateTime<Utc> = link["expires_at"].as_str().unwrap().parse().unwrap();
    assert_eq!(expires, now() + Duration::hours(24));
    let url = link["url"].as_str().unwrap();
    let path = &url[url.find("/api/reports/temp/").unwrap()..];
    let stranger = new_client();
    let opened = pdf(&s, &stranger, path).await;
    assert!(shows(&opened, "Riwayat Mutasi Kuota"));

    // Any byte changed: refused.
    let token = path
        .trim_start_matches("/api/reports/temp/")
        .trim_end_matches(".pdf");
    let parts: Vec<&str> = token.split('.').collect();
    assert_eq!(parts.len(), 3);
    let flip = |s: &str| {
        let mut c: Vec<char> = s.chars().collect();
        c[1] = if c[1] == 'A' { 'B' } else { 'A' };
        c.into_iter().collect::<String>()
    };
    for tampered in [
        format!("{}.{}.{}", flip(parts[0]), parts[1], parts[2]),
        format!("{}.{}.{}", parts[0], flip(parts[1]), parts[2]),
        format!("{}.{}.{}", parts[0], parts[1], flip(parts[2])),
        format!("{}.{}", parts[0], parts[1]),
        "rubbish".to_owned(),
    ] {
        let (st, b) = s
            .get(&stranger, &format!("/api/reports/temp/{tampered}.pdf"))
            .await;
        assert_eq!((st.as_u16(), code(&b)), (403, "link_invalid"), "{tampered}");
    }
    // The detail report's link opens the detail report, not the history.
    let (_, detail_link) = s
        .post(
            &admin,
            &format!("/api/admin/users/{id}/detail-report/link"),
            json!({}),
        )
        .await;
    let durl = detail_link["url"].as_str().unwrap();
    let dpath = &durl[durl.find("/api/reports/temp/").unwrap()..];
    assert!(shows(&pdf(&s, &stranger, dpath).await, "Laporan Pengguna"));

    // After 24 hours: expired.
    s.app
        .set_now(now() + Duration::hours(24) + Duration::seconds(1));
    let (st, b) = s.get(&stranger, path).await;
    assert_eq!((st.as_u16(), code(&b)), (410, "link_expired"), "{b}");
    s.app.set_now(now());

    // By WhatsApp: the user's own number gets the link.
    let (st, sent) = s
        .post(
            &admin,
            &format!("/api/admin/users/{id}/detail-report/send-whatsapp"),
            json!({}),
        )
        .await;
    assert_eq!(st, 200, "{sent}");
    assert_eq!(sent["whatsapp_queued"], true);
    assert!(sent["url"].as_str().unwrap().contains("/api/reports/temp/"));
    assert!(
        queued_templates(&s)
            .await
            .contains(&"user_report_link".to_owned())
    );
    let (_, logs) = s
        .get(
            &admin,
            "/api/admin/action-logs?action_type=SEND_USER_REPORT",
        )
        .await;
    assert_eq!(logs["items"].as_array().unwrap().len(), 1, "{logs}");
}

#[tokio::test]
async fn action_log_filters_by_days_exports_csv_and_expires() {
    let s = spawn().await;
    let admin = s.admin_client(false).await;
    let id = s.approved_user(&admin, "081277700005").await;
    let (st, b) = s
        .post(
            &admin,
            &format!("/api/admin/users/{id}/inject"),
            json!({"add_mb": 100}),
        )
        .await;
    assert_eq!(st, 200, "{b}");
    let (st, all) = s.get(&admin, "/api/admin/action-logs").await;
    assert_eq!(st, 200, "{all}");
    let total = all["items"].as_array().unwrap().len();
    assert!(total >= 2, "{all}");
    // Logged rows carry the real time of writing: a range of days around it finds them,
    // a range in the past finds nothing.
    let today = chrono::Utc::now().format("%d-%m-%Y").to_string();
    let (_, none) = s
        .get(
            &admin,
            "/api/admin/action-logs?from=01-01-2020&to=31-01-2020",
        )
        .await;
    assert_eq!(none["items"].as_array().unwrap().len(), 0, "{none}");
    let (_, since) = s
        .get(&admin, "/api/admin/action-logs?from=01-01-2020")
        .await;
    assert_eq!(since["items"].as_array().unwrap().len(), total);
    let (st, b) = s
        .get(
            &admin,
            "/api/admin/action-logs?from=10-01-2020&to=01-01-2020",
        )
        .await;
    assert_eq!(
        (st.as_u16(), b["details"][0]["loc"][0].as_str()),
        (422, Some("to"))
    );

    let yesterday = (chrono::Utc::now() - Duration::days(1))
        .format("%d-%m-%Y")
        .to_string();
    let tomorrow = (chrono::Utc::now() + Duration::days(1))
        .format("%d-%m-%Y")
        .to_string();
    let text = csv(
        &s,
        &admin,
        &format!("/api/admin/action-logs/export?from={yesterday}&to={tomorrow}"),
    )
    .await;
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "Waktu,Admin,Aksi,Target,Detail");
    assert_eq!(lines.len(), 1 + total, "{text}");
    assert!(text.contains("Admin Biasa"), "{text}");
    assert!(text.contains("Pengguna Uji"), "{text}");
    for query in [
        format!("from={tomorrow}&to={yesterday}"),
        "from=01-01-2016&to=01-01-2026".to_owned(),
        format!("to={today}"),
    ] {
        let (st, b) = s
            .get(&admin, &format!("/api/admin/action-logs/export?{query}"))
            .await;
        assert_eq!(st, 422, "{query}: {b}");
    }

    // Retention: rows older than ACTION_LOG_RETENTION_DAYS (365 by default) go.
    s.app.set_now(chrono::Utc::now() + Duration::days(364));
    let kept = saring_app::jobs::retention::run(&s.app).await.unwrap();
    assert_eq!(kept.action_log_rows, 0);
    s.app.set_now(chrono::Utc::now() + Duration::days(366));
    let purged = saring_app::jobs::retention::run(&s.app).await.unwrap();
    assert_eq!(purged.action_log_rows as usize, total);
}

#[tokio::test]
async fn action_logs_are_kept_forever_with_zero_retention() {
    let s = spawn_with(&[("ACTION_LOG_RETENTION_DAYS", "0")], 1).await;
    let admin = s.admin_client(false).await;
    s.approved_user(&admin, "081277700006").await;
    s.app.set_now(chrono::Utc::now() + Duration::days(5000));
    let r = saring_app::jobs::retention::run(&s.app).await.unwrap();
    assert_eq!(r.action_log_rows, 0);
    let (rows, _) =
        saring_store::repo::activity::list_actions(s.app.db(), &Default::default(), 0, 10)
            .await
            .unwrap();
    assert!(!rows.is_empty());
}
