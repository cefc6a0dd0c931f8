//! Values survive a round trip on both backends: UUID, JSON, timestamps, dates, booleans,
//! enums; and the entities' `before_save` fills keys and timestamps.

use chrono::{NaiveDate, SubsecRound, Utc};
use saring_store::entities::{enums::*, *};
use saring_store::testing::TestDb;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, IntoActiveModel,
    QueryFilter, QueryOrder, Set, Statement,
};
use serde_json::json;
use uuid::Uuid;

use crate::support::{self, at};

#[tokio::test]
async fn uuid_storage() {
    let db = TestDb::new().await;
    let user = support::user(db.conn(), "+6281100000002").await;
    let found = users::Entity::find_by_id(user.id)
        .one(db.conn())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(found.id, user.id);
    assert_eq!(found, user);

    // How the key is physically stored.
    let sql = match db.backend() {
        DbBackend::Sqlite => "SELECT typeof(id) || ':' || length(id) AS t FROM users",
        _ => "SELECT pg_typeof(id)::text AS t FROM users",
    };
    let row = db
        .query_one_raw(Statement::from_string(db.backend(), sql))
        .await
        .unwrap()
        .unwrap();
    let storage: String = row.try_get("", "t").unwrap();
    let expected = match db.backend() {
        DbBackend::Sqlite => "blob:16",
        _ => "uuid",
    };
    assert_eq!(storage, expected);
}

#[tokio::test]
async fn json_round_trip() {
    let db = TestDb::new().await;
    let user = support::user(db.conn(), "+6281100000003").await;
    let before = json!({
        "purchased_mb": 10240,
        "used_bytes": 9_007_199_254_740_993_i64,
        "ratio": 0.1,
        "note": "kuota habis ✓ \"quoted\"",
        "devices": [{"mac": "AA:BB:CC:DD:EE:FF", "delta": 1_048_576}],
        "nothing": null,
        "flag": true
    });
    let mut row = support::ledger_model(user.id, "purchase_package", "order-1");
    row.before_state = Set(Some(before.clone()));
    row.after_state = Set(Some(json!([1, "two", {"three": 3}])));
    row.event_details = Set(None);
    let inserted = row.insert(db.conn()).await.unwrap();
    let found = quota_mutation_ledger::Entity::find_by_id(inserted.id)
        .one(db.conn())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(found.before_state, Some(before));
    assert_eq!(found.after_state, Some(json!([1, "two", {"three": 3}])));
    assert_eq!(found.event_details, None);
}

#[tokio::test]
async fn timestamps_round_trip_and_order() {
    let db = TestDb::new().await;
    let user = support::user(db.conn(), "+6281100000004").await;
    // Fractions of different lengths: on SQLite these are RFC 3339 text and must still
    // compare in time order.
    let times = [
        at(0, 500_000),
        at(0, 0),
        at(0, 123_456),
        at(1, 0),
        at(-1, 999_999),
    ];
    for (i, t) in times.iter().enumerate() {
        login(&db, user.id, *t, &format!("m{i}")).await;
    }
    let rows = user_login_history::Entity::find()
        .order_by_asc(user_login_history::Column::LoginTime)
        .all(db.conn())
        .await
        .unwrap();
    let mut sorted = times.to_vec();
    sorted.sort();
    assert_eq!(
        rows.iter().map(|r| r.login_time).collect::<Vec<_>>(),
        sorted
    );

    let after = user_login_history::Entity::find()
        .filter(user_login_history::Column::LoginTime.gt(at(0, 0)))
        .all(db.conn())
        .await
        .unwrap();
    assert_eq!(after.len(), 3, "strictly after {:?}", at(0, 0));
}

async fn login(db: &TestDb, user_id: Uuid, t: chrono::DateTime<Utc>, method: &str) {
    user_login_history::ActiveModel {
        user_id: Set(user_id),
        login_time: Set(t),
        method: Set(Some(method.into())),
        ..Default::default()
    }
    .insert(db.conn())
    .await
    .unwrap();
}

#[tokio::test]
async fn dates_bools_and_options_round_trip() {
    let db = TestDb::new().await;
    let user = support::user(db.conn(), "+6281100000005").await;
    let debt_date = NaiveDate::from_ymd_opt(2026, 2, 28).unwrap();
    let due_date = NaiveDate::from_ymd_opt(2026, 12, 31).unwrap();
    let debt = user_quota_debts::ActiveModel {
        user_id: Set(user.id),
        debt_date: Set(Some(debt_date)),
        due_date: Set(Some(due_date)),
        amount_mb: Set(5120),
        paid_mb: Set(0),
        is_unlimited: Set(true),
        price_rp: Set(Some(75_000)),
        is_paid: Set(false),
        note: Set(None),
        ..Default::default()
    }
    .insert(db.conn())
    .await
    .unwrap();
    let found = user_quota_debts::Entity::find_by_id(debt.id)
        .one(db.conn())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(found, debt);
    assert_eq!(found.debt_date, Some(debt_date));
    assert!(found.is_unlimited && !found.is_paid);

    // Date comparison in SQL.
    let overdue = user_quota_debts::Entity::find()
        .filter(user_quota_debts::Column::DueDate.lt(NaiveDate::from_ymd_opt(2027, 1, 1).unwrap()))
        .filter(user_quota_debts::Column::IsPaid.eq(false))
        .all(db.conn())
        .await
        .unwrap();
    assert_eq!(overdue.len(), 1);
    let not_yet = user_quota_debts::Entity::find()
        .filter(user_quota_debts::Column::DueDate.lt(due_date))
        .all(db.conn())
        .await
        .unwrap();
    assert!(not_yet.is_empty());
}

#[tokio::test]
async fn enums_round_trip_and_unknown_values_fail() {
    let db = TestDb::new().await;
    let mut admin = support::user_model("+6281100000006");
    admin.role = Set(UserRole::SuperAdmin);
    admin.approval_status = Set(ApprovalStatus::PendingApproval);
    let admin = admin.insert(db.conn()).await.unwrap();
    let found = users::Entity::find()
        .filter(users::Column::Role.eq(UserRole::SuperAdmin))
        .one(db.conn())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(found.id, admin.id);
    assert_eq!(found.approval_status, ApprovalStatus::PendingApproval);

    // Stored as the reference's strings.
    let row = db
        .query_one_raw(Statement::from_string(
            db.backend(),
            "SELECT role, approval_status FROM users",
        ))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.try_get::<String>("", "role").unwrap(), "SUPER_ADMIN");
    assert_eq!(
        row.try_get::<String>("", "approval_status").unwrap(),
        "PENDING_APPROVAL"
    );

    db.execute_unprepared("UPDATE users SET role = 'OVERLORD'")
        .await
        .unwrap();
    assert!(users::Entity::find().one(db.conn()).await.is_err());
}

#[tokio::test]
async fn before_save_fills_ids_and_timestamps() {
    let db = TestDb::new().await;
    let start = Utc::now().trunc_subsecs(6);
    let user = support::user(db.conn(), "+6281100000007").await;
    assert_ne!(user.id, Uuid::nil());
    assert!(user.created_at >= start && user.updated_at >= start);
    assert_eq!(user.created_at, user.updated_at);

    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    let mut active = user.clone().into_active_model();
    active.full_name = Set("Budi Santoso".into());
    let updated = active.update(db.conn()).await.unwrap();
    assert_eq!(updated.created_at, user.created_at);
    assert!(updated.updated_at > user.updated_at);

    // An explicit value wins.
    let mut active = updated.clone().into_active_model();
    active.updated_at = Set(at(0, 0));
    assert_eq!(active.update(db.conn()).await.unwrap().updated_at, at(0, 0));
}
