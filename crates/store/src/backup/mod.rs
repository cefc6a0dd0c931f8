//! Backups: the whole database as one portable file, and its restore.
//!
//! A backup is gzip-compressed JSON lines, the same on SQLite and PostgreSQL (a backup of the
//! demo's SQLite file restores into PostgreSQL and back):
//!
//! ```text
//! {"format":"saring-backup","version":1,"created_at":…,"backend":"sqlite","migrations":[…]}
//! {"table":"routers","columns":[["id","uuid"],["name","text"],…]}
//! ["6f1c…","Kantor",…]                        one array per row, in the header's column order
//! {"end":"routers","rows":2}
//! …                                           every table, parents before children
//! {"trailer":true,"rows":123,"sha256":"…"}    SHA-256 of every line above, as written
//! ```
//!
//! [`dump`] reads every table in one read-only snapshot (a repeatable-read transaction on
//! PostgreSQL, one read transaction on SQLite) and streams rows to the file: memory stays flat
//! whatever the size. [`verify`] reads a file through without touching a database: format,
//! version, migrations this build knows, checksum, every row decoded into the current schema's
//! columns. [`restore`] verifies first, then replaces every table in one transaction: it
//! commits complete or not at all (a crash or a killed process midway leaves the database as
//! it was).

mod tables;
mod value;

use std::collections::HashSet;
use std::fs::File;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;

use chrono::{DateTime, Utc};
use flate2::Compression;
use flate2::read::GzDecoder;
use flate2::write::GzEncoder;
use futures::TryStreamExt;
use saring_migration::{Migrator, MigratorTrait, TABLES};
use sea_orm::IdenStatic;
use sea_orm::{
    AccessMode, ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbBackend,
    EntityTrait, IsolationLevel, Iterable, ModelTrait, Statement, TransactionTrait,
};
use serde::{Deserialize, Serialize};
use serde_json::Value as Json;
use sha2::{Digest, Sha256};

use tables::with_entity;
pub use tables::{NOT_BACKED_UP, backed_up};
use value::Kind;

use crate::db::begin_write;

/// The first line's `format`.
pub const FORMAT: &str = "saring-backup";
/// The version of the file layout this build writes and reads.
pub const VERSION: u32 = 1;

/// What can be wrong with a backup or its restore.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    /// The file is not a Saring backup at all.
    #[error("not a Saring backup: {0}")]
    NotABackup(String),
    /// The backup was made by a newer Saring (a layout or migration this build does not know).
    #[error("the backup is from a newer version of Saring: {0}")]
    Newer(String),
    /// The file is a Saring backup but damaged (truncated, altered, rows that do not decode).
    #[error("the backup is damaged: {0}")]
    Damaged(String),
    /// Reading or writing the file failed.
    #[error("i/o error: {0}")]
    Io(#[from] std::io::Error),
    /// The database refused a read or a write (for a restore: nothing was changed).
    #[error("database error: {0}")]
    Db(#[from] sea_orm::DbErr),
}

/// The first line of a backup.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Header {
    pub format: String,
    pub version: u32,
    pub created_at: DateTime<Utc>,
    /// The Saring version that wrote it.
    pub app_version: String,
    /// `sqlite` or `postgres`: where it was made (it restores into either).
    pub backend: String,
    /// The migrations applied to the database it was made from, oldest first.
    pub migrations: Vec<String>,
}

/// What a backup holds: its header and the rows of each table, in file order.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub header: Header,
    pub tables: Vec<(String, u64)>,
    pub rows: u64,
}

/// How far a dump or restore has come: `done` of `total` rows (`total` is 0 while dumping,
/// when it is not known yet), now in `table`.
#[derive(Debug, Clone, Copy)]
pub struct Progress<'a> {
    pub table: &'a str,
    pub done: u64,
    pub total: u64,
}

/// Told how a long dump or restore is going.
pub type OnProgress<'a> = &'a mut (dyn FnMut(Progress<'_>) + Send);

/// Rows between two progress reports.
const REPORT_EVERY: u64 = 5_000;

#[derive(Serialize, Deserialize)]
struct TableStart {
    table: String,
    columns: Vec<(String, String)>,
}

#[derive(Serialize, Deserialize)]
struct TableEnd {
    end: String,
    rows: u64,
}

#[derive(Serialize, Deserialize)]
struct Trailer {
    trailer: bool,
    rows: u64,
    sha256: String,
}

fn backend_name(b: DbBackend) -> &'static str {
    match b {
        DbBackend::Postgres => "postgres",
        DbBackend::Sqlite => "sqlite",
        _ => "other",
    }
}

/// The migrations recorded as applied in `db`, oldest first.
async fn applied_migrations<C: ConnectionTrait>(db: &C) -> Result<Vec<String>, BackupError> {
    let backend = db.get_database_backend();
    let rows = db
        .query_all_raw(Statement::from_string(
            backend,
            format!(
                "SELECT version FROM {} ORDER BY version",
                saring_migration::MIGRATIONS_TABLE
            ),
        ))
        .await?;
    Ok(rows
        .iter()
        .map(|r| r.try_get::<String>("", "version"))
        .collect::<Result<_, _>>()?)
}

/// The lines of a backup being written, with their running checksum.
struct Out<W: Write> {
    gz: GzEncoder<W>,
    sha: Sha256,
    buf: Vec<u8>,
}

impl<W: Write> Out<W> {
    fn line(&mut self, v: &impl Serialize) -> Result<(), BackupError> {
        self.buf.clear();
        serde_json::to_writer(&mut self.buf, v).map_err(std::io::Error::from)?;
        self.buf.push(b'\n');
        self.sha.update(&self.buf);
        self.gz.write_all(&self.buf)?;
        Ok(())
    }
}

/// Writes a backup of `db` to `out` (gzip; flushed, the caller syncs and renames the file).
pub async fn dump<W: Write + Send>(
    db: &DatabaseConnection,
    out: W,
    app_version: &str,
    progress: OnProgress<'_>,
) -> Result<Summary, BackupError> {
    let txn = db
        .begin_with_config(
            (db.get_database_backend() == DbBackend::Postgres)
                .then_some(IsolationLevel::RepeatableRead),
            (db.get_database_backend() == DbBackend::Postgres).then_some(AccessMode::ReadOnly),
        )
        .await?;
    let header = Header {
        format: FORMAT.into(),
        version: VERSION,
        created_at: crate::db::now(),
        app_version: app_version.into(),
        backend: backend_name(db.get_database_backend()).into(),
        migrations: applied_migrations(&txn).await?,
    };
    let mut w = Out {
        gz: GzEncoder::new(out, Compression::fast()),
        sha: Sha256::new(),
        buf: Vec::with_capacity(4096),
    };
    w.line(&header)?;
    let mut tables = Vec::new();
    let mut rows = 0;
    for table in backed_up() {
        let n = with_entity!(table, E => dump_table::<E, W>(&txn, &mut w, table, rows, progress).await?,
            _ => return Err(BackupError::Damaged(format!("no entity for table {table}"))));
        rows += n;
        tables.push((table.to_owned(), n));
    }
    txn.commit().await?;
    let sha256 = hex::encode(w.sha.clone().finalize());
    w.line(&Trailer {
        trailer: true,
        rows,
        sha256,
    })?;
    w.gz.finish()?.flush()?;
    Ok(Summary {
        header,
        tables,
        rows,
    })
}

async fn dump_table<E, W>(
    txn: &sea_orm::DatabaseTransaction,
    w: &mut Out<W>,
    table: &str,
    before: u64,
    progress: OnProgress<'_>,
) -> Result<u64, BackupError>
where
    E: EntityTrait,
    E::Model: Send + Sync,
    W: Write,
{
    let columns: Vec<E::Column> = E::Column::iter().collect();
    let mut kinds = Vec::with_capacity(columns.len());
    for c in &columns {
        let kind = Kind::of_column(c.def().get_column_type()).ok_or_else(|| {
            BackupError::Damaged(format!(
                "{table}.{} has a column type backups do not carry",
                c.as_str()
            ))
        })?;
        kinds.push((c.as_str().to_owned(), kind.name().to_owned()));
    }
    w.line(&TableStart {
        table: table.into(),
        columns: kinds,
    })?;
    let mut stream = E::find().stream(txn).await?;
    let mut n = 0u64;
    let mut row = Vec::with_capacity(columns.len());
    while let Some(model) = stream.try_next().await? {
        row.clear();
        for c in &columns {
            row.push(
                value::encode(&model.get(*c))
                    .map_err(|e| BackupError::Damaged(format!("{table}.{}: {e}", c.as_str())))?,
            );
        }
        w.line(&row)?;
        n += 1;
        if n.is_multiple_of(REPORT_EVERY) {
            progress(Progress {
                table,
                done: before + n,
                total: 0,
            });
        }
    }
    w.line(&TableEnd {
        end: table.into(),
        rows: n,
    })?;
    progress(Progress {
        table,
        done: before + n,
        total: 0,
    });
    Ok(n)
}

/// One line of a backup, read.
enum Item {
    Start(TableStart),
    Row(Vec<Json>),
    End(TableEnd),
    Trailer(Trailer),
}

/// Reads a backup line by line, checking the layout and the checksum as it goes.
struct In<R: Read> {
    lines: std::io::Lines<BufReader<GzDecoder<BufReader<R>>>>,
    sha: Sha256,
    line_no: u64,
    header: Header,
    done: bool,
}

impl<R: Read> In<R> {
    fn open(r: R) -> Result<Self, BackupError> {
        let mut raw = BufReader::new(r);
        if !raw.fill_buf()?.starts_with(&[0x1f, 0x8b]) {
            return Err(BackupError::NotABackup("not a gzip file".into()));
        }
        let mut lines = BufReader::with_capacity(64 * 1024, GzDecoder::new(raw)).lines();
        let first = match lines.next() {
            Some(Ok(l)) => l,
            Some(Err(e)) if e.kind() == std::io::ErrorKind::InvalidInput => {
                return Err(BackupError::NotABackup("not a gzip file".into()));
            }
            Some(Err(e)) if e.kind() == std::io::ErrorKind::InvalidData => {
                return Err(BackupError::NotABackup("not a text backup".into()));
            }
            Some(Err(e)) if e.kind() == std::io::ErrorKind::UnexpectedEof => {
                return Err(BackupError::Damaged("the file ends early".into()));
            }
            Some(Err(e)) => return Err(e.into()),
            None => return Err(BackupError::NotABackup("the file is empty".into())),
        };
        let header: Header = serde_json::from_str(&first)
            .ok()
            .filter(|h: &Header| h.format == FORMAT)
            .ok_or_else(|| BackupError::NotABackup("no Saring backup header".into()))?;
        if header.version > VERSION {
            return Err(BackupError::Newer(format!(
                "file layout version {} (this build reads up to {VERSION})",
                header.version
            )));
        }
        let known: HashSet<String> = Migrator::migrations()
            .iter()
            .map(|m| m.name().to_owned())
            .collect();
        if let Some(m) = header.migrations.iter().find(|m| !known.contains(*m)) {
            return Err(BackupError::Newer(format!(
                "migration {m} is not known to this build"
            )));
        }
        let mut sha = Sha256::new();
        sha.update(first.as_bytes());
        sha.update(b"\n");
        Ok(Self {
            lines,
            sha,
            line_no: 1,
            header,
            done: false,
        })
    }

    fn damaged(&self, what: impl std::fmt::Display) -> BackupError {
        BackupError::Damaged(format!("line {}: {what}", self.line_no))
    }

    /// The next item; `None` after a trailer whose checksum matched.
    fn next(&mut self) -> Result<Option<Item>, BackupError> {
        if self.done {
            return Ok(None);
        }
        let line = match self.lines.next() {
            Some(Ok(l)) => l,
            Some(Err(e))
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::UnexpectedEof
                        | std::io::ErrorKind::InvalidData
                        | std::io::ErrorKind::InvalidInput
                ) =>
            {
                return Err(self.damaged(format!("unreadable ({e})")));
            }
            Some(Err(e)) => return Err(e.into()),
            None => return Err(self.damaged("the file ends before its trailer")),
        };
        self.line_no += 1;
        if line.starts_with('[') {
            self.sha.update(line.as_bytes());
            self.sha.update(b"\n");
            return serde_json::from_str(&line)
                .map(|r| Some(Item::Row(r)))
                .map_err(|e| self.damaged(e));
        }
        let v: Json = serde_json::from_str(&line).map_err(|e| self.damaged(e))?;
        if v.get("trailer").is_some() {
            let t: Trailer = serde_json::from_value(v).map_err(|e| self.damaged(e))?;
            let sha = hex::encode(self.sha.clone().finalize());
            if t.sha256 != sha {
                return Err(self.damaged("the checksum does not match the contents"));
            }
            if self.lines.next().is_some() {
                return Err(self.damaged("data after the trailer"));
            }
            self.done = true;
            return Ok(Some(Item::Trailer(t)));
        }
        self.sha.update(line.as_bytes());
        self.sha.update(b"\n");
        if v.get("end").is_some() {
            return serde_json::from_value(v)
                .map(|e| Some(Item::End(e)))
                .map_err(|e| self.damaged(e));
        }
        serde_json::from_value(v)
            .map(|s| Some(Item::Start(s)))
            .map_err(|e| self.damaged(e))
    }
}

/// The columns of one table section, resolved against the current schema.
struct Section<E: EntityTrait> {
    columns: Vec<(E::Column, Kind)>,
}

impl<E: EntityTrait> Section<E> {
    fn resolve(start: &TableStart) -> Result<Self, String> {
        let mut columns = Vec::with_capacity(start.columns.len());
        for (name, kind) in &start.columns {
            let kind = Kind::parse(kind)
                .ok_or_else(|| format!("{}.{name}: unknown type {kind}", start.table))?;
            let column = E::Column::iter()
                .find(|c| c.as_str() == name)
                .ok_or_else(|| format!("{}.{name} is not a column of this schema", start.table))?;
            if Kind::of_column(column.def().get_column_type()) != Some(kind) {
                return Err(format!(
                    "{}.{name} holds {} but this schema's column is another type",
                    start.table,
                    kind.name()
                ));
            }
            columns.push((column, kind));
        }
        Ok(Self { columns })
    }

    fn model(&self, row: &[Json]) -> Result<E::ActiveModel, String> {
        if row.len() != self.columns.len() {
            return Err(format!(
                "a row has {} values for {} columns",
                row.len(),
                self.columns.len()
            ));
        }
        let mut am = <E::ActiveModel as ActiveModelTrait>::default();
        for ((column, kind), v) in self.columns.iter().zip(row) {
            let v = value::decode(*kind, v).map_err(|e| format!("{}: {e}", column.as_str()))?;
            am.try_set(*column, v)
                .map_err(|e| format!("{}: {e}", column.as_str()))?;
        }
        Ok(am)
    }
}

/// Reads the whole backup at `path` without touching a database: the layout, the migrations,
/// the checksum, and every row against the current schema. Blocking: run it off the runtime.
pub fn verify(path: &Path) -> Result<Summary, BackupError> {
    let mut input = In::open(File::open(path)?)?;
    let mut tables: Vec<(String, u64)> = Vec::new();
    let mut rows = 0;
    loop {
        let item = input.next()?;
        match item {
            Some(Item::Start(start)) => {
                if tables.iter().any(|(t, _)| *t == start.table) {
                    return Err(input.damaged(format!("table {} twice", start.table)));
                }
                let n = with_entity!(start.table.as_str(), E => verify_table::<E, _>(&mut input, &start)?,
                    _ => return Err(input.damaged(format!("unknown table {}", start.table))));
                rows += n;
                tables.push((start.table, n));
            }
            Some(Item::Trailer(t)) => {
                if t.rows != rows {
                    return Err(input.damaged("the trailer's row count does not match"));
                }
                return Ok(Summary {
                    header: input.header,
                    tables,
                    rows,
                });
            }
            Some(_) => return Err(input.damaged("a row outside a table")),
            None => return Err(input.damaged("the file ends before its trailer")),
        }
    }
}

/// Reads one table's rows (after its start line) through its end line; their count.
fn verify_table<E: EntityTrait, R: Read>(
    input: &mut In<R>,
    start: &TableStart,
) -> Result<u64, BackupError> {
    let section = Section::<E>::resolve(start).map_err(|e| input.damaged(e))?;
    let mut n = 0u64;
    loop {
        match input.next()? {
            Some(Item::Row(row)) => {
                section.model(&row).map_err(|e| input.damaged(e))?;
                n += 1;
            }
            Some(Item::End(end)) if end.end == start.table && end.rows == n => return Ok(n),
            _ => return Err(input.damaged(format!("table {} does not end properly", start.table))),
        }
    }
}

/// Restores the backup at `path` into `db`: [`verify`] first (nothing is touched if that
/// fails), then [`apply`].
pub async fn restore(
    db: &DatabaseConnection,
    path: &Path,
    progress: OnProgress<'_>,
) -> Result<Summary, BackupError> {
    let owned = path.to_owned();
    let summary = tokio::task::spawn_blocking(move || verify(&owned))
        .await
        .map_err(|e| BackupError::Io(std::io::Error::other(e)))??;
    apply(db, path, summary.rows, progress).await?;
    Ok(summary)
}

/// Replaces the data of `db` with the backup at `path` (of `total` rows, for progress) in one
/// transaction: empties every table of the schema, sessions included (everyone signs in
/// again), and inserts the backup's rows. The file is checked again as it is read; anything
/// wrong, or the process ending, before the commit leaves the database as it was. Call
/// [`verify`] first: this fails late on a bad file, after locking every table.
pub async fn apply(
    db: &DatabaseConnection,
    path: &Path,
    total: u64,
    progress: OnProgress<'_>,
) -> Result<(), BackupError> {
    let mut input = In::open(File::open(path)?)?;
    let txn = begin_write(db)
        .await
        .map_err(|e| BackupError::Io(std::io::Error::other(e)))?;
    empty_all(&txn).await?;
    let mut done = 0;
    let mut complete = false;
    while let Some(item) = input.next()? {
        match item {
            Item::Start(start) => {
                done += with_entity!(start.table.as_str(),
                    E => restore_table::<E, _>(&txn, &mut input, &start, done, total, progress).await?,
                    _ => return Err(input.damaged(format!("unknown table {}", start.table))));
            }
            Item::Trailer(_) => complete = true,
            _ => return Err(input.damaged("a row outside a table")),
        }
    }
    if !complete {
        return Err(input.damaged("the file ends before its trailer"));
    }
    txn.commit().await?;
    Ok(())
}

/// Empties every table of the schema inside `txn`.
async fn empty_all(txn: &sea_orm::DatabaseTransaction) -> Result<(), BackupError> {
    let backend = txn.get_database_backend();
    match backend {
        DbBackend::Postgres => {
            let list = TABLES
                .iter()
                .map(|t| format!("\"{t}\""))
                .collect::<Vec<_>>()
                .join(", ");
            txn.execute_unprepared(&format!("TRUNCATE {list}")).await?;
        }
        _ => {
            // Checked at commit: rows of a child may be inserted before their parent's.
            txn.execute_unprepared("PRAGMA defer_foreign_keys = ON")
                .await?;
            for t in TABLES.iter().rev() {
                txn.execute_unprepared(&format!("DELETE FROM \"{t}\""))
                    .await?;
            }
        }
    }
    Ok(())
}

async fn restore_table<E, R>(
    txn: &sea_orm::DatabaseTransaction,
    input: &mut In<R>,
    start: &TableStart,
    before: u64,
    total: u64,
    progress: OnProgress<'_>,
) -> Result<u64, BackupError>
where
    E: EntityTrait,
    E::ActiveModel: Send,
    R: Read,
{
    let section = Section::<E>::resolve(start).map_err(|e| input.damaged(e))?;
    // One statement binds at most 32,766 values on SQLite and 65,535 on PostgreSQL, where
    // fewer, larger statements are markedly faster.
    let (values, most) = match txn.get_database_backend() {
        DbBackend::Postgres => (60_000, 5_000),
        _ => (30_000, 1_000),
    };
    let batch_rows = (values / section.columns.len().max(1)).clamp(1, most);
    let mut batch = Vec::with_capacity(batch_rows);
    let mut n = 0u64;
    loop {
        match input.next()? {
            Some(Item::Row(row)) => {
                batch.push(section.model(&row).map_err(|e| input.damaged(e))?);
                n += 1;
                if batch.len() == batch_rows {
                    E::insert_many(std::mem::take(&mut batch))
                        .exec_without_returning(txn)
                        .await?;
                    if n % REPORT_EVERY < batch_rows as u64 {
                        progress(Progress {
                            table: &start.table,
                            done: before + n,
                            total,
                        });
                    }
                }
            }
            Some(Item::End(_)) => break,
            _ => return Err(input.damaged(format!("table {} does not end properly", start.table))),
        }
    }
    if !batch.is_empty() {
        E::insert_many(batch).exec_without_returning(txn).await?;
    }
    progress(Progress {
        table: &start.table,
        done: before + n,
        total,
    });
    Ok(n)
}

/// The header of the backup at `path`, read without verifying the rest (for listings).
pub fn read_header(path: &Path) -> Result<Header, BackupError> {
    Ok(In::open(File::open(path)?)?.header)
}
