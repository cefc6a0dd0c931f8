//! Administrators and routers through the app layer, on SQLite and PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use saring_app::accounts::{CreateAdmin, create_admin, verify_password};
use saring_app::testing::TestApp;
use saring_app::{AppError, router};
use saring_domain::api::ErrorCode;
use saring_domain::{Phone, Role};
use saring_store::repo::{routers as router_repo, users};
use secrecy::SecretString;

fn admin(phone: &str, name: &str, password: &str, super_admin: bool) -> CreateAdmin {
    CreateAdmin {
        phone: Phone::parse(phone).unwrap(),
        full_name: name.into(),
        password: SecretString::from(password.to_owned()),
        super_admin,
    }
}

#[tokio::test]
async fn creates_an_approved_admin_with_a_hashed_password() {
    let t = TestApp::new().await;
    let user = create_admin(
        &t,
        admin("0812-3456-7890", "  Siti Admin ", "sandi-rahasia", false),
    )
    .await
    .unwrap();
    assert_eq!(user.role, Role::Admin);
    assert_eq!(user.full_name, "Siti Admin");
    assert!(user.is_active);
    assert!(user.approved_at.is_some());
    let stored = users::find_by_phone(t.db(), &Phone::parse("6281234567890").unwrap())
        .await
        .unwrap()
        .unwrap();
    let hash = stored.password_hash.unwrap();
    assert!(hash.starts_with("$argon2id$"));
    assert!(verify_password(
        &SecretString::from("sandi-rahasia".to_owned()),
        &hash
    ));
    assert!(!verify_password(
        &SecretString::from("salah".to_owned()),
        &hash
    ));
    assert!(!verify_password(
        &SecretString::from("x".to_owned()),
        "not-a-hash"
    ));
    // The user resolves as an administrator: unlimited access.
    let now = chrono::Utc::now();
    assert_eq!(
        t.config()
            .policy
            .status(&stored_snapshot(&t, &user.phone).await, now),
        saring_domain::AccessStatus::Unlimited
    );
}

async fn stored_snapshot(t: &TestApp, phone: &Phone) -> saring_domain::access::AccessSnapshot {
    users::find_by_phone(t.db(), phone)
        .await
        .unwrap()
        .unwrap()
        .access_snapshot()
}

#[tokio::test]
async fn refuses_duplicates_and_bad_input_without_writing() {
    let t = TestApp::new().await;
    create_admin(&t, admin("081234567890", "Siti", "sandi-rahasia", true))
        .await
        .unwrap();
    let dup = create_admin(
        &t,
        admin("+6281234567890", "Siti Lagi", "sandi-rahasia", false),
    )
    .await
    .unwrap_err();
    assert!(
        matches!(&dup, AppError::Rejected(b) if b.code == ErrorCode::PhoneAlreadyRegistered),
        "{dup:?}"
    );
    for (name, password) in [
        ("S", "sandi-rahasia"),
        ("Siti\u{7}", "sandi-rahasia"),
        ("Sari", "pendek"),
        ("Sari", &"x".repeat(129)),
    ] {
        let err = create_admin(&t, admin("081299990000", name, password, false))
            .await
            .unwrap_err();
        assert!(
            matches!(&err, AppError::Rejected(b) if b.code == ErrorCode::ValidationFailed),
            "{name:?}: {err:?}"
        );
    }
    assert!(
        users::find_by_phone(t.db(), &Phone::parse("081299990000").unwrap())
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn default_router_comes_from_the_environment_with_its_password_encrypted() {
    let t = TestApp::with_env(&[
        ("MIKROTIK_HOST", "10.10.0.1"),
        ("MIKROTIK_USER", "saring-api"),
        ("MIKROTIK_PASSWORD", "router-secret"),
        ("HOTSPOT_CLIENT_IP_CIDRS", "['10.5.0.0/16']"),
    ])
    .await;
    let first = router::sync_default_router(&t).await.unwrap().unwrap();
    assert_eq!(first.spec.name, "default");
    assert_eq!(first.spec.port, 8728);
    assert_eq!(first.spec.password, "router-secret");
    assert_eq!(first.spec.hotspot_client_cidrs, ["10.5.0.0/16"]);
    assert_eq!(
        first.spec.hotspot_server_names,
        ["srv-user", "srv-komandan"]
    );
    assert!(first.is_default);
    // Running again updates in place.
    let again = router::sync_default_router(&t).await.unwrap().unwrap();
    assert_eq!(again.id, first.id);
    assert_eq!(
        router_repo::list(t.db(), t.cipher()).await.unwrap().len(),
        1
    );

    // Stored encrypted, never in clear.
    use saring_store::entities::routers as rows;
    use sea_orm::EntityTrait;
    let raw = rows::Entity::find_by_id(first.id)
        .one(t.db())
        .await
        .unwrap()
        .unwrap();
    assert!(
        raw.password_encrypted.starts_with("v1:")
            && !raw.password_encrypted.contains("router-secret")
    );

    let options = router::options_by_name(&t, "default").await.unwrap();
    assert_eq!(options.effective_port(), 8728);
    let missing = router::options_by_name(&t, "nope").await.unwrap_err();
    assert!(matches!(missing, AppError::Rejected(b) if b.code == ErrorCode::NotFound));
}

#[tokio::test]
async fn tls_routers_need_a_way_to_trust_the_certificate() {
    let t =
        TestApp::with_env(&[("MIKROTIK_HOST", "10.10.0.1"), ("MIKROTIK_USE_SSL", "true")]).await;
    let router = router::sync_default_router(&t).await.unwrap().unwrap();
    assert_eq!(router.spec.port, 8729);
    assert!(router::connect_options(&router.spec, Duration::from_secs(1)).is_err());
    let insecure = TestApp::with_env(&[
        ("MIKROTIK_HOST", "10.10.0.1"),
        ("MIKROTIK_USE_SSL", "true"),
        ("MIKROTIK_SSL_VERIFY", "false"),
    ])
    .await;
    let router = router::sync_default_router(&insecure)
        .await
        .unwrap()
        .unwrap();
    assert!(router.spec.tls_insecure);
    assert!(router::connect_options(&router.spec, Duration::from_secs(1)).is_ok());
}
