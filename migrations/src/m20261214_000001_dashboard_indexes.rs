//! Indexes the admin dashboard reads through, so a page load never scans the transactions:
//!
//! * paid transactions by payment time, carrying the package and the amount (revenue per day
//!   and the best-selling packages are index-only range scans on PostgreSQL);
//! * transactions by creation time (the newest ones);
//! * daily usage by day, carrying the bytes (usage today).

use sea_orm_migration::prelude::*;

use crate::helpers::{Indexes, create_indexes, drop_indexes};

#[derive(DeriveMigrationName)]
pub struct Migration;

const INDEXES: &Indexes = &[
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
        create_indexes(manager, INDEXES).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_indexes(manager, INDEXES).await
    }
}
