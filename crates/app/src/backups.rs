//! Backups of the whole database (super admins; the admin page, the API and `saring backup`).
//!
//! Files live in `BACKUP_DIR`, named `saring-<yyyymmdd>-<hhmmss>-<kind>.backup.gz`: the name
//! is the only handle a client gives, and anything else is refused (no paths). A file is
//! written under a hidden `.partial` name, synced, then renamed, so a listing never shows a
//! half-written backup, and then copied the same way to `BACKUP_COPY_DIR` when set. One
//! backup or restore runs at a time across every process (a KV lock).
//!
//! A restore verifies the whole file first (format, version, checksum, every row against the
//! current schema) and changes nothing if any of that fails; it then writes a `pre-restore`
//! backup of the data it is about to replace, and replaces every table in one transaction
//! (see `saring_store::backup`). Sessions are not in backups: everyone signs in again.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use futures::{Stream, StreamExt};
use saring_domain::Role;
use saring_domain::api::ErrorCode;
use saring_domain::dto::backups::{BackupFile, BackupKind, BackupList, RestoreReport};
use saring_domain::user::User;
use saring_store::backup::{self, BackupError};
pub use saring_store::backup::{OnProgress, Progress};
use saring_store::repo::activity;
use serde::Serialize;
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::context::App;
use crate::error::{AppError, AppResult};

const PREFIX: &str = "saring-";
const SUFFIX: &str = ".backup.gz";
const LOCK_KEY: &str = "backup:running";
/// Longer than any backup or restore; the lock is released as soon as one ends.
const LOCK_TTL: Duration = Duration::from_secs(6 * 3600);

/// The kind of a backup file named `name`, or `None` when the name is not one of ours.
pub fn kind_of(name: &str) -> Option<BackupKind> {
    let stem = name.strip_prefix(PREFIX)?.strip_suffix(SUFFIX)?;
    BackupKind::ALL.into_iter().find(|k| {
        stem.strip_suffix(k.as_str())
            .and_then(|s| s.strip_suffix('-'))
            .is_some_and(|stamp| {
                stamp.len() >= 15
                    && stamp.as_bytes()[8] == b'-'
                    && stamp.chars().all(|c| c.is_ascii_digit() || c == '-')
            })
    })
}

fn dir(app: &App) -> &Path {
    &app.config().backup.dir
}

/// The path of the backup named `name` (refused unless the name is one of ours and exists).
pub fn path_of(app: &App, name: &str) -> AppResult<PathBuf> {
    let path = dir(app).join(name);
    if kind_of(name).is_none() || !path.is_file() {
        return Err(AppError::rejected(
            ErrorCode::BackupNotFound,
            format!("Backup {name} tidak ditemukan."),
        ));
    }
    Ok(path)
}

/// The listing of the file at `path` whose header was read as `header`.
fn describe(
    path: &Path,
    kind: BackupKind,
    header: Result<backup::Header, BackupError>,
) -> BackupFile {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    let (created_at, app_version, backend, problem) = match header {
        Ok(h) => (
            h.created_at
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            h.app_version,
            h.backend,
            None,
        ),
        Err(e) => (
            String::new(),
            String::new(),
            String::new(),
            Some(e.to_string()),
        ),
    };
    BackupFile {
        name,
        kind,
        size,
        created_at,
        app_version,
        backend,
        problem,
    }
}

/// The backups in `dir`, newest first, by file name (names sort by time).
fn files_in(dir: &Path) -> std::io::Result<Vec<(PathBuf, BackupKind)>> {
    let mut files = Vec::new();
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(files),
        Err(e) => return Err(e),
    };
    for entry in entries {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if let Some(kind) = kind_of(&name) {
            files.push((entry.path(), kind));
        }
    }
    files.sort_by_key(|(p, _)| std::cmp::Reverse(order_key(p)));
    Ok(files)
}

/// Sorts backup files by time, then by the number a second file of the same second gets.
fn order_key(path: &Path) -> (String, u32) {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let stem = name.strip_prefix(PREFIX).unwrap_or(&name);
    let stamp: String = stem.chars().take(15).collect();
    let n = stem
        .get(16..)
        .and_then(|rest| rest.split('-').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(1);
    (stamp, n)
}

fn io(what: &str, e: impl std::fmt::Display) -> AppError {
    AppError::Internal(format!("backup {what}: {e}"))
}

/// The backups on the server, newest first, with where they are kept.
pub async fn list(app: &App) -> AppResult<BackupList> {
    let c = &app.config().backup;
    let dir = c.dir.clone();
    let items = tokio::task::spawn_blocking(move || {
        files_in(&dir).map(|files| {
            files
                .iter()
                .map(|(p, k)| describe(p, *k, backup::read_header(p)))
                .collect::<Vec<_>>()
        })
    })
    .await
    .map_err(|e| io("listing", e))?
    .map_err(|e| io("listing", e))?;
    Ok(BackupList {
        items,
        dir: c.dir.display().to_string(),
        copy_dir: c.copy_dir.as_ref().map(|d| d.display().to_string()),
        schedule: c
            .schedule_enabled
            .then(|| format!("{:02}:{:02}", c.hour, c.minute)),
        keep: c.keep,
    })
}

fn require_super_admin(admin: &User) -> AppResult<()> {
    if admin.role == Role::SuperAdmin {
        return Ok(());
    }
    Err(AppError::rejected(
        ErrorCode::SuperAdminRequired,
        "Hanya super admin yang dapat mengelola backup.",
    ))
}

/// Holds the one-at-a-time lock; released when dropped through [`Running::release`].
struct Running<'a> {
    app: &'a App,
    token: saring_store::LockToken,
}

impl<'a> Running<'a> {
    async fn take(app: &'a App) -> AppResult<Self> {
        match app.kv().lock(LOCK_KEY, LOCK_TTL).await? {
            Some(token) => Ok(Self { app, token }),
            None => Err(AppError::rejected(
                ErrorCode::BackupBusy,
                "Backup atau pemulihan lain sedang berjalan.",
            )),
        }
    }

    async fn release(self) {
        if let Err(e) = self.app.kv().unlock(LOCK_KEY, &self.token).await {
            tracing::warn!(error = %e, "backup lock not released; it expires by itself");
        }
    }
}

/// Runs `work` under the lock, releasing it however `work` ends.
async fn exclusive<T>(
    app: &App,
    work: impl std::future::Future<Output = AppResult<T>>,
) -> AppResult<T> {
    let running = Running::take(app).await?;
    let out = work.await;
    running.release().await;
    out
}

/// A free file name for a new backup of `kind` in `dir`.
fn new_name(dir: &Path, kind: BackupKind, at: chrono::DateTime<chrono::Utc>) -> String {
    let stamp = at.format("%Y%m%d-%H%M%S");
    let mut name = format!("{PREFIX}{stamp}-{}{SUFFIX}", kind.as_str());
    let mut n = 1;
    while dir.join(&name).exists() {
        n += 1;
        name = format!("{PREFIX}{stamp}-{n}-{}{SUFFIX}", kind.as_str());
    }
    name
}

fn partial(dir: &Path, name: &str) -> PathBuf {
    dir.join(format!(".{name}.partial"))
}

/// What [`create`] made.
#[derive(Debug, Clone, Serialize)]
pub struct Created {
    pub file: BackupFile,
    pub rows: u64,
    pub millis: u64,
    /// Where the second copy went (`BACKUP_COPY_DIR`), if one is configured and it worked.
    pub copied_to: Option<String>,
    /// Why the second copy failed (the backup itself is fine).
    pub copy_error: Option<String>,
}

/// Writes a new backup of `kind` (a super admin's, or the schedule's when `admin` is `None`).
pub async fn create(
    app: &App,
    admin: Option<&User>,
    kind: BackupKind,
    progress: OnProgress<'_>,
) -> AppResult<Created> {
    if let Some(a) = admin {
        require_super_admin(a)?;
    }
    let created = exclusive(app, write_backup(app, kind, progress)).await?;
    record(
        app,
        admin,
        "CREATE_BACKUP",
        json!({ "name": created.file.name, "rows": created.rows, "copied_to": created.copied_to }),
    )
    .await;
    Ok(created)
}

async fn write_backup(app: &App, kind: BackupKind, progress: OnProgress<'_>) -> AppResult<Created> {
    let started = Instant::now();
    let dir = dir(app).to_owned();
    std::fs::create_dir_all(&dir).map_err(|e| io(&format!("directory {}", dir.display()), e))?;
    let name = new_name(&dir, kind, app.now());
    let tmp = partial(&dir, &name);
    let file = std::fs::File::create(&tmp).map_err(|e| io("file", e))?;
    let out = std::io::BufWriter::with_capacity(256 * 1024, file);
    let summary = match backup::dump(app.db(), out, env!("CARGO_PKG_VERSION"), progress).await {
        Ok(s) => s,
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            return Err(io("writing", e));
        }
    };
    let final_path = dir.join(&name);
    finish_file(&tmp, &final_path).map_err(|e| io("saving", e))?;
    let (copied_to, copy_error) = match &app.config().backup.copy_dir {
        None => (None, None),
        Some(copy_dir) => match copy_to(&final_path, copy_dir, &name) {
            Ok(p) => (Some(p.display().to_string()), None),
            Err(e) => {
                tracing::warn!(error = %e, dir = %copy_dir.display(), "backup copy failed");
                (None, Some(e.to_string()))
            }
        },
    };
    Ok(Created {
        file: describe(&final_path, kind, Ok(summary.header)),
        rows: summary.rows,
        millis: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
        copied_to,
        copy_error,
    })
}

/// Syncs the written file and moves it to its final name.
fn finish_file(tmp: &Path, final_path: &Path) -> std::io::Result<()> {
    std::fs::File::open(tmp)?.sync_all()?;
    std::fs::rename(tmp, final_path)
}

fn copy_to(src: &Path, copy_dir: &Path, name: &str) -> std::io::Result<PathBuf> {
    std::fs::create_dir_all(copy_dir)?;
    let tmp = partial(copy_dir, name);
    std::fs::copy(src, &tmp)?;
    let dest = copy_dir.join(name);
    finish_file(&tmp, &dest)?;
    Ok(dest)
}

/// Writes an action-log row, naming the admin only if they still exist (a restore may have
/// replaced the users), and never failing the action it records.
async fn record(app: &App, admin: Option<&User>, action: &str, mut details: serde_json::Value) {
    let mut admin_id = admin.map(|a| a.id);
    if let Some(a) = admin {
        details["by"] = json!(a.full_name);
        if saring_store::repo::users::find_by_id(app.db(), a.id)
            .await
            .ok()
            .flatten()
            .is_none()
        {
            admin_id = None;
        }
    }
    if let Err(e) = activity::log_action(app.db(), admin_id, None, action, details).await {
        tracing::warn!(error = %e, action, "backup action not logged");
    }
}

/// The nightly job: a `scheduled` backup, then pruning of older scheduled backups to
/// `BACKUP_KEEP` in each directory. A failed second copy fails the job (so admins are told)
/// after the backup itself is saved.
pub async fn scheduled(app: &App) -> AppResult<Created> {
    let mut quiet = |_: Progress<'_>| {};
    let created = create(app, None, BackupKind::Scheduled, &mut quiet).await?;
    let c = &app.config().backup;
    let mut pruned = prune(&c.dir, c.keep).map_err(|e| io("pruning", e))?;
    if let Some(copy_dir) = &c.copy_dir {
        pruned += prune(copy_dir, c.keep).unwrap_or(0);
    }
    tracing::info!(name = %created.file.name, rows = created.rows, pruned, "scheduled backup");
    if let Some(e) = &created.copy_error {
        return Err(AppError::Internal(format!(
            "backup {} saved, but the copy to BACKUP_COPY_DIR failed: {e}",
            created.file.name
        )));
    }
    Ok(created)
}

/// Deletes scheduled backups in `dir` beyond the newest `keep`; how many it deleted.
fn prune(dir: &Path, keep: usize) -> std::io::Result<usize> {
    let old: Vec<PathBuf> = files_in(dir)?
        .into_iter()
        .filter(|(_, k)| *k == BackupKind::Scheduled)
        .skip(keep)
        .map(|(p, _)| p)
        .collect();
    for p in &old {
        std::fs::remove_file(p)?;
    }
    Ok(old.len())
}

/// Deletes one backup file (super admins).
pub async fn delete(app: &App, admin: &User, name: &str) -> AppResult<()> {
    require_super_admin(admin)?;
    let path = path_of(app, name)?;
    std::fs::remove_file(&path).map_err(|e| io("deleting", e))?;
    record(app, Some(admin), "DELETE_BACKUP", json!({ "name": name })).await;
    Ok(())
}

fn rejected_file(e: BackupError) -> AppError {
    match e {
        BackupError::Newer(m) => AppError::rejected(
            ErrorCode::BackupNewer,
            format!("Backup dibuat oleh Saring versi lebih baru ({m})."),
        ),
        BackupError::NotABackup(m) => AppError::rejected(
            ErrorCode::BackupInvalid,
            format!("File ini bukan backup Saring ({m})."),
        ),
        BackupError::Damaged(m) => {
            AppError::rejected(ErrorCode::BackupInvalid, format!("File backup rusak: {m}."))
        }
        BackupError::Io(e) => io("reading", e),
        BackupError::Db(e) => AppError::Store(e.into()),
    }
}

/// Reads the whole backup at `path` through (blocking work, off the runtime).
pub async fn verify(path: &Path) -> AppResult<backup::Summary> {
    let owned = path.to_owned();
    tokio::task::spawn_blocking(move || backup::verify(&owned))
        .await
        .map_err(|e| io("verifying", e))?
        .map_err(rejected_file)
}

/// The file at `path` as a stream of 64 KiB chunks (downloads, and imports by the CLI).
pub async fn file_chunks(
    path: &Path,
) -> std::io::Result<impl Stream<Item = std::io::Result<Vec<u8>>> + use<>> {
    let file = tokio::fs::File::open(path).await?;
    Ok(futures::stream::try_unfold(file, |mut f| async move {
        let mut buf = vec![0u8; 64 * 1024];
        let n = f.read(&mut buf).await?;
        if n == 0 {
            return Ok(None);
        }
        buf.truncate(n);
        Ok(Some((buf, f)))
    }))
}

/// Stores an uploaded backup (a super admin's, or the CLI's when `admin` is `None`): streamed
/// to a hidden file, refused and deleted unless it verifies completely, then named
/// `…-uploaded.backup.gz`.
pub async fn upload<S, B, E>(app: &App, admin: Option<&User>, mut body: S) -> AppResult<BackupFile>
where
    S: Stream<Item = Result<B, E>> + Unpin,
    B: AsRef<[u8]>,
    E: std::fmt::Display,
{
    if let Some(a) = admin {
        require_super_admin(a)?;
    }
    let max = app
        .config()
        .backup
        .upload_max_mb
        .saturating_mul(1024 * 1024);
    let dir = dir(app).to_owned();
    std::fs::create_dir_all(&dir).map_err(|e| io("directory", e))?;
    let name = new_name(&dir, BackupKind::Uploaded, app.now());
    let tmp = partial(&dir, &name);
    let result = async {
        let mut file = tokio::fs::File::create(&tmp)
            .await
            .map_err(|e| io("upload", e))?;
        let mut size = 0u64;
        while let Some(chunk) = body.next().await {
            let chunk = chunk.map_err(|e| {
                AppError::rejected(ErrorCode::BadRequest, format!("Unggahan terputus: {e}"))
            })?;
            size += chunk.as_ref().len() as u64;
            if size > max {
                return Err(AppError::rejected(
                    ErrorCode::PayloadTooLarge,
                    format!(
                        "File lebih besar dari batas {} MB.",
                        app.config().backup.upload_max_mb
                    ),
                ));
            }
            file.write_all(chunk.as_ref())
                .await
                .map_err(|e| io("upload", e))?;
        }
        file.sync_all().await.map_err(|e| io("upload", e))?;
        verify(&tmp).await
    }
    .await;
    let summary = match result {
        Ok(s) => s,
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            return Err(e);
        }
    };
    let path = dir.join(&name);
    std::fs::rename(&tmp, &path).map_err(|e| io("upload", e))?;
    record(
        app,
        admin,
        "UPLOAD_BACKUP",
        json!({ "name": name, "rows": summary.rows }),
    )
    .await;
    Ok(describe(&path, BackupKind::Uploaded, Ok(summary.header)))
}

/// Replaces the database with the backup `name` (super admins; `admin` is `None` for the
/// CLI). Verifies first, then saves a `pre-restore` backup (unless `safety_backup` is off),
/// then restores in one transaction.
pub async fn restore(
    app: &App,
    admin: Option<&User>,
    name: &str,
    safety_backup: bool,
    progress: OnProgress<'_>,
) -> AppResult<RestoreReport> {
    if let Some(a) = admin {
        require_super_admin(a)?;
    }
    let path = path_of(app, name)?;
    let report = exclusive(app, async {
        let started = Instant::now();
        let summary = verify(&path).await?;
        let safety = if safety_backup {
            let mut quiet = |_: Progress<'_>| {};
            Some(
                write_backup(app, BackupKind::PreRestore, &mut quiet)
                    .await?
                    .file
                    .name,
            )
        } else {
            None
        };
        backup::apply(app.db(), &path, summary.rows, progress)
            .await
            .map_err(rejected_file)?;
        app.settings_cache().clear();
        Ok(RestoreReport {
            restored: name.to_owned(),
            safety_backup: safety,
            rows: summary.rows,
            tables: summary.tables,
            millis: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
        })
    })
    .await?;
    tracing::warn!(name, rows = report.rows, "database restored from a backup");
    record(
        app,
        admin,
        "RESTORE_BACKUP",
        json!({ "name": name, "rows": report.rows, "safety_backup": report.safety_backup }),
    )
    .await;
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_our_names_are_accepted() {
        for ok in [
            "saring-20261207-213000-manual.backup.gz",
            "saring-20261207-213000-2-scheduled.backup.gz",
            "saring-20261207-213000-pre-restore.backup.gz",
        ] {
            assert!(kind_of(ok).is_some(), "{ok}");
        }
        for bad in [
            "../saring-20261207-213000-manual.backup.gz",
            "saring-20261207-213000-manual.backup.gz/../../etc/passwd",
            "saring-x-manual.backup.gz",
            "saring--manual.backup.gz",
            ".saring-20261207-213000-manual.backup.gz.partial",
            "saring-20261207-213000-manual.sql",
            "saring-20261207/213000-manual.backup.gz",
        ] {
            assert!(kind_of(bad).is_none(), "{bad}");
        }
    }
}
