//! Unique constraints map to `StoreError::Conflict`; foreign keys (also on SQLite) cascade,
//! set null or restrict as designed.

use saring_store::StoreError;
use saring_store::entities::{enums::*, *};
use saring_store::error::is_foreign_key_violation;
use saring_store::testing::TestDb;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, ModelTrait, PaginatorTrait,
    QueryFilter, Set,
};
use uuid::Uuid;

use crate::support;

/// The insert failed with a unique violation.
fn assert_conflict<T: std::fmt::Debug>(result: Result<T, sea_orm::DbErr>) {
    let err = StoreError::from(result.expect_err("expected a unique violation"));
    assert!(err.is_conflict(), "expected Conflict, got {err:?}");
}

#[tokio::test]
async fn duplicate_phone_number_is_a_conflict() {
    let db = TestDb::new().await;
    support::user(db.conn(), "+6281200000001").await;
    assert_conflict(
        support::user_model("+6281200000001")
            .insert(db.conn())
            .await,
    );
}

#[tokio::test]
async fn ledger_idempotency_key_is_unique_per_user_and_source() {
    let db = TestDb::new().await;
    let a = support::user(db.conn(), "+6281200000002").await;
    let b = support::user(db.conn(), "+6281200000003").await;
    support::ledger_model(a.id, "purchase_package", "ORDER-1")
        .insert(db.conn())
        .await
        .unwrap();
    assert_conflict(
        support::ledger_model(a.id, "purchase_package", "ORDER-1")
            .insert(db.conn())
            .await,
    );
    // Another source or another user may reuse the key.
    support::ledger_model(a.id, "quota.adjust_direct", "ORDER-1")
        .insert(db.conn())
        .await
        .unwrap();
    support::ledger_model(b.id, "purchase_package", "ORDER-1")
        .insert(db.conn())
        .await
        .unwrap();
}

#[tokio::test]
async fn outbox_dedupe_key_makes_enqueue_idempotent() {
    let db = TestDb::new().await;
    support::outbox_model("policy_sync_user", Some("sync:u1"))
        .insert(db.conn())
        .await
        .unwrap();
    assert_conflict(
        support::outbox_model("policy_sync_user", Some("sync:u1"))
            .insert(db.conn())
            .await,
    );
    // Jobs without a dedupe key never collide.
    for _ in 0..2 {
        support::outbox_model("whatsapp_send", None)
            .insert(db.conn())
            .await
            .unwrap();
    }

    // The idiomatic enqueue: INSERT … ON CONFLICT (dedupe_key) DO NOTHING (hooks do not run:
    // set the id and timestamps).
    let mut again = support::outbox_model("policy_sync_user", Some("sync:u1"));
    again.id = Set(Uuid::new_v4());
    again.created_at = Set(saring_store::db::now());
    again.updated_at = Set(saring_store::db::now());
    let result = outbox::Entity::insert(again)
        .on_conflict_do_nothing_on([outbox::Column::DedupeKey])
        .exec(db.conn())
        .await
        .unwrap();
    assert!(matches!(result, sea_orm::TryInsertResult::Conflicted));
    assert_eq!(outbox::Entity::find().count(db.conn()).await.unwrap(), 3);
}

#[tokio::test]
async fn device_mac_is_unique_across_users() {
    let db = TestDb::new().await;
    let a = support::user(db.conn(), "+6281200000004").await;
    let b = support::user(db.conn(), "+6281200000005").await;
    support::device_model(a.id, "AA:BB:CC:00:00:10")
        .insert(db.conn())
        .await
        .unwrap();
    assert_conflict(
        support::device_model(a.id, "AA:BB:CC:00:00:10")
            .insert(db.conn())
            .await,
    );
    assert_conflict(
        support::device_model(b.id, "AA:BB:CC:00:00:10")
            .insert(db.conn())
            .await,
    );
}

#[tokio::test]
async fn other_unique_keys() {
    let db = TestDb::new().await;
    let user = support::user(db.conn(), "+6281200000006").await;
    support::transaction_model("ORD-1", Some(user.id))
        .insert(db.conn())
        .await
        .unwrap();
    assert_conflict(
        support::transaction_model("ORD-1", None)
            .insert(db.conn())
            .await,
    );

    let day = chrono::NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
    let usage = || daily_usage_logs::ActiveModel {
        user_id: Set(user.id),
        log_date: Set(day),
        usage_bytes: Set(1),
        ..Default::default()
    };
    usage().insert(db.conn()).await.unwrap();
    assert_conflict(usage().insert(db.conn()).await);

    let subscription = || notification_recipients::ActiveModel {
        admin_user_id: Set(user.id),
        notification_type: Set(NotificationType::NewUserRegistration),
        ..Default::default()
    };
    subscription().insert(db.conn()).await.unwrap();
    assert_conflict(subscription().insert(db.conn()).await);

    let router = support::router(db.conn(), "site-a").await;
    assert_conflict(
        routers::ActiveModel {
            id: Set(Uuid::new_v4()),
            ..router.clone().into_active_model()
        }
        .insert(db.conn())
        .await,
    );

    // At most one default router.
    let mut first = router.into_active_model();
    first.is_default = Set(true);
    first.update(db.conn()).await.unwrap();
    let mut second = support::router(db.conn(), "site-b")
        .await
        .into_active_model();
    second.is_default = Set(true);
    assert_conflict(second.update(db.conn()).await);
}

#[tokio::test]
async fn foreign_keys_are_enforced() {
    let db = TestDb::new().await;
    let err = support::device_model(Uuid::new_v4(), "AA:BB:CC:00:00:20")
        .insert(db.conn())
        .await
        .expect_err("unknown user must be refused");
    assert!(is_foreign_key_violation(&err), "{err:?}");
    assert!(!StoreError::from(err).is_conflict());
}

#[tokio::test]
async fn deleting_a_user_cascades_and_sets_null() {
    let db = TestDb::new().await;
    let admin = support::user(db.conn(), "+6281200000010").await;
    let mut victim = support::user_model("+6281200000011");
    victim.approved_by_id = Set(Some(admin.id));
    let victim = victim.insert(db.conn()).await.unwrap();
    // The victim approved someone else too (self-FK).
    let mut other = support::user_model("+6281200000012");
    other.approved_by_id = Set(Some(victim.id));
    let other = other.insert(db.conn()).await.unwrap();

    support::device_model(victim.id, "AA:BB:CC:00:00:30")
        .insert(db.conn())
        .await
        .unwrap();
    support::ledger_model(victim.id, "s", "k")
        .insert(db.conn())
        .await
        .unwrap();
    user_quota_debts::ActiveModel {
        user_id: Set(victim.id),
        created_by_id: Set(Some(admin.id)),
        amount_mb: Set(100),
        paid_mb: Set(0),
        is_unlimited: Set(false),
        is_paid: Set(false),
        ..Default::default()
    }
    .insert(db.conn())
    .await
    .unwrap();
    refresh_tokens::ActiveModel {
        user_id: Set(victim.id),
        token_hash: Set("a".repeat(64)),
        expires_at: Set(support::at(3600, 0)),
        ..Default::default()
    }
    .insert(db.conn())
    .await
    .unwrap();
    let tx = support::transaction_model("ORD-V", Some(victim.id))
        .insert(db.conn())
        .await
        .unwrap();
    admin_action_logs::ActiveModel {
        admin_id: Set(Some(admin.id)),
        target_user_id: Set(Some(victim.id)),
        action_type: Set("BLOCK_USER".into()),
        details: Set(Some(serde_json::json!({"reason": "test"}))),
        ..Default::default()
    }
    .insert(db.conn())
    .await
    .unwrap();

    victim.clone().delete(db.conn()).await.unwrap();

    assert_eq!(
        user_devices::Entity::find().count(db.conn()).await.unwrap(),
        0
    );
    assert_eq!(
        quota_mutation_ledger::Entity::find()
            .count(db.conn())
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        user_quota_debts::Entity::find()
            .count(db.conn())
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        refresh_tokens::Entity::find()
            .count(db.conn())
            .await
            .unwrap(),
        0
    );
    // Money history is kept, detached from the user.
    let tx = transactions::Entity::find_by_id(tx.id)
        .one(db.conn())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(tx.user_id, None);
    let log = admin_action_logs::Entity::find()
        .one(db.conn())
        .await
        .unwrap()
        .unwrap();
    assert_eq!((log.admin_id, log.target_user_id), (Some(admin.id), None));
    let other = users::Entity::find_by_id(other.id)
        .one(db.conn())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(other.approved_by_id, None);
}

#[tokio::test]
async fn deleting_a_router_detaches_users_and_devices() {
    let db = TestDb::new().await;
    let router = support::router(db.conn(), "site-x").await;
    let mut user = support::user_model("+6281200000020");
    user.router_id = Set(Some(router.id));
    let user = user.insert(db.conn()).await.unwrap();
    let mut device = support::device_model(user.id, "AA:BB:CC:00:00:40");
    device.router_id = Set(Some(router.id));
    let device = device.insert(db.conn()).await.unwrap();

    router.delete(db.conn()).await.unwrap();

    let user = users::Entity::find_by_id(user.id)
        .one(db.conn())
        .await
        .unwrap()
        .unwrap();
    let device = user_devices::Entity::find_by_id(device.id)
        .one(db.conn())
        .await
        .unwrap()
        .unwrap();
    assert_eq!((user.router_id, device.router_id), (None, None));
}

#[tokio::test]
async fn catalog_restricts_and_transactions_cascade_events() {
    let db = TestDb::new().await;
    let profile = support::profile(db.conn(), "paket-10gb").await;
    let package = support::package(db.conn(), "10 GB", profile.id).await;

    // A profile in use cannot be deleted.
    let err = profile
        .clone()
        .delete(db.conn())
        .await
        .expect_err("RESTRICT");
    assert!(is_foreign_key_violation(&err), "{err:?}");

    let mut tx = support::transaction_model("ORD-P", None);
    tx.package_id = Set(Some(package.id));
    let tx = tx.insert(db.conn()).await.unwrap();
    // A package that was sold cannot be deleted either.
    let err = package
        .clone()
        .delete(db.conn())
        .await
        .expect_err("RESTRICT");
    assert!(is_foreign_key_violation(&err), "{err:?}");

    transaction_events::ActiveModel {
        transaction_id: Set(tx.id),
        source: Set(TransactionEventSource::MidtransWebhook),
        event_type: Set("notification".into()),
        status: Set(Some(TransactionStatus::Success)),
        payload: Set(Some("{}".into())),
        ..Default::default()
    }
    .insert(db.conn())
    .await
    .unwrap();
    tx.delete(db.conn()).await.unwrap();
    assert_eq!(
        transaction_events::Entity::find()
            .count(db.conn())
            .await
            .unwrap(),
        0
    );

    // Unused now: the package, then the profile, can go.
    package.delete(db.conn()).await.unwrap();
    profile.delete(db.conn()).await.unwrap();
}

#[tokio::test]
async fn relations_load() {
    let db = TestDb::new().await;
    let user = support::user(db.conn(), "+6281200000030").await;
    for mac in ["AA:BB:CC:00:00:51", "AA:BB:CC:00:00:52"] {
        support::device_model(user.id, mac)
            .insert(db.conn())
            .await
            .unwrap();
    }
    support::transaction_model("ORD-R", Some(user.id))
        .insert(db.conn())
        .await
        .unwrap();
    let devices = user
        .find_related(user_devices::Entity)
        .all(db.conn())
        .await
        .unwrap();
    assert_eq!(devices.len(), 2);
    let (device, owner) = user_devices::Entity::find()
        .find_also_related(users::Entity)
        .filter(user_devices::Column::MacAddress.eq("AA:BB:CC:00:00:51"))
        .one(db.conn())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(device.user_id, user.id);
    assert_eq!(owner.map(|o| o.id), Some(user.id));
    let loaded = users::Entity::load()
        .filter(users::Column::Id.eq(user.id))
        .with(transactions::Entity)
        .with(user_devices::Entity)
        .one(db.conn())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(loaded.transactions.len(), 1);
    assert_eq!(loaded.devices.len(), 2);
}
