//! An index on `users.updated_at`: the admin dashboard asks for the latest change of any
//! account (a one-row index read) to decide whether its counts by access status still hold.

use sea_orm_migration::prelude::*;

use crate::helpers::index;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.create_index(index("users", &["updated_at"])).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("ix_users_updated_at")
                    .table("users")
                    .to_owned(),
            )
            .await
    }
}
