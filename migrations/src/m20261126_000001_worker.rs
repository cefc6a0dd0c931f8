//! The worker: per-host-row usage baselines, per-router sync state (fencing epoch, boot time,
//! health), a history of job runs, the dead-letter list, the message delivery log, and
//! admin-edited message templates.

use sea_orm_migration::{prelude::*, schema::*};

use crate::helpers::{create_all, drop_all, fk, index, tz, tz_null, unique};

#[derive(DeriveMigrationName)]
pub struct Migration;

const SET_NULL: ForeignKeyAction = ForeignKeyAction::SetNull;
const CASCADE: ForeignKeyAction = ForeignKeyAction::Cascade;

/// One row per `/ip/hotspot/host` row of a known MAC: the counter total last credited.
fn host_counters() -> TableCreateStatement {
    let mut t = Table::create();
    t.table("host_counters")
        .col(uuid("router_id"))
        .col(string_len("mac_address", 32))
        // The host row's `.id` on the router.
        .col(string_len("host_id", 64))
        // `bytes-in + bytes-out` of that row when it was last credited.
        .col(big_integer("bytes_total"))
        .col(big_integer("uptime_seconds"))
        // When the row was born, in seconds since the router's boot (router uptime − row
        // uptime): identifies the row across polls on the router's own clock.
        .col(big_integer("born_rel_seconds"))
        .col(tz("seen_at"))
        .primary_key(
            Index::create()
                .col("router_id")
                .col("mac_address")
                .col("host_id"),
        )
        .foreign_key(&mut fk("host_counters", "router_id", "routers", CASCADE));
    t
}

fn router_sync_state() -> TableCreateStatement {
    let mut t = Table::create();
    t.table("router_sync_state")
        .col(pk_uuid("router_id"))
        // Fencing token: bumped when a quota sync of the router starts; a run whose epoch is
        // no longer current writes nothing.
        .col(big_integer("epoch").default(0))
        .col(big_integer_null("router_uptime_seconds"))
        .col(tz_null("boot_at"))
        .col(tz_null("last_poll_at"))
        .col(tz_null("down_since"))
        .col(tz_null("down_alerted_at"))
        .col(tz("updated_at"))
        .foreign_key(&mut fk(
            "router_sync_state",
            "router_id",
            "routers",
            CASCADE,
        ));
    t
}

fn job_run_log() -> TableCreateStatement {
    let mut t = Table::create();
    t.table("job_run_log")
        .col(pk_uuid("id"))
        .col(string_len("job_name", 64))
        .col(string_len("scope", 100))
        .col(tz("started_at"))
        .col(tz("finished_at"))
        .col(big_integer("duration_ms"))
        .col(boolean("ok"))
        .col(text_null("error"))
        // Counts (`{"processed": 10, "updated_usage": 4, …}`).
        .col(json_binary_null("summary"));
    t
}

fn job_dead_letters() -> TableCreateStatement {
    let mut t = Table::create();
    t.table("job_dead_letters")
        .col(pk_uuid("id"))
        .col(string_len("job_name", 64))
        .col(string_len("scope", 100))
        .col(text("error"))
        .col(integer("attempts"))
        .col(json_binary_null("payload"))
        .col(tz("created_at"))
        .col(tz_null("resolved_at"));
    t
}

fn message_log() -> TableCreateStatement {
    let mut t = Table::create();
    t.table("message_log")
        .col(pk_uuid("id"))
        // `whatsapp` | `telegram`.
        .col(string_len("channel", 16))
        .col(string_len("target", 64))
        .col(uuid_null("user_id"))
        .col(string_len_null("template", 80))
        // Unique when set: a notice that must go out once (a debt reminder stage…).
        .col(string_len_null("dedupe_key", 200))
        // `pending` | `sent` | `failed` | `skipped`.
        .col(string_len("status", 16))
        .col(integer("attempts").default(0))
        .col(text_null("error"))
        .col(tz("created_at"))
        .col(tz("updated_at"))
        .foreign_key(&mut fk("message_log", "user_id", "users", SET_NULL));
    t
}

fn message_templates() -> TableCreateStatement {
    let mut t = Table::create();
    t.table("message_templates")
        .col(string_len("key", 80).primary_key())
        .col(text("body"))
        .col(uuid_null("updated_by_id"))
        .col(tz("updated_at"))
        .foreign_key(&mut fk(
            "message_templates",
            "updated_by_id",
            "users",
            SET_NULL,
        ));
    t
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        create_all(
            manager,
            vec![
                host_counters(),
                router_sync_state(),
                job_run_log(),
                job_dead_letters(),
                message_log(),
                message_templates(),
            ],
            vec![
                index("job_run_log", &["job_name", "scope", "started_at"]),
                index("job_run_log", &["started_at"]),
                index("job_dead_letters", &["created_at"]),
                unique("message_log", &["dedupe_key"]),
                index("message_log", &["created_at"]),
                index("message_log", &["target", "created_at"]),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_all(
            manager,
            &[
                "message_templates",
                "message_log",
                "job_dead_letters",
                "job_run_log",
                "router_sync_state",
                "host_counters",
            ],
        )
        .await
    }

    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }
}
