//! The migrations: every table, idempotence, rollback, and entities matching the schema.

use std::collections::BTreeMap;

use saring_migration::{MIGRATIONS_TABLE, Migrator, MigratorTrait, TABLES};
use saring_store::db::{self, table_names};
use saring_store::entities::*;
use saring_store::testing::TestDb;
use sea_orm::sea_query::{ColumnType, StringLen};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait, IdenStatic, Iterable,
    Statement,
};

use crate::support;

fn all_tables() -> Vec<String> {
    let mut all: Vec<String> = TABLES.iter().map(|t| (*t).to_owned()).collect();
    all.push(MIGRATIONS_TABLE.to_owned());
    all.sort();
    all
}

#[tokio::test]
async fn creates_every_table() {
    let db = TestDb::new().await;
    assert_eq!(table_names(&db).await.unwrap(), all_tables());
}

#[tokio::test]
async fn migrate_is_idempotent() {
    let db = TestDb::new().await;
    db::migrate(&db).await.unwrap();
    db::migrate(&db).await.unwrap();
    assert_eq!(table_names(&db).await.unwrap(), all_tables());
    let applied = Migrator::get_applied_migrations(db.conn()).await.unwrap();
    assert_eq!(applied.len(), Migrator::migrations().len());
}

#[tokio::test]
async fn concurrent_migrations_do_not_collide() {
    let db = TestDb::new_empty().await;
    let other = db::connect(db.url()).await.unwrap();
    let (a, b) = tokio::join!(db::migrate(&db), db::migrate(&other));
    a.unwrap();
    b.unwrap();
    assert_eq!(table_names(&db).await.unwrap(), all_tables());
    other.close().await.unwrap();
}

#[tokio::test]
async fn down_migrations_roll_back_step_by_step() {
    let db = TestDb::new().await;
    // Some rows across tables, so dropping parents after children is exercised with data.
    let router = support::router(db.conn(), "default").await;
    let mut user = support::user_model("+6281100000001");
    user.router_id = sea_orm::Set(Some(router.id));
    let user = sea_orm::ActiveModelTrait::insert(user, db.conn())
        .await
        .unwrap();
    sea_orm::ActiveModelTrait::insert(
        support::device_model(user.id, "AA:BB:CC:00:00:01"),
        db.conn(),
    )
    .await
    .unwrap();
    let profile = support::profile(db.conn(), "p").await;
    support::package(db.conn(), "P1", profile.id).await;

    // Tables, columns and indexes: a down migration drops tables, columns of one, or
    // indexes.
    async fn schema_size(db: &DatabaseConnection) -> usize {
        let mut n = index_count(db).await;
        for table in table_names(db).await.unwrap() {
            n += 1 + db_columns(db, &table).await.len();
        }
        n
    }
    let mut remaining = Migrator::migrations().len();
    let mut previous = schema_size(&db).await;
    while remaining > 0 {
        Migrator::down(db.conn(), Some(1)).await.unwrap();
        remaining -= 1;
        let now = schema_size(&db).await;
        assert!(now < previous, "a down migration dropped nothing");
        previous = now;
    }
    assert_eq!(
        table_names(&db).await.unwrap(),
        vec![MIGRATIONS_TABLE.to_owned()]
    );
    // And back up again.
    db::migrate(&db).await.unwrap();
    assert_eq!(table_names(&db).await.unwrap(), all_tables());
}

#[tokio::test]
async fn reset_drops_everything() {
    let db = TestDb::new().await;
    Migrator::reset(db.conn()).await.unwrap();
    assert!(table_names(&db).await.unwrap().is_empty());
}

/// Indexes in the schema (those behind primary keys and unique constraints included).
async fn index_count(db: &DatabaseConnection) -> usize {
    let sql = match db.get_database_backend() {
        DbBackend::Sqlite => "SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'index'",
        _ => "SELECT COUNT(*) AS n FROM pg_indexes WHERE schemaname = current_schema()",
    };
    let row = db
        .query_one_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .unwrap()
        .unwrap();
    usize::try_from(row.try_get::<i64>("", "n").unwrap()).unwrap()
}

/// A column as the database describes it.
#[derive(Debug, PartialEq)]
struct DbColumn {
    nullable: bool,
    /// PostgreSQL `data_type` and `character_maximum_length`; empty on SQLite.
    pg_type: Option<(String, Option<i32>)>,
}

async fn db_columns(db: &DatabaseConnection, table: &str) -> BTreeMap<String, DbColumn> {
    let backend = db.get_database_backend();
    let mut out = BTreeMap::new();
    match backend {
        DbBackend::Sqlite => {
            let rows = db
                .query_all_raw(Statement::from_string(
                    backend,
                    format!("PRAGMA table_info(\"{table}\")"),
                ))
                .await
                .unwrap();
            for row in rows {
                let name: String = row.try_get("", "name").unwrap();
                let notnull: i32 = row.try_get("", "notnull").unwrap();
                out.insert(
                    name,
                    DbColumn {
                        nullable: notnull == 0,
                        pg_type: None,
                    },
                );
            }
        }
        DbBackend::Postgres => {
            let rows = db
                .query_all_raw(Statement::from_sql_and_values(
                    backend,
                    "SELECT column_name::text AS name, is_nullable::text AS nullable, \
                     data_type::text AS data_type, character_maximum_length::int4 AS len \
                     FROM information_schema.columns \
                     WHERE table_schema = current_schema() AND table_name = $1",
                    [table.into()],
                ))
                .await
                .unwrap();
            for row in rows {
                let name: String = row.try_get("", "name").unwrap();
                let nullable: String = row.try_get("", "nullable").unwrap();
                let data_type: String = row.try_get("", "data_type").unwrap();
                let len: Option<i32> = row.try_get("", "len").unwrap();
                out.insert(
                    name,
                    DbColumn {
                        nullable: nullable == "YES",
                        pg_type: Some((data_type, len)),
                    },
                );
            }
        }
        other => panic!("unexpected backend {other:?}"),
    }
    out
}

/// The PostgreSQL type a sea-orm column type must have been created as.
fn expected_pg_type(column_type: &ColumnType) -> (String, Option<i32>) {
    let (name, len) = match column_type {
        ColumnType::String(StringLen::N(n)) => {
            ("character varying", Some(i32::try_from(*n).unwrap()))
        }
        ColumnType::Text => ("text", None),
        ColumnType::BigInteger => ("bigint", None),
        ColumnType::Integer => ("integer", None),
        ColumnType::Boolean => ("boolean", None),
        ColumnType::TimestampWithTimeZone => ("timestamp with time zone", None),
        ColumnType::Date => ("date", None),
        ColumnType::Uuid => ("uuid", None),
        ColumnType::JsonBinary => ("jsonb", None),
        other => panic!("entity uses a column type the schema does not: {other:?}"),
    };
    (name.to_owned(), len)
}

async fn assert_entity_matches<E: EntityTrait>(db: &DatabaseConnection, entity: E) -> String {
    let table = entity.table_name();
    let actual = db_columns(db, table).await;
    let mut expected = BTreeMap::new();
    for column in E::Column::iter() {
        let def = column.def();
        let pg_type = (db.get_database_backend() == DbBackend::Postgres)
            .then(|| expected_pg_type(def.get_column_type()));
        expected.insert(
            column.as_str().to_owned(),
            DbColumn {
                nullable: def.is_null(),
                pg_type,
            },
        );
    }
    assert_eq!(actual, expected, "entity and table `{table}` differ");
    table.to_owned()
}

#[tokio::test]
async fn entities_match_the_migrated_schema() {
    let test_db = TestDb::new().await;
    let db = test_db.conn();
    let mut checked = vec![
        assert_entity_matches(db, routers::Entity).await,
        assert_entity_matches(db, users::Entity).await,
        assert_entity_matches(db, user_devices::Entity).await,
        assert_entity_matches(db, refresh_tokens::Entity).await,
        assert_entity_matches(db, user_login_history::Entity).await,
        assert_entity_matches(db, application_settings::Entity).await,
        assert_entity_matches(db, package_profiles::Entity).await,
        assert_entity_matches(db, packages::Entity).await,
        assert_entity_matches(db, user_quota_debts::Entity).await,
        assert_entity_matches(db, transactions::Entity).await,
        assert_entity_matches(db, transaction_events::Entity).await,
        assert_entity_matches(db, daily_usage_logs::Entity).await,
        assert_entity_matches(db, quota_mutation_ledger::Entity).await,
        assert_entity_matches(db, quota_requests::Entity).await,
        assert_entity_matches(db, promo_events::Entity).await,
        assert_entity_matches(db, admin_action_logs::Entity).await,
        assert_entity_matches(db, notification_recipients::Entity).await,
        assert_entity_matches(db, outbox::Entity).await,
        assert_entity_matches(db, job_runs::Entity).await,
        assert_entity_matches(db, host_counters::Entity).await,
        assert_entity_matches(db, router_sync_state::Entity).await,
        assert_entity_matches(db, job_run_log::Entity).await,
        assert_entity_matches(db, job_dead_letters::Entity).await,
        assert_entity_matches(db, message_log::Entity).await,
        assert_entity_matches(db, message_templates::Entity).await,
        assert_entity_matches(db, device_credentials::Entity).await,
        assert_entity_matches(db, debt_settlements::Entity).await,
        assert_entity_matches(db, whatsapp_broadcasts::Entity).await,
    ];
    // Every migrated table has an entity.
    checked.sort();
    let mut tables: Vec<String> = TABLES.iter().map(|t| (*t).to_owned()).collect();
    tables.sort();
    assert_eq!(checked, tables);
}
