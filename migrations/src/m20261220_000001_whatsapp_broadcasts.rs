//! `whatsapp_broadcasts`: one row per WhatsApp broadcast an administrator sent to a filtered
//! set of users (the message, the filter, how many recipients). The per-recipient delivery
//! state lives in `message_log` (its `broadcast_id`, added by the next migration). A unique
//! `idempotency_key` (the admin's id and the request's `Idempotency-Key`) makes a retried
//! request find the first broadcast instead of sending again.

use sea_orm_migration::{prelude::*, schema::*};

use crate::helpers::{create_all, drop_all, fk, index, tz, unique};

#[derive(DeriveMigrationName)]
pub struct Migration;

const SET_NULL: ForeignKeyAction = ForeignKeyAction::SetNull;

fn whatsapp_broadcasts() -> TableCreateStatement {
    let mut t = Table::create();
    t.table("whatsapp_broadcasts")
        .col(pk_uuid("id"))
        .col(uuid_null("admin_id"))
        .col(text("message"))
        // The filter as sent (`status`, `role`, `blok`, `has_debt`, `all`).
        .col(json_binary("filter"))
        .col(integer("recipients"))
        .col(string_len_null("idempotency_key", 200))
        .col(tz("created_at"))
        .col(tz("updated_at"))
        .foreign_key(&mut fk(
            "whatsapp_broadcasts",
            "admin_id",
            "users",
            SET_NULL,
        ));
    t
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        create_all(
            manager,
            vec![whatsapp_broadcasts()],
            vec![
                unique("whatsapp_broadcasts", &["idempotency_key"]),
                index("whatsapp_broadcasts", &["created_at"]),
                index("whatsapp_broadcasts", &["admin_id", "created_at"]),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_all(manager, &["whatsapp_broadcasts"]).await
    }

    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }
}
