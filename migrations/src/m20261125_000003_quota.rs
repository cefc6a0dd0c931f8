//! Quota: daily usage, the quota mutation ledger (idempotency), Komandan quota requests and
//! promo events.

use sea_orm_migration::{prelude::*, schema::*};

use crate::helpers::{
    counter, create_all, drop_all, fk, index, tz, tz_null, unique, with_timestamps,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

const SET_NULL: ForeignKeyAction = ForeignKeyAction::SetNull;
const CASCADE: ForeignKeyAction = ForeignKeyAction::Cascade;

fn daily_usage_logs() -> TableCreateStatement {
    let mut t = Table::create();
    t.table("daily_usage_logs")
        .col(pk_uuid("id"))
        .col(uuid("user_id"))
        // Local date in APP_TIMEZONE.
        .col(date("log_date"))
        .col(counter("usage_bytes"));
    with_timestamps(&mut t);
    t.foreign_key(&mut fk("daily_usage_logs", "user_id", "users", CASCADE));
    t
}

fn quota_mutation_ledger() -> TableCreateStatement {
    let mut t = Table::create();
    t.table("quota_mutation_ledger")
        .col(pk_uuid("id"))
        .col(uuid("user_id"))
        .col(uuid_null("actor_user_id"))
        .col(string_len("source", 80))
        .col(string_len("idempotency_key", 128))
        .col(json_binary_null("before_state"))
        .col(json_binary_null("after_state"))
        .col(json_binary_null("event_details"))
        .col(tz("created_at"))
        .foreign_key(&mut fk(
            "quota_mutation_ledger",
            "user_id",
            "users",
            CASCADE,
        ))
        .foreign_key(&mut fk(
            "quota_mutation_ledger",
            "actor_user_id",
            "users",
            SET_NULL,
        ));
    t
}

fn quota_requests() -> TableCreateStatement {
    let mut t = Table::create();
    t.table("quota_requests")
        .col(pk_uuid("id"))
        .col(uuid("requester_id"))
        .col(string_len("status", 24).default("PENDING"))
        // `QUOTA` | `UNLIMITED`.
        .col(string_len("request_type", 16))
        // e.g. `{"requested_mb": 10240, "requested_duration_days": 30}`.
        .col(json_binary_null("request_details"))
        // e.g. `{"granted_mb": 5120, "granted_duration_days": 15}` for a partial approval.
        .col(json_binary_null("granted_details"))
        .col(text_null("rejection_reason"))
        .col(uuid_null("processed_by_id"))
        .col(tz_null("processed_at"));
    with_timestamps(&mut t);
    t.foreign_key(&mut fk("quota_requests", "requester_id", "users", CASCADE))
        .foreign_key(&mut fk(
            "quota_requests",
            "processed_by_id",
            "users",
            SET_NULL,
        ));
    t
}

fn promo_events() -> TableCreateStatement {
    let mut t = Table::create();
    t.table("promo_events")
        .col(pk_uuid("id"))
        .col(string_len("name", 150))
        .col(text_null("description"))
        .col(string_len("event_type", 32).default("GENERAL_ANNOUNCEMENT"))
        .col(string_len("status", 16).default("DRAFT"))
        .col(tz("start_date"))
        .col(tz_null("end_date"))
        .col(big_integer_null("bonus_value_mb"))
        .col(integer_null("bonus_duration_days"))
        .col(uuid_null("created_by_id"));
    with_timestamps(&mut t);
    t.foreign_key(&mut fk("promo_events", "created_by_id", "users", SET_NULL));
    t
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        create_all(
            manager,
            vec![
                daily_usage_logs(),
                quota_mutation_ledger(),
                quota_requests(),
                promo_events(),
            ],
            vec![
                unique("daily_usage_logs", &["user_id", "log_date"]),
                index("daily_usage_logs", &["log_date"]),
                unique(
                    "quota_mutation_ledger",
                    &["user_id", "source", "idempotency_key"],
                ),
                index("quota_mutation_ledger", &["user_id", "created_at"]),
                index("quota_mutation_ledger", &["source"]),
                index("quota_mutation_ledger", &["created_at"]),
                index("quota_requests", &["requester_id"]),
                index("quota_requests", &["status"]),
                index("promo_events", &["status"]),
                index("promo_events", &["name"]),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_all(
            manager,
            &[
                "promo_events",
                "quota_requests",
                "quota_mutation_ledger",
                "daily_usage_logs",
            ],
        )
        .await
    }

    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }
}
