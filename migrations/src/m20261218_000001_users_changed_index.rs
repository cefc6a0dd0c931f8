//! An index on `users.updated_at`: the admin dashboard asks for the latest change of any
//! account (a one-row index read) to decide whether its counts by access status still hold.

use sea_orm_migration::prelude::*;

use crate::helpers::{Indexes, create_indexes, drop_indexes};

#[derive(DeriveMigrationName)]
pub struct Migration;

const INDEXES: &Indexes = &[("users", &["updated_at"])];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        create_indexes(manager, INDEXES).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_indexes(manager, INDEXES).await
    }
}
