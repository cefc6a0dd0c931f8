//! Operations: admin audit log, admin notification subscriptions, the transactional outbox and
//! the last run of each background job.

use sea_orm_migration::{prelude::*, schema::*};

use crate::helpers::{create_all, drop_all, fk, index, tz, tz_null, unique, with_timestamps};

#[derive(DeriveMigrationName)]
pub struct Migration;

const SET_NULL: ForeignKeyAction = ForeignKeyAction::SetNull;
const CASCADE: ForeignKeyAction = ForeignKeyAction::Cascade;

fn admin_action_logs() -> TableCreateStatement {
    let mut t = Table::create();
    t.table("admin_action_logs")
        .col(pk_uuid("id"))
        .col(uuid_null("admin_id"))
        .col(uuid_null("target_user_id"))
        .col(string_len("action_type", 64))
        .col(json_binary_null("details"))
        .col(tz("created_at"))
        .foreign_key(&mut fk("admin_action_logs", "admin_id", "users", SET_NULL))
        .foreign_key(&mut fk(
            "admin_action_logs",
            "target_user_id",
            "users",
            SET_NULL,
        ));
    t
}

fn notification_recipients() -> TableCreateStatement {
    let mut t = Table::create();
    t.table("notification_recipients")
        .col(pk_uuid("id"))
        .col(uuid("admin_user_id"))
        .col(string_len("notification_type", 64))
        .col(tz("created_at"))
        .foreign_key(&mut fk(
            "notification_recipients",
            "admin_user_id",
            "users",
            CASCADE,
        ));
    t
}

fn outbox() -> TableCreateStatement {
    let mut t = Table::create();
    t.table("outbox")
        .col(pk_uuid("id"))
        // `policy_sync_user`, `router_apply_purchase`, `whatsapp_send`, …
        .col(string_len("kind", 64))
        // Enqueueing the same effect twice is a no-op (NULLs never collide).
        .col(string_len_null("dedupe_key", 200))
        .col(json_binary("payload"))
        // `pending` | `running` | `done` | `dead`.
        .col(string_len("status", 16).default("pending"))
        .col(integer("attempts").default(0))
        .col(tz("run_after"))
        .col(tz_null("locked_until"))
        .col(text_null("last_error"));
    with_timestamps(&mut t);
    t
}

fn job_runs() -> TableCreateStatement {
    let mut t = Table::create();
    t.table("job_runs")
        .col(string_len("job_name", 64))
        // A router name, or `global`.
        .col(string_len("scope", 100))
        .col(tz_null("last_started_at"))
        .col(tz_null("last_finished_at"))
        .col(big_integer_null("last_duration_ms"))
        .col(boolean_null("last_ok"))
        .col(text_null("last_error"))
        .col(big_integer("run_count").default(0))
        .col(big_integer("failure_count").default(0))
        .primary_key(Index::create().col("job_name").col("scope"));
    t
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        create_all(
            manager,
            vec![
                admin_action_logs(),
                notification_recipients(),
                outbox(),
                job_runs(),
            ],
            vec![
                index("admin_action_logs", &["created_at"]),
                index("admin_action_logs", &["admin_id"]),
                index("admin_action_logs", &["target_user_id"]),
                index("admin_action_logs", &["action_type"]),
                unique(
                    "notification_recipients",
                    &["admin_user_id", "notification_type"],
                ),
                unique("outbox", &["dedupe_key"]),
                index("outbox", &["status", "run_after"]),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_all(
            manager,
            &[
                "job_runs",
                "outbox",
                "notification_recipients",
                "admin_action_logs",
            ],
        )
        .await
    }

    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }
}
