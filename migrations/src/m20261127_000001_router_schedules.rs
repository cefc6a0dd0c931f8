//! Per-router job schedules: `routers.job_intervals`, a JSON object of job name → seconds
//! (`0`: the job does not run on that router). Jobs it does not name follow the install's
//! schedule. SQLite can add a NOT NULL column only with a default, so the default is `{}`.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("routers")
                    .add_column(text("job_intervals").default("{}"))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("routers")
                    .drop_column("job_intervals")
                    .to_owned(),
            )
            .await
    }
}
