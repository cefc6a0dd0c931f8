//! `debt_settlements`: every settlement of manual or auto debt by an operator, with its
//! receipt number (printed on the receipt PDF and quoted in the WhatsApp message).

use sea_orm_migration::{prelude::*, schema::*};

use crate::helpers::{counter, create_all, drop_all, fk, flag, index, tz, unique};

#[derive(DeriveMigrationName)]
pub struct Migration;

fn debt_settlements() -> TableCreateStatement {
    let mut t = Table::create();
    t.table("debt_settlements")
        .col(pk_uuid("id"))
        // `LNS-yyyymmdd-XXXXXX`
        .col(string_len("receipt_number", 32))
        .col(uuid("user_id"))
        .col(uuid_null("admin_id"))
        // The item settled; NULL for a settle-all.
        .col(uuid_null("debt_id"))
        .col(counter("paid_auto_mb"))
        .col(counter("paid_manual_mb"))
        .col(counter("debt_auto_before_mb"))
        .col(counter("debt_manual_before_mb"))
        .col(big_integer_null("amount_rp"))
        .col(flag("unblocked", false))
        .col(text_null("note"))
        .col(tz("created_at"))
        .foreign_key(&mut fk(
            "debt_settlements",
            "user_id",
            "users",
            ForeignKeyAction::Cascade,
        ))
        .foreign_key(&mut fk(
            "debt_settlements",
            "admin_id",
            "users",
            ForeignKeyAction::SetNull,
        ))
        .foreign_key(&mut fk(
            "debt_settlements",
            "debt_id",
            "user_quota_debts",
            ForeignKeyAction::SetNull,
        ));
    t
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        create_all(
            manager,
            vec![debt_settlements()],
            vec![
                unique("debt_settlements", &["receipt_number"]),
                index("debt_settlements", &["user_id"]),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_all(manager, &["debt_settlements"]).await
    }
}
