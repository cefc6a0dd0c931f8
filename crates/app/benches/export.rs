//! `cargo xtask bench export`: the transactions CSV export of a 12-month range
//! (`GET /api/admin/transactions/export`, the use case behind it) on PostgreSQL with 20,000
//! accounts and 500,000 transactions spread over the year, seeded with `INSERT … SELECT
//! generate_series` and vacuumed. Reads the whole stream as the HTTP response would, and
//! prints rows per second, bytes, the largest chunk and the process's resident memory before,
//! during (the peak) and after — flat memory means the peak does not grow with the rows.
//! Target: more than 50,000 rows/s.
//!
//! Measured on a 2-core VM (PostgreSQL 15, 2026-12-07), 500,000 rows / 56.7 MB of CSV:
//! 11,300–13,300 rows/s — not met; memory flat (resident 13 MB before, 19 MB at the peak,
//! largest chunk 117 KB). Before the export's keyset condition carried a plain bound on
//! `created_at` (so an index range scan serves it) it was 6,600–8,000 rows/s; the
//! `(created_at, id)` index changed nothing measurable. The reads alone (no CSV) run at
//! 13,600 rows/s, so writing the CSV costs next to nothing: each batch of 1,000 rows spends
//! about 70 ms in the database reads (the select joined with packages through sea-orm, then
//! the batch's users) — the next thing to profile (`EXPLAIN ANALYZE`).
//!
//! Needs `TEST_DATABASE_URL` (a PostgreSQL server; a fresh database is created); without it
//! the bench says so and exits successfully. `EXPORT_BENCH_USERS`, `EXPORT_BENCH_TRANSACTIONS`
//! change the volume.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]

mod common;

use std::time::Instant;

use common::{env_count, exec, has_postgres, seed_packages};
use futures::TryStreamExt;
use saring_app::payments::export;
use saring_app::testing::TestApp;
use saring_store::repo::payments::TransactionSort;

/// Resident memory of this process in MB (Linux), or 0.
fn rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

async fn seed(app: &TestApp, users: u64, transactions: u64) {
    seed_packages(app).await;
    exec(
        app,
        &format!("{users} users"),
        &format!(
            "INSERT INTO users (id, phone_number, full_name, is_active, role, approval_status, is_blocked,
                                total_quota_purchased_mb, total_quota_used_bytes, is_unlimited_user, created_at, updated_at)
             SELECT gen_random_uuid(), '+62812' || lpad(g::text, 8, '0'), 'Pengguna ' || g, true, 'USER',
                    'APPROVED', false, 1024, 0, false, now(), now()
             FROM generate_series(1, {users}) g;
             CREATE TABLE bench_users AS SELECT row_number() OVER (ORDER BY phone_number) AS n, id FROM users;
             CREATE UNIQUE INDEX ON bench_users (n);"
        ),
    )
    .await;
    exec(
        app,
        &format!("{transactions} transactions over 12 months"),
        &format!(
            "INSERT INTO transactions (id, user_id, package_id, purpose, provider_mode, midtrans_order_id, amount, status,
                                       payment_method, payment_time, created_at, updated_at)
             SELECT gen_random_uuid(), u.id,
                    CASE WHEN g % 20 = 0 THEN NULL ELSE ('00000000-0000-4000-8000-00000000010' || (g % 8 + 1))::uuid END,
                    CASE WHEN g % 20 = 0 THEN 'debt' ELSE 'purchase' END,
                    'snap', 'BENCH-' || g, (g % 8 + 1) * 10000,
                    CASE WHEN g % 7 = 0 THEN 'EXPIRED' ELSE 'SUCCESS' END, 'qris',
                    CASE WHEN g % 7 = 0 THEN NULL
                         ELSE now() - (g::double precision / {transactions} * 360) * interval '1 day' END,
                    now() - (g::double precision / {transactions} * 360) * interval '1 day' - interval '1 minute',
                    now()
             FROM generate_series(1, {transactions}) g
             JOIN bench_users u ON u.n = (g % {users}) + 1;
             DROP TABLE bench_users;"
        ),
    )
    .await;
    exec(app, "VACUUM ANALYZE", "VACUUM ANALYZE").await;
}

fn main() {
    if !has_postgres("export") {
        return;
    }
    let users = env_count("EXPORT_BENCH_USERS", 20_000).max(100);
    let transactions = env_count("EXPORT_BENCH_TRANSACTIONS", 500_000).max(1);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let app = TestApp::new().await;
        println!("seeding PostgreSQL: {users} users, {transactions} transactions");
        seed(&app, users, transactions).await;
        let tz = app.config().app.timezone;
        let today = tz.date(app.now());
        let first = today - chrono::Days::new(365);
        let range = export::range(
            &app,
            Some(&first.format("%d-%m-%Y").to_string()),
            Some(&today.format("%d-%m-%Y").to_string()),
        )
        .unwrap();
        let sort = TransactionSort {
            by: saring_store::repo::payments::SortKey::CreatedAt,
            descending: false,
        };
        // The reads alone (no CSV), to split the time between the database and the writing.
        let started = Instant::now();
        let mut read = 0usize;
        let mut batches = std::pin::pin!(export::rows((*app).clone(), range, None, sort));
        while let Some(b) = batches.try_next().await.unwrap() {
            read += b.len();
        }
        let secs = started.elapsed().as_secs_f64();
        println!(
            "reads alone: {read} rows in {secs:.2} s = {:.0} rows/s",
            read as f64 / secs
        );
        for run in 1..=3 {
            let before = rss_mb();
            let mut peak = before;
            let (mut bytes, mut lines, mut largest) = (0usize, 0usize, 0usize);
            let started = Instant::now();
            let mut stream = std::pin::pin!(export::csv(
                (*app).clone(),
                range,
                None,
                sort
            ));
            while let Some(chunk) = stream.try_next().await.unwrap() {
                bytes += chunk.len();
                largest = largest.max(chunk.len());
                lines += chunk.iter().filter(|b| **b == b'\n').count();
                peak = peak.max(rss_mb());
            }
            let secs = started.elapsed().as_secs_f64();
            let rows = lines.saturating_sub(1);
            println!(
                "run {run}: {rows} rows, {:.1} MB in {:.2} s = {:.0} rows/s; largest chunk {:.0} KB; RSS {:.0} MB before, peak {:.0} MB, {:.0} MB after",
                bytes as f64 / 1_048_576.0,
                secs,
                rows as f64 / secs,
                largest as f64 / 1024.0,
                before,
                peak,
                rss_mb(),
            );
            if run == 3 {
                println!(
                    "target > 50,000 rows/s: {}",
                    if rows as f64 / secs > 50_000.0 {
                        "met"
                    } else {
                        "NOT met"
                    }
                );
            }
        }
    });
}
