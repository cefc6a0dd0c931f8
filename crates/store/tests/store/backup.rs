//! Backups: a dump restores to the same rows (on the other backend too), and every kind of bad
//! file is refused before anything is touched; a restore stopped midway changes nothing.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use flate2::Compression;
use flate2::read::GzDecoder;
use flate2::write::GzEncoder;
use saring_store::backup::{self, BackupError, Progress};
use saring_store::db;
use saring_store::entities::*;
use saring_store::testing::TestDb;
use sea_orm::{ActiveModelTrait, DatabaseConnection, EntityTrait, PaginatorTrait, Set};
use serde_json::json;

use crate::support;

/// Rows in many tables, with NULLs, JSON (a JSON `null` too), dates and enums; `ledger` rows
/// in the ledger so a restore takes several batches.
async fn seed(db: &DatabaseConnection, ledger: usize) -> users::Model {
    let router = support::router(db, "Kantor").await;
    let mut u = support::user_model("+6281100000101");
    u.router_id = Set(Some(router.id));
    u.blok = Set(Some("A".into()));
    let user = u.insert(db).await.unwrap();
    support::user(db, "+6281100000102").await;
    support::device_model(user.id, "AA:BB:CC:00:00:01")
        .insert(db)
        .await
        .unwrap();
    let profile = support::profile(db, "default").await;
    support::package(db, "Hemat 10 GB", profile.id).await;
    support::transaction_model("ORD-1", Some(user.id))
        .insert(db)
        .await
        .unwrap();
    let rows: Vec<_> = (0..ledger)
        .map(|i| {
            let mut m = support::ledger_model(user.id, "hotspot.sync_usage", &format!("k{i}"));
            m.id = Set(uuid::Uuid::new_v4());
            m.created_at = Set(support::at(i as i64, 123_456));
            m.event_details = Set(if i % 2 == 0 {
                Some(json!({ "delta_mb": i, "note": "tanda \"kutip\" & baris\nbaru" }))
            } else {
                Some(serde_json::Value::Null)
            });
            m
        })
        .collect();
    for chunk in rows.chunks(500) {
        quota_mutation_ledger::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(db)
            .await
            .unwrap();
    }
    support::outbox_model("router_sync", Some("u1"))
        .insert(db)
        .await
        .unwrap();
    user
}

fn tmp_dir() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

async fn dump_to(db: &DatabaseConnection, path: &Path) -> backup::Summary {
    let file = std::fs::File::create(path).unwrap();
    let mut quiet = |_: Progress<'_>| {};
    backup::dump(db, file, "test", &mut quiet).await.unwrap()
}

/// The rows of every backed-up table, as the backup writes them (the comparison of two
/// databases).
async fn contents(db: &DatabaseConnection) -> Vec<String> {
    let dir = tmp_dir();
    let path = dir.path().join("c.gz");
    dump_to(db, &path).await;
    let mut text = String::new();
    GzDecoder::new(std::fs::File::open(&path).unwrap())
        .read_to_string(&mut text)
        .unwrap();
    // Drop the header (it has the time) and the trailer (its checksum covers the header).
    let lines: Vec<String> = text.lines().map(str::to_owned).collect();
    lines[1..lines.len() - 1].to_vec()
}

async fn sqlite_memory() -> DatabaseConnection {
    let conn = db::connect("sqlite::memory:").await.unwrap();
    db::migrate(&conn).await.unwrap();
    conn
}

async fn restore(db: &DatabaseConnection, path: &Path) -> Result<backup::Summary, BackupError> {
    let mut quiet = |_: Progress<'_>| {};
    backup::restore(db, path, &mut quiet).await
}

#[tokio::test]
async fn a_backup_restores_the_same_rows_on_either_backend() {
    let source = TestDb::new().await;
    seed(source.conn(), 1_200).await;
    let dir = tmp_dir();
    let path = dir.path().join("b.backup.gz");
    let summary = dump_to(source.conn(), &path).await;
    assert_eq!(summary.header.format, "saring-backup");
    assert!(summary.rows > 1_200);
    assert!(summary.tables.iter().all(|(t, _)| t != "refresh_tokens"));
    let expected = contents(source.conn()).await;

    // Into a database with other data (it is replaced), on the same backend…
    let target = TestDb::new().await;
    support::user(target.conn(), "+6281100000999").await;
    let restored = restore(target.conn(), &path).await.unwrap();
    assert_eq!(restored.rows, summary.rows);
    assert_eq!(contents(target.conn()).await, expected);

    // …and on SQLite (from PostgreSQL when the suite runs there).
    let other = sqlite_memory().await;
    restore(&other, &path).await.unwrap();
    assert_eq!(contents(&other).await, expected);

    // Restoring twice is the same as once.
    restore(target.conn(), &path).await.unwrap();
    assert_eq!(contents(target.conn()).await, expected);
    source.cleanup().await.unwrap();
    target.cleanup().await.unwrap();
}

/// Rewrites a backup's decompressed text with `edit`, recompressing it.
fn rewrite(src: &Path, dst: &Path, edit: impl FnOnce(&mut Vec<String>)) {
    let mut text = String::new();
    GzDecoder::new(std::fs::File::open(src).unwrap())
        .read_to_string(&mut text)
        .unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    edit(&mut lines);
    let mut gz = GzEncoder::new(std::fs::File::create(dst).unwrap(), Compression::fast());
    for l in lines {
        writeln!(gz, "{l}").unwrap();
    }
    gz.finish().unwrap();
}

fn variant(dir: &Path, name: &str) -> PathBuf {
    dir.join(name)
}

#[tokio::test]
async fn bad_files_are_refused_and_change_nothing() {
    let source = TestDb::new().await;
    seed(source.conn(), 300).await;
    let dir = tmp_dir();
    let good = dir.path().join("good.gz");
    dump_to(source.conn(), &good).await;
    let bytes = std::fs::read(&good).unwrap();

    let target = TestDb::new().await;
    seed(target.conn(), 7).await;
    let before = contents(target.conn()).await;

    let write = |name: &str, b: &[u8]| {
        let p = variant(dir.path(), name);
        std::fs::write(&p, b).unwrap();
        p
    };
    let truncated = write("truncated.gz", &bytes[..bytes.len() / 2]);
    let mut flipped_bytes = bytes.clone();
    let mid = flipped_bytes.len() / 2;
    flipped_bytes[mid] ^= 0x55;
    let flipped = write("flipped.gz", &flipped_bytes);
    let empty = write("empty.gz", b"");
    let text = write(
        "notes.txt",
        b"-- PostgreSQL database dump\nCREATE TABLE users();\n",
    );
    let mut foreign_gz = GzEncoder::new(Vec::new(), Compression::fast());
    foreign_gz.write_all(b"{\"hello\":\"world\"}\n").unwrap();
    let foreign = write("foreign.gz", &foreign_gz.finish().unwrap());

    let newer_migration = variant(dir.path(), "newer-migration.gz");
    rewrite(&good, &newer_migration, |l| {
        let mut h: serde_json::Value = serde_json::from_str(&l[0]).unwrap();
        h["migrations"]
            .as_array_mut()
            .unwrap()
            .push(json!("m20991231_000001_from_the_future"));
        l[0] = h.to_string();
    });
    let newer_layout = variant(dir.path(), "newer-layout.gz");
    rewrite(&good, &newer_layout, |l| {
        let mut h: serde_json::Value = serde_json::from_str(&l[0]).unwrap();
        h["version"] = json!(99);
        l[0] = h.to_string();
    });
    // A valid gzip whose rows were changed: the checksum no longer matches.
    let altered = variant(dir.path(), "altered.gz");
    rewrite(&good, &altered, |l| {
        let i = l.iter().position(|x| x.contains("Hemat 10 GB")).unwrap();
        l[i] = l[i].replace("Hemat 10 GB", "Gratis 10 GB");
    });
    // Rows that do not fit the schema, with a matching checksum (a foreign tool's file).
    let misfit = variant(dir.path(), "misfit.gz");
    rewrite(&good, &misfit, |l| {
        let i = l
            .iter()
            .position(|x| x.starts_with("{\"table\":\"users\""))
            .unwrap();
        let row: Vec<serde_json::Value> = serde_json::from_str(&l[i + 1]).unwrap();
        l[i + 1] =
            serde_json::Value::Array(row.into_iter().map(|_| json!(true)).collect()).to_string();
        let body: String = l[..l.len() - 1].iter().map(|x| format!("{x}\n")).collect();
        use sha2::Digest;
        let sha = hex::encode(sha2::Sha256::digest(body.as_bytes()));
        let n = l.len() - 1;
        let mut t: serde_json::Value = serde_json::from_str(&l[n]).unwrap();
        t["sha256"] = json!(sha);
        l[n] = t.to_string();
    });

    for (path, expect) in [
        (&truncated, "damaged"),
        (&flipped, "damaged"),
        (&empty, "not"),
        (&text, "not"),
        (&foreign, "not"),
        (&newer_migration, "newer"),
        (&newer_layout, "newer"),
        (&altered, "damaged"),
        (&misfit, "damaged"),
    ] {
        let err = restore(target.conn(), path).await.unwrap_err();
        let kind = match err {
            BackupError::Damaged(_) => "damaged",
            BackupError::NotABackup(_) => "not",
            BackupError::Newer(_) => "newer",
            other => panic!("{}: unexpected {other}", path.display()),
        };
        // A flipped byte may break the gzip stream or the text inside it: either way refused.
        assert!(
            kind == expect || (expect == "damaged" && kind == "not"),
            "{}: {kind} instead of {expect}",
            path.display()
        );
        assert_eq!(contents(target.conn()).await, before, "{}", path.display());
    }
    source.cleanup().await.unwrap();
    target.cleanup().await.unwrap();
}

#[tokio::test]
async fn a_restore_stopped_midway_leaves_the_database_as_it_was() {
    let source = TestDb::new().await;
    seed(source.conn(), 12_000).await;
    let dir = tmp_dir();
    let path = dir.path().join("big.gz");
    dump_to(source.conn(), &path).await;

    let target = TestDb::new().await;
    let kept = seed(target.conn(), 3).await;
    let before = contents(target.conn()).await;

    // Abort the restore once it reports its first 5,000 inserted rows (it is then inside its
    // transaction, with tables emptied and rows inserted).
    let (tx, rx) = tokio::sync::oneshot::channel::<u64>();
    let conn = target.conn().clone();
    let p = path.clone();
    let task = tokio::spawn(async move {
        let mut tx = Some(tx);
        let mut on = move |pr: Progress<'_>| {
            if pr.total > 0
                && pr.done >= 5_000
                && let Some(tx) = tx.take()
            {
                let _ = tx.send(pr.done);
            }
        };
        backup::restore(&conn, &p, &mut on).await
    });
    let reached = rx.await.expect("the restore reported progress");
    assert!(reached >= 5_000);
    task.abort();
    assert!(task.await.unwrap_err().is_cancelled());

    assert_eq!(contents(target.conn()).await, before);
    assert!(
        users::Entity::find_by_id(kept.id)
            .one(target.conn())
            .await
            .unwrap()
            .is_some()
    );
    assert_eq!(
        quota_mutation_ledger::Entity::find()
            .count(target.conn())
            .await
            .unwrap(),
        3
    );
    source.cleanup().await.unwrap();
    target.cleanup().await.unwrap();
}
