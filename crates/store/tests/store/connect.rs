//! `connect`: SQLite file creation, pragmas, in-memory databases, bad URLs, write transactions.

use std::time::Duration;

use saring_store::StoreError;
use saring_store::db::{self, begin_write, table_names};
use saring_store::entities::users;
use saring_store::testing::TestDb;
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait, IntoActiveModel,
    Set, Statement, TransactionTrait,
};

use crate::support;

async fn pragma(db: &impl ConnectionTrait, name: &str) -> String {
    let row = db
        .query_one_raw(Statement::from_string(
            DbBackend::Sqlite,
            format!("SELECT * FROM pragma_{name}"),
        ))
        .await
        .unwrap()
        .unwrap();
    row.try_get_by_index::<String>(0)
        .or_else(|_| row.try_get_by_index::<i64>(0).map(|n| n.to_string()))
        .unwrap()
}

#[tokio::test]
async fn sqlite_file_is_created_with_wal_and_foreign_keys() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nested/deeper/saring.db");
    let url = format!("sqlite://{}?mode=rwc", path.display());
    let db = db::connect(&url).await.unwrap();
    assert!(path.exists(), "database file created");
    assert_eq!(pragma(&db, "journal_mode").await, "wal");
    // Every pooled connection has foreign keys on: hold all four (a transaction pins one each).
    let mut held = Vec::new();
    for _ in 0..4 {
        held.push(db.begin().await.unwrap());
    }
    for txn in &held {
        assert_eq!(pragma(txn, "foreign_keys").await, "1");
    }
    for txn in held {
        txn.rollback().await.unwrap();
    }
    assert_eq!(pragma(&db, "busy_timeout").await, "5000");
    db::migrate(&db).await.unwrap();
    db.close().await.unwrap();
}

#[tokio::test]
async fn in_memory_sqlite_keeps_its_data() {
    let db = db::connect("sqlite::memory:").await.unwrap();
    db::migrate(&db).await.unwrap();
    support::user(&db, "+6281300000001").await;
    tokio::time::sleep(Duration::from_millis(10)).await;
    assert_eq!(users::Entity::find().all(&db).await.unwrap().len(), 1);
    assert!(!table_names(&db).await.unwrap().is_empty());
}

#[tokio::test]
async fn unsupported_urls_are_refused() {
    for url in ["mysql://root@localhost/x", "saring.db", ""] {
        assert!(
            matches!(db::connect(url).await, Err(StoreError::Config(_))),
            "{url}"
        );
    }
}

#[test]
fn default_url_is_a_sqlite_file() {
    assert_eq!(
        db::default_sqlite_url(),
        "sqlite://./data/saring.db?mode=rwc"
    );
}

/// Two read-modify-write transactions at once: with `begin_write` SQLite serialises them
/// instead of failing one with SQLITE_BUSY (PostgreSQL needs row locks for this, so the test is
/// SQLite-only).
#[tokio::test]
async fn concurrent_write_transactions_serialise_on_sqlite() {
    let db = TestDb::new().await;
    if db.backend() != DbBackend::Sqlite {
        return;
    }
    let user = support::user(db.conn(), "+6281300000002").await;
    let bump = |conn: DatabaseConnection| async move {
        let txn = begin_write(&conn).await.unwrap();
        let current = users::Entity::find_by_id(user.id)
            .one(&txn)
            .await
            .unwrap()
            .unwrap();
        tokio::time::sleep(Duration::from_millis(50)).await;
        let mut active = current.clone().into_active_model();
        active.total_quota_used_bytes = Set(current.total_quota_used_bytes + 1);
        active.update(&txn).await.unwrap();
        txn.commit().await.unwrap();
    };
    tokio::join!(bump(db.conn().clone()), bump(db.conn().clone()));
    let after = users::Entity::find_by_id(user.id)
        .one(db.conn())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(after.total_quota_used_bytes, 2);
}

#[tokio::test]
async fn begin_write_works_inside_transactions_too() {
    let db = TestDb::new().await;
    let outer = db.conn().begin().await.unwrap();
    let inner = begin_write(&outer).await.unwrap();
    support::user(&inner, "+6281300000003").await;
    inner.commit().await.unwrap();
    outer.commit().await.unwrap();
    assert_eq!(users::Entity::find().all(db.conn()).await.unwrap().len(), 1);
    let _ = db.execute_unprepared("SELECT 1").await.unwrap();
}
