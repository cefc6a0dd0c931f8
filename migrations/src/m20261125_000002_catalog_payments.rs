//! Catalog and payments: package profiles, packages, manual quota debts (a debt can be paid by a
//! transaction, and a debt can come from a package), transactions and their event log.

use sea_orm_migration::{prelude::*, schema::*};

use crate::helpers::{
    counter, create_all, drop_all, fk, flag, index, tz, tz_null, unique, with_timestamps,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

const SET_NULL: ForeignKeyAction = ForeignKeyAction::SetNull;
const CASCADE: ForeignKeyAction = ForeignKeyAction::Cascade;
const RESTRICT: ForeignKeyAction = ForeignKeyAction::Restrict;

fn package_profiles() -> TableCreateStatement {
    let mut t = Table::create();
    t.table("package_profiles")
        .col(pk_uuid("id"))
        // The MikroTik hotspot user profile name.
        .col(string_len("profile_name", 100))
        .col(text_null("description"));
    with_timestamps(&mut t);
    t
}

fn packages() -> TableCreateStatement {
    let mut t = Table::create();
    t.table("packages")
        .col(pk_uuid("id"))
        .col(string_len("name", 100))
        .col(text_null("description"))
        // Rupiah.
        .col(big_integer("price"))
        // 0 = unlimited.
        .col(counter("data_quota_mb"))
        .col(integer("duration_days").default(30))
        .col(uuid("profile_id"))
        .col(flag("is_active", true))
        .col(integer("sort_order").default(0));
    with_timestamps(&mut t);
    t.foreign_key(&mut fk(
        "packages",
        "profile_id",
        "package_profiles",
        RESTRICT,
    ));
    t
}

fn user_quota_debts() -> TableCreateStatement {
    let mut t = Table::create();
    t.table("user_quota_debts")
        .col(pk_uuid("id"))
        .col(uuid("user_id"))
        .col(uuid_null("created_by_id"))
        .col(uuid_null("last_paid_by_id"))
        // Set for a "debt by package" (advance); the package may be deleted later.
        .col(uuid_null("package_id"))
        .col(date_null("debt_date"))
        .col(date_null("due_date"))
        .col(big_integer("amount_mb"))
        .col(counter("paid_mb"))
        // An advance of an unlimited package (the reference used a 1 MB sentinel).
        .col(flag("is_unlimited", false))
        .col(big_integer_null("price_rp"))
        .col(flag("is_paid", false))
        .col(tz_null("paid_at"))
        .col(string_len_null("last_paid_source", 50))
        .col(text_null("note"));
    with_timestamps(&mut t);
    t.foreign_key(&mut fk("user_quota_debts", "user_id", "users", CASCADE))
        .foreign_key(&mut fk(
            "user_quota_debts",
            "created_by_id",
            "users",
            SET_NULL,
        ))
        .foreign_key(&mut fk(
            "user_quota_debts",
            "last_paid_by_id",
            "users",
            SET_NULL,
        ))
        .foreign_key(&mut fk(
            "user_quota_debts",
            "package_id",
            "packages",
            SET_NULL,
        ));
    t
}

fn transactions() -> TableCreateStatement {
    let mut t = Table::create();
    t.table("transactions")
        .col(pk_uuid("id"))
        .col(uuid_null("user_id"))
        // NULL for debt settlements.
        .col(uuid_null("package_id"))
        // `purchase` | `debt`.
        .col(string_len("purpose", 16).default("purchase"))
        .col(string_len_null("debt_type", 32))
        .col(uuid_null("manual_debt_id"))
        .col(big_integer_null("debt_mb"))
        // `snap` | `core_api`.
        .col(string_len("provider_mode", 16).default("snap"))
        .col(string_len("midtrans_order_id", 100))
        .col(string_len_null("midtrans_transaction_id", 100))
        .col(string_len_null("snap_token", 200))
        .col(text_null("snap_redirect_url"))
        // Rupiah.
        .col(big_integer("amount"))
        .col(string_len("status", 20).default("PENDING"))
        .col(string_len_null("payment_method", 50))
        .col(string_len_null("va_bank", 20))
        .col(tz_null("payment_time"))
        .col(tz_null("expiry_time"))
        .col(string_len_null("va_number", 50))
        .col(string_len_null("payment_code", 50))
        .col(string_len_null("biller_code", 20))
        .col(string_len_null("qr_code_url", 512))
        .col(text_null("qr_string"))
        .col(text_null("deeplink_redirect_url"))
        .col(text_null("midtrans_notification_payload"))
        .col(string_len_null("hotspot_password", 255))
        // When the package/debt effect was applied: the exactly-once marker.
        .col(tz_null("applied_at"))
        .col(uuid_null("created_by_admin_id"));
    with_timestamps(&mut t);
    t.foreign_key(&mut fk("transactions", "user_id", "users", SET_NULL))
        .foreign_key(&mut fk("transactions", "package_id", "packages", RESTRICT))
        .foreign_key(&mut fk(
            "transactions",
            "manual_debt_id",
            "user_quota_debts",
            SET_NULL,
        ))
        .foreign_key(&mut fk(
            "transactions",
            "created_by_admin_id",
            "users",
            SET_NULL,
        ));
    t
}

fn transaction_events() -> TableCreateStatement {
    let mut t = Table::create();
    t.table("transaction_events")
        .col(pk_uuid("id"))
        .col(uuid("transaction_id"))
        // `APP` | `MIDTRANS_WEBHOOK` | `MIDTRANS_STATUS`.
        .col(string_len("source", 32))
        .col(string_len("event_type", 64))
        .col(string_len_null("status", 20))
        .col(text_null("payload"))
        .col(tz("created_at"))
        .foreign_key(&mut fk(
            "transaction_events",
            "transaction_id",
            "transactions",
            CASCADE,
        ));
    t
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        create_all(
            manager,
            vec![
                package_profiles(),
                packages(),
                user_quota_debts(),
                transactions(),
                transaction_events(),
            ],
            vec![
                unique("package_profiles", &["profile_name"]),
                unique("packages", &["name"]),
                index("packages", &["profile_id"]),
                index("user_quota_debts", &["user_id"]),
                index("user_quota_debts", &["is_paid"]),
                unique("transactions", &["midtrans_order_id"]),
                index("transactions", &["user_id"]),
                index("transactions", &["package_id"]),
                index("transactions", &["status"]),
                index("transactions", &["midtrans_transaction_id"]),
                index("transactions", &["manual_debt_id"]),
                index("transaction_events", &["transaction_id"]),
                index("transaction_events", &["created_at"]),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_all(
            manager,
            &[
                "transaction_events",
                "transactions",
                "user_quota_debts",
                "packages",
                "package_profiles",
            ],
        )
        .await
    }

    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }
}
