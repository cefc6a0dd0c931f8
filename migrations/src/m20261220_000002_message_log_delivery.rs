//! `message_log.broadcast_id` (the broadcast a message belongs to, if any) and
//! `message_log.provider_message_id` (the provider's id for the message, e.g. the WhatsApp
//! Cloud API's `wamid.…`), so delivery-status webhooks find the message they report on.
//!
//! No foreign key on `broadcast_id`: SQLite cannot add one to an existing table, and the
//! broadcast rows are never deleted while their messages are kept (both follow the message
//! log's retention).

use sea_orm_migration::{prelude::*, schema::*};

use crate::helpers::index;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite adds one column per ALTER TABLE.
        manager
            .alter_table(
                Table::alter()
                    .table("message_log")
                    .add_column(uuid_null("broadcast_id"))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("message_log")
                    .add_column(string_len_null("provider_message_id", 128))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("message_log", &["broadcast_id", "created_at"]))
            .await?;
        manager
            .create_index(index("message_log", &["provider_message_id"]))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for name in [
            "ix_message_log_provider_message_id",
            "ix_message_log_broadcast_id_created_at",
        ] {
            manager
                .drop_index(Index::drop().name(name).table("message_log").to_owned())
                .await?;
        }
        for column in ["provider_message_id", "broadcast_id"] {
            manager
                .alter_table(
                    Table::alter()
                        .table("message_log")
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }
}
