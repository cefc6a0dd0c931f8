//! Indexes the admin dashboard reads through, so a page load never scans the transactions:
//!
//! * paid transactions by payment time, carrying the package and the amount (revenue per day
//!   and the best-selling packages are index-only range scans on PostgreSQL);
//! * transactions by creation time (the newest ones);
//! * daily usage by day, carrying the bytes (usage today).

use sea_orm_migration::prelude::*;

use crate::helpers::index;

#[derive(DeriveMigrationName)]
pub struct Migration;

const INDEXES: &[(&str, &[&str])] = &[
    (
        "transactions",
        &["status", "payment_time", "package_id", "amount"],
    ),
    ("transactions", &["created_at"]),
    ("daily_usage_logs", &["log_date", "usage_bytes"]),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (table, cols) in INDEXES {
            manager.create_index(index(table, cols)).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (table, cols) in INDEXES {
            let mut drop = Index::drop();
            drop.name(format!("ix_{table}_{}", cols.join("_")))
                .table(*table);
            manager.drop_index(drop).await?;
        }
        Ok(())
    }
}
