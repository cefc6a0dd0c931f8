//! `routers.adopted_at` / `adopted_by_id`: when an operator confirmed that this install owns
//! the router's hotspot entries (or an import did). Until then, jobs only report entries that
//! this install did not write (a router an lpsaring install still manages keeps them).

use sea_orm_migration::{prelude::*, schema::*};

use crate::helpers::tz_null;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("routers")
                    .add_column(tz_null("adopted_at"))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("routers")
                    .add_column(uuid_null("adopted_by_id"))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in ["adopted_by_id", "adopted_at"] {
            manager
                .alter_table(
                    Table::alter()
                        .table("routers")
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
