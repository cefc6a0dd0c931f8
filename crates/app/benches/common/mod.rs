//! What the PostgreSQL benchmarks (`dashboard`, `export`) share: the volume from the
//! environment, the skip without a PostgreSQL server, and seeding with timed SQL.

use std::time::Instant;

use saring_app::testing::TestApp;
use sea_orm::ConnectionTrait;

/// A count from the environment, or `default`.
pub fn env_count(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Whether `TEST_DATABASE_URL` names a PostgreSQL server; says why `bench` is skipped if not.
pub fn has_postgres(bench: &str) -> bool {
    if std::env::var("TEST_DATABASE_URL")
        .unwrap_or_default()
        .trim()
        .is_empty()
    {
        println!(
            "bench {bench}: skipped — set TEST_DATABASE_URL to a PostgreSQL server \
             (e.g. postgres://postgres@127.0.0.1:5432/test) to run it"
        );
        return false;
    }
    true
}

/// Runs `sql`, printing how long seeding `what` took.
pub async fn exec(app: &TestApp, what: &str, sql: &str) {
    let started = Instant::now();
    app.db()
        .execute_unprepared(sql)
        .await
        .unwrap_or_else(|e| panic!("{what}: {e}"));
    println!(
        "  seeded {what} in {:.1} s",
        started.elapsed().as_secs_f64()
    );
}

/// One hotspot profile and 8 packages (`Paket 1` … `Paket 8`, ids `…0101` … `…0108`).
pub async fn seed_packages(app: &TestApp) {
    exec(
        app,
        "profiles and packages",
        "INSERT INTO package_profiles (id, profile_name, created_at, updated_at)
           VALUES ('00000000-0000-4000-8000-000000000001', 'profile-aktif', now(), now());
         INSERT INTO packages (id, name, price, data_quota_mb, duration_days, profile_id, is_active, created_at, updated_at)
           SELECT ('00000000-0000-4000-8000-00000000010' || g)::uuid, 'Paket ' || g, g * 10000, g * 1024, 30,
                  '00000000-0000-4000-8000-000000000001', true, now(), now()
           FROM generate_series(1, 8) g;",
    )
    .await;
}
