//! Indexes the exports page through: `(created_at, id)` of transactions, accounts and the
//! action log, in the keyset order the CSV exports read in batches of 1,000, so each batch
//! is an index range scan that stops after its rows (no sort of everything after the key).

use sea_orm_migration::prelude::*;

use crate::helpers::{Indexes, create_indexes, drop_indexes};

#[derive(DeriveMigrationName)]
pub struct Migration;

const INDEXES: &Indexes = &[
    ("transactions", &["created_at", "id"]),
    ("users", &["created_at", "id"]),
    ("admin_action_logs", &["created_at", "id"]),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        create_indexes(manager, INDEXES).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_indexes(manager, INDEXES).await
    }
}
