//! Fixtures: minimal valid rows.

use chrono::{DateTime, TimeZone, Utc};
use saring_store::entities::{enums::*, *};
use sea_orm::{ActiveModelTrait, ConnectionTrait, Set};
use uuid::Uuid;

/// A fixed instant with a microsecond fraction (what both backends store exactly).
pub fn at(secs: i64, micros: u32) -> DateTime<Utc> {
    Utc.timestamp_opt(1_764_000_000 + secs, micros * 1000)
        .unwrap()
}

pub async fn router(db: &impl ConnectionTrait, name: &str) -> routers::Model {
    routers::ActiveModel {
        name: Set(name.into()),
        host: Set("192.0.2.1".into()),
        port: Set(8728),
        use_tls: Set(false),
        tls_insecure: Set(false),
        username: Set("api".into()),
        password_encrypted: Set("v1:xx".into()),
        hotspot_server_names: Set(r#"["srv-user"]"#.into()),
        hotspot_client_cidrs: Set(r#"["172.16.2.0/23"]"#.into()),
        is_enabled: Set(true),
        is_default: Set(false),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap()
}

pub fn user_model(phone: &str) -> users::ActiveModel {
    users::ActiveModel {
        phone_number: Set(phone.into()),
        full_name: Set("Budi".into()),
        is_tamping: Set(false),
        is_active: Set(true),
        role: Set(UserRole::User),
        approval_status: Set(ApprovalStatus::Approved),
        is_blocked: Set(false),
        mikrotik_user_exists: Set(false),
        total_quota_purchased_mb: Set(0),
        total_quota_used_bytes: Set(0),
        auto_debt_offset_mb: Set(0),
        manual_debt_mb: Set(0),
        is_unlimited_user: Set(false),
        ..Default::default()
    }
}

pub async fn user(db: &impl ConnectionTrait, phone: &str) -> users::Model {
    user_model(phone).insert(db).await.unwrap()
}

pub fn device_model(user_id: Uuid, mac: &str) -> user_devices::ActiveModel {
    user_devices::ActiveModel {
        user_id: Set(user_id),
        mac_address: Set(mac.into()),
        is_randomized_mac: Set(false),
        is_authorized: Set(true),
        ..Default::default()
    }
}

pub async fn profile(db: &impl ConnectionTrait, name: &str) -> package_profiles::Model {
    package_profiles::ActiveModel {
        profile_name: Set(name.into()),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap()
}

pub async fn package(db: &impl ConnectionTrait, name: &str, profile_id: Uuid) -> packages::Model {
    packages::ActiveModel {
        name: Set(name.into()),
        price: Set(50_000),
        data_quota_mb: Set(10 * 1024),
        duration_days: Set(30),
        profile_id: Set(profile_id),
        is_active: Set(true),
        sort_order: Set(0),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap()
}

pub fn transaction_model(order_id: &str, user_id: Option<Uuid>) -> transactions::ActiveModel {
    transactions::ActiveModel {
        user_id: Set(user_id),
        purpose: Set(TransactionPurpose::Purchase),
        provider_mode: Set(ProviderMode::Snap),
        midtrans_order_id: Set(order_id.into()),
        amount: Set(50_000),
        status: Set(TransactionStatus::Pending),
        ..Default::default()
    }
}

pub fn ledger_model(user_id: Uuid, source: &str, key: &str) -> quota_mutation_ledger::ActiveModel {
    quota_mutation_ledger::ActiveModel {
        user_id: Set(user_id),
        source: Set(source.into()),
        idempotency_key: Set(key.into()),
        ..Default::default()
    }
}

pub fn outbox_model(kind: &str, dedupe_key: Option<&str>) -> outbox::ActiveModel {
    outbox::ActiveModel {
        kind: Set(kind.into()),
        dedupe_key: Set(dedupe_key.map(Into::into)),
        payload: Set(serde_json::json!({ "user_id": "x" })),
        status: Set(OutboxStatus::Pending),
        attempts: Set(0),
        run_after: Set(Utc::now()),
        ..Default::default()
    }
}
