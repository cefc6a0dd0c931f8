//! Core tables: routers, users and what hangs directly off a user's login (devices, refresh
//! tokens, login history), plus application settings.

use sea_orm_migration::{prelude::*, schema::*};

use crate::helpers::{
    counter, create_all, drop_all, fk, flag, index, tz, tz_null, unique, with_timestamps,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

const SET_NULL: ForeignKeyAction = ForeignKeyAction::SetNull;
const CASCADE: ForeignKeyAction = ForeignKeyAction::Cascade;

fn routers() -> TableCreateStatement {
    let mut t = Table::create();
    t.table("routers")
        .col(pk_uuid("id"))
        .col(string_len("name", 64))
        .col(string_len("host", 255))
        .col(integer("port").default(8728))
        .col(flag("use_tls", false))
        .col(flag("tls_insecure", false))
        .col(text_null("tls_ca_pem"))
        .col(string_len_null("tls_fingerprint_sha256", 128))
        .col(string_len("username", 100))
        // `SecretCipher` output (`v1:` + base64), never the plain password.
        .col(text("password_encrypted"))
        // JSON arrays of strings, e.g. `["srv-user","srv-komandan"]`, `["172.16.2.0/23"]`.
        .col(text("hotspot_server_names").default("[]"))
        .col(text("hotspot_client_cidrs").default("[]"))
        .col(flag("is_enabled", true))
        .col(flag("is_default", false))
        .col(tz_null("last_seen_at"))
        .col(text_null("last_error"))
        .col(string_len_null("routeros_version", 64));
    with_timestamps(&mut t);
    t
}

fn users() -> TableCreateStatement {
    let mut t = Table::create();
    t.table("users")
        .col(pk_uuid("id"))
        .col(string_len("phone_number", 25))
        .col(string_len_null("password_hash", 255))
        .col(string_len("full_name", 100))
        .col(string_len_null("blok", 10))
        .col(string_len_null("kamar", 20))
        .col(flag("is_tamping", false))
        .col(string_len_null("tamping_type", 50))
        .col(string_len_null("previous_blok", 10))
        .col(string_len_null("previous_kamar", 20))
        .col(flag("is_active", false))
        .col(string_len("role", 20).default("USER"))
        .col(string_len("approval_status", 20).default("PENDING_APPROVAL"))
        .col(flag("is_blocked", false))
        .col(text_null("blocked_reason"))
        .col(tz_null("blocked_at"))
        .col(uuid_null("blocked_by_id"))
        .col(uuid_null("router_id"))
        .col(flag("mikrotik_user_exists", false))
        .col(string_len_null("mikrotik_server_name", 100))
        .col(string_len_null("mikrotik_profile_name", 100))
        .col(string_len_null("mikrotik_password", 255))
        .col(counter("total_quota_purchased_mb"))
        .col(counter("total_quota_used_bytes"))
        .col(counter("auto_debt_offset_mb"))
        .col(counter("manual_debt_mb"))
        .col(tz_null("manual_debt_updated_at"))
        .col(tz_null("quota_expiry_date"))
        .col(flag("is_unlimited_user", false))
        .col(string_len_null("telegram_chat_id", 64))
        .col(string_len_null("telegram_username", 64))
        .col(tz_null("telegram_linked_at"))
        .col(string_len_null("device_brand", 100))
        .col(string_len_null("device_model", 100))
        .col(text_null("raw_user_agent"))
        .col(tz_null("approved_at"))
        .col(uuid_null("approved_by_id"))
        .col(tz_null("rejected_at"))
        .col(uuid_null("rejected_by_id"))
        .col(tz_null("last_login_at"))
        .col(tz_null("last_low_quota_notif_at"))
        .col(tz_null("last_expiry_notif_at"))
        .col(integer_null("last_quota_notification_level"))
        .col(integer_null("last_expiry_notification_level"))
        .col(tz_null("deactivated_at"))
        .col(tz_null("pre_delete_warned_at"));
    with_timestamps(&mut t);
    t.foreign_key(&mut fk("users", "blocked_by_id", "users", SET_NULL))
        .foreign_key(&mut fk("users", "approved_by_id", "users", SET_NULL))
        .foreign_key(&mut fk("users", "rejected_by_id", "users", SET_NULL))
        .foreign_key(&mut fk("users", "router_id", "routers", SET_NULL));
    t
}

fn user_devices() -> TableCreateStatement {
    let mut t = Table::create();
    t.table("user_devices")
        .col(pk_uuid("id"))
        .col(uuid("user_id"))
        .col(uuid_null("router_id"))
        // Uppercase `AA:BB:CC:DD:EE:FF`.
        .col(string_len("mac_address", 32))
        .col(flag("is_randomized_mac", false))
        .col(string_len_null("ip_address", 45))
        // Usage baseline: last `bytes-in + bytes-out` seen for this MAC's hotspot host row.
        .col(big_integer_null("last_bytes_total"))
        .col(tz_null("last_bytes_updated_at"))
        .col(string_len_null("last_hotspot_host_id", 64))
        .col(big_integer_null("last_hotspot_uptime_seconds"))
        .col(string_len_null("user_agent", 255))
        .col(string_len_null("label", 100))
        .col(flag("is_authorized", true))
        .col(tz("first_seen_at"))
        .col(tz("last_seen_at"))
        .col(tz_null("authorized_at"))
        .col(tz_null("deauthorized_at"))
        .foreign_key(&mut fk("user_devices", "user_id", "users", CASCADE))
        .foreign_key(&mut fk("user_devices", "router_id", "routers", SET_NULL));
    t
}

fn refresh_tokens() -> TableCreateStatement {
    let mut t = Table::create();
    t.table("refresh_tokens")
        .col(pk_uuid("id"))
        .col(uuid("user_id"))
        // sha256 hex of the raw token; the raw token is never stored.
        .col(string_len("token_hash", 64))
        .col(tz("issued_at"))
        .col(tz("expires_at"))
        .col(tz_null("revoked_at"))
        .col(uuid_null("replaced_by_id"))
        .col(string_len_null("ip_address", 45))
        .col(string_len_null("user_agent", 255))
        .foreign_key(&mut fk("refresh_tokens", "user_id", "users", CASCADE))
        .foreign_key(&mut fk(
            "refresh_tokens",
            "replaced_by_id",
            "refresh_tokens",
            SET_NULL,
        ));
    t
}

fn user_login_history() -> TableCreateStatement {
    let mut t = Table::create();
    t.table("user_login_history")
        .col(pk_uuid("id"))
        .col(uuid("user_id"))
        .col(tz("login_time"))
        .col(string_len_null("ip_address", 45))
        .col(string_len_null("mac_address", 32))
        .col(text_null("user_agent_string"))
        .col(uuid_null("router_id"))
        // `otp`, `auto_login`, `password`, …
        .col(string_len_null("method", 32))
        .foreign_key(&mut fk("user_login_history", "user_id", "users", CASCADE))
        .foreign_key(&mut fk(
            "user_login_history",
            "router_id",
            "routers",
            SET_NULL,
        ));
    t
}

fn application_settings() -> TableCreateStatement {
    let mut t = Table::create();
    t.table("application_settings")
        .col(string_len("setting_key", 100).primary_key())
        // `SecretCipher` output when `is_encrypted`.
        .col(text_null("setting_value"))
        .col(text_null("description"))
        .col(flag("is_encrypted", false));
    with_timestamps(&mut t);
    t
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        create_all(
            manager,
            vec![
                routers(),
                users(),
                user_devices(),
                refresh_tokens(),
                user_login_history(),
                application_settings(),
            ],
            vec![
                unique("routers", &["name"]),
                // At most one default router (partial index; PostgreSQL and SQLite both have them).
                unique("routers", &["is_default"])
                    .and_where(Expr::col("is_default").eq(true))
                    .take(),
                unique("users", &["phone_number"]),
                index("users", &["role"]),
                index("users", &["approval_status"]),
                index("users", &["router_id"]),
                unique("user_devices", &["user_id", "mac_address"]),
                unique("user_devices", &["mac_address"]),
                index("user_devices", &["router_id"]),
                unique("refresh_tokens", &["token_hash"]),
                index("refresh_tokens", &["user_id"]),
                index("refresh_tokens", &["expires_at"]),
                index("user_login_history", &["user_id", "login_time"]),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_all(
            manager,
            &[
                "application_settings",
                "user_login_history",
                "refresh_tokens",
                "user_devices",
                "users",
                "routers",
            ],
        )
        .await
    }

    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }
}
